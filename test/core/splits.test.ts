/**
 * lib/core/splits.ts: stratification (per-class counts from the allocation rules, worked by hand),
 * disjoint covering index sets, determinism given the seed, k-shot and redraw-until-all-classes
 * subsamples, and golden indices of the former study copies (classifiers, probing, tversky), taken
 * before their deletion, which the named options reproduce.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { kShotSplit, randomSplit, sampleWithAllClasses, stratifiedSplit } from "../../lib/core/splits";

/** Outputs of the former copies on `y` below (values in the golden test's comments). */
const GOLDEN = { classifiers: [1, 4, 7, 8], probing: [1, 4, 7, 8], kShot: [2, 3, 5, 6, 7, 9], tversky: [3, 6, 1], allClasses: [1, 8, 2, 7] };

// 3 classes of sizes 5, 3, 2 (nSamples 10), interleaved
const y = Int32Array.from([0, 1, 0, 2, 0, 1, 0, 2, 0, 1]);

function counts(idx: Int32Array, labels: ArrayLike<number>, K: number): number[] {
  const c = new Array<number>(K).fill(0);
  for (const i of idx) c[labels[i]!]!++;
  return c;
}

function assertPartition(train: Int32Array, test: Int32Array, n: number): void {
  const all = [...train, ...test].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: n }, (_, i) => i));
  for (const a of [train, test]) for (let i = 1; i < a.length; i++) assert.ok(a[i - 1]! < a[i]!, "sorted");
}

test("largest-remainder allocation: ceil(f·n) test samples, floors then largest remainders (hand-worked)", () => {
  // f = 0.35: nTest = ceil(3.5) = 4; shares 2.0, 1.2, 0.8 -> floors 2, 1, 0 (3), one more to the largest remainder (class 2)
  const s = stratifiedSplit(new Rng(0), { y, testFraction: 0.35 });
  assert.deepEqual(counts(s.test, y, 3), [2, 1, 1]);
  assertPartition(s.train, s.test, 10);
  // f = 0.5: nTest 5, shares 2.5, 1.5, 1 -> floors 2, 1, 1 (4); remainders tie at .5 -> the lower class
  assert.deepEqual(counts(stratifiedSplit(new Rng(0), { y, testFraction: 0.5 }).test, y, 3), [3, 1, 1]);
});

test("per-class-round allocation: round(f·classSize) in every class", () => {
  // f = 0.35: round(1.75, 1.05, 0.7) = 2, 1, 1
  const s = stratifiedSplit(new Rng(0), { y, testFraction: 0.35, allocation: "per-class-round" });
  assert.deepEqual(counts(s.test, y, 3), [2, 1, 1]);
  assertPartition(s.train, s.test, 10);
  // f = 0.1: round(0.5, 0.3, 0.2) = 1, 0, 0 (Math.round rounds .5 up)
  assert.deepEqual(counts(stratifiedSplit(new Rng(0), { y, testFraction: 0.1, allocation: "per-class-round" }).test, y, 3), [1, 0, 0]);
});

test("stratification holds on a large imbalanced sample; deterministic given the seed", () => {
  const rng = new Rng(9);
  const big = Int32Array.from({ length: 5000 }, () => (rng.uniform() < 0.7 ? 0 : rng.uniform() < 0.5 ? 1 : 2));
  const K = 3;
  const total = counts(Int32Array.from({ length: big.length }, (_, i) => i), big, K);
  const s = stratifiedSplit(new Rng(1), { y: big, testFraction: 0.3, nClasses: K });
  const t = counts(s.test, big, K);
  for (let k = 0; k < K; k++) assert.ok(Math.abs(t[k]! - 0.3 * total[k]!) <= 1, `class ${k}: ${t[k]} of ${total[k]}`);
  const again = stratifiedSplit(new Rng(1), { y: big, testFraction: 0.3, nClasses: K });
  assert.deepEqual(again.test, s.test);
  assert.notDeepEqual(stratifiedSplit(new Rng(2), { y: big, testFraction: 0.3 }).test, s.test);
  assert.throws(() => stratifiedSplit(new Rng(0), { y, testFraction: 1 }), /testFraction must be in \(0, 1\)/);
  assert.throws(() => stratifiedSplit(new Rng(0), { y, testFraction: 0.5, nClasses: 2 }), /label y\[3\] = 2 is outside 0\.\.1/);
});

test("golden indices of the former copies (seed 0)", () => {
  // lib/classifiers/splits.ts stratifiedSplit(y, 3, 0.35, new Rng(0)).test
  assert.deepEqual(Array.from(stratifiedSplit(new Rng(0), { y, testFraction: 0.35, nClasses: 3 }).test), GOLDEN.classifiers);
  // lib/probing/digits.ts stratifiedSplit(y, 0.35, new Rng(0)).test and kShotSplit(y, 2, new Rng(0)).train
  assert.deepEqual(Array.from(stratifiedSplit(new Rng(0), { y, testFraction: 0.35, allocation: "per-class-round" }).test), GOLDEN.probing);
  assert.deepEqual(Array.from(kShotSplit(new Rng(0), { y, k: 2 }).train), GOLDEN.kShot);
  // lib/tversky/digits.ts splitDigits(all, 0, 3).testRows on 10 samples
  assert.deepEqual(Array.from(randomSplit(new Rng(0), { nSamples: 10, nTest: 3 }).test), GOLDEN.tversky);
  // lib/classifiers/splits.ts sampleWithAllClasses(0..9, y, 3, 4, new Rng(0))
  assert.deepEqual(Array.from(sampleWithAllClasses(new Rng(0), { pool: Int32Array.from({ length: 10 }, (_, i) => i), y, nClasses: 3, m: 4 })), GOLDEN.allClasses);
});

test("kShotSplit, randomSplit and sampleWithAllClasses", () => {
  const k = kShotSplit(new Rng(3), { y, k: 2 });
  assert.deepEqual(counts(k.train, y, 3), [2, 2, 2]);
  assertPartition(k.train, k.test, 10);
  assert.throws(() => kShotSplit(new Rng(3), { y, k: 3 }), /class 2 has 2 samples, fewer than k = 3/);
  const r = randomSplit(new Rng(4), { nSamples: 10, nTest: 4 });
  assert.equal(r.test.length, 4);
  assert.deepEqual([...r.train, ...r.test].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
  const pool = Int32Array.from({ length: 10 }, (_, i) => i);
  for (let s = 0; s < 20; s++) {
    const pick = sampleWithAllClasses(new Rng(s), { pool, y, nClasses: 3, m: 3 });
    assert.deepEqual(counts(pick, y, 3), [1, 1, 1]);
  }
  assert.throws(() => sampleWithAllClasses(new Rng(0), { pool, y, nClasses: 3, m: 2 }), /cannot cover 3 classes/);
});

