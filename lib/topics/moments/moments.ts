/**
 * Moment pooling, the weight-free part of MP (notes §2.4, §2.10): first moment (token mean),
 * (cross-)covariances with the official code's centring semantics, column-wise L2 normalisation,
 * the upper-triangle vectorisation used by the full-covariance baseline, exact GELU and the
 * per-token LayerNorm.
 */
import { tf } from "../../core/tf";
import { affineLastAxis } from "./fastops";

/**
 * How token sets are centred before a second moment is taken.
 * - `scalar`: subtract ONE number per sample (and head), the mean over tokens AND channels. This is
 *   what the released PyTorch code does (`adaptive_avg_pool2d` on a 3-D tensor, notes §2.4 step 4),
 *   so the "covariance" keeps first-order information (E[xxᵀ] = Σ + μμᵀ).
 * - `channel`: subtract each channel's mean over tokens (a true covariance).
 * - `none`: raw second moment.
 */
export type Centering = "none" | "scalar" | "channel";

export const CENTERINGS: readonly Centering[] = ["none", "scalar", "channel"];

function assertRank3(x: tf.Tensor, what: string): asserts x is tf.Tensor3D {
  if (x.rank !== 3) throw new Error(`${what} must be a token set [batch, tokens, channels], got shape [${x.shape}]`);
}

export function assertCentering(c: string): asserts c is Centering {
  if (!(CENTERINGS as readonly string[]).includes(c)) {
    throw new Error(`centring must be one of ${CENTERINGS.join(", ")}; got ${JSON.stringify(c)}`);
  }
}

/** Token mean, [B,N,D] -> [B,D] (the GAP first-order summary, notes §2.2). */
export function meanPool(tokens: tf.Tensor3D): tf.Tensor2D {
  assertRank3(tokens, "meanPool input");
  return tf.mean(tokens, 1);
}

/**
 * Centres a token set (or a batch of per-head token sets) along the token axis `tokenAxis` and the
 * channel axis (last). `scalar` averages over both; `channel` over tokens only.
 */
export function centre<T extends tf.Tensor>(x: T, mode: Centering, tokenAxis = 1): T {
  assertCentering(mode);
  if (mode === "none") return x.clone();
  return tf.tidy(() => {
    const axes = mode === "scalar" ? [tokenAxis, x.rank - 1] : [tokenAxis];
    return tf.sub(x, tf.mean(x, axes, true)) as T;
  });
}

/**
 * Cross-covariance of two token sets, notes §2.4 step 5: each set is centred on its own
 * (`center`), then M = (1/N)·aᵀb (or 1/(N−1)). [B,N,Da], [B,N,Db] -> [B,Da,Db].
 */
export function crossCovariance(a: tf.Tensor3D, b: tf.Tensor3D, opts: { center?: Centering; divisor?: "N" | "N-1" } = {}): tf.Tensor3D {
  assertRank3(a, "crossCovariance a");
  assertRank3(b, "crossCovariance b");
  if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`crossCovariance needs the same batch and token count, got [${a.shape}] and [${b.shape}]`);
  }
  const n = a.shape[1];
  const div = (opts.divisor ?? "N") === "N" ? n : n - 1;
  if (div <= 0) throw new Error(`crossCovariance: divisor ${opts.divisor} needs more tokens than ${n}`);
  const center = opts.center ?? "scalar";
  return tf.tidy(() => tf.div(tf.matMul(centre(a, center), centre(b, center), true, false), div) as tf.Tensor3D);
}

/** Covariance pooling of one token set, [B,N,D] -> [B,D,D] (per-channel centring by default). */
export function covariancePool(x: tf.Tensor3D, opts: { center?: Centering; divisor?: "N" | "N-1" } = {}): tf.Tensor3D {
  return crossCovariance(x, x, { center: opts.center ?? "channel", divisor: opts.divisor });
}

/**
 * x / max(‖x‖₂, eps) along `axis` (PyTorch F.normalize). Written as sqrt(max(Σx², eps²)) so the
 * gradient stays finite at an exactly-zero slice (which stays zero, check U4).
 */
export function l2NormalizeAxis<T extends tf.Tensor>(x: T, axis: number, eps = 1e-12): T {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), axis, true);
    return tf.div(x, tf.sqrt(tf.maximum(sq, eps * eps))) as T;
  });
}

/** Upper triangle (row-major, i ≤ j unless includeDiag=false) of each [D,D] matrix: [B,D,D] -> [B,D(D+1)/2]. */
export function triuVec(m: tf.Tensor3D, includeDiag = true): tf.Tensor2D {
  assertRank3(m, "triuVec input");
  const [, d, d2] = m.shape;
  if (d !== d2) throw new Error(`triuVec needs square matrices, got [${m.shape}]`);
  const idx: number[] = [];
  for (let i = 0; i < d; i++) for (let j = includeDiag ? i : i + 1; j < d; j++) idx.push(i * d + j);
  return tf.tidy(() => {
    const flat = tf.reshape(m, [m.shape[0], d * d]);
    const index = tf.tensor1d(idx, "int32");
    return tf.gather(flat, index, 1) as tf.Tensor2D;
  });
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)) (PyTorch nn.GELU default; check U9). */
export function geluExact<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as T);
}

/** LayerNorm over the last axis with affine γ, β: (x − μ)/√(σ² + eps)·γ + β (biased σ², as PyTorch). */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor, eps: number): T {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return affineLastAxis(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma as tf.Tensor1D, beta as tf.Tensor1D) as T;
  });
}
