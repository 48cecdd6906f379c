/**
 * The one-step-gd study (Mahankali, Hashimoto, Ma, ICLR 2024): what notebooks/one-step-gd.ipynb
 * runs, grouped by its sections. Models and theory come from lib/topics/icl.
 */

export { PAPER } from "./paper";

// The construction (von Oswald Prop. 1)
export { runConstruction, type ConstructionResult } from "./experiments/construction";
export { constructionRows } from "./tables";
export { claimConstruction } from "./claims";

// M1/M2: the optimal step and its risk
export { runOptimalStep, type GdSetting, type OptimalStepRow, type OptimalStepResult } from "./experiments/optimal-step";
export { optimalStepRows, derivationRows } from "./tables";
export { claimM1, claimM2 } from "./claims";

// M3: training one merged LSA layer
export { runTraining, type TrainingResult } from "./experiments/training";
export { trainedRows } from "./tables";
export { gammaEffHeatmapFigure, lossCurvesFigure } from "./figures";
export { claimM3 } from "./claims";

// M4/M5: non-isotropic covariates, the two priors
export { runPreconditioner, type PreconditionerResult } from "./experiments/preconditioner";
export { preconditionerRows } from "./tables";
export { preconditionerFigure } from "./figures";
export { claimM4, claimM5 } from "./claims";

// M6: step size against the label noise
export { runNoiseSweep, pooledSd, type NoiseSweepResult, type NoiseRow } from "./experiments/noise-sweep";
export { noiseSweepRows } from "./tables";
export { stepVsNoiseFigure } from "./figures";
export { claimM6 } from "./claims";

// M7: nonlinear teachers
export { runNonlinear, type NonlinearResult } from "./experiments/nonlinear";
export { nonlinearRows } from "./tables";
export { nonlinearTeacherFigure } from "./figures";
export { claimM7 } from "./claims";

// Observation: random initialisation can stall elsewhere
export { runStalls, type StallsResult } from "./experiments/stalls";

// shared by the claims: seed-to-seed noise of a trained diagonal
export { seedSdOfDiag } from "./claims";
