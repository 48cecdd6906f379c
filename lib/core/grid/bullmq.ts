/**
 * The BullMQ executor: a Redis-backed queue that any number of worker processes, on any machines,
 * pull jobs from. The submitting side adds the grid's missing jobs (job id = job key, so submitting
 * twice, or resuming, never queues a job twice), then collects finished jobs from Redis into its own
 * store and removes them from the queue. It polls Redis rather than listening to events, so a
 * submitter restarted while workers kept computing still collects everything they finished.
 *
 * Failure handling is BullMQ's: a job whose worker dies (kill -9, a lost machine) keeps its lock
 * only `lockDuration`; another worker's stalled-job check then puts it back in the queue (at most
 * `maxStalledCount` times, after which it fails: a job that keeps killing its workers is reported,
 * not handed to every worker in turn). A job that throws is retried until `attempts`. A record that
 * comes back twice is stored once (the store ignores an equal duplicate).
 */
import * as os from "node:os";
import type { Job, Queue as QueueType, Worker as WorkerType } from "bullmq";
import { repoRoot } from "../env";
import { checkBuilt, codeVersion } from "./code-version";
import type { JobOutcome, JobTask } from "./execute";
import type { Grid, GridJob } from "./grid";
import { gridOf, loadGridModule, refToModule, checkModuleRef } from "./module";
import { ThreadPool } from "./pool";
import { taskOf, type GridSink } from "./run";

type Bull = typeof import("bullmq");
function bull(): Bull {
  // loaded on demand: the local executor and the notebooks never need Redis
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("bullmq") as Bull;
}

/** Connection options for a redis:// or rediss:// URL (ioredis parses it). */
export function redisConnection(url: string) {
  if (!/^rediss?:\/\/[^\s]+$/.test(url))
    throw new Error(`Redis URL ${JSON.stringify(url)} must look like redis://host:port (or rediss:// for TLS)`);
  // maxRetriesPerRequest null: BullMQ's blocking commands must wait through reconnects, not fail
  return { url, maxRetriesPerRequest: null };
}

/** What a worker returns to the submitter through Redis. */
interface WireResult {
  record: string;
  cpuSeconds: number;
  wallSeconds: number;
  cpuClock: "thread" | "process";
}

const PRIORITY_MAX = 2_097_151;

export async function submitToBullmq(
  grid: Grid,
  jobs: GridJob[],
  opts: { redis: string; queue: string; attempts: number; pollMs: number },
  sink: GridSink,
  signal?: AbortSignal,
): Promise<void> {
  const { Queue } = bull();
  const queue: QueueType = new Queue(opts.queue, { connection: redisConnection(opts.redis) });
  queue.on("error", () => {
    /* connection errors surface as rejected calls below; without a listener they would crash */
  });
  const byKey = new Map(jobs.map((j) => [j.key, j]));
  const outstanding = new Set<string>();
  try {
    await queue.waitUntilReady();
    const toAdd: GridJob[] = [];
    for (const job of jobs) {
      const existing = await queue.getJob(job.key);
      const state = existing ? await existing.getState() : undefined;
      if (existing === undefined || state === "unknown") toAdd.push(job);
      else if (state === "failed") {
        // a job that failed in an earlier submission gets a fresh set of attempts
        await existing.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
      outstanding.add(job.key); // completed ones are collected by the first poll
    }
    await addJobs(queue, grid, toAdd, jobs, opts.attempts);
    sink.note(`queued ${toAdd.length} job(s) on ${opts.queue} (${jobs.length - toAdd.length} already in the queue); waiting for workers`);
    let idlePolls = 0;
    let polls = 0;
    while (outstanding.size > 0 && !signal?.aborted) {
      const before = outstanding.size;
      // two lists, not one: a job that failed once and then succeeded still carries its old failedReason
      const completed = (await queue.getJobs(["completed"], 0, -1)) as Job[];
      const failed = (await queue.getJobs(["failed"], 0, -1)) as Job[];
      for (const [j, ok] of [...completed.map((c) => [c, true] as const), ...failed.map((f) => [f, false] as const)]) {
        const job = j.id !== undefined && outstanding.has(j.id) ? byKey.get(j.id) : undefined;
        if (job === undefined) continue; // another grid's job, or collected already
        const attemptsStarted = Math.max(1, j.attemptsStarted ?? j.attemptsMade ?? 1);
        if (ok) {
          const r = (j.returnvalue ?? {}) as Partial<WireResult>;
          const outcome: Extract<JobOutcome, { ok: true }> = {
            ok: true,
            record: r.record as string,
            cpuSeconds: Number(r.cpuSeconds) || 0,
            wallSeconds: Number(r.wallSeconds) || 0,
            cpuClock: r.cpuClock === "process" ? "process" : "thread",
          };
          try {
            sink.complete(job, outcome, attemptsStarted, "bullmq");
          } catch (err) {
            sink.fail(job, (err as Error).message, attemptsStarted, "bullmq");
          }
        } else {
          const trace = (j.stacktrace ?? []).filter(Boolean).pop();
          sink.fail(job, trace ?? j.failedReason ?? "failed without a reason", j.attemptsMade, "bullmq");
        }
        outstanding.delete(job.key);
        await j.remove().catch(() => undefined); // already removed by a concurrent submitter: fine
      }
      for (const key of outstanding) {
        // stored meanwhile by another submitter of the same grid
        if (grid.store.has(key)) {
          outstanding.delete(key);
          sink.complete(
            byKey.get(key)!,
            { ok: true, record: grid.store.readText(key)!, cpuSeconds: 0, wallSeconds: 0, cpuClock: "thread" },
            1,
            "bullmq",
          );
        }
      }
      if (++polls % 10 === 0 && outstanding.size > 0) {
        // jobs that vanished from Redis (queue obliterated, Redis restarted without persistence) are re-queued
        const lost: GridJob[] = [];
        for (const key of outstanding) if ((await queue.getJob(key)) === undefined) lost.push(byKey.get(key)!);
        if (lost.length > 0) {
          sink.note(`${lost.length} job(s) vanished from Redis; queueing them again`);
          await addJobs(queue, grid, lost, jobs, opts.attempts);
        }
      }
      idlePolls = outstanding.size < before ? 0 : idlePolls + 1;
      if (idlePolls > 0 && idlePolls % Math.max(1, Math.round(30_000 / opts.pollMs)) === 0 && (await queue.getWorkersCount()) === 0) {
        sink.note(`no worker is connected to queue ${opts.queue}; start one per machine: make worker REDIS_URL=${opts.redis}`);
      }
      if (outstanding.size > 0) await sleep(opts.pollMs, signal);
    }
  } finally {
    await queue.close();
  }
}

async function addJobs(queue: QueueType, grid: Grid, add: GridJob[], all: GridJob[], attempts: number): Promise<void> {
  const rank = new Map(all.map((j, i) => [j.key, i]));
  for (let i = 0; i < add.length; i += 500) {
    await queue.addBulk(
      add.slice(i, i + 500).map((job) => {
        const { attempt: _attempt, ...data } = taskOf(grid, job, 1);
        void _attempt;
        return {
          name: grid.id,
          data,
          opts: {
            jobId: job.key,
            attempts,
            // BullMQ serves priority 1 first: the order of `all` is largest estimated cost first
            priority: Math.min(PRIORITY_MAX, rank.get(job.key)! + 1),
            removeOnComplete: false, // the submitter removes a job once its result is stored
            removeOnFail: false,
          },
        };
      }),
    );
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", wake);
      resolve();
    };
    const t = setTimeout(wake, ms);
    signal?.addEventListener("abort", wake, { once: true });
  });
}

