/**
 * The study's grids on the core grid machinery: the notebook's experiments run through `mapJobs` on
 * worker threads give the in-thread results, and the paper grid (lib/studies/gen-vs-disc/grids.ts)
 * stores runs equal to what the notebook computes inline (runJob on the same specs), with the
 * solver statistics of every fit.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { importClosure, mapJobs, openGrid, planText, runGrid } from "../../../lib/core/grid";
import { repoRoot } from "../../../lib/core/env";
import {
  GaussianNB,
  LogisticRegression,
  mergeRuns,
  runJob,
  PAPER_NB,
  sklearnLR,
  type Job,
  type JobResult,
  type MStarResult,
  type PaperRunsResult,
} from "../../../lib/topics/classifiers";
import {
  fitStatsCollector,
  GRIDS,
  PAPER_CELLS,
  PAPER_RUNS,
  SMOKE_RUNS,
  paperGridJobs,
  paperJobSeconds,
  runPaperJob,
  type FitStats,
  type PaperJob,
} from "../../../lib/studies/gen-vs-disc/grids";
import { LR, NB } from "../../../lib/studies/gen-vs-disc/experiments/job-grid";
import { SEEDS, SETTINGS } from "../../../lib/studies/gen-vs-disc/settings";
import { readPaperGrid } from "../../../lib/studies/gen-vs-disc/experiments/paper-grid";
import { paperGridSolverTable, paperGridStatusTable } from "../../../lib/studies/gen-vs-disc/tables";

const EXPERIMENTS = path.join(repoRoot(), "lib/studies/gen-vs-disc/experiments/job-grid.ts");

test("experiments through mapJobs on worker threads equal the in-thread results, in job order", async () => {
  const models = { NB: PAPER_NB, LR: sklearnLR({ C: 1, warmStart: true }) };
  const jobs: Job[] = [
    { kind: "runs", n: 20, K: 2, runs: 1, seed: 31, testSeed: 30, models },
    { kind: "runs", n: 20, K: 2, runs: 1, seed: 32, testSeed: 30, models },
    { kind: "runs", n: 10, K: 3, runs: 1, seed: 41, testSeed: 40, models },
    { kind: "runs", n: 10, K: 3, runs: 1, seed: 42, testSeed: 40, models },
    { kind: "mstar", n: 10, K: 2, repeats: 2, seed: 8, models },
    { kind: "curve", dataset: "iris", mGrid: [6, 20], repeats: 2, seed: 1, models: [{ name: "NB", config: PAPER_NB }] },
  ];
  const inline = jobs.map(runJob);
  const pooled = await mapJobs<Job, JobResult>({
    module: EXPERIMENTS,
    study: "gen-vs-disc",
    grid: "experiments",
    specs: jobs,
    workers: 2,
    quiet: true,
  });
  assert.deepEqual(pooled, inline);
  const merged = mergeRuns(pooled.slice(0, 2) as PaperRunsResult[]);
  assert.equal(merged.runs, 2);
  assert.deepEqual(merged.mStar.NB, [...(pooled[0] as PaperRunsResult).mStar.NB!, ...(pooled[1] as PaperRunsResult).mStar.NB!]);
  assert.throws(() => mergeRuns(pooled.slice(1, 3) as PaperRunsResult[]), /mixing/);
  // runs of a cell share the test set but not the training samples
  assert.notDeepEqual((pooled[0] as PaperRunsResult).curves.LR, (pooled[1] as PaperRunsResult).curves.LR);
  assert.equal((pooled[4] as MStarResult).repeats, 2);
});

test("paper grid: 16 cells x 5 runs at full scale, the notebook's inline cells are the same specs, costs grow with n and K", () => {
  const full = GRIDS.paper.jobs("full");
  assert.equal(full.length, 80);
  assert.deepEqual(
    [...new Set(full.map((j) => `${j.K},${j.n}`))],
    PAPER_CELLS.map((c) => `${c.K},${c.n}`),
  );
  for (const scale of ["smoke", "full"] as const) {
    const P = SETTINGS[scale].paperGrid;
    const notebook = paperGridJobs({
      cells: P.cells,
      runs: scale === "full" ? PAPER_RUNS : SMOKE_RUNS,
      seed: SEEDS.paperGrid,
      models: { NB, LR: LR(1) },
    });
    const stored = GRIDS.paper.jobs(scale);
    for (const j of notebook)
      assert.ok(
        stored.some((s) => JSON.stringify(s) === JSON.stringify(j)),
        `notebook job ${JSON.stringify(j)} is in the ${scale} grid`,
      );
  }
  // the groups `make grid ONLY=...` names
  assert.deepEqual(new Set(full.map((j) => GRIDS.paper.group!(j))).size, 16);
  assert.equal(GRIDS.paper.describe!(full[7]!), "K=2 n=200 run 3");
  // costs grow with n within K and with K within n (largest-first scheduling and the plan rely on it)
  for (const K of [2, 3, 5, 7])
    for (const [a, b] of [
      [100, 200],
      [200, 400],
      [400, 1000],
    ])
      assert.ok(paperJobSeconds({ K, n: b! }) > paperJobSeconds({ K, n: a! }), `K=${K}: n=${b} costs more than n=${a}`);
  for (const n of [100, 200, 400, 1000])
    for (const [a, b] of [
      [2, 3],
      [3, 5],
      [5, 7],
    ])
      assert.ok(paperJobSeconds({ K: b!, n }) > paperJobSeconds({ K: a!, n }), `n=${n}: K=${b} costs more than K=${a}`);
});

test("paper grid's code version does not depend on the notebook's settings or experiments", () => {
  const files = importClosure(path.join(repoRoot(), "lib/studies/gen-vs-disc/grids.ts"), repoRoot());
  assert.ok(files.includes("lib/topics/classifiers/sample-complexity.ts"));
  for (const f of files)
    assert.ok(!/gen-vs-disc\/(settings|experiments|claims|tables|figures|index)/.test(f), `${f} is outside the grid's closure`);
});

test("solver statistics count every LR fit, its iterations and non-converged fits", () => {
  const spec: PaperJob = { kind: "runs", n: 10, K: 3, runs: 1, seed: 41, testSeed: 40, models: { NB, LR: LR(1) } };
  let report: Record<string, unknown> = {};
  const result = runPaperJob(spec, { attempt: 1, report: (f) => (report = { ...report, ...f }) });
  assert.deepEqual(result, runJob(spec));
  // one statistic per fit: the run's curve has one point per LR fit
  const lr = report.LR as FitStats;
  assert.equal(lr.fits, result.curves.LR![0]!.m.length);
  assert.ok(lr.iterations >= lr.fits && lr.evaluations >= lr.iterations && lr.maxIterations <= 1000);
  assert.equal(lr.notConvergedAt.length, lr.notConverged);
  assert.equal(report.NB, undefined, "NB has no solver");
  assert.deepEqual(report.mStar, result.mStar);
});

test("fitStatsCollector: sums per model, the largest iteration count, and every non-converged fit with its m and status", () => {
  const { stats, onFit } = fitStatsCollector();
  const fitted = (iterations: number, evaluations: number, status: "gtol" | "ftol" | "maxIter" | "lineSearch") => {
    const lr = new LogisticRegression({ C: 1 });
    lr.lastFit = { iterations, evaluations, status, converged: status === "gtol" || status === "ftol", objective: 0 };
    return lr;
  };
  onFit("LR", fitted(10, 12, "gtol"), 6);
  onFit("LR", fitted(1000, 1100, "maxIter"), 11);
  onFit("LR", fitted(4, 5, "ftol"), 16);
  onFit("NB", new GaussianNB({ variance: "pooled" }), 6);
  onFit("LR2", fitted(3, 3, "gtol"), 6);
  assert.deepEqual(stats.LR, {
    fits: 3,
    iterations: 1014,
    evaluations: 1117,
    maxIterations: 1000,
    notConverged: 1,
    notConvergedAt: [{ m: 11, status: "maxIter" }],
  });
  assert.deepEqual(stats.LR2, { fits: 1, iterations: 3, evaluations: 3, maxIterations: 3, notConverged: 0, notConvergedAt: [] });
  assert.equal(stats.NB, undefined);
});

test("paper grid at smoke scale: stored runs equal runJob, with solver statistics, on 2 workers", async () => {
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-gvd-grid-"));
  const grid = openGrid<PaperJob, PaperRunsResult>({ study: "gen-vs-disc", grid: "paper", scale: "smoke", resultsDir });
  const s = await runGrid(grid, { workers: 2, log: () => undefined });
  assert.equal(s.failed.length, 0);
  const recs = grid.records();
  grid.jobs.forEach((job, i) => {
    const rec = recs[i]!;
    assert.deepEqual(rec.result, JSON.parse(JSON.stringify(runJob(job.spec))));
    const lr = rec.report!.LR as unknown as FitStats;
    assert.equal(lr.fits, rec.result.curves.LR![0]!.m.length, "one statistic per LR fit");
    assert.deepEqual(rec.report!.mStar, rec.result.mStar);
  });
  const plan = planText(grid);
  assert.match(plan, /K=2 n=100 run 1 /);
  fs.rmSync(resultsDir, { recursive: true, force: true });
});

test("readPaperGrid: computes the smoke grid once, then reads it; at full scale lists the cells it may not compute, with estimate and command", async () => {
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-gvd-read-"));
  const saved = process.env.LS_RESULTS_DIR;
  process.env.LS_RESULTS_DIR = resultsDir;
  try {
    const quiet = () => undefined;
    const first = await readPaperGrid({ scale: "smoke", inline: [], workers: 1, log: quiet });
    assert.deepEqual(
      first.cells.map((c) => [c.K, c.n, c.status, c.stored, c.jobs]),
      [[2, 100, "computed here", 2, 2]],
    );
    assert.equal(first.complete.length, 1);
    assert.equal(first.complete[0]!.runs, 2);
    assert.equal(
      first.cells[0]!.solver!.fits,
      first.complete[0]!.curves.LR!.reduce((a, c) => a + c.m.length, 0),
    );
    const again = await readPaperGrid({ scale: "smoke", inline: [], workers: 1, log: quiet });
    assert.equal(again.cells[0]!.status, "stored");
    assert.deepEqual(again.complete, first.complete);
    assert.equal(paperGridStatusTable(again.cells)[0]!["compute with"], "");
    // full scale, no inline cells: nothing is computed. The smoke runs are runs 1-2 of the full
    // K=2 n=100 cell (same specs, same keys), so that cell is partial; every other cell says how to get it
    const full = await readPaperGrid({ scale: "full", inline: [], workers: 1, log: quiet });
    assert.deepEqual(full.cached.computedKeys, []);
    assert.equal(full.complete.length, 0);
    assert.equal(full.cells.length, 16);
    const rows = paperGridStatusTable(full.cells);
    assert.deepEqual(
      [rows[0]!.status, rows[0]!["runs stored"], rows[0]!["compute with"]],
      ["partial", "2/5", 'make grid STUDY=gen-vs-disc GRID=paper ONLY="K=2 n=100"'],
    );
    const row = rows.find((r) => r.K === 7 && r.n === 400)!;
    assert.equal(row.status, "not computed");
    assert.equal(row["compute with"], 'make grid STUDY=gen-vs-disc GRID=paper ONLY="K=7 n=400"');
    assert.match(String(row["CPU per run"]), /\(estimate\)$/);
    assert.deepEqual(
      paperGridSolverTable(full.cells).map((r) => [r.K, r.n, r.runs]),
      [[2, 100, 2]],
    );
  } finally {
    if (saved === undefined) delete process.env.LS_RESULTS_DIR;
    else process.env.LS_RESULTS_DIR = saved;
    fs.rmSync(resultsDir, { recursive: true, force: true });
  }
});
