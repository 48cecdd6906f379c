import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { openGrid, runGrid } from "../../lib/core/grid";
import { dist, FIXTURE, recordBytes, ROOT, tmpDir, waitFor } from "./grid-helpers";

test("a grid killed mid-run (SIGKILL) keeps what it stored, leaves nothing half-written, and resumes to the same records", async () => {
  const reference = openGrid({ module: FIXTURE, grid: "tiny", scale: "full", resultsDir: tmpDir("resume-ref") });
  await runGrid(reference, { workers: 1, log: () => undefined });

  const resultsDir = tmpDir("resume");
  const hooks = tmpDir("resume-hooks");
  const env = { ...process.env, LS_RESULTS_DIR: resultsDir, LS_GRID_FIXTURE_DIR: hooks };
  const cli = dist("lib/cli/grid.js");
  const args = [cli, "run", "--module", FIXTURE, "--grid", "tiny", "--scale", "full", "--workers", "2"];
  // job 0 (largest cost, started first) holds its thread until hooks/release exists; the other
  // thread computes the seven others; then the whole command is killed with job 0 mid-run
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const dir = path.join(resultsDir, "grid-fixture", "tiny");
  const held = () => fs.readdirSync(hooks).some((f) => f.startsWith("started-0-"));
  await waitFor("7 records stored and job 0 running", () => held() && fs.existsSync(dir) && recordBytes(dir).size === 7);
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGKILL");
  await exited;
  assert.equal(recordBytes(dir).size, 7, out);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => !/^[0-9a-f]{24}\.(json\.gz|run\.json)$/.test(f)),
    [],
    "no temporary or partial files",
  );

  fs.writeFileSync(path.join(hooks, "release"), "");
  const resumed = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: "utf8" });
  assert.equal(resumed.status, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stdout, /8 jobs, 7 stored, 1 to run/);
  assert.match(resumed.stdout, /8\/8 done; this run stored 1 /);
  assert.deepEqual(recordBytes(dir), recordBytes(reference.store.dir));

  const plan = spawnSync(process.execPath, [cli, "plan", "--module", FIXTURE, "--grid", "tiny", "--scale", "full"], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  assert.equal(plan.status, 0, plan.stderr);
  assert.match(plan.stdout, /i=0 +100\.0 CPU-s {2}done/);
  assert.match(plan.stdout, /total: 0\.028 CPU-h estimated; stored 8\/8/);
});
