/**
 * A1, A1b, A2: the runs that collapse. No predictor (W_p ≡ I) with the SimSiam target: ‖W‖ decays
 * exactly as e^{−(σ²+η)t}; with an EMA target (β = 1) each column decays at the slowest eigenvalue
 * of [[−(x'+η), x], [β, −β]]; with a learned predictor but no stop-gradient, W → 0 and J → 0.
 */
import { linearFit } from "../../../core/stats";
import { noPredictorDecayRate, runByol, snapshotAt, type ByolRun } from "../../../topics/linear-ssl";
import { SA, SA_XP, saParams } from "../settings";

export interface CollapseResult {
  seeds: number[];
  /** A1: ‖W(T1)‖/‖W(0)‖ per seed, and its closed form e^{−σ²T1}. */
  a1: { T: number; ratios: number[]; expected: number; dt: number };
  /** A1b: log-slope of ‖W‖ over [100, 200] per seed (and over [20, 40]), expected max_j r_j. */
  a1b: { slopes: number[]; earlySlopes: number[]; rates: number[]; expected: number; dt: number };
  /** A2: ‖W(50)‖, ‖W(0)‖ and J(50) per seed, and the stop-gradient contrast ‖W(50)‖ (same seeds, η = 0). */
  a2: { normW0: number[]; normW50: number[]; loss50: number[]; withStopGrad: number[]; runs: ByolRun[] };
}

function logSlope(run: ByolRun, from: number, to: number): number {
  const pts = run.snapshots.filter((s) => s.t >= from - 1e-9 && s.t <= to + 1e-9);
  return linearFit(
    pts.map((s) => s.t),
    pts.map((s) => Math.log(s.normW)),
  ).slope;
}

export function runCollapse(o: { seeds: number[]; dt: number; dtLong: number }): CollapseResult {
  const { seeds } = o;
  const a1Runs = seeds.map((seed) =>
    runByol(saParams({ predictor: "identity", eta: 0 }), { seed, T: 20, dt: o.dt, every: Math.round(1 / o.dt) }),
  );
  const a1bRuns = seeds.map((seed) =>
    runByol(saParams({ predictor: "identity", eta: 0, beta: 1 }), { seed, T: 200, dt: o.dtLong, every: Math.round(1 / o.dtLong) }),
  );
  const rates = SA.x.map((x, j) => noPredictorDecayRate({ x, xPrime: SA_XP[j]!, eta: 0, beta: 1 }));
  const a2Runs = seeds.map((seed) =>
    runByol(saParams({ stopGrad: false, eta: 0 }), { seed, T: 50, dt: o.dt, every: Math.round(1 / o.dt) }),
  );
  const sgRuns = seeds.map((seed) => runByol(saParams({ eta: 0 }), { seed, T: 50, dt: o.dt, every: Math.round(50 / o.dt) }));
  return {
    seeds,
    a1: { T: 20, ratios: a1Runs.map((r) => snapshotAt(r, 20).normW / r.normW0), expected: Math.exp(-SA.sigma2 * 20), dt: o.dt },
    a1b: {
      slopes: a1bRuns.map((r) => logSlope(r, 100, 200)),
      earlySlopes: a1bRuns.map((r) => logSlope(r, 20, 40)),
      rates,
      expected: Math.max(...rates),
      dt: o.dtLong,
    },
    a2: {
      normW0: a2Runs.map((r) => r.normW0),
      normW50: a2Runs.map((r) => snapshotAt(r, 50).normW),
      loss50: a2Runs.map((r) => snapshotAt(r, 50).loss),
      withStopGrad: sgRuns.map((r) => snapshotAt(r, 50).normW),
      runs: a2Runs,
    },
  };
}
