/**
 * Runs (or resumes) a grid: every job without a record is executed, largest estimated cost first, on
 * the local executor (worker threads) or on BullMQ workers, and each result is stored as it arrives.
 * A job that throws is retried up to `attempts` times in all, then reported with its error (and an
 * error file) while the rest of the grid goes on. Whatever the executor, the number of workers or
 * the order in which jobs finish, the stored records are the same bytes.
 */
import * as os from "node:os";
import { canonicalJson } from "./canonical";
import type { ErrorInfo, SpecBase } from "./definition";
import { executeJob, type JobOutcome, type JobTask } from "./execute";
import type { Grid, GridJob } from "./grid";
import { ThreadPool } from "./pool";
import { GridProgress } from "./progress";

export interface RunGridOptions {
  executor?: "local" | "bullmq";
  /** Local executor: worker threads (default: this machine's cores; 1 runs jobs in this thread). */
  workers?: number;
  /** Attempts per job, the first included (default 3). */
  attempts?: number;
  /** BullMQ: redis://host:port (required for executor "bullmq"). */
  redis?: string;
  /** BullMQ queue name (default "linear-studies-grid"; workers must listen to the same). */
  queue?: string;
  /** BullMQ: how often the submitter looks for finished jobs, ms (default 1000). */
  pollMs?: number;
  /** Measured progress (CPU time, ETA) as jobs finish, for terminals; default: deterministic lines. */
  clock?: boolean;
  log?: (line: string) => void;
  /** Runs only the missing jobs this accepts (e.g. a budget); the others stay missing. */
  only?: (job: GridJob) => boolean;
  /**
   * Scheduling rank, lower first (default: all equal); within a rank the largest estimated cost
   * starts first. `--only` on the command line ranks by the order of the groups it lists.
   */
  rank?: (job: GridJob) => number;
  /** Stops starting jobs; running local jobs are abandoned (nothing half-stored). */
  signal?: AbortSignal;
}

export interface GridRunSummary {
  id: string;
  total: number;
  /** Jobs with a record after the run. */
  done: number;
  /** Jobs this run stored. */
  stored: number;
  /** Results that arrived for an already stored key (equal, so ignored). */
  duplicates: number;
  failed: ErrorInfo[];
  /** Measured CPU-seconds of the jobs this run stored. */
  cpuSeconds: number;
  /** Missing jobs this run did not attempt (`only`, or interrupted). */
  skipped: number;
  stale: number;
  interrupted: boolean;
}

/** What executors report to: validates and stores results, records failures, drives progress. */
export interface GridSink {
  complete(job: GridJob, outcome: Extract<JobOutcome, { ok: true }>, attempts: number, executor: "local" | "bullmq"): void;
  fail(job: GridJob, error: string, attempts: number, executor: "local" | "bullmq"): void;
  retry(job: GridJob, attempt: number, error: string): void;
  note(line: string): void;
}

export function taskOf(grid: Grid, job: GridJob, attempt: number): JobTask {
  return { ref: grid.module.ref, grid: grid.name, spec: job.spec, key: job.key, code: grid.code.version, attempt, label: job.label };
}

export async function runGrid<S extends SpecBase, R>(grid: Grid<S, R>, options: RunGridOptions = {}): Promise<GridRunSummary> {
  const g = grid as unknown as Grid;
  const executor = options.executor ?? "local";
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`attempts must be a positive integer, got ${attempts}`);
  const st = g.status();
  // largest first: the long jobs start early, so the grid does not end waiting on one of them
  const rank = options.rank ?? (() => 0);
  const missing = [...st.missing].sort((a, b) => rank(a) - rank(b) || b.cost - a.cost || a.index - b.index);
  const toRun = options.only ? missing.filter(options.only) : missing;
  const workers = executor === "local" ? Math.max(1, Math.min(options.workers ?? os.availableParallelism(), toRun.length || 1)) : 1;
  const progress = new GridProgress(g.id, g.jobs.length, st.done.length, toRun, {
    clock: options.clock ?? false,
    log: options.log,
    workers,
  });
  const summary: GridRunSummary = {
    id: g.id,
    total: g.jobs.length,
    done: st.done.length,
    stored: 0,
    duplicates: 0,
    failed: [],
    cpuSeconds: 0,
    skipped: missing.length - toRun.length,
    stale: st.stale.length,
    interrupted: false,
  };
  progress.start(
    executor === "local"
      ? ` on ${workers} ${workers === 1 ? "thread" : "worker threads"}`
      : ` on BullMQ queue ${options.queue ?? DEFAULT_QUEUE}`,
  );
  if (st.stale.length > 0)
    progress.note(`${st.stale.length} stale result file(s) from other specs or code are ignored; \`make grid-prune\` deletes them`);
  const handled = new Set<string>();
  const sink: GridSink = {
    complete(job, outcome, n, exec) {
      if (handled.has(job.key)) {
        summary.duplicates++;
        return;
      }
      const problem = checkRecord(g, job, outcome.record);
      if (problem !== undefined) return this.fail(job, problem, n, exec);
      const ms = (x: number) => Math.round(x * 1000) / 1000;
      const put = g.store.put(job.key, outcome.record, {
        cpuSeconds: ms(outcome.cpuSeconds),
        wallSeconds: ms(outcome.wallSeconds),
        attempts: n,
        executor: exec,
        cpuClock: outcome.cpuClock,
        node: process.version,
      });
      handled.add(job.key);
      if (put === "stored") {
        summary.stored++;
        summary.cpuSeconds += outcome.cpuSeconds;
      } else summary.duplicates++;
      summary.done++;
      progress.done(job, outcome.cpuSeconds);
    },
    fail(job, error, n, exec) {
      if (handled.has(job.key)) return;
      handled.add(job.key);
      const info: ErrorInfo = { key: job.key, spec: job.spec, label: job.label, error, attempts: n, executor: exec };
      g.store.putError(info);
      summary.failed.push(info);
      progress.fail(job, error);
    },
    retry: (job, attempt, error) => progress.retry(job, attempt, error),
    note: (line) => progress.note(line),
  };
  if (toRun.length > 0) {
    if (executor === "local") await runLocal(g, toRun, workers, attempts, sink, options.signal);
    else if (executor === "bullmq") {
      if (!options.redis)
        throw new Error("the bullmq executor needs a Redis URL: REDIS_URL=redis://host:port (make) or --redis (command line)");
      const { submitToBullmq } = await import("./bullmq");
      await submitToBullmq(
        g,
        toRun,
        { redis: options.redis, queue: options.queue ?? DEFAULT_QUEUE, attempts, pollMs: options.pollMs ?? 1000 },
        sink,
        options.signal,
      );
    } else throw new Error(`unknown executor ${JSON.stringify(executor)}; use "local" or "bullmq"`);
  }
  summary.interrupted = options.signal?.aborted ?? false;
  summary.skipped = missing.length - handled.size;
  return summary;
}

