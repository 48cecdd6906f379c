/**
 * The linear-ssl study (Tian, Chen, Ganguli 2021; Littwin et al. 2024): what
 * notebooks/linear-ssl.ipynb runs, grouped by its sections. Models and theory come from
 * lib/topics/linear-ssl.
 */
export { PAPER, PAPER_B } from "./paper";
export { SA, SA_XP, B2, B3 } from "./settings";

// (A) collapse: A1, A1b, A2
export { runCollapse, type CollapseResult } from "./experiments/collapse";
export { collapseRows } from "./tables";
export { claimA1, claimA1b, claimA2 } from "./claims";

// (A) fixed points, balancing, alignment, EMA: A3, A4, A5, A8
export { runFixedPoints, saPStar, saSurvivors, type FixedPointResult } from "./experiments/fixed-points";
export { fixedPointRows, balanceRows } from "./tables";
export { trajectoryFigure, alignmentFigure } from "./figures";
export { claimA3, claimA4, claimA5, claimA8 } from "./claims";

// (A) weight-decay sweep and trivial basin: A6, A7
export { runWeightDecaySweep, runBasin } from "./experiments/sweep";
export { sweepRows, basinRows } from "./tables";
export { fixedPointCountFigure } from "./figures";
export { claimA6, claimA7 } from "./claims";

// (A) DirectPred in the ODE: A9
export { runDirectPred } from "./experiments/directpred";
export { directPredRows } from "./tables";
export { claimA9 } from "./claims";

// (A) digits: A10
export { summarizeDigits } from "./experiments/digits";
export { digitsRows } from "./tables";
export { claimA10, type DigitsSummary } from "./claims";

// (B) JEPA vs MAE: B1-B6, F1
export { runB1, runB2, runB2Layered, runB3, runB5, runFlipDepths, learningCurves } from "./experiments/jepa-mae";
export { b1Rows, b2Rows, b3Rows, b5Rows, flipRows } from "./tables";
export { learningCurvesFigure, ratioFigure } from "./figures";
export { checkB1, claimB2, claimB3, claimB4, claimB5, claimB6, checkF1 } from "./claims";
export { criticalTime } from "../../topics/linear-ssl/deep-linear";
