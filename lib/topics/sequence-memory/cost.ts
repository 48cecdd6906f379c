/**
 * Cost of the sequence-memory algorithms: the FLOP model of notes §2a (per head, forward,
 * dk = dv = d) and CPU timing on a shared machine. Timings use process CPU time (wall time is
 * meaningless under load), repeated, and summarised by the median; slopes are fitted on log-log
 * medians. Nothing here may decide a test: timings are reported, never asserted.
 */
import { linearFit, median } from "../../core/stats";
import type { Rng } from "../../core/rng";
import { l2normRows, sigmoid, type Arr } from "./arrays";
import { deltaChunk, deltaParallel, deltaRecurrent } from "./delta";
import { laChunk, laQuadratic, laRecurrent } from "./linear-attention";

export type Form = "la-recurrent" | "la-chunk" | "la-quadratic" | "delta-recurrent" | "delta-chunk" | "delta-parallel";

export const FORMS: readonly Form[] = ["la-recurrent", "la-chunk", "la-quadratic", "delta-recurrent", "delta-chunk", "delta-parallel"];

/** Nominal forward FLOPs of one head (notes §2a table; the parallel DeltaNet adds its L×L solve, ≈ L²d). */
export function flops(form: Form, o: { L: number; d: number; C: number }): number {
  const { L, d, C } = o;
  switch (form) {
    case "la-recurrent":
      return 4 * L * d * d;
    case "delta-recurrent":
      return 6 * L * d * d;
    case "la-chunk":
      return L * (4 * C * d + 4 * d * d);
    case "delta-chunk":
      return L * (8 * C * d + 6 * d * d);
    case "la-quadratic":
      return 2 * L * L * d;
    case "delta-parallel":
      return 4 * L * L * d + L * L * d;
  }
}

/**
 * The L at which two forms cost the same FLOPs (geometric bisection between 1 and 1e7); NaN when
 * they never cross there.
 */
export function flopCrossover(a: Form, b: Form, o: { d: number; C: number }): number {
  const f = (L: number) => Math.log(flops(a, { ...o, L }) / flops(b, { ...o, L }));
  let lo = 1;
  let hi = 1e7;
  if (Math.sign(f(lo)) === Math.sign(f(hi))) return Number.NaN;
  for (let i = 0; i < 200; i++) {
    const mid = Math.sqrt(lo * hi);
    if (Math.sign(f(mid)) === Math.sign(f(lo))) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

export interface Inputs {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  beta: Float32Array;
}

/** Float32 inputs as in the notes' checks: unit q and k, v ~ N(0, 1), β = sigmoid(N(0, 1)). */
export function randomInputs(o: { L: number; d: number; rng: Rng }): Inputs {
  const n = o.L * o.d;
  const g = () => Float32Array.from({ length: n }, () => o.rng.normal());
  return {
    q: l2normRows(g(), o.d) as Float32Array,
    k: l2normRows(g(), o.d) as Float32Array,
    v: g(),
    beta: Float32Array.from({ length: o.L }, () => sigmoid(o.rng.normal())),
  };
}

/** Runs one form on one head. */
export function runForm(form: Form, x: Inputs, o: { L: number; d: number; C: number }): Arr {
  const dims = { L: o.L, dk: o.d, dv: o.d };
  switch (form) {
    case "la-recurrent":
      return laRecurrent(x.q, x.k, x.v, dims).o;
    case "la-chunk":
      return laChunk(x.q, x.k, x.v, { ...dims, C: o.C }).o;
    case "la-quadratic":
      return laQuadratic(x.q, x.k, x.v, dims).o;
    case "delta-recurrent":
      return deltaRecurrent(x.q, x.k, x.v, x.beta, dims).o;
    case "delta-chunk":
      return deltaChunk(x.q, x.k, x.v, x.beta, { ...dims, C: o.C }).o;
    case "delta-parallel":
      return deltaParallel(x.q, x.k, x.v, x.beta, dims).o;
  }
}

/** CPU seconds of `fn`, `repeats` times (after one untimed warm-up call). */
export function timeCpu(fn: () => unknown, o: { repeats: number }): number[] {
  fn();
  const out: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const t = process.cpuUsage();
    fn();
    const u = process.cpuUsage(t);
    out.push((u.user + u.system) / 1e6);
  }
  return out;
}

export interface CostPoint {
  form: Form;
  L: number;
  /** Median CPU seconds over the repeats, and every repeat. */
  seconds: number;
  repeats: number[];
  flops: number;
  /** Nominal FLOPs over the median time, in GFLOP/s. */
  gflops: number;
}

/** The log-log slope of median time against L (least squares), with its standard error. */
export function fitLogLogSlope(points: readonly { L: number; seconds: number }[]): { slope: number; se: number } {
  const x = points.map((p) => Math.log(p.L));
  const y = points.map((p) => Math.log(p.seconds));
  const fit = linearFit(x, y);
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const sxx = x.reduce((a, b) => a + (b - mx) ** 2, 0);
  const rss = y.reduce((a, yi, i) => a + (yi - fit.intercept - fit.slope * x[i]!) ** 2, 0);
  return { slope: fit.slope, se: n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : Number.NaN };
}

/**
 * The measured crossover between a form that is cheaper at short L (`shortWinner`) and one cheaper
 * at long L: the first L on the grid where the long-L form's median time is below the other's,
 * interpolated geometrically with the grid point before it (NaN if it never crosses on the grid).
 */
export function measuredCrossover(shortWinner: readonly CostPoint[], longWinner: readonly CostPoint[]): number {
  const byL = new Map(longWinner.map((p) => [p.L, p.seconds]));
  const pairs = shortWinner.filter((p) => byL.has(p.L)).map((p) => ({ L: p.L, r: Math.log(byL.get(p.L)! / p.seconds) }));
  pairs.sort((a, b) => a.L - b.L);
  for (let i = 0; i < pairs.length; i++) {
    if (pairs[i]!.r < 0) {
      if (i === 0) return pairs[0]!.L;
      const a = pairs[i - 1]!;
      const b = pairs[i]!;
      const f = a.r / (a.r - b.r);
      return Math.exp(Math.log(a.L) + f * (Math.log(b.L) - Math.log(a.L)));
    }
  }
  return Number.NaN;
}

/** Median helper re-exported for callers that summarise repeats themselves. */
export { median };
