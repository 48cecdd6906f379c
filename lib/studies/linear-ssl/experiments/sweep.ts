/**
 * A6: weight-decay sweep (modes with a fixed point vs modes alive at the end); A7: the trivial
 * basin (w = 0 is locally stable for η > 0): how many modes survive as the init scale s0 and the
 * predictor rate α_p grow.
 */
import { mean, standardError } from "../../../core/stats";
import { runByol } from "../../../topics/linear-ssl";
import { saParams } from "../settings";
import { liveErrorToPStar, saPStar, saSurvivors } from "./fixed-points";

export interface SweepRow {
  eta: number;
  theory: number;
  live: number[];
  /** Per run: the largest distance of a live eigenvalue of sym(W_p) to the nearest p*. */
  pErr: number[];
  /** Top eigenvalue of sym(W_p) per run, and the largest p*. */
  topP: number[];
  topPStar: number;
}

export function runWeightDecaySweep(o: { etas: number[]; seeds: number[]; T: number; dt: number }): SweepRow[] {
  return o.etas.map((eta) => {
    const ps = saPStar(eta);
    const runs = o.seeds.map((seed) => runByol(saParams({ eta }), { seed, T: o.T, dt: o.dt, every: Math.round(o.T / o.dt) }));
    return {
      eta,
      theory: saSurvivors(eta),
      live: runs.map((r) => r.final.live),
      pErr: runs.map((r) => liveErrorToPStar(r.final.eigWp, r.final.live, ps)),
      topP: runs.map((r) => r.final.eigWp[0]!),
      topPStar: ps.filter(Number.isFinite).length ? Math.max(...ps.filter(Number.isFinite)) : Number.NaN,
    };
  });
}

export interface BasinCell {
  s0: number;
  alphaP: number;
  live: number[];
  mean: number;
  se: number;
}

export function runBasin(o: { s0s: number[]; alphaPs: number[]; seeds: number[]; eta: number; T: number; dt: number }): BasinCell[] {
  const cells: BasinCell[] = [];
  for (const alphaP of o.alphaPs)
    for (const s0 of o.s0s) {
      const live = o.seeds.map(
        (seed) => runByol(saParams({ eta: o.eta, alphaP }), { seed, s0, T: o.T, dt: o.dt, every: Math.round(o.T / o.dt) }).final.live,
      );
      cells.push({ s0, alphaP, live, mean: mean(live), se: standardError(live) });
    }
  return cells;
}
