/**
 * Tests of the experiment machinery of lib/classifiers: the WebAssembly SIMD products against the
 * JavaScript loops, determinism of the protocols, worker threads giving the same results as the
 * main thread, and the simulation protocols on cases small enough to reason about.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../lib/core/rng";
import {
  bindRows, jsScoresXWt, jsAccumulateRtX, wasmKernels, fillStandardNormal, learningCurve, runJob, runJobs, simulationMStar, paperRuns,
  makeModel, PAPER_NB, sklearnLR, GaussianNB, paperGridJobs, collectPaperGrid, mEps, meanCrossing, significantWins, gridSteps,
  simStep, fromLabelled, testEvaluator, makePaperSimulation, errorRate, LogisticRegression, type Job, type LearningCurve, type MStarResult, type PaperRunsResult,
} from "../lib/classifiers/index";
import { loadSklearn } from "../lib/core/data";

test("WebAssembly SIMD products equal the JavaScript loops (odd and even n, all row remainders)", () => {
  assert.ok(wasmKernels() !== null, "Node 20 has WebAssembly SIMD; the fast path must be active");
  const rng = new Rng(1);
  for (const [m, n, K] of [[1, 1, 1], [3, 5, 2], [9, 7, 3], [17, 64, 10], [130, 33, 1]] as const) {
    const X = new Float64Array(m * n);
    const W = new Float64Array(K * n);
    const b = new Float64Array(K);
    const R = new Float64Array(m * K);
    for (const a of [X, W, b, R]) fillStandardNormal(rng, a);
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

const iris = fromLabelled(loadSklearn("iris"), "iris");

test("learning curves are deterministic given the seed and use the same subsets for all models", () => {
  const run = () => learningCurve({
    data: iris, mGrid: [6, 30], repeats: 4, seed: 9, progress: false,
    models: [{ name: "NB", make: () => makeModel(PAPER_NB) }, { name: "NB again", make: () => new GaussianNB() }, { name: "LR", make: () => makeModel(sklearnLR(1, true)), repeats: 2 }],
  });
  const a = run();
  const b = run();
  assert.deepEqual(a.errors, b.errors);
  assert.deepEqual(a.errors["NB"], a.errors["NB again"], "same subsets and test splits for every model");
  assert.equal(a.errors["LR"]![0]!.length, 2);
  assert.equal(a.summary["NB"]![0]!.count, 4);
});

test("curve summaries: m_eps, crossing and significant wins on a hand-made curve", () => {
  const ci = (mean: number) => ({ mean, half: 0.01, lo: mean - 0.01, hi: mean + 0.01, sd: 0, count: 10 });
  const curve: LearningCurve = {
    dataset: "toy", mGrid: [10, 20, 50, 100], models: ["NB", "LR"], errors: {}, solver: {},
    summary: { NB: [0.2, 0.12, 0.11, 0.1].map(ci), LR: [0.4, 0.13, 0.08, 0.05].map(ci) },
  };
  assert.equal(mEps(curve, "NB"), 50);
  assert.equal(mEps(curve, "LR"), 100);
  assert.equal(meanCrossing(curve, "NB", "LR"), 50);
  assert.deepEqual(significantWins(curve, "NB", "LR"), [10]);
  assert.equal(gridSteps(curve.mGrid, 50, 75), 0.5);
  assert.equal(gridSteps(curve.mGrid, 20, 75), 1.5);
  assert.equal(gridSteps(curve.mGrid, null, 75), Infinity);
});

test("simulation protocols: grid, stopping rule and determinism", () => {
  const models = [{ name: "NB", make: () => makeModel(PAPER_NB) }, { name: "LR", make: () => makeModel(sklearnLR(1, true)) }];
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
  assert.ok(a.mStar["NB"]! < a.mStar["LR"]!);
  const runs = paperRuns({ n: 20, K: 3, runs: 2, seed: 5, models, testPerClass: 300, quiet: true });
  assert.equal(runs.mStar["LR"]!.length, 2);
  runs.curves["LR"]!.forEach((c, t) => {
    assert.equal(c.m[c.m.length - 1], runs.mStar["LR"]![t]);
    assert.ok(c.err.slice(0, -1).every((e) => e >= runs.bayes + 0.01));
  });
});

test("jobs give the same results on worker threads as in this thread, in job order", async () => {
  const models = { NB: PAPER_NB, LR: sklearnLR(1, true) };
  const jobs: Job[] = [
    ...paperGridJobs([{ K: 2, n: 20 }, { K: 3, n: 10 }], 2, 3, models),
    { kind: "mstar", n: 10, K: 2, repeats: 2, seed: 8, models },
    { kind: "curve", dataset: "iris", mGrid: [6, 20], repeats: 2, seed: 1, models: [{ name: "NB", config: PAPER_NB }] },
  ];
  const inline = jobs.map(runJob);
  const pooled = await runJobs(jobs, { workers: 2, label: "test jobs" });
  assert.deepEqual(pooled, inline);
  const grid = collectPaperGrid([{ K: 2, n: 20 }, { K: 3, n: 10 }], pooled.slice(0, 4) as PaperRunsResult[]);
  assert.deepEqual(grid.map((g) => [g.K, g.n, g.runs]), [[2, 20, 2], [3, 10, 2]]);
  // runs of a corner share the test set but not the training samples
  assert.notDeepEqual((pooled[0] as PaperRunsResult).curves["LR"], (pooled[1] as PaperRunsResult).curves["LR"]);
  assert.equal((pooled[4] as MStarResult).repeats, 2);
});

test("a resident test set scores exactly like errorRate while training sets come and go", () => {
  const sim = makePaperSimulation(30, 3);
  const rng = new Rng(12);
  const test = sim.sampleBalanced(200, rng);
  const evaluate = testEvaluator(test);
  for (let t = 0; t < 4; t++) {
    const train = sim.sample(40 + 13 * t, rng);
    const lr = new LogisticRegression({ C: 1 }).fit(train);
    const nb = new GaussianNB().fit(train);
    assert.equal(evaluate(lr), errorRate(lr, test));
    assert.equal(evaluate(nb), errorRate(nb, test));
    // a second, differently sized matrix scored in between must not disturb the resident one
    const other = sim.sampleBalanced(7 + t, rng);
    assert.equal(errorRate(lr, other), errorRate(lr, other));
    assert.equal(evaluate(lr), errorRate(lr, test));
  }
});
