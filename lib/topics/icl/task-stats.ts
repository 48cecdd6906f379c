/**
 * Per-task sufficient statistics of the merged LSA (notes §1.1): the prediction of one merged
 * layer depends on a prompt only through
 *   C = (1/n) Σ_{i≤n} z_i z_iᵀ  (+ (1/n) z_q z_qᵀ when the query enters keys/values),
 *   z_i = (x_i, y_i), z_q = (x_q, 0),
 * and x_q; so ŷ = aᵀ C B x_q. Computing C once per task turns every training step into a few
 * 2-D matmuls over the batch instead of batched (d+1) x (n+1) token products.
 */
import { tf } from "../../core/tf";
import type { TaskBatch } from "./tasks";

export interface TaskStats {
  B: number;
  n: number;
  d: number;
  includeQuery: boolean;
  /** [B, d+1, d+1] symmetric, row-major. */
  C: Float32Array;
  /** [B, d] */
  xq: Float32Array;
  /** [B] */
  yq: Float32Array;
}

/**
 * C for every task of the batch (float64 accumulation, float32 storage). Each task's tokens are
 * first packed column-major so every entry of C is one contiguous dot product of length n (about
 * twice as fast in V8 as accumulating outer products row by row); the summation order over i is
 * the same either way.
 */
export function computeStats(batch: TaskBatch, options: { includeQuery?: boolean } = {}): TaskStats {
  const { B, n, d, X, y, xq } = batch;
  const includeQuery = options.includeQuery ?? false;
  const D = d + 1;
  const rows = includeQuery ? n + 1 : n;
  const C = new Float32Array(B * D * D);
  const Z = new Float64Array(rows * D); // column j of the task's tokens at Z[j*rows .. (j+1)*rows)
  const inv = 1 / n;
  for (let b = 0; b < B; b++) {
    const xo = b * n * d;
    for (let i = 0; i < n; i++) {
      const xi = xo + i * d;
      for (let j = 0; j < d; j++) Z[j * rows + i] = X[xi + j]!;
      Z[d * rows + i] = y[b * n + i]!;
    }
    if (includeQuery) {
      for (let j = 0; j < d; j++) Z[j * rows + n] = xq[b * d + j]!;
      Z[d * rows + n] = 0; // the query's label slot
    }
    const o = b * D * D;
    for (let j = 0; j < D; j++) {
      const jo = j * rows;
      for (let k = j; k < D; k++) {
        const ko = k * rows;
        let s = 0;
        for (let i = 0; i < rows; i++) s += Z[jo + i]! * Z[ko + i]!;
        s *= inv;
        C[o + j * D + k] = s;
        C[o + k * D + j] = s;
      }
    }
  }
  return { B, n, d, includeQuery, C, xq: batch.xq, yq: batch.yq };
}

/** The statistics as tensors for the reduced loss: C as [B*(d+1), d+1], xq [B, d], yq [B, 1]. */
export interface StatsTensors {
  B: number;
  d: number;
  C: tf.Tensor2D;
  xq: tf.Tensor2D;
  yq: tf.Tensor2D;
}

export function statsTensors(s: TaskStats): StatsTensors {
  const D = s.d + 1;
  return {
    B: s.B,
    d: s.d,
    C: tf.tensor2d(s.C, [s.B * D, D]),
    xq: tf.tensor2d(s.xq, [s.B, s.d]),
    yq: tf.tensor2d(s.yq, [s.B, 1]),
  };
}

export function disposeStatsTensors(t: StatsTensors): void {
  t.C.dispose();
  t.xq.dispose();
  t.yq.dispose();
}
