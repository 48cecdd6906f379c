/**
 * Individual mode of Linear / NLinear / DLinear (official `--individual`, the "-I" rows of
 * LTSF-Benchmark.md; notes §1.4): one nn.Linear per channel instead of one shared by all, so the
 * model is C independent affine maps trained jointly, with one loss (MSE over batch, H and C),
 * one Adam over all parameters and one early-stopping decision on the summed validation loss.
 *
 * Parameters: C blocks, block c in the shared layout of models.ts (W_c [F, H] row-major, then the
 * biases), each block drawn as initParams draws a shared model (same distributions; our RNG, not torch's). A batch
 * keeps the shared layout's rows r = b·C + c; the step regroups them by channel and runs one
 * batched matmul [C, B, F] × [C, F, H]:
 *   ŷ_c = Z_c W_c + Σ_l b_{c,l},  r_c = 2(ŷ_c − t_c)/(B·C·H),  ∂L/∂W_c = Z_cᵀ r_c,  ∂L/∂b_{c,l} = Σ_rows r_c.
 *
 * The training protocol (epochs, shuffles, drop_last, patience, the type1 schedule) is the one of
 * train.ts's trainOfficial, repeated here rather than shared: train.ts is in the code hash of the
 * ltsf-linear grids, so refactoring it re-keys their 96 stored runs. Merge the two loops when those
 * grids are next re-run.
 */
import { Adam } from "../../core/optim";
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import type { EttData } from "./ett";
import { gatherBatch, initParams, modelShape, type FeatureBatch, type ModelName } from "./models";
import type { EpochLog, Metrics } from "./train";
import { ettWindows, keptByDropLast, stepsPerEpoch, type EttWindows, type WindowSet } from "./windows";

export interface IndividualParams {
  model: ModelName;
  L: number;
  H: number;
  F: number;
  layers: number;
  channels: number;
  /** C blocks of F·H + layers·H. */
  theta: Float32Array;
}

/** Per-channel initialisation: block c is initParams' draw for channel c, in channel order. */
export function initIndividual(o: {
  model: ModelName;
  L: number;
  H: number;
  channels: number;
  init: "torch" | "zeros";
  rng?: Rng;
}): IndividualParams {
  if (!(Number.isInteger(o.channels) && o.channels >= 1))
    throw new Error(`initIndividual: channels must be a positive integer, got ${o.channels}`);
  const { F, layers } = modelShape(o.model, o.L);
  const block = F * o.H + layers * o.H;
  const theta = new Float32Array(o.channels * block);
  for (let c = 0; c < o.channels; c++) theta.set(initParams({ model: o.model, L: o.L, H: o.H, init: o.init, rng: o.rng }).theta, c * block);
  return { model: o.model, L: o.L, H: o.H, F, layers, channels: o.channels, theta };
}

/** Per-channel views of θ: W [C, F, H] and the summed bias [C, 1, H] (inside a tidy). */
function split(theta: tf.Tensor1D, F: number, H: number, layers: number, C: number): { W: tf.Tensor3D; bias: tf.Tensor3D } {
  const blocks = tf.reshape(theta, [C, F * H + layers * H]) as tf.Tensor2D;
  const W = tf.reshape(tf.slice(blocks, [0, 0], [C, F * H]), [C, F, H]) as tf.Tensor3D;
  let bias = tf.slice(blocks, [0, F * H], [C, H]);
  for (let l = 1; l < layers; l++) bias = tf.add(bias, tf.slice(blocks, [0, F * H + l * H], [C, H]));
  return { W, bias: tf.reshape(bias, [C, 1, H]) as tf.Tensor3D };
}

/** Rows b·C + c of a [R, K] batch matrix regrouped as [C, B, K]. */
const byChannel = (m: Float32Array, B: number, C: number, K: number) => tf.transpose(tf.tensor3d(m, [B, C, K]), [1, 0, 2]) as tf.Tensor3D;

