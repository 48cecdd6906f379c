/**
 * Notebook section "M4/M5": non-isotropic covariates x ~ N(0, Σ) under the two priors on w. The
 * optimal preconditioner by a least-squares Monte Carlo fit and in trained layers, beside the two
 * derived candidates η*Σ⁻¹ (w ~ N(0, Σ⁻¹)) and Γ_σ⁻¹ (w ~ N(0, I)) (notes §1.2, pitfall 4).
 */
import { Rng } from "../../../core/rng";
import { etaSigmaInverse, gammaSigma } from "../../../topics/icl/closed-forms";
import { trainAndEvaluate, type TrainedLsa, type TrainSettings } from "../../../topics/icl/evaluate";
import { inverse, type Matrix } from "../../../core/linalg";
import { fitPreconditionerMC, type PreconditionerFit } from "../../../topics/icl/monte-carlo";
import { gdPredictor } from "../../../topics/icl/predictors";
import type { TaskSpec } from "../../../topics/icl/tasks";

export interface PreconditionerResult {
  prior: "invCov" | "iso";
  Sigma: number[];
  n: number;
  sigma2: number;
  /** η*Σ⁻¹ (Mahankali T2 equivalent [D]). */
  etaSigmaInv: Matrix;
  /** Γ_σ⁻¹ (Zhang / notes §1.2 [D]). */
  gammaSigmaInv: Matrix;
  /** The theory for this prior: η*Σ⁻¹ for invCov, Γ_σ⁻¹ for iso. */
  theory: Matrix;
  /** Least-squares fit of G by Monte Carlo. */
  fit: PreconditionerFit;
  trained: TrainedLsa[];
}

export function runPreconditioner(o: {
  Sigma: number[];
  n: number;
  sigma2: number;
  prior: "invCov" | "iso";
  fitTasks: number;
  seed: number;
  seeds: number[];
  train: TrainSettings;
}): PreconditionerResult {
  const d = o.Sigma.length;
  const spec: TaskSpec = { d, n: o.n, x: { kind: "gauss", Lambda: o.Sigma }, w: { kind: o.prior }, sigma2: o.sigma2 };
  const etaSigmaInv = etaSigmaInverse({ Sigma: o.Sigma, n: o.n, sigma2: o.sigma2 });
  const gammaSigmaInv = inverse(gammaSigma({ Lambda: o.Sigma, n: o.n, sigma2: o.sigma2 }));
  const fit = fitPreconditionerMC(spec, { tasks: o.fitTasks, rng: new Rng(o.seed) });
  const theory = o.prior === "invCov" ? etaSigmaInv : gammaSigmaInv;
  const trained = o.seeds.map((seed) =>
    trainAndEvaluate({ ...o.train, spec, seed, reference: gdPredictor({ G: theory }), label: `${o.prior} prior, seed ${seed}` }),
  );
  return { prior: o.prior, Sigma: o.Sigma, n: o.n, sigma2: o.sigma2, etaSigmaInv, gammaSigmaInv, theory, fit, trained };
}
