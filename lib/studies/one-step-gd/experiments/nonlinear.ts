/**
 * Notebook section "M7": nonlinear teachers. No closed form: the reference is GD with the
 * ratio-formula η*, and G ≈ c·I is checked on a least-squares fit and on trained layers.
 */
import { Rng } from "../../../core/rng";
import { trainAndEvaluate, type TrainedLsa, type TrainSettings } from "../../../topics/icl/evaluate";
import { etaStarMC, fitPreconditionerMC, riskMC, type PreconditionerFit } from "../../../topics/icl/monte-carlo";
import { gdPredictor } from "../../../topics/icl/predictors";
import type { TaskSpec } from "../../../topics/icl/tasks";

export interface NonlinearResult {
  name: string;
  spec: TaskSpec;
  /** Ratio-formula η* (the only "theory" available for a nonlinear teacher [D]). */
  etaMC: number;
  etaSe: number;
  /** Least-squares G (should be ≈ η*_MC · I). */
  fit: PreconditionerFit;
  /** Trained layers, each evaluated against GD(η*_MC) on shared tasks. */
  trained: TrainedLsa[];
  /** MSE of the zero predictor (E y_q²), for scale. */
  zeroRisk: number;
}

export function runNonlinear(o: {
  name: string;
  spec: TaskSpec;
  etaTasks: number;
  fitTasks: number;
  seed: number;
  seeds: number[];
  train: TrainSettings;
}): NonlinearResult {
  const rng = new Rng(o.seed);
  const mc = etaStarMC(o.spec, { tasks: o.etaTasks, rng: rng.split() });
  const fit = fitPreconditionerMC(o.spec, { tasks: o.fitTasks, rng: rng.split() });
  const gd = gdPredictor({ eta: mc.eta });
  const trained = o.seeds.map((seed) =>
    trainAndEvaluate({ ...o.train, spec: o.spec, seed, reference: gd, label: `${o.name}, seed ${seed}` }),
  );
  const zero = riskMC(o.spec, { zero: (b) => new Float64Array(b.B) }, { tasks: o.train.riskTasks, rng: rng.split() });
  return { name: o.name, spec: o.spec, etaMC: mc.eta, etaSe: mc.se, fit, trained, zeroRisk: zero.risks.zero!.mse };
}
