/**
 * Runs one job wherever it is (this thread, a worker thread, a remote worker) and turns its result
 * into the canonical record text. Building the record where the job ran means every executor hands
 * the store the same text, and a result that is not plain JSON fails the job where it can be seen.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { canonicalJson, type Json } from "./canonical";
import type { GridDefinition, GridRecord, JobContext, SpecBase } from "./definition";

/** Everything a worker needs to run a job, as plain data. */
export interface JobTask {
  /** Module reference (repository-relative .ts path). */
  ref: string;
  grid: string;
  spec: SpecBase;
  key: string;
  /** The submitter's code version; a worker whose sources differ refuses the job. */
  code: string;
  attempt: number;
  label: string;
  /** Return the result itself (structured clone) instead of a record: `mapJobs`, nothing stored. */
  raw?: boolean;
}

export type JobOutcome =
  | { ok: true; record: string; value?: unknown; cpuSeconds: number; wallSeconds: number; cpuClock: "thread" | "process" }
  | { ok: false; error: string; cpuSeconds: number; wallSeconds: number; cpuClock: "thread" | "process" };

let clkTck: number | undefined;
function clockTicks(): number {
  if (clkTck === undefined) {
    const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
    const v = Number(r.stdout?.trim());
    clkTck = Number.isFinite(v) && v > 0 ? v : 100;
  }
  return clkTck;
}

/**
 * CPU seconds used so far by the calling thread. `process.cpuUsage()` counts every thread of the
 * process, which is wrong as soon as two jobs run on two worker threads; Linux exposes each thread's
 * own utime + stime in /proc/thread-self/stat (Node ≥ 23.9 has process.threadCpuUsage). Elsewhere the
 * process-wide figure is used and marked as such.
 */
export function threadCpu(): { seconds: number; clock: "thread" | "process" } {
  const p = process as unknown as { threadCpuUsage?: () => { user: number; system: number } };
  if (typeof p.threadCpuUsage === "function") {
    const u = p.threadCpuUsage();
    return { seconds: (u.user + u.system) / 1e6, clock: "thread" };
  }
  try {
    const stat = fs.readFileSync("/proc/thread-self/stat", "utf8");
    // fields after "(comm) ": state is field 3, utime 14, stime 15 (proc(5)); comm may contain spaces
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[11]) + Number(f[12]);
    if (Number.isFinite(ticks)) return { seconds: ticks / clockTicks(), clock: "thread" };
  } catch {
    // not Linux: fall through
  }
  const u = process.cpuUsage();
  return { seconds: (u.user + u.system) / 1e6, clock: "process" };
}

/** The canonical text of a job's record. */
export function recordText(task: Pick<JobTask, "key" | "code" | "spec">, result: unknown, report: Record<string, Json>): string {
  const rec: GridRecord<unknown, unknown> = { format: 1, key: task.key, code: task.code, spec: task.spec, result };
  if (Object.keys(report).length > 0) rec.report = report;
  return canonicalJson(rec, "record");
}

/** Runs `task` with `def` in the calling thread; never throws (a failure is an outcome). */
export async function executeJob(def: GridDefinition<SpecBase, unknown>, task: JobTask): Promise<JobOutcome> {
  const report: Record<string, Json> = {};
  const ctx: JobContext = {
    attempt: task.attempt,
    report(fields) {
      for (const [k, v] of Object.entries(fields)) report[k] = JSON.parse(canonicalJson(v, `report.${k}`)) as Json;
    },
  };
  const cpu0 = threadCpu();
  const wall0 = performance.now();
  const done = (o: { ok: true; record: string; value?: unknown } | { ok: false; error: string }): JobOutcome => {
    const cpu1 = threadCpu();
    return {
      ...o,
      cpuSeconds: Math.max(0, cpu1.seconds - cpu0.seconds),
      wallSeconds: (performance.now() - wall0) / 1000,
      cpuClock: cpu1.clock,
    };
  };
  try {
    const result = await def.run(task.spec, ctx);
    if (result === undefined) throw new Error(`run() returned undefined; return the job's result as plain JSON`);
    if (task.raw) return done({ ok: true, record: "", value: result });
    return done({ ok: true, record: recordText(task, result, report) });
  } catch (err) {
    const e = err as Error;
    return done({ ok: false, error: `job ${task.label} (key ${task.key}) failed on attempt ${task.attempt}: ${e?.stack ?? String(err)}` });
  }
}
