/**
 * The study's stored grid (`make grid STUDY=icl-algorithms GRID=train`; results/icl-algorithms/train/):
 * one job per (model size, seed), each training a causal transformer on fresh prompts and storing its
 * predictions on the shared evaluation set (experiments/train.ts). The grid's code version hashes this
 * file's import closure only (gpt.ts, gpt-train.ts, tasks.ts and core), so editing the reference
 * learners, metrics, claims or the notebook does not invalidate the training runs.
 *
 * The CPU-scale analogue (docs/notes/icl-algorithms.md, "Scale"): the paper trains L = 16, H = 512,
 * M = 4 for 500k steps at d = 8 with 40 pairs; here L ∈ {1, 2, 4} at H = 32, M = 4, d = 4, n = 10
 * pairs, a few hundred Adam steps, because a step of the 4-layer model costs ~0.26 CPU-s on WASM and
 * this session's machine gave one process ~10% of a core.
 */
import { defineGrid } from "../../core/grid/definition";
import type { Scale } from "../../core/env";
import { initTf } from "../../core/tf";
import { runTrainJob, type TrainJob, type TrainOutput } from "./experiments/train";

/** The analogue's fixed settings (everything but size and seed). */
export const ANALOGUE = {
  d: 4,
  n: 10,
  sigma2: 0,
  width: 32,
  heads: 4,
  batch: 64,
  lr: 2e-3,
  evalSeed: 2023,
  evalTasks: 1000,
  probeTasks: 200,
  probeK: 8,
  prefixes: [1, 2, 3, 4, 6, 9],
} as const;

export const FULL = { layers: [1, 2, 4], seeds: [1, 2, 3], steps: 500 };
export const SMOKE = { layers: [1, 2], seeds: [1], steps: 3 };

export function trainJobs(scale: Scale): TrainJob[] {
  const s = scale === "full" ? FULL : SMOKE;
  const jobs: TrainJob[] = [];
  for (const layers of s.layers) {
    for (const seed of s.seeds) {
      jobs.push({
        ...ANALOGUE,
        prefixes: [...ANALOGUE.prefixes],
        ...(scale === "full" ? {} : { evalTasks: 50, probeTasks: 10 }),
        seed: 1000 * layers + seed,
        label: `L=${layers} seed ${seed}`,
        layers,
        steps: s.steps,
        warmup: Math.max(1, Math.round(s.steps / 10)),
      });
    }
  }
  return jobs;
}

export const GRIDS = {
  train: defineGrid<TrainJob, TrainOutput>({
    description: "causal transformers (L layers, H = 32, M = 4) trained on in-context linear regression, d = 4, n = 10",
    jobs: trainJobs,
    async run(job) {
      await initTf({ quiet: true });
      return runTrainJob(job);
    },
    // CPU-seconds on this machine (WASM, B = 64, T = 19 tokens): ~0.02 + 0.06·L per step, plus evaluation
    cost: (job) =>
      job.steps * (0.02 + 0.06 * job.layers) * (job.batch / 64) +
      (0.002 * job.layers * (job.evalTasks + job.probeTasks * job.probeK * job.prefixes.length)) / 10,
    describe: (job) => job.label,
    group: (job) => `L=${job.layers}`,
  }),
};
