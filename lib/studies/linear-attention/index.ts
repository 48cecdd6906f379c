/**
 * The linear-attention study (DeltaNet, DeltaProduct, modern Hopfield networks): what
 * notebooks/linear-attention.ipynb runs, grouped by its sections. Kernels, tasks and models come
 * from lib/topics/sequence-memory.
 */
export { PAPER } from "./paper";

// exactness
export { runExactness, type ExactnessResult } from "./experiments/exactness";
export { exactRows } from "./tables";
export { claimDN1, claimDN3, claimDN7, claimDN8, claimLA1, claimP1 } from "./claims";

// cost
export { runCost, jsGemmGflops, type CostResult, type CostSpec } from "./experiments/cost";
export { costRows, slopeRows } from "./tables";
export { costFigure } from "./figures";
export { claimC1, claimC2, claimC3 } from "./claims";

// Hopfield
export {
  runHopfieldExact,
  runRetrievalTables,
  runCapacity,
  runMetastable,
  runDigits,
  standardisedDigits,
  type HopfieldExact,
  type RetrievalTables,
  type CapacityResult,
  type MetastableResult,
  type DigitsResult,
} from "./experiments/hopfield";
export { hopfieldExactRows, retrievalRows, capacityRows, metastableRows, digitsRows } from "./tables";
export { retrievalFigure, metastableFigure, digitsFigure } from "./figures";
export { claimHF1, claimHF3, claimHF4, claimHF6, claimHF7, claimHF8 } from "./claims";

// capability
export { readCapability, readS3Diagnostic, storedRuns, type CapabilityRead, type DiagnosticRead } from "./experiments/capability";
export { capabilityRows, mqarSeedRows, s3SeedRows, ruleRows } from "./tables";
export { trainingFigure, lossFigure, s3LengthFigure } from "./figures";
export { claimMQAR, claimP3, plateauEscape, heldOutTrials, MQAR_CHANCE_LOSS } from "./claims";
