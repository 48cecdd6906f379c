/**
 * lib/core/adam-arrays.ts: the array Adam against the tensor Adam of optim.ts (bit for bit, every
 * arithmetic, gradients over 20 orders of magnitude, zeros, denormals and NaN), the hand-worked first
 * step, and its argument errors.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../lib/core/tf";
import { Rng } from "../../lib/core/rng";
import { ArrayAdam } from "../../lib/core/adam-arrays";
import { Adam, type AdamArithmetic } from "../../lib/core/optim";

before(async () => {
  await initTf({ quiet: true });
});

/** Gradients of every size the studies meet: 1e-12..1e8, exact zeros, a float32 denormal. */
function gradients(rng: Rng, n: number): Float32Array {
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    g[i] = u < 0.05 ? 0 : u < 0.07 ? 1e-40 : rng.normal() * 10 ** Math.floor(rng.uniform() * 20 - 12);
  }
  return g;
}

const N = 2000;

for (const arithmetic of ["textbook", "reciprocal", "folded"] as AdamArithmetic[]) {
  test(`ArrayAdam equals the tensor Adam bit for bit (${arithmetic})`, () => {
    const rng = new Rng(7);
    const sizes = [500, 300, 1200];
    const p0 = sizes.map((s) => rng.normals(s));
    const vars = p0.map((p) => tf.variable(tf.tensor1d(p)));
    const tensorAdam = new Adam(vars, { lr: 0.01, beta1: 0.85, beta2: 0.995, arithmetic });
    const flat = new Float32Array(N);
    p0.forEach((p, i) => flat.set(p, i === 0 ? 0 : i === 1 ? 500 : 800));
    const arrayAdam = new ArrayAdam(N, { lr: 0.01, beta1: 0.85, beta2: 0.995, arithmetic });
    for (let step = 0; step < 30; step++) {
      const g = gradients(rng, N);
      const lr = step % 3 === 0 ? 0.003 : undefined; // a per-step rate, as the schedules pass one
      const gs = [g.slice(0, 500), g.slice(500, 800), g.slice(800)].map((x) => tf.tensor1d(x));
      tensorAdam.step(gs, lr);
      tf.dispose(gs);
      arrayAdam.step(flat, g, lr);
      const tensorParams = new Float32Array(vars.flatMap((v) => Array.from(v.dataSync())));
      for (let i = 0; i < N; i++) {
        assert.ok(Object.is(flat[i], tensorParams[i]), `step ${step}, parameter ${i}: ${flat[i]} vs ${tensorParams[i]}`);
      }
    }
    tensorAdam.dispose();
    tf.dispose(vars);
  });
}

test("the three arithmetics part in the last bit on that stream, so the tests above resolve op order", () => {
  const run = (arithmetic: AdamArithmetic) => {
    const rng = new Rng(7);
    const p = rng.normals(N);
    const adam = new ArrayAdam(N, { lr: 0.01, beta1: 0.85, beta2: 0.995, arithmetic });
    for (let step = 0; step < 30; step++) adam.step(p, gradients(rng, N), step % 3 === 0 ? 0.003 : undefined);
    return p;
  };
  const [a, b, c] = (["textbook", "reciprocal", "folded"] as const).map(run);
  const differ = (x: Float32Array, y: Float32Array) => x.some((v, i) => !Object.is(v, y[i]));
  assert.ok(differ(a!, b!) && differ(a!, c!) && differ(b!, c!));
});

test("ArrayAdam keeps a NaN gradient on its own element, as the tensor Adam", () => {
  const p = new Float32Array([1, 2, 3]);
  const adam = new ArrayAdam(3, { lr: 0.1 });
  adam.step(p, [0.5, Number.NaN, -0.5]);
  assert.ok(Number.isNaN(p[1]!));
  assert.ok(Number.isFinite(p[0]!) && Number.isFinite(p[2]!));
});

test("ArrayAdam's first step is lr·g/(|g| + ε) (m̂ = g, v̂ = g²), worked by hand", () => {
  const p = new Float32Array([0, 0]);
  new ArrayAdam(2, { lr: 0.1 }).step(p, [2, -1e-9]);
  assert.ok(Math.abs(p[0]! - -0.1 * (2 / (2 + 1e-8))) < 1e-8);
  // |g| = 1e-9 is below ε = 1e-8: the step is lr·g/(|g| + ε) = −0.1·(−1e-9)/1.1e-8 ≈ 0.00909
  assert.ok(Math.abs(p[1]! - 0.1 / 11) < 1e-8, `${p[1]}`);
});

test("ArrayAdam rejects bad sizes, rates, betas and arithmetics, naming them", () => {
  assert.throws(() => new ArrayAdam(0), /size must be a positive integer, got 0/);
  assert.throws(() => new ArrayAdam(2, { beta1: 1 }), /beta1 must be in \[0, 1\), got 1/);
  assert.throws(() => new ArrayAdam(2, { eps: 0 }), /eps must be positive/);
  assert.throws(() => new ArrayAdam(2, { arithmetic: "fast" as AdamArithmetic }), /arithmetic must be/);
  const adam = new ArrayAdam(2);
  assert.throws(() => adam.step(new Float32Array(2), [1, 2]), /no learning rate/);
  assert.throws(() => adam.step(new Float32Array(3), [1, 2, 3], 0.1), /3 parameters and 3 gradients for an optimiser of size 2/);
  assert.throws(() => adam.step(new Float32Array(2), [1, 2], -1), /finite number ≥ 0, got -1/);
});
