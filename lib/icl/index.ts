/**
 * In-context learning with linear self-attention: the shared library of the ICL studies
 * (notes: docs/notes/icl-linear-regression.md). Import from here in notebooks:
 * `import { ... } from "../dist/lib/icl/index"`.
 */
export * from "./linalg";
export * from "./normal";
export * from "./teachers";
export * from "./tasks";
export * from "./stats";
export * from "./lsa";
export * from "./reduce";
export * from "./construct";
export * from "./closedForms";
export * from "./predictors";
export * from "./montecarlo";
export * from "./reducedLoss";
export * from "./adam";
export * from "./train";
export * from "./experiments";
export * from "./figures";
export * from "./tables";
