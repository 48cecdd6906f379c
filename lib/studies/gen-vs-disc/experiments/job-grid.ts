/**
 * Notebook section "Experiments": every learning curve and simulation of the study as independent
 * seeded jobs on worker threads (results do not depend on scheduling), then split back into the
 * sections that read them: real-data curves (claims 8-12), the notes' small-n grid (5-7) and the
 * warm-start method check. The paper's grid (P1-P3) is a stored grid: ./paper-grid.ts.
 */
import * as path from "node:path";
import { repoRoot } from "../../../core/env";
import { defineGrid, mapJobs } from "../../../core/grid";
import { Rng } from "../../../core/rng";
import {
  bootstrapMStar,
  describeJob,
  runJob,
  simStep,
  sklearnLR,
  PAPER_NB,
  PER_CLASS_NB,
  type Job,
  type JobResult,
  type LearningCurve,
  type ModelConfig,
  type MStarResult,
  type MStarSpread,
  type SklearnName,
} from "../../../topics/classifiers";
import { DATASETS, SEEDS, SETTINGS, type Settings } from "../settings";

/** The paper's NB (pooled diagonal variance, eps 1e-9: official nb_diag). */
export const NB = PAPER_NB;
/** scikit-learn's GaussianNB (per-class variances, var_smoothing 1e-9), the contrast of claim 12. */
export const NB_PER_CLASS = PER_CLASS_NB;
/** scikit-learn <= 1.3 lbfgs (tol 1e-4, max_iter 1000), warm-started along m (checked in "Warm starts"). */
export const LR = (C: number): ModelConfig => sklearnLR({ C, warmStart: true });

/** The five models of the real-data curves; `r` repeats for NB and LR C=1, `rc` for LR C=10/1000. */
export function curveModels(r: number, rc: number): { name: string; config: ModelConfig; repeats: number }[] {
  return [
    { name: "NB pooled", config: NB, repeats: r },
    { name: "NB per-class", config: NB_PER_CLASS, repeats: r },
    { name: "LR C=1", config: LR(1), repeats: r },
    { name: "LR C=10", config: LR(10), repeats: rc },
    { name: "LR C=1000", config: LR(1000), repeats: rc },
  ];
}

const DATASET_SHAPE: Record<SklearnName, { n: number; K: number }> = {
  iris: { n: 4, K: 3 },
  wine_data: { n: 13, K: 3 },
  breast_cancer: { n: 30, K: 2 },
  digits: { n: 64, K: 10 },
};

/**
 * Rough multiply-adds of a job, only for starting the largest first: logistic fits cost about
 * 150 evaluations of 2 m n K' multiply-adds (K' = 1 for the binary form); in the simulation m*
 * grows about like c_K n with c_K from our probes (1, 2.2, 5.5, 16 for K = 2, 3, 5, 7) and a run
 * fits about m* / step models of average size m* / 2.
 */
export function jobCost(job: Job): number {
  const evals = 150;
  if (job.kind === "curve") {
    const { n, K } = DATASET_SHAPE[job.dataset];
    const cols = K === 2 ? 1 : K;
    const lrRepeats = job.models.filter((m) => m.config.kind === "lr").reduce((a, m) => a + (m.repeats ?? job.repeats), 0);
    return job.mGrid.reduce((a, m) => a + lrRepeats * evals * 2 * m * n * cols, 0);
  }
  const cK: Record<number, number> = { 2: 1, 3: 2.2, 5: 5.5, 7: 16 };
  const mStar = (cK[job.K] ?? job.K * job.K) * job.n;
  const reps = job.kind === "mstar" ? job.repeats : job.runs;
  return reps * (mStar / simStep(job.n)) * evals * 2 * (mStar / 2) * job.n * (job.K === 2 ? 1 : job.K);
}

/** A small-n result with the bootstrap spread of each model's m*. */
export interface SmallNResult extends MStarResult {
  spread: Record<string, MStarSpread>;
}

export interface JobGridResult {
  curves: Record<SklearnName, LearningCurve>;
  /** Notes' small-n grid, per K. */
  small: { K: number; results: SmallNResult[] }[];
  warmSim: MStarResult;
  warmDigits: LearningCurve;
}

export type JobGridSeeds = { curves: Record<SklearnName, number>; smallSim: number; paperGrid: number; warm: number; bootstrap: number };

