/**
 * The notebook's tables as rows of data (flat objects; the notebook shows them with core's
 * table display and adds the sweeps to the study's results.csv).
 */
import type { Row } from "../../core/results";
import { mean, sd } from "../../core/stats";
import type { GradCheckEntry } from "../../topics/tversky/index";
import type { HandRow } from "./experiments/similarity";
import type { CalibrationVariant } from "./experiments/xor";
import type { GridRow, XorGridResults } from "./experiments/xor-grid";
import type { HeadResult, SalienceStats } from "./experiments/digits";

/** §10 item 1: S(a,b), S(b,a) per variant. */
export function handExampleRows(rows: readonly HandRow[]): Row[] {
  return rows.map((r) => ({ variant: r.label, "S(a,b)": r.ab, "S(b,a)": r.ba }));
}

/** Worst relative error per parameter over all reduction pairs, the pair where it occurs, and the median. */
export function gradCheckRows(rows: readonly { label: string; entries: readonly GradCheckEntry[] }[]): Row[] {
  const params = rows[0]?.entries.map((e) => e.param) ?? [];
  return params.map((p) => {
    const errs = rows.map((r) => ({ label: r.label, e: r.entries.find((x) => x.param === p)!.relErr }));
    const worst = errs.reduce((a, b) => (b.e > a.e || Number.isNaN(b.e) ? b : a));
    const sorted = errs.map((x) => x.e).sort((a, b) => a - b);
    return { parameter: p, "worst relative error": worst.e, at: worst.label, "median over pairs": sorted[Math.floor(sorted.length / 2)]! };
  });
}

/** §5.3 calibration: converged per K and overall, one row per variant and K (long format). */
export function calibrationRows(variants: readonly CalibrationVariant[]): Row[] {
  return variants.flatMap((v) => [
    ...v.byK.map((b) => ({ variant: v.label, K: String(b.K), converged: b.converged, runs: b.n, rate: b.converged / b.n })),
    { variant: v.label, K: "all", converged: v.converged, runs: v.n, rate: v.rate },
  ]);
}

/** The appendix grid per reduction pair: our rate beside the transcribed one. */
export function gridRows(rows: readonly GridRow[]): Row[] {
  return rows.map((r) => ({
    pair: `${r.intersection} + ${r.difference}`,
    runs: r.n,
    converged: r.converged,
    "P(converge)": r.p,
    paper: r.paper ?? null,
    "NaN runs": r.nonFinite,
    ...Object.fromEntries(r.byK.map((b) => [`K=${b.K}`, b.p])),
  }));
}

/** The grid per cell (pair × normalize × K × inits; 9 runs each at full scale), for results.csv and pivots. */
export function gridCellRows(g: XorGridResults): Row[] {
  const cells = new Map<string, Row & { converged: number; runs: number; nan: number }>();
  for (const r of g.runs) {
    const key = [r.intersection, r.difference, r.normalize, r.K, r.protoInit, r.featureInit].join("|");
    let c = cells.get(key);
    if (!c) {
      c = {
        intersection: r.intersection,
        difference: r.difference,
        normalize: r.normalize,
        K: r.K,
        protoInit: r.protoInit,
        featureInit: r.featureInit,
        converged: 0,
        runs: 0,
        nan: 0,
      };
      cells.set(key, c);
    }
    c.runs += 1;
    if (r.converged) c.converged += 1;
    if (!r.finite) c.nan += 1;
  }
  return [...cells.values()];
}

/** Marginal convergence rates by grid factor. */
export function marginalRows(
  groups: readonly { factor: string; levels: readonly { level: unknown; p: number; converged: number; n: number }[] }[],
): Row[] {
  return groups.flatMap((g) =>
    g.levels.map((l) => ({ factor: g.factor, level: String(l.level), converged: l.converged, runs: l.n, "P(converge)": l.p })),
  );
}

/** Classifier heads: parameters, test accuracy over seeds, mean α and β. */
export function headsRows(results: readonly HeadResult[]): Row[] {
  return results.map((r) => ({
    setting: r.setting,
    head: r.head,
    "trainable params": r.params.trainable,
    "total params": r.params.total,
    seeds: r.acc.length,
    "accuracy mean": mean(r.acc),
    "accuracy sd": sd(r.acc),
    "α mean": r.scalars ? mean(r.scalars.map((s) => s.alpha)) : null,
    "β mean": r.scalars ? mean(r.scalars.map((s) => s.beta)) : null,
  }));
}

/** One row per head and seed (for results.csv). */
export function headSeedRows(results: readonly HeadResult[], seeds: readonly number[]): Row[] {
  return results.flatMap((r) =>
    r.acc.map((a, i) => ({
      setting: r.setting,
      head: r.head,
      seed: seeds[i]!,
      accuracy: a,
      theta: r.scalars?.[i]?.theta ?? null,
      alpha: r.scalars?.[i]?.alpha ?? null,
      beta: r.scalars?.[i]?.beta ?? null,
    })),
  );
}

/** Salience rank statistics per head and seed. */
export function salienceRows(groups: readonly { head: string; stats: SalienceStats }[], seeds: readonly number[]): Row[] {
  return groups.flatMap((g) =>
    g.stats.partial.map((p, i) => ({
      head: g.head,
      seed: seeds[i]!,
      "ρ(salience, margin)": g.stats.salienceMargin[i]!,
      "ρ(‖enc‖, margin)": g.stats.normMargin[i]!,
      "ρ(salience, ‖enc‖)": g.stats.salienceNorm[i]!,
      "partial ρ(salience, margin | ‖enc‖)": p,
    })),
  );
}
