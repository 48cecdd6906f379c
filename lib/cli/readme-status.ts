#!/usr/bin/env node
/** `readme-status --write | --check`: regenerate or verify README's reproduction-status table. */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../core/env";
import { writeFileAtomic } from "../core/files";
import { collectClaims, renderStatus, withStatus } from "./status-table";

function main(argv: string[]): number {
  const mode = argv[0];
  if (mode !== "--write" && mode !== "--check") {
    process.stderr.write("usage: readme-status --write | --check\n");
    return 2;
  }
  const root = repoRoot();
  const readmePath = path.join(root, "README.md");
  const readme = fs.readFileSync(readmePath, "utf8");
  const updated = withStatus(readme, renderStatus(collectClaims(path.join(root, "figures"))));
  if (mode === "--check") {
    if (updated === readme) return 0;
    process.stderr.write("README.md's status table is out of date with figures/*/claims.json; run `make readme` (or `make reproduce`)\n");
    return 1;
  }
  if (updated !== readme) writeFileAtomic(readmePath, updated);
  process.stdout.write(updated === readme ? "README.md status table already up to date\n" : "README.md status table regenerated\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
