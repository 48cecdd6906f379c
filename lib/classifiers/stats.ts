/**
 * Small statistics used by the study: the normal CDF (Bayes errors, notes §1.6), 95% intervals of
 * a mean over repeats, least-squares fits of m* against n and ln n (notes §6 claims 5, 6, 15),
 * first-passage sample sizes m* / m_eps, crossing points and numpy-style percentiles.
 */

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * erfc(x) for x >= 0, to about 1e-15 relative: the series erf(x) = 2/sqrt(pi) e^{-x^2} sum 2^k x^{2k+1} / (2k+1)!!
 * (all terms positive, no cancellation) below x = 3, and Lentz's continued fraction
 * erfc(x) = e^{-x^2}/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) above.
 */
function erfcPositive(x: number): number {
  if (x < 3) {
    let term = x;
    let sum = x;
    for (let k = 1; k < 200; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - ((2 / SQRT_PI) * Math.exp(-x * x)) * sum;
  }
  // modified Lentz for the continued fraction x + a1/(x + a2/(x + ...)), a_k = k/2
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    if (Math.abs(D) < tiny) D = tiny;
    C = x + a / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Standard normal CDF Phi(z), accurate in both tails. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  const tail = 0.5 * erfcPositive(x); // P(Z > |z|)
  return z < 0 ? tail : 1 - tail;
}

/** Mean of repeats with its 95% normal interval. */
export interface MeanCI {
  mean: number;
  /** Half-width 1.96 * sd / sqrt(R) (sd with R - 1 in the denominator); 0 for a single value. */
  half: number;
  lo: number;
  hi: number;
  sd: number;
  count: number;
}

/** Mean and 95% normal interval of the mean, as the notes' tables report (mean ± 1.96 sd/√R). */
export function meanCI(xs: ArrayLike<number>): MeanCI {
  const R = xs.length;
  if (R === 0) throw new Error("meanCI: no values");
  let s = 0;
  for (let i = 0; i < R; i++) s += xs[i]!;
  const mean = s / R;
  let q = 0;
  for (let i = 0; i < R; i++) q += (xs[i]! - mean) ** 2;
  const sd = R > 1 ? Math.sqrt(q / (R - 1)) : 0;
  const half = R > 1 ? (1.96 * sd) / Math.sqrt(R) : 0;
  return { mean, half, lo: mean - half, hi: mean + half, sd, count: R };
}

/** Win / tie / loss of a against b by 95% interval overlap ("win" = a significantly lower error). */
export function compareByCI(a: MeanCI, b: MeanCI): "win" | "tie" | "loss" {
  if (a.hi < b.lo) return "win";
  if (b.hi < a.lo) return "loss";
  return "tie";
}

/** Least-squares line and its R². */
export interface LinearFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination of the fit. */
  r2: number;
}

/** Ordinary least squares y = slope * x + intercept. */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  const N = x.length;
  if (N < 2 || y.length !== N) throw new Error(`linearFit: need >= 2 paired values, got ${x.length} x and ${y.length} y`);
  let mx = 0, my = 0;
  for (let i = 0; i < N; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= N;
  my /= N;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < N; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new Error("linearFit: all x values are equal");
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: my - slope * mx, r2 };
}

/** Fits of sample complexity m against n and against ln n (notes §1.5: O(n) vs O(log n)). */
export function fitScaling(ns: ArrayLike<number>, ms: ArrayLike<number>): { linear: LinearFit; log: LinearFit } {
  const logs = Array.from(ns, (v) => Math.log(v));
  return { linear: linearFit(ns, ms), log: linearFit(logs, ms) };
}

/**
 * First grid m whose error is below asymptote + eps: strictly below by default (the paper's
 * stopping rule "mean error < Bayes + 0.01"), or at most with `inclusive` (notes' m_eps, claim 9).
 * Returns null when no grid point qualifies.
 */
export function sampleComplexity(m: ArrayLike<number>, err: ArrayLike<number>, asymptote: number, eps: number, inclusive = false): number | null {
  const bar = asymptote + eps;
  for (let i = 0; i < m.length; i++) {
    const e = err[i]!;
    if (inclusive ? e <= bar : e < bar) return m[i]!;
  }
  return null;
}

/** First grid m from which curve b stays strictly below curve a (a's regime ends); null if never. */
export function crossingPoint(m: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  let start: number | null = null;
  for (let i = 0; i < m.length; i++) {
    if (b[i]! < a[i]!) {
      if (start === null) start = m[i]!;
    } else {
      start = null;
    }
  }
  return start;
}

/** Percentile with numpy's default linear interpolation (q in [0, 100]). */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new Error("percentile: no values");
  if (!(q >= 0 && q <= 100)) throw new Error(`percentile: q must be in [0, 100], got ${q}`);
  const s = Float64Array.from(values).sort();
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/** Median (50th percentile). */
export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}

/** linearFit, or NaN slope / intercept / r2 when there are fewer than two distinct x (e.g. at smoke scale). */
export function tryLinearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  const ok: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) ok.push(i);
  if (new Set(ok.map((i) => x[i]!)).size < 2) return { slope: NaN, intercept: NaN, r2: NaN };
  return linearFit(ok.map((i) => x[i]!), ok.map((i) => y[i]!));
}

/** Elasticity d ln m / d ln n: the exponent of a power-law fit m ~ n^a (1 for linear growth, ~1/ln n for log growth). */
export function elasticity(ns: ArrayLike<number>, ms: ArrayLike<number>): number {
  return tryLinearFit(Array.from(ns, Math.log), Array.from(ms, Math.log)).slope;
}
