/**
 * Learning curves on real data (notes §5.3 protocol): per repeat a stratified 30% test split fixed
 * within the repeat; for each m of the grid, m training samples drawn without replacement from the
 * rest and redrawn until every class is present; min-max scaling fitted on those m samples; every
 * model fitted on the same subset and scored on the same test part. Logistic models are reused
 * along m within a repeat so their fits start from the previous solution (warm start).
 */
import { Rng } from "../../core/rng";
import { progress } from "../../core/progress";
import type { Classifier } from "./classifier";
import { errorRate } from "./classifier";
import type { Dataset } from "./dataset";
import { subset } from "./dataset";
import { LogisticRegression } from "./logistic";
import { fitMinMax } from "./scaling";
import { sampleWithAllClasses, stratifiedSplit } from "../../core/splits";
import { compareByCI, meanCI, type MeanCI } from "../../core/stats";
import { crossingPoint, sampleComplexity } from "./curve-stats";

/** A classifier that knows its number of classes once fitted (needed to turn scores into labels). */
export type Model = Classifier & { readonly K: number };

/** A named model factory for the learning-curve runner. */
export interface ModelSpec {
  /** Label in tables and figures, e.g. "LR C=1". */
  name: string;
  /** A fresh, unfitted model; called once per repeat. */
  make: () => Model;
  /** Repeats for this model (the first `repeats` splits); default: all. */
  repeats?: number;
}

/** Inputs of `learningCurve` (notes §5.3 protocol). */
export interface LearningCurveOptions {
  data: Dataset;
  models: ModelSpec[];
  mGrid: number[];
  repeats: number;
  seed: number;
  /** Test fraction of the stratified split (default 0.3). */
  testFrac?: number;
  /** Print progress at fixed fractions (default true). */
  progress?: boolean;
}

/** L-BFGS effort over all fits of one logistic model. */
export interface SolverStats {
  fits: number;
  notConverged: number;
  meanIterations: number;
}

/** Raw errors and their summaries, per model and grid point. */
export interface LearningCurve {
  dataset: string;
  mGrid: number[];
  models: string[];
  /** errors[model][mIndex][repeat] */
  errors: Record<string, number[][]>;
  summary: Record<string, MeanCI[]>;
  /** L-BFGS statistics per logistic model. */
  solver: Record<string, SolverStats>;
}

/** Runs the protocol above; deterministic given `seed`. */
export function learningCurve(o: LearningCurveOptions): LearningCurve {
  const { data, models, mGrid } = o;
  const testFrac = o.testFrac ?? 0.3;
  if (models.length === 0) throw new Error("learningCurve: no models");
  if (new Set(models.map((s) => s.name)).size !== models.length) throw new Error("learningCurve: model names must be distinct");
  for (let t = 1; t < mGrid.length; t++)
    if (!(mGrid[t]! > mGrid[t - 1]!)) throw new Error(`learningCurve: mGrid must increase, got ${mGrid.join(", ")}`);
  const reps = models.map((s) => s.repeats ?? o.repeats);
  for (const [i, r] of reps.entries()) {
    if (!Number.isInteger(r) || r < 1 || r > o.repeats)
      throw new Error(`learningCurve: model ${models[i]!.name} asks for ${r} repeats; use 1..${o.repeats}`);
  }
  const errors: Record<string, number[][]> = {};
  const solver: Record<string, SolverStats & { iters: number }> = {};
  for (const s of models) errors[s.name] = mGrid.map(() => []);
  const rng = new Rng(o.seed);
  const name = data.name ?? "data";
  const bar = progress(`${name} learning curves`, o.repeats, { quiet: o.progress === false });
  for (let r = 0; r < o.repeats; r++) {
    const rr = rng.split();
    const { train, test } = stratifiedSplit(rr, { y: data.y, testFraction: testFrac, nClasses: data.K });
    const testSet = subset(data, test);
    const active = models.map((s, i) => (r < reps[i]! ? s.make() : null));
    for (const [mi, m] of mGrid.entries()) {
      const idx = sampleWithAllClasses(rr, { pool: train, y: data.y, nClasses: data.K, m });
      const raw = subset(data, idx);
      const scaler = fitMinMax(raw);
      const tr = scaler.apply(raw);
      const te = scaler.apply(testSet);
      active.forEach((model, i) => {
        if (model === null) return;
        const spec = models[i]!;
        model.fit(tr);
        errors[spec.name]![mi]!.push(errorRate(model, te));
        if (model instanceof LogisticRegression && model.lastFit) {
          const st = (solver[spec.name] ??= { fits: 0, notConverged: 0, meanIterations: 0, iters: 0 });
          st.fits++;
          st.iters += model.lastFit.iterations;
          if (!model.lastFit.converged) st.notConverged++;
        }
      });
    }
    bar.update(r + 1);
  }
  const summary: Record<string, MeanCI[]> = {};
  for (const s of models) summary[s.name] = errors[s.name]!.map((xs) => meanCI(xs));
  const solverOut: Record<string, SolverStats> = {};
  for (const [k, v] of Object.entries(solver))
    solverOut[k] = { fits: v.fits, notConverged: v.notConverged, meanIterations: v.iters / v.fits };
  return { dataset: name, mGrid: mGrid.slice(), models: models.map((s) => s.name), errors, summary, solver: solverOut };
}

