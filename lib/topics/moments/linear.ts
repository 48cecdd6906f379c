/**
 * L2-regularised multinomial logistic regression on fixed features, solved to convergence by
 * core's scipy-faithful L-BFGS (the role of the notes' numpy/sklearn prototypes, §6): standardise the
 * features on the training set, then minimise  mean_i CE(W x_i + b, y_i) + (l2/2)·‖W‖²  (bias not
 * penalised).
 * sklearn's LogisticRegression(C) is the same problem with l2 = 1/(C·n). Loss and gradient run in
 * tfjs as plain matmuls (Xᵀ is formed once); the L-BFGS state is float64 in JS.
 */
import { lbfgs, type LbfgsResult, type LbfgsStatus, type ObjectiveFn } from "../../core/lbfgs";
import { tf } from "../../core/tf";

export interface LinearFitOptions {
  /** Ridge weight on W (per-sample loss scale). */
  l2: number;
  maxIter?: number;
  /** Stop when the largest gradient entry falls below this (default 1e-5). */
  gradTol?: number;
  /** Call the fit converged when the largest gradient entry at exit is at most this (default 1e-4, scikit-learn's tol). */
  convergedTol?: number;
  /** L-BFGS memory. */
  memory?: number;
  standardize?: boolean;
}

export interface LinearModel {
  F: number;
  K: number;
  /** Row-major [F, K] on standardised features. */
  W: Float64Array;
  b: Float64Array;
  mean: Float64Array;
  scale: Float64Array;
  iterations: number;
  loss: number;
  /** Largest |gradient entry| at the returned point. */
  gradMax: number;
  /** Why the solver stopped (core L-BFGS status: gtol, ftol, maxIter, maxFun, lineSearch). */
  stop: LbfgsStatus;
  /** gradMax ≤ convergedTol: the float32 loss can stall just above gradTol, which is still converged. */
  converged: boolean;
}

/** Per-feature mean and standard deviation (1 where a feature is constant). */
export function standardizer(X: Float32Array, n: number, F: number, on: boolean): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(F);
  const scale = new Float64Array(F).fill(1);
  if (!on) return { mean, scale };
  for (let i = 0; i < n; i++) for (let j = 0; j < F; j++) mean[j]! += X[i * F + j];
  for (let j = 0; j < F; j++) mean[j]! /= n;
  const v = new Float64Array(F);
  for (let i = 0; i < n; i++) for (let j = 0; j < F; j++) v[j]! += (X[i * F + j]! - mean[j]!) ** 2;
  for (let j = 0; j < F; j++) {
    const s = Math.sqrt(v[j]! / n);
    scale[j] = s > 1e-8 ? s : 1;
  }
  return { mean, scale };
}

function applyStandardizer(X: Float32Array, n: number, F: number, mean: Float64Array, scale: Float64Array): Float32Array {
  const out = new Float32Array(n * F);
  for (let i = 0; i < n; i++) for (let j = 0; j < F; j++) out[i * F + j] = (X[i * F + j]! - mean[j]!) / scale[j]!;
  return out;
}

function checkData(X: Float32Array, n: number, F: number, what: string): void {
  if (!Number.isInteger(n) || !Number.isInteger(F) || n < 1 || F < 1)
    throw new Error(`${what}: need positive integer n and F, got ${n}, ${F}`);
  if (X.length !== n * F) throw new Error(`${what}: ${X.length} values for ${n} samples × ${F} features`);
  for (let i = 0; i < X.length; i++)
    if (!Number.isFinite(X[i]!))
      throw new Error(`${what}: feature value ${X[i]} at sample ${Math.floor(i / F)}, feature ${i % F} is not finite`);
}