/** Every job of the notebook's "Experiments" section, in section order (the `experiments` grid below). */
export function experimentJobs(P: Settings, S: JobGridSeeds): { curves: Job[]; small: Job[]; warm: Job[] } {
  const curves: Job[] = DATASETS.map((d) => ({
    kind: "curve",
    dataset: d,
    mGrid: P.curves[d].grid,
    repeats: P.curves[d].r,
    seed: S.curves[d],
    models: curveModels(P.curves[d].r, P.curves[d].rc),
  }));
  const small: Job[] = P.smallSim.flatMap(({ K, ns, repeats }) =>
    ns.map(
      (n, i): Job => ({
        kind: "mstar",
        n,
        K,
        repeats,
        seed: S.smallSim * 1000 + K * 100 + i,
        models: { NB, LR: LR(1) },
        overshoot: P.spread.overshoot,
      }),
    ),
  );
  const warm: Job[] = [
    { kind: "mstar", ...P.warm.sim, seed: S.warm, models: { "LR warm": LR(1), "LR cold": sklearnLR({ C: 1, warmStart: false }) } },
    {
      kind: "curve",
      dataset: "digits",
      mGrid: P.warm.digits.grid,
      repeats: P.warm.digits.repeats,
      seed: S.warm,
      models: [
        { name: "C=1000 cold", config: sklearnLR({ C: 1000, warmStart: false }) },
        { name: "C=1000 warm", config: LR(1000) },
        { name: "C=1000 cold, sklearn>=1.4 rule", config: { kind: "lr", C: 1000, solverScale: "mean", warmStart: false } },
        { name: "C=1000 warm, sklearn>=1.4 rule", config: { kind: "lr", C: 1000, solverScale: "mean", warmStart: true } },
      ],
    },
  ];
  return { curves, small, warm };
}

/** This file, as the grid module `mapJobs` loads on worker threads. */
const EXPERIMENTS_MODULE = "lib/studies/gen-vs-disc/experiments/job-grid.ts";

/**
 * The notebook's experiments as a grid module for `mapJobs` (run on worker threads, nothing
 * stored). It lives here, not in ../grids.ts, so the stored paper grid's code version does not
 * depend on the notebook's settings.
 */
export const GRIDS = {
  experiments: defineGrid<Job, JobResult>({
    description: "every job of the notebook's Experiments section (curves, small-n grid, warm-start check)",
    jobs: (scale) => {
      const j = experimentJobs(SETTINGS[scale], SEEDS);
      return [...j.curves, ...j.small, ...j.warm];
    },
    run: (job) => runJob(job),
    // jobCost counts multiply-adds; the solver does about 0.7e9 per CPU-second here
    cost: (job) => jobCost(job) / 0.7e9,
    describe: describeJob,
  }),
};

/**
 * Builds every job of the study, runs them on `workers` threads (core grid's `mapJobs` over the
 * `experiments` grid above: nothing is stored) and splits the results by section.
 */
export async function runJobGrid(o: { settings: Settings; seeds: JobGridSeeds; workers: number }): Promise<JobGridResult> {
  const P = o.settings;
  const S = o.seeds;
  const { curves: curveJobs, small: smallJobs, warm: warmJobs } = experimentJobs(P, S);
  const jobs = [...curveJobs, ...smallJobs, ...warmJobs];
  const results = await mapJobs<Job, JobResult>({
    module: path.join(repoRoot(), EXPERIMENTS_MODULE),
    study: "gen-vs-disc",
    grid: "experiments",
    specs: jobs,
    workers: o.workers,
    cost: jobCost,
    label: "experiment jobs",
  });
  const curves = results.slice(0, curveJobs.length) as LearningCurve[];
  const small = results.slice(curveJobs.length, curveJobs.length + smallJobs.length) as MStarResult[];
  const [warmSim, warmDigits] = results.slice(jobs.length - warmJobs.length) as [MStarResult, LearningCurve];
  const boot = new Rng(S.bootstrap);
  const withSpread = (r: MStarResult): SmallNResult => ({
    ...r,
    spread: Object.fromEntries(
      Object.keys(r.mStar).map((model) => [model, bootstrapMStar(r, { model, resamples: P.spread.resamples, seed: boot.nextUint32() })]),
    ),
  });
  return {
    curves: Object.fromEntries(curves.map((c) => [c.dataset, c])) as Record<SklearnName, LearningCurve>,
    small: P.smallSim.map(({ K }) => ({ K, results: small.filter((r) => r.K === K).map(withSpread) })),
    warmSim,
    warmDigits,
  };
}
