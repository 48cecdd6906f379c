/**
 * The notes' settings (docs/notes/linear-ssl.md §A.6 "S_A", §B.4), typed once.
 */
import type { ByolParams } from "../../topics/linear-ssl";

/** S_A: d = 6, X = diag(3, 2, 1.2, 0.8, 0.3, 0.2), X' = X + 0.5·I (σ² = 0.5), α_p = 1, η_p = η. */
export const SA = {
  d: 6,
  x: [3, 2, 1.2, 0.8, 0.3, 0.2],
  sigma2: 0.5,
  s0: 0.5,
};
export const SA_XP = SA.x.map((v) => v + SA.sigma2);

export function saParams(p: Partial<ByolParams> = {}): ByolParams {
  return { X: SA.x, Xp: SA_XP, alphaP: 1, ...p };
}

/** B2: equal λ, four regression coefficients. */
export const B2 = { lam: 1, rhos: [0.2, 0.4, 0.6, 0.8], eps: 1e-4, depths: [1, 2, 3, 4, 5] };
/** B3: λ and ρ anti-ordered. */
export const B3 = {
  features: [
    { lam: 1, rho: 0.8 },
    { lam: 1.5, rho: 0.4 },
  ] as [{ lam: number; rho: number }, { lam: number; rho: number }],
  eps: 1e-3,
  depths: [1, 2, 3, 4, 5, 6],
};
