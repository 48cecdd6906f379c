/**
 * Modern (continuous) Hopfield networks (Ramsauer et al., ICLR 2021; notes §4a). Stored patterns are
 * the rows of X [N, d] (the paper's columns), ξ the state:
 *   E(ξ) = −lse(β, Xξ) + ½ξᵀξ + β⁻¹ ln N + ½M²,   ξ_new = Xᵀ softmax(β X ξ),   M = max_i ‖x_i‖.
 * With ξ a query row, K = V = X and β = 1/√d the update is softmax attention (HF1).
 */
import type { Rng } from "../../core/rng";

export interface Patterns {
  /** Rows are patterns, [N, d], float64. */
  X: Float64Array;
  N: number;
  d: number;
}

export function patterns(X: ArrayLike<number>, o: { N: number; d: number }): Patterns {
  if (X.length !== o.N * o.d) throw new Error(`patterns: expected N·d = ${o.N * o.d} numbers, got ${X.length}`);
  return { X: Float64Array.from(X), N: o.N, d: o.d };
}

function scores(P: Patterns, xi: ArrayLike<number>, out: Float64Array): void {
  const { X, N, d } = P;
  if (xi.length !== d) throw new Error(`hopfield: the state has ${xi.length} entries, the patterns ${d}`);
  for (let i = 0; i < N; i++) {
    let s = 0;
    const r = i * d;
    for (let j = 0; j < d; j++) s += X[r + j]! * xi[j]!;
    out[i] = s;
  }
}

/** Softmax in place (max-shifted), returns the log-sum-exp of the inputs. */
function softmaxInPlace(z: Float64Array): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < z.length; i++) if (z[i]! > m) m = z[i]!;
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    const e = Math.exp(z[i]! - m);
    z[i] = e;
    s += e;
  }
  for (let i = 0; i < z.length; i++) z[i] = z[i]! / s;
  return m + Math.log(s);
}

function checkBeta(beta: number, fn: string): void {
  if (!(beta > 0) || !Number.isFinite(beta)) throw new Error(`${fn}: beta must be a positive finite number, got ${beta}`);
}

/** One update ξ_new = Xᵀ softmax(β X ξ); also returns the softmax p. */
export function hopfieldUpdate(P: Patterns, xi: ArrayLike<number>, beta: number): { xi: Float64Array; p: Float64Array } {
  checkBeta(beta, "hopfieldUpdate");
  const p = new Float64Array(P.N);
  scores(P, xi, p);
  for (let i = 0; i < p.length; i++) p[i] = beta * p[i]!;
  softmaxInPlace(p);
  const out = new Float64Array(P.d);
  for (let i = 0; i < P.N; i++) {
    const w = p[i]!;
    if (w === 0) continue;
    const r = i * P.d;
    for (let j = 0; j < P.d; j++) out[j] = out[j]! + w * P.X[r + j]!;
  }
  return { xi: out, p };
}

/** max_i ‖x_i‖. */
export function maxNorm(P: Patterns): number {
  let m = 0;
  for (let i = 0; i < P.N; i++) {
    let s = 0;
    for (let j = 0; j < P.d; j++) s += P.X[i * P.d + j]! ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}

/** The energy E(ξ) (≥ ½(‖ξ‖ − M)² ≥ 0; never increased by hopfieldUpdate, the CCCP step). */
export function hopfieldEnergy(P: Patterns, xi: ArrayLike<number>, beta: number, M: number = maxNorm(P)): number {
  checkBeta(beta, "hopfieldEnergy");
  const z = new Float64Array(P.N);
  scores(P, xi, z);
  for (let i = 0; i < z.length; i++) z[i] = beta * z[i]!;
  const lse = softmaxInPlace(z) / beta;
  let sq = 0;
  for (let j = 0; j < xi.length; j++) sq += xi[j]! ** 2;
  return -lse + 0.5 * sq + Math.log(P.N) / beta + 0.5 * M * M;
}

/** Iterates the update until ‖ξ_{k+1} − ξ_k‖ ≤ tol (or maxIter); returns the fixed point and its softmax. */
export function iterateToFixedPoint(
  P: Patterns,
  xi0: ArrayLike<number>,
  beta: number,
  o: { tol?: number; maxIter?: number } = {},
): { xi: Float64Array; p: Float64Array; iterations: number; converged: boolean } {
  const tol = o.tol ?? 1e-10;
  const maxIter = o.maxIter ?? 1000;
  let xi = Float64Array.from(xi0);
  for (let it = 1; it <= maxIter; it++) {
    const next = hopfieldUpdate(P, xi, beta);
    let dist = 0;
    for (let j = 0; j < xi.length; j++) dist += (next.xi[j]! - xi[j]!) ** 2;
    xi = next.xi;
    if (Math.sqrt(dist) <= tol) return { xi, p: next.p, iterations: it, converged: true };
  }
  return { xi, p: hopfieldUpdate(P, xi, beta).p, iterations: maxIter, converged: false };
}

/** Participation ratio n_eff = 1/Σ p_i² (1: one pattern; N: uniform average). */
export function participation(p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i]! ** 2;
  return 1 / s;
}

/**
 * A corrupted copy of x: `flip` negates coordinates, `mask` zeroes them. `count: "bernoulli"` (the
 * default) hits each coordinate independently with probability ρ; `"exact"` hits exactly round(ρd)
 * coordinates chosen at random.
 */
export function corrupt(
  x: ArrayLike<number>,
  o: { kind: "flip" | "mask"; rho: number; rng: Rng; count?: "bernoulli" | "exact" },
): Float64Array {
  if (!(o.rho >= 0 && o.rho <= 1)) throw new Error(`corrupt: rho must be in [0, 1], got ${o.rho}`);
  const out = Float64Array.from(x);
  const hit = (j: number) => (out[j] = o.kind === "flip" ? -out[j]! : 0);
  if ((o.count ?? "bernoulli") === "bernoulli") {
    for (let j = 0; j < x.length; j++) if (o.rng.uniform() < o.rho) hit(j);
  } else
    for (const j of o.rng.sample(
      Array.from({ length: x.length }, (_, i) => i),
      Math.round(o.rho * x.length),
    ))
      hit(j);
  return out;
}

/** The one-step bound ‖ξ_new − x_i‖ ≤ 2M(N−1)exp(−β Δ̃_i), Δ̃_i = x_iᵀξ − max_{j≠i} x_jᵀξ (notes §4a, derived). */
export function oneStepBound(P: Patterns, xi: ArrayLike<number>, i: number, beta: number, M: number): number {
  const z = new Float64Array(P.N);
  scores(P, xi, z);
  let other = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < P.N; j++) if (j !== i && z[j]! > other) other = z[j]!;
  return 2 * M * (P.N - 1) * Math.exp(-beta * (z[i]! - other));
}
