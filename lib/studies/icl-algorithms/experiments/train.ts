/**
 * One training run of the study's grid: a causal transformer (lib/topics/icl/gpt.ts) trained on
 * fresh prompts, then queried on a fixed evaluation set that the notebook regenerates from the same
 * seeds: predictions at every x position (for SPD and the error curves) and at probe points after a
 * few prefix lengths (for ILWD). The grid stores only these numbers, so the reference learners and
 * the metrics can change without invalidating hours of training.
 */
import { NormalStream } from "../../../core/normal";
import { Rng } from "../../../core/rng";
import { disposeGpt } from "../../../topics/icl/gpt";
import { gptPredictAll, gptProbePredictions, trainGpt } from "../../../topics/icl/gpt-train";
import { prepareSpec, sampleTasks, type TaskBatch, type TaskSpec } from "../../../topics/icl/tasks";

export interface TrainJob {
  /** Seed of the initial weights and the training data. */
  seed: number;
  label: string;
  d: number;
  /** Pairs per prompt (training and evaluation). */
  n: number;
  /** Label noise variance σ² (τ² = 1). */
  sigma2: number;
  layers: number;
  width: number;
  heads: number;
  steps: number;
  batch: number;
  lr: number;
  warmup: number;
  /** The evaluation set: prompts, probes per prompt, prefixes probed, and its seed. */
  evalSeed: number;
  evalTasks: number;
  probeTasks: number;
  probeK: number;
  prefixes: number[];
}

export interface TrainOutput {
  /** Mean training loss per block of `lossEvery` steps. */
  lossCurve: number[];
  lossEvery: number;
  /** [evalTasks·n] predictions at every x position (layout of prefixPredictions). */
  evalPreds: number[];
  /** [probeTasks·P·K] predictions at the probes (layout of learnerProbePredictions). */
  probePreds: number[];
}

export function taskSpec(job: Pick<TrainJob, "d" | "n" | "sigma2">): TaskSpec {
  return { d: job.d, n: job.n, x: { kind: "gauss" }, w: { kind: "iso", tau2: 1 }, sigma2: job.sigma2 };
}

/** The evaluation prompts and the probes (x' ~ N(0, I), K per prompt) of a job; the notebook calls this too. */
export function evaluationSet(job: Pick<TrainJob, "d" | "n" | "sigma2" | "evalSeed" | "evalTasks" | "probeTasks" | "probeK">): {
  tasks: TaskBatch;
  probeBatch: TaskBatch;
  probes: Float32Array;
} {
  const rng = new Rng(job.evalSeed);
  const tasks = sampleTasks(prepareSpec(taskSpec(job)), job.evalTasks, rng.split());
  const probeBatch = sampleTasks(prepareSpec(taskSpec(job)), job.probeTasks, rng.split());
  const probes = new Float32Array(job.probeTasks * job.probeK * job.d);
  new NormalStream(rng.split()).fillNormal(probes);
  return { tasks, probeBatch, probes };
}

/** Trains and evaluates one job (float32 predictions stored as plain numbers). */
export function runTrainJob(job: TrainJob): TrainOutput {
  const r = trainGpt({
    model: { d: job.d, layers: job.layers, width: job.width, heads: job.heads, maxPairs: job.n },
    spec: taskSpec(job),
    steps: job.steps,
    batch: job.batch,
    lr: job.lr,
    warmup: job.warmup,
    rng: new Rng(job.seed),
  });
  try {
    const ev = evaluationSet(job);
    const evalPreds = Array.from(gptPredictAll(r.model, ev.tasks));
    const probePreds = Array.from(
      gptProbePredictions(r.model, { batch: ev.probeBatch, prefixes: job.prefixes, probes: ev.probes, K: job.probeK }),
    );
    return { lossCurve: r.lossCurve, lossEvery: r.lossEvery, evalPreds, probePreds };
  } finally {
    disposeGpt(r.model);
  }
}
