/**
 * Claim 15 of the notes (§6, [DERIV] sketch of §1.5): estimating n means to a fixed accuracy
 * needs a number of samples growing like log n (sub-Gaussian tails + a union bound over the n
 * coordinates). With unit-variance Gaussian features and true mean 0, m_k is the first per-class
 * count at which max_j |mean_j| <= tol along one stream of samples; the reported total is
 * m = 2 m_k (two classes), summarised by the median over repeats.
 */
import { Rng } from "../../core/rng";
import { NormalStream } from "../../core/normal";
import { median } from "../../core/stats";

/** First-passage sample sizes of one dimension n (claim 15). */
export interface EstimationResult {
  n: number;
  /** Total m = 2 m_k of each repeat. */
  totals: number[];
  median: number;
}

/** First-passage sample sizes for dimension n (see module comment). */
export function meanEstimationSampleSize(o: {
  n: number;
  repeats: number;
  seed: number;
  tol?: number;
  maxPerClass?: number;
}): EstimationResult {
  const { n, repeats } = o;
  const tol = o.tol ?? 0.5;
  const cap = o.maxPerClass ?? 100000;
  if (!Number.isInteger(n) || n < 1) throw new Error(`meanEstimationSampleSize: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error(`meanEstimationSampleSize: repeats must be a positive integer, got ${repeats}`);
  // one normal stream for all repeats: forking a stream per sample would cost four draws per row
  const normals = new NormalStream(new Rng(o.seed));
  const sums = new Float64Array(n);
  const z = new Float64Array(n);
  const totals: number[] = [];
  for (let r = 0; r < repeats; r++) {
    sums.fill(0);
    let t = 0;
    for (;;) {
      t++;
      if (t > cap) throw new Error(`meanEstimationSampleSize: no first passage within ${cap} samples (n=${n}, tol=${tol})`);
      normals.fillNormal(z);
      let worst = 0;
      for (let j = 0; j < n; j++) {
        sums[j] += z[j]!;
        const dev = Math.abs(sums[j]!) / t;
        if (dev > worst) worst = dev;
      }
      if (worst <= tol) break;
    }
    totals.push(2 * t);
  }
  return { n, totals, median: median(totals) };
}
