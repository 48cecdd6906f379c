/**
 * Small array kernels shared by the Tversky arrays engines (fused.ts, xor-arrays.ts,
 * classifier-arrays.ts): ReLU with tf.relu's NaN behaviour, the rows' L2 normalisation of
 * l2Normalize (similarity.ts) and its gradient, and the cross-entropy with a float32 gradient.
 */

/** max(v, 0), with NaN kept (as tf.relu). */
export const relu = (v: number) => (v > 0 ? v : v <= 0 ? 0 : v);

// l2Normalize's floor (similarity.ts): x·rsqrt(relu(‖x‖² − ε²) + ε²), ε = 1e-12
const EPS2 = 1e-24;

/** Each of the `rows` rows of x [rows, d] scaled as l2Normalize scales it (float64; x is not changed). */
export function normaliseRows(x: ArrayLike<number>, rows: number, d: number, out = new Float64Array(rows * d)): Float64Array {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += x[i * d + t]! * x[i * d + t]!;
    const q = 1 / Math.sqrt(relu(s - EPS2) + EPS2);
    for (let t = 0; t < d; t++) out[i * d + t] = x[i * d + t]! * q;
  }
  return out;
}

/**
 * Through normaliseRows: given g = ∂L/∂(x·q), writes ∂L/∂x = g·q − (g·x)·q³·x into g, q =
 * (relu(‖x‖² − ε²) + ε²)^−½; below the floor the norm is a constant (relu'(0) = 0, as tf.relu).
 */
export function normaliseRowsBackward(x: ArrayLike<number>, rows: number, d: number, g: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    let s = 0,
      gx = 0;
    for (let t = 0; t < d; t++) {
      s += x[i * d + t]! * x[i * d + t]!;
      gx += g[i * d + t]! * x[i * d + t]!;
    }
    const q = 1 / Math.sqrt(relu(s - EPS2) + EPS2);
    const radial = s - EPS2 > 0 ? gx * q * q * q : 0;
    for (let t = 0; t < d; t++) g[i * d + t] = g[i * d + t]! * q - radial * x[i * d + t]!;
  }
}

const f32 = Math.fround;

/**
 * Σ_runs mean_i CE(logits_i, y_i) and its gradient ∂/∂logits (into dOut). The gradient is float32,
 * as PyTorch computes it: log_softmax = l − (max + log Σ exp(l − max)), and its backward
 * g − exp(log_softmax)·Σg with g = −y/n. (The loss value itself is summed in float64: nothing
 * depends on its last bits.)
 *
 * Float32 on purpose, for a measured reason: the gradient's components over the classes sum to 0
 * only up to rounding, and that residue is the whole gradient of a parameter that moves every logit
 * of a row alike. Adam rescales it to a step of up to lr, so its size matters to the trajectory.
 * Taken in float64 (a first version) the residue was ~1e-18 instead of float32's ~4e-9; those
 * parameters then stopped moving, and XOR convergence fell in all six 5g rows (by 5-12 runs of
 * 972; run by run, 165 vs 116 discordant runs, sign test p = 0.004; docs/notes/tversky.md §16).
 */
export function crossEntropyF32(
  a: { logits: ArrayLike<number>; y: ArrayLike<number>; rows: number; classes: number; perRun: number },
  dOut: Float64Array,
): number {
  const { logits, y, rows, classes: C, perRun: n } = a;
  const inv = f32(1 / n);
  let loss = 0;
  for (let q = 0; q < rows; q++) {
    const o = q * C;
    let top = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) top = Math.max(top, logits[o + c]!);
    let sum = 0;
    for (let c = 0; c < C; c++) sum = f32(sum + f32(Math.exp(f32(logits[o + c]! - top))));
    const lse = f32(top + f32(Math.log(sum)));
    let gsum = 0;
    for (let c = 0; c < C; c++) gsum = f32(gsum + f32(-y[o + c]! * inv));
    for (let c = 0; c < C; c++) {
      const logp = f32(logits[o + c]! - lse);
      loss -= y[o + c]! * logp * inv;
      dOut[o + c] = f32(f32(-y[o + c]! * inv) - f32(f32(Math.exp(logp)) * gsum));
    }
  }
  return loss;
}
