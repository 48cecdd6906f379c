/**
 * Notebook section "M1/M2": the optimal scalar step by the ratio formula and the MSE of GD at the
 * closed-form η*, per isotropic setting, beside the exact fractions (notes §1.2, §2b M1, M2), and
 * the symbolic derivation of η* (mathjs) that the closed form rests on.
 */
import { Rng } from "../../../core/rng";
import { etaStar, riskStar } from "../../../topics/icl/closed-forms";
import { checkEtaStarDerivation, etaStarExact, formatFraction, riskStarExact, type StepDerivation } from "../../../topics/icl/exact";
import { etaStarMC, riskMC } from "../../../topics/icl/monte-carlo";
import { gdPredictor } from "../../../topics/icl/predictors";
import type { TaskSpec } from "../../../topics/icl/tasks";

export interface GdSetting {
  d: number;
  n: number;
  sigma2: number;
}

export interface OptimalStepRow extends GdSetting {
  /** n/(n+d+1+σ²) as a fraction, e.g. "40/53". */
  etaExact: string;
  etaClosed: number;
  etaMC: number;
  /** Batch-means standard error of etaMC. */
  etaSE: number;
  riskExact: string;
  /** MSE at the closed-form η*. */
  riskClosed: number;
  riskMC: number;
  riskSE: number;
}

export interface OptimalStepResult {
  rows: OptimalStepRow[];
  /** η* as the root of dR/dη (mathjs), compared exactly with n/(n+d+1+σ²) and the risk closed form. */
  symbolic: { derivation: StepDerivation; rootMatches: boolean; riskMatches: boolean; convex: boolean };
}

export function runOptimalStep(settings: GdSetting[], o: { etaTasks: number; riskTasks: number; seed: number }): OptimalStepResult {
  const rng = new Rng(o.seed);
  const rows = settings.map((s) => {
    const spec: TaskSpec = { d: s.d, n: s.n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: s.sigma2 };
    const etaClosed = etaStar(s);
    const mc = etaStarMC(spec, { tasks: o.etaTasks, rng: rng.split() });
    const r = riskMC(spec, { gd: gdPredictor({ eta: etaClosed }) }, { tasks: o.riskTasks, rng: rng.split() });
    return {
      ...s,
      etaExact: formatFraction(etaStarExact(s)),
      etaClosed,
      etaMC: mc.eta,
      etaSE: mc.se,
      riskExact: formatFraction(riskStarExact(s)),
      riskClosed: riskStar(s),
      riskMC: r.risks.gd!.mse,
      riskSE: r.risks.gd!.se,
    };
  });
  return { rows, symbolic: checkEtaStarDerivation() };
}
