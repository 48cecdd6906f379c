/**
 * Training one merged LSA layer with Adam on fresh task batches (notes §2b M3; §6 training rows).
 *
 * Only a (last row of W_PV) and B (first d columns of W_KQ) reach the prediction (reduce.ts), so
 * every other entry has an identically zero gradient; Adam leaves such entries exactly at their
 * initial values. Training (a, B) through the reduced loss is therefore the same trajectory as
 * training the full (W_KQ, W_PV) on tokens (the tests check this against `trainLSADirect`), at a
 * fraction of the cost. Readout "plus" and normalization "n" (Zhang's layer); keys/values with or
 * without the query.
 */
import { fmt } from "../../core/format";
import { progress } from "../../core/progress";
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { Adam, learningRate } from "../../core/optim";
import { zeros, type Matrix } from "../../core/linalg";
import { buildTokens, lsaForward, paramsToTensors, type LsaOptions, type LsaParams, type LsaTensors, type MergedParams } from "./lsa";
import { NormalStream } from "../../core/normal";
import { reduceLSA, type Reduction } from "./reduce";
import { reducedForward, reducedLossAndGrads, type LossScale } from "./reduced-loss";
import { computeStats, disposeStatsTensors, statsTensors, type StatsTensors } from "./task-stats";
import { batchTensors, prepareSpec, sampleTasks, type TaskSpec } from "./tasks";

export type InitSpec =
  /** Every entry of W_KQ and W_PV iid N(0, std²) (notes M3: std 0.1). */
  | { kind: "gaussian"; std: number }
  /** Zhang Assumption 3.3: W_PV = σ[[0,0],[0,1]], W_KQ = σ[[ΘΘᵀ/‖ΘΘᵀ‖_F, 0],[0,0]], Θ Gaussian. */
  | { kind: "zhang"; sigma: number }
  /** Given merged matrices. */
  | { kind: "params"; params: MergedParams };

export interface TrainOptions {
  spec: TaskSpec;
  steps: number;
  batch: number;
  /** All randomness: data stream, evaluation tasks, initialisation (in that order of splits). */
  rng: Rng;
  lr?: number;
  /** Adam's β₁, β₂, ε (0.9, 0.999, 1e-8 by default, as torch). */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Rescale the gradient to this global L2 norm when it is larger (von Oswald's code clips). */
  clipGlobalNorm?: number;
  schedule?: "constant" | "cosine";
  warmup?: number;
  /** Final learning rate as a fraction of lr (cosine). */
  lrFinal?: number;
  init?: InitSpec;
  /**
   * "adam" (default) or "sgd": plain steps φ ← φ − lr·∇L̂, the discretisation of gradient flow with
   * step lr and sampled batches (Zhang et al. analyse the flow; the beta, eps and clip options are
   * Adam's and are ignored by "sgd").
   */
  optimizer?: "adam" | "sgd";
  includeQuery?: boolean;
  lossScale?: LossScale;
  /** Fixed evaluation tasks for the loss curve (0: none). */
  evalTasks?: number;
  /** Steps after which Γ_eff (and the evaluation loss) are recorded; 0 = initialisation. */
  checkpoints?: number[];
  /** Label for progress lines (omitted: silent). */
  label?: string;
}

export interface Checkpoint {
  step: number;
  gammaEff: Matrix;
  axNorm: number;
  byNorm: number;
  /** Loss on the fixed evaluation tasks (NaN when evalTasks = 0). */
  evalLoss: number;
  /** The full reduction (a, B) at this step. */
  reduction?: Reduction;
}

export interface TrainResult {
  /** Full merged matrices; entries that cannot affect ŷ keep their initial values. */
  params: MergedParams;
  /** The initial matrices. */
  init: MergedParams;
  options: LsaOptions;
  reduction: Reduction;
  /** Loss of each step's fresh batch, before that step's update. */
  trainLoss: Float64Array;
  checkpoints: Checkpoint[];
  lossScale: LossScale;
}

/** Checkpoint steps 0, then `perDecade` log-spaced steps per decade from 1, up to and including `steps`. */
export function logCheckpoints(steps: number, perDecade = 3): number[] {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`logCheckpoints: steps must be a non-negative integer, got ${String(steps)}`);
  const out = new Set<number>([0, steps]);
  for (let k = 0; steps > 0 && 10 ** (k / perDecade) <= steps; k++) out.add(Math.round(10 ** (k / perDecade)));
  return [...out].sort((a, b) => a - b);
}

