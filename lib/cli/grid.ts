#!/usr/bin/env node
/**
 * Grid commands (see lib/core/grid):
 *   grid run   (--study <slug> | --module <path>) --grid <name> [--scale full|smoke]
 *              [--executor local|bullmq] [--workers n] [--redis redis://host:port] [--queue q] [--attempts n]
 *              [--only "<group or label>,…"]   only those jobs, in that order of priority
 *   grid plan  … prints every job's estimated cost and state, subtotals, the total in CPU-hours
 *   grid prune … deletes stale results (other specs or code) from the grid's folder
 * `make grid`, `make grid-plan`, `make grid-prune` call these. Exit status of run: 0 when every job
 * has a result, 1 when some failed, 130 when interrupted (run it again to resume).
 */
import { parseArgs } from "node:util";
import { SCALES, type Scale } from "../core/env";
import { fmtCpu, openGrid, planText, runGrid } from "../core/grid";

const USAGE = `usage: grid <run|plan|prune> (--study <slug> | --module <path>) --grid <name> [--scale full|smoke]
       [--executor local|bullmq] [--workers n] [--redis redis://host:port] [--queue name] [--attempts n]
       [--only "<group or job label>,…"]  (run: only those, in that order of priority)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      study: { type: "string" },
      module: { type: "string" },
      grid: { type: "string" },
      scale: { type: "string" },
      executor: { type: "string" },
      workers: { type: "string" },
      redis: { type: "string" },
      queue: { type: "string" },
      attempts: { type: "string" },
      only: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const cmd = positionals[0];
  if (values.help || cmd === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!["run", "plan", "prune"].includes(cmd) || positionals.length > 1)
    throw new Error(`unknown command ${positionals.join(" ")}\n${USAGE}`);
  if (!values.grid) throw new Error(`--grid <name> is missing (GRID=<name> with make)\n${USAGE}`);
  if (values.scale !== undefined && !SCALES.includes(values.scale as Scale))
    throw new Error(`--scale must be one of ${SCALES.join(", ")}, got ${values.scale}`);
  const int = (name: string, v: string | undefined) => {
    if (v === undefined || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const grid = openGrid({
    grid: values.grid,
    ...(values.study ? { study: values.study } : {}),
    ...(values.module ? { module: values.module } : {}),
    ...(values.scale ? { scale: values.scale as Scale } : {}),
  });
  const workers = int("workers", values.workers);
  if (cmd === "plan") {
    console.log(planText(grid, { workers: workers ?? 1 }));
    return 0;
  }
  if (cmd === "prune") {
    const removed = grid.prune();
    console.log(
      `grid ${grid.id}: removed ${removed.length} stale result(s) from ${grid.store.dir}${removed.length ? ` (${removed.join(", ")})` : ""}; commit the deletion with git`,
    );
    return 0;
  }
  const executor = (values.executor || (values.redis ? "bullmq" : "local")) as "local" | "bullmq";
  if (executor !== "local" && executor !== "bullmq") throw new Error(`--executor must be local or bullmq, got ${JSON.stringify(executor)}`);
  const abort = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
    console.log(
      `grid ${grid.id}: interrupting (results stored so far are kept; run the same command to resume; Ctrl-C again to quit at once)`,
    );
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const attempts = int("attempts", values.attempts);
  // --only "K=3 n=1000,K=5 n=400": jobs whose group or label is listed, the first listed first
  const only = values.only
    ? values.only
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;
  if (only) {
    const known = new Set(grid.jobs.flatMap((j) => [j.label, ...(j.group !== undefined ? [j.group] : [])]));
    const unknown = only.filter((x) => !known.has(x));
    if (unknown.length > 0)
      throw new Error(
        `--only: ${unknown.map((x) => JSON.stringify(x)).join(", ")} name no group or job of ${grid.id}; \`make grid-plan\` lists them`,
      );
  }
  const rankOf = (j: { label: string; group?: string }) => {
    const r = only!.findIndex((x) => x === j.label || x === j.group);
    return r < 0 ? Number.POSITIVE_INFINITY : r;
  };
  const s = await runGrid(grid, {
    executor,
    clock: true,
    signal: abort.signal,
    ...(workers !== undefined ? { workers } : {}),
    ...(attempts !== undefined ? { attempts } : {}),
    ...(only ? { only: (j) => rankOf(j) !== Number.POSITIVE_INFINITY, rank: rankOf } : {}),
    ...(values.redis ? { redis: values.redis } : {}),
    ...(values.queue ? { queue: values.queue } : {}),
  });
  console.log(
    `grid ${s.id}: ${s.done}/${s.total} done; this run stored ${s.stored} (${fmtCpu(s.cpuSeconds)})` +
      `${s.duplicates ? `, ignored ${s.duplicates} duplicate result(s)` : ""}, ${s.failed.length} failed${s.skipped ? `, ${s.skipped} not run` : ""}; results in ${grid.store.dir}`,
  );
  for (const f of s.failed)
    console.log(`  failed: ${f.label} after ${f.attempts} attempt(s): ${f.error.split("\n")[0]} (details: ${grid.store.errorFile(f.key)})`);
  if (s.interrupted) return 130;
  return s.failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`grid: ${err.message}`);
      process.exit(1);
    },
  );
}

export { main as gridMain };
