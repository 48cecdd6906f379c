/**
 * The official training protocol of LTSF-Linear (exp/exp_main.py, utils/tools.py; notes §1.5):
 *   - MSE over (batch, H, C); Adam(lr) with torch's defaults (β 0.9/0.999, ε 1e-8), no decay;
 *   - shuffled train loader with drop_last: ⌊N_train/bs⌋ steps per epoch; at most 10 epochs;
 *   - val loss = mean over batches of the per-batch MSE, the val loader also shuffled with
 *     drop_last (a random N_val mod bs windows skipped each epoch);
 *   - early stopping, patience 3: the counter rises when val > best and resets otherwise (a tie
 *     saves); the best checkpoint is reloaded before testing;
 *   - lr schedule "type1": after epoch e (1-based) lr = lr₀·0.5^(e−1), so epochs 1 and 2 run at lr₀.
 * The loss gradient is written by hand (ŷ = ZW + Σb is affine in the parameters):
 *   r = 2(ŷ − t)/(R·H),  ∂L/∂W = Zᵀ r,  ∂L/∂b_l = Σ_rows r  for each bias,
 * which tests compare with finite differences. `deterministic` gives the trace of notes §3.4:
 * zero init, batches in order (train and val, drop_last), test on the full set every epoch.
 */
import { Adam } from "../../core/optim";
import { progress } from "../../core/progress";
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import type { EttData } from "./ett";
import { gatherBatch, initParams, type FeatureBatch, type LinearParams, type ModelName } from "./models";
import { ettWindows, keptByDropLast, stepsPerEpoch, type EttWindows, type WindowSet } from "./windows";

export interface Metrics {
  mse: number;
  mae: number;
  /** Windows evaluated. */
  n: number;
}

/** Loss and gradient of one batch for flat parameters θ (tfjs; returns tensors the caller disposes). */
export function lossAndGrad(theta: tf.Tensor1D, b: FeatureBatch, layers: number): { loss: tf.Scalar; grad: tf.Tensor1D } {
  const { F, H, rows: R } = b;
  if (theta.size !== F * H + layers * H) throw new Error(`lossAndGrad: θ has ${theta.size} entries, expected ${F * H + layers * H}`);
  return tf.tidy(() => {
    const W = tf.reshape(tf.slice(theta, 0, F * H), [F, H]) as tf.Tensor2D;
    let bias = tf.slice(theta, F * H, H);
    for (let l = 1; l < layers; l++) bias = tf.add(bias, tf.slice(theta, F * H + l * H, H));
    const Z = tf.tensor2d(b.Z, [R, F]);
    const Zt = tf.tensor2d(b.Zt, [F, R]);
    const T = tf.tensor2d(b.T, [R, H]);
    const res = tf.sub(tf.add(tf.matMul(Z, W), bias), T);
    const loss = tf.mean(tf.square(res)) as tf.Scalar;
    const r = tf.mul(res, 2 / (R * H)) as tf.Tensor2D;
    const gW = tf.reshape(tf.matMul(Zt, r), [-1]);
    const gb = tf.sum(r, 0);
    const grad = tf.concat([gW, ...Array.from({ length: layers }, () => gb)]) as tf.Tensor1D;
    return { loss, grad };
  });
}

/** Predictions ŷ [R, H] of a batch (float32, offsets added back). */
export function predictBatch(theta: tf.Tensor1D | Float32Array, b: FeatureBatch, layers: number): Float32Array {
  const { F, H, rows: R, offsets } = b;
  const out = tf.tidy(() => {
    const th = theta instanceof Float32Array ? tf.tensor1d(theta) : theta;
    const W = tf.reshape(tf.slice(th, 0, F * H), [F, H]) as tf.Tensor2D;
    let bias = tf.slice(th, F * H, H);
    for (let l = 1; l < layers; l++) bias = tf.add(bias, tf.slice(th, F * H + l * H, H));
    return tf.add(tf.matMul(tf.tensor2d(b.Z, [R, F]), W), bias);
  });
  const y = out.dataSync() as Float32Array;
  out.dispose();
  const res = new Float32Array(y.length);
  for (let r = 0; r < R; r++) {
    const off = offsets[r]!;
    const o = r * H;
    for (let h = 0; h < H; h++) res[o + h] = y[o + h]! + off;
  }
  return res;
}

