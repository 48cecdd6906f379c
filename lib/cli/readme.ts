#!/usr/bin/env node
/**
 * `readme --write | --check`: the entry point of `make readme` (and of `make reproduce`'s last
 * step). It refuses to publish results that are not a reproduction: every figures/<study>/claims.json
 * must say "scale": "full". Then it hands over to readme-status (which regenerates or checks the
 * status table from those files, unchanged).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../core/env";

/** Problems with figures/*\/claims.json that make them unpublishable; empty when all are full scale. */
export function nonFullClaims(figuresDir: string): string[] {
  if (!fs.existsSync(figuresDir)) return [];
  const problems: string[] = [];
  for (const study of fs.readdirSync(figuresDir).sort()) {
    const file = path.join(figuresDir, study, "claims.json");
    if (!fs.existsSync(file)) continue;
    const rel = path.relative(process.cwd(), file) || file;
    let scale: unknown;
    try {
      scale = (JSON.parse(fs.readFileSync(file, "utf8")) as { scale?: unknown }).scale;
    } catch (e) {
      problems.push(`${rel}: not valid JSON (${(e as Error).message})`);
      continue;
    }
    if (scale !== "full") problems.push(`${rel}: scale ${JSON.stringify(scale ?? null)}, not "full"`);
  }
  return problems;
}

function main(): void {
  const problems = nonFullClaims(path.join(repoRoot(), "figures"));
  if (problems.length > 0) {
    process.stderr.write(
      `readme: refusing to publish claims that are not a full-scale reproduction:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        `Only a full run writes figures/ (smoke runs go to build/<scale>/). Restore the committed files ` +
        `(git checkout -- figures/) or re-run at full scale (make reproduce).\n`,
    );
    process.exitCode = 1;
    return;
  }
  require("./readme-status");
}

if (require.main === module) main();
