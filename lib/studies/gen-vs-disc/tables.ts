/**
 * The study's tables as rows of plain data (shown with core showTable, recorded in results.csv):
 * one function per table of the notebook, plus tidy "long" rows of every curve and m* grid.
 */
import { fmt } from "../../core/format";
import { fmtCpu } from "../../core/grid";
import type { MeanCI } from "../../core/stats";
import { runsMStar, type LearningCurve, type MStarResult, type PaperRunsResult } from "../../topics/classifiers";
import type { BayesRow } from "./experiments/bayes-error";
import type { DiagnosticPercentiles } from "./experiments/diagnostics";
import type { FixtureRow } from "./experiments/estimators";
import type { EstimationRun } from "./experiments/estimation";
import type { SmallNResult } from "./experiments/job-grid";
import type { PaperGridCell } from "./experiments/paper-grid";

import type { Row } from "../../core/results";

export type { Row };

const pm = (c: MeanCI) => (Number.isFinite(c.mean) ? `${c.mean.toFixed(3)} ± ${c.half.toFixed(3)}` : "–");

/** Checks 2-3: the §5.5 fixture quantities per dataset. */
export function fixtureTable(rows: FixtureRow[]): Row[] {
  return rows.map((r) => ({
    dataset: r.dataset,
    "LR objective (tight)": r.objectiveTight.toFixed(6),
    stop: r.tightStatus,
    "LR objective (sklearn default tol)": r.objectiveDefault.toFixed(6),
    "‖W‖_F": r.wNorm.toFixed(6),
    "LR train err": r.lrTrainErr.toFixed(4),
    "NB pooled train err": r.nbTrainErr.toFixed(4),
    "NB per-class train err": r.nbPerClassTrainErr.toFixed(4),
  }));
}

/** Check 4: closed form against Monte Carlo. */
export function bayesTable(rows: BayesRow[]): Row[] {
  return rows.map((r) => ({
    K: r.K,
    n: r.n,
    "closed form": r.closedForm,
    "Monte Carlo": r.mc,
    "MC s.e.": r.se,
    "|difference| / s.e.": Math.abs(r.mc - r.closedForm) / r.se,
    draws: r.draws,
  }));
}

/** A learning curve as shown: mean ± 95 % half-width per model (columns) and m (rows). */
export function curveTable(curve: LearningCurve): Row[] {
  return curve.mGrid.map((m, i) => ({ m, ...Object.fromEntries(curve.models.map((name) => [name, pm(curve.summary[name]![i]!)])) }));
}

/** One line per curve: L-BFGS effort of each logistic model. */
export function solverSummary(curve: LearningCurve): string {
  return Object.entries(curve.solver)
    .map(([k, s]) => `${k} ${s.fits} fits, ${fmt(s.meanIterations, 3)} iterations on average, ${s.notConverged} stopped at max_iter`)
    .join("; ");
}

/** Tidy rows of a learning curve for results.csv: one per (model, m). */
export function curveResults(curve: LearningCurve): Row[] {
  return curve.models.flatMap((model) =>
    curve.mGrid.map((m, i) => {
      const c = curve.summary[model]![i]!;
      return { dataset: curve.dataset, model, m, repeats: c.count, mean: c.mean, sd: c.sd, half95: c.half };
    }),
  );
}

/** The notes' small-n grid: m* per n and model with its bootstrap spread, and the notes' value when given. */
export function smallNTable(results: SmallNResult[], notes?: Record<number, Record<string, number>>): Row[] {
  return results.map((r) => ({
    K: r.K,
    n: r.n,
    "Bayes error": r.bayes,
    step: r.step,
    repeats: r.repeats,
    ...Object.fromEntries(
      ["NB", "LR"].flatMap((model) => {
        const v = r.mStar[model];
        const sp = r.spread[model]!;
        return [
          [`m* ${model}`, v === null || v === undefined ? "not reached" : v],
          [`${model} bootstrap sd`, sp.sd],
          [
            `${model} bootstrap 95 %`,
            `${sp.lo}–${Number.isFinite(sp.hi) ? sp.hi : "beyond scan"}${sp.censored ? ` (${sp.censored}/${sp.resamples} censored)` : ""}`,
          ],
          ...(notes ? [[`notes ${model}`, notes[r.n]?.[model] ?? null]] : []),
        ];
      }),
    ),
  }));
}

