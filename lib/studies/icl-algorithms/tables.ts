/** Rows of the notebook's tables (flat objects; numbers stay numbers for results.csv). */
import type { Row } from "../../core/results";
import type { DistanceToOls, MetricIdentities, RidgeScan, RiskResult } from "./experiments/baselines";
import { summarizeSizes, type PhaseStudy } from "./experiments/phases";

export function riskRows(rs: RiskResult[]): Row[] {
  return rs.map((r) => ({
    check: r.label,
    d: r.d,
    n: r.n,
    sigma2: r.sigma2,
    tasks: r.tasks,
    mse: r.mse,
    se: r.se,
    theory: r.theory,
    rel_err: r.mse / r.theory - 1,
  }));
}

export function ridgeRows(r: RidgeScan): Row[] {
  return r.lambdas.map((l, k) => ({ lambda: l, bayes: l === r.bayes, mse: r.mse[k]!, se: r.se[k]! }));
}

export function identityRows(r: MetricIdentities): Row[] {
  return r.prefixes.map((i, p) => ({
    prefix: i,
    ilwd_probe: r.viaProbes[p]!,
    ilwd_exact: r.exact[p]!,
    abs_diff: Math.abs(r.viaProbes[p]! - r.exact[p]!),
  }));
}

export function knnRows(rows: DistanceToOls[]): Row[] {
  return rows.map((r) => ({ learner: r.name, mspd_to_ols: r.mspd, se: r.se }));
}

/** One row per trained run: MSPD to each reference, final loss, R² of the probe fits. */
export function runRows(s: PhaseStudy): Row[] {
  return s.runs.map((r) => ({
    layers: r.layers,
    seed: r.seed,
    final_train_loss: r.lossCurve[r.lossCurve.length - 1]!,
    ...Object.fromEntries(Object.entries(r.mspd).map(([k, v]) => [`mspd_${k}`, v.mean])),
    ...Object.fromEntries(Object.entries(r.ilwd).map(([k, v]) => [`ilwd_${k}`, v.mean.reduce((a, b) => a + b, 0) / v.mean.length])),
    error_last: r.error.mean[r.error.mean.length - 1]!,
    probe_r2_min: Math.min(...r.r2),
  }));
}

/** One row per size: the closest reference and the paired log-MSPD differences with 95% intervals. */
export function sizeRows(s: PhaseStudy): Row[] {
  return summarizeSizes(s).flatMap((z) =>
    z.paired.map((p) => ({
      layers: z.layers,
      seeds: z.seeds,
      closest_spd: z.closest,
      closest_ilwd: z.closestIlwd,
      difference: `log MSPD ${p.a} − log MSPD ${p.b}`,
      mean: p.mean,
      ci_lo: p.lo,
      ci_hi: p.hi,
    })),
  );
}
