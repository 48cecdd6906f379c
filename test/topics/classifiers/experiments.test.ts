/**
 * Tests of the experiment machinery of lib/topics/classifiers: the WebAssembly SIMD products against the
 * JavaScript loops, determinism of the protocols, and the simulation protocols on cases small enough to reason about.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { fillNormal } from "../../../lib/core/normal";
import {
  bindRows,
  jsScoresXWt,
  jsAccumulateRtX,
  wasmKernels,
  learningCurve,
  simulationMStar,
  paperRuns,
  makeModel,
  PAPER_NB,
  sklearnLR,
  GaussianNB,
  bootstrapMStar,
  runsMStar,
  mEps,
  meanCrossing,
  significantWins,
  gridSteps,
  simStep,
  fromLabelled,
  testEvaluator,
  makePaperSimulation,
  errorRate,
  LogisticRegression,
  makeDataset,
  softmaxObjective,
  type LearningCurve,
  type MStarResult,
  type PaperRunsResult,
} from "../../../lib/topics/classifiers";
import { loadSklearn } from "../../../lib/core/data";

test("WebAssembly SIMD products equal the JavaScript loops (odd and even n, all row remainders)", () => {
  assert.ok(wasmKernels() !== null, "Node 20 has WebAssembly SIMD; the fast path must be active");
  const rng = new Rng(1);
  for (const [m, n, K] of [
    [1, 1, 1],
    [3, 5, 2],
    [9, 7, 3],
    [17, 64, 10],
    [130, 33, 1],
  ] as const) {
    const X = new Float64Array(m * n);
    const W = new Float64Array(K * n);
    const b = new Float64Array(K);
    const R = new Float64Array(m * K);
    for (const a of [X, W, b, R]) fillNormal(rng, a);
    const Zw = new Float64Array(m * K);
    const Zj = new Float64Array(m * K);
    const rows = bindRows(X, m, n);
    rows.scores(W, K, b, Zw);
    jsScoresXWt(X, m, n, W, K, b, Zj);
    const Gw = Float64Array.from({ length: K * n }, (_, t) => t * 0.1);
    const Gj = Float64Array.from(Gw);
    rows.accumulateRtX(R, K, Gw);
    jsAccumulateRtX(R, X, m, n, K, Gj);
    for (let t = 0; t < Zw.length; t++) assert.ok(Math.abs(Zw[t]! - Zj[t]!) <= 1e-12 * (1 + Math.abs(Zj[t]!)), `Z ${m}x${n}x${K} at ${t}`);
    for (let t = 0; t < Gw.length; t++) assert.ok(Math.abs(Gw[t]! - Gj[t]!) <= 1e-12 * (1 + Math.abs(Gj[t]!)), `G ${m}x${n}x${K} at ${t}`);
  }
  // two bound matrices used alternately: each call must see its own X
  const A = new Float64Array(6).fill(1);
  const B = new Float64Array(6).fill(2);
  const ra = bindRows(A, 2, 3);
  const rb = bindRows(B, 2, 3);
  const Z = new Float64Array(2);
  const w = Float64Array.of(1, 1, 1);
  ra.scores(w, 1, undefined, Z);
  assert.deepEqual(Array.from(Z), [3, 3]);
  rb.scores(w, 1, undefined, Z);
  assert.deepEqual(Array.from(Z), [6, 6]);
  ra.scores(w, 1, undefined, Z);
  assert.deepEqual(Array.from(Z), [3, 3]);
});

test("expInPlace equals Math.exp bit for bit: every branch of fdlibm's exp, its edges, the fallback lanes, odd counts", () => {
  const k = wasmKernels()!;
  const rng = new Rng(4);
  const edges = [
    0,
    -0,
    5e-324,
    -5e-324,
    1e-300,
    -1e-300,
    // |x| < 2^-28 returns 1 + x; the edge itself
    2 ** -28,
    -(2 ** -28),
    2 ** -28 - 2 ** -81, // the largest double below 2^-28
    // ln2/2 and 1.5 ln2, where k switches from 0 to +-1 to the rounded quotient
    0.34657359027997264,
    -0.34657359027997264,
    0.3465735902799727,
    1.0397207708399179,
    -1.0397207708399179,
    1.03972077083992,
    1,
    -1,
    Math.LN2,
    -Math.LN2,
    2,
    -2,
    0.5,
    -0.5,
    // the vector path ends at |x| = 707; beyond it the lanes call Math.exp (subnormal, overflow, underflow)
    707,
    -707,
    707.0000000000001,
    -707.0000000000001,
    709.78,
    709.79,
    -708.4,
    -740,
    -745.13,
    -745.14,
    -746,
    710,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
  ];
  const xs: number[] = [...edges];
  for (let t = 0; t < 20000; t++) {
    const u = rng.uniform(0, 1);
    xs.push(rng.uniform(-750, 750), -u * 20, rng.uniform(-2, 2), (u - 0.5) * 2 ** -rng.uniform(20, 60));
  }
  // one fallback lane paired with a vector lane, in both positions
  xs.push(-800, 0.3, 0.3, 800);
  for (const count of [xs.length, xs.length - 1, 3, 1, 0]) {
    k.reserve(xs.length * 8);
    k.f64().set(xs.slice(0, count), 0);
    k.expInPlace(0, count);
    const out = k.f64();
    for (let t = 0; t < count; t++)
      assert.ok(Object.is(out[t], Math.exp(xs[t]!)), `exp(${xs[t]}): ${out[t]} vs Math.exp ${Math.exp(xs[t]!)}`);
  }
});

/** Standard normal features, labels 0..K-1 first (every class present), then uniform. */
function gaussianDataset(rng: Rng, m: number, n: number, K: number) {
  const X = new Float64Array(m * n);
  fillNormal(rng, X);
  return makeDataset({ X, y: Int32Array.from({ length: m }, (_, i) => (i < K ? i : rng.int(0, K))), n, K });
}

