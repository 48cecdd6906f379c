/**
 * BYOL on scikit-learn's 8×8 digits with three predictors (check A10 of the notes, §A.7): a learned
 * linear predictor, DirectPred (set from the eigen-decomposition of the predictor input's
 * correlation, as the official code's boost_scale: p_j = √(s_j/s_max) + ε), and none (W_p = I).
 * The protocol is the notes' port of their PyTorch prototype; everything is float32 tfjs except
 * DirectPred's correlation and eigen-decomposition (float64, core symEig).
 *
 *   encoder f: Linear(64,256)-ReLU-Linear(256,256)-ReLU → h; projector g: Linear(256,256)-BN(no
 *   affine)-ReLU-Linear(256,64) → z; predictor Linear(64,64, no bias); target = EMA copy of f∘g.
 *   loss = mean(2 − 2cos(W_p z₁, z̄₂)) + mean(2 − 2cos(W_p z₂, z̄₁)), z̄ from the target, no gradient.
 *   SGD lr 0.05, momentum 0.9, coupled weight decay 4e-4 (torch.optim.SGD), batch 128, drop last.
 *
 * SGD with momentum is written here (core optim has Adam only): it is torch's update rule in three
 * lines, and the notes' reference values were made with it.
 */
import type { FlatDataset } from "../../core/data";
import { Rng } from "../../core/rng";
import { symEigFlat } from "../../core/sym-eig";
import { tf } from "../../core/tf";
import { LogisticRegression } from "../classifiers/logistic";
import { makeDataset, type Dataset } from "../classifiers/dataset";
import { predict } from "../classifiers/classifier";

export type DigitsPredictor = "learned" | "directpred" | "identity";

// ---------------------------------------------------------------------------------------------
// Split and augmentations

/**
 * Test = rows whose rank within their class (file order) is 0, 5, 10, … (364 rows, 35-37 per
 * class); train = the rest (1433). Validation for the probe's C: train rows whose within-class rank
 * among the train rows is 0, 5, 10, … (the probe never sees the test rows before its final fit).
 */
export function splitDigits(data: FlatDataset): { train: number[]; test: number[]; fit: number[]; val: number[] } {
  const rankTrain = (rows: number[]) => {
    const seen = new Map<number, number>();
    const a: number[] = [];
    const b: number[] = [];
    for (const r of rows) {
      const c = data.y[r]!;
      const k = seen.get(c) ?? 0;
      seen.set(c, k + 1);
      (k % 5 === 0 ? a : b).push(r);
    }
    return { a, b };
  };
  const all = Array.from({ length: data.nSamples }, (_, i) => i);
  const { a: test, b: train } = rankTrain(all);
  const { a: val, b: fit } = rankTrain(train);
  return { train, test, fit, val };
}

