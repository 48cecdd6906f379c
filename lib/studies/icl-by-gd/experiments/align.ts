/**
 * V3 and V4: a trained one-layer LSA against one GD step with the line-searched η on fresh tasks
 * (loss and the code's three alignment metrics), and the interpolation θ_I of A.3.
 */
import { Rng } from "../../../core/rng";
import { alignment, halfMse, interpolateMerged, type Alignment } from "../../../topics/icl/alignment";
import { gdOneStep, gdStack, stackFromMerged } from "../../../topics/icl/gd-plus";
import { mergedOf, stackPredict } from "../../../topics/icl/lsa-stack";
import { sampleTasks } from "../../../topics/icl/tasks";
import { voSpec } from "../../../topics/icl/vo-data";
import type { TrainedModel } from "./trained";

export interface AlignRow {
  label: string;
  seed: number;
  lossTF: number;
  lossTFSe: number;
  lossGD: number;
  /** Paired SE of loss(TF) − loss(GD) on the same tasks. */
  diffSe: number;
  align: Alignment;
  /** Scales the metrics are read against: mean |ŷ_GD| and mean ‖∂ŷ_GD/∂x_q‖. */
  meanAbsGD: number;
  meanGradNormGD: number;
  lossInterp: number;
  beta: number;
}

export function runAlignment(o: { models: TrainedModel[]; eta: number; tasks: number; seed: number }): AlignRow[] {
  const m0 = o.models[0]!;
  const { d, n } = m0.job;
  const batch = sampleTasks(voSpec({ d, n }), o.tasks, new Rng(o.seed));
  const gd = gdOneStep(batch, o.eta);
  const lossGD = halfMse(gd.yhat, batch.yq).loss;
  let meanAbsGD = 0;
  let meanGradNormGD = 0;
  for (let t = 0; t < batch.B; t++) {
    meanAbsGD += Math.abs(gd.yhat[t]!) / batch.B;
    let s = 0;
    for (let j = 0; j < d; j++) s += gd.grad[t * d + j]! ** 2;
    meanGradNormGD += Math.sqrt(s) / batch.B;
  }
  const gdMerged = mergedOf(gdStack({ d, n, eta: o.eta }).layers[0]![0]!);
  return o.models.map((m) => {
    const p = stackPredict(m.stack, batch, { grad: true });
    const tf = halfMse(p.yhat, batch.yq);
    const diff = new Float64Array(batch.B);
    for (let t = 0; t < batch.B; t++) diff[t] = 0.5 * ((p.yhat[t]! - batch.yq[t]!) ** 2 - (gd.yhat[t]! - batch.yq[t]!) ** 2);
    const md = diff.reduce((s, v) => s + v, 0) / batch.B;
    const diffSe = Math.sqrt(diff.reduce((s, v) => s + (v - md) ** 2, 0) / (batch.B - 1) / batch.B);
    const interp = interpolateMerged(mergedOf(m.stack.layers[0]![0]!), gdMerged);
    const pi = stackPredict(stackFromMerged([interp]), batch);
    return {
      label: m.label,
      seed: m.seed,
      lossTF: tf.loss,
      lossTFSe: tf.se,
      lossGD,
      diffSe,
      align: alignment({ yhat: p.yhat, grad: p.grad! }, gd, d),
      meanAbsGD,
      meanGradNormGD,
      lossInterp: halfMse(pi.yhat, batch.yq).loss,
      beta: interp.beta,
    };
  });
}
