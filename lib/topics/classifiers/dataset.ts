/**
 * The data container every estimator in this study works on: a dense row-major feature matrix
 * (m samples x n features, Float64 so that solver tolerances of 1e-10 are meaningful) and
 * integer labels 0..K-1. Notation follows the notes (gen-vs-disc.md §1.1): m samples, n features,
 * K classes.
 */
import type { LabelledData } from "../../core/data";

/** m samples of n features with labels in 0..K-1. */
export interface Dataset {
  /** Features, row-major: sample i, feature j at X[i * n + j]. */
  readonly X: Float64Array;
  /** Labels in 0..K-1. */
  readonly y: Int32Array;
  /** Number of samples. */
  readonly m: number;
  /** Feature dimension. */
  readonly n: number;
  /** Number of classes (labels may leave some class unused). */
  readonly K: number;
  readonly name?: string;
}

/** Builds a Dataset after checking shapes, finiteness and labels; errors name the problem. */
export function makeDataset(o: { X: Float64Array; y: Int32Array; n: number; K: number; name?: string }): Dataset {
  const { X, y, n, K, name } = o;
  const what = name ?? "dataset";
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: feature dimension n must be a positive integer, got ${n}`);
  if (!Number.isInteger(K) || K < 2) throw new Error(`${what}: number of classes K must be an integer >= 2, got ${K}`);
  if (X.length % n !== 0) throw new Error(`${what}: X has ${X.length} entries, not a multiple of n = ${n}`);
  const m = X.length / n;
  if (y.length !== m) throw new Error(`${what}: X has ${m} rows but y has ${y.length} labels`);
  for (let t = 0; t < X.length; t++) {
    if (!Number.isFinite(X[t]!))
      throw new Error(`${what}: X[${Math.floor(t / n)}, ${t % n}] = ${X[t]} is not finite; clean or impute the data first`);
  }
  for (let i = 0; i < m; i++) {
    const c = y[i]!;
    if (!(c >= 0 && c < K)) throw new Error(`${what}: label y[${i}] = ${c} is outside 0..${K - 1}`);
  }
  return name === undefined ? { X, y, m, n, K } : { X, y, m, n, K, name };
}

/** Converts a core loader result (`loadSklearn`) into a Dataset. */
export function fromLabelled(data: LabelledData, name?: string): Dataset {
  const m = data.X.length;
  if (m === 0) throw new Error(`${name ?? "dataset"}: no samples`);
  const n = data.X[0]!.length;
  const X = new Float64Array(m * n);
  data.X.forEach((row, i) => {
    if (row.length !== n) throw new Error(`${name ?? "dataset"}: row ${i} has ${row.length} features, expected ${n}`);
    X.set(row, i * n);
  });
  return makeDataset({ X, y: Int32Array.from(data.y), n, K: data.classNames.length, ...(name !== undefined ? { name } : {}) });
}

/** The rows `idx` of `ds` (copied), keeping n and K. */
export function subset(ds: Dataset, idx: ArrayLike<number>): Dataset {
  const { n } = ds;
  const X = new Float64Array(idx.length * n);
  const y = new Int32Array(idx.length);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    if (!(i >= 0 && i < ds.m) || !Number.isInteger(i)) throw new Error(`subset: row index ${i} is outside 0..${ds.m - 1}`);
    X.set(ds.X.subarray(i * n, (i + 1) * n), r * n);
    y[r] = ds.y[i]!;
  }
  return { X, y, m: idx.length, n, K: ds.K, ...(ds.name !== undefined ? { name: ds.name } : {}) };
}

/** Samples per class, length K. */
export function classCounts(y: Int32Array, K: number): Int32Array {
  const counts = new Int32Array(K);
  for (let i = 0; i < y.length; i++) counts[y[i]!]++;
  return counts;
}

/** Same data with new features (e.g. after scaling); shapes are checked. */
export function withFeatures(ds: Dataset, X: Float64Array): Dataset {
  if (X.length !== ds.m * ds.n) throw new Error(`withFeatures: expected ${ds.m}x${ds.n} features, got ${X.length} entries`);
  return { ...ds, X };
}