export interface AugmentOptions {
  /** Maximum shift in pixels (uniform in {−s..s}², zero fill). */
  shift: number;
  scale: [number, number];
  /** Probability of zeroing each pixel. */
  drop: number;
  /** Std of the additive Gaussian noise. */
  noise: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { shift: 1, scale: [0.7, 1.3], drop: 0.2, noise: 0.1 };

/** One augmented view of each listed row (8×8 images, row-major), in the order: shift, scale, drop, noise. */
export function augment8x8(X: Float32Array, rows: ArrayLike<number>, rng: Rng, o: AugmentOptions = DEFAULT_AUGMENT): Float32Array {
  const out = new Float32Array(rows.length * 64);
  for (let b = 0; b < rows.length; b++) {
    const src = rows[b]! * 64;
    const dx = rng.int(-o.shift, o.shift + 1);
    const dy = rng.int(-o.shift, o.shift + 1);
    const s = rng.uniform(o.scale[0], o.scale[1]);
    for (let r = 0; r < 8; r++)
      for (let c = 0; c < 8; c++) {
        const rr = r - dy;
        const cc = c - dx;
        let v = rr >= 0 && rr < 8 && cc >= 0 && cc < 8 ? X[src + rr * 8 + cc]! : 0;
        v *= s;
        if (rng.uniform() < o.drop) v = 0;
        v += rng.normal(0, o.noise);
        out[b * 64 + r * 8 + c] = v;
      }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Networks

interface Linear {
  W: tf.Variable; // in × out (y = x W + b)
  b?: tf.Variable;
}

export interface Net {
  l1: Linear;
  l2: Linear;
  l3: Linear;
  l4: Linear;
  /** The projector BN's running statistics (eval mode). */
  runMean: Float32Array;
  runVar: Float32Array;
}

/** torch.nn.Linear's default init: weight and bias U(±1/√fan_in), drawn from rng. */
function linear(rng: Rng, fanIn: number, fanOut: number, bias: boolean, name: string): Linear {
  const k = 1 / Math.sqrt(fanIn);
  const w = Float32Array.from({ length: fanIn * fanOut }, () => rng.uniform(-k, k));
  const out: Linear = { W: tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true, name) };
  if (bias) out.b = tf.variable(tf.tensor1d(Float32Array.from({ length: fanOut }, () => rng.uniform(-k, k))), true, `${name}_b`);
  return out;
}

let netCounter = 0;
function makeNet(rng: Rng, width: number, zDim: number): Net {
  const id = `net${netCounter++}`;
  return {
    l1: linear(rng, 64, width, true, `${id}_l1`),
    l2: linear(rng, width, width, true, `${id}_l2`),
    l3: linear(rng, width, width, true, `${id}_l3`),
    l4: linear(rng, width, zDim, true, `${id}_l4`),
    runMean: new Float32Array(width),
    runVar: new Float32Array(width).fill(1),
  };
}

function netVars(n: Net): tf.Variable[] {
  return [n.l1, n.l2, n.l3, n.l4].flatMap((l) => (l.b ? [l.W, l.b] : [l.W]));
}

const dense = (x: tf.Tensor2D, l: Linear): tf.Tensor2D => (l.b ? tf.add(tf.matMul(x, l.W), l.b) : tf.matMul(x, l.W)) as tf.Tensor2D;

const BN_EPS = 1e-5;

/**
 * h and z. Training mode normalises by the batch statistics (biased variance) and returns them so
 * the caller can update the running statistics; eval mode uses the running ones.
 */
function forward(
  n: Net,
  x: tf.Tensor2D,
  mode: "train" | "eval",
): { h: tf.Tensor2D; z: tf.Tensor2D; mean?: tf.Tensor; variance?: tf.Tensor } {
  const h = tf.relu(dense(tf.relu(dense(x, n.l1)), n.l2)) as tf.Tensor2D;
  const a = dense(h, n.l3);
  let normed: tf.Tensor2D;
  let mean: tf.Tensor | undefined;
  let variance: tf.Tensor | undefined;
  if (mode === "train") {
    const m = tf.moments(a, 0);
    mean = m.mean;
    variance = m.variance;
    normed = tf.div(tf.sub(a, m.mean), tf.sqrt(tf.add(m.variance, BN_EPS))) as tf.Tensor2D;
  } else {
    normed = tf.div(tf.sub(a, tf.tensor1d(n.runMean)), tf.sqrt(tf.add(tf.tensor1d(n.runVar), BN_EPS))) as tf.Tensor2D;
  }
  const z = dense(tf.relu(normed) as tf.Tensor2D, n.l4);
  return { h, z, mean, variance };
}

/** torch BN running statistics: momentum 0.1, the running variance from the unbiased batch variance. */
function updateRunning(n: Net, mean: Float32Array, variance: Float32Array, batch: number): void {
  const unbias = batch / (batch - 1);
  for (let i = 0; i < n.runMean.length; i++) {
    n.runMean[i] = 0.9 * n.runMean[i]! + 0.1 * mean[i]!;
    n.runVar[i] = 0.9 * n.runVar[i]! + 0.1 * variance[i]! * unbias;
  }
}

/** 2 − 2cos(a, b) per row, mean over rows (F.normalize's eps 1e-12 on the norms). */
function byolPairLoss(p: tf.Tensor2D, t: tf.Tensor2D): tf.Scalar {
  const pn = tf.div(p, tf.maximum(tf.norm(p, 2, 1, true), 1e-12));
  const tn = tf.div(t, tf.maximum(tf.norm(t, 2, 1, true), 1e-12));
  return tf.mean(tf.sub(2, tf.mul(2, tf.sum(tf.mul(pn, tn), 1)))) as tf.Scalar;
}

// ---------------------------------------------------------------------------------------------
// Training

export interface DigitsTrainOptions {
  predictor: DigitsPredictor;
  epochs: number;
  seed: number;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  batch?: number;
  /** EMA of the target (default 0.99). */
  ema?: number;
  /** DirectPred's correlation EMA ρ (default 0.3: F̂ ← ρF̂ + (1−ρ)·batch mean) and ε (default 0.01). */
  dpRho?: number;
  dpEps?: number;
  width?: number;
  zDim?: number;
  augment?: AugmentOptions;
  /** Called after each epoch with the mean loss (progress display). */
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface TrainedDigits {
  online: Net;
  /** Predictor matrix P (prediction = z P); null for the identity. */
  P: Float32Array | null;
  losses: number[];
  steps: number;
  seconds: number;
  dispose: () => void;
}

/**
 * BYOL training on the given rows of `data`. Weights from Rng(seed); shuffling and augmentations
 * from Rng(1000 + seed). epochs = 0 returns the untrained encoder (the baseline).
 */
export function trainDigitsByol(data: FlatDataset, rows: number[], o: DigitsTrainOptions): TrainedDigits {
  const lr = o.lr ?? 0.05;
  const mom = o.momentum ?? 0.9;
  const wd = o.weightDecay ?? 4e-4;
  const batch = o.batch ?? 128;
  const ema = o.ema ?? 0.99;
  const dpRho = o.dpRho ?? 0.3;
  const dpEps = o.dpEps ?? 0.01;
  const width = o.width ?? 256;
  const zDim = o.zDim ?? 64;
  if (!(Number.isInteger(o.epochs) && o.epochs >= 0)) throw new Error(`trainDigitsByol: epochs must be an integer ≥ 0, got ${o.epochs}`);
  if (rows.length < batch) throw new Error(`trainDigitsByol: ${rows.length} training rows are fewer than one batch of ${batch}`);
  const t0 = Date.now();
  const wRng = new Rng(o.seed);
  const dRng = new Rng(1000 + o.seed);
  const online = makeNet(wRng, width, zDim);
  const pred = o.predictor === "identity" ? null : linear(wRng, zDim, zDim, false, `pred${netCounter++}`);
  // the target starts as a copy of the online network (the official code forgot this copy: notes §A.4)
  const target = makeNet(new Rng(0), width, zDim);
  const oVars = netVars(online);
  const tVars = netVars(target);
  tVars.forEach((v, i) => v.assign(oVars[i]!));
  const trainVars = o.predictor === "learned" ? [...oVars, pred!.W] : oVars;
  const bufs: (tf.Tensor | null)[] = trainVars.map(() => null);
  let Fhat: Float64Array | null = null;
  const losses: number[] = [];
  let steps = 0;
  const perEpoch = Math.floor(rows.length / batch);
  for (let ep = 0; ep < o.epochs; ep++) {
    const order = dRng.permutation(rows.length).map((i) => rows[i]!);
    let lossSum = 0;
    for (let s = 0; s < perEpoch; s++) {
      const idx = order.slice(s * batch, (s + 1) * batch);
      const v1 = augment8x8(data.X, idx, dRng, o.augment);
      const v2 = augment8x8(data.X, idx, dRng, o.augment);
      const stats: { mean: Float32Array; variance: Float32Array }[] = [];
      let zOnline: Float32Array[] = [];
      const lossVal = tf.tidy(() => {
        const x1 = tf.tensor2d(v1, [batch, 64]);
        const x2 = tf.tensor2d(v2, [batch, 64]);
        const t1 = forward(target, x1, "train").z;
        const t2 = forward(target, x2, "train").z;
        const { value, grads } = tf.variableGrads(() => {
          const f1 = forward(online, x1, "train");
          const f2 = forward(online, x2, "train");
          stats.push({ mean: f1.mean!.dataSync() as Float32Array, variance: f1.variance!.dataSync() as Float32Array });
          stats.push({ mean: f2.mean!.dataSync() as Float32Array, variance: f2.variance!.dataSync() as Float32Array });
          if (o.predictor === "directpred") zOnline = [f1.z.dataSync() as Float32Array, f2.z.dataSync() as Float32Array];
          const p1 = pred ? tf.matMul(f1.z, pred.W) : f1.z;
          const p2 = pred ? tf.matMul(f2.z, pred.W) : f2.z;
          return tf.add(byolPairLoss(p1 as tf.Tensor2D, t2), byolPairLoss(p2 as tf.Tensor2D, t1)) as tf.Scalar;
        }, trainVars);
        // torch SGD: d = g + wd·θ; buf = μ·buf + d (buf = d at the first step); θ ← θ − lr·buf
        trainVars.forEach((v, i) => {
          const g = grads[v.name]!;
          const d = tf.add(g, tf.mul(wd, v));
          const prev = bufs[i];
          const buf = prev ? tf.add(tf.mul(mom, prev), d) : d;
          if (prev) prev.dispose();
          bufs[i] = tf.keep(buf);
          v.assign(tf.sub(v, tf.mul(lr, buf)));
        });
        tVars.forEach((t, i) => t.assign(tf.add(tf.mul(ema, t), tf.mul(1 - ema, oVars[i]!))));
        return value.dataSync()[0]!;
      });
      for (const st of stats) updateRunning(online, st.mean, st.variance, batch);
      if (o.predictor === "directpred") {
        Fhat = updateCorrelation(Fhat, zOnline, zDim, dpRho);
        const P = directPredMatrix(Fhat, zDim, dpEps);
        pred!.W.assign(tf.tensor2d(P, [zDim, zDim]));
      }
      if (!Number.isFinite(lossVal))
        throw new Error(`trainDigitsByol: the loss is ${lossVal} at epoch ${ep}, step ${s} (lr ${lr} too large?)`);
      lossSum += lossVal;
      steps++;
    }
    losses.push(lossSum / perEpoch);
    o.onEpoch?.(ep + 1, lossSum / perEpoch);
  }
  const P = pred ? (pred.W.dataSync() as Float32Array).slice() : null;
  bufs.forEach((b) => b?.dispose());
  tVars.forEach((v) => v.dispose());
  return {
    online,
    P,
    losses,
    steps,
    seconds: (Date.now() - t0) / 1000,
    dispose: () => {
      oVars.forEach((v) => v.dispose());
      pred?.W.dispose();
    },
  };
}

/** F̂ ← ρF̂ + (1−ρ)·mean(z zᵀ) over both views (float64, uncentred); the first batch initialises F̂. */
export function updateCorrelation(Fhat: Float64Array | null, views: Float32Array[], k: number, rho: number): Float64Array {
  const F = new Float64Array(k * k);
  let rowsTotal = 0;
  for (const Z of views) {
    const m = Z.length / k;
    rowsTotal += m;
    for (let r = 0; r < m; r++)
      for (let i = 0; i < k; i++) {
        const zi = Z[r * k + i]!;
        for (let j = i; j < k; j++) F[i * k + j] = F[i * k + j]! + zi * Z[r * k + j]!;
      }
  }
  for (let i = 0; i < k; i++)
    for (let j = i; j < k; j++) {
      F[i * k + j] = F[i * k + j]! / rowsTotal;
      F[j * k + i] = F[i * k + j]!;
    }
  if (Fhat === null) return F;
  for (let i = 0; i < k * k; i++) F[i] = rho * Fhat[i]! + (1 - rho) * F[i]!;
  return F;
}

/** DirectPred (boost_scale): U diag(√(max(s,0)/s_max) + ε) Uᵀ, clamped at ≥ 1e-4 as the official code. */
export function directPredMatrix(F: Float64Array, k: number, eps: number): Float32Array {
  const { values, vectors } = symEigFlat(F, k, "DirectPred F̂");
  const sMax = Math.max(values[0]!, 1e-300);
  const p = Array.from(values, (s) => Math.max(Math.sqrt(Math.max(s, 0) / sMax) + eps, 1e-4));
  const out = new Float32Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += vectors[i * k + q]! * p[q]! * vectors[j * k + q]!;
      out[i * k + j] = s;
    }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** h and z of clean images in eval mode (BN running statistics), as float64 row-major arrays. */
export function embed(net: Net, data: FlatDataset, rows: number[]): { h: Float64Array; z: Float64Array; hDim: number; zDim: number } {
  const X = new Float32Array(rows.length * 64);
  rows.forEach((r, i) => X.set(data.X.subarray(r * 64, (r + 1) * 64), i * 64));
  let out: { h: Float64Array; z: Float64Array; hDim: number; zDim: number } | undefined;
  tf.tidy(() => {
    const { h, z } = forward(net, tf.tensor2d(X, [rows.length, 64]), "eval");
    out = { h: Float64Array.from(h.dataSync()), z: Float64Array.from(z.dataSync()), hDim: h.shape[1], zDim: z.shape[1] };
  });
  return out!;
}

/** Standardise with the train columns' mean and (population) std, as scikit-learn's StandardScaler. */
export function standardize(train: Float64Array, others: Float64Array[], n: number): { train: Float64Array; others: Float64Array[] } {
  const m = train.length / n;
  const mu = new Float64Array(n);
  const sd = new Float64Array(n);
  for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) mu[j] = mu[j]! + train[r * n + j]! / m;
  for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) sd[j] = sd[j]! + (train[r * n + j]! - mu[j]!) ** 2 / m;
  for (let j = 0; j < n; j++) sd[j] = sd[j]! > 0 ? Math.sqrt(sd[j]!) : 1;
  const apply = (A: Float64Array) => Float64Array.from(A, (v, t) => (v - mu[t % n]!) / sd[t % n]!);
  return { train: apply(train), others: others.map(apply) };
}

function accuracy(yhat: Int32Array, y: Int32Array): number {
  let k = 0;
  for (let i = 0; i < y.length; i++) if (yhat[i] === y[i]) k++;
  return k / y.length;
}

/**
 * Linear probe: standardised features, multinomial logistic regression (L-BFGS, scikit-learn's
 * objective), C chosen from `Cs` by accuracy on the validation rows (ties: the smaller C), then refit
 * on fit + validation rows and scored once on the test rows.
 */
export function linearProbe(
  feats: { fit: Float64Array; val: Float64Array; test: Float64Array; n: number },
  labels: { fit: Int32Array; val: Int32Array; test: Int32Array },
  Cs: readonly number[] = [0.01, 0.1, 1, 10],
): { accuracy: number; C: number; valAccuracy: number[] } {
  const { n } = feats;
  const s1 = standardize(feats.fit, [feats.val], n);
  const ds = (X: Float64Array, y: Int32Array): Dataset => makeDataset({ X, y, n, K: 10 });
  const valAccuracy = Cs.map((C) => {
    const clf = new LogisticRegression({ C, maxIter: 2000 }).fit(ds(s1.train, labels.fit));
    return accuracy(predict(clf, s1.others[0]!), labels.val);
  });
  let best = 0;
  valAccuracy.forEach((a, i) => {
    if (a > valAccuracy[best]!) best = i;
  });
  const all = new Float64Array(feats.fit.length + feats.val.length);
  all.set(feats.fit);
  all.set(feats.val, feats.fit.length);
  const yAll = new Int32Array(labels.fit.length + labels.val.length);
  yAll.set(labels.fit);
  yAll.set(labels.val, labels.fit.length);
  const s2 = standardize(all, [feats.test], n);
  const clf = new LogisticRegression({ C: Cs[best]!, maxIter: 2000 }).fit(ds(s2.train, yAll));
  return { accuracy: accuracy(predict(clf, s2.others[0]!), labels.test), C: Cs[best]!, valAccuracy };
}

/** Cosine k-NN (majority vote; ties to the nearest neighbour's label among the tied classes). */
export function knnCosine(train: Float64Array, yTrain: Int32Array, test: Float64Array, yTest: Int32Array, n: number, k = 5): number {
  const norm = (A: Float64Array) => {
    const out = Float64Array.from(A);
    for (let r = 0; r < A.length / n; r++) {
      let q = 0;
      for (let j = 0; j < n; j++) q += A[r * n + j]! ** 2;
      const s = q > 0 ? 1 / Math.sqrt(q) : 0;
      for (let j = 0; j < n; j++) out[r * n + j] = A[r * n + j]! * s;
    }
    return out;
  };
  const A = norm(train);
  const B = norm(test);
  const m = A.length / n;
  let correct = 0;
  for (let t = 0; t < B.length / n; t++) {
    const sims: { s: number; i: number }[] = [];
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[r * n + j]! * B[t * n + j]!;
      sims.push({ s, i: r });
    }
    sims.sort((a, b) => b.s - a.s || a.i - b.i);
    const votes = new Map<number, number>();
    const top = sims.slice(0, k);
    for (const { i } of top) votes.set(yTrain[i]!, (votes.get(yTrain[i]!) ?? 0) + 1);
    const most = Math.max(...votes.values());
    const label = top.find(({ i }) => votes.get(yTrain[i]!) === most)!;
    if (yTrain[label.i] === yTest[t]) correct++;
  }
  return correct / (B.length / n);
}

