import { test, before } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import { loadSklearn } from "../../../lib/core/data";
import {
  BatchedClassifier,
  checkExamples,
  runMatMul,
  trainXorBatch,
  trainXorLinearBatch,
  type Examples,
  type XorRun,
} from "../../../lib/topics/tversky/index";

/** Digits pixels / 16: the first 1,437 rows to train on, the last 360 to test (the study's own split is a study matter). */
function digits(): { train: Examples; test: Examples } {
  const { X, y } = loadSklearn("digits");
  const take = (from: number, to: number): Examples => {
    const out = new Float32Array((to - from) * 64);
    for (let i = from; i < to; i++) X[i]!.forEach((v, j) => (out[(i - from) * 64 + j] = v / 16));
    return { X: out, y: Int32Array.from(y.slice(from, to)), nSamples: to - from };
  };
  return { train: take(0, 1437), test: take(1437, 1797) };
}

before(async () => {
  await initTf({ quiet: true });
});

const xorRun = (K: number, seed: number, normalize = false, init: XorRun["protoInit"] = "uniform"): XorRun => ({
  K,
  normalize,
  protoInit: init,
  featureInit: init,
  seed,
});

test("batched XOR runs equal the same runs trained alone (padding of K and per-run normalize included)", () => {
  const runs = [xorRun(1, 11), xorRun(8, 12, true, "normal"), xorRun(3, 13, false, "orthogonal")];
  const cfg = { intersection: "product" as const, difference: "substractmatch" as const, lr: 0.01, steps: 150 };
  const together = trainXorBatch(cfg, runs, { keepWeights: true });
  runs.forEach((r, i) => {
    const alone = trainXorBatch(cfg, [r], { keepWeights: true })[0]!;
    const t = together[i]!;
    for (const k of ["theta", "alpha", "beta"] as const)
      assert.ok(Math.abs(alone[k] - t[k]) <= 1e-4, `run ${i} ${k}: ${alone[k]} vs ${t[k]}`);
    [...alone.weights!.F, ...alone.weights!.P].forEach((v, j) => {
      const w = [...t.weights!.F, ...t.weights!.P][j]!;
      assert.ok(Math.abs(v - w) <= 1e-4 * (1 + Math.abs(v)), `run ${i} weight ${j}: ${v} vs ${w}`);
    });
    assert.equal(alone.converged, t.converged);
  });
});

test("XOR: product + substractmatch solves XOR for some seeds; official gmean goes NaN and is reported", () => {
  const runs = Array.from({ length: 8 }, (_, i) => xorRun(8, 100 + i));
  const sub = trainXorBatch({ intersection: "product", difference: "substractmatch", lr: 0.01, steps: 1000 }, runs);
  assert.ok(
    sub.some((r) => r.converged),
    "no seed converged",
  );
  for (const r of sub) if (r.converged) assert.equal(r.accuracy, 1);
  const gm = trainXorBatch({ intersection: "gmean", difference: "ignorematch", lr: 0.01, steps: 5 }, runs.slice(0, 3));
  assert.ok(gm.every((r) => !r.finite && !r.converged && r.accuracy === 0));
  const gmEps = trainXorBatch({ intersection: "gmean", difference: "ignorematch", lr: 0.01, steps: 5, gmeanEps: 1e-8 }, runs.slice(0, 3));
  assert.ok(gmEps.every((r) => r.finite));
});

test("a linear 2→2 layer never exceeds 0.75 on XOR", () => {
  const acc = trainXorLinearBatch([1, 2, 3, 4, 5, 6], { lr: 0.1, steps: 300 });
  assert.ok(Math.max(...acc) <= 0.75, `accuracies ${acc}`);
  assert.ok(Math.max(...acc) >= 0.5);
});

