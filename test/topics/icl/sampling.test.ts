/**
 * The task sampler and its normal generator against exact moments. Tolerances are ~5 standard
 * errors of the estimate (stated per test), so a correct sampler fails with probability < 1e-5
 * while a wrong covariance, prior or scale (errors of 10% or more) cannot pass.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { normalsPerTask, prepareSpec, sampleTasks, sliceBatch, type TaskSpec } from "../../../lib/topics/icl/tasks";
import { inverse } from "../../../lib/core/linalg";

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tol ${tol})`);
}

/** Empirical covariance of rows stored [count, d]. */
function covariance(v: Float32Array, d: number): number[][] {
  const count = v.length / d;
  const C = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let r = 0; r < count; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) C[i]![j]! += v[r * d + i]! * v[r * d + j]!;
  return C.map((row) => row.map((x) => x / count));
}

test("sampleTasks: full-covariance Gaussian x, and w ~ N(0, τ²Λ⁻¹) for the invCov prior", () => {
  const Lambda = [
    [2, 0.5, 0],
    [0.5, 1, 0.3],
    [0, 0.3, 0.5],
  ];
  const spec: TaskSpec = { d: 3, n: 10, x: { kind: "gauss", Lambda }, w: { kind: "invCov", tau2: 2 } };
  const b = sampleTasks(spec, 40_000, new Rng(1));
  const Cx = covariance(b.X, 3); // 4e5 rows: se of an entry ≤ √(2·4/4e5) ≈ 4.5e-3
  Lambda.forEach((row, i) => row.forEach((v, j) => close(Cx[i]![j]!, v, 0.025, `Cov(x)[${i}][${j}]`)));
  const Cq = covariance(b.xq, 3); // 4e4 rows: se ≤ 1.4e-2
  Lambda.forEach((row, i) => row.forEach((v, j) => close(Cq[i]![j]!, v, 0.08, `Cov(x_q)[${i}][${j}]`)));
  const Cw = covariance(b.w, 3);
  const target = inverse(Lambda).map((r) => r.map((v) => 2 * v)); // entries up to ~5.6: se ≤ 0.04
  target.forEach((row, i) => row.forEach((v, j) => close(Cw[i]![j]!, v, 0.05 * Math.max(1, Math.abs(v)) + 0.1, `Cov(w)[${i}][${j}]`)));
  // labels are exactly wᵀx (noiseless)
  for (let k = 0; k < 50; k++) {
    const s = b.w[k * 3]! * b.xq[k * 3]! + b.w[k * 3 + 1]! * b.xq[k * 3 + 1]! + b.w[k * 3 + 2]! * b.xq[k * 3 + 2]!;
    close(b.yq[k]!, s, 1e-5 * (1 + Math.abs(s)), "noiseless y_q = wᵀx_q");
  }
});

