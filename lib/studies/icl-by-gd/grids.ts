/**
 * The study's one grid: training a model (experiments/trained.ts). No stored jobs (`jobs` is empty):
 * the notebook sends its trainings through core grid `mapJobs` so they share the machine's cores.
 * Each job carries its seed, so the models do not depend on the number of threads.
 */
import { defineGrid } from "../../core/grid/definition";
import { initTf } from "../../core/tf";
import { trainJob, type TrainJob, type TrainedModel } from "./experiments/trained";

/** Relative per-task cost of one training step (measured: a 2-layer recurrent step costs ~4 one-layer steps). */
const perTask = (job: TrainJob) =>
  job.shape.attention === "softmax" ? job.shape.heads * 0.6 : job.shape.depth === 1 ? job.shape.heads : 4 * job.shape.depth - 4;

export const GRIDS = {
  train: defineGrid<TrainJob, TrainedModel>({
    description: "an attention stack trained as von Oswald et al.'s code does (computed by the notebook, not stored)",
    jobs: () => [],
    async run(job) {
      await initTf({ quiet: true });
      return trainJob(job);
    },
    // CPU-seconds on a quiet core: ~2 µs per task and step for one linear head at d = N = 10
    cost: (job) => job.train.steps * (job.fixedTasks ?? job.train.batch) * perTask(job) * 2e-6,
    describe: (job) => job.label,
  }),
};
