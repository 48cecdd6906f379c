/**
 * The XOR appendix grid (notes §5.1, transcribed by [S] verskyt): 6 intersections × 2 differences
 * × normalize on/off × K ∈ {1,…,32} × 3 prototype inits × 3 feature inits × 9 runs = 11,664 runs.
 * Each (intersection, difference) pair is one batched computation of all its runs (xor.ts).
 * A run's seed depends only on its cell (normalize, K, inits) and repetition, not on the
 * reductions, so every reduction pair starts from the same 972 initialisations (paired design).
 */
import { progress } from "../core/progress";
import type { InitName } from "./init";
import { trainXorBatch, type XorRun, type XorRunResult } from "./xor";
import type { DifferenceReduction, IntersectionReduction } from "./types";

/** The factors and training settings of an XOR grid. */
export interface XorGridSpec {
  intersections: readonly IntersectionReduction[];
  differences: readonly DifferenceReduction[];
  normalize: readonly boolean[];
  Ks: readonly number[];
  protoInits: readonly InitName[];
  featureInits: readonly InitName[];
  runsPerCell: number;
  lr: number;
  steps: number;
  /** Seeds are seedBase + cell-and-repetition index. */
  seedBase: number;
  /** gmean's eps (0 = official, NaN gradients on empty intersections). */
  gmeanEps?: number;
  /** Split each pair's batch into pieces of at most this many runs (memory); default all at once. */
  maxBatch?: number;
}

/** One grid run's result with its reduction pair. */
export interface GridRunResult extends XorRunResult {
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
}

/** The runs of one reduction pair, in a fixed order (normalize, K, proto init, feature init, rep). */
export function gridRuns(spec: XorGridSpec): XorRun[] {
  const runs: XorRun[] = [];
  let index = 0;
  for (const normalize of spec.normalize) {
    for (const K of spec.Ks) {
      for (const protoInit of spec.protoInits) {
        for (const featureInit of spec.featureInits) {
          for (let rep = 0; rep < spec.runsPerCell; rep++) runs.push({ K, normalize, protoInit, featureInit, seed: spec.seedBase + index++ });
        }
      }
    }
  }
  return runs;
}

/** Trains the whole grid; prints progress per reduction pair. */
export function runXorGrid(spec: XorGridSpec, options: { quiet?: boolean; label?: string } = {}): GridRunResult[] {
  const runs = gridRuns(spec);
  const pairs = spec.intersections.flatMap((intersection) => spec.differences.map((difference) => ({ intersection, difference })));
  const bar = progress(options.label ?? "XOR grid (reduction pairs)", pairs.length, { steps: pairs.length, quiet: options.quiet });
  const out: GridRunResult[] = [];
  const chunk = spec.maxBatch ?? runs.length;
  pairs.forEach((pair, i) => {
    const results: XorRunResult[] = [];
    for (let s = 0; s < runs.length; s += chunk) {
      results.push(...trainXorBatch({ ...pair, lr: spec.lr, steps: spec.steps, gmeanEps: spec.gmeanEps ?? 0 }, runs.slice(s, s + chunk)));
    }
    const conv = results.filter((r) => r.converged).length;
    const nan = results.filter((r) => !r.finite).length;
    out.push(...results.map((r) => ({ ...r, ...pair })));
    bar.update(i + 1, `${pair.intersection}+${pair.difference}: ${conv}/${results.length} converged${nan ? `, ${nan} went NaN` : ""}`);
  });
  return out;
}

/** Fraction converged among runs matching `where`, with the count. */
export function convergence<T extends { converged: boolean }>(runs: readonly T[], where: (r: T) => boolean = () => true): { p: number; converged: number; n: number } {
  const sel = runs.filter(where);
  const converged = sel.filter((r) => r.converged).length;
  return { p: sel.length ? converged / sel.length : NaN, converged, n: sel.length };
}
