/**
 * Retrieval experiments with the modern Hopfield update (notes §4b, HF3-HF6): store N random
 * patterns, query a corrupted copy of a stored one, apply one update at several β. The scores Xξ do
 * not depend on β, so every β sees the same patterns and queries (paired).
 */
import type { Rng } from "../../core/rng";
import { mean, standardError } from "../../core/stats";
import { corrupt, maxNorm, participation, type Patterns } from "./hopfield";

export type PatternKind = "pm1" | "gauss";

/** N random patterns: ±1 entries (`pm1`) or N(0, 1) entries (`gauss`). */
export function randomPatterns(o: { N: number; d: number; kind: PatternKind; rng: Rng }): Patterns {
  const X = new Float64Array(o.N * o.d);
  for (let i = 0; i < X.length; i++) X[i] = o.kind === "pm1" ? (o.rng.uniform() < 0.5 ? -1 : 1) : o.rng.normal();
  return { X, N: o.N, d: o.d };
}

export interface RetrievalRow {
  beta: number;
  /** Mean of ‖ξ_new − x_i‖/‖x_i‖ and its standard error. */
  relErr: number;
  relErrSe: number;
  /** Fraction of queries whose update has sign(ξ_new) = x_i in every coordinate (±1 patterns only). */
  signExact: number;
  /** Mean participation ratio 1/Σp² of the softmax. */
  nEff: number;
  /** Queries where the derived one-step bound was violated (HF3: must be 0). */
  boundViolations: number;
  /** Queries where the bound was informative (below ‖x_i‖). */
  boundInformative: number;
}

export interface RetrievalResult {
  d: number;
  N: number;
  kind: PatternKind;
  corruption: { kind: "flip" | "mask"; rho: number };
  queries: number;
  rows: RetrievalRow[];
  /** Fraction of queries whose top score is the stored pattern (β = ∞). */
  argmaxExact: number;
}

/** One update from Q corrupted queries at each β (β = Infinity means argmax). */
export function retrievalStudy(o: {
  d: number;
  N: number;
  kind: PatternKind;
  corruption: { kind: "flip" | "mask"; rho: number };
  betas: readonly number[];
  queries: number;
  /** Draw a fresh pattern set every this many queries (default: one set), so small-N cells average over sets. */
  queriesPerSet?: number;
  rng: Rng;
}): RetrievalResult {
  const { d, N } = o;
  const perSet = o.queriesPerSet ?? o.queries;
  let P = randomPatterns({ N, d, kind: o.kind, rng: o.rng });
  let M = maxNorm(P);
  const errs = o.betas.map(() => [] as number[]);
  const sign = o.betas.map(() => 0);
  const neff = o.betas.map(() => 0);
  const viol = o.betas.map(() => 0);
  const inform = o.betas.map(() => 0);
  let argmaxOk = 0;
  const z = new Float64Array(N);
  const p = new Float64Array(N);
  const out = new Float64Array(d);
  for (let q = 0; q < o.queries; q++) {
    if (q > 0 && q % perSet === 0) {
      P = randomPatterns({ N, d, kind: o.kind, rng: o.rng });
      M = maxNorm(P);
    }
    const i = o.rng.int(0, N);
    const x = P.X.subarray(i * d, (i + 1) * d);
    const xi = corrupt(x, { ...o.corruption, rng: o.rng });
    let top = Number.NEGATIVE_INFINITY;
    let arg = -1;
    let other = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += P.X[j * d + c]! * xi[c]!;
      z[j] = s;
      if (s > top) {
        top = s;
        arg = j;
      }
      if (j !== i && s > other) other = s;
    }
    if (arg === i) argmaxOk++;
    let xNorm = 0;
    for (let c = 0; c < d; c++) xNorm += x[c]! ** 2;
    xNorm = Math.sqrt(xNorm);
    o.betas.forEach((beta, b) => {
      if (beta === Number.POSITIVE_INFINITY) {
        out.set(P.X.subarray(arg * d, (arg + 1) * d));
        p.fill(0);
        p[arg] = 1;
      } else {
        let s = 0;
        for (let j = 0; j < N; j++) {
          const e = Math.exp(beta * (z[j]! - top));
          p[j] = e;
          s += e;
        }
        out.fill(0);
        for (let j = 0; j < N; j++) {
          const w = p[j]! / s;
          p[j] = w;
          if (w < 1e-300) continue;
          for (let c = 0; c < d; c++) out[c] = out[c]! + w * P.X[j * d + c]!;
        }
      }
      let e2 = 0;
      let ok = true;
      for (let c = 0; c < d; c++) {
        e2 += (out[c]! - x[c]!) ** 2;
        if (Math.sign(out[c]!) !== Math.sign(x[c]!)) ok = false;
      }
      const err = Math.sqrt(e2);
      errs[b]!.push(err / xNorm);
      if (ok) sign[b]!++;
      neff[b]! += participation(p);
      if (beta !== Number.POSITIVE_INFINITY) {
        const bound = 2 * M * (N - 1) * Math.exp(-beta * (z[i]! - other));
        // a relative slack of 1e-9 absorbs float64 rounding of the error itself
        if (err > bound * (1 + 1e-9) + 1e-12) viol[b]!++;
        if (bound < xNorm) inform[b]!++;
      }
    });
  }
  return {
    d,
    N,
    kind: o.kind,
    corruption: o.corruption,
    queries: o.queries,
    argmaxExact: argmaxOk / o.queries,
    rows: o.betas.map((beta, b) => ({
      beta,
      relErr: mean(errs[b]!),
      relErrSe: standardError(errs[b]!),
      signExact: sign[b]! / o.queries,
      nEff: neff[b]! / o.queries,
      boundViolations: viol[b]!,
      boundInformative: inform[b]!,
    })),
  };
}

export interface CapacityPoint {
  d: number;
  /** N at which exact retrieval drops below the threshold, interpolated in ln N (NaN if never on the grid). */
  n95: number;
  /** The curve: N and the fraction of exact retrievals. */
  curve: { N: number; exact: number }[];
}

/**
 * N₉₅(d): the number of stored ±1 patterns at which exact sign retrieval of a query with a fraction
 * ρ of flipped signs falls below `threshold`, for one β (Infinity = argmax), interpolated linearly
 * in ln N between the grid points that bracket it. The grid grows geometrically (factor `growth`)
 * from N = 2 until the fraction is below the threshold.
 */
export function capacityPoint(o: {
  d: number;
  rho: number;
  beta: number;
  threshold: number;
  queries: number;
  queriesPerSet?: number;
  growth: number;
  maxN: number;
  rng: Rng;
}): CapacityPoint {
  const curve: { N: number; exact: number }[] = [];
  let N = 2;
  let n95 = Number.NaN;
  while (N <= o.maxN) {
    const r = retrievalStudy({
      d: o.d,
      N,
      kind: "pm1",
      corruption: { kind: "flip", rho: o.rho },
      betas: [o.beta],
      queries: o.queries,
      queriesPerSet: o.queriesPerSet,
      rng: o.rng,
    });
    const exact = o.beta === Number.POSITIVE_INFINITY ? r.argmaxExact : r.rows[0]!.signExact;
    curve.push({ N, exact });
    if (exact < o.threshold) {
      const prev = curve[curve.length - 2];
      if (prev === undefined) n95 = N;
      else {
        const f = (prev.exact - o.threshold) / (prev.exact - exact);
        n95 = Math.exp(Math.log(prev.N) + f * (Math.log(N) - Math.log(prev.N)));
      }
      break;
    }
    N = Math.max(N + 1, Math.round(N * o.growth));
  }
  return { d: o.d, n95, curve };
}
