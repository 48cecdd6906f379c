/**
 * Random splits and subsamples (notes §5.3 protocol): a stratified test split fixed within a
 * repeat, and training subsets of size m drawn without replacement and redrawn until every class
 * is present (the official code's rule, notes §3.2). All randomness comes from the Rng passed in.
 */
import type { Rng } from "../../core/rng";

/**
 * Stratified split: the test part has ceil(testFrac * N) samples (scikit-learn's rounding),
 * allocated to classes in proportion to their counts (floor, then the largest remainders; ties
 * to the lower class), chosen uniformly within each class. Returns sorted index arrays.
 */
export function stratifiedSplit(o: { y: Int32Array; K: number; testFrac: number; rng: Rng }): { train: Int32Array; test: Int32Array } {
  const { y, K, testFrac, rng } = o;
  const N = y.length;
  if (!(testFrac > 0 && testFrac < 1)) throw new Error(`stratifiedSplit: testFrac must be in (0, 1), got ${testFrac}`);
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < N; i++) {
    const c = y[i]!;
    if (!(c >= 0 && c < K)) throw new Error(`stratifiedSplit: label y[${i}] = ${c} is outside 0..${K - 1}`);
    byClass[c]!.push(i);
  }
  const nTest = Math.ceil(testFrac * N);
  const exact = byClass.map((idx) => (idx.length * nTest) / N);
  const take = exact.map(Math.floor);
  let left = nTest - take.reduce((a, b) => a + b, 0);
  const order = exact.map((v, k) => ({ k, frac: v - Math.floor(v) })).sort((a, b) => b.frac - a.frac || a.k - b.k);
  for (const { k } of order) {
    if (left === 0) break;
    if (take[k]! < byClass[k]!.length) {
      take[k]!++;
      left--;
    }
  }
  const test: number[] = [];
  const train: number[] = [];
  byClass.forEach((idx, k) => {
    const perm = rng.permutation(idx.length);
    perm.forEach((p, r) => (r < take[k]! ? test : train).push(idx[p]!));
  });
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return { train: sorted(train), test: sorted(test) };
}

/**
 * m distinct indices drawn uniformly from `pool`, redrawn until all K classes occur (official
 * `train_test_split(train_size=m)` + redraw rule). Throws when m < K or after `maxTries` draws.
 */
export function sampleWithAllClasses(o: { pool: Int32Array; y: Int32Array; K: number; m: number; rng: Rng; maxTries?: number }): Int32Array {
  const { pool, y, K, m, rng } = o;
  const maxTries = o.maxTries ?? 10000;
  if (!Number.isInteger(m) || m < K) throw new Error(`sampleWithAllClasses: m = ${m} cannot cover K = ${K} classes; use m >= K`);
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