test("the fused softmax objective equals the JavaScript loop bit for bit (loss and gradient), including exp's fallback lanes", () => {
  const rng = new Rng(8);
  const digits = fromLabelled(loadSklearn("digits"), "digits");
  for (const ds of [digits, gaussianDataset(rng, 57, 13, 3), gaussianDataset(rng, 31, 100, 7), gaussianDataset(rng, 10, 4, 5)]) {
    const weights = { ce: 0.7, l2: 0.3 };
    const fused = softmaxObjective(ds, weights);
    const js = softmaxObjective(ds, weights, { fused: false });
    // scales up to 30: large scores send exp's arguments past -707 (the scalar fallback) on some rows
    for (const scale of [0, 0.01, 1, 30]) {
      const theta = new Float64Array(ds.K * ds.n + ds.K);
      fillNormal(rng, theta);
      for (let t = 0; t < theta.length; t++) theta[t]! *= scale;
      const gf = new Float64Array(theta.length).fill(Number.NaN);
      const gj = new Float64Array(theta.length);
      const ff = fused(theta, gf);
      const fj = js(theta, gj);
      assert.ok(Object.is(ff, fj), `${ds.name ?? "random"} scale ${scale}: loss ${ff} vs ${fj}`);
      for (let t = 0; t < theta.length; t++)
        assert.ok(Object.is(gf[t], gj[t]), `${ds.name ?? "random"} scale ${scale}: grad[${t}] ${gf[t]} vs ${gj[t]}`);
    }
  }
});

test("naive Bayes scores on the two-lane kernel equal the scalar formula bit for bit (odd and even K, both variances)", () => {
  const rng = new Rng(9);
  for (const [m, n, K] of [
    [40, 7, 3],
    [33, 64, 10],
    [9, 1, 2],
    [25, 5, 5],
  ] as const) {
    const ds = gaussianDataset(rng, m, n, K);
    const X = ds.X;
    for (const variance of ["pooled", "per-class"] as const) {
      const nb = new GaussianNB({ variance }).fit(ds);
      const S = nb.scores(X);
      for (let i = 0; i < m; i++)
        for (let c = 0; c < K; c++) {
          let q = 0;
          let logNorm = 0;
          for (let j = 0; j < n; j++) {
            const v = variance === "pooled" ? nb.pooledVar[j]! : nb.classVar[c * n + j]!;
            const d = X[i * n + j]! - nb.means[c * n + j]!;
            q += d * d * (1 / v);
            if (variance === "per-class") logNorm += Math.log(2 * Math.PI * v);
          }
          const want = nb.logPrior[c]! - 0.5 * (logNorm + q);
          assert.ok(Object.is(S[i * K + c], want), `${variance} ${m}x${n}x${K} row ${i} class ${c}: ${S[i * K + c]} vs ${want}`);
        }
    }
  }
});

