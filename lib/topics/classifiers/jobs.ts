/**
 * The classifier experiments as plain-data jobs: real-data learning curves and the two simulation
 * protocols. Every job carries its own seed, so its result depends on the job alone; studies run
 * lists of them on worker threads or store them per job through lib/core/grid (see
 * lib/studies/gen-vs-disc/grids.ts).
 */
import { loadSklearn } from "../../core/data";
import { learningCurve, type LearningCurve } from "./learning-curves";
import { fromLabelled } from "./dataset";
import { makeModel, type ModelConfig } from "./models";
import { paperRuns, simulationMStar, type MStarResult, type PaperRunsResult } from "./sample-complexity";

/** The bundled scikit-learn datasets (data/sklearn/). */
export type SklearnName = "iris" | "wine_data" | "breast_cancer" | "digits";

/** A self-contained, seeded experiment: plain data, so it can be posted to a worker thread. */
export type Job =
  | {
      kind: "curve";
      dataset: SklearnName;
      mGrid: number[];
      repeats: number;
      seed: number;
      models: { name: string; config: ModelConfig; repeats?: number }[];
    }
  | {
      kind: "mstar";
      n: number;
      K: number;
      repeats: number;
      seed: number;
      models: Record<string, ModelConfig>;
      mMax?: number;
      overshoot?: number;
    }
  | {
      kind: "runs";
      n: number;
      K: number;
      runs: number;
      seed: number;
      testSeed?: number;
      models: Record<string, ModelConfig>;
      mMax?: number;
    };

/** What `runJob` returns for each job kind. */
export type JobResult = LearningCurve | MStarResult | PaperRunsResult;

/** Runs one job in this thread. */
export function runJob(job: Job): JobResult {
  if (job.kind === "curve") {
    const data = fromLabelled(loadSklearn(job.dataset), job.dataset);
    return learningCurve({
      data,
      mGrid: job.mGrid,
      repeats: job.repeats,
      seed: job.seed,
      progress: false,
      models: job.models.map((m) => ({
        name: m.name,
        make: () => makeModel(m.config),
        ...(m.repeats !== undefined ? { repeats: m.repeats } : {}),
      })),
    });
  }
  const models = Object.entries(job.models).map(([name, config]) => ({ name, make: () => makeModel(config) }));
  const base = { n: job.n, K: job.K, seed: job.seed, models, ...(job.mMax !== undefined ? { mMax: job.mMax } : {}) };
  if (job.kind === "mstar")
    return simulationMStar({ ...base, repeats: job.repeats, ...(job.overshoot !== undefined ? { overshoot: job.overshoot } : {}) });
  if (job.kind === "runs")
    return paperRuns({ ...base, runs: job.runs, quiet: true, ...(job.testSeed !== undefined ? { testSeed: job.testSeed } : {}) });
  throw new Error(`runJob: unknown job kind ${JSON.stringify((job as { kind: unknown }).kind)}; use "curve", "mstar" or "runs"`);
}

/** A short label for messages, e.g. "runs K=3 n=200". */
export function describeJob(job: Job): string {
  return job.kind === "curve" ? `curve ${job.dataset}` : `${job.kind} K=${job.K} n=${job.n}`;
}
