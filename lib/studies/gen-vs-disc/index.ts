/**
 * Study folder of notebooks/gen-vs-disc.ipynb (Zheng et al., ICML 2023; notes
 * docs/notes/gen-vs-disc.md). Exports grouped by notebook section, so a cell's code is one hop away.
 * The estimators, simulation and protocols are the topic library lib/topics/classifiers.
 */

// Title and parameters
export { PAPER, SIMULATION_PROTOCOL } from "./paper";
export { SETTINGS, SEEDS, DATASETS, type Settings, type Cell } from "./settings";

// Claims: one function per claim or check (every expected value, tolerance and provenance is in claims.ts)
export {
  check1,
  check2,
  check3,
  check4,
  claim5,
  claim6,
  claim7,
  claim8,
  claim9,
  claim10,
  claim11,
  claim12,
  check13,
  check14,
  claim15,
  claimP1,
  claimP2,
  claimP3,
  elasticityWithSe,
  printedTolerance,
  K_SE,
  PROTOTYPE_MSTAR,
  PROTOTYPE_CURVES,
  PROTOTYPE_FIXTURES,
  PROTOTYPE_DIAGNOSTICS,
  PROTOTYPE_MEPS,
  PROTOTYPE_CROSSING,
  PROTOTYPE_ESTIMATION,
} from "./claims";

// The two estimators (checks 1-3)
export {
  loadStudyData,
  runEstimators,
  checkNBLinear,
  fixtureCheck,
  randomGaussianClasses,
  type StudyData,
  type EstimatorsResult,
  type FixtureRow,
  type NBLinearCheck,
} from "./experiments/estimators";
export { fixtureTable } from "./tables";

// Bayes error of the simulation (check 4)
export { runBayesError, type BayesRow } from "./experiments/bayes-error";
export { bayesTable } from "./tables";

// Experiments: every curve and simulation as jobs on worker threads
export {
  runJobGrid,
  experimentJobs,
  jobCost,
  curveModels,
  NB,
  NB_PER_CLASS,
  LR,
  type JobGridResult,
  type SmallNResult,
} from "./experiments/job-grid";

// Real data: learning curves (claims 8-12)
export { curveTable, curveResults, solverSummary } from "./tables";
export { learningCurvesFigure } from "./figures";

// Simulation: the notes' small-n grid (claims 5-7)
export { smallNTable, smallNResults } from "./tables";
export { simulationErrorCurvesFigure, mstarSmallNFigure } from "./figures";

// Simulation: the paper's own grid (P1-P3)
export { paperGridTable, paperGridResults, paperGridStatusTable, paperGridSolverTable } from "./tables";
export { readPaperGrid, type PaperGridCell, type PaperGridRead } from "./experiments/paper-grid";
export { GRIDS, PAPER_CELLS, paperGridJobs, paperJobSeconds, type FitStats, type PaperJob } from "./grids";
export { mstarPaperGridFigure } from "./figures";

// Assumption diagnostics (checks 13-14)
export { runDiagnostics, diagnosticPercentiles, PERCENTILES, type DiagnosticsResult } from "./experiments/diagnostics";
export { diagnosticsTable } from "./tables";
export { diagnosticsFigure } from "./figures";

// Estimating n means (claim 15)
export { runEstimation, type EstimationRun } from "./experiments/estimation";
export { estimationTable } from "./tables";

// How much luck is in single-seed values (information only)
export { runLuck, type LuckResult } from "./experiments/luck";

export type { Row } from "./tables";
