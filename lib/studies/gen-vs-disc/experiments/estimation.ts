/**
 * Notebook section "Estimating n means needs ∝ log n samples" (claim 15): first-passage sample
 * sizes of `meanEstimationSampleSize` per n, and fits of their medians against n and ln n.
 */
import { fitScaling, meanEstimationSampleSize, type EstimationResult } from "../../../topics/classifiers";
import type { LinearFit } from "../../../core/stats";

export interface EstimationRun {
  rows: EstimationResult[];
  fits: { linear: LinearFit; log: LinearFit };
}

export function runEstimation(o: { ns: number[]; repeats: number; seed: number }): EstimationRun {
  const rows = o.ns.map((n) => meanEstimationSampleSize({ n, repeats: o.repeats, seed: o.seed + n }));
  return { rows, fits: fitScaling({ n: rows.map((e) => e.n), m: rows.map((e) => e.median) }) };
}
