/**
 * Training the sequence models of model.ts on MQAR or the S₃ word problem: AdamW (core optim) with
 * global-norm clipping and a one-cycle schedule (linear warm-up over 10% of the steps, cosine decay),
 * fresh seeded batches every step, a fixed held-out set from a separate seed stream, masked
 * cross-entropy on the labelled positions only.
 */
import { Adam, learningRate } from "../../core/optim";
import { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { forward, initParams, paramList, type ModelSpec, type Params } from "./model";
import { mqarBatch, s3Batch, type MqarSpec, type TokenBatch } from "./tasks";

export type TaskSpec = ({ kind: "mqar" } & MqarSpec) | { kind: "s3"; L: number; evalLengths: number[] };

export interface TrainSpec {
  model: ModelSpec;
  task: TaskSpec;
  steps: number;
  batch: number;
  lr: number;
  weightDecay: number;
  clip: number;
  seed: number;
  /** Evaluate the held-out accuracy every this many steps (and at the end). */
  evalEvery: number;
  /** Held-out sequences per evaluation. */
  evalSize: number;
}

export interface EvalPoint {
  step: number;
  /** Token accuracy on labelled positions (at the training length for S₃). */
  acc: number;
}

export interface TrainResult {
  spec: TrainSpec;
  /** Training loss, mean over blocks of `lossEvery` steps. */
  loss: { step: number; loss: number }[];
  evals: EvalPoint[];
  finalAcc: number;
  /** S₃ only: token and whole-sequence accuracy per evaluation length. */
  lengths?: { L: number; tokenAcc: number; seqAcc: number }[];
  cpuSeconds: number;
}

function batchFor(task: TaskSpec, B: number, rng: Rng, L?: number): TokenBatch {
  return task.kind === "mqar" ? mqarBatch({ ...task, B, rng }) : s3Batch({ B, L: L ?? task.L, rng });
}

/**
 * Masked cross-entropy, the mean over labelled positions. The targets are a dense [B·L, classes]
 * matrix built in JS (a gather's gradient needs UnsortedSegmentSum, which the WASM backend lacks).
 */
function lossOn(p: Params, s: ModelSpec, b: TokenBatch): tf.Scalar {
  const from = firstLabel(b);
  const Lo = b.L - from;
  const target = new Float32Array(b.B * Lo * s.classes);
  let count = 0;
  for (let r = 0; r < b.B; r++)
    for (let t = from; t < b.L; t++) {
      const y = b.labels[r * b.L + t]!;
      if (y < 0) continue;
      target[(r * Lo + t - from) * s.classes + y] = 1;
      count++;
    }
  if (count === 0) throw new Error("lossOn: the batch has no labelled position");
  const logits = tf.reshape(forward(p, s, tf.tensor2d(b.tokens, [b.B, b.L], "int32"), from), [b.B * Lo, s.classes]);
  const logp = tf.logSoftmax(logits);
  return tf.div(tf.neg(tf.sum(tf.mul(logp, tf.tensor2d(target, [b.B * Lo, s.classes])))), count) as tf.Scalar;
}

/** The first position that carries a label in any row. */
function firstLabel(b: TokenBatch): number {
  let from = b.L;
  for (let i = 0; i < b.labels.length; i++) if (b.labels[i]! >= 0) from = Math.min(from, i % b.L);
  return from === b.L ? 0 : from;
}

/** Token and sequence accuracy of the model on a batch (sequence: every labelled position right). */
export function accuracy(p: Params, s: ModelSpec, b: TokenBatch, chunk = 100): { tokenAcc: number; seqAcc: number } {
  let right = 0;
  let total = 0;
  let seqRight = 0;
  for (let start = 0; start < b.B; start += chunk) {
    const n = Math.min(chunk, b.B - start);
    const pred = tf.tidy(() => {
      const toks = tf.tensor2d(b.tokens.subarray(start * b.L, (start + n) * b.L), [n, b.L], "int32");
      return tf.argMax(forward(p, s, toks), 2).dataSync() as Int32Array;
    });
    for (let r = 0; r < n; r++) {
      let ok = true;
      for (let t = 0; t < b.L; t++) {
        const y = b.labels[(start + r) * b.L + t]!;
        if (y < 0) continue;
        total++;
        if (pred[r * b.L + t] === y) right++;
        else ok = false;
      }
      if (ok) seqRight++;
    }
  }
  return { tokenAcc: right / total, seqAcc: seqRight / b.B };
}

export function trainSequenceModel(spec: TrainSpec, o: { onStep?: (step: number, loss: number) => void } = {}): TrainResult {
  if (!(spec.steps >= 1 && spec.batch >= 1))
    throw new Error(`trainSequenceModel: steps and batch must be ≥ 1, got ${spec.steps}, ${spec.batch}`);
  const t0 = process.cpuUsage();
  const rng = new Rng(spec.seed);
  const params = initParams(spec.model, rng.split());
  const data = rng.split();
  const heldOut = batchFor(spec.task, spec.evalSize, new Rng(1_000_003 + spec.seed));
  const vars = paramList(params);
  const adam = new Adam(vars, { weightDecay: spec.weightDecay, clipGlobalNorm: spec.clip });
  const warmup = Math.round(0.1 * spec.steps);
  const loss: { step: number; loss: number }[] = [];
  const evals: EvalPoint[] = [];
  const lossEvery = Math.max(1, Math.round(spec.steps / 100));
  let acc = 0;
  let accN = 0;
  try {
    for (let step = 0; step < spec.steps; step++) {
      const b = batchFor(spec.task, spec.batch, data);
      const value = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => lossOn(params, spec.model, b), vars);
        adam.step(
          vars.map((v) => grads[v.name]!),
          learningRate(step, { base: spec.lr, total: spec.steps, warmup }),
        );
        return value.dataSync()[0]!;
      });
      if (!Number.isFinite(value)) throw new Error(`trainSequenceModel: the loss is ${value} at step ${step} (seed ${spec.seed})`);
      acc += value;
      accN++;
      if (accN === lossEvery || step === spec.steps - 1) {
        loss.push({ step, loss: acc / accN });
        acc = 0;
        accN = 0;
      }
      o.onStep?.(step, value);
      if ((step + 1) % spec.evalEvery === 0 || step === spec.steps - 1)
        evals.push({ step: step + 1, acc: accuracy(params, spec.model, heldOut).tokenAcc });
    }
    let lengths: TrainResult["lengths"];
    if (spec.task.kind === "s3") {
      const task = spec.task;
      lengths = task.evalLengths.map((L, i) => ({
        L,
        ...accuracy(params, spec.model, batchFor(task, spec.evalSize, new Rng(2_000_003 + 7919 * i + spec.seed), L), 50),
      }));
    }
    const u = process.cpuUsage(t0);
    return { spec, loss, evals, finalAcc: evals[evals.length - 1]!.acc, lengths, cpuSeconds: (u.user + u.system) / 1e6 };
  } finally {
    adam.dispose();
    vars.forEach((v) => v.dispose());
  }
}
