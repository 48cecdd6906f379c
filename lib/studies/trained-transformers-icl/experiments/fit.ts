/**
 * Z1: the global minimum's preconditioner (Thm 4.1, Lemma 5.3: uU = Γ⁻¹) found independently, by a
 * least-squares fit of G in ŷ = mᵀ G x_q over all d x d matrices on sampled noiseless tasks.
 */
import type { Matrix } from "../../../core/linalg";
import { Rng } from "../../../core/rng";
import { fitPreconditionerMC, type PreconditionerFit } from "../../../topics/icl/monte-carlo";
import { zhangGammaInverseExact, zhangGlobalMin } from "../../../topics/icl/zhang";
import { formatFraction } from "../../../topics/icl/exact";

export interface FitResult {
  Lambda: number[];
  N: number;
  fit: PreconditionerFit;
  target: Matrix;
  /** diag Γ⁻¹ as exact fractions. */
  exact: string[];
}

export function runFit(o: { Lambda: number[]; N: number; tasks: number; seed: number }): FitResult {
  const spec = { d: o.Lambda.length, n: o.N, x: { kind: "gauss" as const, Lambda: o.Lambda }, w: { kind: "iso" as const } };
  const fit = fitPreconditionerMC(spec, { tasks: o.tasks, rng: new Rng(o.seed) });
  return {
    Lambda: o.Lambda,
    N: o.N,
    fit,
    target: zhangGlobalMin({ Lambda: o.Lambda, N: o.N }).G,
    exact: zhangGammaInverseExact({ Lambda: o.Lambda, N: o.N }).map(formatFraction),
  };
}
