/**
 * What the two estimators share: a fit on a Dataset, class scores whose argmax is the
 * prediction, and the linear form x -> W x + b (notes §1.1: both live in H_lin).
 */
import type { Dataset } from "./dataset";
import { bindRows } from "./matmul";

/** A linear hypothesis h(x) = W x + b with W (K x n, row-major). */
export interface LinearModel {
  readonly W: Float64Array;
  readonly b: Float64Array;
  readonly n: number;
  readonly K: number;
}

/** A fitted-or-unfitted classifier of this study (GaussianNB, LogisticRegression). */
export interface Classifier {
  /** Fits to `ds` (every class 0..K-1 must be present) and returns this. */
  fit(ds: Dataset): this;
  /** Class scores, m x K row-major; the prediction is the first index of the row maximum. */
  scores(X: Float64Array): Float64Array;
}

/** argmax of each row of an m x K score matrix (first maximum wins, like numpy). */
export function argmaxRows(S: Float64Array, K: number): Int32Array {
  const m = S.length / K;
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const off = i * K;
    let best = 0;
    let bv = S[off]!;
    for (let k = 1; k < K; k++) {
      const v = S[off + k]!;
      if (v > bv) {
        bv = v;
        best = k;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Predicted labels. */
export function predict(clf: Classifier & { readonly K: number }, X: Float64Array): Int32Array {
  return argmaxRows(clf.scores(X), clf.K);
}

/** 0-1 error of `clf` on `ds`. */
export function errorRate(clf: Classifier & { readonly K: number }, ds: Dataset): number {
  const yhat = predict(clf, ds.X);
  let wrong = 0;
  for (let i = 0; i < ds.m; i++) if (yhat[i] !== ds.y[i]) wrong++;
  return wrong / ds.m;
}

/** Scores W x + b of a linear model for each row of X. */
export function linearScores(model: LinearModel, X: Float64Array): Float64Array {
  const { W, b, n, K } = model;
  if (X.length % n !== 0) throw new Error(`linearScores: expected rows of ${n} features, got ${X.length} entries`);
  const m = X.length / n;
  const S = new Float64Array(m * K);
  bindRows(X, m, n).scores(W, K, b, S);
  return S;
}

/** Throws unless every class 0..K-1 occurs in `ds` (both estimators need all classes). */
export function requireAllClasses(ds: Dataset, who: string): Int32Array {
  const counts = new Int32Array(ds.K);
  for (let i = 0; i < ds.m; i++) counts[ds.y[i]!]++;
  const missing = [];
  for (let k = 0; k < ds.K; k++) if (counts[k] === 0) missing.push(k);
  if (missing.length) {
    throw new Error(`${who}: class(es) ${missing.join(", ")} have no training sample; draw the subset with sampleWithAllClasses`);
  }
  return counts;
}
