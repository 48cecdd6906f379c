/** The shape of the notebook's parameter block (values live in the notebook, per scale). */
import type { DigitsRandomParams } from "./experiments/digits-random";
import type { SyntheticParams } from "./experiments/synthetic";
import type { VitParams } from "./experiments/transfer";

export interface StudyParams {
  /** Seeds of every claim that compares methods on synthetic token sets. */
  seeds: number[];
  /** Seeds of the recorded-only ablation cells (S5 beyond the branch comparison). */
  gridSeeds: number[];
  unitSeed: number;
  synthetic: SyntheticParams;
  /** The G-cov difficulty grid of S2. */
  difficulty: { N: number; alpha: number }[];
  /** Tokens per sample of G-mean, G-block and the S5 grid's G-cov. */
  N: number;
  /** α of the S5 grid's G-cov (the harder table value, so the ablation is not at ceiling). */
  gridAlpha: number;
  digits: DigitsRandomParams;
  vit: VitParams;
  /** Repeats of each timed epoch (the median is kept; figure only). */
  timingRepeats: number;
  /** Training images in a timed epoch (0 = the whole training split). */
  timingImages: number;
}
