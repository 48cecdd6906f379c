/**
 * A small causal softmax transformer for in-context regression, Akyürek et al. style (notes §5a, §5c):
 * the prompt is a sequence of interleaved tokens x̃_i = [0, x_i], ỹ_i = [y_i, 0_d] in R^{d+1}; a Dense
 * read-in and learned positional embeddings feed L pre-LayerNorm blocks (multi-head softmax attention,
 * GeLU MLP of width 4H), no final LayerNorm (the official `final_layer_norm = False`), and a Dense
 * read-out gives a prediction at every x̃_i position: ŷ_i = T_θ(x_1, y_1, …, x_{i−1}, y_{i−1}, x_i).
 * The loss is the squared error (ŷ_i − y_i)² averaged over batch and positions (the paper's eq. 8).
 *
 * Plain tfjs ops over an explicit variable list, trained with the core Adam, so a seed fixes every
 * number (the WASM backend is single-threaded and deterministic). The last ỹ token is dropped: no
 * prediction depends on it, so a prompt of n pairs is T = 2n − 1 tokens.
 */
import { batchMatmul } from "../../core/batch-matmul";
import { matmul2d } from "../../core/matmul";
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";

export interface GptConfig {
  /** Covariate dimension d (tokens have d + 1 entries). */
  d: number;
  /** Number of blocks L. */
  layers: number;
  /** Hidden size H. */
  width: number;
  /** Attention heads M (H must be a multiple of M). */
  heads: number;
  /** Longest prompt (pairs) the positional table covers. */
  maxPairs: number;
}

/** Names of the per-block parameters, in the order of `Gpt.vars`. */
const BLOCK_PARAMS = ["ln1g", "ln1b", "wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo", "ln2g", "ln2b", "w1", "b1", "w2", "b2"] as const;
type BlockParam = (typeof BLOCK_PARAMS)[number];

export interface Gpt {
  config: GptConfig;
  readIn: { w: tf.Variable; b: tf.Variable };
  pos: tf.Variable;
  blocks: Record<BlockParam, tf.Variable>[];
  readOut: { w: tf.Variable; b: tf.Variable };
  /** Every trainable variable, in a fixed order (the optimiser's). */
  vars: tf.Variable[];
}

export function validateGptConfig(c: GptConfig): void {
  if (!c || typeof c !== "object") throw new Error("gpt config must be an object {d, layers, width, heads, maxPairs}");
  for (const k of ["d", "layers", "width", "heads", "maxPairs"] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1) throw new Error(`gpt config ${k} must be a positive integer, got ${String(v)}`);
  }
  if (c.width % c.heads !== 0) throw new Error(`gpt config: width ${c.width} must be a multiple of heads ${c.heads}`);
}

/** Number of trainable parameters. */
export function gptParamCount(c: GptConfig): number {
  validateGptConfig(c);
  const { d, width: H, layers: L, maxPairs } = c;
  const block = 4 * H + 4 * (H * H + H) + (H * 4 * H + 4 * H) + (4 * H * H + H);
  return (d + 1) * H + H + (2 * maxPairs - 1) * H + L * block + H + 1;
}

/**
 * Initial weights. Dense kernels U(±√(1/fan_in)) (the official "uniform_scaling", notes §5c), biases
 * 0, LayerNorm gains 1, positional embeddings N(0, 0.02²) (GPT-2's convention; the paper does not
 * give one). Draw order is fixed: read-in, positions, blocks in order, read-out.
 */
