/**
 * Capability trainings (MQAR DeltaNet vs LA; S₃ with n_h = 1 vs 2) as the notebook reads them from
 * the stored grid `train` (grids.ts, results/linear-attention/train/). At full scale nothing is
 * computed here: the jobs run with `make grid STUDY=linear-attention GRID=train`; at smoke scale
 * the tiny smoke jobs run in this process.
 */
import { cachedGrid, type CachedGrid } from "../../../core/grid/cached";
import * as path from "node:path";
import { scale as currentScale, repoRoot } from "../../../core/env";
import type { TrainResult } from "../../../topics/sequence-memory/train";
import type { TrainJob } from "../grids";

export interface CapabilityRead {
  cached: CachedGrid<TrainJob, TrainResult>;
  mqar: { job: TrainJob; result?: TrainResult }[];
  s3: { job: TrainJob; result?: TrainResult }[];
}

export async function readCapability(o: { log?: (line: string) => void } = {}): Promise<CapabilityRead> {
  const cached = await cachedGrid<TrainJob, TrainResult>({
    study: "linear-attention",
    grid: "train",
    scale: currentScale(),
    ...(o.log ? { log: o.log } : {}),
  });
  const entries = cached.entries.map((e) => ({ job: e.job.spec, ...(e.record ? { result: e.record.result } : {}) }));
  return { cached, mqar: entries.filter((e) => e.job.group === "mqar"), s3: entries.filter((e) => e.job.group === "s3") };
}

/** The stored results of one group, or the labels of the jobs still missing (a claim is only made on a complete group). */
export function storedRuns(entries: CapabilityRead["mqar"]): { runs: TrainResult[]; missing: string[] } {
  return {
    runs: entries.flatMap((e) => (e.result ? [e.result] : [])),
    missing: entries.filter((e) => !e.result).map((e) => e.job.label),
  };
}

/** One stored diagnostic grid, read (and computed at smoke scale) like the grid `train`. */
function readDiagnostic(file: string, grid: string, log?: (line: string) => void): Promise<CachedGrid<TrainJob, TrainResult>> {
  return cachedGrid<TrainJob, TrainResult>({
    // resolved from the repository root: the notebook's working directory is notebooks/
    module: path.join(repoRoot(), "lib/studies/linear-attention", file),
    grid,
    scale: currentScale(),
    ...(log ? { log } : {}),
  });
}

export interface DiagnosticRead {
  grids: CachedGrid<TrainJob, TrainResult>[];
  /** Stored runs of both grids, seed 101 first. */
  runs: TrainResult[];
  missing: string[];
}

/**
 * The diagnostic grids `s3-long` (seed 101) and `s3-long-seeds` (seeds 102, 103): S₃ at 3× the
 * steps of the grid `train`; shown, never a claim.
 */
export async function readS3Diagnostic(o: { log?: (line: string) => void } = {}): Promise<DiagnosticRead> {
  const grids = [
    await readDiagnostic("grids-diagnostic.ts", "s3-long", o.log),
    await readDiagnostic("grids-diagnostic-seeds.ts", "s3-long-seeds", o.log),
  ];
  const entries = grids.flatMap((g) => g.entries);
  return {
    grids,
    runs: entries.flatMap((e) => (e.record ? [e.record.result] : [])),
    missing: entries.filter((e) => !e.record).map((e) => e.job.spec.label),
  };
}
