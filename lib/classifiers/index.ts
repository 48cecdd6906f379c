/**
 * Study library for "Revisiting Discriminative vs. Generative Classifiers" (Zheng et al., ICML
 * 2023) and Ng & Jordan (2001): Gaussian naive Bayes vs logistic regression sample complexity.
 * Reproduction notes: gen-vs-disc.md in the project's shared paper notes (section numbers in the doc
 * comments refer to it).
 */
export * from "./dataset";
export * from "./classifier";
export * from "./scaling";
export * from "./splits";
export * from "./naive-bayes";
export * from "./lbfgs";
export * from "./line-search";
export * from "./logistic-loss";
export * from "./matmul";
export * from "./wasm-simd";
export * from "./logistic";
export * from "./models";
export * from "./stats";
export * from "./gaussian";
export * from "./simulation";
export * from "./curves";
export * from "./sim-curves";
export * from "./jobs";
export * from "./diagnostics";
export * from "./estimation";
export * from "./figures";
export * from "./report";
