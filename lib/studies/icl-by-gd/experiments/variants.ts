/**
 * V8 (A.12) and V9 (A.9): models trained on a fixed set of B tasks, and softmax attention with one
 * or two heads, each measured against one GD step (η of V2) on fresh tasks, in and out of
 * distribution (input range 2: x ~ U(−1, 1)).
 */
import { Rng } from "../../../core/rng";
import { alignment, halfMse, type Alignment } from "../../../topics/icl/alignment";
import { gdOneStep } from "../../../topics/icl/gd-plus";
import { stackPredict } from "../../../topics/icl/lsa-stack";
import { sampleTasks } from "../../../topics/icl/tasks";
import { voSpec } from "../../../topics/icl/vo-data";
import type { TrainedModel } from "./trained";

export interface VariantRow {
  label: string;
  lossTF: number;
  lossTFSe: number;
  lossGD: number;
  align: Alignment;
  /** Out of distribution (input range `oodRange`): loss(TF)/loss(GD). */
  oodRatio: number;
  /** Last training-batch loss (for a fixed set: the training loss). */
  trainLoss: number;
}

export function runVariants(o: { models: TrainedModel[]; eta: number; tasks: number; seed: number; oodRange: number }): VariantRow[] {
  const { d, n } = o.models[0]!.job;
  const batch = sampleTasks(voSpec({ d, n }), o.tasks, new Rng(o.seed));
  const ood = sampleTasks(voSpec({ d, n, inputRange: o.oodRange }), o.tasks, new Rng(o.seed + 1));
  const gd = gdOneStep(batch, o.eta);
  const gdOod = halfMse(gdOneStep(ood, o.eta).yhat, ood.yq).loss;
  const lossGD = halfMse(gd.yhat, batch.yq).loss;
  return o.models.map((m) => {
    const p = stackPredict(m.stack, batch, { grad: true });
    const tf = halfMse(p.yhat, batch.yq);
    const last = m.trainCurve[m.trainCurve.length - 1];
    return {
      label: m.label,
      lossTF: tf.loss,
      lossTFSe: tf.se,
      lossGD,
      align: alignment({ yhat: p.yhat, grad: p.grad! }, gd, d),
      oodRatio: halfMse(stackPredict(m.stack, ood).yhat, ood.yq).loss / gdOod,
      trainLoss: last ? last.loss : Number.NaN,
    };
  });
}
