/**
 * Training attention stacks the way von Oswald et al.'s code does (notes §4c): separate W_K, W_Q,
 * W_V, P per head (key size d+1), haiku VarianceScaling(init_scale) truncated-normal initialisation
 * with init_scale = 0.002/K, loss ½·mean (ŷ − y)², Adam (b2 = 0.98 in the code) after clipping the
 * gradient's global norm, fresh tasks every step or a fixed training set of B tasks (A.12). Every
 * `evalEvery` steps the loss and the three alignment metrics against a given GD step are recorded on
 * fixed validation tasks. Gradients come from lsa-stack.ts (float64); the optimiser is core Adam.
 */
import { fmt } from "../../core/format";
import { progress } from "../../core/progress";
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { Adam, learningRate } from "../../core/optim";
import { NormalStream } from "../../core/normal";
import { alignment, halfMse, type Alignment } from "./alignment";
import { gdOneStep } from "./gd-plus";
import { flattenStack, stackDim, stackLossAndGrads, stackPredict, unflattenStack, type Head, type LsaStack } from "./lsa-stack";
import { prepareSpec, sampleTasks, type TaskBatch, type TaskSpec } from "./tasks";

export interface StackShape {
  attention: "linear" | "softmax";
  depth: number;
  recurrent: boolean;
  heads: number;
}

/**
 * haiku VarianceScaling(scale, "fan_in", "truncated_normal"): N(0, σ²) truncated to ±2σ, with σ
 * corrected so the truncated law has variance scale/fan_in (σ = √(scale/fan_in)/0.8796).
 * fan_in is d+1 for W_K, W_Q, W_V and heads·(d+1) for the output projection P.
 */
export function initStack(shape: StackShape, d: number, initScale: number, rng: Rng): LsaStack {
  const D = d + 1;
  if (!(initScale > 0)) throw new Error(`initStack: initScale must be positive, got ${initScale}`);
  if (!Number.isInteger(shape.heads) || shape.heads < 1) throw new Error(`initStack: heads must be a positive integer, got ${shape.heads}`);
  const truncated = (fanIn: number) => {
    const std = Math.sqrt(initScale / fanIn) / 0.87962566103423978;
    return () => {
      for (;;) {
        const z = rng.normal();
        if (Math.abs(z) <= 2) return z * std;
      }
    };
  };
  const mat = (draw: () => number) => Array.from({ length: D }, () => Array.from({ length: D }, draw));
  const layers = Array.from({ length: shape.recurrent ? 1 : shape.depth }, () =>
    Array.from({ length: shape.heads }, (): Head => {
      const dIn = truncated(D);
      const dP = truncated(D * shape.heads);
      // haiku stores x @ W; our matrices act as W e, so draw the transposes: same distribution
      return { Wk: mat(dIn), Wq: mat(dIn), Wv: mat(dIn), P: mat(dP) };
    }),
  );
  const m: LsaStack = { attention: shape.attention, depth: shape.depth, recurrent: shape.recurrent, layers };
  stackDim(m);
  return m;
}

export interface StackTrainOptions {
  spec: TaskSpec;
  shape: StackShape;
  steps: number;
  batch: number;
  rng: Rng;
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  clipGlobalNorm?: number;
  /** "constant" (the code) or "cosine" decay to 0 over the run. */
  schedule?: "constant" | "cosine";
  /** Variance scale of the initialisation (0.002/K in the code). */
  initScale?: number;
  /** Train on one fixed set of this many tasks (full batch every step) instead of fresh tasks. */
  fixedTasks?: number;
  /** Record the validation loss and alignment every this many steps (and at 0 and the end). */
  evalEvery?: number;
  evalTasks?: number;
  /** The GD step the alignment is measured against. */
  gdEta?: number;
  label?: string;
}

export interface EvalPoint {
  step: number;
  loss: number;
  align?: Alignment;
}

export interface StackTrainResult {
  stack: LsaStack;
  /** Mean loss of each step's batch before its update. */
  trainLoss: Float64Array;
  evals: EvalPoint[];
}

export function trainStack(o: StackTrainOptions): StackTrainResult {
  const prepared = prepareSpec(o.spec);
  const { d } = prepared;
  const D = d + 1;
  if (!Number.isInteger(o.steps) || o.steps < 0) throw new Error(`trainStack: steps must be an integer ≥ 0, got ${o.steps}`);
  if (!Number.isInteger(o.batch) || o.batch < 1) throw new Error(`trainStack: batch must be a positive integer, got ${o.batch}`);
  const stream = new NormalStream(o.rng.split());
  const evalRng = o.rng.split();
  const initRng = o.rng.split();
  const stack0 = initStack(o.shape, d, o.initScale ?? 0.002 / o.shape.depth, initRng);
  const fixed: TaskBatch | undefined = o.fixedTasks ? sampleTasks(prepared, o.fixedTasks, stream) : undefined;
  const evalEvery = o.evalEvery ?? 0;
  const evalBatch = evalEvery > 0 ? sampleTasks(prepared, o.evalTasks ?? 10000, evalRng) : undefined;
  const gdRef = evalBatch && o.gdEta !== undefined ? gdOneStep(evalBatch, o.gdEta) : undefined;

  const v0 = tf.tensor1d(Float32Array.from(flattenStack(stack0, D)));
  const theta = tf.variable(v0, true);
  v0.dispose();
  const adam = new Adam([theta], { beta1: o.beta1, beta2: o.beta2, eps: o.eps, clipGlobalNorm: o.clipGlobalNorm });
  const current = (): LsaStack => unflattenStack(stack0, theta.dataSync());
  const evals: EvalPoint[] = [];
  const record = (step: number) => {
    if (!evalBatch) return;
    const m = current();
    const p = stackPredict(m, evalBatch, { grad: gdRef !== undefined });
    const point: EvalPoint = { step, loss: halfMse(p.yhat, evalBatch.yq).loss };
    if (gdRef) point.align = alignment({ yhat: p.yhat, grad: p.grad! }, gdRef, d);
    evals.push(point);
  };
  const trainLoss = new Float64Array(o.steps);
  const bar = progress(o.label ?? "train", o.steps, { steps: 5, quiet: o.label === undefined });
  try {
    record(0);
    for (let step = 0; step < o.steps; step++) {
      const batch = fixed ?? sampleTasks(prepared, o.batch, stream);
      const { loss, grads } = stackLossAndGrads(current(), batch);
      trainLoss[step] = loss;
      if (!Number.isFinite(loss)) throw new Error(`trainStack: the loss became ${loss} at step ${step}; lower lr (now ${o.lr ?? 1e-3})`);
      const g = tf.tensor1d(Float32Array.from(flattenStack(grads, D)));
      adam.step([g], learningRate(step, { base: o.lr ?? 1e-3, total: Math.max(1, o.steps), decay: o.schedule ?? "constant" }));
      g.dispose();
      if (evalEvery > 0 && ((step + 1) % evalEvery === 0 || step + 1 === o.steps)) record(step + 1);
      bar.update(step + 1, `batch loss ${fmt(loss)}`);
    }
    return { stack: current(), trainLoss, evals };
  } finally {
    theta.dispose();
    adam.dispose();
  }
}