test("runMatMul: the fast 2-D path (R = 1) has the same value and gradients as tf.matMul", () => {
  const rng = new Rng(4);
  const x = tf.tensor3d(rng.normals(5 * 7), [1, 5, 7]),
    w = tf.tensor3d(rng.normals(7 * 3), [1, 7, 3]);
  const [gx1, gw1] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.sin(runMatMul(a as tf.Tensor3D, b as tf.Tensor3D))))([x, w]);
  const [gx2, gw2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.sin(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D))))([x, w]);
  const gwConst = tf.grad((b: tf.Tensor) =>
    tf.sum(tf.sin(runMatMul(x, b as tf.Tensor3D, tf.transpose(tf.reshape(x, [5, 7])) as tf.Tensor2D))),
  )(w);
  for (const [a, b] of [
    [gx1, gx2],
    [gw1, gw2],
    [gwConst, gw2],
  ] as const) {
    assert.ok(tf.max(tf.abs(tf.sub(a!, b!))).dataSync()[0]! <= 1e-5);
  }
  tf.dispose([x, w, gx1!, gw1!, gx2!, gw2!, gwConst]);
});

test("classifier: R seeds trained together equal each seed trained alone; no tensors leak", () => {
  const split = digits();
  const small = { X: split.train.X.slice(0, 300 * 64), y: split.train.y.slice(0, 300), nSamples: 300 };
  const spec = { inputDim: 64, classes: 10, encoder: [12], head: { kind: "tversky" as const, K: 8, init: "symmetric" as const } };
  const before = tf.memory().numTensors;
  const both = new BatchedClassifier(spec, [3, 4]);
  both.fit(small, { epochs: 2, batchSize: 32, lr: 0.01 });
  const accBoth = both.accuracy(split.test);
  const scalBoth = both.scalars();
  assert.deepEqual(both.paramCounts(), { total: 64 * 12 + 12 + 10 * 12 + 8 * 12 + 3, trainable: 64 * 12 + 12 + 10 * 12 + 8 * 12 + 3 });
  both.dispose();
  [3, 4].forEach((seed, r) => {
    const one = new BatchedClassifier(spec, [seed]);
    one.fit(small, { epochs: 2, batchSize: 32, lr: 0.01 });
    assert.ok(Math.abs(one.accuracy(split.test)[0]! - accBoth[r]!) <= 1 / 360 + 1e-9, `seed ${seed}`);
    assert.ok(Math.abs(one.scalars()[0]!.alpha - scalBoth[r]!.alpha) <= 1e-3);
    one.dispose();
  });
  assert.equal(tf.memory().numTensors, before);
});

test("classifier: the official U(0,1) head on pixels keeps α at exactly 0.5 (notes §4), a frozen encoder stays put", () => {
  const split = digits();
  const small = { X: split.train.X.slice(0, 200 * 64), y: split.train.y.slice(0, 200), nSamples: 200 };
  const m = new BatchedClassifier({ inputDim: 64, classes: 10, encoder: [], head: { kind: "tversky", K: 4, init: "uniform" } }, [1, 2]);
  assert.ok(m.minPrototypeFeatureDot().every((v) => v > 0));
  // every x·f_k > 0 too at init, so β's term is empty as well; θ carries all of the gradient
  assert.ok(m.scalarGradients(small).every((g) => g.alpha === 0 && g.theta !== 0));
  m.fit(small, { epochs: 2, batchSize: 50, lr: 0.01 });
  assert.deepEqual(
    m.scalars().map((s) => s.alpha),
    [0.5, 0.5],
  );
  m.dispose();
  const f = new BatchedClassifier({ inputDim: 64, classes: 10, encoder: [8], frozenEncoder: true, head: { kind: "linear" } }, [1]);
  assert.deepEqual(f.paramCounts(), { total: 64 * 8 + 8 + 90, trainable: 90 });
  f.dispose();
});

test("bad classifier input is rejected with a named error", () => {
  assert.throws(
    () => checkExamples({ X: new Float32Array(6), y: new Int32Array([0, 1]), nSamples: 2 }, 4, 3, "training set"),
    /X has 6 numbers, expected nSamples × inputDim = 2 × 4/,
  );
  assert.throws(
    () => checkExamples({ X: new Float32Array([0, Number.NaN]), y: new Int32Array([0]), nSamples: 1 }, 2, 3, "training set"),
    /X\[0\]\[1\] is NaN/,
  );
  assert.throws(
    () => checkExamples({ X: new Float32Array(2), y: new Int32Array([3]), nSamples: 1 }, 2, 3, "test set"),
    /label 3 of example 0 is outside 0..2/,
  );
  assert.throws(
    () => new BatchedClassifier({ inputDim: 4, classes: 2, encoder: [], head: { kind: "tversky", K: 0, init: "uniform" } }, [1]),
    /K must be a positive integer/,
  );
});
