/**
 * Topic library: Gaussian naive Bayes vs logistic regression (the generative-discriminative pair of
 * Ng & Jordan 2001 and Zheng et al. 2023), reusable by any study of linear classifiers' sample
 * complexity. Notes: docs/notes/gen-vs-disc.md (section numbers in the doc comments refer to it).
 */

// Data: the dense row-major container and min-max scaling (splits and subsamples: core/splits)
export { makeDataset, fromLabelled, subset, classCounts, withFeatures, type Dataset } from "./dataset";
export { fitMinMax, type MinMaxScaler } from "./scaling";

// Estimators: the NB variants (pooled = the paper's, per-class = scikit-learn's) and logistic regression
export { argmaxRows, predict, errorRate, linearScores, requireAllClasses, type Classifier, type LinearModel } from "./classifier";
export { GaussianNB, maxFeatureVariance, type GaussianNBOptions, type NBVariance } from "./naive-bayes";
export { LogisticRegression, type LogisticOptions, type FitInfo } from "./logistic";
export { binaryObjective, softmaxObjective, type LossWeights } from "./logistic-loss";
export { bindRows, jsScoresXWt, jsAccumulateRtX, type RowProducts } from "./matmul";
export { wasmKernels } from "./wasm-simd";
export { makeModel, PAPER_NB, PER_CLASS_NB, sklearnLR, type ModelConfig } from "./models";

// The paper's simulation and its Bayes error
export { makePaperSimulation, paperBayesError, bayesErrorMonteCarlo, type PaperSimulation } from "./simulation";

// Learning curves on real data and sample complexity in the simulation
export {
  learningCurve,
  at,
  lastM,
  mEps,
  meanCrossing,
  significantWins,
  gridSteps,
  type LearningCurve,
  type LearningCurveOptions,
  type Model,
  type ModelSpec,
  type SolverStats,
} from "./learning-curves";
export {
  simStep,
  simulationMStar,
  bootstrapMStar,
  paperRuns,
  runsMStar,
  mergeRuns,
  simErrorsAt,
  testEvaluator,
  fitWork,
  type SimModelSpec,
  type SimSettings,
  type MStarResult,
  type MStarSpread,
  type PaperRunsResult,
  type RunsMStar,
} from "./sample-complexity";
export { sampleComplexity, crossingPoint, fitScaling, elasticity } from "./curve-stats";
export { meanEstimationSampleSize, type EstimationResult } from "./estimation";

// Jobs on worker threads
export { runJob, describeJob, type Job, type JobResult, type SklearnName } from "./jobs";

// Assumption diagnostics (official utils/vis.py)
export { nbDiagnostics, mahalanobis2, type NBDiagnostics } from "./diagnostics";
