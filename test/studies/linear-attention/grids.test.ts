/**
 * The capability grids' budgets: the compared arms differ only in what is compared (the rule; n_h),
 * and the diagnostic s3-long differs from the grid train only in its step count.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { GRIDS, mqarJob, s3Job } from "../../../lib/studies/linear-attention/grids";
import { GRIDS as DIAGNOSTIC, s3LongJob } from "../../../lib/studies/linear-attention/grids-diagnostic";
import { GRIDS as DIAGNOSTIC_SEEDS, s3LongSeedJob } from "../../../lib/studies/linear-attention/grids-diagnostic-seeds";

const strip = (j: ReturnType<typeof mqarJob>, drop: (spec: Record<string, unknown>) => void) => {
  const { label: _l, ...rest } = j;
  const spec = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  drop(spec);
  return spec;
};

test("train: 12 jobs, 3 paired seeds per comparison, equal budgets within a pair", () => {
  const jobs = GRIDS.train.jobs("full");
  assert.equal(jobs.length, 12);
  for (const seed of [1, 2, 3]) {
    const dropRule = (s: Record<string, unknown>) => delete (s.model as Record<string, unknown>).rule;
    assert.deepEqual(strip(mqarJob("delta", seed), dropRule), strip(mqarJob("linear", seed), dropRule));
    const dropNh = (s: Record<string, unknown>) => delete (s.model as Record<string, unknown>).nh;
    assert.deepEqual(strip(s3Job(1, seed), dropNh), strip(s3Job(2, seed), dropNh));
  }
  const m = mqarJob("delta", 1);
  assert.ok(m.task.kind === "mqar" && m.task.nkv > m.model.D / m.model.H, "more pairs than the head dimension");
  assert.ok(m.steps >= 2000);
});

test("s3-long: the grid's first seed at 3x the steps, every other setting identical", () => {
  const jobs = DIAGNOSTIC["s3-long"].jobs("full");
  assert.equal(jobs.length, 2);
  for (const nh of [1, 2] as const) {
    const long = s3LongJob(nh);
    const base = s3Job(nh, 1);
    assert.equal(long.steps, 3 * base.steps);
    assert.deepEqual({ ...long, steps: 0, label: "" }, { ...base, steps: 0, label: "" });
  }
});

test("s3-long-seeds: the same diagnostic for seeds 2 and 3", () => {
  const jobs = DIAGNOSTIC_SEEDS["s3-long-seeds"].jobs("full");
  assert.deepEqual(
    jobs.map((j) => [j.seed, j.model.nh]),
    [
      [102, 1],
      [102, 2],
      [103, 1],
      [103, 2],
    ],
  );
  for (const nh of [1, 2] as const) assert.deepEqual({ ...s3LongSeedJob(nh, 1) }, { ...s3LongJob(nh) });
});
