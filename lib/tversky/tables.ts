/** HTML tables for the notebook (plain tables: they render in JupyterLab and on GitHub). */
import { fmt } from "../core/claims";
import { htmlTable } from "../core/display";
import type { CalibrationVariant, GridRow } from "./xor-experiments";
import type { HeadResult } from "./digits-experiments";
import type { GradCheckEntry } from "./gradcheck";
import { mean, sd } from "./stats";

const pm = (xs: readonly number[], digits = 3) => (xs.length > 1 ? `${mean(xs).toFixed(digits)} ± ${sd(xs).toFixed(digits)}` : xs.length ? xs[0]!.toFixed(digits) : "–");

/** §10 item 1: S(a,b), S(b,a) per variant beside the notes' hand-worked values. */
export function handExampleTable(rows: readonly { label: string; ab: number; ba: number; expectedAb: number; expectedBa: number }[]): string {
  return htmlTable(
    ["variant", "S(a,b)", "notes", "S(b,a)", "notes", "max |error|"],
    rows.map((r) => [r.label, r.ab.toFixed(6), r.expectedAb.toFixed(6), r.ba.toFixed(6), r.expectedBa.toFixed(6), fmt(Math.max(Math.abs(r.ab - r.expectedAb), Math.abs(r.ba - r.expectedBa)), 2)]),
  );
}

/** Worst relative error per parameter over all reduction pairs, and the worst pair. */
export function gradCheckTable(rows: readonly { label: string; entries: readonly GradCheckEntry[] }[]): string {
  const params = rows[0]?.entries.map((e) => e.param) ?? [];
  return htmlTable(
    ["parameter", "worst relative error", "at", "median over pairs"],
    params.map((p) => {
      const errs = rows.map((r) => ({ label: r.label, e: r.entries.find((x) => x.param === p)!.relErr }));
      const worst = errs.reduce((a, b) => (b.e > a.e || Number.isNaN(b.e) ? b : a));
      const sorted = errs.map((x) => x.e).sort((a, b) => a - b);
      return [p, fmt(worst.e, 2), worst.label, fmt(sorted[Math.floor(sorted.length / 2)]!, 2)];
    }),
  );
}

/** §5.3 calibration: converged/total per K and overall rate, per variant. */
export function calibrationTable(variants: readonly CalibrationVariant[]): string {
  const Ks = variants[0]?.byK.map((b) => b.K) ?? [];
  return htmlTable(
    ["variant (lr, steps as in P)", ...Ks.map((K) => `K=${K}`), "overall"],
    variants.map((v) => [v.label, ...v.byK.map((b) => `${b.converged}/${b.n}`), v.rate.toFixed(3)]),
  );
}

/** The appendix grid's convergence table with the transcribed paper values beside it. */
export function gridTableHtml(rows: readonly GridRow[]): string {
  const Ks = rows[0]?.byK.map((b) => b.K) ?? [];
  return htmlTable(
    ["intersection + difference", "runs", "converged", "P(converge)", "paper [S]", "Δ (ours − paper)", "NaN runs", ...Ks.map((K) => `K=${K}`)],
    rows.map((r) => [
      `${r.intersection} + ${r.difference}`,
      r.n,
      r.converged,
      r.p.toFixed(3),
      r.paper === undefined ? "not transcribed" : r.paper.toFixed(2),
      r.paper === undefined ? "" : (r.p - r.paper >= 0 ? "+" : "") + (r.p - r.paper).toFixed(3),
      r.nonFinite,
      ...r.byK.map((b) => b.p.toFixed(2)),
    ]),
  );
}

/** Marginal convergence rates by grid factor. */
export function marginalTable(groups: readonly { factor: string; levels: readonly { level: unknown; p: number; converged: number; n: number }[] }[]): string {
  return htmlTable(
    ["factor", "level", "converged / runs", "P(converge)"],
    groups.flatMap((g) => g.levels.map((l) => [g.factor, String(l.level), `${l.converged}/${l.n}`, l.p.toFixed(3)])),
  );
}

/** Classifier heads: parameters, test accuracy over seeds, mean α and β. */
export function headsTable(results: readonly HeadResult[]): string {
  return htmlTable(
    ["setting", "head", "trainable params", "total params", "test accuracy (mean ± sd)", "per seed", "α (mean)", "β (mean)"],
    results.map((r) => [
      r.setting,
      r.head,
      r.params.trainable,
      r.params.total,
      pm(r.acc),
      r.acc.map((a) => a.toFixed(3)).join(", "),
      r.scalars ? mean(r.scalars.map((s) => s.alpha)).toFixed(3) : "",
      r.scalars ? mean(r.scalars.map((s) => s.beta)).toFixed(3) : "",
    ]),
  );
}
