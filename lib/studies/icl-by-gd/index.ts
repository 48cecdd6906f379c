/**
 * The icl-by-gd study (von Oswald et al., ICML 2023): what notebooks/icl-by-gd.ipynb runs, grouped by
 * its sections. Models come from lib/topics/icl (lsa-stack.ts, gd-plus.ts, alignment.ts,
 * train-stack.ts, vo-data.ts).
 */
export { PAPER } from "./paper";
export { trainMany, trainJob, type TrainJob, type TrainSettings, type TrainedModel } from "./experiments/trained";
export { trainedRows } from "./tables";

// V1, V2: the constructions and the line-searched GD step
export { runConstructions, runLineSearch, uniformOptimum, type ConstructionRow, type EtaResult } from "./experiments/line-search";
export { constructionRows, etaRows } from "./tables";
export { checkV1, claimV2 } from "./claims";

// V3, V4: the trained layer against GD; interpolation
export { runAlignment, type AlignRow } from "./experiments/align";
export { alignRows } from "./tables";
export { trainingFigure } from "./figures";
export { claimV3, claimV4 } from "./claims";

// V5: out of distribution
export { runOod, type OodRow } from "./experiments/ood";
export { oodRows } from "./tables";
export { oodFigure } from "./figures";
export { claimV5 } from "./claims";

// V6: dampened repetition
export { runDampening, type DampCurve } from "./experiments/damp";
export { dampRows } from "./tables";
export { dampFigure } from "./figures";
export { claimV6 } from "./claims";

// V7: depth and GD++
export { runDepth, runGammaVsN, gammaOf, PAPER_GAMMA, type DepthResult, type GammaRow } from "./experiments/depth";
export { depthRows, gammaRows } from "./tables";
export { gammaFigure } from "./figures";
export { claimV7 } from "./claims";

// V8, V9: fixed training sets, softmax attention
export { runVariants, type VariantRow } from "./experiments/variants";
export { variantRows } from "./tables";
export { claimV8, claimV9 } from "./claims";
