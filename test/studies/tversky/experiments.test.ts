import { test, before } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { pearson, ranks, spearman } from "../../../lib/core/stats";
import {
  gridRuns,
  loadDigits,
  loadFashionTrainSubset,
  officialMnistNet,
  partialCorrelation,
  sharingModels,
  splitDigits,
  stepEveryReduction,
  trueClassMargin,
  xorTestVector,
  runParams,
} from "../../../lib/studies/tversky/index";

before(async () => {
  await initTf({ quiet: true });
});

test("the official MNIST test network counts 10,935 parameters in tfjs ([C] report)", () => {
  const m = officialMnistNet(1);
  assert.equal(m.countParams(), 10_935);
  m.dispose();
});

test("two 8→8 Tversky layers: separate banks 2(64 + 3) + 2·40, shared 2(64 + 3) + 40; two dense layers 2·72", () => {
  assert.deepEqual(sharingModels({ d: 8, K: 5, seed: 1 }), { separate: 214, shared: 174, linear: 144 });
});

test("runParams: counts by formula and by tfjs, with the hand counts of notes §10 item 8", () => {
  const r = runParams({ seed: 11 });
  const v = Object.fromEntries(r.counts.map((c) => [c.key, c.value]));
  assert.deepEqual(
    [v["linear-64-10"], v["tversky-64-10-K1"], v["tversky-64-10-K16"], v["tversky-64-10-K64"], v["mnist-net"]],
    [650, 707, 1667, 4739, 10_935],
  );
  assert.equal(v.separate! - v.shared!, 32 * 64);
  assert.equal(v.shared, v["shared-formula"]);
  assert.equal(v["linear-2x64"], v["linear-2x64-formula"]);
});

test("one Adam step through the layer for every reduction pair: runs, finite gradients, loss changes", () => {
  const before = tf.memory().numTensors;
  const steps = stepEveryReduction(5);
  assert.equal(steps.length, 40);
  for (const s of steps) assert.deepEqual([s.error, s.finite, s.changed], [null, true, true], `${s.intersection}+${s.difference}`);
  assert.equal(tf.memory().numTensors, before);
});

test("the notes' §5.3 XOR test vector: logits within 1e-2 of the notes', argmax 0,1,1,0", () => {
  const notes = [
    [-34.588, -47.134],
    [-33.654, -22.157],
    [-33.657, -22.074],
    [-32.723, -44.231],
  ];
  const t = xorTestVector();
  t.logits.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - notes[i]![j]!) <= 1e-2, `${v} vs ${notes[i]![j]}`)));
  assert.deepEqual(t.argmax, [0, 1, 1, 0]);
});

test("grid runs: the full appendix grid has 972 runs per reduction pair with cell-only seeds", () => {
  const runs = gridRuns({
    intersections: ["product"],
    differences: ["ignorematch"],
    normalize: [false, true],
    Ks: [1, 2, 4, 8, 16, 32],
    protoInits: ["uniform", "normal", "orthogonal"],
    featureInits: ["uniform", "normal", "orthogonal"],
    runsPerCell: 9,
    lr: 0.01,
    steps: 1,
    seedBase: 10,
  });
  assert.equal(runs.length, 972);
  assert.equal(new Set(runs.map((r) => r.seed)).size, 972);
  assert.equal(runs.filter((r) => r.K === 1 && r.normalize && r.protoInit === "normal" && r.featureInit === "uniform").length, 9);
});

test("true-class margin: L_y − max_{c≠y} L_c", () => {
  const L = Float32Array.from([1, 3, 2, /**/ 5, 0, 4]);
  assert.deepEqual(trueClassMargin(L, Int32Array.from([1, 2]), 3), [1, -1]);
});

test("partial correlation: closed form on a known case, and equal to the correlation of residuals", () => {
  // r_ab = 0.5, r_ac = r_bc = 0: nothing to remove
  assert.equal(partialCorrelation({ ab: 0.5, ac: 0, bc: 0 }), 0.5);
  // a and b both driven by c only: r_ab = r_ac·r_bc gives 0
  assert.ok(Math.abs(partialCorrelation({ ab: 0.48, ac: 0.8, bc: 0.6 })) <= 1e-12);
  // reference: Pearson of the residuals of rank(a) and rank(b) regressed on rank(c)
  const a = [3, 1, 4, 1.5, 5, 9, 2, 6, 5.5, 3.5],
    b = [2, 7, 1, 8, 2.5, 8.5, 1.8, 2.8, 4.6, 0],
    c = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [ra, rb, rc] = [ranks(a), ranks(b), ranks(c)];
  const resid = (y: number[], x: number[]) => {
    const mx = x.reduce((s, v) => s + v, 0) / x.length,
      my = y.reduce((s, v) => s + v, 0) / y.length;
    const beta = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
    return y.map((v, i) => v - my - beta * (x[i]! - mx));
  };
  const want = pearson(resid(ra, rc), resid(rb, rc));
  const got = partialCorrelation({ ab: spearman(a, b), ac: spearman(a, c), bc: spearman(b, c) });
  assert.ok(Math.abs(got - want) <= 1e-12, `${got} vs ${want}`);
});

test("digits split: 1,437 / 360, disjoint, fixed by the seed", () => {
  const all = loadDigits();
  const s = splitDigits({ data: all, seed: 2024 });
  assert.deepEqual([s.train.nSamples, s.test.nSamples], [1437, 360]);
  assert.equal(new Set(s.testRows).size, 360);
  assert.deepEqual(splitDigits({ data: all, seed: 2024 }).testRows, s.testRows);
  assert.notDeepEqual(splitDigits({ data: all, seed: 2025 }).testRows, s.testRows);
  assert.ok(all.X.every((v) => v >= 0 && v <= 1));
});

test("Fashion-MNIST train-first20000: 20,000 × 784 in [0, 1], class counts as recorded in PROVENANCE.md", () => {
  const d = loadFashionTrainSubset();
  assert.equal(d.nSamples, 20_000);
  assert.equal(d.X.length, 20_000 * 784);
  const counts = new Array(10).fill(0);
  for (const y of d.y) counts[y]++;
  assert.deepEqual(counts, [1935, 2025, 1982, 2011, 1967, 2010, 2068, 2003, 1971, 2028]);
  let lo = Number.POSITIVE_INFINITY,
    hi = Number.NEGATIVE_INFINITY;
  for (const v of d.X) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.deepEqual([lo, hi], [0, 1]);
});
