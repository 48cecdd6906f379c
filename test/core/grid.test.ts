import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { canonicalJson, cachedGrid, codeVersion, importClosure, mapJobs, openGrid, planText, runGrid } from "../../lib/core/grid";
import { checkBuilt } from "../../lib/core/grid/code-version";
import { crc32, gzipDeterministic } from "../../lib/core/grid/gzip";
import { GridStore } from "../../lib/core/grid/store";
import { tinyResult, type TinyResult, type TinySpec } from "../fixtures/grid-study/grids";
import { FIXTURE, recordBytes, tmpDir } from "./grid-helpers";

const quiet = () => undefined;

test("canonical JSON: sorted keys, shortest numbers, typed arrays as arrays; NaN, undefined in arrays and class instances refused with their path", () => {
  const v = { b: [1, 0.1 + 0.2, -0], a: { y: 'é"', x: true, z: undefined }, c: new Float64Array([1.5, 2]), d: null };
  assert.equal(canonicalJson(v), '{"a":{"x":true,"y":"é\\""},"b":[1,0.30000000000000004,0],"c":[1.5,2],"d":null}');
  assert.deepEqual(JSON.parse(canonicalJson(v)), { a: { x: true, y: 'é"' }, b: [1, 0.30000000000000004, 0], c: [1.5, 2], d: null });
  assert.equal(canonicalJson({ z: 1, a: 2 }), canonicalJson({ a: 2, z: 1 }));
  assert.throws(() => canonicalJson({ r: { err: [0.1, Number.NaN] } }), /\$\.r\.err\[1\] is NaN.*null or as a string/);
  assert.throws(() => canonicalJson([1, undefined]), /\$\[1\] is undefined/);
  assert.throws(() => canonicalJson({ when: new Date(0) }), /\$\.when is a Date/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /\$\.f is a function/);
});

