/**
 * von Oswald et al.'s three alignment metrics between a trained model and GD (notes §4a), computed
 * as the official code does: means over tasks of UNSQUARED norms, 1e-8 added to the cosine's
 * denominator, gradients with respect to the x-part of the query token.
 *   preds diff = mean_τ |ŷ_θ − ŷ_GD|
 *   model cos  = mean_τ ⟨∂ŷ_θ/∂x_q, ∂ŷ_GD/∂x_q⟩ / (‖∂ŷ_θ/∂x_q‖ ‖∂ŷ_GD/∂x_q‖ + 1e-8)
 *   model diff = mean_τ ‖∂ŷ_GD/∂x_q − ∂ŷ_θ/∂x_q‖
 * and the interpolation θ_I of A.3.
 */
import { standardError } from "../../core/stats";
import type { Matrix } from "../../core/linalg";

export interface ModelOutputs {
  /** [B] predictions. */
  yhat: ArrayLike<number>;
  /** [B, d] ∂ŷ/∂x_q. */
  grad: ArrayLike<number>;
}

export interface Alignment {
  predsDiff: number;
  modelCos: number;
  modelDiff: number;
  /** Standard errors over tasks of the three means. */
  se: { predsDiff: number; modelCos: number; modelDiff: number };
}

export function alignment(a: ModelOutputs, b: ModelOutputs, d: number): Alignment {
  const B = a.yhat.length;
  if (b.yhat.length !== B) throw new Error(`alignment: the two models have ${B} and ${b.yhat.length} predictions`);
  if (a.grad.length !== B * d || b.grad.length !== B * d)
    throw new Error(`alignment: gradients must be [B, d] = ${B * d} numbers, got ${a.grad.length} and ${b.grad.length}`);
  const pd = new Float64Array(B);
  const cs = new Float64Array(B);
  const md = new Float64Array(B);
  for (let t = 0; t < B; t++) {
    pd[t] = Math.abs(a.yhat[t]! - b.yhat[t]!);
    let dot = 0;
    let na = 0;
    let nb = 0;
    let diff = 0;
    for (let j = 0; j < d; j++) {
      const u = a.grad[t * d + j]!;
      const v = b.grad[t * d + j]!;
      dot += u * v;
      na += u * u;
      nb += v * v;
      diff += (u - v) ** 2;
    }
    cs[t] = dot / (Math.sqrt(na) * Math.sqrt(nb) + 1e-8);
    md[t] = Math.sqrt(diff);
  }
  const m = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / B;
  return {
    predsDiff: m(pd),
    modelCos: m(cs),
    modelDiff: m(md),
    se: { predsDiff: standardError(pd), modelCos: standardError(cs), modelDiff: standardError(md) },
  };
}

/** ½·mean (ŷ − y)², the code's loss scale, with its standard error over tasks. */
export function halfMse(yhat: ArrayLike<number>, y: ArrayLike<number>): { loss: number; se: number } {
  const B = yhat.length;
  if (y.length !== B) throw new Error(`halfMse: ${B} predictions but ${y.length} targets`);
  const e = new Float64Array(B);
  for (let t = 0; t < B; t++) e[t] = 0.5 * (yhat[t]! - y[t]!) ** 2;
  return { loss: e.reduce((s, v) => s + v, 0) / B, se: standardError(e) };
}

/**
 * Interpolation (A.3): β = mean of the first d diagonal entries of the trained W_KQ; rescale the
 * trained layer to W_KQ/β, W_PV·β (the same function), then average entrywise with the GD weights.
 */
export function interpolateMerged(
  trained: { Wkq: Matrix; Wpv: Matrix },
  gd: { Wkq: Matrix; Wpv: Matrix },
): { Wkq: Matrix; Wpv: Matrix; beta: number } {
  const D = trained.Wkq.length;
  if (gd.Wkq.length !== D) throw new Error(`interpolateMerged: trained layer has size ${D}, GD layer ${gd.Wkq.length}`);
  let beta = 0;
  for (let i = 0; i < D - 1; i++) beta += trained.Wkq[i]![i]!;
  beta /= D - 1;
  if (!(Math.abs(beta) > 0)) throw new Error("interpolateMerged: the trained W_KQ has a zero mean diagonal; nothing to rescale by");
  const avg = (A: Matrix, B: Matrix, s: number) => A.map((r, i) => r.map((v, j) => (B[i]![j]! + v * s) / 2));
  return { Wkq: avg(trained.Wkq, gd.Wkq, 1 / beta), Wpv: avg(trained.Wpv, gd.Wpv, beta), beta };
}
