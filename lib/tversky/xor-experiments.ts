/**
 * The XOR experiments of notes §5 and §10 items 4-7: the calibration of §5.3 (product
 * intersection, 20 seeds per K), the linear baseline, the §5.3 test vector, and summaries of the
 * appendix grid against the transcribed convergence table.
 */
import { tf } from "../core/tf";
import { convergence, type GridRunResult } from "./grid";
import type { InitName } from "./init";
import { TverskyProjection } from "./layer";
import { tverskySimilarity } from "./similarity";
import { trainXorBatch, XOR_X, type XorRun, type XorRunResult } from "./xor";
import type { DifferenceReduction, IntersectionReduction } from "./types";

/**
 * P(converge) per (intersection, difference) pair as transcribed from the paper's appendix table
 * by [S] verskyt (`scripts/run_xor_full_replication.py`, `tests/test_xor_benchmark.py`); notes §5.2.
 * Pairs absent here were not transcribed.
 */
export const TRANSCRIBED_XOR: readonly { intersection: IntersectionReduction; difference: DifferenceReduction; p: number }[] = [
  { intersection: "product", difference: "substractmatch", p: 0.53 },
  { intersection: "mean", difference: "substractmatch", p: 0.51 },
  { intersection: "max", difference: "ignorematch", p: 0.47 },
  { intersection: "max", difference: "substractmatch", p: 0.44 },
  { intersection: "softmin", difference: "substractmatch", p: 0.42 },
  { intersection: "min", difference: "ignorematch", p: 0.42 },
  { intersection: "gmean", difference: "ignorematch", p: 0.0 },
  { intersection: "gmean", difference: "substractmatch", p: 0.0 },
];

export interface CalibrationSpec {
  Ks: readonly number[];
  seedsPerK: number;
  lr: number;
  steps: number;
  seedBase: number;
}

export interface CalibrationVariant {
  label: string;
  difference: DifferenceReduction;
  init: InitName;
  runs: XorRunResult[];
  byK: { K: number; converged: number; n: number }[];
  rate: number;
}

/**
 * Notes §5.3 rows: product intersection with ignorematch / official substractmatch, U(0,1) and
 * N(0,1) inits of both Π and Ω, no normalisation; the same seeds for every variant.
 */
export function xorCalibration(spec: CalibrationSpec): CalibrationVariant[] {
  const runsFor = (init: InitName): XorRun[] =>
    spec.Ks.flatMap((K, k) => Array.from({ length: spec.seedsPerK }, (_, i) => ({ K, normalize: false, protoInit: init, featureInit: init, seed: spec.seedBase + k * spec.seedsPerK + i })));
  const variants: [string, DifferenceReduction, InitName][] = [
    ["product + ignorematch, U(0,1)", "ignorematch", "uniform"],
    ["product + substractmatch, U(0,1)", "substractmatch", "uniform"],
    ["product + ignorematch, N(0,1)", "ignorematch", "normal"],
    ["product + substractmatch, N(0,1)", "substractmatch", "normal"],
  ];
  return variants.map(([label, difference, init]) => {
    const runs = trainXorBatch({ intersection: "product", difference, lr: spec.lr, steps: spec.steps }, runsFor(init), { keepWeights: true });
    const byK = spec.Ks.map((K) => {
      const c = convergence(runs, (r) => r.K === K);
      return { K, converged: c.converged, n: c.n };
    });
    return { label, difference, init, runs, byK, rate: convergence(runs).p };
  });
}

/** The §5.3 deterministic test vector (product + ignorematch, K = 2): its logits and argmax. */
export function xorTestVector(): { logits: number[][]; argmax: number[]; expected: number[][] } {
  const expected = [[-34.588, -47.134], [-33.654, -22.157], [-33.657, -22.074], [-32.723, -44.231]];
  const logits = tf.tidy(() => {
    const F = tf.tensor2d([[-2.255, -1.944], [1.599, 1.605]]);
    const P = tf.tensor2d([[-2.305, -1.423], [3.228, 3.546]]);
    const X = tf.tensor2d(XOR_X.map((p) => [...p]));
    return tverskySimilarity(X, P, F, -1.272, -0.582, 4.343, { intersection: "product", difference: "ignorematch" }).arraySync() as number[][];
  });
  return { logits, argmax: logits.map((r) => (r[1]! > r[0]! ? 1 : 0)), expected };
}

