/**
 * A diagnostic grid, not a claim: `s3-long` (`make grid MODULE=lib/studies/linear-attention/grids-diagnostic.ts
 * GRID=s3-long`), results in results/linear-attention/s3-long/. Decided after the pre-registered grid
 * `train` had run (notes "Capability: results"): there, n_h = 2 sat on the same plateau as n_h = 1
 * after 800 steps (token accuracy ≈ 0.43, one seed rising at the end). This asks whether that is the
 * budget: the grid's first seed (fixed in advance, not the seed that was rising), both n_h, 3× the
 * steps, every other setting identical to grids.ts. It cannot change P3's verdict.
 *
 * A separate module, so that grids.ts (whose code version keys the stored `train` results) is untouched.
 */
import { defineGrid } from "../../core/grid/definition";
import { initTf } from "../../core/tf";
import { trainSequenceModel, type TrainResult } from "../../topics/sequence-memory/train";
import { s3Job, type TrainJob } from "./grids";

export const DIAGNOSTIC_SEED = 1;
export const DIAGNOSTIC_STEPS = 2400;

export function s3LongJob(nh: 1 | 2, smoke = false): TrainJob {
  const base = s3Job(nh, DIAGNOSTIC_SEED, smoke);
  const steps = smoke ? 40 : DIAGNOSTIC_STEPS;
  return { ...base, label: `S3 n_h=${nh} seed ${DIAGNOSTIC_SEED}, ${steps} steps`, steps };
}

export const GRIDS = {
  "s3-long": defineGrid<TrainJob, TrainResult>({
    description: "diagnostic: S3 n_h = 1 vs 2 at 3x the steps of the grid train (seed 1 only; not a claim)",
    jobs: (scale) => [s3LongJob(1, scale === "smoke"), s3LongJob(2, scale === "smoke")],
    async run(job) {
      await initTf({ quiet: true });
      const { label: _l, group: _g, ...spec } = job;
      return trainSequenceModel(spec);
    },
    // CPU-seconds per step measured in the grid train (4 Dec, load ≈ 1-5): 0.094 (n_h = 1), 0.20 (n_h = 2)
    cost: (job) => job.steps * (job.model.nh === 1 ? 0.094 : 0.2),
    describe: (job) => job.label,
    group: () => "s3",
  }),
};
