/**
 * Tests of the study's experiment plumbing: the paper grid's seeds and merging, the job cost
 * ordering, and the tables' handling of runs that never cross.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { mergeRuns, runJob, PAPER_NB, sklearnLR, type PaperRunsResult } from "../../../lib/topics/classifiers";
import { jobCost, paperGridJobs, paperGridTable, paperGridResults } from "../../../lib/studies/gen-vs-disc";

test("paper grid jobs: one seeded job per (cell, run), runs of a cell share the test seed, cells are independent", () => {
  const models = { NB: PAPER_NB, LR: sklearnLR({ C: 1, warmStart: true }) };
  const two = paperGridJobs({
    cells: [
      { K: 2, n: 20 },
      { K: 3, n: 10 },
    ],
    runs: 2,
    seed: 3,
    models,
  });
  const one = paperGridJobs({ cells: [{ K: 3, n: 10 }], runs: 2, seed: 3, models });
  assert.equal(two.length, 4);
  assert.deepEqual(two.slice(2), one, "dropping a cell does not change the others' seeds");
  const seeds = two.map((j) => (j.kind === "runs" ? [j.seed, j.testSeed] : []));
  assert.equal(seeds[0]![1], seeds[1]![1]);
  assert.notEqual(seeds[0]![0], seeds[1]![0]);
  const results = two.map(runJob) as PaperRunsResult[];
  const grid = [mergeRuns(results.slice(0, 2)), mergeRuns(results.slice(2))];
  assert.deepEqual(
    grid.map((g) => [g.K, g.n, g.runs]),
    [
      [2, 20, 2],
      [3, 10, 2],
    ],
  );
  assert.ok(jobCost(two[0]!) > 0 && jobCost({ kind: "runs", n: 1000, K: 2, runs: 1, seed: 1, models }) > jobCost(two[0]!));
});

test("paper grid table and results say how many runs never crossed", () => {
  const r: PaperRunsResult = {
    n: 100,
    K: 5,
    bayes: 0,
    step: 5,
    runs: 3,
    work: { LR: 2e9 },
    mStar: { NB: [20, 25, 30], LR: [600, null, 700] },
    curves: {
      NB: [
        { m: [10], err: [0] },
        { m: [10], err: [0] },
        { m: [10], err: [0] },
      ],
      LR: [
        { m: [10], err: [0] },
        { m: [10, 15], err: [0, 0] },
        { m: [10], err: [0] },
      ],
    },
  };
  const [row] = paperGridTable([r]);
  assert.equal(row!["m* LR (runs)"], "600, never, 700");
  assert.equal(row!["mean m* LR"], 650);
  assert.equal(row!["LR runs not crossing"], 1);
  assert.equal(row!["NB runs not crossing"], 0);
  const rows = paperGridResults([r]).filter((x) => x.model === "LR");
  assert.deepEqual(
    rows.map((x) => [x.run, x.mStar, x.crossed]),
    [
      [1, 600, true],
      [2, null, false],
      [3, 700, true],
    ],
  );
});
