/**
 * Fashion-MNIST for the MNIST-from-scratch analogue (notes §6.1 "MNIST, ResNet-50 from scratch":
 * parity). Test: the official t10k split. Train: `train-first20000`, the first 20,000 rows of the
 * official training file (derivation and checksums in data/PROVENANCE.md), so the two are disjoint.
 */
import { loadFashionMnist } from "../core/data";
import type { Examples } from "./classifier";

/** Class names of labels 0..9 (Xiao et al. 2017). */
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
