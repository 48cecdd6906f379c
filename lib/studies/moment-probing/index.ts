/**
 * Moment Probing (Gao et al., ICCV 2023): what belongs to notebooks/moment-probing.ipynb only.
 * Exports grouped by notebook section; the reusable layers live in lib/topics/moments.
 */
// the paper, its transcribed numbers, the notebook's parameters
export { PAPER, IMAGENET, FGVC, FEW_SHOT, TRAIN_COST_MS, MAE_B16, README_PARAMS, type PaperMethod } from "./paper";
export type { StudyParams } from "./params";
// U1-U9: shapes, counts and identities
export {
  runUnits,
  checkU1,
  checkU2,
  checkU3,
  checkU4,
  checkU5,
  checkU6,
  checkU7,
  checkU8,
  checkU9,
  type UnitResults,
} from "./experiments/units";
// S1-S5: synthetic token sets and the ablation grid
export {
  SyntheticRunner,
  runSynthetic,
  runAblation,
  learnedVariants,
  generatorLabel,
  methodLabel,
  FIXED_LABELS,
  type SyntheticParams,
  type SyntheticSetting,
  type SyntheticMethod,
  type FixedMethod,
  type AblationGrid,
  type SelectionRow,
  type SyntheticCellRow,
} from "./experiments/synthetic";
// D1-D3: digits with random-feature backbones
export {
  runDigitsRandom,
  digitsValues,
  DIGITS_LABELS,
  DIGITS_METHODS,
  type DigitsRandomParams,
  type DigitsRandomResult,
  type DigitsRow,
  type DigitsMethod,
} from "./experiments/digits-random";
// P1-P3, P5: the tiny ViT transfer study
export {
  pretrainUpstream,
  prepareDownstream,
  runFullData,
  runFewShot,
  fitLinearProbe,
  methodSpec,
  LEARNED,
  type VitParams,
  type DownstreamData,
  type FullDataResult,
  type FewShotResult,
  type TransferRow,
  type Choices,
} from "./experiments/transfer";
// P4: cost per epoch
export { runCostModel, costRatios, timeCostRows, timeEpochs, type CostResult, type CostRow, type TimedMethod } from "./experiments/cost";
// figures and tables of every section
export {
  syntheticAccuracyFigure,
  ablationGridFigure,
  digitsRandomFeaturesFigure,
  fewShotFigure,
  costPerEpochFigure,
  costTimingFigure,
} from "./figures";
export {
  syntheticTable,
  ablationTable,
  selectionTable,
  digitsTable,
  fullDataTable,
  fewShotTable,
  robustnessTable,
  paperContextTables,
  paperCostRatios,
  costTable,
} from "./tables";