/** Mean over dimensions of the std (unbiased) of the L2-normalised rows, × √n: ≈ 0 at collapse, ≈ 1 when isotropic. */
export function normalizedStd(Z: Float64Array, n: number): number {
  const m = Z.length / n;
  const U = new Float64Array(Z.length);
  for (let r = 0; r < m; r++) {
    let q = 0;
    for (let j = 0; j < n; j++) q += Z[r * n + j]! ** 2;
    const s = q > 0 ? 1 / Math.sqrt(q) : 0;
    for (let j = 0; j < n; j++) U[r * n + j] = Z[r * n + j]! * s;
  }
  let acc = 0;
  for (let j = 0; j < n; j++) {
    let mu = 0;
    for (let r = 0; r < m; r++) mu += U[r * n + j]!;
    mu /= m;
    let v = 0;
    for (let r = 0; r < m; r++) v += (U[r * n + j]! - mu) ** 2;
    acc += Math.sqrt(v / (m - 1));
  }
  return (acc / n) * Math.sqrt(n);
}

/** exp(entropy) of the normalised eigenvalues of the (centred) covariance: 1 = rank one, n = isotropic. */
export function effectiveRank(Z: Float64Array, n: number): number {
  const m = Z.length / n;
  const mu = new Float64Array(n);
  for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) mu[j] = mu[j]! + Z[r * n + j]! / m;
  const C = new Float64Array(n * n);
  for (let r = 0; r < m; r++)
    for (let i = 0; i < n; i++) {
      const a = Z[r * n + i]! - mu[i]!;
      for (let j = i; j < n; j++) C[i * n + j] = C[i * n + j]! + a * (Z[r * n + j]! - mu[j]!);
    }
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) C[j * n + i] = C[i * n + j]!;
  const ev = Array.from(symEigFlat(C, n, "covariance").values, (v) => Math.max(v, 0));
  const tot = ev.reduce((s, v) => s + v, 0);
  if (!(tot > 0)) return 0;
  let H = 0;
  for (const v of ev) if (v > 0) H -= (v / tot) * Math.log(v / tot);
  return Math.exp(H);
}

