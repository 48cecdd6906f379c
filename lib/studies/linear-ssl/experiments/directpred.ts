/**
 * A9: DirectPred in the ODE: W_p is not integrated but set at every instant from F = W X' Wᵀ,
 * W_p = F^{1/2} + εI (unnormalised: the form that fits the squared loss, pitfall 2), and the
 * max-normalised W_p = (F/s_max)^{1/2} + εI of the official code, which collapses under this loss.
 */
import { runByol, type ByolRun } from "../../../topics/linear-ssl";
import { SA_XP, SA, saParams } from "../settings";
import { saPStar } from "./fixed-points";

export interface DirectPredCase {
  label: string;
  eta: number;
  eps: number;
  normalize: "none" | "max";
  runs: ByolRun[];
  T: number;
}

export interface DirectPredResult {
  cases: DirectPredCase[];
  /** η = 0: x/x' for every mode; η > 0: p* (NaN without a fixed point). */
  pStar0: number[];
  pStarEta: number[];
  /** sv(W) expected at η = 0 (p_j/√x'_j) and at η, ε (p*_j − ε)/√x'_j. */
  xPrime: number[];
}

export function runDirectPred(o: { seeds: number[]; eta: number; eps: number; T: number; dt: number; Tmax: number }): DirectPredResult {
  const mk = (label: string, eta: number, eps: number, normalize: "none" | "max", T: number): DirectPredCase => ({
    label,
    eta,
    eps,
    normalize,
    T,
    runs: o.seeds.map((seed) =>
      runByol(saParams({ predictor: "directpred", eta, dpEps: eps, dpNormalize: normalize }), {
        seed,
        T,
        dt: o.dt,
        every: Math.round(10 / o.dt),
      }),
    ),
  });
  return {
    cases: [
      mk("η = 0, ε = 0", 0, 0, "none", o.T),
      mk(`η = ${o.eta}, ε = 0`, o.eta, 0, "none", o.T),
      mk(`η = ${o.eta}, ε = ${o.eps}`, o.eta, o.eps, "none", o.T),
      mk("max-normalised, ε = 0.01, η = 0 (squared loss)", 0, 0.01, "max", o.Tmax),
    ],
    pStar0: SA.x.map((x, j) => x / SA_XP[j]!),
    pStarEta: saPStar(o.eta),
    xPrime: SA_XP,
  };
}