type EvalParams = { model: ModelName; layers: number; theta: tf.Tensor1D | Float32Array };

/**
 * ŷ of windows [0, n) in order, [n·C, H] (row i·C + c), predicted `chunk` windows at a time. A
 * row's prediction does not depend on the other rows of its matmul (XNNPACK's GEMM sums each
 * output over the same k-order whatever the row count; test/topics/timeseries checks it), so any
 * grouping of windows into batches sees exactly these values.
 */
export function predictWindows(p: EvalParams, w: WindowSet, n: number, chunk = 256): Float32Array {
  if (!(Number.isInteger(n) && n >= 0 && n <= w.n)) throw new Error(`predictWindows: n must be an integer in 0..${w.n}, got ${n}`);
  const out = new Float32Array(n * w.channels * w.H);
  for (let s = 0; s < n; s += chunk) {
    const idx = Array.from({ length: Math.min(chunk, n - s) }, (_, k) => s + k);
    out.set(predictBatch(p.theta, gatherBatch(p.model, w, idx, false), p.layers), s * w.channels * w.H);
  }
  return out;
}

/**
 * MSE and MAE over windows [0, count) in order (count = all, or the drop_last count), all H × C
 * targets, on the normalised scale; chunks of `chunk` windows keep memory bounded.
 */
export function evaluateModel(p: EvalParams, w: WindowSet, o: { dropLastBatch?: number; chunk?: number } = {}): Metrics {
  const n = o.dropLastBatch ? keptByDropLast(w.n, o.dropLastBatch) : w.n;
  const chunk = o.chunk ?? 256;
  let se = 0;
  let ae = 0;
  for (let s = 0; s < n; s += chunk) {
    const idx = Array.from({ length: Math.min(chunk, n - s) }, (_, k) => s + k);
    const b = gatherBatch(p.model, w, idx, false);
    const yhat = predictBatch(p.theta, b, p.layers);
    const Y = b.Y;
    for (let k = 0; k < yhat.length; k++) {
      const d = yhat[k]! - Y[k]!;
      se += d * d;
      ae += Math.abs(d);
    }
  }
  const count = n * w.H * w.channels;
  return { mse: se / count, mae: ae / count, n };
}

/**
 * Mean over batches of the per-batch MSE, batches of `bs` in the given order, last partial batch
 * dropped. The windows are predicted once, in order and in large chunks (predictWindows), then
 * read in the batches' order: the same values and the same sums as predicting batch by batch,
 * with far fewer matmul calls (ETTh1's 2785 validation windows: 11 instead of 87).
 */
function batchedValLoss(p: EvalParams, w: WindowSet, order: number[], bs: number): number {
  const nb = Math.floor(order.length / bs);
  const { H, L, channels: C, byChannel } = w;
  const yhat = predictWindows(p, w, w.n);
  let total = 0;
  for (let k = 0; k < nb; k++) {
    let se = 0;
    for (let j = k * bs; j < (k + 1) * bs; j++) {
      const i = order[j]!;
      const first = w.range.start + i + L;
      for (let c = 0; c < C; c++) {
        const series = byChannel[c]!;
        const o = (i * C + c) * H;
        // the target as the batch's float32 Y holds it
        for (let h = 0; h < H; h++) se += (yhat[o + h]! - Math.fround(series[first + h]!)) ** 2;
      }
    }
    total += se / (bs * C * H);
  }
  return total / nb;
}

export interface OfficialOptions {
  model: ModelName;
  /** Look-back L (336 in Table 2) and horizon H. */
  L: number;
  H: number;
  lr: number;
  batch: number;
  maxEpochs?: number;
  patience?: number;
  /** All randomness: initialisation, then the per-epoch train and val permutations. */
  rng?: Rng;
  /** Zero init, no shuffling, test every epoch (the trace of notes §3.4). */
  deterministic?: boolean;
  /** Evaluate the full test set after every epoch (printed by the official code, not used). */
  testEachEpoch?: boolean;
  init?: "torch" | "zeros" | "mean";
  /** Progress label (omitted: silent). */
  label?: string;
}

export interface EpochLog {
  epoch: number;
  lr: number;
  train: number;
  val: number;
  test?: Metrics;
  seconds: number;
}

