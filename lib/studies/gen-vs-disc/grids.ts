/**
 * The study's stored job grid (lib/core/grid; `make grid-plan STUDY=gen-vs-disc GRID=paper`):
 * the paper's simulation grid (official scripts/main_simulation.sh, notes §2), K ∈ {2, 3, 5, 7} ×
 * n ∈ {100, 200, 400, 1000}, 5 independent runs per cell, one job per run. The seeds are the
 * notebook's (`paperGridJobs`), so a stored run equals the one the notebook would compute inline.
 * Results: results/gen-vs-disc/paper/.
 *
 * Each job records, beside the run's curves and m*, how the solver did: LR fits, L-BFGS iterations
 * and evaluations, the most iterations of one fit, and fits that did not converge (a fit stopped by
 * max_iter 1000 or by a failed line search is kept, as scikit-learn keeps it, and counted here so
 * a reader can see it).
 *
 * The grid's code version hashes the transitive closure of this file's imports, so it imports the
 * few modules a job runs, not the study's settings or notebook code (editing those must not
 * invalidate CPU-hours of stored runs); settings.ts and experiments/job-grid.ts import from here.
 */
import type { Json } from "../../core/grid/canonical";
import { defineGrid, type JobContext } from "../../core/grid/definition";
import { LogisticRegression } from "../../topics/classifiers/logistic";
import { makeModel, PAPER_NB, sklearnLR, type ModelConfig } from "../../topics/classifiers/models";
import { paperRuns, simStep, type PaperRunsResult } from "../../topics/classifiers/sample-complexity";

/** One run of one cell: plain JSON (the `runs` kind of lib/topics/classifiers/jobs.ts, with runs = 1). */
export interface PaperJob {
  kind: "runs";
  n: number;
  K: number;
  runs: number;
  seed: number;
  testSeed?: number;
  models: Record<string, ModelConfig>;
  mMax?: number;
}

/** The paper's cells, K-major. */
export const PAPER_CELLS: { K: number; n: number }[] = [2, 3, 5, 7].flatMap((K) => [100, 200, 400, 1000].map((n) => ({ K, n })));
export const PAPER_RUNS = 5;
/** The smoke-scale grid: one cheap cell, two runs. */
export const SMOKE_CELLS: { K: number; n: number }[] = [{ K: 2, n: 100 }];
export const SMOKE_RUNS = 2;
/** Seed of the paper grid (settings.ts SEEDS.paperGrid). */
export const PAPER_GRID_SEED = 300;
/** The paper's NB (official nb_diag) and scikit-learn <= 1.3 LR, C = 1, warm-started along m. */
export const PAPER_MODELS: Record<string, ModelConfig> = { NB: PAPER_NB, LR: sklearnLR({ C: 1, warmStart: true }) };

/**
 * One job per (cell, run): run t of cell (K, n) gets its own seed, all runs of a cell share the
 * test-set seed. Seeds are derived arithmetically so adding or dropping a cell does not change the others.
 */
export function paperGridJobs(o: {
  cells: { K: number; n: number }[];
  runs: number;
  seed: number;
  models: Record<string, ModelConfig>;
}): PaperJob[] {
  const jobs: PaperJob[] = [];
  for (const { K, n } of o.cells) {
    const base = o.seed * 1_000_000 + K * 10_000 + n;
    for (let t = 0; t < o.runs; t++)
      jobs.push({ kind: "runs", n, K, runs: 1, seed: base * 10 + t + 1, testSeed: base * 10, models: o.models });
  }
  return jobs;
}

/**
 * The cost model: expected m*_LR / n per K as a · (n / 100)^(−b), and CPU-seconds per unit of work
 * c_K. A run fits LR at m = 2K, 2K + step, … up to m*, each fit costing about E evaluations of
 * 2 m n K' multiply-adds (K' = 1 for the binary K = 2 form), so about E m*² n K' / step in all;
 * a run costs c_K · m*² n K' / step + 1 s (test set, NB, sampling).
 *
 * Where the constants come from (measured 2026-12-03 on this project's 2-core machine while it ran
 * two other full reproductions, so CPU-seconds per multiply-add were higher than on a quiet one):
 * - a, b for K = 2, 3, 5: the mean m*_LR of the notebook's committed paper-grid runs (K = 2: 1.05,
 *   1.00, 0.94, 0.91 n at n = 100 … 1000; K = 3: 2.74, 2.12, 1.89 n at n ≤ 400; K = 5: 5.97, 4.54 n
 *   at n = 100, 200), a at n = 100, b fitted to the end points;
 * - c_K from single runs timed on one thread: K = 2 n = 1000 run 1 (21.4 CPU-s, m* = 886),
 *   K = 3 n = 100 and n = 200 run 1 (2.4 and 7.4 CPU-s, m* = 266 and 420), K = 5 n = 100 run 1
 *   (10.3 CPU-s, m* = 630); K = 7 takes K = 5's c;
 * - K = 7: no m* was known; a is set so that K = 7 n = 100 costs the 199 CPU-s one run took in an
 *   earlier measurement (it lumps m* and iterations per fit together), b is K = 5's.
 * Only plans, ETAs and scheduling order use this; the records hold each run's measured CPU time.
 */
