/**
 * The rows of the notebook's tables (flat objects; numbers stay numbers so results.csv keeps full
 * precision).
 */
import type { Row } from "../../core/results";
import type { ConstructionRow, EtaResult } from "./experiments/line-search";
import type { AlignRow } from "./experiments/align";
import type { OodRow } from "./experiments/ood";
import type { DampCurve } from "./experiments/damp";
import type { DepthResult, GammaRow } from "./experiments/depth";
import type { VariantRow } from "./experiments/variants";
import type { TrainedModel } from "./experiments/trained";

export const constructionRows = (rows: ConstructionRow[]): Row[] => rows.map((r) => ({ ...r }));

export function etaRows(rs: EtaResult[]): Row[] {
  return rs.map((r) => ({
    data: `x ~ U(−${r.inputRange / 2}, ${r.inputRange / 2})`,
    tasks: r.tasks,
    eta_grid: r.eta,
    eta_over_N: r.eta / r.n,
    eta_refined: r.etaRefined,
    eta_theory: r.etaTheory,
    half_mse: r.loss,
    half_mse_se: r.lossSe,
    half_mse_theory: r.lossTheory,
    zero_predictor: r.zeroLoss,
  }));
}

export function trainedRows(models: TrainedModel[]): Row[] {
  return models.map((m) => {
    const last = m.evals[m.evals.length - 1];
    return {
      model: m.label,
      seed: m.seed,
      attention: m.job.shape.attention,
      layers: m.job.shape.depth,
      heads: m.job.shape.heads,
      steps: m.job.train.steps,
      batch: m.job.fixedTasks ?? m.job.train.batch,
      fixed_set: m.job.fixedTasks ?? null,
      final_val_loss: last ? last.loss : null,
      seconds: Math.round(m.seconds),
    };
  });
}

export function alignRows(rows: AlignRow[]): Row[] {
  return rows.map((r) => ({
    seed: r.seed,
    loss_tf: r.lossTF,
    loss_gd: r.lossGD,
    rel_gap: r.lossTF / r.lossGD - 1,
    gap_se: r.diffSe / r.lossGD,
    model_cos: r.align.modelCos,
    preds_diff: r.align.predsDiff,
    model_diff: r.align.modelDiff,
    loss_interp: r.lossInterp,
    beta: r.beta,
  }));
}

export const oodRows = (rows: OodRow[]): Row[] => rows.map((r) => ({ ...r }));

export function dampRows(curves: DampCurve[]): Row[] {
  const pick = [1, 2, 5, 10, 20, 50];
  return curves.map((c) => {
    const row: Row = { model: c.model, lambda: c.damp };
    for (const k of pick) if (k <= c.loss.length) row[`after_${k}`] = c.loss[k - 1]!;
    return row;
  });
}

export function depthRows(r: DepthResult): Row[] {
  return [
    { model: "trained recurrent 2-layer LSA", loss: r.lossTF, eta: null, gamma: r.gammaTF },
    { model: "GD, 1 step (line search)", loss: r.lossGD1, eta: null, gamma: null },
    { model: "GD, 2 steps (line search)", loss: r.lossGD2, eta: r.etaGD2, gamma: 0 },
    { model: "GD++, 2 steps (fitted η, γ)", loss: r.lossGDpp, eta: r.etaGDpp, gamma: r.gammaGDpp },
  ];
}

export const gammaRows = (rows: GammaRow[]): Row[] => rows.map((r) => ({ ...r }));

export function variantRows(rows: VariantRow[]): Row[] {
  return rows.map((r) => ({
    model: r.label,
    train_loss: r.trainLoss,
    loss_tf: r.lossTF,
    loss_gd: r.lossGD,
    ratio: r.lossTF / r.lossGD,
    model_cos: r.align.modelCos,
    preds_diff: r.align.predsDiff,
    model_diff: r.align.modelDiff,
    ood_ratio: r.oodRatio,
  }));
}
