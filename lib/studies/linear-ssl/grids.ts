/**
 * The study's stored job grid (lib/core/grid): check A10, BYOL on sklearn digits with a learned,
 * DirectPred or identity predictor (lib/topics/linear-ssl/digits-ssl.ts), one job per (predictor,
 * seed), plus the untrained encoder and the raw pixels as baselines. Results:
 * results/linear-ssl/digits/ (`make grid STUDY=linear-ssl GRID=digits`); the notebook reads them
 * with cachedGrid. This file imports only what a job runs, so editing the study's other modules
 * does not invalidate stored runs.
 *
 * Full scale is cut for this machine (notes §A.7 "Scale"): hidden width 128 instead of 256 and 30
 * epochs instead of 100 (one width-256 epoch took 20-45 s wall here under a load of ~16 on 2 cores).
 */
import { loadDigits } from "../../core/data";
import { defineGrid } from "../../core/grid/definition";
import { initTf } from "../../core/tf";
import {
  evaluateDigits,
  evaluatePixels,
  splitDigits,
  trainDigitsByol,
  type DigitsEval,
  type DigitsPredictor,
} from "../../topics/linear-ssl/digits-ssl";

export interface DigitsJob {
  kind: "byol" | "untrained" | "pixels";
  predictor: DigitsPredictor | null;
  epochs: number;
  width: number;
  seed: number;
}

export interface DigitsJobResult {
  eval: DigitsEval | null;
  pixels: { probe: number; knn: number } | null;
  /** Mean BYOL loss per epoch. */
  losses: number[];
  steps: number;
}

export const DIGITS_SCALE = {
  smoke: { epochs: 1, width: 32, seeds: [0] },
  full: { epochs: 30, width: 128, seeds: [0, 1, 2] },
};

export const DIGITS_PREDICTORS: DigitsPredictor[] = ["learned", "directpred", "identity"];

export const GRIDS = {
  digits: defineGrid<DigitsJob, DigitsJobResult>({
    description: "A10: BYOL on sklearn digits (learned / DirectPred / identity predictor), linear probe with validation-chosen C",
    jobs: (scale) => {
      const s = DIGITS_SCALE[scale];
      return [
        ...DIGITS_PREDICTORS.flatMap((predictor) =>
          s.seeds.map((seed) => ({ kind: "byol" as const, predictor, epochs: s.epochs, width: s.width, seed })),
        ),
        ...s.seeds.map((seed) => ({ kind: "untrained" as const, predictor: null, epochs: 0, width: s.width, seed })),
        { kind: "pixels" as const, predictor: null, epochs: 0, width: 0, seed: 0 },
      ];
    },
    async run(job) {
      await initTf({ quiet: true });
      const data = loadDigits();
      const split = splitDigits(data);
      if (job.kind === "pixels") return { eval: null, pixels: evaluatePixels(data, split), losses: [], steps: 0 };
      const t = trainDigitsByol(data, split.train, {
        predictor: job.predictor ?? "identity",
        epochs: job.epochs,
        seed: job.seed,
        width: job.width,
      });
      const ev = evaluateDigits(t.online, data, split);
      t.dispose();
      return { eval: ev, pixels: null, losses: t.losses, steps: t.steps };
    },
    // CPU-seconds on this loaded machine: ~4 s per width-128 epoch, ~60 s of probes
    cost: (job) => (job.kind === "pixels" ? 20 : 60 + job.epochs * 4 * (job.width / 128) ** 2),
    describe: (job) =>
      job.kind === "byol" ? `${job.predictor} seed ${job.seed}` : job.kind === "pixels" ? "raw pixels" : `untrained seed ${job.seed}`,
    inputs: ["data/sklearn/digits.csv.gz"],
  }),
};
