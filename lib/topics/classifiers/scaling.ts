/**
 * Min-max scaling with scikit-learn's MinMaxScaler semantics (the paper's `--minmax`, notes §3.2):
 * fitted on the training subset only, x' = x * scale + min_ with scale = 1 / (max - min) and
 * min_ = -min * scale; a feature whose range is below 10 * eps gets scale 1 (sklearn's
 * `_handle_zeros_in_scale`), so constant training features map to 0 and test values may leave [0, 1].
 */
import type { Dataset } from "./dataset";
import { withFeatures } from "./dataset";

/** A fitted min-max map. */
export interface MinMaxScaler {
  readonly n: number;
  readonly scale: Float64Array;
  readonly offset: Float64Array;
  /** Applies the fitted map to a row-major matrix with n columns (returns a new array). */
  transform(X: Float64Array): Float64Array;
  /** The dataset with transformed features. */
  apply(ds: Dataset): Dataset;
}

const TINY_RANGE = 10 * 2.220446049250313e-16;

/** Fits per-feature min and max on `ds`. */
export function fitMinMax(ds: Dataset): MinMaxScaler {
  const { X, m, n } = ds;
  if (m === 0) throw new Error("fitMinMax: cannot fit on an empty dataset");
  const lo = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < m; i++) {
    const off = i * n;
    for (let j = 0; j < n; j++) {
      const v = X[off + j]!;
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    }
  }
  const scale = new Float64Array(n);
  const offset = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const range = hi[j]! - lo[j]!;
    scale[j] = 1 / (range < TINY_RANGE ? 1 : range);
    offset[j] = -lo[j]! * scale[j]!;
  }
  const transform = (Z: Float64Array): Float64Array => {
    if (Z.length % n !== 0) throw new Error(`MinMaxScaler.transform: expected rows of ${n} features, got ${Z.length} entries`);
    const out = new Float64Array(Z.length);
    for (let t = 0; t < Z.length; t++) {
      const j = t % n;
      out[t] = Z[t]! * scale[j]! + offset[j]!;
    }
    return out;
  };
  return { n, scale, offset, transform, apply: (d) => withFeatures(d, transform(d.X)) };
}