export const DEFAULT_QUEUE = "linear-studies-grid";

/** Checks a record text from a worker against the job it claims to be (a remote worker could be wrong). */
function checkRecord(grid: Grid, job: GridJob, text: unknown): string | undefined {
  if (typeof text !== "string") return `job ${job.label}: the worker returned no record text`;
  let rec: { key?: unknown; code?: unknown; spec?: unknown };
  try {
    rec = JSON.parse(text) as typeof rec;
  } catch (err) {
    return `job ${job.label}: the worker returned a record that is not JSON (${(err as Error).message})`;
  }
  if (canonicalJson(rec) !== text) return `job ${job.label}: the worker's record is not canonical JSON (a worker of another version?)`;
  if (rec.key !== job.key || rec.code !== grid.code.version || canonicalJson(rec.spec) !== canonicalJson(job.spec)) {
    return `job ${job.label}: the worker's record is for key ${String(rec.key)} / code ${String(rec.code)}, expected ${job.key} / ${grid.code.version}`;
  }
  return undefined;
}

async function runLocal(
  grid: Grid,
  jobs: GridJob[],
  workers: number,
  attempts: number,
  sink: GridSink,
  signal?: AbortSignal,
): Promise<void> {
  if (workers === 1) {
    // in this thread: no worker start-up, and a notebook's own modules are shared with the job
    for (const job of jobs) {
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) return;
        const o = await executeJob(grid.definition, taskOf(grid, job, attempt));
        if (o.ok) {
          try {
            sink.complete(job, o, attempt, "local");
          } catch (err) {
            sink.fail(job, (err as Error).message, attempt, "local");
          }
          break;
        }
        if (attempt >= attempts) {
          sink.fail(job, o.error, attempt, "local");
          break;
        }
        sink.retry(job, attempt, o.error);
      }
    }
    return;
  }
  const pool = new ThreadPool(workers);
  const queue: { job: GridJob; attempt: number }[] = jobs.map((job) => ({ job, attempt: 1 }));
  try {
    await new Promise<void>((resolve) => {
      let running = 0;
      const onAbort = () => resolve();
      signal?.addEventListener("abort", onAbort, { once: true });
      const launch = () => {
        while (running < workers && queue.length > 0 && !signal?.aborted) {
          const { job, attempt } = queue.shift()!;
          running++;
          void pool.run(taskOf(grid, job, attempt)).then((o) => {
            running--;
            if (signal?.aborted) return;
            try {
              if (o.ok) sink.complete(job, o, attempt, "local");
              else if (attempt >= attempts) sink.fail(job, o.error, attempt, "local");
              else {
                sink.retry(job, attempt, o.error);
                queue.unshift({ job, attempt: attempt + 1 }); // retry next, before smaller jobs
              }
            } catch (err) {
              // the store refused the result (e.g. a nondeterministic job): report it, go on
              sink.fail(job, (err as Error).message, attempt, "local");
            }
            if (queue.length === 0 && running === 0) {
              signal?.removeEventListener("abort", onAbort);
              resolve();
            } else launch();
          });
        }
      };
      launch();
    });
  } finally {
    await pool.close();
  }
}
