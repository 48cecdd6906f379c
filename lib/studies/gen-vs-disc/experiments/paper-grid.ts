/**
 * Notebook section "the paper's own grid" (P1-P3): the cells come from the stored `paper` grid
 * (../grids.ts, results/gen-vs-disc/paper/) through core's `cachedGrid`. A cell whose five runs are
 * stored is read; at full scale a missing cell is computed here only if it is one of the cells the
 * notebook always computed inline (settings.ts `paperGrid.cells`, a few CPU-minutes in all), and
 * every other missing cell is listed with its cost and the command that computes it. At smoke
 * scale the smoke grid is computed into build/results/.
 */
import { cachedGrid, type CachedGrid } from "../../../core/grid";
import { scale as currentScale, type Scale } from "../../../core/env";
import { mergeRuns, type PaperRunsResult } from "../../../topics/classifiers";
import { GRIDS, PAPER_CELLS, SMOKE_CELLS, paperCellLabel, type FitStats, type PaperJob } from "../grids";
import type { Cell } from "../settings";

/** One cell of the paper grid as the notebook sees it. */
export interface PaperGridCell {
  K: number;
  n: number;
  /** Runs of the cell in the grid (5 at full scale) and how many are stored. */
  jobs: number;
  stored: number;
  /** "stored" (read), "computed here" (computed by this notebook run), "partial", "not computed". */
  status: "stored" | "computed here" | "partial" | "not computed";
  /** The merged runs, only when every run of the cell is stored. */
  result?: PaperRunsResult;
  /** Measured CPU-seconds per job (mean over the stored jobs with run info), else undefined. */
  cpuPerJob?: number;
  /** Measured CPU-seconds of the stored jobs with run info, summed. */
  cpuSeconds: number;
  /** The grid's estimate of CPU-seconds per job (paperJobSeconds). */
  estimatePerJob: number;
  /** LR solver statistics summed over the stored runs. */
  solver?: FitStats;
  /** `make grid` for this cell. */
  command: string;
}

export interface PaperGridRead {
  cached: CachedGrid<PaperJob, PaperRunsResult>;
  cells: PaperGridCell[];
  /** The complete cells' merged results, K-major: what the table, the figure and P1-P3 use. */
  complete: PaperRunsResult[];
}

function sumStats(all: FitStats[]): FitStats | undefined {
  if (all.length === 0) return undefined;
  return {
    fits: all.reduce((a, s) => a + s.fits, 0),
    iterations: all.reduce((a, s) => a + s.iterations, 0),
    evaluations: all.reduce((a, s) => a + s.evaluations, 0),
    maxIterations: Math.max(...all.map((s) => s.maxIterations)),
    notConverged: all.reduce((a, s) => a + s.notConverged, 0),
    notConvergedAt: all.flatMap((s) => s.notConvergedAt),
  };
}

/**
 * Reads the paper grid at `scale`; at full scale computes the missing runs of the `inline` cells
 * on `workers` threads (stored like any grid result), at smoke scale the whole smoke grid.
 */
export async function readPaperGrid(o: {
  scale?: Scale;
  inline: Cell[];
  workers: number;
  log?: (line: string) => void;
}): Promise<PaperGridRead> {
  const scale = o.scale ?? currentScale();
  const inline = new Set(o.inline.map(paperCellLabel));
  const cached = await cachedGrid<PaperJob, PaperRunsResult>({
    study: "gen-vs-disc",
    grid: "paper",
    scale: scale,
    workers: o.workers,
    compute: scale === "smoke" ? "all" : { only: (j) => j.group !== undefined && inline.has(j.group) },
    ...(o.log ? { log: o.log } : {}),
  });
  const computedKeys = new Set(cached.computedKeys);
  const cells = (scale === "full" ? PAPER_CELLS : SMOKE_CELLS).map((c): PaperGridCell => {
    const label = paperCellLabel(c);
    const entries = cached.entries.filter((e) => e.job.group === label);
    const recs = entries.flatMap((e) => (e.record ? [e.record] : []));
    const runs = entries.flatMap((e) => {
      const run = e.record ? cached.grid.store.readRun(e.job.key) : undefined;
      return run ? [run] : [];
    });
    const stats = recs.flatMap((r) => (r.report?.LR ? [r.report.LR as unknown as FitStats] : []));
    const complete = recs.length === entries.length;
    const here = complete && entries.some((e) => computedKeys.has(e.job.key));
    const solver = sumStats(stats);
    return {
      K: c.K,
      n: c.n,
      jobs: entries.length,
      stored: recs.length,
      status: complete ? (here ? "computed here" : "stored") : recs.length > 0 ? "partial" : "not computed",
      ...(complete ? { result: mergeRuns(recs.map((r) => r.result)) } : {}),
      ...(runs.length > 0 ? { cpuPerJob: runs.reduce((a, r) => a + r.cpuSeconds, 0) / runs.length } : {}),
      cpuSeconds: runs.reduce((a, r) => a + r.cpuSeconds, 0),
      estimatePerJob: GRIDS.paper.cost(entries[0]!.job.spec),
      ...(solver ? { solver } : {}),
      command: `${cached.command} ONLY="${label}"`,
    };
  });
  return { cached, cells, complete: cells.flatMap((c) => (c.result ? [c.result] : [])) };
}