const MSTAR_PER_N: Record<number, [number, number]> = { 2: [1.05, 0.065], 3: [2.74, 0.27], 5: [5.97, 0.39], 7: [24.3, 0.39] };
const CPU_PER_WORK: Record<number, number> = { 2: 1.8e-7, 3: 3.4e-7, 5: 2.35e-7, 7: 2.35e-7 };

/** Estimated CPU-seconds of one run of cell (K, n) (the model above). */
export function paperJobSeconds(spec: { K: number; n: number }): number {
  const [a, b] = MSTAR_PER_N[spec.K] ?? [(spec.K * spec.K) / 2, 0.3];
  const c = CPU_PER_WORK[spec.K] ?? 3e-7;
  const mStar = a * (spec.n / 100) ** -b * spec.n;
  return 1 + (c * mStar * mStar * spec.n * (spec.K === 2 ? 1 : spec.K)) / simStep(spec.n);
}

/** Solver statistics of the LR fits of one run, for the record. */
export interface FitStats {
  fits: number;
  iterations: number;
  evaluations: number;
  maxIterations: number;
  notConverged: number;
  /** m of each fit that did not converge, with its L-BFGS status. */
  notConvergedAt: { m: number; status: string }[];
}

/** Accumulates FitStats per model name from `onFit` calls (logistic fits only; NB has no solver). */
export function fitStatsCollector(): { stats: Record<string, FitStats>; onFit: (name: string, model: unknown, m: number) => void } {
  const stats: Record<string, FitStats> = {};
  const onFit = (name: string, model: unknown, m: number) => {
    if (!(model instanceof LogisticRegression) || model.lastFit === undefined) return;
    const s = (stats[name] ??= { fits: 0, iterations: 0, evaluations: 0, maxIterations: 0, notConverged: 0, notConvergedAt: [] });
    const f = model.lastFit;
    s.fits++;
    s.iterations += f.iterations;
    s.evaluations += f.evaluations;
    s.maxIterations = Math.max(s.maxIterations, f.iterations);
    if (!f.converged) {
      s.notConverged++;
      s.notConvergedAt.push({ m, status: f.status });
    }
  };
  return { stats, onFit };
}

/** One run with its solver statistics reported (`report`: mStar and, per LR model, its FitStats). */
export function runPaperJob(spec: PaperJob, ctx: JobContext): PaperRunsResult {
  const { stats, onFit } = fitStatsCollector();
  const models = Object.entries(spec.models).map(([name, config]) => ({ name, make: () => makeModel(config) }));
  const result = paperRuns({
    n: spec.n,
    K: spec.K,
    seed: spec.seed,
    runs: spec.runs,
    quiet: true,
    models,
    ...(spec.testSeed !== undefined ? { testSeed: spec.testSeed } : {}),
    ...(spec.mMax !== undefined ? { mMax: spec.mMax } : {}),
    onFit,
  });
  const report: Record<string, Json> = { mStar: result.mStar as Json };
  for (const [name, s] of Object.entries(stats)) report[name] = s as unknown as Json;
  ctx.report(report);
  return result;
}

/** "K=3 n=1000 run 2" (runs numbered from 1 within the cell). */
export const paperJobLabel = (j: PaperJob) => `K=${j.K} n=${j.n} run ${j.testSeed !== undefined ? j.seed - j.testSeed : "?"}`;
/** The cell of a job, the group `make grid ONLY="K=3 n=1000"` names. */
export const paperCellLabel = (j: { K: number; n: number }) => `K=${j.K} n=${j.n}`;

export const GRIDS = {
  paper: defineGrid<PaperJob, PaperRunsResult>({
    description:
      "the paper's simulation: K ∈ {2,3,5,7} × n ∈ {100,200,400,1000}, 5 runs per cell (paper NB and scikit-learn LR C=1, warm-started along m)",
    jobs: (scale) =>
      scale === "full"
        ? paperGridJobs({ cells: PAPER_CELLS, runs: PAPER_RUNS, seed: PAPER_GRID_SEED, models: PAPER_MODELS })
        : paperGridJobs({ cells: SMOKE_CELLS, runs: SMOKE_RUNS, seed: PAPER_GRID_SEED, models: PAPER_MODELS }),
    run: runPaperJob,
    cost: paperJobSeconds,
    describe: paperJobLabel,
    group: paperCellLabel,
  }),
};