/** Initial merged matrices for token size D = d + 1. */
export function initParams(init: InitSpec, d: number, rng: Rng): MergedParams {
  const D = d + 1;
  if (init.kind === "params") {
    if (init.params.Wkq.length !== D) throw new Error(`init params: expected (d+1) = ${D} sized matrices, got ${init.params.Wkq.length}`);
    return { kind: "merged", Wkq: init.params.Wkq.map((r) => r.slice()), Wpv: init.params.Wpv.map((r) => r.slice()) };
  }
  if (init.kind === "gaussian") {
    if (!(init.std >= 0)) throw new Error(`init gaussian: std must be non-negative, got ${init.std}`);
    const draw = () => Array.from({ length: D }, () => Array.from({ length: D }, () => rng.normal(0, init.std)));
    const Wkq = draw();
    return { kind: "merged", Wkq, Wpv: draw() };
  }
  if (init.kind === "zhang") {
    const theta = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
    const tt = zeros(d, d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) tt[i]![j]! += theta[i]![k]! * theta[j]![k]!;
    const fro = Math.sqrt(tt.flat().reduce((s, v) => s + v * v, 0));
    const Wkq = zeros(D, D);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) Wkq[i]![j] = (init.sigma * tt[i]![j]!) / fro;
    const Wpv = zeros(D, D);
    Wpv[d]![d] = init.sigma;
    return { kind: "merged", Wkq, Wpv };
  }
  throw new Error(`init.kind must be "gaussian", "zhang" or "params", got ${JSON.stringify((init as { kind: unknown }).kind)}`);
}

function checkInt(v: number, what: string, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`trainLSA: ${what} must be an integer ≥ ${min}, got ${String(v)}`);
}

/** Trains a merged LSA layer through the reduced loss; see the module comment. */
export function trainLSA(o: TrainOptions): TrainResult {
  const prepared = prepareSpec(o.spec);
  const { d } = prepared;
  const D = d + 1;
  checkInt(o.steps, "steps", 0);
  checkInt(o.batch, "batch", 1);
  const lr = o.lr ?? 1e-2;
  if (!(lr > 0)) throw new Error(`trainLSA: lr must be positive, got ${lr}`);
  const includeQuery = o.includeQuery ?? false;
  const lossScale = o.lossScale ?? "half";
  const optimizer = o.optimizer ?? "adam";
  if (optimizer !== "adam" && optimizer !== "sgd") throw new Error(`trainLSA: optimizer must be "adam" or "sgd", got ${String(optimizer)}`);
  const evalTasks = o.evalTasks ?? 0;
  checkInt(evalTasks, "evalTasks", 0);
  const ckSteps = new Set(o.checkpoints ?? logCheckpoints(o.steps));
  for (const s of ckSteps) checkInt(s, "checkpoint step", 0);

  const stream = new NormalStream(o.rng.split());
  const evalRng = o.rng.split();
  const init = initParams(o.init ?? { kind: "gaussian", std: 0.1 }, d, o.rng);

  // flat parameter vector φ = [a; vec(Bᵀ)], Bᵀ ∈ R^{d x D}
  const phi0 = new Float32Array(D + d * D);
  for (let j = 0; j < D; j++) phi0[j] = init.Wpv[d]![j]!;
  for (let l = 0; l < d; l++) for (let j = 0; j < D; j++) phi0[D + l * D + j] = init.Wkq[j]![l]!;
  const phiInit = tf.tensor1d(phi0);
  const phi = tf.variable(phiInit, true);
  phiInit.dispose();
  // "textbook" is the float32 op order this trainer always used (core/optim names the three)
  const adam = new Adam([phi], { beta1: o.beta1, beta2: o.beta2, eps: o.eps, clipGlobalNorm: o.clipGlobalNorm, arithmetic: "textbook" });
  const evalSt: StatsTensors | undefined =
    evalTasks > 0 ? statsTensors(computeStats(sampleTasks(prepared, evalTasks, evalRng), { includeQuery })) : undefined;
  const c = lossScale === "half" ? 0.5 : 1;

  const trainLoss = new Float64Array(o.steps);
  const checkpoints: Checkpoint[] = [];
  const current = (): MergedParams => {
    const v = phi.dataSync();
    const Wkq = init.Wkq.map((r) => r.slice());
    const Wpv = init.Wpv.map((r) => r.slice());
    for (let j = 0; j < D; j++) Wpv[d]![j] = v[j]!;
    for (let l = 0; l < d; l++) for (let j = 0; j < D; j++) Wkq[j]![l] = v[D + l * D + j]!;
    return { kind: "merged", Wkq, Wpv };
  };
  const options: LsaOptions = { includeQuery, normalize: "n", readout: "plus" };
  const record = (step: number) => {
    const red = reduceLSA(current(), options);
    let evalLoss = Number.NaN;
    if (evalSt) {
      const t = tf.tidy(() => {
        const a = tf.reshape(tf.slice(phi, 0, D), [D, 1]) as tf.Tensor2D;
        const BT = tf.reshape(tf.slice(phi, D, d * D), [d, D]) as tf.Tensor2D;
        return tf.mul(tf.mean(tf.square(tf.sub(reducedForward(a, BT, evalSt), evalSt.yq))), c);
      });
      evalLoss = t.dataSync()[0]!;
      t.dispose();
    }
    checkpoints.push({ step, gammaEff: red.gammaEff, axNorm: red.axNorm, byNorm: red.byNorm, evalLoss, reduction: red });
  };

  const bar = progress(o.label ?? "train", o.steps, { steps: 5, quiet: o.label === undefined });
  if (ckSteps.has(0)) record(0);
  try {
    for (let step = 0; step < o.steps; step++) {
      const st = statsTensors(computeStats(sampleTasks(prepared, o.batch, stream), { includeQuery }));
      const loss = tf.tidy(() => {
        const a = tf.reshape(tf.slice(phi, 0, D), [D, 1]) as tf.Tensor2D;
        const BT = tf.reshape(tf.slice(phi, D, d * D), [d, D]) as tf.Tensor2D;
        const { loss, ga, gBT } = reducedLossAndGrads(a, BT, st, lossScale);
        const g = tf.concat([tf.reshape(ga, [-1]), tf.reshape(gBT, [-1])]) as tf.Tensor1D;
        const rate = learningRate(step, {
          base: lr,
          total: o.steps,
          warmup: o.warmup,
          warmupOffset: 1,
          decay: o.schedule ?? "constant",
          finalFraction: o.lrFinal ?? 0,
        });
        if (optimizer === "sgd") phi.assign(tf.sub(phi, tf.mul(g, rate)) as tf.Tensor1D);
        else adam.step([g], rate);
        return loss;
      });
      trainLoss[step] = loss.dataSync()[0]!;
      loss.dispose();
      disposeStatsTensors(st);
      if (!Number.isFinite(trainLoss[step]))
        throw new Error(`trainLSA: the loss became ${trainLoss[step]} at step ${step}; lower lr (now ${lr})`);
      if (ckSteps.has(step + 1)) record(step + 1);
      const w = Math.min(100, step + 1);
      let recent = 0;
      for (let k = step + 1 - w; k <= step; k++) recent += trainLoss[k]!;
      bar.update(step + 1, `mean loss of the last ${w} batches ${fmt(recent / w)}`);
    }
    const params = current();
    return { params, init, options, reduction: reduceLSA(params, options), trainLoss, checkpoints, lossScale };
  } finally {
    phi.dispose();
    adam.dispose();
    if (evalSt) disposeStatsTensors(evalSt);
  }
}

