/**
 * Moment pooling (topic library): first- and second-order summaries of token sets, the MHC³
 * second-order head of Moment Probing (Gao et al., ICCV 2023) and its PSRP recalibration, linear and
 * moment probes, a tiny ViT with cached features, synthetic token-set generators with their Bayes
 * classifier, converged linear probes on fixed features, and an analytic FLOP model. Shared notes:
 * docs/notes/moment-probing.md §2 (formulation) and §7 (API).
 */
// moments and the MHC³ layer
export * from "./moments";
export * from "./conv";
export * from "./fastops";
export * from "./init";
export * from "./layer";
export * from "./mhc3";
// heads (LP, MP) and PSRP (MP+)
export * from "./heads";
export * from "./psrp";
// backbones and training
export * from "./vit";
export * from "./train";
export * from "./head-runs";
// fixed features and converged linear probes
export * from "./features";
export * from "./linear";
export * from "./eigen";
// data: synthetic token sets, digits as token sets
export * from "./synthetic";
export * from "./digits";
// transfer from a tiny ViT, hyperparameter choice on validation
export * from "./transfer";
export * from "./selection";
// cost model, seeds
export * from "./flops";
export * from "./seeds";