test("deterministic gzip: fixed header (mtime 0), same bytes twice, readable by zlib; CRC-32 check value", () => {
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926); // the standard CRC-32 check value
  const text = JSON.stringify({ x: Array.from({ length: 500 }, (_, i) => i % 7) });
  const a = gzipDeterministic(text);
  assert.deepEqual(a, gzipDeterministic(text));
  assert.deepEqual([...a.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
  assert.equal(zlib.gunzipSync(a).toString("utf8"), text); // zlib verifies the CRC and length
  assert.ok(a.length < text.length / 4);
});

test("code version: the closure of relative imports, blind to comments and layout, sensitive to code, lockfile and inputs", () => {
  const root = tmpDir("code");
  const w = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  w("package-lock.json", '{"lockfileVersion":3}');
  w("lib/core/b.ts", 'import type { T } from "./types";\nexport const b = (t: T) => t + 1;\n');
  w("lib/core/types.ts", "export type T = number;\n");
  w("lib/core/unused.ts", "export const u = 1;\n");
  w("lib/x/index.ts", 'export { b } from "../core/b";\nexport const cfg = require("./cfg.json");\n');
  w("lib/x/cfg.json", '{"k":1}');
  w(
    "lib/studies/s/grids.ts",
    'import { b } from "../../x";\nimport * as fs from "node:fs";\nexport const GRIDS = { g: b(1) + fs.constants.F_OK };\n',
  );
  w("data/in.csv", "1,2\n");
  const entry = path.join(root, "lib/studies/s/grids.ts");
  assert.deepEqual(importClosure(entry, root), [
    "lib/core/b.ts",
    "lib/core/types.ts",
    "lib/studies/s/grids.ts",
    "lib/x/cfg.json",
    "lib/x/index.ts",
  ]);
  const v0 = codeVersion(entry, root).version;
  const again = () => codeVersion(entry, root).version;
  w(
    "lib/core/b.ts",
    '// why: one more\nimport type { T } from "./types";\n\n/** doc */ export const b = (t: T) =>   t + 1; // same code\n',
  );
  assert.equal(again(), v0, "comments and layout do not change the version");
  w("lib/core/unused.ts", "export const u = 2;\n");
  assert.equal(again(), v0, "a file outside the closure does not count");
  w("lib/core/types.ts", "export type T = 1 | 2;\n");
  const v1 = again();
  assert.notEqual(v1, v0, "a type-only import two hops away counts");
  w("lib/x/cfg.json", '{"k":2}');
  const v2 = again();
  assert.notEqual(v2, v1, "an imported JSON file counts");
  w("package-lock.json", '{"lockfileVersion":3,"x":1}');
  const v3 = again();
  assert.notEqual(v3, v2, "the lockfile counts");
  assert.notEqual(codeVersion(entry, root, ["data/in.csv"]).version, v3, "declared inputs count");
  assert.throws(() => codeVersion(entry, root, ["data/none.csv"]), /grid input data\/none\.csv .* is missing/);
  // compiled code older than its source is refused (results would be keyed by code that did not run)
  const files = Object.keys(codeVersion(entry, root).files);
  assert.throws(() => checkBuilt(files, root), /dist\/ is older than lib\/core\/b\.ts, .*run `make build`/);
  for (const f of files) w(path.join("dist", f.replace(/\.ts$/, ".js")), "");
  const ago = (s: number) => new Date(Date.now() - s * 1000);
  fs.utimesSync(path.join(root, "dist/lib/core/b.js"), ago(60), ago(60));
  fs.utimesSync(path.join(root, "lib/core/b.ts"), ago(30), ago(30));
  assert.throws(() => checkBuilt(files, root), /dist\/ is older than lib\/core\/b\.ts:/);
  w("dist/.build-stamp", "");
  fs.utimesSync(path.join(root, "dist/.build-stamp"), ago(10), ago(10));
  checkBuilt(files, root);
  w("lib/x/index.ts", 'export { b } from "../core/gone";\n');
  assert.throws(() => codeVersion(entry, root), /lib\/x\/index\.ts imports "\.\.\/core\/gone", which resolves to no/);
});

test("the store writes a key once: an equal duplicate is ignored, a different one is refused as nondeterminism", () => {
  const store = new GridStore(tmpDir("store"));
  const key = "0123456789abcdef01234567";
  const run = { cpuSeconds: 1, wallSeconds: 1, attempts: 1, executor: "local" as const, cpuClock: "thread" as const, node: "v" };
  assert.equal(store.put(key, '{"a":1}', run), "stored");
  assert.equal(store.put(key, '{"a":1}', { ...run, cpuSeconds: 9 }), "duplicate");
  assert.equal(store.readRun(key)!.cpuSeconds, 1, "the first run info stays");
  assert.throws(() => store.put(key, '{"a":2}', run), /conflict\.json\.gz\): the job is not deterministic/);
  assert.equal(store.readText(key), '{"a":1}');
  assert.deepEqual(store.list().other, [`${key}.conflict.json.gz`]);
});

/** An independent canonical form: JSON.stringify with every object's keys sorted by a replacer. */
const sortedStringify = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

/** The record the fixture's job i must produce, built here from the fixture's own computation. */
function expectedRecord(spec: TinySpec, key: string, code: string) {
  return { code, format: 1, key, report: { draws: spec.draws }, result: tinyResult(spec), spec };
}

test("local executor: 1 worker (in this thread) and 2 worker threads store byte-identical records, equal to the reference", async () => {
  const dirs: string[] = [];
  for (const workers of [1, 2]) {
    const resultsDir = tmpDir(`local${workers}`);
    const grid = openGrid<TinySpec, TinyResult>({ module: FIXTURE, grid: "tiny", scale: "full", resultsDir });
    const s = await runGrid(grid, { workers, log: quiet });
    assert.deepEqual([s.stored, s.failed.length, s.done, s.total], [8, 0, 8, 8]);
    for (const job of grid.jobs) {
      const text = zlib.gunzipSync(fs.readFileSync(grid.store.recordFile(job.key))).toString("utf8");
      assert.deepEqual(JSON.parse(text), expectedRecord(job.spec, job.key, grid.code.version));
      assert.equal(text, sortedStringify(expectedRecord(job.spec, job.key, grid.code.version)), "keys sorted, no whitespace");
    }
    // job 2 throws on its first attempt and is retried
    assert.equal(grid.store.readRun(grid.jobs[2]!.key)!.attempts, 2);
    const again = await runGrid(grid, { workers, log: quiet });
    assert.deepEqual([again.stored, again.done], [0, 8], "a finished grid re-runs nothing");
    dirs.push(grid.store.dir);
  }
  assert.deepEqual(recordBytes(dirs[0]!), recordBytes(dirs[1]!));
});