/** Tidy rows of the notes' small-n grid for results.csv: mean error per (K, n, model, m), and m* rows. */
export function smallNResults(results: MStarResult[]): Row[] {
  return results.flatMap((r) =>
    Object.entries(r.curve).flatMap(([model, c]) =>
      c.m.map((m, i) => ({
        K: r.K,
        n: r.n,
        model,
        m,
        repeats: r.repeats,
        mean: c.mean[i]!,
        isMStar: r.mStar[model] === m,
      })),
    ),
  );
}

/** Per cell of the paper's grid: m* of each run, mean ± SE over the runs that crossed, and how many never crossed. */
export function paperGridTable(grid: PaperRunsResult[]): Row[] {
  return grid.map((r) => ({
    K: r.K,
    n: r.n,
    step: r.step,
    runs: r.runs,
    ...Object.fromEntries(
      ["NB", "LR"].flatMap((model) => {
        const st = runsMStar(r, model);
        return [
          [`m* ${model} (runs)`, r.mStar[model]!.map((x) => (x === null ? "never" : x)).join(", ")],
          [`mean m* ${model}`, st.mean],
          [`SE ${model}`, st.se],
          [`${model} runs not crossing`, st.notCrossed],
        ];
      }),
    ),
    "LR work (G mult-add)": (r.work.LR ?? 0) / 1e9,
  }));
}

/**
 * Where each cell of the paper grid comes from: stored (read from the committed grid), computed by
 * this run, partial or not computed; CPU per run as measured (run files), else the grid's estimate,
 * labelled; for a cell not complete, the command that computes it.
 */
export function paperGridStatusTable(cells: PaperGridCell[]): Row[] {
  return cells.map((c) => ({
    K: c.K,
    n: c.n,
    "runs stored": `${c.stored}/${c.jobs}`,
    status: c.status,
    "CPU per run": c.cpuPerJob !== undefined ? fmtCpu(c.cpuPerJob) : `${fmtCpu(c.estimatePerJob)} (estimate)`,
    "CPU-h measured": c.cpuPerJob !== undefined ? c.cpuSeconds / 3600 : undefined,
    "compute with": c.status === "stored" || c.status === "computed here" ? "" : c.command,
  }));
}

/** LR's L-BFGS per cell of the paper grid, from the stored runs' reports: fits, iterations per fit, fits that did not converge. */
export function paperGridSolverTable(cells: PaperGridCell[]): Row[] {
  return cells.flatMap((c) => {
    const s = c.solver;
    if (s === undefined) return [];
    const where = s.notConvergedAt.slice(0, 4).map((x) => `m=${x.m} (${x.status})`);
    return [
      {
        K: c.K,
        n: c.n,
        runs: c.stored,
        "LR fits": s.fits,
        "iterations per fit": s.iterations / s.fits,
        "evaluations per fit": s.evaluations / s.fits,
        "most iterations": s.maxIterations,
        "not converged": s.notConverged,
        where: where.join(", ") + (s.notConvergedAt.length > 4 ? `, … (${s.notConvergedAt.length - 4} more)` : ""),
      },
    ];
  });
}

/** Tidy rows of the paper grid for results.csv: one per (cell, model, run), m* null when the run never crossed. */
export function paperGridResults(grid: PaperRunsResult[]): Row[] {
  return grid.flatMap((r) =>
    Object.entries(r.mStar).flatMap(([model, stars]) =>
      stars.map((mStar, run) => ({
        K: r.K,
        n: r.n,
        model,
        run: run + 1,
        mStar,
        crossed: mStar !== null,
        gridPoints: r.curves[model]![run]!.m.length,
      })),
    ),
  );
}

/** Checks 13-14: percentiles 0/10/50/90/100 of the diagnostics per dataset. */
export function diagnosticsTable(rows: { dataset: string; p: DiagnosticPercentiles }[]): Row[] {
  const f = (v: number[]) => v.map((x) => fmt(x, 4)).join("  ");
  return rows.map((r) => ({ dataset: r.dataset, "σ²_j (p0 p10 p50 p90 p100)": f(r.p.sigma2), "|β|": f(r.p.beta), "|α|": f(r.p.alpha) }));
}

/** Claim 15: median first-passage m per n. */
export function estimationTable(run: EstimationRun): Row[] {
  return run.rows.map((e) => ({
    n: e.n,
    repeats: e.totals.length,
    "median m": e.median,
    min: Math.min(...e.totals),
    max: Math.max(...e.totals),
  }));
}