export interface GridRow {
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
  p: number;
  converged: number;
  n: number;
  /** Runs whose parameters ended non-finite (NaN): official gmean. */
  nonFinite: number;
  byK: { K: number; p: number }[];
  /** The transcribed paper value, if any. */
  paper?: number;
}

/** The convergence table: one row per reduction pair, with the transcribed value beside it. */
export function gridTable(results: readonly GridRunResult[], Ks: readonly number[]): GridRow[] {
  const pairs: { intersection: IntersectionReduction; difference: DifferenceReduction }[] = [];
  for (const r of results) {
    if (!pairs.some((p) => p.intersection === r.intersection && p.difference === r.difference)) pairs.push({ intersection: r.intersection, difference: r.difference });
  }
  return pairs.map(({ intersection, difference }) => {
    const mine = results.filter((r) => r.intersection === intersection && r.difference === difference);
    const c = convergence(mine);
    const paper = TRANSCRIBED_XOR.find((t) => t.intersection === intersection && t.difference === difference)?.p;
    return {
      intersection,
      difference,
      p: c.p,
      converged: c.converged,
      n: c.n,
      nonFinite: mine.filter((r) => !r.finite).length,
      byK: Ks.map((K) => ({ K, p: convergence(mine, (r) => r.K === K).p })),
      ...(paper !== undefined ? { paper } : {}),
    };
  });
}

/** Marginal P(converge) by one factor of the grid (optionally excluding gmean, which never trains). */
export function gridMarginal<K extends "difference" | "intersection" | "normalize" | "K" | "protoInit" | "featureInit">(
  results: readonly GridRunResult[],
  factor: K,
  options: { excludeGmean?: boolean } = {},
): { level: GridRunResult[K]; p: number; converged: number; n: number }[] {
  const sel = options.excludeGmean ? results.filter((r) => r.intersection !== "gmean") : results;
  const levels: GridRunResult[K][] = [];
  for (const r of sel) if (!levels.includes(r[factor])) levels.push(r[factor]);
  return levels.map((level) => ({ level, ...convergence(sel, (r) => r[factor] === level) }));
}

/**
 * The decision function of a trained run, S(x, Π₁) − S(x, Π₀) on an n × n grid over
 * [−0.5, 1.5]², computed by a `TverskyProjection` layer loaded with the run's weights (which also
 * checks that the layer and the batched trainer agree).
 */
export function xorDecisionGrid(run: XorRunResult, o: { intersection: IntersectionReduction; difference: DifferenceReduction }, n = 81): { xs: number[]; ys: number[]; z: number[][]; layerLogitsAtData: number[][] } {
  if (!run.weights) throw new Error("xorDecisionGrid: the run carries no weights; train it with { keepWeights: true }");
  const layer = new TverskyProjection({ units: 2, featureCount: run.K, seed: 0, normalize: run.normalize, ...o });
  const xs = Array.from({ length: n }, (_, i) => -0.5 + (2 * i) / (n - 1));
  try {
    return tf.tidy(() => {
      layer.apply(tf.zeros([1, 2])); // builds the layer (the output is freed by the tidy)
      layer.setWeights([tf.tensor2d(run.weights!.P, [2, 2]), tf.tensor2d(run.weights!.F, [run.K, 2]), tf.scalar(run.theta), tf.scalar(run.alpha), tf.scalar(run.beta)]);
      const pts = xs.flatMap((y) => xs.map((x) => [x, y]));
      const L = (layer.apply(tf.tensor2d(pts)) as tf.Tensor).arraySync() as number[][];
      const z = xs.map((_, j) => xs.map((_, i) => L[j * n + i]![1]! - L[j * n + i]![0]!));
      const layerLogitsAtData = (layer.apply(tf.tensor2d(XOR_X.map((p) => [...p]))) as tf.Tensor).arraySync() as number[][];
      return { xs, ys: xs, z, layerLogitsAtData };
    });
  } finally {
    layer.dispose();
  }
}