/** Loss and gradient of one batch (rows b·C + c) for individual parameters θ; the caller disposes. */
export function lossAndGradIndividual(
  theta: tf.Tensor1D,
  b: FeatureBatch,
  o: { layers: number; channels: number },
): { loss: tf.Scalar; grad: tf.Tensor1D } {
  const { F, H, rows: R } = b;
  const C = o.channels;
  const B = R / C;
  if (!Number.isInteger(B)) throw new Error(`lossAndGradIndividual: ${R} rows are not a whole number of windows of ${C} channels`);
  if (theta.size !== C * (F * H + o.layers * H))
    throw new Error(`lossAndGradIndividual: θ has ${theta.size} entries, expected ${C * (F * H + o.layers * H)}`);
  return tf.tidy(() => {
    const { W, bias } = split(theta, F, H, o.layers, C);
    const Z = byChannel(b.Z, B, C, F);
    const res = tf.sub(tf.add(tf.matMul(Z, W), bias), byChannel(b.T, B, C, H));
    const loss = tf.mean(tf.square(res)) as tf.Scalar;
    const r = tf.mul(res, 2 / (R * H)) as tf.Tensor3D;
    const gW = tf.reshape(tf.matMul(Z, r, true, false), [C, F * H]);
    const gb = tf.sum(r, 1);
    const grad = tf.reshape(tf.concat([gW, ...Array.from({ length: o.layers }, () => gb)], 1), [-1]) as tf.Tensor1D;
    return { loss, grad };
  });
}

/** Predictions ŷ [R, H] of a batch in its row order (float32, offsets added back). */
export function predictIndividual(
  theta: tf.Tensor1D | Float32Array,
  b: FeatureBatch,
  o: { layers: number; channels: number },
): Float32Array {
  const { F, H, rows: R } = b;
  const C = o.channels;
  const B = R / C;
  const out = tf.tidy(() => {
    const th = theta instanceof Float32Array ? tf.tensor1d(theta) : theta;
    const { W, bias } = split(th, F, H, o.layers, C);
    return tf.transpose(tf.add(tf.matMul(byChannel(b.Z, B, C, F), W), bias), [1, 0, 2]); // back to [B, C, H]
  });
  const y = out.dataSync() as Float32Array;
  out.dispose();
  const res = new Float32Array(y.length);
  for (let r = 0; r < R; r++) for (let h = 0; h < H; h++) res[r * H + h] = y[r * H + h]! + b.offsets[r]!;
  return res;
}

/** MSE and MAE over windows [0, count) of `w` (all, or the drop_last count), normalised scale. */
export function evaluateIndividual(
  p: IndividualParams | { model: ModelName; layers: number; channels: number; theta: tf.Tensor1D | Float32Array },
  w: WindowSet,
  o: { dropLastBatch?: number; chunk?: number } = {},
): Metrics {
  const n = o.dropLastBatch ? keptByDropLast(w.n, o.dropLastBatch) : w.n;
  const chunk = o.chunk ?? 256;
  let se = 0;
  let ae = 0;
  for (let s = 0; s < n; s += chunk) {
    const b = gatherBatch(
      p.model,
      w,
      Array.from({ length: Math.min(chunk, n - s) }, (_, k) => s + k),
      false,
    );
    const yhat = predictIndividual(p.theta, b, p);
    for (let k = 0; k < yhat.length; k++) {
      const d = yhat[k]! - b.Y[k]!;
      se += d * d;
      ae += Math.abs(d);
    }
  }
  const count = n * w.H * w.channels;
  return { mse: se / count, mae: ae / count, n };
}

export interface IndividualResult {
  params: IndividualParams;
  epochsRun: number;
  bestEpoch: number;
  log: EpochLog[];
  test: { full: Metrics; dropLast: Metrics };
}

/**
 * Trains individual-mode Linear / NLinear / DLinear by the official protocol (see train.ts's
 * trainOfficial, whose options and semantics this repeats; `deterministic` gives zero init and
 * batches in order).
 */
