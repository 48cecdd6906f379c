/**
 * The study's one grid: training a layer (experiments/trained.ts). It has no stored jobs of its own
 * (`jobs` is empty); the notebook sends its trainings through core grid `mapJobs` so that the six
 * Adam runs share the machine's cores. Each job carries its seed: the layers do not depend on the
 * number of threads.
 */
import { defineGrid } from "../../core/grid/definition";
import { initTf } from "../../core/tf";
import { trainZhangLsa, type TrainedCore, type TrainJob } from "./experiments/trained";

export const GRIDS = {
  train: defineGrid<TrainJob, TrainedCore>({
    description: "one merged LSA layer trained by Adam from the balanced initialisation (computed by the notebook, not stored)",
    jobs: () => [],
    async run(job) {
      await initTf({ quiet: true });
      const { predictor: _p, ...core } = trainZhangLsa({ ...job, progress: false });
      return core;
    },
    // CPU-seconds on a quiet core: per step ~ batch · N · (d+1)² flops of statistics plus the tfjs step
    cost: (job) => (job.train.steps * job.train.batch * job.spec.n * (job.spec.d + 1) ** 2) / 4e9 + job.train.steps * 2e-3,
    describe: (job) => job.label,
  }),
};
