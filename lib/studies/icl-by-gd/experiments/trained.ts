/**
 * The trained models of this study, trained as the official code does (lib/topics/icl/train-stack.ts):
 * separate W_K, W_Q, W_V, P, init_scale 0.002/K, Adam b1 0.9 / b2 0.98, lr 1e-3, gradient global-norm
 * clip 0.001 (≤ 2 layers), loss ½·mean(ŷ − y)², fresh tasks every step (or a fixed set, A.12).
 * Batch size and step count are cut for this machine (docs/notes/icl-by-gd.md, "Scale").
 */
import { mapJobs } from "../../../core/grid/map";
import { Rng } from "../../../core/rng";
import type { LsaStack } from "../../../topics/icl/lsa-stack";
import { trainStack, type EvalPoint, type StackShape } from "../../../topics/icl/train-stack";
import { voSpec } from "../../../topics/icl/vo-data";

export interface TrainSettings {
  steps: number;
  batch: number;
  lr: number;
  /** Learning-rate schedule: the code's constant, or cosine decay to 0 (our shorter runs). */
  schedule: "constant" | "cosine";
  /** Validation loss and alignment every this many steps, on evalTasks tasks. */
  evalEvery: number;
  evalTasks: number;
}

export interface TrainJob {
  seed: number;
  label: string;
  d: number;
  n: number;
  shape: StackShape;
  train: TrainSettings;
  /** GD step size the alignment is measured against (the line-searched η of V2). */
  gdEta: number;
  /** A fixed training set of this many tasks (A.12). */
  fixedTasks?: number;
}

export interface TrainedModel {
  label: string;
  seed: number;
  job: TrainJob;
  stack: LsaStack;
  /** Batch loss, averaged over windows of `window` steps. */
  trainCurve: { step: number; loss: number }[];
  evals: EvalPoint[];
  seconds: number;
}

/** Trains one job (the grid's run function). */
export function trainJob(job: TrainJob): TrainedModel {
  const t0 = Date.now();
  const r = trainStack({
    spec: voSpec({ d: job.d, n: job.n }),
    shape: job.shape,
    steps: job.train.steps,
    batch: job.fixedTasks ?? job.train.batch,
    rng: new Rng(job.seed),
    lr: job.train.lr,
    schedule: job.train.schedule,
    beta1: 0.9,
    beta2: 0.98,
    clipGlobalNorm: job.shape.depth <= 2 ? 0.001 : 10,
    initScale: 0.002 / job.shape.depth,
    fixedTasks: job.fixedTasks,
    evalEvery: job.train.evalEvery,
    evalTasks: job.train.evalTasks,
    gdEta: job.gdEta,
  });
  const window = Math.max(1, Math.floor(job.train.steps / 50));
  const trainCurve: { step: number; loss: number }[] = [];
  for (let s = 0; s + window <= r.trainLoss.length; s += window) {
    let m = 0;
    for (let k = s; k < s + window; k++) m += r.trainLoss[k]!;
    trainCurve.push({ step: s + window, loss: m / window });
  }
  return { label: job.label, seed: job.seed, job, stack: r.stack, trainCurve, evals: r.evals, seconds: (Date.now() - t0) / 1000 };
}

/** Trains several models on worker threads (core grid mapJobs); each job carries its seed. */
export async function trainMany(jobs: TrainJob[], workers?: number): Promise<TrainedModel[]> {
  return mapJobs<TrainJob, TrainedModel>({ study: "icl-by-gd", grid: "train", specs: jobs, workers, label: "training the models" });
}
