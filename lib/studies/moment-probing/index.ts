/**
 * Moment Probing (Gao et al., ICCV 2023): what belongs to notebooks/moment-probing.ipynb only.
 * Exports grouped by notebook section; the reusable layers live in lib/topics/moments.
 */
// paper and parameters
export * from "./paper";
export * from "./params";
// U1-U9: shapes, counts, identities
export * from "./experiments/units";
// S1-S5: synthetic token sets and the ablation grid
export * from "./experiments/synthetic";
// D1-D3: digits with random-feature backbones
export * from "./experiments/digits-random";
// P1-P5: the tiny ViT transfer study and its cost
export * from "./experiments/transfer";
// figures and tables
export * from "./figures";
export * from "./tables";
