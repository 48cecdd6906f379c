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
import { statsKernel } from "./wasm-stats";

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
 * the same either way. Four entries C[j][k..k+3] are accumulated in one pass over i: four
 * independent add chains instead of one (a single chain waits on each add's latency), each still
 * summing i = 0, 1, … in order, so every entry is bit-identical to the one-at-a-time loop
 * (test/topics/icl/task-stats.test.ts checks === against it).
 */
export function computeStats(batch: TaskBatch, options: { includeQuery?: boolean; wasm?: boolean } = {}): TaskStats {
  const { B, n, d, X, y, xq } = batch;
  const includeQuery = options.includeQuery ?? false;
  // the same sums on the WebAssembly kernel (wasm-stats.ts), bit for bit; `wasm: false` forces this loop
  const kernel = options.wasm === false ? null : statsKernel();
  if (kernel !== null) return { B, n, d, includeQuery, C: kernel.stats({ X, y, xq, B, n, d, includeQuery }), xq: batch.xq, yq: batch.yq };
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
      let k = j;
      for (; k + 3 < D; k += 4) {
        const k0 = k * rows;
        const k1 = k0 + rows;
        const k2 = k1 + rows;
        const k3 = k2 + rows;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = 0; i < rows; i++) {
          const z = Z[jo + i]!;
          s0 += z * Z[k0 + i]!;
          s1 += z * Z[k1 + i]!;
          s2 += z * Z[k2 + i]!;
          s3 += z * Z[k3 + i]!;
        }
        s0 *= inv;
        s1 *= inv;
        s2 *= inv;
        s3 *= inv;
        C[o + j * D + k] = s0;
        C[o + k * D + j] = s0;
        C[o + j * D + k + 1] = s1;
        C[o + (k + 1) * D + j] = s1;
        C[o + j * D + k + 2] = s2;
        C[o + (k + 2) * D + j] = s2;
        C[o + j * D + k + 3] = s3;
        C[o + (k + 3) * D + j] = s3;
      }
      for (; k < D; k++) {
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