export interface DirectTrainOptions {
  spec: TaskSpec;
  steps: number;
  batch: number;
  rng: Rng;
  /** Initial parameters (merged or separate; one head or several). */
  params: LsaParams | LsaParams[];
  options?: LsaOptions;
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  lossScale?: LossScale;
}

/**
 * Reference trainer: the token formulation (lsaForward) differentiated by tf.variableGrads and
 * stepped by tf.train.adam, for any parametrization. Slow (batched token products); used to
 * check `trainLSA` and for parametrizations the reduced loss does not cover (separate W_K, W_Q,
 * W_V, P; several heads). Consumes `rng` like trainLSA does for its data, so with the same seed
 * both see the same batches.
 */
export function trainLSADirect(o: DirectTrainOptions): { params: LsaParams[]; trainLoss: Float64Array } {
  const prepared = prepareSpec(o.spec);
  checkInt(o.steps, "steps", 0);
  checkInt(o.batch, "batch", 1);
  const stream = new NormalStream(o.rng.split());
  const heads = Array.isArray(o.params) ? o.params : [o.params];
  const tensors: LsaTensors[] = heads.map(paramsToTensors);
  const vars: tf.Variable[] = [];
  const asVars: LsaTensors[] = tensors.map((t) => {
    const v = (x: tf.Tensor2D) => {
      const variable = tf.variable(x, true);
      x.dispose();
      vars.push(variable);
      return variable as unknown as tf.Tensor2D;
    };
    return t.kind === "merged"
      ? { kind: "merged", Wkq: v(t.Wkq), Wpv: v(t.Wpv) }
      : { kind: "separate", Wk: v(t.Wk), Wq: v(t.Wq), Wv: v(t.Wv), P: v(t.P) };
  });
  const opt = tf.train.adam(o.lr ?? 1e-2, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.eps ?? 1e-8);
  const c = (o.lossScale ?? "half") === "half" ? 0.5 : 1;
  const trainLoss = new Float64Array(o.steps);
  try {
    for (let step = 0; step < o.steps; step++) {
      const t = batchTensors(sampleTasks(prepared, o.batch, stream));
      const E = buildTokens(t.X, t.y, t.xq);
      const loss = opt.minimize(() => {
        const { yhat } = lsaForward(asVars, E, o.options);
        return tf.mul(tf.mean(tf.square(tf.sub(yhat, t.yq))), c) as tf.Scalar;
      }, true) as tf.Scalar;
      trainLoss[step] = loss.dataSync()[0]!;
      tf.dispose([loss, E, t.X, t.y, t.xq, t.yq]);
    }
    const toMatrix = (x: tf.Tensor2D): Matrix => x.arraySync() as Matrix;
    const params = asVars.map(
      (h): LsaParams =>
        h.kind === "merged"
          ? { kind: "merged", Wkq: toMatrix(h.Wkq), Wpv: toMatrix(h.Wpv) }
          : { kind: "separate", Wk: toMatrix(h.Wk), Wq: toMatrix(h.Wq), Wv: toMatrix(h.Wv), P: toMatrix(h.P) },
    );
    return { params, trainLoss };
  } finally {
    opt.dispose();
    vars.forEach((v) => v.dispose());
  }
}
