/**
 * What the notebook needs between results and claims: values at a grid point, m_eps and crossing
 * points of learning curves (notes §6 claims 9-12), the NB-is-linear check (claim 1), the paper
 * grid as worker jobs, and HTML tables. Keeping these here keeps the notebook cells short.
 */
import { htmlTable } from "../core/display";
import { fmt } from "../core/claims";
import { Rng } from "../core/rng";
import { argmaxRows, errorRate, linearScores } from "./classifier";
import type { LearningCurve } from "./curves";
import { makeDataset, type Dataset } from "./dataset";
import type { NBDiagnostics } from "./diagnostics";
import { fillStandardNormal } from "./gaussian";
import { LogisticRegression } from "./logistic";
import { GaussianNB } from "./naive-bayes";
import { bayesErrorMonteCarlo, makePaperSimulation, paperBayesError } from "./simulation";
import type { ModelConfig } from "./models";
import type { Job } from "./jobs";
import { mergeRuns, simStep, type MStarResult, type PaperRunsResult } from "./sim-curves";
import { compareByCI, crossingPoint, percentile, sampleComplexity, type MeanCI } from "./stats";

/** Mean and interval of `model` at grid point m (NaN interval when m is not on the grid). */
export function at(curve: LearningCurve, model: string, m: number): MeanCI {
  const i = curve.mGrid.indexOf(m);
  const s = curve.summary[model];
  if (i < 0 || s === undefined) return { mean: NaN, half: NaN, lo: NaN, hi: NaN, sd: NaN, count: 0 };
  return s[i]!;
}

/** m_eps of the notes' claim 9: first grid m with mean error <= (mean at the largest m) + eps. */
export function mEps(curve: LearningCurve, model: string, eps = 0.01): number | null {
  const means = curve.summary[model]!.map((v) => v.mean);
  return sampleComplexity(curve.mGrid, means, means[means.length - 1]!, eps, true);
}

/** First grid m from which `b`'s mean error stays below `a`'s (b takes over); null if never. */
export function meanCrossing(curve: LearningCurve, a: string, b: string): number | null {
  return crossingPoint(curve.mGrid, curve.summary[a]!.map((v) => v.mean), curve.summary[b]!.map((v) => v.mean));
}

/** Grid points where `a` is significantly better than `b` (non-overlapping 95% intervals). */
export function significantWins(curve: LearningCurve, a: string, b: string): number[] {
  return curve.mGrid.filter((_, i) => compareByCI(curve.summary[a]![i]!, curve.summary[b]![i]!) === "win");
}

/** Grid step distance between two grid values (how many grid points apart); Infinity if off-grid. */
export function gridSteps(grid: number[], a: number | null, b: number): number {
  if (a === null) return Infinity;
  const ia = grid.indexOf(a);
  // b may be off the grid (the notes quote values like 75 on a coarser grid): distance to its bracket
  let ib = grid.indexOf(b);
  if (ia < 0) return Infinity;
  if (ib < 0) {
    const above = grid.findIndex((v) => v > b);
    ib = above < 0 ? grid.length - 1 : above - 0.5;
  }
  return Math.abs(ia - ib);
}

/** Outcome of `checkNBLinear` (claim 1). */
export interface NBLinearCheck {
  /** max over samples and classes of |S_k - (W x + b)_k + 1/2 sum x^2/sigma^2| / max(1, |S_k|). */
  maxRelDiff: number;
  /** Samples whose predictions differ, excluding near-ties. */
  mismatches: number;
  /** Samples whose top two linear scores are within 1e-9 relative (excluded). */
  ties: number;
  samples: number;
}

