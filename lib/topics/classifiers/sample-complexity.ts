/**
 * Sample complexity in the paper's simulation (notes §2 and §5.4).
 *
 * The m grid is 2K, 2K + s, 2K + 2s, ... with s = ceil(ln n) (official `range(2K, 100n, ceil(ln n))`);
 * every grid point gets fresh training samples (uniform labels, redrawn until all classes occur),
 * and errors are measured on one fixed balanced test set of floor(10^4 / K) samples per class.
 * m* is the first grid m whose error is below Bayes error + 0.01.
 *
 *  - `simulationMStar` (the notes' protocol, §5.4): R repeats per grid point, stop at the first m
 *    whose MEAN error over the repeats is below the threshold.
 *  - `paperRuns` (the official script, §2): independent runs, each scanning m until ITS OWN error
 *    is below the threshold, so each run has its own m*.
 * Models stop separately; all active models see the same training samples.
 */
import { Rng } from "../../core/rng";
import { progress } from "../../core/progress";
import { argmaxRows, errorRate } from "./classifier";
import type { Dataset } from "./dataset";
import { bindRows, type RowProducts } from "./matmul";
import type { Model } from "./learning-curves";
import { LogisticRegression } from "./logistic";
import { makePaperSimulation, paperBayesError } from "./simulation";

/** A named model factory for the simulation protocols. */
export interface SimModelSpec {
  name: string;
  /** A fresh model; called once per repeat slot (or run) and reused along m. */
  make: () => Model;
}

/** Settings shared by both simulation protocols. */
export interface SimSettings {
  n: number;
  K: number;
  models: SimModelSpec[];
  seed: number;
  /** Stop threshold above the Bayes error (default 0.01). */
  eps?: number;
  /** Test samples per class (default floor(10^4 / K)). */
  testPerClass?: number;
  /** Largest m tried (default 100 n, the end of the official range). */
  mMax?: number;
  /** Seed of the test set; default drawn from `seed`. Runs sharing it share the test set. */
  testSeed?: number;
  /**
   * Called after every fit with the model's name, the fitted model and m: how grid jobs record
   * iteration counts and fits that did not converge (lib/studies/gen-vs-disc/grids.ts).
   */
  onFit?: (name: string, model: Model, m: number) => void;
}

/** The official m grid step ceil(ln n). */
export function simStep(n: number): number {
  return Math.ceil(Math.log(n));
}

/** Result of the notes' protocol for one (K, n). */
export interface MStarResult {
  n: number;
  K: number;
  bayes: number;
  step: number;
  repeats: number;
  /** Per model: m* (null when mMax was reached first). */
  mStar: Record<string, number | null>;
  /**
   * Per model: the grid points tried, the mean error at each and every repeat's error
   * (errors[mIndex][repeat]); the points past m* are the `overshoot` (for `bootstrapMStar`).
   */
  curve: Record<string, { m: number[]; mean: number[]; errors: number[][] }>;
  /** Grid points scanned past each model's m* (0: the scan stops at m*). */
  overshoot: number;
  /** Per model: multiply-adds spent in fits (logistic: evaluations x 2 m n K'), a deterministic cost measure. */
  work: Record<string, number>;
}

/**
 * A fixed test set bound once for scoring: logistic models are scored through the resident copy
 * (the set is not copied again after every fit), other models through their own scores().
 */
export function testEvaluator(test: Dataset): (model: Model) => number {
  const rows: RowProducts = bindRows(test.X, test.m, test.n, "score");
  let Z = new Float64Array(0);
  return (model) => {
    if (!(model instanceof LogisticRegression)) return errorRate(model, test);
    const lin = model.toLinear();
    if (Z.length !== test.m * lin.K) Z = new Float64Array(test.m * lin.K);
    rows.scores(lin.W, lin.K, lin.b, Z);
    const yhat = argmaxRows(Z, lin.K);
    let wrong = 0;
    for (let i = 0; i < test.m; i++) if (yhat[i] !== test.y[i]) wrong++;
    return wrong / test.m;
  };
}

