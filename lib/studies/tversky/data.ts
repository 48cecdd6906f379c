/**
 * The study's data. Digits: scikit-learn's 8×8 digits (UCI optdigits test set, 1,797 × 64, pixel
 * counts 0..16) as in the notes' calibration (§6.3), pixels / 16, a fixed random split of 360 test
 * / 1,437 train. Fashion-MNIST for the MNIST-from-scratch analogue (notes §6.1): test = the
 * official t10k, train = `train-first20000`, the first 20,000 rows of the official training file
 * (derivation and checksums in data/PROVENANCE.md), so the two are disjoint.
 */
import { loadFashionMnist, loadSklearn } from "../../core/data";
import { Rng } from "../../core/rng";
import type { Examples } from "../../topics/tversky/index";

export interface DigitsSplit {
  train: Examples;
  test: Examples;
  /** Row indices (into the file) of the test examples, in order. */
  testRows: number[];
}

/** All 1,797 digits with pixels scaled to [0, 1]. */
export function loadDigits(): Examples {
  const { X, y } = loadSklearn("digits");
  if (X.length !== 1797 || X[0]!.length !== 64) throw new Error(`digits: expected 1797 × 64, got ${X.length} × ${X[0]?.length}`);
  const out = new Float32Array(X.length * 64);
  X.forEach((row, i) => row.forEach((v, j) => (out[i * 64 + j] = v / 16)));
  return { X: out, y: Int32Array.from(y), n: X.length };
}

/** A fixed random split: the first `nTest` rows of Rng(seed).permutation(n) are the test set. */
export function splitDigits(a: { data: Examples; seed: number; nTest?: number }): DigitsSplit {
  const all = a.data;
  const nTest = a.nTest ?? 360;
  if (!Number.isInteger(nTest) || nTest < 1 || nTest >= all.n) throw new Error(`splitDigits: nTest must be in 1..${all.n - 1}, got ${nTest}`);
  const perm = new Rng(a.seed).permutation(all.n);
  const take = (rows: number[]): Examples => {
    const X = new Float32Array(rows.length * 64);
    rows.forEach((r, i) => X.set(all.X.subarray(r * 64, (r + 1) * 64), i * 64));
    return { X, y: Int32Array.from(rows, (r) => all.y[r]!), n: rows.length };
  };
  const testRows = perm.slice(0, nTest);
  return { train: take(perm.slice(nTest)), test: take(testRows), testRows };
}

/** Class names of Fashion-MNIST labels 0..9 (Xiao et al. 2017). */
export const FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"] as const;

/** The derived training subset (pixels / 255, 784 per row). */
export function loadFashionTrainSubset(): Examples {
  const t = loadFashionMnist("train-first20000");
  return { X: t.images, y: t.labels, n: t.n };
}

/** The official test split t10k. */
export function loadFashionTest(): Examples {
  const t = loadFashionMnist("t10k");
  return { X: t.images, y: t.labels, n: t.n };
}

/** The first `n` examples (for smoke runs). */
export function firstExamples(d: Examples, n: number): Examples {
  const m = Math.min(n, d.n);
  const D = d.X.length / d.n;
  return { X: d.X.slice(0, m * D), y: d.y.slice(0, m), n: m };
}
