/**
 * Notebook section "M6": the trained layer's step size against the label noise σ², beside the
 * closed form n/(n+d+1+σ²) and the ratio-formula Monte Carlo estimate.
 */
import { Rng } from "../../../core/rng";
import { etaStar } from "../../../topics/icl/closed-forms";
import { trainAndEvaluate, type TrainedLsa, type TrainSettings } from "../../../topics/icl/evaluate";
import { etaStarMC } from "../../../topics/icl/monte-carlo";
import { gdPredictor } from "../../../topics/icl/predictors";
import type { TaskSpec } from "../../../topics/icl/tasks";

export interface NoiseRow {
  sigma2: number;
  closed: number;
  mc: number;
  mcSe: number;
  trained: TrainedLsa[];
  /** Mean trained step over the seeds of this σ². */
  meanStep: number;
}

export interface NoiseSweepResult {
  d: number;
  n: number;
  rows: NoiseRow[];
  /**
   * Seed-to-seed sd of a trained step, pooled over the σ² levels (deviations from each level's
   * mean; Σ(k−1) degrees of freedom). With 2 seeds per level a per-level sd would be one number
   * from one difference; pooling gives the noise that the "decreasing" comparison must beat.
   */
  seedSd: number;
  seedSdDf: number;
}

/** For each σ²: the closed form, the ratio-formula η*, and trained layers (reusing runs given in `reuse`). */
export function runNoiseSweep(o: {
  d: number;
  n: number;
  sigma2s: number[];
  etaTasks: number;
  seed: number;
  seeds: number[];
  train: TrainSettings;
  reuse?: { sigma2: number; runs: TrainedLsa[] };
}): NoiseSweepResult {
  const rng = new Rng(o.seed);
  const rows = o.sigma2s.map((sigma2) => {
    const spec: TaskSpec = { d: o.d, n: o.n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2 };
    const closed = etaStar({ n: o.n, d: o.d, sigma2 });
    const mc = etaStarMC(spec, { tasks: o.etaTasks, rng: rng.split() });
    const trained =
      o.reuse && o.reuse.sigma2 === sigma2
        ? o.reuse.runs
        : o.seeds.map((seed) =>
            trainAndEvaluate({ ...o.train, spec, seed, reference: gdPredictor({ eta: closed }), label: `σ² = ${sigma2}, seed ${seed}` }),
          );
    const meanStep = trained.reduce((s, t) => s + t.step, 0) / trained.length;
    return { sigma2, closed, mc: mc.eta, mcSe: mc.se, trained, meanStep };
  });
  const { sd, df } = pooledSd(rows.map((r) => r.trained.map((t) => t.step)));
  return { d: o.d, n: o.n, rows, seedSd: sd, seedSdDf: df };
}

/** Pooled within-group sd: √(Σ_g Σ_i (x_gi − x̄_g)² / Σ_g (k_g − 1)); groups of one add nothing. */
export function pooledSd(groups: number[][]): { sd: number; df: number } {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const m = g.reduce((s, v) => s + v, 0) / g.length;
    ss += g.reduce((s, v) => s + (v - m) ** 2, 0);
    df += g.length - 1;
  }
  if (df === 0) throw new Error("pooledSd: needs a group with at least two values");
  return { sd: Math.sqrt(ss / df), df };
}
