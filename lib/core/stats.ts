/**
 * The statistics every study uses, each once: summaries over seeds, intervals (normal, Student t,
 * Wilson), the normal CDF and quantile, numpy-style percentiles, rank correlation and least-squares
 * lines. Tested against closed forms and tabulated values in test/core/stats.test.ts.
 */

/** Arithmetic mean; NaN for no values. */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values. */
export function sd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Standard error of the mean, sd/√n; NaN for fewer than two values (the noise is unknown). */
export function standardError(xs: ArrayLike<number>): number {
  return xs.length < 2 ? NaN : sd(xs) / Math.sqrt(xs.length);
}

/** Mean and sample sd of values over seeds, with the values kept for tables. */
export interface MeanSd {
  mean: number;
  sd: number;
  values: number[];
}

export function summarize(values: ArrayLike<number>): MeanSd {
  return { mean: mean(values), sd: sd(values), values: Array.from(values) };
}

/** "0.912 ± 0.013" (mean ± sd). */
export function fmtMeanSd(m: MeanSd, digits = 3): string {
  return `${m.mean.toFixed(digits)} ± ${m.sd.toFixed(digits)}`;
}

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

/** Mean and 95% normal interval of the mean, mean ± 1.96·sd/√R, as the gen-vs-disc notes' tables report (use tInterval for a few seeds). */
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


/** Standard normal quantile Φ⁻¹(p), by Acklam's rational approximation refined with one Halley step on normalCdf (|error| < 1e-13). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // one Halley step: e = Φ(x) − p, u = e·√(2π)·exp(x²/2)
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Regularised incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes §6.4). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let f = 1, C = 1, D = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    let num: number;
    if (i === 0) num = 1;
    else if (i % 2 === 0) num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    D = 1 + num * D;
    if (Math.abs(D) < tiny) D = tiny;
    D = 1 / D;
    C = 1 + num / C;
    if (Math.abs(C) < tiny) C = tiny;
    const cd = C * D;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-15) break;
  }
  return (Math.exp(lnFront) * (f - 1)) / a;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function lgamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let s = g[0]!;
  for (let i = 1; i < 9; i++) s += g[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTCdf: df must be positive, got ${df}`);
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Quantile of Student's t (bisection on the CDF to 1e-12 relative): studentTQuantile(0.975, 4) = 2.776. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  // bracket first: heavy tails (df = 1) put high quantiles far beyond any fixed range
  let hi = 1;
  while (studentTCdf(hi, df) < Math.max(p, 1 - p)) hi *= 2;
  let lo = -hi;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** A confidence interval of a mean (or of a proportion, for Wilson). */
export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

/**
 * Student-t interval of the mean of `xs` (e.g. paired differences over seeds): mean ± t_{n−1}·sd/√n.
 * Needs two values at least: with one value the noise is unknown and no interval is honest.
 */
export function tInterval(xs: ArrayLike<number>, level = 0.95): Interval & { se: number; df: number } {
  if (xs.length < 2) throw new Error(`tInterval: needs at least 2 values (got ${xs.length}); add seeds`);
  const m = mean(xs);
  const se = standardError(xs);
  const df = xs.length - 1;
  const half = studentTQuantile(0.5 + level / 2, df) * se;
  return { estimate: m, lo: m - half, hi: m + half, level, se, df };
}

/** Wilson score interval for `successes` of `trials` (Wilson 1927); exact at 0 and n successes. */
export function wilsonInterval(successes: number, trials: number, level = 0.95): Interval {
  if (!(Number.isInteger(successes) && Number.isInteger(trials) && trials > 0 && successes >= 0 && successes <= trials)) {
    throw new Error(`wilsonInterval: need integers 0 ≤ successes ≤ trials, trials > 0; got ${successes} of ${trials}`);
  }
  const z = normalQuantile(0.5 + level / 2);
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  return { estimate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half), level };
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

/** Ranks 1..n with ties given their average rank. */
export function ranks(xs: ArrayLike<number>): number[] {
  const idx = Array.from({ length: xs.length }, (_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]!] === xs[idx[i]!]) j++;
    for (let k = i; k <= j; k++) r[idx[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation; NaN when either side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`pearson: lengths differ (${a.length} vs ${b.length})`);
  const ma = mean(Array.from(a)), mb = mean(Array.from(b));
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma, db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Spearman rank correlation (Pearson on tie-averaged ranks). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b));
}