/** Fits the model; labels in 0..K−1. */
export function fitSoftmaxRegression(
  X: Float32Array,
  n: number,
  F: number,
  y: ArrayLike<number>,
  K: number,
  opts: LinearFitOptions,
): LinearModel {
  checkData(X, n, F, "fitSoftmaxRegression");
  if (y.length !== n) throw new Error(`fitSoftmaxRegression: ${n} samples but ${y.length} labels`);
  if (!(opts.l2 >= 0)) throw new Error(`fitSoftmaxRegression: l2 must be ≥ 0, got ${opts.l2}`);
  for (let i = 0; i < n; i++)
    if (!Number.isInteger(y[i]) || y[i]! < 0 || y[i]! >= K)
      throw new Error(`fitSoftmaxRegression: label ${y[i]} at ${i} is outside 0..${K - 1}`);
  const maxIter = opts.maxIter ?? 500;
  const gradTol = opts.gradTol ?? 1e-5;
  const memory = opts.memory ?? 10;
  const { mean, scale } = standardizer(X, n, F, opts.standardize ?? true);
  const Xs = applyStandardizer(X, n, F, mean, scale);
  const P = F * K + K;
  // Xᵀ built in JS: a large transpose is slow on the WASM backend
  const XsT = new Float32Array(n * F);
  for (let i = 0; i < n; i++) for (let j = 0; j < F; j++) XsT[j * n + i] = Xs[i * F + j]!;
  const xT = tf.tensor2d(XsT, [F, n]);
  const xt = tf.tensor2d(Xs, [n, F]);
  const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(y), "int32"), K).toFloat());
  const ones = tf.ones([1, n]);

  const evaluate = (theta: Float64Array): { f: number; g: Float64Array } => {
    const [fv, gw, gb] = tf.tidy(() => {
      const W = tf.tensor2d(Float32Array.from(theta.subarray(0, F * K)), [F, K]);
      const b = tf.tensor1d(Float32Array.from(theta.subarray(F * K)));
      const logits = tf.add(tf.matMul(xt, W), b);
      const logp = tf.logSoftmax(logits);
      const ce = tf.neg(tf.div(tf.sum(tf.mul(Y, logp)), n));
      const f = tf.add(ce, tf.mul(0.5 * opts.l2, tf.sum(tf.square(W))));
      const r = tf.div(tf.sub(tf.exp(logp), Y), n);
      const gW = tf.add(tf.matMul(xT, r), tf.mul(opts.l2, W));
      const gB = tf.matMul(ones, r);
      return [f, gW, gB];
    });
    const f = fv.dataSync()[0]!;
    const g = new Float64Array(P);
    g.set(gw.dataSync(), 0);
    g.set(gb.dataSync(), F * K);
    fv.dispose();
    gw.dispose();
    gb.dispose();
    return { f, g };
  };

  const fg: ObjectiveFn = (theta, grad) => {
    const { f, g } = evaluate(theta);
    grad.set(g);
    return f;
  };
  let r: LbfgsResult;
  try {
    r = lbfgs(fg, new Float64Array(P), { gtol: gradTol, maxIter, memory });
  } finally {
    xT.dispose();
    xt.dispose();
    Y.dispose();
    ones.dispose();
  }
  const theta = r.x;
  return {
    F,
    K,
    W: theta.slice(0, F * K),
    b: theta.slice(F * K),
    mean,
    scale,
    iterations: r.iterations,
    loss: r.f,
    gradMax: r.gradInf,
    stop: r.status,
    converged: r.gradInf <= (opts.convergedTol ?? 1e-4),
  };
}

/** Logits [n][K] of a fitted model (plain JS, float64). */
export function linearLogits(model: LinearModel, X: Float32Array, n: number): Float64Array[] {
  checkData(X, n, model.F, "linearLogits");
  const { F, K, W, b, mean, scale } = model;
  const out: Float64Array[] = [];
  const z = new Float64Array(F);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < F; j++) z[j] = (X[i * F + j]! - mean[j]!) / scale[j]!;
    const row = Float64Array.from(b);
    for (let j = 0; j < F; j++) {
      const zj = z[j]!;
      if (zj === 0) continue;
      for (let k = 0; k < K; k++) row[k]! += zj * W[j * K + k]!;
    }
    out.push(row);
  }
  return out;
}

/** Accuracy of a fitted model on labelled features. */
export function linearAccuracy(model: LinearModel, X: Float32Array, n: number, y: ArrayLike<number>): number {
  const logits = linearLogits(model, X, n);
  let hit = 0;
  logits.forEach((row, i) => {
    let best = 0;
    for (let k = 1; k < row.length; k++) if (row[k]! > row[best]!) best = k;
    if (best === y[i]) hit++;
  });
  return hit / n;
}

/** Labelled rows of a feature matrix. */
export interface LabelledFeatures {
  X: Float32Array;
  n: number;
  y: ArrayLike<number>;
}

/** A converged probe's test accuracy with how its solver ended (reported beside every LP number). */
export interface ProbeFit {
  acc: number;
  iterations: number;
  gradMax: number;
  converged: boolean;
}

/** Fit on train, score on test: the fixed-feature probe used throughout. */
export function fitProbe(o: { train: LabelledFeatures; test: LabelledFeatures; F: number; K: number; opts: LinearFitOptions }): ProbeFit {
  const model = fitSoftmaxRegression(o.train.X, o.train.n, o.F, o.train.y, o.K, o.opts);
  return {
    acc: linearAccuracy(model, o.test.X, o.test.n, o.test.y),
    iterations: model.iterations,
    gradMax: model.gradMax,
    converged: model.converged,
  };
}

/** Test accuracy of `fitProbe` (shorthand where the solver's report is not kept). */
export function probeAccuracy(train: LabelledFeatures, test: LabelledFeatures, F: number, K: number, opts: LinearFitOptions): number {
  return fitProbe({ train, test, F, K, opts }).acc;
}
