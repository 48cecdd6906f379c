/**
 * tfjs models for the MQAR and S₃ trainings (notes §2d, §3b P3): one block
 *   x = embed(tokens);  x = x + mixer(LN(x));  [x = x + MLP(LN(x))];  logits = LN(x) W_out
 * whose mixer is DeltaNet's pipeline [fla layers/delta_net.py]: q, k, v = Linear → causal depthwise
 * short conv (kernel 4) → SiLU, q and k L2-normalised per head, β = betaScale·sigmoid(Linear),
 * the delta rule, per-head RMSNorm, output Linear. rule "linear" is the identical pipeline without β
 * and with S += v kᵀ. DeltaProduct (nh > 1) projects nh keys, values and βs per token and runs the
 * delta rule on the interleaved sequence with the query at each token's last sub-step (delta.ts).
 *
 * The mixer uses the fully parallel form (L·nh ≤ a few hundred): O = tril(QKᵀ) T V with
 * T = (I + A)⁻¹ diag(β). The unit-lower inverse is a custom op solved by forward substitution in
 * float64 (never the doubling product, which fails in float32: DN9), with gradient
 * ∂/∂A = −Nᵀ G Nᵀ, N = (I + A)⁻¹ (masked to the strict lower triangle by A's own mask upstream).
 */
import { tf } from "../../core/tf";
import type { Rng } from "../../core/rng";

export type Rule = "delta" | "linear";

export interface MixerSpec {
  /** Model width D = H · dh. */
  D: number;
  H: number;
  rule: Rule;
  /** β = betaScale · sigmoid(·): 1 gives (0, 1), 2 gives (0, 2) (negative eigenvalues). */
  betaScale: 1 | 2;
  /** Householder sub-steps per token (1 = DeltaNet). */
  nh: number;
  /** Causal short-convolution width (0: none). */
  conv: number;
}

export interface ModelSpec extends MixerSpec {
  vocab: number;
  /** Output classes (the LM head's size). */
  classes: number;
  /** Add a 4D MLP sub-block after the mixer. */
  mlp: boolean;
}

export function checkModelSpec(s: ModelSpec): void {
  if (!(Number.isInteger(s.H) && s.H >= 1 && s.D % s.H === 0)) throw new Error(`model: D = ${s.D} must be a multiple of H = ${s.H}`);
  if (s.rule !== "delta" && s.rule !== "linear") throw new Error(`model: rule must be "delta" or "linear", got ${String(s.rule)}`);
  if (s.rule === "linear" && s.nh !== 1) throw new Error("model: linear attention has no Householder sub-steps (use nh = 1)");
  if (!(Number.isInteger(s.nh) && s.nh >= 1)) throw new Error(`model: nh must be a positive integer, got ${s.nh}`);
}

// ---------------------------------------------------------------------------------------------
// The unit-lower inverse with its gradient

function unitLowerInverseData(a: Float32Array, n: number, L: number): Float32Array {
  const out = new Float32Array(n * L * L);
  const row = new Float64Array(L);
  for (let b = 0; b < n; b++) {
    const off = b * L * L;
    for (let r = 0; r < L; r++) {
      // row r of N = (I + A)⁻¹: N_r = e_r − Σ_{i<r} A_{ri} N_i
      row.fill(0);
      row[r] = 1;
      for (let i = 0; i < r; i++) {
        const air = a[off + r * L + i]!;
        if (air === 0) continue;
        for (let m = 0; m <= i; m++) row[m] = row[m]! - air * out[off + i * L + m]!;
      }
      for (let m = 0; m <= r; m++) out[off + r * L + m] = row[m]!;
    }
  }
  return out;
}

