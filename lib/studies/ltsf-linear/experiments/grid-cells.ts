/**
 * The trained cells as the notebook reads them from the grids (lib/core/grid cachedGrid): per
 * dataset × horizon × model, the seeds' metrics, their mean and standard error, beside Table 2.
 */
import { cachedGrid, type CachedGrid } from "../../../core/grid/cached";
import type { EttName } from "../../../topics/timeseries/ett";
import type { ModelName } from "../../../topics/timeseries/models";
import type { CellResult, CellSpec } from "./trained";

export interface CellSummary {
  data: EttName;
  H: number;
  model: ModelName;
  seeds: number[];
  /** Paper-era test loader (drop_last at the run's batch size): what Table 2 was computed with. */
  mse: number[];
  mae: number[];
  /** Full test set. */
  mseFull: number[];
  maeFull: number[];
  meanMse: number;
  /** Standard error of the seed mean (NaN with one seed). */
  seMse: number;
  meanMae: number;
  seMae: number;
  epochs: number[];
  bestEpochs: number[];
  /** Wall seconds of each seed's job (from the grid's run files; not deterministic). */
  wallSeconds: (number | undefined)[];
  results: CellResult[];
}

const meanSe = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { m, se: Number.NaN };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  return { m, se: sd / Math.sqrt(xs.length) };
};

/** Groups stored records into cells (seeds pooled). */
export function summarizeCells(grids: CachedGrid<CellSpec, CellResult>[]): CellSummary[] {
  const byCell = new Map<string, { r: CellResult; wall: number | undefined }[]>();
  for (const g of grids) {
    for (const e of g.entries) {
      if (!e.record) continue;
      const r = e.record.result;
      const key = `${r.data}|${r.H}|${r.model}`;
      const run = g.grid.store.readRun(e.record.key);
      byCell.set(key, [...(byCell.get(key) ?? []), { r, wall: run?.wallSeconds }]);
    }
  }
  return [...byCell.values()].map((list) => {
    const rs = list.map((x) => x.r).sort((a, b) => a.seed - b.seed);
    const mse = rs.map((r) => r.dropLast.mse);
    const mae = rs.map((r) => r.dropLast.mae);
    const a = meanSe(mse);
    const b = meanSe(mae);
    return {
      data: rs[0]!.data,
      H: rs[0]!.H,
      model: rs[0]!.model,
      seeds: rs.map((r) => r.seed),
      mse,
      mae,
      mseFull: rs.map((r) => r.full.mse),
      maeFull: rs.map((r) => r.full.mae),
      meanMse: a.m,
      seMse: a.se,
      meanMae: b.m,
      seMae: b.se,
      epochs: rs.map((r) => r.epochsRun),
      bestEpochs: rs.map((r) => r.bestEpoch),
      wallSeconds: list.sort((x, y) => x.r.seed - y.r.seed).map((x) => x.wall),
      results: rs,
    };
  });
}

/**
 * Reads the committed full-scale results of a grid of this study and computes nothing: a training
 * cell costs minutes, so the notebook never trains Table 2 itself (at smoke scale too, it reads
 * what is committed; the training loop is exercised there by the trace A15).
 */
export function readCells(grid: "etth1" | "table2", log?: (line: string) => void): Promise<CachedGrid<CellSpec, CellResult>> {
  return cachedGrid<CellSpec, CellResult>({ study: "ltsf-linear", grid, scale: "full", compute: "none", ...(log ? { log } : {}) });
}
