/**
 * Training and querying the causal transformer of gpt.ts on fresh in-context regression prompts
 * (Akyürek et al. eq. 8: squared error at every x position, Adam on online batches). The official
 * code uses AdamW(1e-4, β = (0.9, 0.98), ε = 1e-9, no decay) with warmup + cosine over 500k steps
 * (notes §5c); CPU runs keep the betas and ε and shorten the schedule.
 */
import { Adam, learningRate } from "../../core/optim";
import { NormalStream } from "../../core/normal";
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { gptLoss, gptPredictions, initGpt, interleavedTokens, type Gpt, type GptConfig } from "./gpt";
import { prepareSpec, sampleTasks, type TaskBatch, type TaskSpec } from "./tasks";

export interface GptTrainOptions {
  model: GptConfig;
  /** Prompts: spec.n pairs each (spec.d must equal model.d). */
  spec: TaskSpec;
  steps: number;
  batch: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warmup steps, then cosine to `lrFinal`·lr. */
  warmup: number;
  lrFinal?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  clipGlobalNorm?: number;
  /** All randomness: the initial weights, then the data stream (in that order of splits). */
  rng: Rng;
  /** Record the training loss averaged over blocks of this many steps (default 50). */
  lossEvery?: number;
}

export interface GptTrainResult {
  model: Gpt;
  /** Mean training loss of each block of `lossEvery` steps. */
  lossCurve: number[];
  lossEvery: number;
}

function checkInt(v: number, what: string, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`trainGpt: ${what} must be an integer ≥ ${min}, got ${String(v)}`);
}

/** One training batch: tokens [B, 2n−1, d+1] and targets [B, n]. Caller disposes. */
export function gptBatchTensors(batch: TaskBatch): { tokens: tf.Tensor3D; y: tf.Tensor2D } {
  const { B, n, d } = batch;
  return {
    tokens: tf.tensor3d(interleavedTokens({ X: batch.X, y: batch.y, B, n, d }), [B, 2 * n - 1, d + 1]),
    y: tf.tensor2d(batch.y, [B, n]),
  };
}

/** Creates an Adam step for the model: returns the loss before the update. */
export function gptStepper(model: Gpt, o: { beta1?: number; beta2?: number; eps?: number; clipGlobalNorm?: number }) {
  const adam = new Adam(model.vars, {
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.98,
    eps: o.eps ?? 1e-9,
    clipGlobalNorm: o.clipGlobalNorm,
  });
  const step = (batch: TaskBatch, lr: number): number => {
    const { tokens, y } = gptBatchTensors(batch);
    const { value, grads } = tf.variableGrads(() => gptLoss(model, tokens, y), model.vars);
    adam.step(
      model.vars.map((v) => grads[v.name]!),
      lr,
    );
    const loss = value.dataSync()[0]!;
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
    tokens.dispose();
    y.dispose();
    return loss;
  };
  return { step, dispose: () => adam.dispose() };
}

/** Trains a fresh model; the caller disposes `result.model` (disposeGpt). */
export function trainGpt(o: GptTrainOptions): GptTrainResult {
  const prepared = prepareSpec(o.spec);
  if (prepared.d !== o.model.d) throw new Error(`trainGpt: spec.d = ${prepared.d} but model.d = ${o.model.d}; they must match`);
  if (prepared.n > o.model.maxPairs) throw new Error(`trainGpt: spec.n = ${prepared.n} exceeds model.maxPairs = ${o.model.maxPairs}`);
  checkInt(o.steps, "steps", 1);
  checkInt(o.batch, "batch", 1);
  checkInt(o.warmup, "warmup", 0);
  if (!(o.lr > 0)) throw new Error(`trainGpt: lr must be positive, got ${o.lr}`);
  const lossEvery = o.lossEvery ?? 50;
  checkInt(lossEvery, "lossEvery", 1);
  const model = initGpt(o.model, o.rng.split());
  const stream = new NormalStream(o.rng.split());
  const stepper = gptStepper(model, o);
  const lossCurve: number[] = [];
  let acc = 0;
  let count = 0;
  try {
    for (let s = 0; s < o.steps; s++) {
      const rate = learningRate(s, { base: o.lr, total: o.steps, warmup: o.warmup, finalFraction: o.lrFinal ?? 0 });
      const loss = stepper.step(sampleTasks(prepared, o.batch, stream), rate);
      if (!Number.isFinite(loss)) throw new Error(`trainGpt: the loss is ${loss} at step ${s}; lower lr or add clipGlobalNorm`);
      acc += loss;
      count += 1;
      if (count === lossEvery || s === o.steps - 1) {
        lossCurve.push(acc / count);
        acc = 0;
        count = 0;
      }
    }
  } finally {
    stepper.dispose();
  }
  return { model, lossCurve, lossEvery };
}

