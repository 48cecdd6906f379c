/**
 * Mini-batch training of a classifier given as a forward function and an explicit list of trained
 * variables (a head on cached features, PSRP + head through a frozen backbone, or everything for
 * FT), and batched evaluation. The recipe is the official scripts' scaled down (notes §4): AdamW with
 * decoupled decay on ≥2-D weights (core Adam, the "folded" op order of this study's former copy),
 * warmup from 1e-7 then cosine to 1e-8 (timm), softmax cross-entropy with optional label smoothing. Shuffling comes from the passed Rng, so a run is a function of its seed.
 */
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { Adam, learningRate } from "../../core/optim";

/** Mean softmax cross-entropy of integer `labels` [B] and `logits` [B,K], with label smoothing ε (targets (1−ε)·onehot + ε/K). */
export function softmaxCE(labels: tf.Tensor1D, logits: tf.Tensor2D, smoothing = 0): tf.Scalar {
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`label smoothing must be in [0, 1), got ${smoothing}`);
  const K = logits.shape[1];
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    let target = tf.oneHot(tf.cast(labels, "int32"), K).toFloat();
    if (smoothing > 0) target = tf.add(tf.mul(target, 1 - smoothing), smoothing / K);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), 1))) as tf.Scalar;
  });
}

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Warmup length in epochs (fractional allowed). */
  warmupEpochs: number;
  /** Lower bound on optimizer steps (few-shot sets are one small batch per epoch). */
  minSteps?: number;
  labelSmoothing?: number;
}

export interface TrainSpec extends TrainConfig {
  vars: tf.Variable[];
  noDecay?: Set<tf.Variable>;
  /** Logits for a batch of inputs. */
  forward: (x: tf.Tensor) => tf.Tensor2D;
  /** All training inputs, first axis = sample. */
  x: tf.Tensor;
  y: ArrayLike<number>;
  rng: Rng;
}

export interface TrainResult {
  steps: number;
  epochs: number;
  /** Mean training loss of the last epoch. */
  finalLoss: number;
}

/** Number of optimiser steps for n samples: epochs·⌈n/batch⌉, raised to minSteps by adding epochs. */
export function planSteps(n: number, cfg: TrainConfig): { steps: number; epochs: number; perEpoch: number } {
  const perEpoch = Math.ceil(n / cfg.batchSize);
  let epochs = cfg.epochs;
  if (cfg.minSteps !== undefined && epochs * perEpoch < cfg.minSteps) epochs = Math.ceil(cfg.minSteps / perEpoch);
  return { steps: epochs * perEpoch, epochs, perEpoch };
}

export function validateTrainConfig(cfg: TrainConfig): void {
  if (!Number.isInteger(cfg.epochs) || cfg.epochs < 1) throw new Error(`epochs must be a positive integer, got ${cfg.epochs}`);
  if (!Number.isInteger(cfg.batchSize) || cfg.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${cfg.batchSize}`);
  if (!(cfg.lr > 0)) throw new Error(`lr must be positive, got ${cfg.lr}`);
  if (!(cfg.warmupEpochs >= 0)) throw new Error(`warmupEpochs must be ≥ 0, got ${cfg.warmupEpochs}`);
}

/** Trains `vars` by AdamW + cosine schedule on softmax CE; returns the step count and last-epoch loss. */
export function trainClassifier(spec: TrainSpec): TrainResult {
  validateTrainConfig(spec);
  const n = spec.x.shape[0]!;
  if (spec.y.length !== n) throw new Error(`trainClassifier: ${n} inputs but ${spec.y.length} labels`);
  if (n === 0) throw new Error("trainClassifier: empty training set");
  if (spec.vars.length === 0) throw new Error("trainClassifier: no variables to train");
  const { steps, epochs, perEpoch } = planSteps(n, spec);
  const warmup = Math.round(spec.warmupEpochs * perEpoch);
  const opt = new Adam(spec.vars, { weightDecay: spec.weightDecay, noDecay: spec.noDecay, arithmetic: "folded" });
  const yAll = tf.tensor1d(Array.from(spec.y), "int32");
  let step = 0;
  let lastLoss = Number.NaN;
  try {
    for (let e = 0; e < epochs; e++) {
      const order = spec.rng.permutation(n);
      let lossSum = 0;
      for (let s = 0; s < perEpoch; s++) {
        const idx = order.slice(s * spec.batchSize, Math.min(n, (s + 1) * spec.batchSize));
        const lr = learningRate(step, { base: spec.lr, total: steps, warmup, warmupStart: 1e-7, min: 1e-8 });
        const lossValue = tf.tidy(() => {
          const ii = tf.tensor1d(idx, "int32");
          const xb = tf.gather(spec.x, ii);
          const yb = tf.gather(yAll, ii) as tf.Tensor1D;
          const { value, grads } = tf.variableGrads(() => softmaxCE(yb, spec.forward(xb), spec.labelSmoothing ?? 0), spec.vars);
          opt.step(
            spec.vars.map((v) => grads[v.name]!),
            lr,
          );
          return value;
        });
        if (e === epochs - 1) lossSum += lossValue.dataSync()[0]! * idx.length;
        lossValue.dispose();
        step++;
      }
      if (e === epochs - 1) lastLoss = lossSum / n;
    }
  } finally {
    yAll.dispose();
    opt.dispose();
  }
  return { steps, epochs, finalLoss: lastLoss };
}

/** Logits for every input, computed in batches, as a plain array [n][K]. */
export function predictLogits(forward: (x: tf.Tensor) => tf.Tensor2D, x: tf.Tensor, batch = 256): Float32Array[] {
  const n = x.shape[0]!;
  const out: Float32Array[] = [];
  for (let s = 0; s < n; s += batch) {
    const size = Math.min(batch, n - s);
    const logits = tf.tidy(() => forward(tf.slice(x, s, size)));
    const K = logits.shape[1];
    const data = logits.dataSync() as Float32Array;
    logits.dispose();
    for (let i = 0; i < size; i++) out.push(data.slice(i * K, (i + 1) * K));
  }
  return out;
}

/** Fraction of inputs whose arg-max logit equals the label. */
export function accuracy(forward: (x: tf.Tensor) => tf.Tensor2D, x: tf.Tensor, y: ArrayLike<number>, batch = 256): number {
  const logits = predictLogits(forward, x, batch);
  if (logits.length !== y.length) throw new Error(`accuracy: ${logits.length} predictions but ${y.length} labels`);
  let hit = 0;
  logits.forEach((row, i) => {
    let best = 0;
    for (let k = 1; k < row.length; k++) if (row[k]! > row[best]!) best = k;
    if (best === y[i]) hit++;
  });
  return hit / y.length;
}