const unitLowerInverseOp = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [A, save] = args as [tf.Tensor3D, tf.GradSaveFunc];
  const [n, L] = A.shape;
  const N = tf.tensor3d(unitLowerInverseData(A.dataSync() as Float32Array, n, L), [n, L, L]);
  save([N]);
  return {
    value: N,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const Nt = tf.transpose(saved[0]!, [0, 2, 1]) as tf.Tensor3D;
      return [tf.neg(tf.matMul(tf.matMul(Nt, dy as tf.Tensor3D), Nt))];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** (I + A)⁻¹ for a batch of strictly lower-triangular A [n, L, L] (entries on/above the diagonal are ignored). */
export function unitLowerInverse(A: tf.Tensor3D): tf.Tensor3D {
  return unitLowerInverseOp(A) as tf.Tensor3D;
}

const masks = new Map<string, tf.Tensor2D>();
/** Constant [L, L] mask: lower triangle including (`incl`) or excluding the diagonal. */
function lowerMask(L: number, incl: boolean): tf.Tensor2D {
  const key = `${L}:${incl}`;
  let m = masks.get(key);
  if (m === undefined) {
    const data = new Float32Array(L * L);
    for (let i = 0; i < L; i++) for (let j = 0; j <= (incl ? i : i - 1); j++) data[i * L + j] = 1;
    m = tf.keep(tf.tensor2d(data, [L, L]));
    masks.set(key, m);
  }
  return m;
}

/**
 * The delta rule (or LA) in parallel form over a batch of heads: q, k [n, L, d], v [n, L, dv],
 * beta [n, L] (ignored for LA); S0 = 0. Differentiable.
 */
export function parallelRule(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, beta: tf.Tensor2D | null, rule: Rule): tf.Tensor3D {
  const L = q.shape[1];
  const scores = tf.mul(tf.matMul(q, k, false, true), lowerMask(L, true)) as tf.Tensor3D;
  if (rule === "linear") return tf.matMul(scores, v);
  if (beta === null) throw new Error("parallelRule: the delta rule needs beta");
  const b3 = tf.expandDims(beta, 2) as tf.Tensor3D; // [n, L, 1]
  const A = tf.mul(tf.mul(tf.matMul(k, k, false, true), lowerMask(L, false)), b3) as tf.Tensor3D;
  const N = unitLowerInverse(A);
  const U = tf.matMul(N, tf.mul(v, b3) as tf.Tensor3D); // T V = N diag(β) V
  return tf.matMul(scores, U);
}

// ---------------------------------------------------------------------------------------------
// Parameters and forward pass

export interface Params {
  embed: tf.Variable;
  ln1g: tf.Variable;
  ln1b: tf.Variable;
  wq: tf.Variable;
  wk: tf.Variable;
  wv: tf.Variable;
  wb: tf.Variable | null;
  convq: tf.Variable | null;
  convk: tf.Variable | null;
  convv: tf.Variable | null;
  rmsg: tf.Variable;
  wo: tf.Variable;
  ln2g: tf.Variable | null;
  ln2b: tf.Variable | null;
  mlp1: tf.Variable | null;
  mlp1b: tf.Variable | null;
  mlp2: tf.Variable | null;
  mlp2b: tf.Variable | null;
  lnfg: tf.Variable;
  lnfb: tf.Variable;
  head: tf.Variable;
}

export function paramList(p: Params): tf.Variable[] {
  return Object.values(p).filter((v): v is tf.Variable => v !== null);
}

/** Initial parameters from the Rng: N(0, 0.02) embeddings and heads, N(0, 1/fan_in) projections, identity-like convs. */
export function initParams(s: ModelSpec, rng: Rng): Params {
  checkModelSpec(s);
  const { D, H, nh } = s;
  const g = (shape: number[], std: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.normal(0, std);
    return tf.variable(tf.tensor(data, shape));
  };
  const c = (shape: number[], value: number) => tf.variable(tf.fill(shape, value));
  const conv = (width: number) => {
    if (s.conv === 0) return null;
    // causal depthwise kernel [conv, width]: tap 0 (the current token) starts near 1, the rest small
    const data = new Float32Array(s.conv * width);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, 0.1) + (i < width ? 1 : 0);
    return tf.variable(tf.tensor2d(data, [s.conv, width]));
  };
  const std = 1 / Math.sqrt(D);
  return {
    embed: g([s.vocab, D], 1),
    ln1g: c([D], 1),
    ln1b: c([D], 0),
    wq: g([D, D], std),
    wk: g([D, nh * D], std),
    wv: g([D, nh * D], std),
    wb: s.rule === "delta" ? g([D, nh * H], std) : null,
    convq: conv(D),
    convk: conv(nh * D),
    convv: conv(nh * D),
    rmsg: c([D / H], 1),
    wo: g([D, D], std),
    ln2g: s.mlp ? c([D], 1) : null,
    ln2b: s.mlp ? c([D], 0) : null,
    mlp1: s.mlp ? g([D, 4 * D], std) : null,
    mlp1b: s.mlp ? c([4 * D], 0) : null,
    mlp2: s.mlp ? g([4 * D, D], 1 / Math.sqrt(4 * D)) : null,
    mlp2b: s.mlp ? c([D], 0) : null,
    lnfg: c([D], 1),
    lnfb: c([D], 0),
    head: g([D, s.classes], std),
  };
}

function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

/** Causal depthwise convolution along time: y_t = Σ_j w_j ⊙ x_{t−j}, x [B, L, C], w [J, C]. */
function shortConv(x: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
  const [B, L, C] = x.shape;
  const J = w.shape[0];
  let y: tf.Tensor3D | null = null;
  for (let j = 0; j < J; j++) {
    const shifted = j === 0 ? x : (tf.concat([tf.zeros([B, j, C]), tf.slice(x, [0, 0, 0], [B, L - j, C])], 1) as tf.Tensor3D);
    const term = tf.mul(shifted, tf.reshape(tf.slice(w, [j, 0], [1, C]), [1, 1, C])) as tf.Tensor3D;
    y = y === null ? term : (tf.add(y, term) as tf.Tensor3D);
  }
  return y!;
}

const l2n = (x: tf.Tensor) => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12)));

