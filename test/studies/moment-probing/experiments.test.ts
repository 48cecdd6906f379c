/**
 * The experiment plumbing on tiny settings: choices are made on validation (every candidate scored,
 * the chosen value used for every seed), per-seed values come back in seed order and are
 * deterministic, and the digits splits keep training, validation and test images apart.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadDigits } from "../../../lib/core/data";
import { initTf } from "../../../lib/core/tf";
import { runDigitsRandom, SyntheticRunner, type SyntheticParams } from "../../../lib/studies/moment-probing/index";

const P: SyntheticParams = {
  perClassTrain: 8,
  perClassTest: 6,
  linearL2: 1e-4,
  lpRidges: [1e-3, 1e-1],
  recipe: { epochs: 1, batchSize: 16, weightDecay: 0.05, warmupEpochs: 0 },
  lrs: [1e-3, 1e-2],
  valFraction: 0.25,
  selectionSeed: 0,
  mpHidden: 32,
  mpHeads: 4,
  randHidden: 16,
};

test("SyntheticRunner: every candidate is scored once per generator (base MP head); the choice is used for every seed and variant", async () => {
  await initTf();
  const r = new SyntheticRunner(P);
  const g = { kind: "cov" as const, N: 8, alpha: 0.5 };
  const v = r.values(g, [0, 1], "learned:mp");
  assert.equal(v.length, 2);
  const lr = r.selections.filter((s) => s.method === "learned:mp");
  assert.deepEqual(
    lr.map((s) => s.candidate),
    P.lrs,
  );
  assert.ok(P.lrs.includes(lr[0]!.chosen));
  assert.deepEqual(
    r.rows.filter((x) => x.method === "learned:mp").map((x) => x.lr),
    [lr[0]!.chosen, lr[0]!.chosen],
  );
  // another variant on the same generator reuses the base head's choice
  r.values(g, [0], "learned:first-only");
  assert.equal(r.selections.filter((s) => s.hyperparameter === "lr").length, P.lrs.length);
  assert.equal(r.rows.find((x) => x.method === "learned:first-only")!.lr, lr[0]!.chosen);
  // memoised: asking again trains nothing new and returns the same values
  const before = r.rows.length;
  assert.deepEqual(r.values(g, [0, 1], "learned:mp"), v);
  assert.equal(r.rows.length, before);
  // LP's ridge is chosen the same way; the row says how the probe ended
  r.values(g, [1, 0], "lp");
  const lpRows = r.rows.filter((x) => x.method === "lp");
  assert.equal(lpRows.length, 2);
  assert.ok(lpRows.every((x) => x.iterations !== null && typeof x.converged === "boolean" && P.lpRidges.includes(x.ridge!)));
  assert.equal(lpRows[0]!.nTest, 4 * P.perClassTest);
  // deterministic across runners
  assert.deepEqual(new SyntheticRunner(P).values(g, [0, 1], "learned:mp"), v);
  const c = r.counts(g, [0, 1], "lp");
  assert.equal(c.trials, 2 * 4 * P.perClassTest);
});

test("runDigitsRandom: one row per (activation, k, method, seed) with disjoint, class-balanced splits", async () => {
  await initTf();
  const digits = loadDigits();
  const res = runDigitsRandom(digits, {
    activations: ["linear"],
    ks: [2],
    learnedKs: [2],
    seeds: [0, 1],
    recipe: { epochs: 1, batchSize: 32, weightDecay: 0.05, warmupEpochs: 0 },
    lrs: [1e-2],
    lpRidges: [1e-2, 1e-1],
    valPerClass: 3,
    selectionSeed: 0,
    mpHidden: 32,
    mpHeads: 4,
    randHidden: 16,
  });
  assert.equal(res.rows.length, 2 * 5);
  // test images: everything but 2 training and 3 validation images per class
  assert.ok(res.rows.every((r) => r.nTest === digits.nSamples - 10 * (2 + 3)));
  assert.deepEqual(
    res.selections.map((s) => `${s.method}:${s.candidate}`),
    ["lp:0.01", "lp:0.1", "mp:0.01"],
  );
});
