/**
 * Speed of the gen-vs-disc study's hot paths (prints a table; numbers are wall-clock on this
 * machine, best of several runs, and noisy when other jobs share the cores):
 *   - L-BFGS logistic regression on min-max-scaled digits (all 1797 samples, C = 1), on a random
 *     problem with n = 1000, m = 1000, K = 7 (standard normal features, uniform labels: the kind
 *     the scikit-learn reference used) and on the paper's simulation with the same sizes,
 *     at tolerances 1e-4 and 1e-6 under both scikit-learn stopping rules ("sum": <= 1.3, the
 *     paper's; "mean": >= 1.4);
 *   - the two products X W^T and R^T X: WebAssembly SIMD against the JavaScript loops, and one
 *     objective + gradient evaluation against a row-by-row loop;
 *   - normal draws: the ziggurat against core Rng.normal.
 */
import { loadSklearn } from "../lib/core/data";
import { Rng } from "../lib/core/rng";
import { fillNormal } from "../lib/core/normal";
import {
  fitMinMax,
  fromLabelled,
  LogisticRegression,
  makePaperSimulation,
  makeDataset,
  softmaxObjective,
  GaussianNB,
  errorRate,
  bindRows,
  jsScoresXWt,
  jsAccumulateRtX,
  type Dataset,
} from "../lib/topics/classifiers";

function best(reps: number, work: () => void): number {
  let t = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    work();
    t = Math.min(t, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return t;
}

/** The straightforward row-by-row objective, kept here only as the baseline of the kernel row. */
function rowByRowObjective(ds: Dataset): (theta: Float64Array, grad: Float64Array) => number {
  const { X, y, m, n, K } = ds;
  const z = new Float64Array(K);
  return (theta, grad) => {
    grad.fill(0);
    let loss = 0;
    const Wlen = K * n;
    for (let i = 0; i < m; i++) {
      const off = i * n;
      let zmax = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        let s = theta[Wlen + k]!;
        for (let j = 0; j < n; j++) s += theta[k * n + j]! * X[off + j]!;
        z[k] = s;
        if (s > zmax) zmax = s;
      }
      const zy = z[y[i]!]!;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k]! - zmax);
      loss += zmax + Math.log(sum) - zy;
      for (let k = 0; k < K; k++) {
        const r = z[k]! / sum - (k === y[i] ? 1 : 0);
        grad[Wlen + k] += r;
        for (let j = 0; j < n; j++) grad[k * n + j] += r * X[off + j]!;
      }
    }
    let pen = 0;
    for (let t = 0; t < Wlen; t++) {
      pen += theta[t]! ** 2;
      grad[t] += theta[t]!;
    }
    return loss + 0.5 * pen;
  };
}

const rows: string[][] = [];
const raw = fromLabelled(loadSklearn("digits"), "digits");
const digits = fitMinMax(raw).apply(raw);
const sim = makePaperSimulation({ n: 1000, K: 7 }).sample(1000, new Rng(1));
const rand = (() => {
  const rng = new Rng(2);
  const X = new Float64Array(1000 * 1000);
  fillNormal(rng, X);
  return makeDataset({ X, y: Int32Array.from({ length: 1000 }, (_, i) => (i < 7 ? i : rng.int(0, 7))), n: 1000, K: 7, name: "random" });
})();
const problems: [string, Dataset][] = [
  ["digits 1797x64, K=10", digits],
  ["random 1000x1000, K=7", rand],
  ["paper simulation 1000x1000, K=7", sim],
];