/** Multiply-adds of the fit just done: L-BFGS evaluations x (X W^T + R^T X); 0 for NB (one pass). */
export function fitWork(model: Model, m: number, n: number, K: number): number {
  if (!(model instanceof LogisticRegression) || model.lastFit === undefined) return m * n;
  const cols = model.isBinary(K) ? 1 : K;
  return model.lastFit.evaluations * 2 * m * n * cols;
}

function validate(s: SimSettings): void {
  if (s.models.length === 0) throw new Error("simulation: no models");
  if (new Set(s.models.map((x) => x.name)).size !== s.models.length) throw new Error("simulation: model names must be distinct");
}

/**
 * What both protocols share: the paper's simulation at (n, K), its Bayes error, the m grid and
 * the common test set. The test set is drawn first from the seed (or from `testSeed`), so `rng`
 * continues exactly where each protocol expects.
 */
function simulationSetup(s: SimSettings) {
  const { n, K } = s;
  const sim = makePaperSimulation({ n, K });
  const rng = new Rng(s.seed);
  const test = sim.sampleBalanced(s.testPerClass ?? Math.floor(10000 / K), s.testSeed !== undefined ? new Rng(s.testSeed) : rng.split());
  return {
    eps: s.eps ?? 0.01,
    sim,
    bayes: paperBayesError({ n, K }),
    step: simStep(n),
    mMax: s.mMax ?? 100 * n,
    rng,
    testError: testEvaluator(test),
  };
}

/** Notes §5.4 protocol: mean over `repeats` fresh samples per grid point. */
export function simulationMStar(s: SimSettings & { repeats: number; overshoot?: number }): MStarResult {
  validate(s);
  const { n, K, repeats } = s;
  const overshoot = s.overshoot ?? 0;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`simulationMStar: repeats must be a positive integer, got ${repeats}`);
  if (!Number.isInteger(overshoot) || overshoot < 0)
    throw new Error(`simulationMStar: overshoot must be a non-negative integer, got ${overshoot}`);
  const { eps, sim, bayes, step, mMax, rng, testError } = simulationSetup(s);
  const trainRng = rng.split();
  const slots = s.models.map(() => Array.from({ length: repeats }, () => null as Model | null));
  const mStar: Record<string, number | null> = {};
  const curve: Record<string, { m: number[]; mean: number[]; errors: number[][] }> = {};
  const work: Record<string, number> = {};
  const active = new Set(s.models.map((x) => x.name));
  // grid points still to scan after m* (the samples drawn up to m* do not depend on it)
  const extra: Record<string, number> = {};
  for (const x of s.models) {
    mStar[x.name] = null;
    curve[x.name] = { m: [], mean: [], errors: [] };
    work[x.name] = 0;
    extra[x.name] = overshoot;
  }
  for (let m = 2 * K; m < mMax && active.size > 0; m += step) {
    const sums = new Float64Array(s.models.length);
    const errs = s.models.map(() => [] as number[]);
    for (let r = 0; r < repeats; r++) {
      const train = sim.sample(m, trainRng);
      s.models.forEach((spec, i) => {
        if (!active.has(spec.name)) return;
        const model = (slots[i]![r] ??= spec.make());
        model.fit(train);
        s.onFit?.(spec.name, model, m);
        work[spec.name] += fitWork(model, m, n, K);
        const e = testError(model);
        sums[i] += e;
        errs[i]!.push(e);
      });
    }
    s.models.forEach((spec, i) => {
      if (!active.has(spec.name)) return;
      const mean = sums[i]! / repeats;
      curve[spec.name]!.m.push(m);
      curve[spec.name]!.mean.push(mean);
      curve[spec.name]!.errors.push(errs[i]!);
      if (mStar[spec.name] !== null) {
        if (--extra[spec.name]! <= 0) active.delete(spec.name);
      } else if (mean < bayes + eps) {
        mStar[spec.name] = m;
        if (overshoot === 0) active.delete(spec.name);
      }
    });
  }
  return { n, K, bayes, step, repeats, mStar, curve, work, overshoot };
}

