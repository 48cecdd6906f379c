/**
 * The Tversky study (notebooks/tversky.ipynb): experiments, tables, figures and claims, grouped by
 * notebook section. The reusable layer, similarity and trainers are in lib/topics/tversky.
 */

// the paper, its transcribed numbers, and the claims (one function per claim, in notebook order)
export { PAPER, XOR_CONVERGENCE, XOR_RUNS_PER_PAIR, OFFICIAL_MNIST_PARAMS, GPT2, MNIST_SCRATCH, NABIRDS_FROZEN_GAIN } from "./paper";
export {
  claim1,
  claim2,
  claim3,
  claim16,
  check4,
  claim5,
  claim5c,
  claim5m,
  claim5g,
  claim6,
  claim7,
  claim8,
  claim15,
  check15gpt2,
  claim9,
  claim10,
  claim11,
  claim12,
  claim13,
  claim14,
  claim17,
  TWO_SAMPLE_LEVEL,
  HAND_EXPECTED,
  CALIBRATION_NOTES,
  TEST_VECTOR_LOGITS,
  powerNote,
} from "./claims";

// 1-3, 16: the similarity function
export {
  runSimilarity,
  handExample,
  handSalience,
  symmetryCheck,
  stepEveryReduction,
  gmeanNanCheck,
  indicatorGradient,
  HAND_INPUTS,
  HAND_VARIANTS,
} from "./experiments/similarity";
export type { SimilarityResults, HandRow, ReductionStep } from "./experiments/similarity";
export { handExampleRows, gradCheckRows } from "./tables";

// 4-7: XOR (linear baseline, test vector, calibration, decision regions)
export { runXor, xorCalibration, xorTestVector, xorDecisionGrid, CALIBRATION_VARIANTS, TEST_VECTOR_WEIGHTS } from "./experiments/xor";
export type { XorResults, CalibrationSpec, CalibrationVariant } from "./experiments/xor";
export { calibrationRows } from "./tables";
export { xorDecisionRegionsFigure } from "./figures";

// 5g, 6: the appendix grid
export { runXorGrid, trainXorGrid, gridRuns, gridTable, gridMarginal, convergence } from "./experiments/xor-grid";
export type { XorGridSpec, XorGridResults, GridRow, GridRunResult, GridMarginals } from "./experiments/xor-grid";
export { gridRows, gridCellRows, marginalRows } from "./tables";
export { xorConvergenceFigure } from "./figures";

// 8, 15: parameter counts
export { runParams, officialMnistNet, sharingModels } from "./experiments/params";
export type { ParamsResults, CountRow } from "./experiments/params";

// 9-14: digits
export { loadDigits, splitDigits } from "./data";
export type { DigitsSplit } from "./data";
export { runDigits, salienceStats, partialCorrelation, trueClassMargin } from "./experiments/digits";
export type { DigitsSpec, DigitsResults, HeadResult, SalienceStats } from "./experiments/digits";
export { headsRows, headSeedRows, salienceRows } from "./tables";
export { digitsPrototypesFeaturesFigure, digitsSalienceFigure, alphaBetaFigure, accuracyVsParamsFigure, mosaic } from "./figures";
export type { AccuracyPoint } from "./figures";

// 17: Fashion-MNIST from scratch
export { loadFashionTrainSubset, loadFashionTest, firstSamples, FASHION_CLASSES } from "./data";
export { runFashion } from "./experiments/fashion";
export type { FashionSpec, FashionResults } from "./experiments/fashion";