export function initGpt(config: GptConfig, rng: Rng): Gpt {
  validateGptConfig(config);
  const { d, width: H, layers: L, maxPairs } = config;
  const vars: tf.Variable[] = [];
  const v = (values: Float32Array, shape: number[]): tf.Variable => {
    const t = tf.tensor(values, shape);
    const x = tf.variable(t, true);
    t.dispose();
    vars.push(x);
    return x;
  };
  const dense = (fanIn: number, fanOut: number): tf.Variable => {
    const a = Math.sqrt(1 / fanIn);
    return v(rng.uniforms(fanIn * fanOut, -a, a), [fanIn, fanOut]);
  };
  const zeros = (n: number) => v(new Float32Array(n), [n]);
  const ones = (n: number) => v(new Float32Array(n).fill(1), [n]);
  const readIn = { w: dense(d + 1, H), b: zeros(H) };
  const pos = v(rng.normals((2 * maxPairs - 1) * H, 0, 0.02), [2 * maxPairs - 1, H]);
  const blocks: Record<BlockParam, tf.Variable>[] = [];
  for (let l = 0; l < L; l++) {
    blocks.push({
      ln1g: ones(H),
      ln1b: zeros(H),
      wq: dense(H, H),
      bq: zeros(H),
      wk: dense(H, H),
      bk: zeros(H),
      wv: dense(H, H),
      bv: zeros(H),
      wo: dense(H, H),
      bo: zeros(H),
      ln2g: ones(H),
      ln2b: zeros(H),
      w1: dense(H, 4 * H),
      b1: zeros(4 * H),
      w2: dense(4 * H, H),
      b2: zeros(H),
    });
  }
  const readOut = { w: dense(H, 1), b: zeros(1) };
  return { config, readIn, pos, blocks, readOut, vars };
}

export function disposeGpt(m: Gpt): void {
  for (const x of m.vars) x.dispose();
}

/** Current weights as flat arrays, in `vars` order (for tests and checkpoints). */
export function gptWeights(m: Gpt): Float32Array[] {
  return m.vars.map((x) => x.dataSync() as Float32Array);
}

/** Overwrites the weights from `gptWeights` output. */
export function setGptWeights(m: Gpt, w: Float32Array[]): void {
  if (w.length !== m.vars.length) throw new Error(`setGptWeights: ${w.length} arrays for ${m.vars.length} variables`);
  m.vars.forEach((x, i) => {
    if (w[i]!.length !== x.size) throw new Error(`setGptWeights: array ${i} has ${w[i]!.length} entries, variable ${x.size}`);
    tf.tidy(() => x.assign(tf.tensor(w[i]!, x.shape)));
  });
}

/**
 * Interleaved tokens [B, T, d+1] for prompts of n pairs: rows 2i = [0, x_{i+1}], rows 2i+1 =
 * [y_{i+1}, 0]; with `query` the sequence ends at x̃_n (T = 2n − 1), else it keeps ỹ_n (T = 2n).
 */
export function interleavedTokens(o: { X: Float32Array; y: Float32Array; B: number; n: number; d: number; query?: boolean }): Float32Array {
  const { X, y, B, n, d } = o;
  if (X.length !== B * n * d) throw new Error(`interleavedTokens: X has ${X.length} entries, expected B·n·d = ${B * n * d}`);
  if (y.length !== B * n) throw new Error(`interleavedTokens: y has ${y.length} entries, expected B·n = ${B * n}`);
  const T = (o.query ?? true) ? 2 * n - 1 : 2 * n;
  const D = d + 1;
  const out = new Float32Array(B * T * D);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) {
      const xo = (b * T + 2 * i) * D;
      for (let j = 0; j < d; j++) out[xo + 1 + j] = X[(b * n + i) * d + j]!;
      if (2 * i + 1 < T) out[(b * T + 2 * i + 1) * D] = y[b * n + i]!;
    }
  }
  return out;
}

function layerNorm(x: tf.Tensor2D, g: tf.Variable, b: tf.Variable): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b) as tf.Tensor2D;
}