/** Spread of a notes-protocol m* over resampled repeats (`bootstrapMStar`). */
export interface MStarSpread {
  /** m* of the actual repeats. */
  mStar: number | null;
  /** Standard deviation of the resampled m* that crossed within the scanned grid. */
  sd: number;
  /** 2.5 % and 97.5 % quantiles of the resampled m* (Infinity when more than 2.5 % never crossed). */
  lo: number;
  hi: number;
  resamples: number;
  /** Resamples whose mean never fell below the threshold within the scanned points (overshoot too short). */
  censored: number;
}

/**
 * How much m* moves if the study were repeated: resamples the repeat slots with replacement
 * (each slot keeps its errors along m, so the warm-start link between grid points stays), and
 * takes the first grid point whose resampled mean error is below Bayes + eps. Needs the
 * `overshoot` points past m*, or resamples that cross later count as censored.
 */
export function bootstrapMStar(r: MStarResult, o: { model: string; resamples: number; seed: number; eps?: number }): MStarSpread {
  const c = r.curve[o.model];
  if (c === undefined) throw new Error(`bootstrapMStar: no model ${JSON.stringify(o.model)}; have ${Object.keys(r.curve).join(", ")}`);
  const bar = r.bayes + (o.eps ?? 0.01);
  const rng = new Rng(o.seed);
  const R = r.repeats;
  const pick = new Int32Array(R);
  const stars: number[] = [];
  let censored = 0;
  for (let b = 0; b < o.resamples; b++) {
    for (let t = 0; t < R; t++) pick[t] = rng.int(0, R);
    let star: number | null = null;
    for (let i = 0; i < c.m.length && star === null; i++) {
      const e = c.errors[i]!;
      let s = 0;
      for (let t = 0; t < R; t++) s += e[pick[t]!]!;
      if (s / R < bar) star = c.m[i]!;
    }
    if (star === null) censored++;
    else stars.push(star);
  }
  const sorted = stars.slice().sort((a, b) => a - b);
  // censored resamples sit above every crossed one
  const q = (p: number) => {
    const k = Math.floor(p * (o.resamples - 1));
    return k < sorted.length ? sorted[k]! : Number.POSITIVE_INFINITY;
  };
  const mean = stars.reduce((a, v) => a + v, 0) / Math.max(1, stars.length);
  const sd = stars.length > 1 ? Math.sqrt(stars.reduce((a, v) => a + (v - mean) ** 2, 0) / (stars.length - 1)) : Number.NaN;
  return { mStar: r.mStar[o.model] ?? null, sd, lo: q(0.025), hi: q(0.975), resamples: o.resamples, censored };
}

/** Result of the official protocol for one (K, n). */
export interface PaperRunsResult {
  n: number;
  K: number;
  bayes: number;
  step: number;
  runs: number;
  /** Per model: m* of each run (null when mMax was reached first). */
  mStar: Record<string, (number | null)[]>;
  /** Per model and run: grid points and the run's error at each. */
  curves: Record<string, { m: number[]; err: number[] }[]>;
  /** Per model: multiply-adds spent in fits over all runs (see MStarResult.work). */
  work: Record<string, number>;
}

/** Official script protocol: `runs` independent runs with their own stopping points. */
export function paperRuns(s: SimSettings & { runs: number; quiet?: boolean }): PaperRunsResult {
  validate(s);
  const { n, K, runs } = s;
  const { eps, sim, bayes, step, mMax, rng, testError } = simulationSetup(s);
  const mStar: Record<string, (number | null)[]> = {};
  const curves: Record<string, { m: number[]; err: number[] }[]> = {};
  const work: Record<string, number> = {};
  for (const x of s.models) {
    mStar[x.name] = [];
    curves[x.name] = [];
    work[x.name] = 0;
  }
  const bar = progress(`simulation K=${K} n=${n}`, runs, { quiet: s.quiet === true });
  for (let t = 0; t < runs; t++) {
    const runRng = rng.split();
    const models = s.models.map((x) => x.make());
    const stopped = s.models.map(() => false);
    const runCurves = s.models.map(() => ({ m: [] as number[], err: [] as number[] }));
    const stars: (number | null)[] = s.models.map(() => null);
    for (let m = 2 * K; m < mMax && stopped.includes(false); m += step) {
      const train = sim.sample(m, runRng);
      models.forEach((model, i) => {
        if (stopped[i]) return;
        model.fit(train);
        s.onFit?.(s.models[i]!.name, model, m);
        work[s.models[i]!.name] += fitWork(model, m, n, K);
        const e = testError(model);
        runCurves[i]!.m.push(m);
        runCurves[i]!.err.push(e);
        if (e < bayes + eps) {
          stopped[i] = true;
          stars[i] = m;
        }
      });
    }
    s.models.forEach((x, i) => {
      mStar[x.name]!.push(stars[i]!);
      curves[x.name]!.push(runCurves[i]!);
    });
    bar.update(t + 1);
  }
  return { n, K, bayes, step, runs, mStar, curves, work };
}