export interface GridWorkerOptions {
  redis: string;
  queue: string;
  /** Jobs run at once, each on its own thread (default: this machine's cores). */
  concurrency?: number;
  /** How long a job's lock lasts without renewal before another worker may take the job (ms, default 30000). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (ms, default 30000). */
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it fails (default 2). */
  maxStalledCount?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  worker: WorkerType;
  /** Waits for running jobs, then disconnects (`force`: abandon them; BullMQ re-queues them as stalled). */
  close(force?: boolean): Promise<void>;
}

/**
 * Starts a worker process's side: pulls jobs from the queue and runs them on a thread pool. Each job
 * names its grid module by reference and carries the submitter's code version; the worker computes
 * its own from its checkout and refuses (without retry) a job whose code differs, because its result
 * would be stored under a key that does not describe the code that produced it.
 */
export async function startGridWorker(opts: GridWorkerOptions): Promise<RunningWorker> {
  const { Worker, UnrecoverableError } = bull();
  const log = opts.log ?? ((l: string) => console.log(l));
  const concurrency = opts.concurrency ?? os.availableParallelism();
  const pool = new ThreadPool(concurrency);
  const versions = new Map<string, string>();
  const versionOf = (ref: string, gridName: string): string => {
    const id = `${ref}#${gridName}`;
    let v = versions.get(id);
    if (v === undefined) {
      const mod = refToModule(ref);
      const def = gridOf(loadGridModule(mod), mod, gridName);
      const cv = codeVersion(mod.source, repoRoot(), def.inputs ?? []);
      checkBuilt(Object.keys(cv.files), repoRoot());
      v = cv.version;
      versions.set(id, v);
    }
    return v;
  };
  const where = `${os.hostname()} pid ${process.pid}`;
  const worker: WorkerType = new Worker(
    opts.queue,
    async (job: Job) => {
      const data = job.data as Omit<JobTask, "attempt">;
      checkModuleRef(data.ref);
      let mine: string;
      try {
        mine = versionOf(data.ref, data.grid);
      } catch (err) {
        throw new UnrecoverableError(`worker ${where} cannot load ${data.ref} grid ${data.grid}: ${(err as Error).message}`);
      }
      if (mine !== data.code) {
        throw new UnrecoverableError(
          `worker ${where} has code version ${mine} for ${data.ref}, the submitter ${data.code}: this worker's checkout differs (sources or package-lock.json); update it (git pull && npm ci && make build) and restart the worker`,
        );
      }
      const outcome = await pool.run({ ...data, attempt: Math.max(1, job.attemptsStarted ?? 1) });
      if (!outcome.ok) throw new Error(outcome.error);
      const wire: WireResult = {
        record: outcome.record,
        cpuSeconds: outcome.cpuSeconds,
        wallSeconds: outcome.wallSeconds,
        cpuClock: outcome.cpuClock,
      };
      return wire;
    },
    {
      connection: redisConnection(opts.redis),
      concurrency,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: opts.maxStalledCount ?? 2,
    },
  );
  worker.on("completed", (job: Job) => log(`worker ${where}: done ${job.name} ${(job.data as JobTask).label} (key ${job.id})`));
  worker.on("failed", (job: Job | undefined, err: Error) =>
    log(`worker ${where}: failed ${job?.name ?? "?"} ${(job?.data as JobTask | undefined)?.label ?? ""}: ${err.message.split("\n")[0]}`),
  );
  worker.on("error", (err: Error) => log(`worker ${where}: ${err.message}`));
  await worker.waitUntilReady();
  log(`worker ${where}: listening on ${opts.queue} at ${opts.redis} with ${concurrency} thread(s)`);
  return {
    worker,
    async close(force = false) {
      await worker.close(force);
      await pool.close();
    },
  };
}