/** Claim 1: the pooled NB's scores against its linear form on `ds`. */
export function checkNBLinear(ds: Dataset): NBLinearCheck {
  const nb = new GaussianNB().fit(ds);
  const lin = nb.toLinear();
  const S = nb.scores(ds.X);
  const L = linearScores(lin, ds.X);
  const { n, K, m } = ds;
  let maxRelDiff = 0;
  for (let i = 0; i < m; i++) {
    let q = 0;
    for (let j = 0; j < n; j++) q += ds.X[i * n + j]! ** 2 / nb.pooledVar[j]!;
    for (let k = 0; k < K; k++) {
      const a = S[i * K + k]!;
      const d = Math.abs(a - (L[i * K + k]! - 0.5 * q)) / Math.max(1, Math.abs(a));
      if (d > maxRelDiff) maxRelDiff = d;
    }
  }
  const pa = argmaxRows(S, K);
  const pb = argmaxRows(L, K);
  let mismatches = 0;
  let ties = 0;
  for (let i = 0; i < m; i++) {
    const row = Array.from(L.subarray(i * K, (i + 1) * K)).sort((x, y) => y - x);
    if (Math.abs(row[0]! - row[1]!) <= 1e-9 * Math.max(1, Math.abs(row[0]!))) {
      ties++;
      continue;
    }
    if (pa[i] !== pb[i]) mismatches++;
  }
  return { maxRelDiff, mismatches, ties, samples: m };
}

// ---------------------------------------------------------------------------------------------
// Paper grid as worker jobs

/** One (K, n) setting of the simulation. */
export interface Corner {
  K: number;
  n: number;
}

/**
 * One job per (corner, run): run t of corner (K, n) gets its own seed, all runs of a corner share
 * the test-set seed. Seeds are derived arithmetically so adding or dropping a corner does not
 * change the others.
 */
export function paperGridJobs(corners: Corner[], runs: number, seed: number, models: Record<string, ModelConfig>): Job[] {
  const jobs: Job[] = [];
  for (const { K, n } of corners) {
    const base = seed * 1_000_000 + K * 10_000 + n;
    for (let t = 0; t < runs; t++) jobs.push({ kind: "runs", n, K, runs: 1, seed: base * 10 + t + 1, testSeed: base * 10, models });
  }
  return jobs;
}

/** Merges per-run job results back into one result per corner (in corner order). */
export function collectPaperGrid(corners: Corner[], results: PaperRunsResult[]): PaperRunsResult[] {
  return corners.map(({ K, n }) => mergeRuns(results.filter((r) => r.K === K && r.n === n)));
}

const DATASET_SHAPE: Record<string, { n: number; K: number }> = { iris: { n: 4, K: 3 }, wine_data: { n: 13, K: 3 }, breast_cancer: { n: 30, K: 2 }, digits: { n: 64, K: 10 } };

/**
 * Rough multiply-adds of a job, only for starting the largest first: logistic fits cost about
 * 150 evaluations of 2 m n K' multiply-adds (K' = 1 for the binary form); in the simulation m*
 * grows about like c_K n with c_K from our probes (1, 2.2, 5.5, 16 for K = 2, 3, 5, 7) and a run
 * fits about m* / step models of average size m* / 2.
 */
export function jobCost(job: Job): number {
  const evals = 150;
  if (job.kind === "curve") {
    const { n, K } = DATASET_SHAPE[job.dataset]!;
    const cols = K === 2 ? 1 : K;
    const lrRepeats = job.models.filter((m) => m.config.kind === "lr").reduce((a, m) => a + (m.repeats ?? job.repeats), 0);
    return job.mGrid.reduce((a, m) => a + lrRepeats * evals * 2 * m * n * cols, 0);
  }
  const cK: Record<number, number> = { 2: 1, 3: 2.2, 5: 5.5, 7: 16 };
  const mStar = (cK[job.K] ?? job.K * job.K) * job.n;
  const reps = job.kind === "mstar" ? job.repeats : job.runs;
  return reps * (mStar / simStep(job.n)) * evals * 2 * (mStar / 2) * job.n * (job.K === 2 ? 1 : job.K);
}

// ---------------------------------------------------------------------------------------------
// Tables

