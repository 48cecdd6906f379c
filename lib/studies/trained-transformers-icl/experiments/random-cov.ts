/**
 * Z8: random covariances (Zhang et al. §4.3, Thm 4.5). Training tasks draw Λ_τ = diag(λ), λ_j iid
 * Exponential(1), and x | Λ_τ ~ N(0, Λ_τ). Thm 4.5: the trained preconditioner is the scalar
 * G = Eλ²/((N+1)/N Eλ³ + E[tr Λ λ²]/N) (→ Eλ²/Eλ³ = 1/3 as N → ∞), so on a new prompt ŷ ≈ G x_qᵀΛ_new w
 * and the layer does not learn the linear model (OLS's slope is 1). Measured: the trained layers'
 * G, a least-squares fit of G on the same distribution, and the slope of ŷ with x_q drawn
 * independently of Λ_new (= G) and with x_q ~ N(0, Λ_new) (slope on y_q = G·Eλ²/Eλ = 2G; notes Z8).
 */
import { Rng } from "../../../core/rng";
import { exponentialMoments } from "../../../topics/icl/closed-forms";
import { fitPreconditionerMC, type PreconditionerFit } from "../../../topics/icl/monte-carlo";
import { olsPredictor, type Predictor } from "../../../topics/icl/predictors";
import { evaluateMC, type ShiftEstimate } from "../../../topics/icl/shift";
import type { TaskSpec } from "../../../topics/icl/tasks";
import { zhangRandomCov } from "../../../topics/icl/zhang";
import type { TrainedModel } from "./trained";

export interface RandomCovResult {
  d: number;
  N: number;
  M: number;
  theory: ReturnType<typeof zhangRandomCov>;
  models: TrainedModel[];
  fit: PreconditionerFit;
  /** x_q ~ N(0, I) independent of Λ_new, slope of ŷ on ⟨w, x_q⟩. */
  independent: Record<string, ShiftEstimate>;
  /** x_q ~ N(0, Λ_new), slope of ŷ on y_q. */
  fromLambda: Record<string, ShiftEstimate>;
}

/** The training distribution of Z8. */
export const randomCovSpec = (d: number, N: number): TaskSpec => ({ d, n: N, x: { kind: "gaussDiagRandom" }, w: { kind: "iso" } });

export function runRandomCov(o: {
  d: number;
  N: number;
  M: number;
  models: TrainedModel[];
  fitTasks: number;
  evalTasks: number;
  seed: number;
}): RandomCovResult {
  const spec = randomCovSpec(o.d, o.N);
  const models = o.models;
  for (const m of models)
    if (m.spec.x.kind !== "gaussDiagRandom") throw new Error("runRandomCov: the layers must be trained on random covariances");
  const fit = fitPreconditionerMC(spec, { tasks: o.fitTasks, rng: new Rng(o.seed) });
  const preds: Record<string, Predictor> = { ols: olsPredictor() };
  models.forEach((m, i) => (preds[`trained${i}`] = m.predictor));
  const test: TaskSpec = { ...spec, n: o.M };
  const independent = evaluateMC(test, preds, { tasks: o.evalTasks, rng: new Rng(o.seed + 1), query: { kind: "gauss" } });
  const fromLambda = evaluateMC(test, preds, { tasks: o.evalTasks, rng: new Rng(o.seed + 2), slopeOn: "label" });
  return {
    d: o.d,
    N: o.N,
    M: o.M,
    theory: zhangRandomCov({ N: o.N, d: o.d, ...exponentialMoments(1) }),
    models,
    fit,
    independent,
    fromLambda,
  };
}
