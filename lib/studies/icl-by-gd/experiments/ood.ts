/**
 * V5 (A.2): the trained layer and GD (η from the training distribution) on inputs and teachers the
 * model never saw: input range α (x ~ U(−α/2, α/2)), teacher scale α (w ~ N(0, α²I)), and the code's
 * unseen input distributions (exponential / normal / Laplace, context normalised to Frobenius norm α).
 */
import { Rng } from "../../../core/rng";
import { halfMse } from "../../../topics/icl/alignment";
import { gdOneStep } from "../../../topics/icl/gd-plus";
import { stackPredict, type LsaStack } from "../../../topics/icl/lsa-stack";
import { sampleTasks, type TaskBatch } from "../../../topics/icl/tasks";
import { sampleOodTasks, voSpec } from "../../../topics/icl/vo-data";

export type OodKind = "input range" | "teacher scale" | "unseen distributions";

export interface OodRow {
  kind: OodKind;
  alpha: number;
  lossTF: number;
  lossGD: number;
  /** loss(TF)/loss(GD). */
  ratio: number;
}

export function runOod(o: {
  stack: LsaStack;
  d: number;
  n: number;
  eta: number;
  tasks: number;
  seed: number;
  inputAlphas: number[];
  teacherAlphas: number[];
  oodAlphas: number[];
}): OodRow[] {
  const rows: OodRow[] = [];
  const evalOn = (kind: OodKind, alpha: number, batch: TaskBatch) => {
    const tf = halfMse(stackPredict(o.stack, batch).yhat, batch.yq).loss;
    const gd = halfMse(gdOneStep(batch, o.eta).yhat, batch.yq).loss;
    rows.push({ kind, alpha, lossTF: tf, lossGD: gd, ratio: tf / gd });
  };
  // the same seed at every α: the curves are paired across α and between TF and GD
  for (const a of o.inputAlphas) evalOn("input range", a, sampleTasks(voSpec({ d: o.d, n: o.n, inputRange: a }), o.tasks, new Rng(o.seed)));
  for (const a of o.teacherAlphas) evalOn("teacher scale", a, sampleTasks(voSpec({ d: o.d, n: o.n, wScale: a }), o.tasks, new Rng(o.seed)));
  for (const a of o.oodAlphas)
    evalOn("unseen distributions", a, sampleOodTasks({ d: o.d, n: o.n, inputRange: a, B: o.tasks, rng: new Rng(o.seed) }));
  return rows;
}
