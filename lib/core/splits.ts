/**
 * Random splits and subsamples of labelled data, one copy for every study. All randomness comes
 * from the `Rng` passed in; index arrays come back sorted, as Int32Array.
 * Vocabulary: `y` the labels 0..nClasses−1 (one per sample), `nSamples`, `nClasses`.
 */
import type { Rng } from "./rng";

/** How the test count is divided among the classes. */
export type StratifiedAllocation = "largest-remainder" | "per-class-round";

export interface StratifiedSplitOptions {
  y: ArrayLike<number>;
  /** Fraction of the samples that go to the test part, in (0, 1). */
  testFraction: number;
  /**
   * "largest-remainder" (default; scikit-learn's StratifiedShuffleSplit counts, former
   * lib/classifiers/splits.ts): ceil(testFraction·nSamples) test samples, each class gets the floor of
   * its proportional share and the largest remainders (ties to the lower class) take the rest.
   * "per-class-round" (former lib/probing/digits.ts): round(testFraction·classSize) per class, so the
   * total may differ from ceil(testFraction·nSamples) by up to half the number of classes.
   */
  allocation?: StratifiedAllocation;
  /** Number of classes; labels must lie in 0..nClasses−1 (default: max label + 1). */
  nClasses?: number;
}

/**
 * Stratified split: within each class (in label order) a uniform shuffle by `rng` (one Fisher-Yates
 * pass over the class, so both allocations consume the same draws), the first `take` to test.
 * Bit-identical to both former copies given their allocation:
 *   classifiers stratifiedSplit(y, K, f, rng) = stratifiedSplit(rng, {y, testFraction: f, nClasses: K})
 *   probing stratifiedSplit(y, f, rng)       = stratifiedSplit(rng, {y, testFraction: f, allocation: "per-class-round"})
 *     (probing got number[]; now Int32Array: `Array.from(...)` where a number[] is needed)
 */
export function stratifiedSplit(rng: Rng, o: StratifiedSplitOptions): { train: Int32Array; test: Int32Array } {
  const { y, testFraction } = o;
  const nSamples = y.length;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`stratifiedSplit: testFraction must be in (0, 1), got ${testFraction}`);
  const byClass = indicesByClass(y, o.nClasses, "stratifiedSplit");
  let take: number[];
  if ((o.allocation ?? "largest-remainder") === "per-class-round") {
    take = byClass.map((idx) => Math.round(idx.length * testFraction));
  } else {
    const nTest = Math.ceil(testFraction * nSamples);
    const exact = byClass.map((idx) => (idx.length * nTest) / nSamples);
    take = exact.map(Math.floor);
    let left = nTest - take.reduce((a, b) => a + b, 0);
    const order = exact.map((v, k) => ({ k, frac: v - Math.floor(v) })).sort((a, b) => b.frac - a.frac || a.k - b.k);
    for (const { k } of order) {
      if (left === 0) break;
      if (take[k]! < byClass[k]!.length) {
        take[k]!++;
        left--;
      }
    }
  }
  const test: number[] = [];
  const train: number[] = [];
  byClass.forEach((idx, k) => {
    const perm = rng.permutation(idx.length);
    perm.forEach((p, r) => (r < take[k]! ? test : train).push(idx[p]!));
  });
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}

/**
 * `k` random samples of every class for training, the rest for test (classes in label order,
 * `rng.sample` within each). Same draws as the former lib/probing/digits.ts kShotSplit(y, k, rng).
 */
export function kShotSplit(rng: Rng, o: { y: ArrayLike<number>; k: number }): { train: Int32Array; test: Int32Array } {
  if (!(Number.isInteger(o.k) && o.k >= 1)) throw new Error(`kShotSplit: k must be a positive integer, got ${o.k}`);
  const train: number[] = [];
  for (const [c, idx] of indicesByClass(o.y, undefined, "kShotSplit").entries()) {
    if (idx.length === 0) continue;
    if (idx.length < o.k) throw new Error(`kShotSplit: class ${c} has ${idx.length} samples, fewer than k = ${o.k}; lower k`);
    train.push(...rng.sample(idx, o.k));
  }
  const inTrain = new Uint8Array(o.y.length);
  for (const i of train) inTrain[i] = 1;
  const test: number[] = [];
  for (let i = 0; i < o.y.length; i++) if (!inTrain[i]) test.push(i);
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test) };
}

/**
 * A plain random split: the first `nTest` of `rng.permutation(nSamples)` are the test rows, in
 * permutation order (not sorted: the former lib/tversky/digits.ts splitDigits kept that order).
 */
export function randomSplit(rng: Rng, o: { nSamples: number; nTest: number }): { train: Int32Array; test: Int32Array } {
  if (!(Number.isInteger(o.nTest) && o.nTest >= 1 && o.nTest < o.nSamples)) {
    throw new Error(`randomSplit: nTest must be an integer in 1..${o.nSamples - 1}, got ${o.nTest}`);
  }
  const perm = rng.permutation(o.nSamples);
  return { test: Int32Array.from(perm.slice(0, o.nTest)), train: Int32Array.from(perm.slice(o.nTest)) };
}

/**
 * `m` distinct indices drawn uniformly from `pool`, redrawn until all classes occur (the official
 * gen-vs-disc `train_test_split(train_size=m)` + redraw rule). Same draws as the former
 * lib/classifiers/splits.ts sampleWithAllClasses(pool, y, K, m, rng, maxTries).
 */
export function sampleWithAllClasses(
  rng: Rng,
  o: { pool: ArrayLike<number>; y: ArrayLike<number>; nClasses: number; m: number; maxTries?: number },
): Int32Array {
  const { pool, y, nClasses: K, m } = o;
  const maxTries = o.maxTries ?? 10000;
  if (!Number.isInteger(m) || m < K) throw new Error(`sampleWithAllClasses: m = ${m} cannot cover ${K} classes; use m >= ${K}`);
  if (m > pool.length) throw new Error(`sampleWithAllClasses: m = ${m} exceeds the pool of ${pool.length} samples`);
  const items = Array.from(pool);
  const seen = new Uint8Array(K);
  for (let t = 0; t < maxTries; t++) {
    const pick = rng.sample(items, m);
    seen.fill(0);
    let distinct = 0;
    for (const i of pick) {
      const c = y[i]!;
      if (!seen[c]) {
        seen[c] = 1;
        distinct++;
      }
    }
    if (distinct === K) return Int32Array.from(pick);
  }
  throw new Error(`sampleWithAllClasses: ${maxTries} draws of ${m} samples never covered all ${K} classes; the pool lacks a class or m is too small`);
}

/** Indices of each class 0..nClasses−1 (empty lists for absent classes). */
function indicesByClass(y: ArrayLike<number>, nClasses: number | undefined, who: string): number[][] {
  let K = nClasses;
  if (K === undefined) {
    K = 0;
    for (let i = 0; i < y.length; i++) K = Math.max(K, y[i]! + 1);
  }
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < K)) throw new Error(`${who}: label y[${i}] = ${c} is outside 0..${K - 1}; labels must be integers 0..nClasses−1`);
    byClass[c]!.push(i);
  }
  return byClass;
}