/** [B, L, H·dh] → [B·H, L, dh]. */
function heads(x: tf.Tensor, B: number, L: number, H: number, dh: number): tf.Tensor3D {
  return tf.reshape(tf.transpose(tf.reshape(x, [B, L, H, dh]), [0, 2, 1, 3]), [B * H, L, dh]) as tf.Tensor3D;
}

/** The mixer on h [B, L, D] → [B, L, D]. */
export function mixer(p: Params, s: MixerSpec, h: tf.Tensor3D): tf.Tensor3D {
  const [B, L, D] = h.shape;
  const { H, nh } = s;
  const dh = D / H;
  const flat = tf.reshape(h, [B * L, D]) as tf.Tensor2D;
  const proj = (w: tf.Variable, conv: tf.Variable | null, width: number) => {
    let y = tf.reshape(tf.matMul(flat, w as tf.Tensor2D), [B, L, width]) as tf.Tensor3D;
    if (conv !== null) y = shortConv(y, conv as tf.Tensor2D);
    return tf.mul(y, tf.sigmoid(y)) as tf.Tensor3D; // SiLU
  };
  const q = l2n(heads(proj(p.wq, p.convq, D), B, L, H, dh));
  // keys and values: [B, L, nh, H, dh] → interleaved [B, L·nh, H·dh]
  const kAll = proj(p.wk, p.convk, nh * D);
  const vAll = proj(p.wv, p.convv, nh * D);
  const Ln = L * nh;
  const k = l2n(heads(tf.reshape(kAll, [B, Ln, D]), B, Ln, H, dh)) as tf.Tensor3D;
  const v = heads(tf.reshape(vAll, [B, Ln, D]), B, Ln, H, dh);
  let qi = q as tf.Tensor3D;
  if (nh > 1) {
    // query only at each token's last sub-step
    const q4 = tf.reshape(q, [B * H, L, 1, dh]);
    qi = tf.reshape(tf.concat([tf.zeros([B * H, L, nh - 1, dh]), q4], 2), [B * H, Ln, dh]) as tf.Tensor3D;
  }
  let beta: tf.Tensor2D | null = null;
  if (s.rule === "delta") {
    const logits = tf.reshape(tf.matMul(flat, p.wb as tf.Tensor2D), [B, Ln, H]);
    beta = tf.reshape(tf.transpose(tf.mul(tf.sigmoid(logits), s.betaScale), [0, 2, 1]), [B * H, Ln]) as tf.Tensor2D;
  }
  let o = parallelRule(qi, k, v, beta, s.rule);
  if (nh > 1)
    o = tf.reshape(tf.slice(tf.reshape(o, [B * H, L, nh, dh]), [0, 0, nh - 1, 0], [B * H, L, 1, dh]), [B * H, L, dh]) as tf.Tensor3D;
  // per-head RMSNorm
  const rms = tf.sqrt(tf.add(tf.mean(tf.square(o), -1, true), 1e-5));
  const normed = tf.mul(tf.div(o, rms), p.rmsg);
  const merged = tf.reshape(tf.transpose(tf.reshape(normed, [B, H, L, dh]), [0, 2, 1, 3]), [B * L, D]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(merged, p.wo as tf.Tensor2D), [B, L, D]) as tf.Tensor3D;
}

/**
 * Logits [B, L − from, classes] for tokens [B, L], at positions from … L−1 only (MQAR labels live in
 * the second half: the LM head and its softmax on the first half would be wasted work).
 */
export function forward(p: Params, s: ModelSpec, tokens: tf.Tensor2D, from = 0): tf.Tensor3D {
  const [B, L] = tokens.shape;
  const D = s.D;
  // one-hot times the table rather than gather: gather's gradient needs UnsortedSegmentSum, missing on WASM
  const onehot = tf.oneHot(tf.reshape(tokens, [-1]) as tf.Tensor1D, s.vocab) as tf.Tensor2D;
  let x = tf.reshape(tf.matMul(onehot, p.embed as tf.Tensor2D), [B, L, D]) as tf.Tensor3D;
  x = tf.add(x, mixer(p, s, layerNorm(x, p.ln1g, p.ln1b) as tf.Tensor3D)) as tf.Tensor3D;
  if (s.mlp) {
    const h = tf.reshape(layerNorm(x, p.ln2g!, p.ln2b!), [B * L, D]) as tf.Tensor2D;
    const a = tf.relu(tf.add(tf.matMul(h, p.mlp1 as tf.Tensor2D), p.mlp1b!));
    x = tf.add(x, tf.reshape(tf.add(tf.matMul(a as tf.Tensor2D, p.mlp2 as tf.Tensor2D), p.mlp2b!), [B, L, D])) as tf.Tensor3D;
  }
  if (from > 0) x = tf.slice(x, [0, from, 0], [B, L - from, D]) as tf.Tensor3D;
  const Lo = L - from;
  const f = tf.reshape(layerNorm(x, p.lnfg, p.lnfb), [B * Lo, D]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(f, p.head as tf.Tensor2D), [B, Lo, s.classes]) as tf.Tensor3D;
}