const iris = fromLabelled(loadSklearn("iris"), "iris");

test("learning curves are deterministic given the seed and use the same subsets for all models", () => {
  const run = () =>
    learningCurve({
      data: iris,
      mGrid: [6, 30],
      repeats: 4,
      seed: 9,
      progress: false,
      models: [
        { name: "NB", make: () => makeModel(PAPER_NB) },
        { name: "NB again", make: () => new GaussianNB({ variance: "pooled" }) },
        { name: "LR", make: () => makeModel(sklearnLR({ C: 1, warmStart: true })), repeats: 2 },
      ],
    });
  const a = run();
  const b = run();
  assert.deepEqual(a.errors, b.errors);
  assert.deepEqual(a.errors.NB, a.errors["NB again"], "same subsets and test splits for every model");
  assert.equal(a.errors.LR![0]!.length, 2);
  assert.equal(a.summary.NB![0]!.count, 4);
});

test("curve summaries: m_eps, crossing and significant wins on a hand-made curve", () => {
  const ci = (mean: number) => ({ mean, half: 0.01, lo: mean - 0.01, hi: mean + 0.01, sd: 0, count: 10 });
  const curve: LearningCurve = {
    dataset: "toy",
    mGrid: [10, 20, 50, 100],
    models: ["NB", "LR"],
    errors: {},
    solver: {},
    summary: { NB: [0.2, 0.12, 0.11, 0.1].map(ci), LR: [0.4, 0.13, 0.08, 0.05].map(ci) },
  };
  assert.equal(mEps(curve, { model: "NB", eps: 0.01 }), 50);
  assert.equal(mEps(curve, { model: "LR", eps: 0.01 }), 100);
  assert.equal(meanCrossing(curve, { leader: "NB", follower: "LR" }), 50);
  assert.deepEqual(significantWins(curve, { better: "NB", worse: "LR" }), [10]);
  assert.equal(gridSteps(curve.mGrid, 50, 75), 0.5);
  assert.equal(gridSteps(curve.mGrid, 20, 75), 1.5);
  assert.equal(gridSteps(curve.mGrid, null, 75), Number.POSITIVE_INFINITY);
});

test("simulation protocols: grid, stopping rule and determinism", () => {
  const models = [
    { name: "NB", make: () => makeModel(PAPER_NB) },
    { name: "LR", make: () => makeModel(sklearnLR({ C: 1, warmStart: true })) },
  ];
  const a = simulationMStar({ n: 20, K: 2, repeats: 3, seed: 4, models, testPerClass: 500 });
  const b = simulationMStar({ n: 20, K: 2, repeats: 3, seed: 4, models, testPerClass: 500 });
  assert.deepEqual(a, b);
  assert.equal(simStep(20), 3);
  for (const name of ["NB", "LR"]) {
    const c = a.curve[name]!;
    assert.equal(c.m[0], 4);
    c.m.forEach((m, i) => i > 0 && assert.equal(m - c.m[i - 1]!, 3));
    // stops at the first mean below Bayes + 0.01, and not earlier
    assert.equal(a.mStar[name], c.m[c.m.length - 1]);
    assert.ok(c.mean[c.mean.length - 1]! < a.bayes + 0.01);
    assert.ok(c.mean.slice(0, -1).every((e) => e >= a.bayes + 0.01));
  }
  assert.ok(a.mStar.NB! < a.mStar.LR!);
  // scanning past m* changes nothing up to m* and records every repeat's error
  const o = simulationMStar({ n: 20, K: 2, repeats: 3, seed: 4, models, testPerClass: 500, overshoot: 4 });
  for (const name of ["NB", "LR"]) {
    const c = o.curve[name]!;
    const k = a.curve[name]!.m.length;
    assert.equal(o.mStar[name], a.mStar[name]);
    assert.deepEqual(c.mean.slice(0, k), a.curve[name]!.mean);
    assert.equal(c.m.length, k + 4);
    c.errors.forEach((e, i) => assert.equal(e.reduce((x, y) => x + y, 0) / 3, c.mean[i]));
  }
  const runs = paperRuns({ n: 20, K: 3, runs: 2, seed: 5, models, testPerClass: 300, quiet: true });
  assert.equal(runs.mStar.LR!.length, 2);
  runs.curves.LR!.forEach((c, t) => {
    assert.equal(c.m[c.m.length - 1], runs.mStar.LR![t]);
    assert.ok(c.err.slice(0, -1).every((e) => e >= runs.bayes + 0.01));
  });
});