const pm = (c: MeanCI) => (Number.isFinite(c.mean) ? `${c.mean.toFixed(3)} ± ${c.half.toFixed(3)}` : "–");

/** Mean ± 95% half-width per model and m. */
export function curveTableHtml(curve: LearningCurve): string {
  return htmlTable(["m", ...curve.models], curve.mGrid.map((m, i) => [m, ...curve.models.map((name) => pm(curve.summary[name]![i]!))]));
}

/** m* per n for the notes' protocol, with the notes' reference values when given. */
export function mStarTableHtml(results: MStarResult[], models: string[], reference?: Record<number, Record<string, number>>): string {
  const cols = ["K", "n", "Bayes error", "step", "repeats", ...models.flatMap((mdl) => (reference ? [`m* ${mdl}`, `notes ${mdl}`] : [`m* ${mdl}`]))];
  const rows = results.map((r) => [
    r.K, r.n, fmt(r.bayes), r.step, r.repeats,
    ...models.flatMap((mdl) => {
      const v = r.mStar[mdl];
      const ours = v === null || v === undefined ? "not reached" : String(v);
      return reference ? [ours, String(reference[r.n]?.[mdl] ?? "–")] : [ours];
    }),
  ]);
  return htmlTable(cols, rows);
}

/** Per corner: m* of each run and their mean, for the paper's grid. */
export function paperGridTableHtml(results: PaperRunsResult[], models: string[]): string {
  const cols = ["K", "n", "step", "runs", ...models.flatMap((mdl) => [`m* ${mdl} (runs)`, `mean m* ${mdl}`]), "LR work (G mult-add)"];
  const rows = results.map((r) => [
    r.K, r.n, r.step, r.runs,
    ...models.flatMap((mdl) => {
      const v = r.mStar[mdl]!;
      const ok = v.filter((x): x is number => x !== null);
      return [v.map((x) => (x === null ? "–" : x)).join(", "), ok.length ? fmt(ok.reduce((a, b) => a + b, 0) / ok.length) : "–"];
    }),
    fmt((r.work["LR"] ?? 0) / 1e9),
  ]);
  return htmlTable(cols, rows);
}

/** Mean of the non-null m* values of a paper-grid corner (NaN when none). */
export function meanMStar(r: PaperRunsResult, model: string): number {
  const ok = r.mStar[model]!.filter((x): x is number => x !== null);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
}

// ---------------------------------------------------------------------------------------------
// Fixtures (claims 2-3), Bayes error (claim 4), diagnostics (claim 14), estimation (claim 15)

/** The §5.5 fixture quantities measured on one dataset (claims 2-3). */
export interface FixtureRow {
  dataset: string;
  /** C * sum CE + 1/2 ||W||^2 after a tight solve (tol 1e-10, no relative-reduction stop, 10^4 iterations). */
  objectiveTight: number;
  tightStatus: string;
  /** The same after scikit-learn's default stopping (tol 1e-4, <= 1.3 rule, 1000 iterations). */
  objectiveDefault: number;
  wNorm: number;
  lrTrainErr: number;
  nbTrainErr: number;
  nbPerClassTrainErr: number;
}

/** The §5.5 quantities on a (full, min-max-scaled) dataset. */
export function fixtureCheck(ds: Dataset): FixtureRow {
  const tight = new LogisticRegression({ C: 1, tol: 1e-10, ftol: 0, maxIter: 10000 }).fit(ds);
  const dflt = new LogisticRegression({ C: 1 }).fit(ds);
  return {
    dataset: ds.name ?? "data",
    objectiveTight: tight.objective(ds),
    tightStatus: `${tight.lastFit!.status} after ${tight.lastFit!.iterations} iterations`,
    objectiveDefault: dflt.objective(ds),
    wNorm: tight.weightNorm(),
    lrTrainErr: errorRate(tight, ds),
    nbTrainErr: errorRate(new GaussianNB().fit(ds), ds),
    nbPerClassTrainErr: errorRate(new GaussianNB({ variance: "perClass" }).fit(ds), ds),
  };
}

