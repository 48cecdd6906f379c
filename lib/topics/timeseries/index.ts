/**
 * Time-series forecasting: the topic library of the ltsf-linear study (notes:
 * docs/notes/ltsf-linear.md). Paper A's pipeline (ETT data, splits, scaler, windows, the linear
 * forecasters, the official training protocol, baselines, closed-form least squares) and paper
 * B's AR(p) tools (sampling, Yule-Walker, Hankel prompts, LSA on them through lib/topics/icl,
 * in-context and global OLS, chain-of-thought rollouts). Imports lib/core and lib/topics/icl.
 */
export * from "./ett";
export * from "./windows";
export * from "./models";
export * from "./train";
export * from "./baselines";
export * from "./ols";
export * from "./ar";
export * from "./hankel";
export * from "./individual";
