/**
 * The ltsf-linear study: Zeng et al. (AAAI 2023), Linear / NLinear / DLinear on ETT, and Zhou et
 * al. (arXiv 2510.09776), linear self-attention on AR(p) prompts. What notebooks/ltsf-linear.ipynb
 * runs, grouped by its sections. Models and pipeline come from lib/topics/timeseries (paper B's LSA
 * algebra from lib/topics/icl).
 */
export { PAPER, PAPER_B, TABLE2, table2, TABLE2_HORIZONS, TRANSFORMERS } from "./paper";

// A1–A7: data and models
export { runPipelineChecks, runTrace, type PipelineResult, type TraceResult } from "./experiments/pipeline";
export { windowRows, traceRows } from "./tables";
export { checkA1, checkA2, checkA3, checkA4, checkA5, checkA6, checkA7, checkA15 } from "./claims";

// A8, A9, A13: baselines and least squares
export { runBaselines, runOls, type BaselineRow, type OlsRow } from "./experiments/closed-form";
export { baselineRows, olsRows } from "./tables";
export { lookbackFigure } from "./figures";
export { checkA8, checkA9, claimA13 } from "./claims";

// A10–A12 and the rest of Table 2: trained cells from the grids
export { readCells, summarizeCells, type CellSummary } from "./experiments/grid-cells";
export { LOOKBACK, officialHyper, type CellResult, type CellSpec } from "./experiments/trained";
export { runIndividual, type IndividualRow } from "./experiments/individual";
export { cellRows, individualRows } from "./tables";
export { forecastFigure, mseByHorizonFigure } from "./figures";
export { claimA10, claimA11, claimA12, claimTable2Dataset, claimShift, checkA14, cellTolerance } from "./claims";

// Paper B: AR(p) prompts and linear self-attention
export {
  runArChecks,
  runIndependentPrompts,
  runTrainedLsa,
  runCot,
  runTaskDistribution,
  B9_METHODS,
  PHI,
  SIGMA,
  type ExcessRow,
  type TrainedLsaRow,
  type CotResult,
  type TaskDistributionRow,
} from "./experiments/ar-lsa";
export { arCheckRows, excessRows, trainedLsaRows, cotRows, taskDistributionRows } from "./tables";
export { lsaExcessFigure, cotFigure, taskDistributionFigure } from "./figures";
export { checkB1to4, checkB5, claimB6, claimB7, claimB8, claimB9 } from "./claims";
