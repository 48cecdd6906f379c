/**
 * What sample-complexity curves need beyond core statistics: first-passage sample sizes m* / m_eps,
 * the crossing point of two learning curves, and fits of m* against n and ln n (notes §1.5, §6
 * claims 5, 6, 9, 10, 15). Means, intervals and least-squares lines come from core/stats.
 */
import { linearFit, tryLinearFit, type LinearFit } from "../../core/stats";

/** Fits of sample complexity m against n and against ln n (notes §1.5: O(n) vs O(log n)). */
export function fitScaling(o: { n: ArrayLike<number>; m: ArrayLike<number> }): { linear: LinearFit; log: LinearFit } {
  const logs = Array.from(o.n, (v) => Math.log(v));
  return { linear: linearFit(o.n, o.m), log: linearFit(logs, o.m) };
}

/**
 * First grid m whose error is below asymptote + eps: strictly below by default (the paper's
 * stopping rule "mean error < Bayes + 0.01"), or at most with `inclusive` (notes' m_eps, claim 9).
 * Returns null when no grid point qualifies.
 */
export function sampleComplexity(o: { m: ArrayLike<number>; err: ArrayLike<number>; asymptote: number; eps: number; inclusive?: boolean }):
  | number
  | null {
  const { m, err } = o;
  const bar = o.asymptote + o.eps;
  for (let i = 0; i < m.length; i++) {
    const e = err[i]!;
    if (o.inclusive ? e <= bar : e < bar) return m[i]!;
  }
  return null;
}

/** First grid m from which the `follower` curve stays strictly below the `leader` (the leader's regime ends); null if never. */
export function crossingPoint(o: { m: ArrayLike<number>; leader: ArrayLike<number>; follower: ArrayLike<number> }): number | null {
  const { m, leader, follower } = o;
  let start: number | null = null;
  for (let i = 0; i < m.length; i++) {
    if (follower[i]! < leader[i]!) {
      if (start === null) start = m[i]!;
    } else {
      start = null;
    }
  }
  return start;
}

/** Elasticity d ln m / d ln n: the exponent of a power-law fit m ~ n^a (1 for linear growth, ~1/ln n for log growth). */
export function elasticity(o: { n: ArrayLike<number>; m: ArrayLike<number> }): number {
  return tryLinearFit(Array.from(o.n, Math.log), Array.from(o.m, Math.log)).slope;
}