/** m* of a paper-grid cell over its runs, saying how many runs never crossed. */
export interface RunsMStar {
  /** Mean m* over the runs that crossed (NaN when none did). */
  mean: number;
  /** Standard error of that mean, sd / sqrt(crossed) (NaN for fewer than two). */
  se: number;
  min: number;
  max: number;
  runs: number;
  crossed: number;
  /** Runs that reached mMax without crossing: the mean above leaves them out. */
  notCrossed: number;
}

/**
 * Mean m* of a cell over its runs. Runs that never crossed Bayes + eps before mMax are left out
 * of the mean and counted in `notCrossed`, so a table or claim computed from a subset can say so.
 */
export function runsMStar(r: PaperRunsResult, model: string): RunsMStar {
  const all = r.mStar[model];
  if (all === undefined) throw new Error(`runsMStar: no model ${JSON.stringify(model)}; have ${Object.keys(r.mStar).join(", ")}`);
  const ok = all.filter((x): x is number => x !== null);
  const mean = ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : Number.NaN;
  const se = ok.length > 1 ? Math.sqrt(ok.reduce((a, v) => a + (v - mean) ** 2, 0) / (ok.length - 1) / ok.length) : Number.NaN;
  return {
    mean,
    se,
    min: ok.length ? Math.min(...ok) : Number.NaN,
    max: ok.length ? Math.max(...ok) : Number.NaN,
    runs: all.length,
    crossed: ok.length,
    notCrossed: all.length - ok.length,
  };
}

/** Concatenates the runs of several `paperRuns` results for the same (n, K). */
export function mergeRuns(parts: PaperRunsResult[]): PaperRunsResult {
  if (parts.length === 0) throw new Error("mergeRuns: nothing to merge");
  const first = parts[0]!;
  const mStar: Record<string, (number | null)[]> = {};
  const curves: Record<string, { m: number[]; err: number[] }[]> = {};
  const work: Record<string, number> = {};
  for (const p of parts) {
    if (p.n !== first.n || p.K !== first.K) throw new Error(`mergeRuns: mixing (n, K) = (${p.n}, ${p.K}) with (${first.n}, ${first.K})`);
    for (const [name, stars] of Object.entries(p.mStar)) {
      (mStar[name] ??= []).push(...stars);
      (curves[name] ??= []).push(...p.curves[name]!);
      work[name] = (work[name] ?? 0) + p.work[name]!;
    }
  }
  return { ...first, runs: parts.reduce((a, p) => a + p.runs, 0), mStar, curves, work };
}

/** Test errors of `repeats` fits at one sample size m (fresh samples each, the protocols' test set): the spread behind one point of a curve. */
export function simErrorsAt(s: {
  n: number;
  K: number;
  m: number;
  repeats: number;
  seed: number;
  model: SimModelSpec;
  testPerClass?: number;
}): number[] {
  const sim = makePaperSimulation({ n: s.n, K: s.K });
  const rng = new Rng(s.seed);
  const test = sim.sampleBalanced(s.testPerClass ?? Math.floor(10000 / s.K), rng.split());
  const errs: number[] = [];
  for (let r = 0; r < s.repeats; r++) errs.push(errorRate(s.model.make().fit(sim.sample(s.m, rng)), test));
  return errs;
}
