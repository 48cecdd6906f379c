/**
 * Plain-data descriptions of the study's estimators, so experiments can be described as JSON
 * (and shipped to worker threads) and every table names exactly what was fitted.
 */
import type { Model } from "./learning-curves";
import { LogisticRegression } from "./logistic";
import { GaussianNB, type NBVariance } from "./naive-bayes";

/** A model as data: the paper's or scikit-learn's NB, or logistic regression with its solver settings. */
export type ModelConfig =
  | { kind: "nb"; variance: NBVariance }
  | { kind: "lr"; C: number; solverScale?: "sum" | "mean"; tol?: number; warmStart?: boolean };

/** A fresh, unfitted model for `config`. */
export function makeModel(config: ModelConfig): Model {
  if (config.kind === "nb") return new GaussianNB({ variance: config.variance });
  if (config.kind === "lr") {
    return new LogisticRegression({
      C: config.C,
      ...(config.solverScale !== undefined ? { solverScale: config.solverScale } : {}),
      ...(config.tol !== undefined ? { tol: config.tol } : {}),
      ...(config.warmStart !== undefined ? { warmStart: config.warmStart } : {}),
    });
  }
  throw new Error(`makeModel: unknown model kind ${JSON.stringify((config as { kind: unknown }).kind)}; use "nb" or "lr"`);
}

/** The paper's NB (pooled diagonal variance, eps 1e-9). */
export const PAPER_NB: ModelConfig = { kind: "nb", variance: "pooled" };
/** scikit-learn's GaussianNB (per-class variances, var_smoothing 1e-9). */
export const PER_CLASS_NB: ModelConfig = { kind: "nb", variance: "per-class" };

/**
 * Logistic regression as scikit-learn <= 1.3 fits it with default settings (lbfgs on
 * sum CE + ||W||^2 / (2C), tol 1e-4, max_iter as given by the paper's 1000): the estimator of the
 * paper (1.1.2) and of the notes' reference values (1.2.1). `warmStart` starts each fit from the
 * previous one; the notebook checks it leaves the errors unchanged.
 */
export function sklearnLR(o: { C: number; warmStart: boolean }): ModelConfig {
  return { kind: "lr", C: o.C, solverScale: "sum", tol: 1e-4, warmStart: o.warmStart };
}