test("a changed spec invalidates exactly that job, a changed code version all of them; stale files are reported, never read, and pruned", async () => {
  const resultsDir = tmpDir("invalidate");
  const open = (codeVersion?: string) =>
    openGrid<TinySpec, TinyResult>({ module: FIXTURE, grid: "tiny", scale: "full", resultsDir, ...(codeVersion ? { codeVersion } : {}) });
  const base = open();
  await runGrid(base, { workers: 1, log: quiet });
  const before = recordBytes(base.store.dir);
  process.env.LS_GRID_FIXTURE_VARIANT = "1";
  try {
    const changed = open();
    const st = changed.status();
    assert.deepEqual(
      st.missing.map((j) => j.index),
      [3],
    );
    assert.deepEqual(st.stale, [base.jobs[3]!.key]);
    assert.deepEqual(changed.explainStale(), [{ key: base.jobs[3]!.key, why: "spec not in the grid" }]);
    assert.equal(changed.records()[3], undefined, "the stale record is not read as job 3's");
    const lines: string[] = [];
    const s = await runGrid(changed, { workers: 1, log: (l) => lines.push(l) });
    assert.equal(s.stored, 1);
    assert.match(lines.join("\n"), /1 stale result file\(s\).*make grid-prune/);
    const after = recordBytes(changed.store.dir);
    for (const [f, b] of before) assert.deepEqual(after.get(f), b, `${f} untouched`);
    assert.match(planText(changed), /stale: 1 result file\(s\) not used \(0 from other code, 1 of specs no longer in the grid\)/);
    assert.deepEqual(changed.prune(), [base.jobs[3]!.key]);
    assert.equal(recordBytes(changed.store.dir).size, 8);
    const newCode = open("ffffffffffffffffffffffff");
    const st2 = newCode.status();
    assert.equal(st2.missing.length, 8);
    assert.equal(st2.stale.length, 8);
    assert.ok(newCode.explainStale().every((x) => x.why === "code changed"));
  } finally {
    delete process.env.LS_GRID_FIXTURE_VARIANT;
  }
});

test("a job that always throws is retried up to `attempts`, then reported with its error; the rest of the grid completes; the next run retries it", async () => {
  const resultsDir = tmpDir("faulty");
  for (const workers of [1, 2]) {
    const grid = openGrid({ module: FIXTURE, grid: "faulty", scale: "full", resultsDir: path.join(resultsDir, String(workers)) });
    const s = await runGrid(grid, { workers, attempts: 2, log: quiet });
    assert.equal(s.stored, 1);
    assert.equal(s.failed.length, 1);
    assert.equal(s.failed[0]!.attempts, 2);
    assert.match(s.failed[0]!.error, /job i=0 .* failed on attempt 2: Error: fixture job 0 always fails/);
    assert.equal(grid.store.readError(grid.jobs[0]!.key)!.attempts, 2);
    assert.deepEqual(
      grid.status().failed.map((j) => j.index),
      [0],
    );
    const again = await runGrid(grid, { workers, attempts: 1, log: quiet });
    assert.deepEqual([again.stored, again.failed.length, again.failed[0]!.attempts], [0, 1, 1]);
  }
});

