/**
 * The tfjs training path against the kernels: the parallel delta rule (and LA, and DeltaProduct by
 * interleaving) equals the float64 recurrence, and its tfjs gradients equal central finite
 * differences of the float64 recurrence (the custom unit-lower-inverse gradient included).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { initTf, tf } from "../../../lib/core/tf";
import { deltaRecurrent, l2normRows, laRecurrent, maxAbsDiff, sigmoid } from "../../../lib/topics/sequence-memory";
import { forward, initParams, paramList, parallelRule, unitLowerInverse } from "../../../lib/topics/sequence-memory/model";
import { mqarBatch, s3Batch } from "../../../lib/topics/sequence-memory/tasks";

const L = 7;
const d = 4;
function data(seed: number) {
  const rng = new Rng(seed);
  const g = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
  return {
    q: l2normRows(g(L * d), d) as Float64Array,
    k: l2normRows(g(L * d), d) as Float64Array,
    v: g(L * d),
    beta: Float64Array.from({ length: L }, () => sigmoid(rng.normal())),
    R: g(L * d),
  };
}

test("parallelRule (tfjs, float32) = the float64 recurrence for the delta rule and for LA", async () => {
  await initTf({ quiet: true });
  const x = data(1);
  const t3 = (a: Float64Array) => tf.tensor3d(Float32Array.from(a), [1, L, d]);
  const o = parallelRule(t3(x.q), t3(x.k), t3(x.v), tf.tensor2d(Float32Array.from(x.beta), [1, L]), "delta").dataSync();
  assert.ok(maxAbsDiff(o, deltaRecurrent(x.q, x.k, x.v, x.beta, { L, dk: d, dv: d }).o) <= 1e-5);
  const la = parallelRule(t3(x.q), t3(x.k), t3(x.v), null, "linear").dataSync();
  assert.ok(maxAbsDiff(la, laRecurrent(x.q, x.k, x.v, { L, dk: d, dv: d }).o) <= 1e-5);
});

test("unitLowerInverse: (I + A)·N = I and its gradient matches finite differences", async () => {
  await initTf({ quiet: true });
  const rng = new Rng(2);
  const n = 5;
  const A = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i * n + j] = 0.5 * rng.normal();
  const W = Float32Array.from({ length: n * n }, () => rng.normal());
  const f = (a: tf.Tensor) => tf.sum(tf.mul(unitLowerInverse(a as tf.Tensor3D), tf.tensor3d(W, [1, n, n])));
  const N = unitLowerInverse(tf.tensor3d(A, [1, n, n])).dataSync();
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let m = 0; m < n; m++) s += ((i === m ? 1 : 0) + A[i * n + m]!) * N[m * n + j]!;
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-5);
    }
  const g = tf
    .grad(f)(tf.tensor3d(A, [1, n, n]))
    .dataSync();
  const h = 1e-2;
  for (let i = 1; i < n; i++)
    for (let j = 0; j < i; j++) {
      const plus = Float32Array.from(A);
      const minus = Float32Array.from(A);
      plus[i * n + j] += h;
      minus[i * n + j] -= h;
      const fd = (f(tf.tensor3d(plus, [1, n, n])).dataSync()[0]! - f(tf.tensor3d(minus, [1, n, n])).dataSync()[0]!) / (2 * h);
      assert.ok(Math.abs(fd - g[i * n + j]!) <= 2e-3 * Math.max(1, Math.abs(fd)), `(${i},${j}): fd ${fd} vs ${g[i * n + j]}`);
    }
});

test("gradients of ⟨R, o⟩ through the parallel delta rule = central finite differences of the float64 recurrence", async () => {
  await initTf({ quiet: true });
  const x = data(3);
  const loss64 = (q: Float64Array, k: Float64Array, v: Float64Array, beta: Float64Array) => {
    const o = deltaRecurrent(q, k, v, beta, { L, dk: d, dv: d }).o;
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i]! * x.R[i]!;
    return s;
  };
  const t3 = (a: Float64Array) => tf.tensor3d(Float32Array.from(a), [1, L, d]);
  const grads = tf
    .grads((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(parallelRule(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, b as tf.Tensor2D, "delta"), t3(x.R))),
    )([t3(x.q), t3(x.k), t3(x.v), tf.tensor2d(Float32Array.from(x.beta), [1, L])])
    .map((g) => g.dataSync());
  const h = 1e-6;
  const inputs = [x.q, x.k, x.v, x.beta];
  inputs.forEach((arr, which) => {
    for (let i = 0; i < arr.length; i++) {
      const plus = inputs.map((a) => Float64Array.from(a));
      const minus = inputs.map((a) => Float64Array.from(a));
      plus[which]![i] += h;
      minus[which]![i] -= h;
      const fd = (loss64(plus[0]!, plus[1]!, plus[2]!, plus[3]!) - loss64(minus[0]!, minus[1]!, minus[2]!, minus[3]!)) / (2 * h);
      const g = grads[which]![i]!;
      assert.ok(Math.abs(fd - g) <= 1e-4 * Math.max(1, Math.abs(fd)), `input ${which} entry ${i}: fd ${fd} vs tfjs ${g}`);
    }
  });
});

test("the model runs on MQAR and S₃ batches, seeded, with finite logits of the right shape", async () => {
  await initTf({ quiet: true });
  const spec = { D: 8, H: 2, rule: "delta" as const, betaScale: 2 as const, nh: 2, conv: 4, vocab: 7, classes: 6, mlp: true };
  const p = initParams(spec, new Rng(4));
  const b = s3Batch({ B: 3, L: 5, rng: new Rng(5) });
  const logits = forward(p, spec, tf.tensor2d(b.tokens, [b.B, b.L], "int32"));
  assert.deepEqual(logits.shape, [3, 6, 6]);
  assert.ok(Array.from(logits.dataSync()).every(Number.isFinite));
  const p2 = initParams(spec, new Rng(4));
  assert.deepEqual(Array.from(paramList(p)[3]!.dataSync()), Array.from(paramList(p2)[3]!.dataSync()));
  const m = mqarBatch({ B: 2, L: 32, nkv: 4, vocab: 32, rng: new Rng(6) });
  assert.equal(Array.from(m.labels).filter((y) => y >= 0).length, 8);
  // each labelled position holds a key whose value is its label and follows it
  for (let i = 0; i < m.labels.length; i++) if (m.labels[i]! >= 0) assert.equal(m.tokens[i + 1], m.labels[i]);
});
