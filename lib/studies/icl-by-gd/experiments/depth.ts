/**
 * V7 (§4, A.10): a recurrent two-layer LSA against two GD steps (line-searched η) and two GD++ steps
 * (fitted η, γ), on the same fresh tasks; the γ the trained model implements; and the best GD++ γ
 * for N ∈ {10, 25, 50, 100} beside the paper's γ read off its trained models.
 */
import { Rng } from "../../../core/rng";
import { halfMse } from "../../../topics/icl/alignment";
import { fitGdPlusPlus, gdppCoefficients, gdStack, lineSearchEta } from "../../../topics/icl/gd-plus";
import { mergedOf, stackPredict } from "../../../topics/icl/lsa-stack";
import { sampleTasks } from "../../../topics/icl/tasks";
import { voSpec } from "../../../topics/icl/vo-data";
import type { TrainedModel } from "./trained";

export interface DepthResult {
  label: string;
  lossTF: number;
  lossTFSe: number;
  lossGD1: number;
  lossGD2: number;
  etaGD2: number;
  lossGDpp: number;
  etaGDpp: number;
  gammaGDpp: number;
  /** Paired SE of loss(TF) − loss(GD++) on the same tasks. */
  diffSe: number;
  /** γ read off the trained layer: −tr(V_xx Q_xx)/d with V = P W_V, Q = W_KᵀW_Q normalised by the y-slot gain. */
  gammaTF: number;
}

/**
 * Reading γ off a trained layer: in the construction V_xx Q_xx = −γ I and V_yy Q_xx... the GD part is
 * −(η/N); both are invariant to the W_KQ ↔ W_PV rescaling, so γ = −tr(V_xx Q_xx)/d.
 */
export function gammaOf(m: TrainedModel): number {
  const { Wkq, Wpv } = mergedOf(m.stack.layers[0]![0]!);
  const d = Wkq.length - 1;
  let tr = 0;
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) tr += Wpv[i]![k]! * Wkq[k]![i]!;
  return -tr / d;
}

export function runDepth(o: { model: TrainedModel; tasks: number; seed: number }): DepthResult {
  const { d, n } = o.model.job;
  const batch = sampleTasks(voSpec({ d, n }), o.tasks, new Rng(o.seed));
  const c = gdppCoefficients(batch);
  const gd1 = lineSearchEta(c, { steps: 1 });
  const gd2 = lineSearchEta(c, { steps: 2 });
  const pp = fitGdPlusPlus(c);
  const p = stackPredict(o.model.stack, batch);
  const tf = halfMse(p.yhat, batch.yq);
  const ppPred = stackPredict(gdStack({ d, n, eta: pp.eta, gamma: pp.gamma, depth: 2 }), batch).yhat;
  const diff = new Float64Array(batch.B);
  for (let t = 0; t < batch.B; t++) diff[t] = 0.5 * ((p.yhat[t]! - batch.yq[t]!) ** 2 - (ppPred[t]! - batch.yq[t]!) ** 2);
  const md = diff.reduce((s, v) => s + v, 0) / batch.B;
  const diffSe = Math.sqrt(diff.reduce((s, v) => s + (v - md) ** 2, 0) / (batch.B - 1) / batch.B);
  return {
    label: o.model.label,
    lossTF: tf.loss,
    lossTFSe: tf.se,
    lossGD1: gd1.lossRefined,
    lossGD2: gd2.lossRefined,
    etaGD2: gd2.etaRefined,
    lossGDpp: pp.loss,
    etaGDpp: pp.eta,
    gammaGDpp: pp.gamma,
    diffSe,
    gammaTF: gammaOf(o.model),
  };
}

export interface GammaRow {
  n: number;
  gammaFit: number;
  etaFit: number;
  lossGDpp: number;
  lossGD2: number;
  /** The paper's γ read off trained recurrent two-layer models (A.10). */
  gammaPaper: number;
}

export const PAPER_GAMMA: Record<number, number> = { 10: 0.179, 25: 0.099, 50: 0.056, 100: 0.029 };

export function runGammaVsN(o: { d: number; ns: number[]; tasks: number; seed: number }): GammaRow[] {
  return o.ns.map((n) => {
    const c = gdppCoefficients(sampleTasks(voSpec({ d: o.d, n }), o.tasks, new Rng(o.seed + n)));
    const pp = fitGdPlusPlus(c, { gammaMax: 0.5 });
    const gd2 = lineSearchEta(c, { steps: 2 });
    return { n, gammaFit: pp.gamma, etaFit: pp.eta, lossGDpp: pp.loss, lossGD2: gd2.lossRefined, gammaPaper: PAPER_GAMMA[n] ?? Number.NaN };
  });
}
