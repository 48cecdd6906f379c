/**
 * linear-studies as a library, from plain Node (`require("linear-studies")`): the light core
 * primitives. Heavier parts load by subpath so a script pays only for what it uses:
 *   linear-studies/core/<module>   e.g. core/claims, core/grid, core/optim (tfjs), core/data
 *   linear-studies/topics/<topic>  models and theory shared by studies (icl, classifiers, tversky, moments)
 *   linear-studies/studies/<slug>  one notebook's experiments, claims, tables and figures
 * README's "Using the library from Node" has an example per study; CI runs them.
 */
export { Rng } from "./core/rng";
export * as stats from "./core/stats";
export * as linalg from "./core/linalg";
export * as claims from "./core/claims";
export { definePaper, citation, type Paper, type Transcribed } from "./core/paper";
export { fmt, pct } from "./core/format";
