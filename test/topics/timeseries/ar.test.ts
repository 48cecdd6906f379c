/** Paper B's tools: AR algebra (B3, B4), Hankel prompts (B1), the LSA on them (B2), OLS and rollouts. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import { buildTokens, disposeLsaTensors, lsaForward, paramsToTensors } from "../../../lib/topics/icl/lsa";
import {
  acovMatrix,
  alternatingLsa,
  bayesKStepMse,
  bestGdStep,
  companionRoots,
  constructionAB,
  cotRollout,
  decayRate,
  globalOls,
  hankel,
  hankelPrompts,
  isStationary,
  linearHistoryPredictor,
  lsaFromAB,
  lsaHistoryPredictor,
  phiToBeta,
  predictAB,
  predictInContextOls,
  predictLinear,
  predictLsa,
  predictPerPrompt,
  psiWeights,
  sampleAr,
  taskDistributionPrompts,
  trainHankelLsa,
  yuleWalkerAcov,
} from "../../../lib/topics/timeseries";

const PHI = [0.5, -0.3, 0.2];

test("B1: the Hankel prompt of 1..5 with p = 2, and its errors", () => {
  assert.deepEqual(hankel([1, 2, 3, 4, 5], 2), [
    [1, 2, 3, 4],
    [2, 3, 4, 5],
    [3, 4, 5, 0],
  ]);
  assert.throws(() => hankel([1, 2], 2), /longer than p/);
});

test("stationarity, roots and decay rate: AR(1) and AR(2) by hand, and the notes' AR(3)", () => {
  assert.ok(isStationary([0.9]) && !isStationary([1.1]) && !isStationary([-1]));
  assert.ok(!isStationary([0.5, 0.6]), "φ1 + φ2 > 1");
  assert.ok(isStationary([0.5, -0.3, 0.2]));
  assert.ok(Math.abs(decayRate([0.7]) - 0.7) < 1e-12);
  // AR(2) with λ² − 0.25 = 0: λ = ±0.5
  const r = companionRoots([0, 0.25]).map(([re, im]) => Math.hypot(re, im));
  r.forEach((v) => assert.ok(Math.abs(v - 0.5) < 1e-12));
  assert.ok(Math.abs(decayRate(PHI) - 0.587856) < 1e-6);
});

test("B3: Yule-Walker autocovariances (AR(1) closed form; the notes' AR(3)); B4: ψ weights and the Bayes k-step MSE", () => {
  const g1 = yuleWalkerAcov([0.6], 2, 3);
  const g0 = 2 / (1 - 0.36);
  [g0, 0.6 * g0, 0.36 * g0, 0.216 * g0].forEach((v, k) => assert.ok(Math.abs(g1[k]! - v) < 1e-12));
  const g = yuleWalkerAcov(PHI, 1, 3);
  [1.27193, 0.482456, -0.04386, 0.087719].forEach((v, k) => assert.ok(Math.abs(g[k]! - v) < 1e-6, `γ${k}`));
  assert.deepEqual(psiWeights([0.5], 4), [1, 0.5, 0.25, 0.125]);
  const ref: Record<number, number> = { 1: 1.0, 2: 1.25, 3: 1.2525, 5: 1.269381, 10: 1.271923, 20: 1.27193 };
  for (const [k, v] of Object.entries(ref)) assert.ok(Math.abs(bayesKStepMse(PHI, 1, Number(k)) - v) < 1e-6, `k=${k}`);
  assert.throws(() => yuleWalkerAcov([1.2], 1, 2), /not stationary/);
});

test("sampleAr: stationary start (sample variance ≈ γ₀) and determinism", () => {
  const x = sampleAr({ phi: PHI, sigma: 1, T: 200_000, rng: new Rng(1) });
  let s = 0;
  for (const v of x) s += v * v;
  assert.ok(Math.abs(s / x.length - 1.27193) < 0.03);
  assert.deepEqual(
    Array.from(sampleAr({ phi: PHI, sigma: 1, T: 5, rng: new Rng(2) })),
    Array.from(sampleAr({ phi: PHI, sigma: 1, T: 5, rng: new Rng(2) })),
  );
});

test("B2: icl's token forward on the Hankel columns equals the reduction (1/n) aᵀ C B z, and predictLsa (icl reducedPredict)", async () => {
  await initTf({ quiet: true });
  const rng = new Rng(5);
  const p = 2;
  const n = 6;
  const T = n + p;
  const x = sampleAr({ phi: [0.4, -0.2], sigma: 1, T: 40, rng });
  const targets = [T, T + 5, 30];
  const h = hankelPrompts(x, { p, n, targets });
  const P = Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => rng.normal()));
  const Q = Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => rng.normal()));
  const ref = predictAB(
    h,
    P[2]!,
    Q.map((r) => r.slice(0, 2)),
  );
  // tokens = Hankel columns of each history
  const X: number[] = [];
  const y: number[] = [];
  const xq: number[] = [];
  for (const t of targets) {
    const H = hankel(x.subarray(t - T, t), p);
    for (let j = 0; j < n; j++) {
      X.push(H[0]![j]!, H[1]![j]!);
      y.push(H[2]![j]!);
    }
    xq.push(H[0]![n]!, H[1]![n]!);
  }
  const tens = paramsToTensors({ kind: "merged", Wkq: Q, Wpv: P });
  const out = tf.tidy(() =>
    lsaForward(tens, buildTokens(tf.tensor3d(X, [3, n, p]), tf.tensor2d(y, [3, n]), tf.tensor2d(xq, [3, p])), {
      includeQuery: false,
    }).yhat.dataSync(),
  );
  disposeLsaTensors(tens);
  ref.forEach((v, b) => assert.ok(Math.abs(out[b]! - v) < 1e-4 * (1 + Math.abs(v)), `prompt ${b}: ${out[b]} vs ${v}`));
  const viaIcl = predictLsa(
    h,
    lsaFromAB(
      P[2]!,
      Q.map((r) => r.slice(0, 2)),
    ),
  );
  ref.forEach((v, b) => assert.ok(Math.abs(viaIcl[b]! - v) < 1e-4 * (1 + Math.abs(v))));
  // by hand for the first prompt: (1/n) Σ_j (a·h_j)(h_jᵀ B z)
  const t0 = targets[0]!;
  const hist = Array.from(x.subarray(t0 - T, t0));
  let hand = 0;
  for (let j = 0; j < n; j++) {
    const col = [hist[j]!, hist[j + 1]!, hist[j + 2]!];
    const ah = col.reduce((s, v, i) => s + P[2]![i]! * v, 0);
    const z = [hist[n]!, hist[n + 1]!];
    const Bz = [0, 1, 2].map((i) => Q[i]![0]! * z[0]! + Q[i]![1]! * z[1]!);
    hand += (ah * col.reduce((s, v, i) => s + v * Bz[i]!, 0)) / n;
  }
  assert.ok(Math.abs(hand - ref[0]!) < 1e-9);
});

test("OLS: noise-free AR data are recovered exactly in-context and globally; the construction tends to φᵀz", () => {
  const phi = [0.6, -0.3];
  const x = new Float64Array(60);
  x[0] = 1;
  x[1] = -0.4;
  for (let t = 2; t < 60; t++) x[t] = phi[0]! * x[t - 1]! + phi[1]! * x[t - 2]! + (t % 7 === 0 ? 0.5 : 0); // kicks keep it exciting
  const beta = globalOls(Float64Array.from(x.subarray(0, 7)), 2);
  assert.ok(Math.abs(beta[0]! + 0.3) < 1e-9 && Math.abs(beta[1]! - 0.6) < 1e-9, `global OLS ${beta}`);
  const h = hankelPrompts(x, { p: 2, n: 4, targets: [6] });
  assert.ok(Math.abs(predictInContextOls(h)[0]! - x[6]!) < 1e-9);
  assert.deepEqual(phiToBeta(phi), [-0.3, 0.6]);
  // construction: with a long stationary context it approaches the oracle
  const long = sampleAr({ phi: PHI, sigma: 1, T: 200_000, rng: new Rng(8) });
  const Gamma = acovMatrix(yuleWalkerAcov(PHI, 1, 3), 3);
  const c = constructionAB(Gamma);
  const hp = hankelPrompts(long, { p: 3, n: 150_000, targets: [199_999] });
  const oracle = predictLinear(hp, phiToBeta(PHI))[0]!;
  assert.ok(Math.abs(predictAB(hp, c.a, c.B)[0]! - oracle) < 0.05 * (1 + Math.abs(oracle)));
});

test("CoT rollout of a linear predictor iterates the recursion; the LSA rollout matches its one-step prediction", () => {
  const r = cotRollout(linearHistoryPredictor(phiToBeta([0.5, 0.2])), [1, 2], 3);
  const a = 0.5 * 2 + 0.2 * 1;
  const b = 0.5 * a + 0.2 * 2;
  const c = 0.5 * b + 0.2 * a;
  [a, b, c].forEach((v, k) => assert.ok(Math.abs(r[k]! - v) < 1e-12));
  const x = sampleAr({ phi: PHI, sigma: 1, T: 40, rng: new Rng(3) });
  const aa = [0.1, -0.2, 0.3, 1];
  const B = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [0.1, 0.1, 0.1],
  ];
  const first = cotRollout(lsaHistoryPredictor(aa, B, 10), x.subarray(0, 30), 1)[0]!;
  const direct = predictAB(hankelPrompts(x, { p: 3, n: 10, targets: [30] }), aa, B)[0]!;
  assert.ok(Math.abs(first - direct) < 1e-12);
  assert.throws(() => cotRollout(linearHistoryPredictor([1, 2, 3]), [1], 2), /at least 3/);
});

test("trainHankelLsa lowers the loss and is deterministic given its rng", async () => {
  await initTf({ quiet: true });
  const x = sampleAr({ phi: PHI, sigma: 1, T: 3000, rng: new Rng(4) });
  const train = hankelPrompts(x, { p: 3, n: 10, targets: Array.from({ length: 2900 }, (_, i) => 13 + i) });
  const run = () => trainHankelLsa({ train, epochs: 3, batch: 256, lr: 0.01, initStd: 0.01, rng: new Rng(5) });
  const a = run();
  assert.ok(a.epochLoss[2]! < a.epochLoss[0]!, `loss ${a.epochLoss}`);
  assert.deepEqual(run().a, a.a);
});

test("B9 prompts: each prompt's own φ is stationary and its oracle residual has variance σ² (3 SE); determinism", () => {
  const N = 4000;
  const o = { p: 3, n: 10, count: N, sigma: 1, scale: "innovation" as const };
  const { prompts, beta } = taskDistributionPrompts({ ...o, rng: new Rng(21) });
  assert.equal(prompts.y.length, N);
  for (let m = 0; m < N; m += 97) assert.ok(isStationary(Array.from(beta.subarray(m * 3, m * 3 + 3)).reverse()));
  const oracle = predictPerPrompt(prompts, beta);
  const mse = oracle.reduce((s, v, b) => s + (v - prompts.y[b]!) ** 2, 0) / N;
  // ε² of N(0, 1) noise has variance 2: SE √(2/N)
  assert.ok(Math.abs(mse - 1) < 3 * Math.sqrt(2 / N), `oracle MSE ${mse}`);
  const again = taskDistributionPrompts({ ...o, rng: new Rng(21) });
  assert.deepEqual(again.prompts.y, prompts.y);
  assert.throws(() => predictPerPrompt(prompts, beta.subarray(3)), /expected 4000 prompts × 3/);
  // "marginal": every path has stationary variance σ², so the targets' second moment is σ² (3 SE; Var y² = 2σ⁴)
  const marg = taskDistributionPrompts({ ...o, scale: "marginal", sigma: 2, rng: new Rng(22) }).prompts;
  const m2 = marg.y.reduce((s, v) => s + v * v, 0) / N;
  assert.ok(Math.abs(m2 - 4) < 3 * Math.sqrt((2 * 16) / N), `E y² ${m2}`);
});

test("bestGdStep: the GD pattern, the p = 1 closed form, never worse than the construction, and a start ALS cannot worsen", () => {
  // p = 1: ŷ = P · s_xy · z, so P = Σ s_xy z y / Σ (s_xy z)² (one-feature least squares)
  const x1 = sampleAr({ phi: [0.6], sigma: 1, T: 3000, rng: new Rng(5) });
  const h1 = hankelPrompts(x1, { p: 1, n: 8, targets: Array.from({ length: 500 }, (_, i) => 2000 + i) });
  let num = 0;
  let den = 0;
  for (let b = 0; b < 500; b++) {
    const f = h1.C[b * 4 + 2]! * h1.z[b]!; // C[1][0] = s_xy
    num += f * h1.y[b]!;
    den += f * f;
  }
  const g1 = bestGdStep(h1);
  assert.deepEqual(g1.a, [0, 1]);
  assert.ok(Math.abs(g1.B[0]![0]! - num / den) < 1e-10 * Math.abs(num / den));
  assert.equal(g1.B[1]![0], 0);
  // p = 3, fixed φ: the construction (P = Γ⁻¹) is one member of the family, so the fit can only be better
  const x = sampleAr({ phi: PHI, sigma: 1, T: 6000, rng: new Rng(6) });
  const h = hankelPrompts(x, { p: 3, n: 20, targets: Array.from({ length: 4000 }, (_, i) => 23 + i) });
  const mse = (pred: Float64Array) => pred.reduce((s, v, b) => s + (v - h.y[b]!) ** 2, 0) / h.y.length;
  const g = bestGdStep(h);
  const con = constructionAB(acovMatrix(yuleWalkerAcov(PHI, 1, 3), 3));
  assert.ok(mse(predictAB(h, g.a, g.B)) <= mse(predictAB(h, con.a, con.B)));
  const als = alternatingLsa(h, g, 3);
  assert.ok(als.fitMse[0]! <= mse(predictAB(h, g.a, g.B)) + 1e-12);
});
