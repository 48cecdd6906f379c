/**
 * Tversky projection layers (Doumbouya, Jurafsky, Manning, arXiv 2506.11035; notes
 * docs/notes/tversky.md), as a library other notebooks can use: the differentiable contrast model
 * with every reduction, the tfjs layer, initialisations, parameter counts, run-batched training of
 * the XOR layer and of small classifiers with a Tversky head.
 */

// the similarity: options, reductions, terms, salience (notes §1)
export {
  INTERSECTIONS,
  DIFFERENCES,
  OFFICIAL_INTERSECTIONS,
  OFFICIAL_DIFFERENCES,
  PER_FEATURE_INTERSECTIONS,
  PER_FEATURE_DIFFERENCES,
  resolveOptions,
  needsPerFeature,
} from "./options";
export type {
  IntersectionReduction,
  DifferenceReduction,
  OfficialIntersection,
  OfficialDifference,
  SimilarityModel,
  TverskyOptions,
  ResolvedOptions,
} from "./options";
export { tverskySimilarity, tverskyTerms, salience, project, combine, l2Normalize, checkShapes } from "./similarity";
export type { TverskyInputs, TverskyCoefficients, TverskyTerms, Projection, Coef } from "./similarity";
export { gradientCheck, drawKinkFree } from "./gradient-check";
export type { GradCheckEntry, GradCheckOptions } from "./gradient-check";

// the projection layer and its initialisations (notes §1.7, §3)
export { TverskyProjection, linearAsPrototypes } from "./layer";
export type { TverskyProjectionArgs } from "./layer";
export { INITS, initMatrix } from "./init";
export type { InitName } from "./init";

// parameter counts (notes §2)
export { linearParams, tverskyParams, sharedBankParams, mlpParams } from "./params";

// run-batched training (core Adam): dense layers per run, XOR, classifiers (notes §5, §6.3)
export { runMatMul, runDense } from "./dense";
export {
  XOR_X,
  XOR_Y,
  XOR_ENGINES,
  xorInitialParameters,
  xorLayout,
  xorLossAndGradient,
  trainXorBatch,
  trainXorLinearBatch,
  batchedCrossEntropy,
} from "./xor";
export type { XorRun, XorTraining, XorRunResult, XorEngine } from "./xor";
export { trainXorArrays } from "./xor-arrays";
export type { XorLayout, XorArraySettings, XorTrained } from "./xor-arrays";
export { BatchedClassifier, accuracyOf, checkExamples } from "./classifier";
export type { HeadSpec, ClassifierSpec, TrainOptions, Examples } from "./classifier";