test("a resident test set scores exactly like errorRate while training sets come and go", () => {
  const sim = makePaperSimulation({ n: 30, K: 3 });
  const rng = new Rng(12);
  const test = sim.sampleBalanced(200, rng);
  const evaluate = testEvaluator(test);
  for (let t = 0; t < 4; t++) {
    const train = sim.sample(40 + 13 * t, rng);
    const lr = new LogisticRegression({ C: 1 }).fit(train);
    const nb = new GaussianNB({ variance: "pooled" }).fit(train);
    assert.equal(evaluate(lr), errorRate(lr, test));
    assert.equal(evaluate(nb), errorRate(nb, test));
    // a second, differently sized matrix scored in between must not disturb the resident one
    const other = sim.sampleBalanced(7 + t, rng);
    assert.equal(errorRate(lr, other), errorRate(lr, other));
    assert.equal(evaluate(lr), errorRate(lr, test));
  }
});

test("bootstrap of m*: resamples of identical repeats reproduce m*; censored resamples are counted", () => {
  // three repeats with identical errors: every resample has the same means, so m* never moves
  const flat: MStarResult = {
    n: 10,
    K: 2,
    bayes: 0,
    step: 3,
    repeats: 3,
    overshoot: 1,
    work: {},
    mStar: { A: 7 },
    curve: {
      A: {
        m: [4, 7, 10],
        mean: [0.05, 0.005, 0.002],
        errors: [
          [0.05, 0.05, 0.05],
          [0.005, 0.005, 0.005],
          [0.002, 0.002, 0.002],
        ],
      },
    },
  };
  const s = bootstrapMStar(flat, { model: "A", resamples: 200, seed: 1 });
  assert.deepEqual([s.mStar, s.lo, s.hi, s.sd, s.censored], [7, 7, 7, 0, 0]);
  // one repeat far above the threshold everywhere: resamples that draw it twice or more never cross
  const noisy: MStarResult = {
    ...flat,
    mStar: { A: 4 },
    curve: {
      A: {
        m: [4, 7],
        mean: [0.009, 0.008],
        errors: [
          [0, 0, 0.027],
          [0, 0, 0.024],
        ],
      },
    },
  };
  const t = bootstrapMStar(noisy, { model: "A", resamples: 2000, seed: 2 });
  // P(at least two of three draws hit the bad repeat) = 7/27 ≈ 0.26: those are censored
  assert.ok(Math.abs(t.censored / 2000 - 7 / 27) < 0.03, `censored ${t.censored}`);
  assert.equal(t.hi, Number.POSITIVE_INFINITY);
  assert.equal(t.lo, 4);
  assert.throws(() => bootstrapMStar(flat, { model: "B", resamples: 10, seed: 1 }), /no model "B"/);
});

test("runsMStar: the mean leaves out runs that never crossed and says how many", () => {
  const r: PaperRunsResult = {
    n: 100,
    K: 2,
    bayes: 0,
    step: 5,
    runs: 4,
    mStar: { LR: [100, null, 120, 110] },
    curves: { LR: [] },
    work: {},
  };
  const s = runsMStar(r, "LR");
  assert.deepEqual([s.mean, s.crossed, s.notCrossed, s.runs, s.min, s.max], [110, 3, 1, 4, 100, 120]);
  assert.ok(Math.abs(s.se - 10 / Math.sqrt(3)) < 1e-12);
  const none = runsMStar({ ...r, mStar: { LR: [null, null] }, runs: 2 }, "LR");
  assert.ok(Number.isNaN(none.mean) && none.notCrossed === 2);
});
