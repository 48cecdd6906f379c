/**
 * Runs the study's experiments as independent jobs on worker threads (2 cores here): real-data
 * learning curves and the two simulation protocols. Every job carries its own seed, so results do
 * not depend on the number of workers or on the order in which jobs finish; they come back in job
 * order. With `workers: 1`, or where the compiled worker script is missing, jobs run in this thread.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { loadSklearn } from "../../core/data";
import { progress } from "../../core/progress";
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

const WORKER_SCRIPT = path.join(__dirname, "job-worker.js");

/**
 * Runs `jobs` on up to `workers` threads (default 2) and returns the results in job order,
 * starting the largest `cost` first when costs are given. Progress is printed at fixed fractions.
 */
export async function runJobs(
  jobs: Job[],
  options: { workers?: number; label?: string; cost?: (job: Job) => number } = {},
): Promise<JobResult[]> {
  if (jobs.length === 0) return [];
  const workers = Math.max(1, Math.min(options.workers ?? 2, jobs.length));
  const bar = progress(options.label ?? "experiment jobs", jobs.length);
  const results: (JobResult | undefined)[] = new Array(jobs.length);
  const order = jobs.map((_, i) => i);
  if (options.cost) {
    const c = jobs.map(options.cost);
    order.sort((a, b) => c[b]! - c[a]! || a - b);
  }
  let finished = 0;
  if (workers === 1 || !fs.existsSync(WORKER_SCRIPT)) {
    for (const i of order) {
      results[i] = runJob(jobs[i]!);
      bar.update(++finished);
    }
    return results as JobResult[];
  }
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    const pool: Worker[] = [];
    let failed = false;
    const stopAll = () => pool.forEach((p) => void p.terminate());
    const feed = (w: Worker) => {
      if (next >= order.length) return;
      const i = order[next++]!;
      w.postMessage({ index: i, job: jobs[i] });
    };
    for (let t = 0; t < workers; t++) {
      const w = new Worker(WORKER_SCRIPT);
      pool.push(w);
      w.on("message", (msg: { index: number; result?: JobResult; error?: string }) => {
        if (failed) return;
        if (msg.error !== undefined) {
          failed = true;
          stopAll();
          reject(new Error(`experiment job ${msg.index} (${describeJob(jobs[msg.index]!)}) failed in a worker: ${msg.error}`));
          return;
        }
        results[msg.index] = msg.result;
        bar.update(++finished);
        if (finished === jobs.length) {
          stopAll();
          resolve();
        } else feed(w);
      });
      w.on("error", (err) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(err);
      });
      feed(w);
    }
  });
  return results as JobResult[];
}

/** A short label for messages, e.g. "runs K=3 n=200". */
export function describeJob(job: Job): string {
  return job.kind === "curve" ? `curve ${job.dataset}` : `${job.kind} K=${job.K} n=${job.n}`;
}