test("cachedGrid: computes everything at smoke scale, nothing at full scale by default, and says what it used and what is missing", async () => {
  const resultsDir = tmpDir("cached");
  const smoke = await cachedGrid<TinySpec, TinyResult>({ module: FIXTURE, grid: "tiny", scale: "smoke", resultsDir, log: quiet });
  assert.equal(smoke.complete, true);
  assert.equal(smoke.records.length, 4);
  assert.deepEqual(
    smoke.records.map((r) => r.result),
    smoke.grid.jobs.map((j) => tinyResult(j.spec)),
  );
  assert.match(
    smoke.summary,
    new RegExp(
      `grid grid-fixture/tiny \\(smoke\\): 4/4 jobs stored in .*grid-fixture/tiny, [0-9.]+ CPU-h measured; grid hash ${smoke.grid.gridHash}, spec hash [0-9a-f]{24}, code [0-9a-f]{24}`,
    ),
  );
  const full = await cachedGrid<TinySpec, TinyResult>({
    module: FIXTURE,
    grid: "tiny",
    scale: "full",
    resultsDir: tmpDir("cached-full"),
    log: quiet,
  });
  assert.equal(full.complete, false);
  assert.deepEqual(full.computedKeys, []);
  assert.equal(full.missing.length, 8);
  assert.match(
    full.summary,
    /0\/8 jobs stored.*\n {2}missing: 8 job\(s\), estimated 100\.3 CPU-s; compute them with `make grid MODULE=test\/fixtures\/grid-study\/grids\.ts GRID=tiny`/,
  );
  const budget = await cachedGrid<TinySpec, TinyResult>({
    module: FIXTURE,
    grid: "tiny",
    scale: "full",
    resultsDir: tmpDir("cached-budget"),
    compute: { maxCpuSeconds: 1 },
    log: quiet,
  });
  assert.deepEqual(
    budget.missing.map((j) => j.index),
    [0],
    "the budget takes every job but the 100-second one",
  );
  const chosen = await cachedGrid<TinySpec, TinyResult>({
    module: FIXTURE,
    grid: "tiny",
    scale: "full",
    resultsDir: tmpDir("cached-only"),
    compute: { only: (j) => j.index % 2 === 1 },
    log: quiet,
  });
  assert.deepEqual(
    chosen.missing.map((j) => j.index),
    [0, 2, 4, 6],
    "only the odd jobs the predicate selects are computed",
  );
  assert.equal(chosen.computed?.stored, 4);
  assert.deepEqual(
    chosen.computedKeys,
    [1, 3, 5, 7].map((i) => chosen.grid.jobs[i]!.key),
  );
  assert.match(chosen.summary, /4\/8 jobs stored.*\n {2}computed here: 4 job\(s\)\n {2}missing: 4 job\(s\)/);
});

test("mapJobs: any specs through a grid's run, on 1 or 2 threads, results in spec order, nothing stored", async () => {
  const specs: TinySpec[] = [5, 1, 9, 3].map((i) => ({ i, seed: 70 + i, draws: 1000 * (i + 1) }));
  const lines: string[] = [];
  const orig = console.log;
  console.log = (l: string) => lines.push(l);
  try {
    for (const workers of [1, 2]) {
      const out = await mapJobs<TinySpec, TinyResult>({ module: FIXTURE, grid: "tiny", specs, workers, label: "demo" });
      assert.deepEqual(out, specs.map(tinyResult));
    }
  } finally {
    console.log = orig;
  }
  assert.deepEqual(lines.slice(0, 4), ["demo: 1/4", "demo: 2/4", "demo: 3/4", "demo: 4/4"]);
  await assert.rejects(
    mapJobs({ module: FIXTURE, grid: "faulty", specs: [{ i: 0, seed: 1, draws: 1, fail: "always" }], workers: 2, quiet: true }),
    /i=0 failed: .*always fails/,
  );
});

test("only and rank: a subset of the missing jobs, in the given order of priority", async () => {
  const grid = openGrid<TinySpec, TinyResult>({ module: FIXTURE, grid: "tiny", scale: "full", resultsDir: tmpDir("only") });
  const order: number[] = [];
  const s = await runGrid(grid, {
    workers: 1,
    log: () => undefined,
    only: (j) => j.group === "odd" || j.index === 2,
    rank: (j) => (j.index === 2 ? 0 : 1), // job 2 first, then the odd ones largest first
  });
  for (const j of grid.jobs) if (grid.store.has(j.key)) order.push(j.index);
  assert.deepEqual([s.stored, s.skipped], [5, 3]);
  assert.deepEqual(order, [1, 2, 3, 5, 7]);
  assert.deepEqual(
    grid.status().missing.map((j) => j.index),
    [0, 4, 6],
  );
  // the order in which they ran: the run files are written in completion order (one thread)
  const mtimes = [2, 7, 5, 3, 1].map((i) => fs.statSync(grid.store.recordFile(grid.jobs[i]!.key)).mtimeMs);
  assert.deepEqual(
    [...mtimes].sort((a, b) => a - b),
    mtimes,
  );
});