// ---------------------------------------------------------------------------------------------
// Reading a curve: values at a grid point, m_eps, crossings, significant wins (notes §6 claims 8-12)

/** Mean and interval of `model` at grid point m (NaN interval when m is not on the grid). */
export function at(curve: LearningCurve, o: { model: string; m: number }): MeanCI {
  const i = curve.mGrid.indexOf(o.m);
  const s = curve.summary[o.model];
  if (i < 0 || s === undefined) return { mean: Number.NaN, half: Number.NaN, lo: Number.NaN, hi: Number.NaN, sd: Number.NaN, count: 0 };
  return s[i]!;
}

/** The largest m of the curve's grid. */
export function lastM(curve: LearningCurve): number {
  return curve.mGrid[curve.mGrid.length - 1]!;
}

/** m_eps of the notes' claim 9: first grid m with mean error <= (mean at the largest m) + eps. */
export function mEps(curve: LearningCurve, o: { model: string; eps: number }): number | null {
  const means = curve.summary[o.model]!.map((v) => v.mean);
  return sampleComplexity({ m: curve.mGrid, err: means, asymptote: means[means.length - 1]!, eps: o.eps, inclusive: true });
}

/** First grid m from which the `follower`'s mean error stays below the `leader`'s (the follower takes over); null if never. */
export function meanCrossing(curve: LearningCurve, o: { leader: string; follower: string }): number | null {
  return crossingPoint({
    m: curve.mGrid,
    leader: curve.summary[o.leader]!.map((v) => v.mean),
    follower: curve.summary[o.follower]!.map((v) => v.mean),
  });
}

/** Grid points where `better` has a significantly lower error than `worse` (non-overlapping 95% intervals). */
export function significantWins(curve: LearningCurve, o: { better: string; worse: string }): number[] {
  return curve.mGrid.filter((_, i) => compareByCI(curve.summary[o.better]![i]!, curve.summary[o.worse]![i]!) === "win");
}

/** Distance in grid steps between grid value a and value b (b may be off the grid: distance to its bracket); Infinity if a is null or off-grid. */
export function gridSteps(grid: number[], a: number | null, b: number): number {
  if (a === null) return Number.POSITIVE_INFINITY;
  const ia = grid.indexOf(a);
  let ib = grid.indexOf(b);
  if (ia < 0) return Number.POSITIVE_INFINITY;
  if (ib < 0) {
    const above = grid.findIndex((v) => v > b);
    ib = above < 0 ? grid.length - 1 : above - 0.5;
  }
  return Math.abs(ia - ib);
}
