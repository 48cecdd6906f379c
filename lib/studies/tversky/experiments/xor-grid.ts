/**
 * Section "5g, 6: the appendix grid". The XOR appendix grid (notes §5.1, transcribed by [S] verskyt): 6 intersections × 2 differences
 * × normalize on/off × K ∈ {1,…,32} × 3 prototype inits × 3 feature inits × 9 runs = 11,664 runs.
 * Each (intersection, difference) pair is one batched computation of all its runs (xor.ts).
 * A run's seed depends only on its cell (normalize, K, inits) and repetition, not on the
 * reductions, so every reduction pair starts from the same 972 initialisations (paired design).
 */
import { progress } from "../../../core/progress";
import {
  trainXorBatch,
  type DifferenceReduction,
  type InitName,
  type IntersectionReduction,
  type XorRun,
  type XorRunResult,
} from "../../../topics/tversky/index";
import { XOR_ENGINE } from "../kernel";
import { XOR_CONVERGENCE } from "../paper";

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
          for (let rep = 0; rep < spec.runsPerCell; rep++)
            runs.push({ K, normalize, protoInit, featureInit, seed: spec.seedBase + index++ });
        }
      }
    }
  }
  return runs;
}

/** Trains the whole grid; prints progress per reduction pair. */
export function trainXorGrid(spec: XorGridSpec, options: { quiet?: boolean; label?: string } = {}): GridRunResult[] {
  const runs = gridRuns(spec);
  const pairs = spec.intersections.flatMap((intersection) => spec.differences.map((difference) => ({ intersection, difference })));
  const bar = progress(options.label ?? "XOR grid (reduction pairs)", pairs.length, { steps: pairs.length, quiet: options.quiet });
  const out: GridRunResult[] = [];
  const chunk = spec.maxBatch ?? runs.length;
  pairs.forEach((pair, i) => {
    const results: XorRunResult[] = [];
    for (let s = 0; s < runs.length; s += chunk) {
      results.push(
        ...trainXorBatch(
          { ...pair, lr: spec.lr, steps: spec.steps, gmeanEps: spec.gmeanEps ?? 0, engine: XOR_ENGINE },
          runs.slice(s, s + chunk),
        ),
      );
    }
    const conv = results.filter((r) => r.converged).length;
    const nan = results.filter((r) => !r.finite).length;
    out.push(...results.map((r) => ({ ...r, ...pair })));
    bar.update(i + 1, `${pair.intersection}+${pair.difference}: ${conv}/${results.length} converged${nan ? `, ${nan} went NaN` : ""}`);
  });
  return out;
}

/** Fraction converged among runs matching `where`, with the count. */
export function convergence<T extends { converged: boolean }>(
  runs: readonly T[],
  where: (r: T) => boolean = () => true,
): { p: number; converged: number; n: number } {
  const sel = runs.filter(where);
  const converged = sel.filter((r) => r.converged).length;
  return { p: sel.length ? converged / sel.length : Number.NaN, converged, n: sel.length };
}

export interface GridRow {
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
  p: number;
  converged: number;
  n: number;
  /** Runs whose parameters ended non-finite (NaN): official gmean. */
  nonFinite: number;
  byK: { K: number; p: number; converged: number; n: number }[];
  /** The transcribed paper value, if any (paper.ts). */
  paper?: number;
}

/** The convergence table: one row per reduction pair, with the transcribed value beside it. */
export function gridTable(results: readonly GridRunResult[], Ks: readonly number[]): GridRow[] {
  const pairs: { intersection: IntersectionReduction; difference: DifferenceReduction }[] = [];
  for (const r of results) {
    if (!pairs.some((p) => p.intersection === r.intersection && p.difference === r.difference))
      pairs.push({ intersection: r.intersection, difference: r.difference });
  }
  return pairs.map(({ intersection, difference }) => {
    const mine = results.filter((r) => r.intersection === intersection && r.difference === difference);
    const c = convergence(mine);
    const paper = XOR_CONVERGENCE.find((t) => t.intersection === intersection && t.difference === difference)?.p.value;
    return {
      intersection,
      difference,
      p: c.p,
      converged: c.converged,
      n: c.n,
      nonFinite: mine.filter((r) => !r.finite).length,
      byK: Ks.map((K) => ({ K, ...convergence(mine, (r) => r.K === K) })),
      ...(paper !== undefined ? { paper } : {}),
    };
  });
}

type Factor = "difference" | "intersection" | "normalize" | "K" | "protoInit" | "featureInit";

/** Marginal P(converge) by one factor of the grid (optionally excluding gmean, which never trains). */
export function gridMarginal<F extends Factor>(
  results: readonly GridRunResult[],
  factor: F,
  options: { excludeGmean?: boolean } = {},
): { level: GridRunResult[F]; p: number; converged: number; n: number }[] {
  const sel = options.excludeGmean ? results.filter((r) => r.intersection !== "gmean") : results;
  const levels: GridRunResult[F][] = [];
  for (const r of sel) if (!levels.includes(r[factor])) levels.push(r[factor]);
  return levels.map((level) => ({ level, ...convergence(sel, (r) => r[factor] === level) }));
}

/** The marginals the section shows and the claims read. */
export interface GridMarginals {
  difference: { level: DifferenceReduction; p: number; converged: number; n: number }[];
  differenceNoGmean: { level: DifferenceReduction; p: number; converged: number; n: number }[];
  protoInit: { level: InitName; p: number; converged: number; n: number }[];
  featureInit: { level: InitName; p: number; converged: number; n: number }[];
  normalize: { level: boolean; p: number; converged: number; n: number }[];
  KNoGmean: { level: number; p: number; converged: number; n: number }[];
}

export interface XorGridResults {
  spec: XorGridSpec;
  runs: GridRunResult[];
  rows: GridRow[];
  marginals: GridMarginals;
  /** gmean retrained with eps = 1e-8 inside the logs (not the official code): the 0% is numerical. */
  gmeanEps: GridRow[];
}

/** Trains the grid for every official pair, then gmean again with eps = 1e-8. */
export function runXorGrid(spec: XorGridSpec, options: { quiet?: boolean } = {}): XorGridResults {
  const runs = trainXorGrid(spec, options);
  const eps = trainXorGrid({ ...spec, intersections: ["gmean"], gmeanEps: 1e-8 }, { ...options, label: "gmean with eps 1e-8" });
  return {
    spec,
    runs,
    rows: gridTable(runs, spec.Ks),
    marginals: {
      difference: gridMarginal(runs, "difference"),
      differenceNoGmean: gridMarginal(runs, "difference", { excludeGmean: true }),
      protoInit: gridMarginal(runs, "protoInit"),
      featureInit: gridMarginal(runs, "featureInit"),
      normalize: gridMarginal(runs, "normalize"),
      KNoGmean: gridMarginal(runs, "K", { excludeGmean: true }),
    },
    gmeanEps: gridTable(eps, spec.Ks),
  };
}
