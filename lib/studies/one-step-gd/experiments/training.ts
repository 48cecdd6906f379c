/**
 * Notebook section "M3": one merged LSA layer trained by Adam from random init on isotropic noisy
 * regression, several seeds, each evaluated against GD(η*) on shared fresh tasks.
 */
import { etaStar, riskStar, riskOLS } from "../../../topics/icl/closed-forms";
import { trainAndEvaluate, type TrainedLsa, type TrainSettings } from "../../../topics/icl/evaluate";
import { diagMatrix, type Matrix } from "../../../core/linalg";
import { gdPredictor } from "../../../topics/icl/predictors";
import type { TaskSpec } from "../../../topics/icl/tasks";

export interface TrainingResult {
  d: number;
  n: number;
  sigma2: number;
  /** η* = n/(n+d+1+σ²) and η*·I, the target of Γ_eff. */
  eta: number;
  target: Matrix;
  /** MSE of GD(η*), of OLS and of the zero predictor (closed forms), for the loss-curve baselines. */
  riskGD: number;
  riskOLS: number;
  riskZero: number;
  runs: TrainedLsa[];
}

export function runTraining(o: { d: number; n: number; sigma2: number; seeds: number[]; train: TrainSettings }): TrainingResult {
  const spec: TaskSpec = { d: o.d, n: o.n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: o.sigma2 };
  const eta = etaStar(o);
  const runs = o.seeds.map((seed) =>
    trainAndEvaluate({ ...o.train, spec, seed, reference: gdPredictor({ eta }), label: `M3 seed ${seed}` }),
  );
  return {
    d: o.d,
    n: o.n,
    sigma2: o.sigma2,
    eta,
    target: diagMatrix(new Array<number>(o.d).fill(eta)),
    riskGD: riskStar(o),
    riskOLS: riskOLS(o),
    riskZero: o.d + o.sigma2,
    runs,
  };
}
