import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { openGrid, runGrid } from "../../lib/core/grid";
import { dist, FIXTURE, recordBytes, ROOT, tmpDir, waitFor } from "./grid-helpers";

const hasRedis = spawnSync("redis-server", ["--version"], { encoding: "utf8" }).status === 0;
const required = process.env.LS_REQUIRE_REDIS === "1";
const skip = hasRedis
  ? false
  : required
    ? false
    : "redis-server not installed (Debian package redis-server); CI sets LS_REQUIRE_REDIS=1 to make this test mandatory";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A throw-away redis-server on a free localhost port, no persistence (no dump, no AOF). */
async function startRedis(dir: string): Promise<{ url: string; proc: ChildProcess }> {
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    const ready = await new Promise<boolean>((resolve) => {
      proc.stdout!.on("data", (d) => {
        log += d;
        if (log.includes("Ready to accept connections")) resolve(true);
      });
      proc.on("exit", () => resolve(false));
    });
    if (ready) return { url: `redis://127.0.0.1:${port}`, proc };
    if (tries >= 3) throw new Error(`redis-server did not start: ${log}`);
  }
}

interface Worker {
  proc: ChildProcess;
  out: string;
}

function startWorker(url: string, queue: string, hooks: string): Worker {
  // a short lock and stalled-check interval, so a killed worker's job is re-queued within seconds
  const args = [
    dist("lib/cli/worker.js"),
    "--redis",
    url,
    "--queue",
    queue,
    "--concurrency",
    "1",
    "--lock-duration",
    "5000",
    "--stalled-interval",
    "1000",
  ];
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LS_GRID_FIXTURE_DIR: hooks },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const w: Worker = { proc, out: "" };
  proc.stdout!.on("data", (d) => (w.out += d));
  proc.stderr!.on("data", (d) => (w.out += d));
  return w;
}

test(
  "bullmq: two worker processes, one killed (SIGKILL) mid-job, give the local executor's bytes; bounded retries; code mismatch refused",
  { skip },
  async () => {
    assert.ok(hasRedis, "LS_REQUIRE_REDIS=1 but redis-server is missing: apt-get install redis-server");
    const reference = openGrid({ module: FIXTURE, grid: "tiny", scale: "full", resultsDir: tmpDir("bull-ref") });
    await runGrid(reference, { workers: 1, log: () => undefined });

    const scratch = tmpDir("bull");
    const hooks = tmpDir("bull-hooks");
    const { url, proc: redis } = await startRedis(scratch);
    const queue = `test-${process.pid}`;
    const workers = [startWorker(url, queue, hooks), startWorker(url, queue, hooks)];
    const log: string[] = [];
    try {
      await waitFor(
        "both workers listening",
        () => workers.every((w) => w.out.includes("listening on")) || workers.some((w) => w.proc.exitCode !== null),
      );
      assert.ok(
        workers.every((w) => w.proc.exitCode === null),
        workers.map((w) => w.out).join("\n"),
      );

      const grid = openGrid({ module: FIXTURE, grid: "tiny", scale: "full", resultsDir: path.join(scratch, "results") });
      const running = runGrid(grid, { executor: "bullmq", redis: url, queue, attempts: 3, pollMs: 200, log: (l) => log.push(l) });
      // job 0 has the highest priority, so one worker takes it first and holds it: kill that worker
      let holderPid = 0;
      await waitFor("job 0 started on a worker", () => {
        const m = fs
          .readdirSync(hooks)
          .map((f) => /^started-0-(\d+)-/.exec(f))
          .find(Boolean);
        if (m) holderPid = Number(m[1]);
        return holderPid !== 0;
      });
      const holder = workers.find((w) => w.proc.pid === holderPid);
      assert.ok(holder, `job 0 ran in pid ${holderPid}, not one of the test's workers`);
      holder.proc.kill("SIGKILL");
      fs.writeFileSync(path.join(hooks, "release"), "");
      const s = await running;
      assert.deepEqual([s.stored, s.failed.length, s.done], [8, 0, 8], log.join("\n"));
      assert.deepEqual(recordBytes(grid.store.dir), recordBytes(reference.store.dir));
      const started0 = fs.readdirSync(hooks).filter((f) => f.startsWith("started-0-"));
      assert.ok(
        started0.some((f) => !f.startsWith(`started-0-${holderPid}-`)),
        `job 0 was re-run by the other worker: ${started0}`,
      );
      assert.ok(grid.store.readRun(grid.jobs[0]!.key)!.attempts >= 2, "the re-run shows as a second attempt");
      assert.ok(grid.store.readRun(grid.jobs[2]!.key)!.attempts >= 2, "job 2 threw once and was retried");

      const again = await runGrid(grid, { executor: "bullmq", redis: url, queue, log: () => undefined });
      assert.deepEqual([again.stored, again.done], [0, 8], "a finished grid queues nothing");

      const faulty = openGrid({ module: FIXTURE, grid: "faulty", scale: "full", resultsDir: path.join(scratch, "results") });
      const f = await runGrid(faulty, { executor: "bullmq", redis: url, queue, attempts: 2, pollMs: 200, log: () => undefined });
      assert.deepEqual([f.stored, f.failed.length, f.failed[0]?.attempts], [1, 1, 2]);
      assert.match(f.failed[0]!.error, /fixture job 0 always fails/);

      const mismatch = openGrid({
        module: FIXTURE,
        grid: "faulty",
        scale: "full",
        resultsDir: path.join(scratch, "other"),
        codeVersion: "000000000000000000000000",
      });
      const m = await runGrid(mismatch, { executor: "bullmq", redis: url, queue, attempts: 3, pollMs: 200, log: () => undefined });
      assert.equal(m.failed.length, 2);
      assert.ok(
        m.failed.every(
          (x) => x.attempts === 1 && /code version .* the submitter 000000000000000000000000: this worker's checkout differs/.test(x.error),
        ),
        m.failed.map((x) => x.error).join("\n"),
      );
    } finally {
      for (const w of workers) w.proc.kill("SIGKILL");
      redis.kill("SIGKILL");
    }
  },
);