test("sampleTasks: label noise variance, uniform covariates, per-task Exponential diagonal", () => {
  const noisy = sampleTasks({ d: 2, n: 5, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.7 }, 100_000, new Rng(2));
  let v = 0;
  for (let b = 0; b < noisy.B; b++) v += (noisy.yq[b]! - noisy.fq[b]!) ** 2;
  close(v / noisy.B, 0.7, 5 * 0.7 * Math.sqrt(2 / noisy.B), "noise variance");

  const uni = sampleTasks({ d: 4, n: 10, x: { kind: "uniform", halfWidth: 0.5 }, w: { kind: "iso" } }, 20_000, new Rng(3));
  let s2 = 0;
  let s4 = 0;
  let maxAbs = 0;
  for (const x of uni.X) {
    s2 += x * x;
    s4 += x ** 4;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const N = uni.X.length;
  assert.ok(maxAbs <= 0.5);
  close(s2 / N, 1 / 12, 5 * Math.sqrt((1 / 80 - 1 / 144) / N), "E x² of U(-.5,.5)");
  close(s4 / N, 0.0125, 0.0005, "E x⁴ of U(-.5,.5) = h⁴/5");

  const rd = sampleTasks({ d: 5, n: 20, x: { kind: "gaussDiagRandom" }, w: { kind: "iso" } }, 20_000, new Rng(4));
  assert.ok(rd.lambda && rd.lambda.length === 5 * 20_000);
  let l1 = 0;
  let l2 = 0;
  for (const l of rd.lambda!) {
    l1 += l;
    l2 += l * l;
  }
  close(l1 / rd.lambda!.length, 1, 5 / Math.sqrt(rd.lambda!.length), "E λ (Exponential(1))");
  close(l2 / rd.lambda!.length, 2, 5 * Math.sqrt(20 / rd.lambda!.length), "E λ² (Exponential(1))");
  // x | Λ ~ N(0, Λ): E[x_j² / λ_j] = 1
  let r = 0;
  for (let b = 0; b < rd.B; b++)
    for (let i = 0; i < 20; i++) for (let j = 0; j < 5; j++) r += rd.X[(b * 20 + i) * 5 + j]! ** 2 / rd.lambda![b * 5 + j]!;
  close(r / rd.X.length, 1, 5 * Math.sqrt(2 / rd.X.length), "E[x²/λ]");
});

test("sampleTasks: tanh and random two-layer ReLU teachers", () => {
  const t = sampleTasks({ d: 3, n: 4, x: { kind: "gauss" }, w: { kind: "iso" }, teacher: { kind: "tanh", gain: 0.5 } }, 1000, new Rng(5));
  for (let b = 0; b < 20; b++) {
    let s = 0;
    for (let j = 0; j < 3; j++) s += t.w[b * 3 + j]! * t.xq[b * 3 + j]!;
    close(t.fq[b]!, Math.tanh(0.5 * s), 1e-6, "tanh teacher");
  }
  // relu2 is scaled so Var f(x) ≈ τ² (exactly: E over x of ‖x‖²/d · 2τ²/K · K/2 = τ²), mean 0 by v -> -v symmetry
  const spec: TaskSpec = { d: 4, n: 9, x: { kind: "gauss" }, w: { kind: "iso", tau2: 3 }, teacher: { kind: "relu2", hidden: 16 } };
  const r = sampleTasks(spec, 50_000, new Rng(6));
  let m = 0;
  let v = 0;
  for (const y of r.y) {
    m += y;
    v += y * y;
  }
  // heavy-ish tails (product of Gaussians): var(y²) ≲ 15 τ⁴; se of E y² ≲ √(15·9/4.5e5) ≈ 0.017
  close(m / r.y.length, 0, 0.03, "relu2 mean");
  close(v / r.y.length, 3, 0.12, "relu2 variance = τ²");
  assert.equal(normalsPerTask(spec), 10 * 4 + 4 + 16 * 5);
});

test("sampleTasks: deterministic per seed; sliceBatch; bad specs are named", () => {
  const spec: TaskSpec = { d: 2, n: 3, x: { kind: "gauss", Lambda: [1, 4] }, w: { kind: "iso" }, sigma2: 0.1 };
  const a = sampleTasks(spec, 7, new Rng(9));
  const b = sampleTasks(prepareSpec(spec), 7, new Rng(9));
  assert.deepEqual(a.X, b.X);
  assert.deepEqual(a.yq, b.yq);
  const s = sliceBatch(a, 2, 5);
  assert.equal(s.B, 3);
  assert.deepEqual(s.X, a.X.slice(2 * 6, 5 * 6));
  assert.throws(() => prepareSpec({ ...spec, d: 0 }), /d \(dimension\) must be a positive integer/);
  assert.throws(() => prepareSpec({ ...spec, sigma2: -1 }), /sigma2 .* non-negative/);
  assert.throws(() => prepareSpec({ ...spec, x: { kind: "gauss", Lambda: [1, -1] } }), /x.Lambda\[1\] = -1/);
  assert.throws(
    () =>
      prepareSpec({
        ...spec,
        x: {
          kind: "gauss",
          Lambda: [
            [1, 2],
            [2, 1],
          ],
        },
      }),
    /positive definite/,
  );
  assert.throws(() => prepareSpec({ ...spec, x: { kind: "uniform", halfWidth: 0.5 }, w: { kind: "invCov" } }), /invCov/);
  assert.throws(() => prepareSpec({ ...spec, x: { kind: "uniform" } as never }), /halfWidth/);
  assert.throws(() => prepareSpec({ ...spec, teacher: { kind: "relu2", hidden: 0 } }), /hidden/);
  assert.throws(() => sampleTasks(spec, 0, new Rng(1)), /batch size B/);
});
