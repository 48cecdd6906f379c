/**
 * Executes every notebook in notebooks/ at smoke scale, as `make test` promises, with the
 * project's default output policy (no output folder given): each must run without error, show
 * the smoke banner in its first output, and write its claims under build/smoke/<study>/; the
 * committed notebook and figures/ must be left byte-for-byte untouched. No time limit is set here
 * beyond the runner's hang limits: slowness never fails this test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../lib/core/env";
import { collectClaims } from "../../lib/cli/status-table";
import { hashFile, snapshotTree } from "../../lib/cli/stamps";
import { runNotebook } from "@linear-studies/notebook-runner";
import { projectRunOptions } from "../../lib/cli/project";
import { listNotebooks } from "../../lib/cli/notebooks";

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
    const outputs = scratch;
    const { env, ...options } = projectRunOptions("smoke");
    const executed = path.join(scratch, "notebooks", `${name}.ipynb`);
    const result = await runNotebook({
      ...options,
      // as a browser or nbconvert would start it: only LS_SCALE, so env.ts's policy picks the folder
      env: { ...env, LS_OUTPUT_DIR: undefined },
      input: nb,
      output: executed,
      log: (line) => process.stderr.write(`  ${line}\n`),
    });
    assert.ok(result.ok, result.message);
    const firstOutputs = JSON.stringify(JSON.parse(fs.readFileSync(executed, "utf8")).cells.find((c: { cell_type: string }) => c.cell_type === "code").outputs);
    assert.ok(firstOutputs.includes("SMOKE RUN (LS_SCALE=smoke)") && firstOutputs.includes("NOT A REPRODUCTION"), "the first output shows the smoke banner");
    assert.deepEqual(fs.readFileSync(nb), sourceBefore, `${nb} was modified by a smoke run`);
    assert.deepEqual(treeHashes(path.join(root, "figures")), figuresBefore, "figures/ was modified by a smoke run");
    const rel = path.relative(root, nb).split(path.sep).join("/");
    const claims = collectClaims(outputs).find((s) => s.notebook === rel);
    assert.ok(claims, `${rel} wrote no claims.json under ${outputs} (does it call claims.report()?)`);
    assert.equal(claims.scale, "smoke");
    assert.ok(claims.claims.length > 0);
  });
}