for (const [label, ds] of problems) {
  for (const [scale, tol] of [
    ["sum", 1e-4],
    ["sum", 1e-6],
    ["mean", 1e-4],
    ["mean", 1e-6],
  ] as const) {
    const lr = new LogisticRegression({ C: 1, tol, solverScale: scale, maxIter: 10000 });
    const ms = best(5, () => lr.fit(ds));
    const f = lr.lastFit!;
    rows.push([
      `LR fit, ${label}`,
      `tol ${tol}, ${scale === "sum" ? "sklearn<=1.3 rule" : "sklearn>=1.4 rule"}`,
      ms.toFixed(1),
      `${f.iterations} it / ${f.evaluations} evals, ${f.status}, obj ${f.objective.toFixed(6)}`,
    ]);
  }
  if (ds === sim) continue; // same shapes as the random problem
  const theta = new Float64Array(ds.K * ds.n + ds.K).map((_, t) => Math.sin(t) * 0.01);
  const g = new Float64Array(theta.length);
  const fast = softmaxObjective(ds, { ce: 1, l2: 1 });
  const slow = rowByRowObjective(ds);
  const a = fast(theta, g);
  const b = slow(theta, new Float64Array(theta.length));
  if (Math.abs(a / b - 1) > 1e-12) throw new Error(`kernels disagree: ${a} vs ${b}`);
  const madds = 2 * ds.m * ds.n * ds.K;
  const rate = (ms: number) => `${(madds / ms / 1e6).toFixed(2)} G mult-add/s`;
  const tf =
    best(5, () => {
      for (let r = 0; r < 10; r++) fast(theta, g);
    }) / 10;
  const ts =
    best(5, () => {
      for (let r = 0; r < 10; r++) slow(theta, g);
    }) / 10;
  rows.push([`objective+gradient, ${label}`, "library (WASM SIMD products)", tf.toFixed(2), rate(tf)]);
  rows.push([
    `objective+gradient, ${label}`,
    "row-by-row JavaScript",
    ts.toFixed(2),
    `${rate(ts)}; library is ${(ts / tf).toFixed(1)}x faster`,
  ]);
  const { X, m, n, K } = ds;
  const Z = new Float64Array(m * K);
  const G = new Float64Array(K * n);
  const W = theta.subarray(0, K * n);
  const bias = theta.subarray(K * n);
  const rowsW = bindRows(X, m, n);
  const tw =
    best(5, () => {
      for (let r = 0; r < 10; r++) {
        rowsW.scores(W, K, bias, Z);
        rowsW.accumulateRtX(Z, K, G);
      }
    }) / 10;
  const tj =
    best(5, () => {
      for (let r = 0; r < 10; r++) {
        jsScoresXWt(X, m, n, W, K, bias, Z);
        jsAccumulateRtX(Z, X, m, n, K, G);
      }
    }) / 10;
  rows.push([`X W^T + R^T X, ${label}`, "WASM SIMD (bindRows)", tw.toFixed(2), rate(tw)]);
  rows.push([`X W^T + R^T X, ${label}`, "JavaScript, 8-row blocks", tj.toFixed(2), `${rate(tj)}; WASM is ${(tj / tw).toFixed(1)}x faster`]);
}

const nbMs = best(5, () => errorRate(new GaussianNB({ variance: "pooled" }).fit(digits), digits));
rows.push(["NB fit + score, digits", "pooled variance", nbMs.toFixed(2), ""]);

const N = 2_000_000;
const buf = new Float64Array(N);
const tz = best(3, () => fillNormal(new Rng(1), buf));
const tp = best(3, () => {
  const r = new Rng(1);
  for (let i = 0; i < N; i++) buf[i] = r.normal();
});
rows.push(["2e6 N(0,1) draws", "ziggurat (core fillNormal)", tz.toFixed(1), `${((tz / N) * 1e6).toFixed(1)} ns/draw`]);
rows.push(["2e6 N(0,1) draws", "polar (core Rng.normal)", tp.toFixed(1), `${((tp / N) * 1e6).toFixed(1)} ns/draw`]);

const header = ["what", "variant", "ms (best)", "notes"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(" | ");
console.log("\ngen-vs-disc (lib/topics/classifiers) benchmarks");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) console.log(line(r));
