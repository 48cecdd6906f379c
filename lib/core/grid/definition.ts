/** What a study declares: grids of seeded, self-describing jobs (see ./index.ts for the workflow). */
import type { Scale } from "../env";
import type { Json } from "./canonical";

/** Every spec is plain JSON that carries its own seed, so a job's result depends on its spec alone. */
export interface SpecBase {
  seed: number;
}

/** Handed to `run`: which attempt this is, and a place for facts the record should keep. */
export interface JobContext {
  /** 1 on the first attempt, 2 on the first retry (after a throw or a worker that died), … */
  readonly attempt: number;
  /**
   * Adds facts to the job's record beside its result: iteration counts, fits that did not converge,
   * anything a reader of the grid should see without re-running it. A later call overwrites a field
   * of the same name. Values must be plain JSON (they go into the deterministic record).
   */
  report(fields: Record<string, Json>): void;
}

export interface GridDefinition<S extends SpecBase = SpecBase, R = unknown> {
  /** One line for `grid-plan` and the notebooks. */
  description?: string;
  /** The jobs at this scale, in a fixed order (the order results are returned in). */
  jobs(scale: Scale): S[];
  /** Runs one job; must depend only on `spec` (and the code), never on time, thread or machine. */
  run(spec: S, ctx: JobContext): R | Promise<R>;
  /** Estimated CPU-seconds of one job, for `grid-plan`, largest-first scheduling and the ETA. */
  cost(spec: S): number;
  /** A short label for plans and messages, e.g. "K=3 n=1000 run 2". */
  describe?(spec: S): string;
  /** Jobs with the same group (e.g. a cell "K=3 n=1000") get a subtotal in `grid-plan`. */
  group?(spec: S): string;
  /**
   * Repository-relative data files the jobs read: their hashes join the code version, so changing
   * the data invalidates the results (imports are found automatically, files read at run time not).
   */
  inputs?: readonly string[];
}

/** Typing helper: `export const GRIDS = { paper: defineGrid({...}) }`. */
export function defineGrid<S extends SpecBase, R>(def: GridDefinition<S, R>): GridDefinition<S, R> {
  return def;
}

/** The shape of a grid module (`lib/studies/<slug>/grids.ts`). */
export interface GridModule {
  // the default parameters accept any study's grid: `run`/`cost` are methods, so their spec parameter is checked bivariantly
  GRIDS: Record<string, GridDefinition>;
  /** Folder name under results/ when the module is not a study's (defaults to its folder's name). */
  STUDY?: string;
}

/** One stored job: the content of `<key>.json.gz`. Deterministic: no time, machine or CPU figures. */
export interface GridRecord<S = SpecBase, R = unknown> {
  format: 1;
  key: string;
  /** The code version the key was computed with. */
  code: string;
  spec: S;
  result: R;
  /** What the job reported through `ctx.report` (absent when nothing). */
  report?: Record<string, Json>;
}

/** How a stored job ran: `<key>.run.json`, measured, so not deterministic (kept apart from the record). */
export interface RunInfo {
  cpuSeconds: number;
  wallSeconds: number;
  /** Attempts started, including the successful one (a retried or stalled job shows > 1). */
  attempts: number;
  executor: "local" | "bullmq";
  /** How cpuSeconds was measured: the job's own thread, or the whole process (less precise). */
  cpuClock: "thread" | "process";
  node: string;
}

/** A job that failed on its last attempt: `<key>.error.json`; it is retried by the next run. */
export interface ErrorInfo {
  key: string;
  spec: unknown;
  label: string;
  error: string;
  attempts: number;
  executor: "local" | "bullmq";
}
