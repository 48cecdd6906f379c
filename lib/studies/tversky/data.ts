/**
 * The study's data, from core's loaders. Digits: scikit-learn's 8×8 digits (core `loadDigits`,
 * pixels / 16) with the notes' fixed random split of 360 test / 1,437 train (§6.3). Fashion-MNIST
 * for the MNIST-from-scratch analogue (notes §6.1): test = the official t10k, train =
 * `train-first20000`, the first 20,000 rows of the official training file (derivation and
 * checksums in data/PROVENANCE.md), so the two are disjoint.
 */
import { loadFashionMnist, selectRows, type FlatDataset } from "../../core/data";
import { Rng } from "../../core/rng";
import { randomSplit } from "../../core/splits";

export { loadDigits } from "../../core/data";

export interface DigitsSplit {
  train: FlatDataset;
  test: FlatDataset;
  /** Row indices (into the file) of the test examples, in order. */
  testRows: number[];
}

/** The notes' split: the first `nTest` (360) rows of Rng(seed).permutation are the test set. */
export function splitDigits(a: { data: FlatDataset; seed: number; nTest?: number }): DigitsSplit {
  const { train, test } = randomSplit(new Rng(a.seed), { nSamples: a.data.nSamples, nTest: a.nTest ?? 360 });
  return { train: selectRows(a.data, train), test: selectRows(a.data, test), testRows: Array.from(test) };
}

/** Class names of Fashion-MNIST labels 0..9 (Xiao et al. 2017). */
export const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

function fashion(split: "t10k" | "train-first20000"): FlatDataset {
  const t = loadFashionMnist(split);
  return { X: t.images, y: t.labels, nSamples: t.n, nFeatures: 784, nClasses: 10 };
}

/** The derived training subset (pixels / 255, 784 per row). */
export function loadFashionTrainSubset(): FlatDataset {
  return fashion("train-first20000");
}

/** The official test split t10k. */
export function loadFashionTest(): FlatDataset {
  return fashion("t10k");
}

/** The first `n` samples (for smoke runs). */
export function firstSamples(d: FlatDataset, n: number): FlatDataset {
  return selectRows(
    d,
    Array.from({ length: Math.min(n, d.nSamples) }, (_, i) => i),
  );
}
