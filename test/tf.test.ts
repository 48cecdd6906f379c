import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../lib/core/env";
import { tfjsNodeInstalled } from "../lib/core/tf";

const root = repoRoot();

/** Runs a snippet in a fresh Node process (the backend is chosen once per process). */
function node(code: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["-e", code], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });
}

const tfModule = JSON.stringify(path.join(root, "dist", "lib", "core", "tf.js"));

test("the backend is chosen once, printed once, and computes correctly", () => {
  const r = node(`
    const { initTf, tf } = require(${tfModule});
    (async () => {
      await initTf(); await initTf();
      const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]]));
      console.log(JSON.stringify({ backend: tf.getBackend(), y: Array.from(y.dataSync()) }));
    })();`);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.filter((l) => l.startsWith("tfjs backend:")).length, 1, r.stdout);
  const out = JSON.parse(lines[lines.length - 1]!);
  assert.deepEqual(out.y, [17, 39]);
  const hasNode = tfjsNodeInstalled();
  assert.equal(out.backend, hasNode ? "tensorflow" : "wasm");
  if (!hasNode) assert.match(lines[0]!, /^tfjs backend: wasm \(SIMD, 1 thread\)$/);
});

test("LS_TF_BACKEND forces a backend and rejects unknown names", () => {
  const ok = node(`require(${tfModule}).initTf().then(() => console.log(require(${tfModule}).tf.getBackend()))`, { LS_TF_BACKEND: "cpu" });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /tfjs backend: cpu \(pure JavaScript\)\ncpu/);
  const bad = node(`require(${tfModule}).initTf().catch((e) => { console.error(e.message); process.exit(3); })`, { LS_TF_BACKEND: "gpu" });
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /LS_TF_BACKEND must be tensorflow, wasm or cpu/);
});

test("exactly one @tensorflow/tfjs-core, shared with danfojs-node", () => {
  const ours = require.resolve("@tensorflow/tfjs-core", { paths: [root] });
  const danfos = require.resolve("@tensorflow/tfjs-core", { paths: [path.dirname(require.resolve("danfojs-node", { paths: [root] }))] });
  assert.equal(danfos, ours);
  const ls = spawnSync("npm", ["ls", "@tensorflow/tfjs-core", "--all", "--parseable"], { cwd: root, encoding: "utf8" });
  const dirs = new Set(ls.stdout.trim().split("\n").filter(Boolean));
  assert.equal(dirs.size, 1, `npm ls found several tfjs-core copies:\n${ls.stdout}`);
});
