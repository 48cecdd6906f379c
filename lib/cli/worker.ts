#!/usr/bin/env node
/**
 * A grid worker: pulls jobs of any study's grid from a BullMQ queue in Redis and runs them on this
 * machine's cores (one thread per concurrent job). Start one per machine, from a checkout at the same
 * commit as the submitter, built (`make build`):
 *   node dist/lib/cli/worker.js --redis redis://host:6379 [--concurrency n] [--queue name]
 * First Ctrl-C/SIGTERM: finish running jobs, take no new ones; second: quit at once (the running jobs
 * are re-queued by BullMQ's stalled-job check and computed by another worker).
 */
import { parseArgs } from "node:util";
import { DEFAULT_QUEUE } from "../core/grid";
import { startGridWorker } from "../core/grid/bullmq";

const USAGE = `usage: worker --redis redis://host:port [--queue name] [--concurrency n]
       [--lock-duration ms] [--stalled-interval ms] [--max-stalled n]`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      redis: { type: "string" },
      queue: { type: "string" },
      concurrency: { type: "string" },
      "lock-duration": { type: "string" },
      "stalled-interval": { type: "string" },
      "max-stalled": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.redis) throw new Error(`--redis redis://host:port is missing (REDIS_URL=… with make)\n${USAGE}`);
  const int = (name: string, v: string | undefined) => {
    if (v === undefined || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const opt = <T>(k: string, v: T | undefined) => (v === undefined ? {} : { [k]: v });
  const w = await startGridWorker({
    redis: values.redis,
    queue: values.queue || DEFAULT_QUEUE,
    ...opt("concurrency", int("concurrency", values.concurrency)),
    ...opt("lockDurationMs", int("lock-duration", values["lock-duration"])),
    ...opt("stalledIntervalMs", int("stalled-interval", values["stalled-interval"])),
    ...opt("maxStalledCount", int("max-stalled", values["max-stalled"])),
  });
  let signals = 0;
  const stop = () => {
    if (++signals > 1) process.exit(130);
    console.log("worker: finishing running jobs, taking no new ones (signal again to quit now; running jobs are then re-queued)");
    void w.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: Error) => {
    console.error(`worker: ${err.message}`);
    process.exit(1);
  });
}

export { main as workerMain };
