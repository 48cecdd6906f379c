/**
 * scikit-learn's 8×8 digits (UCI optdigits test set, 1,797 × 64, pixel counts 0..16), as used by
 * the notes' calibration (§6.3): pixels / 16, a fixed random split of 360 test / 1,437 train.
 */
import { loadSklearn } from "../core/data";
import { Rng } from "../core/rng";
import type { Examples } from "./classifier";

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
export function splitDigits(all: Examples, seed: number, nTest = 360): DigitsSplit {
  if (!Number.isInteger(nTest) || nTest < 1 || nTest >= all.n) throw new Error(`splitDigits: nTest must be in 1..${all.n - 1}, got ${nTest}`);
  const perm = new Rng(seed).permutation(all.n);
  const take = (rows: number[]): Examples => {
    const X = new Float32Array(rows.length * 64);
    rows.forEach((r, i) => X.set(all.X.subarray(r * 64, (r + 1) * 64), i * 64));
    return { X, y: Int32Array.from(rows, (r) => all.y[r]!), n: rows.length };
  };
  const testRows = perm.slice(0, nTest);
  return { train: take(perm.slice(nTest)), test: take(testRows), testRows };
}

/** Adds a constant to every pixel (the notes' "pixels − 0.3" centring variant). */
export function shiftPixels(d: Examples, by: number): Examples {
  return { X: d.X.map((v) => v + by), y: d.y, n: d.n };
}
