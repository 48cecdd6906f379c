/**
 * Unit tests of lib/topics/classifiers against independent references: closed forms, the notes' §5.5
 * fixtures (scikit-learn values), finite-difference gradients and hand-worked examples.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { loadSklearn } from "../../../lib/core/data";
import { percentile } from "../../../lib/core/stats";
import {
  fromLabelled,
  makeDataset,
  fitMinMax,
  GaussianNB,
  LogisticRegression,
  errorRate,
  predict,
  linearScores,
  softmaxObjective,
  binaryObjective,
  paperBayesError,
  makePaperSimulation,
  bayesErrorMonteCarlo,
  nbDiagnostics,
  mahalanobis2,
  fitScaling,
  sampleComplexity,
  crossingPoint,
  elasticity,
  argmaxRows,
  type Dataset,
} from "../../../lib/topics/classifiers";

const scaled = (name: "iris" | "wine_data" | "breast_cancer" | "digits"): Dataset => {
  const raw = fromLabelled(loadSklearn(name), name);
  return fitMinMax(raw).apply(raw);
};
const DATA = { iris: scaled("iris"), wine_data: scaled("wine_data"), breast_cancer: scaled("breast_cancer"), digits: scaled("digits") };

function randomDataset(rng: Rng, m: number, n: number, K: number): Dataset {
  const X = new Float64Array(m * n);
  for (let t = 0; t < X.length; t++) X[t] = rng.normal();
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    y[i] = i < K ? i : rng.int(0, K);
    for (let j = 0; j < n; j++) X[i * n + j] += 0.7 * ((y[i]! * (j + 1)) % 3);
  }
  return makeDataset({ X, y, n, K, name: "random" });
}

// ---------------------------------------------------------------------------------------------
// Objectives (L-BFGS itself is tested in test/core/lbfgs.test.ts)

function gradientCheck(fg: (x: Float64Array, g: Float64Array) => number, theta: Float64Array): number {
  const g = new Float64Array(theta.length);
  fg(theta, g);
  const scratch = new Float64Array(theta.length);
  let worst = 0;
  for (let t = 0; t < theta.length; t++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[t]!));
    const xp = Float64Array.from(theta);
    const xm = Float64Array.from(theta);
    xp[t] += h;
    xm[t] -= h;
    const fd = (fg(xp, scratch) - fg(xm, scratch)) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - g[t]!) / Math.max(1, Math.abs(g[t]!)));
  }
  return worst;
}

test("softmax and binary objectives match central finite differences", () => {
  const rng = new Rng(3);
  for (const [m, n, K] of [
    [13, 5, 3],
    [9, 7, 2],
    [20, 3, 4],
  ] as const) {
    const ds = randomDataset(rng, m, n, K);
    const theta = Float64Array.from({ length: K * n + K }, () => rng.normal(0, 0.7));
    assert.ok(gradientCheck(softmaxObjective(ds, { ce: 0.8, l2: 1.3 }), theta) < 1e-7, `softmax ${m}x${n}, K=${K}`);
    if (K === 2) {
      const tb = Float64Array.from({ length: n + 1 }, () => rng.normal(0, 0.7));
      assert.ok(gradientCheck(binaryObjective(ds, { ce: 2.5, l2: 0.4 }), tb) < 1e-7, `binary ${m}x${n}`);
    }
  }
});

test("softmax objective equals the hand-computed value on a 2-sample example", () => {
  // X = [[1, 0], [0, 2]], y = [0, 1], K = 2, W = [[1, 0], [0, 1]], b = [0, 0.5]
  const ds = makeDataset({ X: Float64Array.of(1, 0, 0, 2), y: Int32Array.of(0, 1), n: 2, K: 2 });
  const theta = Float64Array.of(1, 0, 0, 1, 0, 0.5);
  // scores: x1 -> (1, 0.5), x2 -> (0, 2.5); CE = log(e^1+e^0.5) - 1 + log(1+e^2.5) - 2.5; ridge 1/2 * 2 = 1
  const ce = Math.log(Math.E + Math.exp(0.5)) - 1 + Math.log(1 + Math.exp(2.5)) - 2.5;
  const f = softmaxObjective(ds, { ce: 3, l2: 1 })(theta, new Float64Array(6));
  assert.ok(Math.abs(f - (3 * ce + 1)) < 1e-12);
});

test("binary LR with C equals two-class softmax LR with C/2 (notes §1.3 [DERIV])", () => {
  const ds = DATA.breast_cancer;
  const bin = new LogisticRegression({ C: 1, tol: 1e-9, ftol: 0 }).fit(ds);
  const soft = new LogisticRegression({ C: 0.5, binaryForK2: false, tol: 1e-9, ftol: 0 }).fit(ds);
  // softmax optimum has w1 = -w0, and w1 - w0 is the binary w
  const lb = bin.toLinear();
  const ls = soft.toLinear();
  const n = ds.n;
  for (let j = 0; j < n; j++) assert.ok(Math.abs(ls.W[n + j]! - ls.W[j]! - lb.W[n + j]!) < 1e-5, `w[${j}]`);
  assert.deepEqual(predict(bin, ds.X), predict(soft, ds.X));
});

const FIXTURES = {
  iris: { objective: 72.781136, wNorm: 6.391249, lrErr: 0.06, nbErr: 0.04, nbPcErr: 0.04 },
  wine_data: { objective: 55.889687, wNorm: 6.92522, lrErr: 0.0112, nbErr: 0.0337, nbPcErr: 0.0112 },
  breast_cancer: { objective: 100.477478, wNorm: 7.70021, lrErr: 0.0281, nbErr: 0.058, nbPcErr: 0.0598 },
  digits: { objective: 355.161385, wNorm: 18.256208, lrErr: 0.0156, nbErr: 0.094, nbPcErr: 0.1597 },
} as const;

for (const [name, fx] of Object.entries(FIXTURES)) {
  test(`§5.5 fixtures on ${name}: LR objective (1e-6 rel), train errors of LR and both NBs`, () => {
    const ds = DATA[name as keyof typeof DATA];
    const lr = new LogisticRegression({ C: 1, tol: 1e-8, ftol: 0, maxIter: 10000 }).fit(ds);
    const obj = lr.objective(ds);
    assert.ok(Math.abs(obj / fx.objective - 1) < 1e-6, `objective ${obj} vs ${fx.objective}`);
    assert.ok(Math.abs(lr.lastFit!.objective / obj - 1) < 1e-12, "reported objective equals the re-evaluated one");
    assert.ok(Math.abs(lr.weightNorm() / fx.wNorm - 1) < 1e-4, `||W|| ${lr.weightNorm()} vs ${fx.wNorm}`);
    const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
    assert.equal(r4(errorRate(lr, ds)), fx.lrErr);
    assert.equal(r4(errorRate(new GaussianNB({ variance: "pooled" }).fit(ds), ds)), fx.nbErr);
    assert.equal(r4(errorRate(new GaussianNB({ variance: "per-class" }).fit(ds), ds)), fx.nbPcErr);
    // scikit-learn's default tol 1e-4 (sum scaling) lands within 1e-6 too; the >= 1.4 "mean" rule within 1e-3
    const loose = new LogisticRegression({ C: 1 }).fit(ds);
    assert.ok(Math.abs(loose.objective(ds) / fx.objective - 1) < 1e-6);
    const mean = new LogisticRegression({ C: 1, solverScale: "mean" }).fit(ds);
    assert.ok(Math.abs(mean.objective(ds) / fx.objective - 1) < 1e-3);
  });
}

test("warm start reaches the same optimum and reuses the previous solution", () => {
  const ds = DATA.wine_data;
  const lr = new LogisticRegression({ C: 1, tol: 1e-8, ftol: 0, warmStart: true }).fit(ds);
  const cold = lr.lastFit!;
  lr.fit(ds);
  assert.ok(
    lr.lastFit!.iterations <= 3 && cold.iterations > 20,
    `re-fit from the optimum took ${lr.lastFit!.iterations} iterations (cold: ${cold.iterations})`,
  );
  assert.ok(Math.abs(lr.lastFit!.objective / cold.objective - 1) < 1e-10);
});

// ---------------------------------------------------------------------------------------------
// Naive Bayes

test("pooled NB is linear: scores = W x + b - 1/2 sum x^2/sigma^2, same predictions (random data and digits)", () => {
  const rng = new Rng(11);
  for (const ds of [randomDataset(rng, 200, 6, 4), DATA.digits]) {
    const nb = new GaussianNB({ variance: "pooled" }).fit(ds);
    const lin = nb.toLinear();
    const S = nb.scores(ds.X);
    const L = linearScores(lin, ds.X);
    const { n, K } = ds;
    for (let i = 0; i < ds.m; i++) {
      let q = 0;
      for (let j = 0; j < n; j++) q += ds.X[i * n + j]! ** 2 / nb.pooledVar[j]!;
      for (let k = 0; k < K; k++) {
        const a = S[i * K + k]!;
        const b = L[i * K + k]! - 0.5 * q;
        assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)), `sample ${i} class ${k}: ${a} vs ${b}`);
      }
    }
    assert.deepEqual(argmaxRows(S, K), argmaxRows(L, K));
  }
});

test("NB estimates follow the paper's code on a hand-worked example", () => {
  // class 0: x = 0, 2 ; class 1: x = 4, 4, 7 (n = 1)
  const ds = makeDataset({ X: Float64Array.of(0, 2, 4, 4, 7), y: Int32Array.of(0, 0, 1, 1, 1), n: 1, K: 2 });
  const nb = new GaussianNB({ variance: "pooled" }).fit(ds);
  assert.deepEqual(Array.from(nb.means), [1, 5]);
  // ddof-0 variances 1 and 2, + 1e-9 each; pooled = 2/5 * 1 + 3/5 * 2 + 1e-9
  assert.ok(Math.abs(nb.pooledVar[0]! - (1.6 + 1e-9)) < 1e-15);
  assert.ok(Math.abs(nb.logPrior[1]! - Math.log(0.6)) < 1e-15);
  assert.throws(() => new GaussianNB({ variance: "pooled" }).toLinear(), /call fit/);
  assert.throws(() => new GaussianNB({ variance: "per-class" }).fit(ds).toLinear(), /quadratic/);
  assert.throws(
    () => new GaussianNB({ variance: "pooled" }).fit(makeDataset({ X: Float64Array.of(1, 2), y: Int32Array.of(0, 0), n: 1, K: 2 })),
    /class\(es\) 1 have no training sample/,
  );
});

// ---------------------------------------------------------------------------------------------
// Data handling

test("min-max scaling follows scikit-learn, including constant features", () => {
  const ds = makeDataset({ X: Float64Array.of(1, 5, 3, 5, 2, 5), y: Int32Array.of(0, 1, 0), n: 2, K: 2 });
  const sc = fitMinMax(ds);
  assert.deepEqual(Array.from(sc.apply(ds).X), [0, 0, 1, 0, 0.5, 0]);
  assert.deepEqual(Array.from(sc.transform(Float64Array.of(5, 7))), [2, 2]);
});

test("bad inputs are rejected with errors that name the problem", () => {
  assert.throws(() => makeDataset({ X: Float64Array.of(1, Number.NaN), y: Int32Array.of(0, 1), n: 1, K: 2 }), /not finite/);
  assert.throws(() => makeDataset({ X: Float64Array.of(1, 2), y: Int32Array.of(0, 2), n: 1, K: 2 }), /outside 0\.\.1/);
  assert.throws(() => makeDataset({ X: Float64Array.of(1, 2, 3), y: Int32Array.of(0, 1), n: 2, K: 2 }), /not a multiple/);
  assert.throws(() => new LogisticRegression({ C: 0 }), /C must be a positive/);
  assert.throws(
    () => new LogisticRegression({ C: 1 }).fit(makeDataset({ X: Float64Array.of(1, 2), y: Int32Array.of(1, 1), n: 1, K: 2 })),
    /sampleWithAllClasses/,
  );
  assert.throws(() => new LogisticRegression().objective(DATA.iris), /call fit/);
});

// ---------------------------------------------------------------------------------------------
// Simulation and Bayes error (the normal sampler is core/normal, tested in test/core/normal.test.ts)

test("paper simulation: Bayes error closed form (notes §1.6) and the generator's moments", () => {
  assert.ok(Math.abs(paperBayesError({ n: 10, K: 2 }) - 0.009508) < 5e-7);
  assert.ok(Math.abs(paperBayesError({ n: 20, K: 2 }) - 5.97e-4) < 5e-6);
  assert.ok(Math.abs(paperBayesError({ n: 40, K: 2 }) - 3.0e-6) < 5e-8);
  assert.ok(paperBayesError({ n: 80, K: 2 }) < 1e-10);
  // K = 3 closed form vs 2e5 Monte Carlo draws through the generator (within 4 standard errors)
  const sim = makePaperSimulation({ n: 20, K: 3 });
  const mc = bayesErrorMonteCarlo({ sim, draws: 200000, rng: new Rng(2) });
  assert.ok(
    Math.abs(mc.error - paperBayesError({ n: 20, K: 3 })) < 4 * mc.se,
    `MC ${mc.error} ± ${mc.se} vs ${paperBayesError({ n: 20, K: 3 })}`,
  );
  // K = 3 transform: means -2, 0, 1 and variances unchanged; balanced sampling
  assert.deepEqual([sim.means[0], sim.means[20], sim.means[40]], [-2, 0, 1]);
  assert.ok(Math.abs(sim.std[0]! - Math.sqrt(20)) < 1e-12 && sim.std[19] === 1);
  const s7 = makePaperSimulation({ n: 6, K: 7 });
  assert.deepEqual(
    Array.from({ length: 7 }, (_, k) => s7.means[k * 6]),
    [-17 / 16, -15 / 16, -14 / 16, -12 / 16, -8 / 16, 0, 1],
  );
  const bal = sim.sampleBalanced(4, new Rng(1));
  assert.deepEqual(Array.from(bal.y), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  const tr = sim.sample(3, new Rng(4));
  assert.equal(new Set(tr.y).size, 3);
});

// ---------------------------------------------------------------------------------------------
// Diagnostics and statistics

test("diagnostics: identity |beta_{k1,k2,k}| = Delta^2/(2n) for k in {k1,k2} and §5.5 percentiles", () => {
  for (const ds of [DATA.iris, DATA.digits, DATA.breast_cancer]) {
    const nb = new GaussianNB({ variance: "pooled" }).fit(ds);
    const d = nbDiagnostics(ds, nb);
    d.index.forEach(({ k1, k2, k }, t) => {
      if (k !== k1 && k !== k2) return;
      const expected = mahalanobis2(nb, k1, k2) / (2 * ds.n);
      assert.ok(Math.abs(d.beta[t]! / expected - 1) < 1e-9, `${ds.name} (${k1},${k2},${k})`);
    });
    assert.equal(d.beta.length, ds.K * ds.K * (ds.K - 1));
  }
  const iris = nbDiagnostics(DATA.iris);
  const pc = (v: Float64Array) => [0, 10, 50, 90, 100].map((q) => percentile(v, q));
  const near = (a: number[], b: number[], rel: number) => a.every((v, i) => Math.abs(v / b[i]! - 1) < rel);
  assert.ok(near(pc(iris.beta), [2.893, 2.893, 9.839, 22.6, 22.6], 5e-4), `iris beta ${pc(iris.beta)}`);
  assert.ok(near(pc(iris.alpha), [2.627, 4.375, 17.83, 101.8, 118.5], 5e-4), `iris alpha ${pc(iris.alpha)}`);
  const digits = nbDiagnostics(DATA.digits);
  assert.ok(near(pc(digits.beta), [0.002068, 0.04197, 0.2486, 0.5879, 1.093], 1e-3), `digits beta ${pc(digits.beta)}`);
  assert.equal(Math.min(...digits.sigma2), 1e-9);
  assert.ok(Math.abs(nbDiagnostics(DATA.breast_cancer).beta[0]! - 1.1893) < 5e-5);
});

test("sample-complexity helpers: fits on n and ln n, first passage, crossing", () => {
  const sc = fitScaling({ n: [10, 100, 1000], m: [1, 2, 3] });
  assert.ok(Math.abs(sc.log.r2 - 1) < 1e-12 && sc.linear.r2 < 0.9);
  assert.equal(sampleComplexity({ m: [2, 4, 6, 8], err: [0.3, 0.011, 0.01, 0.005], asymptote: 0, eps: 0.01 }), 8);
  assert.equal(sampleComplexity({ m: [2, 4, 6, 8], err: [0.3, 0.011, 0.01, 0.005], asymptote: 0, eps: 0.01, inclusive: true }), 6);
  assert.equal(sampleComplexity({ m: [2, 4], err: [0.3, 0.2], asymptote: 0, eps: 0.01 }), null);
  assert.equal(crossingPoint({ m: [1, 2, 3, 4, 5], leader: [0.3, 0.2, 0.1, 0.1, 0.1], follower: [0.4, 0.1, 0.2, 0.05, 0.04] }), 4);
  // m = c n^a: elasticity a exactly
  assert.ok(Math.abs(elasticity({ n: [100, 200, 400], m: [3 * 100 ** 0.7, 3 * 200 ** 0.7, 3 * 400 ** 0.7] }) - 0.7) < 1e-12);
  assert.ok(Number.isNaN(elasticity({ n: [100, 100], m: [1, 2] })));
});