/**
 * GeLU, tanh approximation (the official flax default), 0.5x(1 + tanh u) with u = √(2/π)(x + 0.044715x³),
 * evaluated as x·σ(2u) (the same function, since 1 + tanh u = 2σ(2u)): the WASM backend's Tanh is
 * scalar code (25 ns per element, 12-15% of a training step), its Sigmoid is vectorised.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const c2 = 2 * Math.sqrt(2 / Math.PI);
  return tf.mul(x, tf.sigmoid(tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), c2)));
}

// matmul2d: plain-matmul gradients (WASM's transposed matmuls are 5-10x slower; core/matmul.ts)
function linear(x: tf.Tensor2D, w: tf.Variable, b: tf.Variable): tf.Tensor2D {
  return tf.add(matmul2d(x, w as tf.Tensor2D), b) as tf.Tensor2D;
}

/** Outputs [B, T] at every token (call inside tf.tidy). */
export function gptForward(m: Gpt, tokens: tf.Tensor3D): tf.Tensor2D {
  const [B, T, D] = tokens.shape;
  const { width: H, heads: M, d, maxPairs } = m.config;
  if (D !== d + 1) throw new Error(`gptForward: tokens have ${D} features, the model expects d + 1 = ${d + 1}`);
  if (T > 2 * maxPairs - 1) throw new Error(`gptForward: ${T} tokens exceed the positional table (${2 * maxPairs - 1}); raise maxPairs`);
  const hd = H / M;
  let h = linear(tf.reshape(tokens, [B * T, D]) as tf.Tensor2D, m.readIn.w, m.readIn.b);
  h = tf.reshape(tf.add(tf.reshape(h, [B, T, H]), tf.slice(m.pos, [0, 0], [T, H])), [B * T, H]) as tf.Tensor2D;
  // additive causal mask: 0 on and below the diagonal, −1e9 above
  const maskData = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskData[i * T + j] = -1e9;
  const mask = tf.tensor2d(maskData, [T, T]);
  const heads = (x: tf.Tensor2D) => tf.reshape(tf.transpose(tf.reshape(x, [B, T, M, hd]), [0, 2, 1, 3]), [B * M, T, hd]) as tf.Tensor3D;
  for (const p of m.blocks) {
    const a = layerNorm(h, p.ln1g, p.ln1b);
    const q = heads(linear(a, p.wq, p.bq));
    const k = heads(linear(a, p.wk, p.bk));
    const v = heads(linear(a, p.wv, p.bv));
    // per-head products through core's batchMatmul (WASM's batched matmul is slow there)
    const scores = tf.add(tf.mul(batchMatmul(q, k, { transposeB: true }), 1 / Math.sqrt(hd)), mask);
    const att = batchMatmul(tf.softmax(scores) as tf.Tensor3D, v);
    const merged = tf.reshape(tf.transpose(tf.reshape(att, [B, M, T, hd]), [0, 2, 1, 3]), [B * T, H]) as tf.Tensor2D;
    h = tf.add(h, linear(merged, p.wo, p.bo)) as tf.Tensor2D;
    const f = layerNorm(h, p.ln2g, p.ln2b);
    h = tf.add(h, linear(gelu(linear(f, p.w1, p.b1)) as tf.Tensor2D, p.w2, p.b2)) as tf.Tensor2D;
  }
  return tf.reshape(linear(h, m.readOut.w, m.readOut.b), [B, T]) as tf.Tensor2D;
}

/** Predictions ŷ_i at the x̃ positions: [B, n] from tokens of n pairs (call inside tf.tidy). */
export function gptPredictions(m: Gpt, tokens: tf.Tensor3D): tf.Tensor2D {
  const [B, T] = tokens.shape;
  const n = Math.ceil(T / 2);
  const out = gptForward(m, tokens);
  // x̃ positions are the even ones; pad to 2n so a reshape picks them
  const padded =
    T % 2 === 1
      ? tf.pad(out, [
          [0, 0],
          [0, 1],
        ])
      : out;
  return tf.reshape(tf.slice(tf.reshape(padded, [B, n, 2]), [0, 0, 0], [B, n, 1]), [B, n]) as tf.Tensor2D;
}

/** The training loss: mean over batch and positions of (ŷ_i − y_i)² (call inside tf.tidy). */
export function gptLoss(m: Gpt, tokens: tf.Tensor3D, y: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.square(tf.sub(gptPredictions(m, tokens), y))) as tf.Scalar;
}
