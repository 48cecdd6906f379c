/**
 * The icl-algorithms study (Akyürek et al., ICLR 2023): what notebooks/icl-algorithms.ipynb runs.
 * Reference learners and metrics: lib/topics/icl/learners.ts, algorithm-metrics.ts; the transformer:
 * gpt.ts, gpt-train.ts; the stored training grid: ./grids.ts.
 */
export { PAPER } from "./paper";
export { ANALOGUE, FULL, SMOKE, trainJobs } from "./grids";
export { evaluationSet, runTrainJob, taskSpec, type TrainJob, type TrainOutput } from "./experiments/train";
export {
  runOlsRisk,
  runRidgeScan,
  runMetricIdentities,
  runKnnDistance,
  runBaselineErrors,
  promptMeanSpd,
  type RiskResult,
  type RidgeScan,
  type MetricIdentities,
  type DistanceToOls,
  type ErrorCurves,
} from "./experiments/baselines";
export {
  readTrainGrid,
  analysePhases,
  summarizeSizes,
  runsOfSize,
  logDiffs,
  ridgeOrOlsVsGd,
  REFERENCES,
  type PhaseStudy,
  type RunAnalysis,
  type SizeSummary,
} from "./experiments/phases";
export { riskRows, ridgeRows, identityRows, knnRows, runRows, sizeRows } from "./tables";
export { spdFigure, ilwdFigure, errorFigure } from "./figures";
export { claimA1, claimA2, claimA3, claimA4, claimA5, claimA6 } from "./claims";
