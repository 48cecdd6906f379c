/**
 * The diagnostic `s3-long` for the other two seeds of the grid `train`: grid `s3-long-seeds`
 * (`make grid MODULE=lib/studies/linear-attention/grids-diagnostic-seeds.ts GRID=s3-long-seeds`),
 * results in results/linear-attention/s3-long-seeds/. Added after seed 101's diagnostic had run, so
 * that the 3× budget is seen on all three seeds, never on the one seen first. Not a claim.
 *
 * A separate module: editing grids-diagnostic.ts would change the code version of its stored results.
 */
import { defineGrid } from "../../core/grid/definition";
import { initTf } from "../../core/tf";
import { trainSequenceModel, type TrainResult } from "../../topics/sequence-memory/train";
import { s3Job, type TrainJob } from "./grids";
import { DIAGNOSTIC_STEPS } from "./grids-diagnostic";

export const MORE_SEEDS = [2, 3];

export function s3LongSeedJob(nh: 1 | 2, seed: number, smoke = false): TrainJob {
  const steps = smoke ? 40 : DIAGNOSTIC_STEPS;
  return { ...s3Job(nh, seed, smoke), label: `S3 n_h=${nh} seed ${seed}, ${steps} steps`, steps };
}

export const GRIDS = {
  "s3-long-seeds": defineGrid<TrainJob, TrainResult>({
    description: "diagnostic: S3 n_h = 1 vs 2 at 3x the steps of the grid train, seeds 2 and 3 (not a claim)",
    jobs: (scale) => MORE_SEEDS.flatMap((s) => [s3LongSeedJob(1, s, scale === "smoke"), s3LongSeedJob(2, s, scale === "smoke")]),
    async run(job) {
      await initTf({ quiet: true });
      const { label: _l, group: _g, ...spec } = job;
      return trainSequenceModel(spec);
    },
    // CPU-seconds per step measured by s3-long (4 Dec, quiet): 0.083 (n_h = 1), 0.174 (n_h = 2)
    cost: (job) => job.steps * (job.model.nh === 1 ? 0.083 : 0.174),
    describe: (job) => job.label,
    group: () => "s3",
  }),
};
