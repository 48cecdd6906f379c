/**
 * The paper's Gaussian simulation (official `data/generate_data.py`, mode "easy"; notes §2, §1.6).
 *
 * K classes with equal priors; class 0 has mean -1 * 1_n, class k >= 1 mean 2^{k-1} * 1_n; all share
 * the diagonal covariance with sigma_j^2 = n for the first floor(n/2) coordinates and 1 for the rest.
 * For K > 2 the loader maps x -> (x - c) / c with c = 2^{K-3} (K = 3: means -2, 0, 1).
 * NB (pooled diagonal Gaussian) and LR are both well specified, so both asymptotes are the Bayes error.
 */
import type { Rng } from "../../core/rng";
import type { Dataset } from "./dataset";
import { fillNormal } from "../../core/normal";
import { normalCdf } from "../../core/stats";

/** The generator for one (n, K). */
export interface PaperSimulation {
  readonly n: number;
  readonly K: number;
  /** Class means after the K > 2 transform (K x n). */
  readonly means: Float64Array;
  /** Per-coordinate standard deviations after the transform (n). */
  readonly std: Float64Array;
  /** m samples with i.i.d. uniform labels, redrawn until every class occurs (needs m >= K). */
  sample(m: number, rng: Rng): Dataset;
  /** `perClass` samples of each class, in class order (the paper's balanced test set). */
  sampleBalanced(perClass: number, rng: Rng): Dataset;
}

/** Class locations along 1_n before the transform: -1, 1, 2, 4, ... */
function rawLocations(K: number): number[] {
  return Array.from({ length: K }, (_, k) => (k === 0 ? -1 : 2 ** (k - 1)));
}

/** The paper's generator for dimension n and K classes. */
export function makePaperSimulation(o: { n: number; K: number }): PaperSimulation {
  const { n, K } = o;
  if (!Number.isInteger(n) || n < 2) throw new Error(`makePaperSimulation: n must be an integer >= 2, got ${n}`);
  if (!Number.isInteger(K) || K < 2 || K > 30) throw new Error(`makePaperSimulation: K must be an integer in 2..30, got ${K}`);
  const c = K > 2 ? 2 ** (K - 3) : 1;
  const shift = K > 2 ? c : 0;
  const loc = rawLocations(K);
  const half = Math.floor(n / 2);
  const means = new Float64Array(K * n);
  const std = new Float64Array(n);
  for (let j = 0; j < n; j++) std[j] = (j < half ? Math.sqrt(n) : 1) / c;
  for (let k = 0; k < K; k++) for (let j = 0; j < n; j++) means[k * n + j] = (loc[k]! - shift) / c;

  const features = (y: Int32Array, rng: Rng): Float64Array => {
    const X = new Float64Array(y.length * n);
    fillNormal(rng, X);
    for (let i = 0; i < y.length; i++) {
      const mo = y[i]! * n;
      const off = i * n;
      for (let j = 0; j < n; j++) X[off + j] = means[mo + j]! + std[j]! * X[off + j]!;
    }
    return X;
  };
  return {
    n,
    K,
    means,
    std,
    sample(m, rng) {
      if (!Number.isInteger(m) || m < K)
        throw new Error(`PaperSimulation.sample: m must be an integer >= K = ${K} so every class can occur, got ${m}`);
      const y = new Int32Array(m);
      const seen = new Uint8Array(K);
      for (let attempt = 0; ; attempt++) {
        if (attempt >= 10000) throw new Error(`PaperSimulation.sample: no draw of ${m} labels covered all ${K} classes in 10000 attempts`);
        seen.fill(0);
        let distinct = 0;
        for (let i = 0; i < m; i++) {
          const c2 = rng.int(0, K);
          y[i] = c2;
          if (!seen[c2]) {
            seen[c2] = 1;
            distinct++;
          }
        }
        if (distinct === K) break;
      }
      return { X: features(y, rng), y, m, n, K };
    },
    sampleBalanced(perClass, rng) {
      if (!Number.isInteger(perClass) || perClass < 1)
        throw new Error(`PaperSimulation.sampleBalanced: perClass must be a positive integer, got ${perClass}`);
      const y = new Int32Array(perClass * K);
      for (let k = 0; k < K; k++) y.fill(k, k * perClass, (k + 1) * perClass);
      return { X: features(y, rng), y, m: y.length, n, K };
    },
  };
}

/**
 * Exact Bayes error of the simulation with equal priors [DERIV]. Every mean lies on the line
 * t * 1_n and the covariance is shared, so the posterior depends on x only through
 * u = 1_n' Sigma^{-1} x, which given class k is N(t_k s, s) with s = 1_n' Sigma^{-1} 1_n
 * = floor(n/2)/n + (n - floor(n/2)). The Bayes rule is nearest-mean on u / sqrt(s) ~ N(t_k sqrt(s), 1),
 * so the error is (1/K) sum_k [Phi(-gap_below_k / 2) + Phi(-gap_above_k / 2)] over the sorted means.
 * For K = 2 this is Phi(-Delta/2) with Delta^2 = 4 s, i.e. Phi(-sqrt((n+1)/2)) for even n.
 * (The K > 2 affine transform does not change it.)
 */
export function paperBayesError(o: { n: number; K: number }): number {
  const { n, K } = o;
  const half = Math.floor(n / 2);
  const s = half / n + (n - half);
  const t = rawLocations(K)
    .sort((a, b) => a - b)
    .map((v) => v * Math.sqrt(s));
  let err = 0;
  for (let k = 0; k < K; k++) {
    if (k > 0) err += normalCdf(-(t[k]! - t[k - 1]!) / 2);
    if (k < K - 1) err += normalCdf(-(t[k + 1]! - t[k]!) / 2);
  }
  return err / K;
}

/**
 * Monte Carlo estimate of the Bayes error: `draws` samples from the generator (uniform labels),
 * classified by the true-parameter LDA rule argmax_k -1/2 sum_j (x_j - mu_kj)^2 / sigma_j^2.
 * Returns the error rate and its standard error sqrt(p(1-p)/draws).
 */
export function bayesErrorMonteCarlo(o: { sim: PaperSimulation; draws: number; rng: Rng; batch?: number }): { error: number; se: number } {
  const { sim, draws, rng } = o;
  const batch = o.batch ?? 20000;
  const { n, K, means, std } = sim;
  const inv = Float64Array.from(std, (s) => 1 / (s * s));
  let wrong = 0;
  let done = 0;
  while (done < draws) {
    const b = Math.min(batch, draws - done);
    const ds = sim.sample(Math.max(b, K), rng);
    for (let i = 0; i < b; i++) {
      const off = i * n;
      let best = 0;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        let q = 0;
        for (let j = 0; j < n; j++) {
          const d = ds.X[off + j]! - means[k * n + j]!;
          q += d * d * inv[j]!;
        }
        if (-q > bestScore) {
          bestScore = -q;
          best = k;
        }
      }
      if (best !== ds.y[i]) wrong++;
    }
    done += b;
  }
  const p = wrong / draws;
  return { error: p, se: Math.sqrt((p * (1 - p)) / draws) };
}