export interface DigitsEval {
  probe: number;
  probeC: number;
  knn: number;
  probeZ: number;
  zstd: number;
  erankZ: number;
  erankH: number;
}

/** All A10 metrics of a trained (or untrained) online network. */
export function evaluateDigits(net: Net, data: FlatDataset, split: { fit: number[]; val: number[]; test: number[] }): DigitsEval {
  const ef = embed(net, data, split.fit);
  const ev = embed(net, data, split.val);
  const et = embed(net, data, split.test);
  const lab = (rows: number[]) => Int32Array.from(rows, (r) => data.y[r]!);
  const labels = { fit: lab(split.fit), val: lab(split.val), test: lab(split.test) };
  const ph = linearProbe({ fit: ef.h, val: ev.h, test: et.h, n: ef.hDim }, labels);
  const pz = linearProbe({ fit: ef.z, val: ev.z, test: et.z, n: ef.zDim }, labels);
  const trainH = new Float64Array(ef.h.length + ev.h.length);
  trainH.set(ef.h);
  trainH.set(ev.h, ef.h.length);
  const yTrain = new Int32Array(labels.fit.length + labels.val.length);
  yTrain.set(labels.fit);
  yTrain.set(labels.val, labels.fit.length);
  const trainZ = new Float64Array(ef.z.length + ev.z.length);
  trainZ.set(ef.z);
  trainZ.set(ev.z, ef.z.length);
  return {
    probe: ph.accuracy,
    probeC: ph.C,
    knn: knnCosine(trainH, yTrain, et.h, labels.test, ef.hDim),
    probeZ: pz.accuracy,
    zstd: normalizedStd(trainZ, ef.zDim),
    erankZ: effectiveRank(trainZ, ef.zDim),
    erankH: effectiveRank(trainH, ef.hDim),
  };
}

/** The raw-pixel baseline: the same probe and k-NN on the 64 pixels. */
export function evaluatePixels(data: FlatDataset, split: { fit: number[]; val: number[]; test: number[] }): { probe: number; knn: number } {
  const rowsOf = (rows: number[]) => {
    const X = new Float64Array(rows.length * 64);
    rows.forEach((r, i) => {
      for (let j = 0; j < 64; j++) X[i * 64 + j] = data.X[r * 64 + j]!;
    });
    return X;
  };
  const lab = (rows: number[]) => Int32Array.from(rows, (r) => data.y[r]!);
  const p = linearProbe(
    { fit: rowsOf(split.fit), val: rowsOf(split.val), test: rowsOf(split.test), n: 64 },
    { fit: lab(split.fit), val: lab(split.val), test: lab(split.test) },
  );
  return {
    probe: p.accuracy,
    knn: knnCosine(rowsOf([...split.fit, ...split.val]), lab([...split.fit, ...split.val]), rowsOf(split.test), lab(split.test), 64),
  };
}