export interface OfficialResult {
  model: ModelName;
  L: number;
  H: number;
  epochsRun: number;
  /** Epoch (1-based) of the checkpoint kept. */
  bestEpoch: number;
  log: EpochLog[];
  /** The best checkpoint's parameters. */
  params: LinearParams;
  /** Test metrics of the best checkpoint: the full test set, and the paper-era loader (drop_last at the run's batch size). */
  test: { full: Metrics; dropLast: Metrics };
  secondsPerEpoch: number;
  seconds: number;
}

/** Trains one model on one dataset and horizon by the official protocol; see the module comment. */
export function trainOfficial(data: EttData, o: OfficialOptions, windows?: EttWindows): OfficialResult {
  const maxEpochs = o.maxEpochs ?? 10;
  const patience = o.patience ?? 3;
  if (!(o.lr > 0)) throw new Error(`trainOfficial: lr must be positive, got ${o.lr}`);
  if (!(Number.isInteger(o.batch) && o.batch >= 1)) throw new Error(`trainOfficial: batch must be a positive integer, got ${o.batch}`);
  const det = o.deterministic ?? false;
  if (!det && !o.rng) throw new Error("trainOfficial: pass an rng (initialisation and shuffling), or deterministic: true");
  const w = windows ?? ettWindows(data, { L: o.L, H: o.H });
  const init = initParams({ model: o.model, L: o.L, H: o.H, init: o.init ?? (det ? "zeros" : "torch"), rng: o.rng });
  const { layers, H } = init;
  const theta = tf.variable(tf.tensor1d(init.theta), true, undefined, "float32") as tf.Variable<tf.Rank.R1>;
  const adam = new Adam([theta], { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  const steps = stepsPerEpoch(w.train.n, o.batch);
  const log: EpochLog[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestTheta = Float32Array.from(init.theta);
  let bestEpoch = 0;
  let counter = 0;
  let lr = o.lr;
  const t0 = Date.now();
  const bar = progress(o.label ?? "train", maxEpochs, { steps: maxEpochs, quiet: o.label === undefined });
  try {
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      const te = Date.now();
      const order = det ? Array.from({ length: w.train.n }, (_, i) => i) : o.rng!.permutation(w.train.n);
      let trainSum = 0;
      for (let s = 0; s < steps; s++) {
        const b = gatherBatch(o.model, w.train, order.slice(s * o.batch, (s + 1) * o.batch));
        const { loss, grad } = lossAndGrad(theta, b, layers);
        adam.step([grad], lr);
        trainSum += loss.dataSync()[0]!;
        tf.dispose([loss, grad]);
      }
      const valOrder = det ? Array.from({ length: w.val.n }, (_, i) => i) : o.rng!.permutation(w.val.n);
      const val = batchedValLoss({ model: o.model, layers, theta }, w.val, valOrder, o.batch);
      const entry: EpochLog = { epoch, lr, train: trainSum / steps, val, seconds: 0 };
      if (det || o.testEachEpoch) entry.test = evaluateModel({ model: o.model, layers, theta }, w.test);
      entry.seconds = (Date.now() - te) / 1000;
      log.push(entry);
      if (!Number.isFinite(val)) throw new Error(`trainOfficial: the val loss became ${val} at epoch ${epoch}; lower lr (now ${o.lr})`);
      bar.update(epoch, `train ${entry.train.toFixed(4)} val ${val.toFixed(4)} lr ${lr.toExponential(2)}`);
      // EarlyStopping: a val loss above the best counts against patience; anything else is a new best
      if (val > best) {
        counter += 1;
        if (counter >= patience) break;
      } else {
        best = val;
        bestTheta = theta.dataSync().slice() as Float32Array;
        bestEpoch = epoch;
        counter = 0;
      }
      lr = o.lr * 0.5 ** (epoch - 1); // adjust_learning_rate(type1) after epoch `epoch`
    }
    const params: LinearParams = { ...init, theta: bestTheta };
    const ev = { model: o.model, layers, theta: bestTheta };
    const full = evaluateModel(ev, w.test);
    const dropLast = evaluateModel(ev, w.test, { dropLastBatch: o.batch });
    const seconds = (Date.now() - t0) / 1000;
    return {
      model: o.model,
      L: o.L,
      H,
      epochsRun: log.length,
      bestEpoch,
      log,
      params,
      test: { full, dropLast },
      secondsPerEpoch: log.reduce((s, e) => s + e.seconds, 0) / log.length,
      seconds,
    };
  } finally {
    theta.dispose();
    adam.dispose();
  }
}
