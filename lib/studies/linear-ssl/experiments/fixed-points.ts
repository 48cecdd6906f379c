/**
 * A3, A4, A5, A8: the full model (learned predictor, stop-gradient) with weight decay reaches the
 * fixed points p*; the balancing matrix decays as e^{−2ηt}; W_p aligns with F = W X' Wᵀ only when
 * η > 0; an EMA target changes the path, not the end point.
 */
import { pStar, runByol, snapshotAt, survives, type ByolRun } from "../../../topics/linear-ssl";
import { SA, SA_XP, saParams } from "../settings";

/** p* of S_A's modes at weight decay η (NaN for modes without a fixed point). */
export function saPStar(eta: number): number[] {
  return SA.x.map((x, j) => pStar({ x, xPrime: SA_XP[j]!, eta }));
}

/** How many of S_A's modes have a fixed point (x² ≥ 4ηx'). */
export function saSurvivors(eta: number): number {
  return SA.x.filter((x, j) => survives({ x, xPrime: SA_XP[j]!, eta })).length;
}

/** Largest distance of a live eigenvalue to the nearest p* (the live modes can be any subset of the surviving ones). */
export function liveErrorToPStar(values: readonly number[], live: number, pstars: readonly number[]): number {
  const ps = pstars.filter(Number.isFinite);
  let worst = 0;
  for (const v of values.slice(0, live))
    worst = Math.max(worst, ps.length ? Math.min(...ps.map((p) => Math.abs(v - p))) : Number.POSITIVE_INFINITY);
  return worst;
}

export interface FixedPointResult {
  eta: number;
  T: number;
  dt: number;
  pStar: number[];
  /** η = eta runs (A3, A5), and η = 0 runs (A5's contrast), one per seed. */
  runs: ByolRun[];
  runsNoDecay: ByolRun[];
  /** A4: ‖C(t)‖/‖C(0)‖ at t = 20, 50 for SimSiam and EMA β = 1 (η = eta and η = 0), seed 0 of the list. */
  balance: { target: string; eta: number; t: number; ratio: number; expected: number }[];
  /** A8: EMA targets β ∈ betas (η = eta). */
  ema: { beta: number; runs: ByolRun[]; T: number; dt: number }[];
}

export function runFixedPoints(o: {
  seeds: number[];
  eta: number;
  T: number;
  dt: number;
  emaSeeds: number[];
  betas: number[];
  emaT: number;
  emaDt: number;
  /** RK4 step of the balancing-law runs (a transient check: the notes used 0.01). */
  balanceDt?: number;
}): FixedPointResult {
  const every = Math.round(1 / o.dt);
  const runs = o.seeds.map((seed) => runByol(saParams({ eta: o.eta }), { seed, T: o.T, dt: o.dt, every }));
  const runsNoDecay = o.seeds.map((seed) => runByol(saParams({ eta: 0 }), { seed, T: o.T, dt: o.dt, every }));
  const balance: FixedPointResult["balance"] = [];
  for (const beta of [null, 1]) {
    for (const eta of [o.eta, 0]) {
      const bdt = o.balanceDt ?? 0.01;
      const r = runByol(saParams({ eta, beta }), { seed: o.seeds[0]!, T: 50, dt: bdt, every: Math.round(10 / bdt) });
      for (const t of [20, 50])
        balance.push({
          target: beta === null ? "SimSiam" : `EMA β=${beta}`,
          eta,
          t,
          ratio: snapshotAt(r, t).cRatio,
          expected: Math.exp(-2 * eta * t),
        });
    }
  }
  const ema = o.betas.map((beta) => ({
    beta,
    T: o.emaT,
    dt: o.emaDt,
    runs: o.emaSeeds.map((seed) =>
      runByol(saParams({ eta: o.eta, beta }), { seed, T: o.emaT, dt: o.emaDt, every: Math.round(10 / o.emaDt) }),
    ),
  }));
  return { eta: o.eta, T: o.T, dt: o.dt, pStar: saPStar(o.eta), runs, runsNoDecay, balance, ema };
}
