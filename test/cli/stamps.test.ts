import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { codeHash, hasOutputs, hashFiles, snapshotTree, staleReason, Stamp, writtenSince } from "../../lib/cli/stamps";

const nb = (cells: object[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
const code = (source: string, extra: object = {}) => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null, ...extra });
const md = (source: string) => ({ cell_type: "markdown", source, metadata: {} });

test("codeHash follows code cells and tags, not markdown or outputs", () => {
  const base = codeHash(nb([md("# a"), code("1 + 1")]));
  assert.equal(codeHash(nb([md("# changed"), code("1 + 1")])), base);
  assert.equal(codeHash(nb([md("# a"), code("1 + 1", { outputs: [{ output_type: "stream", name: "stdout", text: "2" }], execution_count: 1 })])), base);
  assert.equal(codeHash(nb([md("# a"), code(["1 ", "+ 1"] as never)])), base);
  assert.notEqual(codeHash(nb([md("# a"), code("1 + 2")])), base);
  assert.notEqual(codeHash(nb([md("# a"), code("1 + 1", { metadata: { tags: ["skip-execution"] } })])), base);
  assert.equal(hasOutputs(nb([code("1")])), false);
  assert.equal(hasOutputs(nb([code("1", { execution_count: 1 })])), true);
});

test("staleReason names what changed", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ls-stamps-"));
  fs.writeFileSync(path.join(root, "lib.js"), "a");
  fs.writeFileSync(path.join(root, "fig.svg"), "<svg/>");
  const stamp: Stamp = { scale: "full", code: "c", lock: "l", inputs: hashFiles(root, ["lib.js"]), outputs: hashFiles(root, [path.join(root, "fig.svg")]) };
  const cur = { scale: "full", code: "c", lock: "l", notebookHasOutputs: true };
  assert.equal(staleReason(root, stamp, cur), undefined);
  assert.equal(staleReason(root, undefined, cur), "never run here");
  assert.match(staleReason(root, stamp, { ...cur, scale: "smoke" })!, /scale changed/);
  assert.match(staleReason(root, stamp, { ...cur, code: "d" })!, /code cells changed/);
  assert.match(staleReason(root, stamp, { ...cur, lock: "m" })!, /package-lock/);
  assert.match(staleReason(root, stamp, { ...cur, notebookHasOutputs: false })!, /no outputs/);
  fs.writeFileSync(path.join(root, "lib.js"), "b");
  assert.match(staleReason(root, stamp, cur)!, /input lib.js changed/);
  fs.writeFileSync(path.join(root, "lib.js"), "a");
  fs.rmSync(path.join(root, "fig.svg"));
  assert.match(staleReason(root, stamp, cur)!, /output fig.svg is missing/);
});

test("writtenSince finds new and modified files", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ls-tree-"));
  fs.writeFileSync(path.join(root, "old.txt"), "1");
  fs.writeFileSync(path.join(root, "same.txt"), "1");
  const before = snapshotTree(root);
  fs.mkdirSync(path.join(root, "sub"));
  fs.writeFileSync(path.join(root, "sub", "new.txt"), "2");
  const t = new Date(Date.now() + 5000);
  fs.writeFileSync(path.join(root, "old.txt"), "3");
  fs.utimesSync(path.join(root, "old.txt"), t, t);
  assert.deepEqual(writtenSince(before, snapshotTree(root)).map((f) => path.relative(root, f)).sort(), ["old.txt", path.join("sub", "new.txt")]);
});