/** ŷ_i at every x position of every prompt: [B·n] row-major, in chunks of `chunk` prompts. */
export function gptPredictAll(model: Gpt, batch: TaskBatch, chunk = 256): Float32Array {
  const { B, n } = batch;
  const out = new Float32Array(B * n);
  for (let from = 0; from < B; from += chunk) {
    const to = Math.min(B, from + chunk);
    const part = sliceTasks(batch, from, to);
    const p = tf.tidy(() => {
      const { tokens, y } = gptBatchTensors(part);
      y.dispose();
      return gptPredictions(model, tokens);
    });
    out.set(p.dataSync() as Float32Array, from * n);
    p.dispose();
  }
  return out;
}

function sliceTasks(b: TaskBatch, from: number, to: number): TaskBatch {
  const { n, d } = b;
  return { ...b, B: to - from, X: b.X.subarray(from * n * d, to * n * d), y: b.y.subarray(from * n, to * n) };
}

/**
 * Predictions at probe queries (for ILWD, notes §5a): for each prompt b and each prefix length i in
 * `prefixes`, the model reads the first i pairs and then a probe x'_k; returns [B][prefix][K] as a
 * flat array, index (b·P + p)·K + k. `probes` is [B, K, d] (each prompt its own probes).
 */
export function gptProbePredictions(
  model: Gpt,
  o: { batch: TaskBatch; prefixes: number[]; probes: Float32Array; K: number },
): Float32Array {
  const { batch, prefixes, probes, K } = o;
  const { B, n, d } = batch;
  if (probes.length !== B * K * d)
    throw new Error(`gptProbePredictions: probes has ${probes.length} entries, expected B·K·d = ${B * K * d}`);
  const P = prefixes.length;
  const out = new Float32Array(B * P * K);
  const D = d + 1;
  prefixes.forEach((i, p) => {
    if (!Number.isInteger(i) || i < 0 || i >= Math.min(n + 1, model.config.maxPairs))
      throw new Error(`gptProbePredictions: prefix ${i} must be an integer in [0, ${Math.min(n, model.config.maxPairs - 1)}]`);
    const T = 2 * i + 1;
    const tok = new Float32Array(B * K * T * D);
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) {
        const base = (b * K + k) * T * D;
        for (let r = 0; r < i; r++) {
          for (let j = 0; j < d; j++) tok[base + 2 * r * D + 1 + j] = batch.X[(b * n + r) * d + j]!;
          tok[base + (2 * r + 1) * D] = batch.y[b * n + r]!;
        }
        for (let j = 0; j < d; j++) tok[base + 2 * i * D + 1 + j] = probes[(b * K + k) * d + j]!;
      }
    }
    const rows = B * K;
    const chunk = 512;
    for (let from = 0; from < rows; from += chunk) {
      const to = Math.min(rows, from + chunk);
      const last = tf.tidy(() => {
        const t = tf.tensor3d(tok.subarray(from * T * D, to * T * D), [to - from, T, D]);
        const preds = gptPredictions(model, t);
        return tf.reshape(tf.slice(preds, [0, i], [to - from, 1]), [to - from]);
      });
      const v = last.dataSync();
      for (let r = from; r < to; r++) {
        const b = Math.floor(r / K);
        const k = r % K;
        out[(b * P + p) * K + k] = v[r - from]!;
      }
      last.dispose();
    }
  });
  return out;
}
