/**
 * Executes every notebook in notebooks/ at smoke scale into build/smoke/, as `make test` promises:
 * each must run without error and write its claims, and the committed notebook and figures/ must
 * be left byte-for-byte untouched.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../lib/core/env";
import { collectClaims } from "../lib/tools/status-table";
import { hashFile, snapshotTree } from "../lib/tools/stamps";
import { runNotebook } from "../lib/runner";
import { listNotebooks } from "../lib/tools/notebooks";

const root = repoRoot();
const scratch = path.join(root, "build", "smoke");
const notebooks = listNotebooks(root);

function treeHashes(dir: string): Map<string, string | undefined> {
  return new Map([...snapshotTree(dir).keys()].map((f) => [f, hashFile(f)]));
}

test("notebooks/ holds at least one notebook", () => {
  assert.ok(notebooks.length > 0, "no notebooks found in notebooks/");
});

for (const nb of notebooks) {
  const name = path.basename(nb, ".ipynb");
  test(`notebook ${name} runs at smoke scale`, async () => {
    const sourceBefore = fs.readFileSync(nb);
    const figuresBefore = treeHashes(path.join(root, "figures"));
    const outputs = path.join(scratch, "figures");
    const result = await runNotebook({
      input: nb,
      output: path.join(scratch, "notebooks", `${name}.ipynb`),
      scale: "smoke",
      outputDir: outputs,
      cellTimeoutMs: 300_000,
      log: (line) => process.stderr.write(`  ${line}\n`),
    });
    assert.ok(result.ok, result.message);
    assert.deepEqual(fs.readFileSync(nb), sourceBefore, `${nb} was modified by a smoke run`);
    assert.deepEqual(treeHashes(path.join(root, "figures")), figuresBefore, "figures/ was modified by a smoke run");
    const rel = path.relative(root, nb).split(path.sep).join("/");
    const claims = collectClaims(outputs).find((s) => s.notebook === rel);
    assert.ok(claims, `${rel} wrote no claims.json under ${outputs} (does it call claims.report()?)`);
    assert.equal(claims.scale, "smoke");
    assert.ok(claims.claims.length > 0);
  });
}
