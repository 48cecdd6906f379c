/**
 * Linear models of self-supervised learning: the topic library of the linear-ssl study (notes:
 * docs/notes/linear-ssl.md). Imports only lib/core.
 *   ode.ts          fixed-step RK4 and adaptive Dormand-Prince 5(4) with events, on Float64Array states
 *   byol.ts         (A) the linear BYOL/SimSiam gradient flow: predictor learned / identity / DirectPred,
 *                   stop-gradient or not, EMA or SimSiam target, weight decay
 *   byol-theory.ts  (A) fixed points p*, existence x² ≥ 4ηx', no-predictor decay rates, alignment metrics
 *   deep-linear.ts  (B) deep linear JEPA vs MAE: reduced and layered per-feature ODEs, t*, the
 *                   small-init series, full-matrix gradient descent
 *   digits-ssl.ts   (A10) BYOL on sklearn digits with a learned, DirectPred or identity predictor
 */
export * from "./ode";
export * from "./flat";
export * from "./byol";
export * from "./byol-theory";
export * from "./deep-linear";
export * from "./digits-ssl";
export * from "./byol-run";
