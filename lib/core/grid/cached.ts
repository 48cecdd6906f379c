/**
 * Grids as notebooks use them: read what the store holds for the current specs and code, compute in
 * this process only what the caller allows (everything at smoke scale, a CPU budget at full scale),
 * and say exactly what was used — where, how many jobs, their measured CPU-hours, the grid and spec
 * hashes — and what is missing with the command that computes it. Every printed line is
 * deterministic given the committed files, so the notebook re-executes to the same output.
 */
import * as path from "node:path";
import { repoRoot } from "../env";
import type { GridRecord, SpecBase } from "./definition";
import { openGrid, type Grid, type GridJob, type OpenGridOptions } from "./grid";
import { fmtCpu } from "./progress";
import { runGrid, type GridRunSummary } from "./run";

export interface CachedGridOptions extends OpenGridOptions {
  /**
   * Which missing jobs this process computes: "all", "none", those that fit a budget of estimated
   * CPU-seconds (taken smallest first, so the budget completes as many jobs as possible), or those
   * a predicate selects (e.g. the cells a notebook always computed inline).
   * Default: "all" at smoke scale, "none" at full scale.
   */
  compute?: "all" | "none" | { maxCpuSeconds: number } | { only: (job: GridJob) => boolean };
  /** Threads for what is computed here (default 1: in this thread). */
  workers?: number;
  log?: (line: string) => void;
}

export interface CachedGrid<S extends SpecBase, R> {
  grid: Grid<S, R>;
  /** Every job in order, with its record when it has one. */
  entries: { job: GridJob<S>; record: GridRecord<S, R> | undefined }[];
  /** Records of the jobs that have one, in job order. */
  records: GridRecord<S, R>[];
  complete: boolean;
  /** Jobs still without a record, with their estimated cost. */
  missing: GridJob<S>[];
  /** Measured CPU-hours of the stored jobs (from their run files). */
  cpuHours: number;
  /** Repository-relative folder of the results. */
  where: string;
  /** The command that computes the missing jobs. */
  command: string;
  /** What this call computed (undefined when nothing). */
  computed?: GridRunSummary;
  /** Keys of the jobs this call computed and stored (empty when it read everything). */
  computedKeys: string[];
  /** One paragraph for the notebook: where, how many jobs, CPU-hours, hashes, what is missing. */
  summary: string;
}

export async function cachedGrid<S extends SpecBase = SpecBase, R = unknown>(options: CachedGridOptions): Promise<CachedGrid<S, R>> {
  const grid = openGrid<S, R>(options);
  const log = options.log ?? ((l: string) => console.log(l));
  const compute = options.compute ?? (grid.scale === "smoke" ? "all" : "none");
  let computed: GridRunSummary | undefined;
  const before = grid.status();
  if (compute !== "none" && before.missing.length > 0) {
    let only: ((j: GridJob) => boolean) | undefined;
    if (compute !== "all" && "only" in compute) only = compute.only;
    else if (compute !== "all") {
      const chosen = new Set<string>();
      let budget = compute.maxCpuSeconds;
      for (const j of [...before.missing].sort((a, b) => a.cost - b.cost || a.index - b.index)) {
        if (j.cost > budget) break;
        budget -= j.cost;
        chosen.add(j.key);
      }
      only = (j) => chosen.has(j.key);
    }
    computed = await runGrid(grid, { executor: "local", workers: options.workers ?? 1, log, ...(only ? { only } : {}) });
  }
  const st = grid.status();
  const doneNow = new Set(st.done.map((j) => j.key));
  const computedKeys = before.missing.filter((j) => doneNow.has(j.key)).map((j) => j.key);
  const recs = grid.records();
  const entries = grid.jobs.map((job, i) => ({ job, record: recs[i] }));
  const root = options.root ?? repoRoot();
  const where = path.relative(root, grid.store.dir).split(path.sep).join("/");
  const target = grid.module.ref.startsWith("lib/studies/") ? `STUDY=${grid.module.study}` : `MODULE=${grid.module.ref}`;
  const command = `make grid ${target} GRID=${grid.name}${grid.scale === "full" ? "" : ` SCALE=${grid.scale}`}`;
  const cpuHours = st.cpuSeconds / 3600;
  const missingCost = st.missing.reduce((s, j) => s + j.cost, 0);
  const lines = [
    `grid ${grid.id} (${grid.scale}): ${st.done.length}/${grid.jobs.length} jobs stored in ${where}, ${cpuHours.toFixed(3)} CPU-h measured` +
      `${st.cpuUnknown > 0 ? ` (${st.cpuUnknown} without run info)` : ""}; grid hash ${grid.gridHash}, spec hash ${grid.specHash}, code ${grid.code.version}`,
  ];
  if (computed && computed.stored > 0) lines.push(`  computed here: ${computed.stored} job(s)`);
  if (st.missing.length > 0) {
    lines.push(
      `  missing: ${st.missing.length} job(s), estimated ${fmtCpu(missingCost)}${st.failed.length > 0 ? ` (${st.failed.length} failed last time)` : ""}; compute them with \`${command}\` (several machines: README, "Grids")`,
    );
  }
  return {
    grid,
    entries,
    records: recs.filter((r): r is GridRecord<S, R> => r !== undefined),
    complete: st.missing.length === 0,
    missing: st.missing,
    cpuHours,
    where,
    command,
    ...(computed ? { computed } : {}),
    computedKeys,
    summary: lines.join("\n"),
  };
}