/** HTML table of `fixtureCheck` rows. */
export function fixtureTableHtml(rows: FixtureRow[]): string {
  return htmlTable(
    ["dataset", "LR objective (tight)", "stop", "LR objective (sklearn default tol)", "‖W‖_F", "LR train err", "NB pooled train err", "NB per-class train err"],
    rows.map((r) => [r.dataset, r.objectiveTight.toFixed(6), r.tightStatus, r.objectiveDefault.toFixed(6), r.wNorm.toFixed(6), r.lrTrainErr.toFixed(4), r.nbTrainErr.toFixed(4), r.nbPerClassTrainErr.toFixed(4)]),
  );
}

/** Gaussian classes with random means (N(0, 1) per coordinate) and unit noise: data for claim 1. */
export function randomGaussianClasses(o: { m: number; n: number; K: number; seed: number }): Dataset {
  const rng = new Rng(o.seed);
  const mu = new Float64Array(o.K * o.n);
  fillStandardNormal(rng, mu);
  const X = new Float64Array(o.m * o.n);
  fillStandardNormal(rng, X);
  const y = new Int32Array(o.m);
  for (let i = 0; i < o.m; i++) {
    y[i] = i < o.K ? i : rng.int(0, o.K);
    for (let j = 0; j < o.n; j++) X[i * o.n + j] += mu[y[i]! * o.n + j]!;
  }
  return makeDataset(X, y, o.n, o.K, `random ${o.m}x${o.n}, K=${o.K}`);
}

/** Closed-form and Monte Carlo Bayes error of one setting (claim 4). */
export interface BayesRow {
  n: number;
  K: number;
  closedForm: number;
  mc: number;
  se: number;
  draws: number;
}

/** Closed-form Bayes error against Monte Carlo through the generator, per (n, K). */
export function bayesErrorRows(settings: Corner[], draws: number, seed: number): BayesRow[] {
  const rng = new Rng(seed);
  return settings.map(({ n, K }) => {
    const { error, se } = bayesErrorMonteCarlo(makePaperSimulation(n, K), draws, rng.split());
    return { n, K, closedForm: paperBayesError(n, K), mc: error, se, draws };
  });
}

/** HTML table of `bayesErrorRows`. */
export function bayesTableHtml(rows: BayesRow[]): string {
  return htmlTable(
    ["K", "n", "closed form", "Monte Carlo", "MC s.e.", "|difference| / s.e.", "draws"],
    rows.map((r) => [r.K, r.n, fmt(r.closedForm, 5), fmt(r.mc, 5), fmt(r.se, 3), (Math.abs(r.mc - r.closedForm) / r.se).toFixed(2), r.draws]),
  );
}

/** The percentiles the notes tabulate (§5.5). */
export const PERCENTILES = [0, 10, 50, 90, 100];

/** Percentiles 0/10/50/90/100 of the three diagnostics. */
export function diagnosticPercentiles(d: NBDiagnostics): { sigma2: number[]; beta: number[]; alpha: number[] } {
  const pc = (v: Float64Array) => PERCENTILES.map((q) => percentile(v, q));
  return { sigma2: pc(d.sigma2), beta: pc(d.beta), alpha: pc(d.alpha) };
}

/** HTML table of diagnostic percentiles per dataset (claim 14). */
export function diagnosticsTableHtml(rows: { dataset: string; p: { sigma2: number[]; beta: number[]; alpha: number[] } }[]): string {
  const f = (v: number[]) => v.map((x) => fmt(x, 4)).join("  ");
  return htmlTable(["dataset", "σ²_j (p0 p10 p50 p90 p100)", "|β|", "|α|"], rows.map((r) => [r.dataset, f(r.p.sigma2), f(r.p.beta), f(r.p.alpha)]));
}