export function trainIndividual(
  data: EttData,
  o: {
    model: ModelName;
    L: number;
    H: number;
    lr: number;
    batch: number;
    maxEpochs?: number;
    patience?: number;
    rng?: Rng;
    deterministic?: boolean;
  },
  windows?: EttWindows,
): IndividualResult {
  const maxEpochs = o.maxEpochs ?? 10;
  const patience = o.patience ?? 3;
  if (!(o.lr > 0)) throw new Error(`trainIndividual: lr must be positive, got ${o.lr}`);
  if (!(Number.isInteger(o.batch) && o.batch >= 1)) throw new Error(`trainIndividual: batch must be a positive integer, got ${o.batch}`);
  const det = o.deterministic ?? false;
  if (!det && !o.rng) throw new Error("trainIndividual: pass an rng (initialisation and shuffling), or deterministic: true");
  const w = windows ?? ettWindows(data, { L: o.L, H: o.H });
  const init = initIndividual({ model: o.model, L: o.L, H: o.H, channels: w.train.channels, init: det ? "zeros" : "torch", rng: o.rng });
  const shape = { layers: init.layers, channels: init.channels };
  const theta = tf.variable(tf.tensor1d(init.theta), true, undefined, "float32") as tf.Variable<tf.Rank.R1>;
  const adam = new Adam([theta], { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  const steps = stepsPerEpoch(w.train.n, o.batch);
  const order = (n: number) => (det ? Array.from({ length: n }, (_, i) => i) : o.rng!.permutation(n));
  const log: EpochLog[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestTheta = Float32Array.from(init.theta);
  let bestEpoch = 0;
  let counter = 0;
  let lr = o.lr;
  try {
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      const te = Date.now();
      const idx = order(w.train.n);
      let trainSum = 0;
      for (let s = 0; s < steps; s++) {
        const { loss, grad } = lossAndGradIndividual(
          theta,
          gatherBatch(o.model, w.train, idx.slice(s * o.batch, (s + 1) * o.batch)),
          shape,
        );
        adam.step([grad], lr);
        trainSum += loss.dataSync()[0]!;
        tf.dispose([loss, grad]);
      }
      // validation: mean over drop_last batches of the per-batch MSE, in the epoch's shuffled order
      const vIdx = order(w.val.n);
      const nb = Math.floor(vIdx.length / o.batch);
      let val = 0;
      for (let k = 0; k < nb; k++) {
        const b = gatherBatch(o.model, w.val, vIdx.slice(k * o.batch, (k + 1) * o.batch), false);
        const yhat = predictIndividual(theta, b, shape);
        let se = 0;
        for (let j = 0; j < yhat.length; j++) se += (yhat[j]! - b.Y[j]!) ** 2;
        val += se / yhat.length / nb;
      }
      const entry: EpochLog = { epoch, lr, train: trainSum / steps, val, seconds: 0 };
      if (det) entry.test = evaluateIndividual({ model: o.model, ...shape, theta }, w.test);
      entry.seconds = (Date.now() - te) / 1000;
      log.push(entry);
      if (!Number.isFinite(val)) throw new Error(`trainIndividual: the val loss became ${val} at epoch ${epoch}; lower lr (now ${o.lr})`);
      if (val > best) {
        counter += 1;
        if (counter >= patience) break;
      } else {
        best = val;
        bestTheta = theta.dataSync().slice() as Float32Array;
        bestEpoch = epoch;
        counter = 0;
      }
      lr = o.lr * 0.5 ** (epoch - 1);
    }
    const params: IndividualParams = { ...init, theta: bestTheta };
    return {
      params,
      epochsRun: log.length,
      bestEpoch,
      log,
      test: { full: evaluateIndividual(params, w.test), dropLast: evaluateIndividual(params, w.test, { dropLastBatch: o.batch }) },
    };
  } finally {
    theta.dispose();
    adam.dispose();
  }
}
