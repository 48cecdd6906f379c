/**
 * Linear, NLinear and DLinear (Zeng et al.; official models/*.py, notes §1.4) with individual =
 * False: one map R^L → R^H along time, shared by all channels, no channel mixing.
 *   Linear   ŷ = W x + b
 *   NLinear  ŷ = W (x − x_L) + b + x_L          (x_L the last look-back value)
 *   DLinear  ŷ = W_s (x − MA(x)) + b_s + W_t MA(x) + b_t,  MA = width-25 moving average with the
 *            first and last values repeated (k−1)/2 times (replicate padding), stride 1
 * Every model is an affine map of a feature vector z(x) ∈ R^F (F = L, or 2L for DLinear: seasonal
 * then trend) with one bias per Linear layer, trained against a target t(x, y) (y, or y − x_L for
 * NLinear), so one training loop serves all three and the prediction is ŷ = zW + Σb + offset.
 * Parameters are stored flat: W as [F, H] row-major (Wᵀ of torch's weight), then the biases.
 */
import type { Rng } from "../../core/rng";
import type { WindowSet } from "./windows";

export const MODEL_NAMES = ["Linear", "NLinear", "DLinear"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** DLinear's kernel: hard-coded 25 in the official DLinear.py (the --moving_avg flag is unused). */
export const DLINEAR_KERNEL = 25;

export function checkModel(name: string): asserts name is ModelName {
  if (!(MODEL_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown model ${JSON.stringify(name)}: use one of ${MODEL_NAMES.join(", ")}`);
}

/** Feature dimension F and number of Linear layers (biases) of a model. */
export function modelShape(model: ModelName, L: number): { F: number; layers: number } {
  checkModel(model);
  return model === "DLinear" ? { F: 2 * L, layers: 2 } : { F: L, layers: 1 };
}

/** Trainable parameters of the official model (individual: one Linear per channel, the "-I" rows). */
export function parameterCount(o: { model: ModelName; L: number; H: number; channels?: number; individual?: boolean }): number {
  const { layers } = modelShape(o.model, o.L);
  const perLayer = o.L * o.H + o.H;
  return layers * perLayer * (o.individual ? (o.channels ?? 7) : 1);
}

/**
 * Moving average with replicate padding (series_decomp in DLinear.py): out[t] = mean of
 * x[clamp(t+j, 0, L−1)] for j = −(k−1)/2 … (k−1)/2. k must be odd (an even k shortens the output
 * in the official code).
 */
export function movingAverage(x: ArrayLike<number>, k: number, out: Float64Array | Float32Array = new Float64Array(x.length)): typeof out {
  if (!(Number.isInteger(k) && k >= 1 && k % 2 === 1)) throw new Error(`moving-average kernel must be an odd positive integer, got ${k}`);
  const L = x.length;
  const h = (k - 1) / 2;
  const at = (j: number) => x[j < 0 ? 0 : j >= L ? L - 1 : j]!;
  let s = 0;
  for (let j = -h; j <= h; j++) s += at(j);
  for (let t = 0; t < L; t++) {
    out[t] = s / k;
    s += at(t + h + 1) - at(t - h);
  }
  return out;
}

/** Features z (length F) of one look-back x (length L). */
export function features(model: ModelName, x: Float64Array, out: Float32Array | Float64Array, o = 0, scratch?: Float64Array): void {
  const L = x.length;
  if (model === "Linear") {
    for (let t = 0; t < L; t++) out[o + t] = x[t]!;
  } else if (model === "NLinear") {
    const last = x[L - 1]!;
    for (let t = 0; t < L; t++) out[o + t] = x[t]! - last;
  } else {
    const trend = movingAverage(x, DLINEAR_KERNEL, scratch ?? new Float64Array(L)) as Float64Array;
    for (let t = 0; t < L; t++) {
      out[o + t] = x[t]! - trend[t]!;
      out[o + L + t] = trend[t]!;
    }
  }
}

/** The offset added back to the prediction: x_L for NLinear, 0 otherwise. */
export function offset(model: ModelName, x: Float64Array): number {
  return model === "NLinear" ? x[x.length - 1]! : 0;
}

/** Flat parameters: W [F, H] row-major, then `layers` biases of length H. */
export interface LinearParams {
  model: ModelName;
  L: number;
  H: number;
  F: number;
  layers: number;
  /** length F·H + layers·H */
  theta: Float32Array;
}

/**
 * Initialisation. "torch": nn.Linear's default, weight and bias ~ U(−1/√L, 1/√L) (fan-in L for
 * both DLinear layers); "zeros": the deterministic trace of notes §3.4; "mean": the first public
 * DLinear's weights 1/L with torch-default biases (for comparison only).
 */
export function initParams(o: { model: ModelName; L: number; H: number; init: "torch" | "zeros" | "mean"; rng?: Rng }): LinearParams {
  const { F, layers } = modelShape(o.model, o.L);
  const { L, H } = o;
  const theta = new Float32Array(F * H + layers * H);
  if (o.init !== "zeros") {
    if (!o.rng) throw new Error(`initParams: init "${o.init}" draws random values; pass an rng`);
    const bound = 1 / Math.sqrt(L);
    // layer by layer as torch draws them: weight then bias of each nn.Linear
    for (let l = 0; l < layers; l++) {
      for (let h = 0; h < H; h++)
        for (let t = 0; t < L; t++) theta[(l * L + t) * H + h] = o.init === "mean" ? 1 / L : o.rng.uniform(-bound, bound);
      for (let h = 0; h < H; h++) theta[F * H + l * H + h] = o.rng.uniform(-bound, bound);
    }
  } else if (o.init !== "zeros") {
    throw new Error(`initParams: init must be "torch", "zeros" or "mean", got ${JSON.stringify(o.init)}`);
  }
  return { model: o.model, L, H, F, layers, theta };
}

/** Reference forward in float64 (tests, small evaluations): ŷ for one look-back x. */
export function predictOne(p: LinearParams, x: Float64Array, out: Float64Array = new Float64Array(p.H)): Float64Array {
  const z = new Float64Array(p.F);
  features(p.model, x, z);
  const off = offset(p.model, x);
  const { F, H, theta, layers } = p;
  for (let h = 0; h < H; h++) {
    let s = off;
    for (let l = 0; l < layers; l++) s += theta[F * H + l * H + h]!;
    for (let f = 0; f < F; f++) s += z[f]! * theta[f * H + h]!;
    out[h] = s;
  }
  return out;
}

/**
 * A batch in the layout of the training loop: rows r = b·C + c (window-major), Z [R, F] and its
 * transpose Zt [F, R] (WASM matmuls are fast only untransposed; core/matmul.ts), targets T [R, H]
 * (y − x_L for NLinear) and the offsets [R].
 */
export interface FeatureBatch {
  rows: number;
  F: number;
  H: number;
  Z: Float32Array;
  Zt: Float32Array;
  T: Float32Array;
  /** The targets y themselves [R, H] (float32, as the DataLoader hands them to the metric). */
  Y: Float32Array;
  offsets: Float64Array;
}

/**
 * Gathers windows `idx` of `w` (all channels) into a FeatureBatch. The features are written
 * straight into Z, rounded to float32 on the store as the DataLoader's cast rounds them, and Zt is
 * filled by tiles: both run once per training step, and the per-element copies were a fifth of a
 * fit's time (docs/performance.md).
 */
export function gatherBatch(model: ModelName, w: WindowSet, idx: ArrayLike<number>, withTranspose = true): FeatureBatch {
  const { F } = modelShape(model, w.L);
  const C = w.channels;
  const R = idx.length * C;
  const { L, H } = w;
  const Z = new Float32Array(R * F);
  const Zt = withTranspose ? new Float32Array(F * R) : new Float32Array(0);
  const T = new Float32Array(R * H);
  const Y = new Float32Array(R * H);
  const offsets = new Float64Array(R);
  const scratch = new Float64Array(L);
  for (let b = 0; b < idx.length; b++) {
    const i = idx[b]!;
    if (!(i >= 0 && i < w.n)) throw new Error(`gatherBatch: window ${i} outside 0..${w.n - 1}`);
    const s = w.range.start + i;
    for (let c = 0; c < C; c++) {
      const r = b * C + c;
      const series = w.byChannel[c]!;
      const x = series.subarray(s, s + L);
      features(model, x, Z, r * F, scratch);
      const off = offset(model, x);
      offsets[r] = off;
      const to = r * H;
      const yo = s + L;
      for (let h = 0; h < H; h++) {
        const y = series[yo + h]!;
        T[to + h] = y - off;
        Y[to + h] = y;
      }
    }
  }
  if (withTranspose) transposeInto(Z, R, F, Zt);
  return { rows: R, F, H, Z, Zt, T, Y, offsets };
}

/** out [cols, rows] = A [rows, cols]ᵀ, in 32 × 32 tiles so both sides stay in cache. */
function transposeInto(A: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = A[o + c]!;
      }
    }
  }
}
