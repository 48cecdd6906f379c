/**
 * The Akyürek reference learners (learners.ts) and the SPD / ILWD metrics (algorithm-metrics.ts),
 * against hand-worked examples, the closed-form risks of the notes (§5b A1, A2; §1.2 for GD at η*),
 * Monte Carlo at 4-5 SE, and exact identities (ILWD by probe fit = exact weight distance; SPD(A, A) = 0).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { mean, standardError } from "../../../lib/core/stats";
import { etaStar, riskOLS, riskStar } from "../../../lib/topics/icl/closed-forms";
import { sampleTasks, type TaskSpec } from "../../../lib/topics/icl/tasks";
import {
  bayesRidge,
  gdOptimal,
  gdStep,
  knn,
  learnerProbePredictions,
  learnerWeights,
  ols,
  predictAt,
  prefixPredictions,
  queryPredictions,
  ridge,
  type Prefix,
} from "../../../lib/topics/icl/learners";
import { ilwd, implicitWeights, meanOver, probeLinearR2, spdByPosition } from "../../../lib/topics/icl/algorithm-metrics";

const pre = (rows: number[][], y: number[]): Prefix => ({
  X: Float64Array.from(rows.flat()),
  y: Float64Array.from(y),
  i: rows.length,
  d: rows[0]!.length,
});
const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  assert.equal(a.length, b.length);
  for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k]! - b[k]!) <= tol, `entry ${k}: ${a[k]} vs ${b[k]}`);
};

// X = [[1,0],[0,2],[1,1]], y = [1,2,3]: XᵀX = [[2,1],[1,5]], Xᵀy = [4,7]
const H = pre(
  [
    [1, 0],
    [0, 2],
    [1, 1],
  ],
  [1, 2, 3],
);

test("OLS, ridge and GD on a hand-worked prompt", () => {
  near(ols().weights(H), [13 / 9, 10 / 9], 1e-12);
  // (XᵀX + I)⁻¹Xᵀy = [[3,1],[1,6]]⁻¹[4,7] = [17, 17]/17
  near(ridge(1).weights(H), [1, 1], 1e-12);
  near(gdStep({ alpha: 0.1 }).weights(H), [0.8, 1.4], 1e-12);
  // w0 = (1,−1), λ = 0.5: ∇ = XᵀXw0 − Xᵀy + λw0 = [−2.5, −11.5]
  near(gdStep({ alpha: 0.1, lambda: 0.5, w0: [1, -1] }).weights(H), [1.5, 1.3], 1e-12);
  assert.equal(predictAt(ols(), H, Float64Array.from([1, 1])), 23 / 9);
});

test("min-norm OLS when under-determined: x y/|x|² for one pair, the λ → 0 limit of ridge, interpolates", () => {
  near(ols().weights(pre([[1, 2, 2]], [3])), [1 / 3, 2 / 3, 2 / 3], 1e-12);
  near(ols().weights(pre([[0, 0, 1]], [0])), [0, 0, 0], 1e-12);
  assert.deepEqual(Array.from(ols().weights({ X: new Float64Array(0), y: new Float64Array(0), i: 0, d: 3 })), [0, 0, 0]);
  const rng = new Rng(3);
  const d = 6;
  for (const i of [2, 5]) {
    const p: Prefix = { X: Float64Array.from(rng.normals(i * d)), y: Float64Array.from(rng.normals(i)), i, d };
    const w = ols().weights(p);
    near(w, ridge(1e-9).weights(p), 1e-6);
    for (let r = 0; r < i; r++) {
      let f = 0;
      for (let j = 0; j < d; j++) f += p.X[r * d + j]! * w[j]!;
      assert.ok(Math.abs(f - p.y[r]!) < 1e-9, "interpolates the labels");
    }
  }
});

test("Bayes ridge is ridge at λ = σ²/τ² and OLS when σ² = 0", () => {
  near(bayesRidge({ tau2: 2, sigma2: 1 }).weights(H), ridge(0.5).weights(H), 0);
  near(bayesRidge({ tau2: 1, sigma2: 0 }).weights(H), ols().weights(H), 0);
  assert.throws(() => ridge(0), /use ols\(\)/);
  assert.throws(() => bayesRidge({ tau2: 0, sigma2: 1 }), /tau2/);
});

test("GD(α*) takes the 1/n-form step η* = i/(i + d + 1 + σ²/τ²) (notes §1.2)", () => {
  const g = gdOptimal({ d: 2, tau2: 1, sigma2: 0.5 }).weights(H);
  const eta = etaStar({ n: 3, d: 2, sigma2: 0.5 });
  near(g, [(eta / 3) * 4, (eta / 3) * 7], 1e-12);
  assert.throws(() => gdOptimal({ d: 3, tau2: 1, sigma2: 0 }).weights(H), /d = 3/);
});

test("k-NN: the mean of the k nearest labels, the |x − x_j|⁻² weighted mean, all pairs when fewer than k", () => {
  const p = pre([[0], [1], [3], [10]], [1, 2, 4, 8]);
  const x = Float64Array.from([0.9]);
  assert.equal(knn({ k: 3 }).predict(p, x), (2 + 1 + 4) / 3);
  const w = [1 / 0.01, 1 / 0.81, 1 / 4.41];
  const expect = (2 * w[0]! + 1 * w[1]! + 4 * w[2]!) / (w[0]! + w[1]! + w[2]!);
  assert.ok(Math.abs(knn({ k: 3, weighted: true }).predict(p, x) - expect) < 1e-12);
  assert.equal(knn({ k: 3 }).predict(pre([[5]], [7]), x), 7);
  assert.equal(knn({ k: 3, weighted: true }).predict(p, Float64Array.from([3])), 4);
});

const spec = (d: number, n: number, sigma2: number): TaskSpec => ({ d, n, x: { kind: "gauss" }, w: { kind: "iso", tau2: 1 }, sigma2 });
function queryMse(learner: Parameters<typeof queryPredictions>[0], s: TaskSpec, B: number, seed: number): { m: number; se: number } {
  const batch = sampleTasks(s, B, new Rng(seed));
  const p = queryPredictions(learner, batch);
  const e = Array.from(p, (v, b) => (v - batch.yq[b]!) ** 2);
  return { m: mean(e), se: standardError(e) };
}

test("A1: min-norm OLS, noiseless, n < d has MSE d − n (Monte Carlo, 5 SE)", () => {
  const r = queryMse(ols(), spec(8, 4, 0), 20000, 11);
  assert.ok(Math.abs(r.m - 4) < 5 * r.se, `${r.m} ± ${r.se}`);
  assert.ok(Math.abs(r.m - 4) / 4 < 0.02, "within the notes' ±2%");
});

test("A2: OLS, noisy, n > d + 1 has MSE σ²(1 + d/(n − d − 1)) (Monte Carlo, 5 SE)", () => {
  const r = queryMse(ols(), spec(5, 20, 0.5), 40000, 12);
  const t = riskOLS({ n: 20, d: 5, sigma2: 0.5 });
  assert.ok(Math.abs(r.m - t) < 5 * r.se, `${r.m} ± ${r.se} vs ${t}`);
});

test("GD(α*) has the closed-form risk τ²d(d+1+σ²/τ²)/(n+d+1+σ²/τ²) + σ² (Monte Carlo, 5 SE)", () => {
  const r = queryMse(gdOptimal({ d: 5, tau2: 1, sigma2: 0.5 }), spec(5, 20, 0.5), 40000, 13);
  const t = riskStar({ n: 20, d: 5, sigma2: 0.5 });
  assert.ok(Math.abs(r.m - t) < 5 * r.se, `${r.m} ± ${r.se} vs ${t}`);
});

test("A3: on shared tasks, ridge's MSE over a λ grid is smallest at the Bayes λ = σ²/τ²", () => {
  const s = { ...spec(4, 6, 0.5), w: { kind: "iso" as const, tau2: 2 } };
  const grid = [0.0625, 0.125, 0.25, 0.5, 1, 2];
  const mses = grid.map((l) => queryMse(ridge(l), s, 40000, 14).m);
  const best = grid[mses.indexOf(Math.min(...mses))];
  assert.equal(best, 0.25, `MSEs ${mses.map((m) => m.toFixed(4)).join(", ")}`);
});

test("prefix predictions: entry b·n + i predicts x_{i+1} from the first i pairs", () => {
  const batch = sampleTasks(spec(3, 5, 0), 4, new Rng(5));
  const p = prefixPredictions(ols(), batch);
  // noiseless, i > d: OLS is exact
  for (let b = 0; b < 4; b++) assert.ok(Math.abs(p[b * 5 + 4]! - batch.y[b * 5 + 4]!) < 1e-4);
  for (let b = 0; b < 4; b++) assert.equal(p[b * 5]!, 0, "the empty prefix predicts 0");
});

test("SPD: zero for an algorithm against itself, the hand value otherwise, ÷ d with perDim", () => {
  const a = [1, 2, 3, 4, 5, 6];
  assert.deepEqual(spdByPosition(a, a, { B: 2, n: 3 }).mean, [0, 0, 0]);
  const b = [1, 2, 5, 4, 7, 6];
  assert.deepEqual(spdByPosition(a, b, { B: 2, n: 3 }).mean, [0, 2, 2]);
  assert.deepEqual(spdByPosition(a, b, { B: 2, n: 3, perDim: 2 }).mean, [0, 1, 1]);
  assert.equal(meanOver([1, 2, 3, 6], { from: 1, to: 4 }), 11 / 3);
  assert.throws(() => spdByPosition(a, [1], { B: 2, n: 3 }), /B·n/);
});

test("A4: ILWD from probe fits equals the exact ‖w₁ − w₂‖² for linear learners (1e-6); R² = 1 for them, < 1 for k-NN", () => {
  const batch = sampleTasks(spec(4, 10, 0.25), 50, new Rng(8));
  const K = 12;
  const probes = new Rng(9).normals(50 * K * 4);
  const prefixes = [2, 4, 7];
  const A = ridge(0.5);
  const Bl = gdOptimal({ d: 4, tau2: 1, sigma2: 0.25 });
  const fit = (l: typeof A) =>
    implicitWeights({ preds: learnerProbePredictions(l, { batch, prefixes, probes, K }), probes, B: 50, P: 3, K, d: 4 });
  const viaProbes = ilwd(fit(A), fit(Bl), { B: 50, P: 3, d: 4 });
  const exact = ilwd(learnerWeights(A, batch, prefixes), learnerWeights(Bl, batch, prefixes), { B: 50, P: 3, d: 4 });
  near(viaProbes.mean, exact.mean, 1e-6 * Math.max(...exact.mean));
  assert.ok(exact.mean.every((v) => v > 0));
  assert.deepEqual(ilwd(fit(A), fit(A), { B: 50, P: 3, d: 4 }).mean, [0, 0, 0]);
  const r2lin = probeLinearR2({ preds: learnerProbePredictions(A, { batch, prefixes, probes, K }), probes, B: 50, P: 3, K, d: 4 });
  near(r2lin, [1, 1, 1], 1e-9);
  const r2knn = probeLinearR2({
    preds: learnerProbePredictions(knn({ k: 3 }), { batch, prefixes, probes, K }),
    probes,
    B: 50,
    P: 3,
    K,
    d: 4,
  });
  assert.ok(
    r2knn.every((v) => v < 0.99),
    `k-NN R² ${r2knn}`,
  );
  assert.throws(() => implicitWeights({ preds: new Float64Array(3), probes: new Float64Array(3 * 4), B: 1, P: 1, K: 3, d: 4 }), /K ≥ d/);
});

test("A6: k-NN is far from OLS next to GD(α*) and ridge (SPD, d = 8, noiseless)", () => {
  const batch = sampleTasks(spec(8, 16, 0), 400, new Rng(10));
  const o = prefixPredictions(ols(), batch);
  const m = (l: Parameters<typeof prefixPredictions>[0]) =>
    meanOver(spdByPosition(prefixPredictions(l, batch), o, { B: 400, n: 16, perDim: 8 }).mean, { from: 1, to: 16 });
  const k = m(knn({ k: 3 }));
  assert.ok(k > m(gdOptimal({ d: 8, tau2: 1, sigma2: 0 })), "k-NN further than GD");
  assert.ok(k > m(ridge(0.5)), "k-NN further than ridge");
});
