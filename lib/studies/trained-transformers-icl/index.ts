/**
 * The trained-transformers-icl study (Zhang, Frei, Bartlett, JMLR 2024): what
 * notebooks/trained-transformers-icl.ipynb runs, grouped by its sections. Models and theory come
 * from lib/topics/icl (zhang.ts, zhang-flow.ts, shift.ts and the shared LSA code).
 */

export { PAPER } from "./paper";
export {
  trainZhangLsa,
  trainMany,
  withPredictor,
  type TrainedModel,
  type TrainedCore,
  type TrainJob,
  type TrainSettings,
} from "./experiments/trained";
export { trainedRows } from "./tables";

// Z1: the optimum of the GD family
export { runFit, type FitResult } from "./experiments/fit";
export { fitRows } from "./tables";
export { claimZ1 } from "./claims";

// Z2/Z3: gradient flow and the trained layer
export { runFlow, type FlowStudy, type TrainedPoint } from "./experiments/flow";
export { flowRows } from "./tables";
export { flowFigure } from "./figures";
export { claimZ2, claimZ3 } from "./claims";

// Z4/Z5: error against prompt length
export {
  runPromptLength,
  runMEqualsN,
  evaluateLengths,
  isoSpec,
  type LengthRow,
  type PromptLengthResult,
} from "./experiments/prompt-length";
export { lengthRows } from "./tables";
export { errorVsLengthFigure } from "./figures";
export { claimZ4, claimZ5 } from "./claims";

// Z6/Z7/Z9: distribution shifts
export {
  runTaskShift,
  runCovariateScale,
  runOrthogonal,
  type TaskShiftRow,
  type ScaleRow,
  type OrthogonalResult,
} from "./experiments/shifts";
export { taskShiftRows, scaleRows, orthogonalRows } from "./tables";
export { covariateScaleFigure } from "./figures";
export { claimZ6, claimZ7, claimZ9 } from "./claims";

// Z8: random covariances
export { runRandomCov, randomCovSpec, type RandomCovResult } from "./experiments/random-cov";
export { randomCovRows } from "./tables";
export { claimZ8 } from "./claims";
