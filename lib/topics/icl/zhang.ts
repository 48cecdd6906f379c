/**
 * Zhang, Frei, Bartlett (JMLR 2024, arXiv 2306.09927): the closed forms of §4, in the notation of
 * the notes (docs/notes/icl-linear-regression.md §3a). Noiseless training data x ~ N(0, Λ),
 * w ~ N(0, I), context length N; the layer is the merged LSA of lsa.ts with ρ = N and the query
 * inside keys and values. With U := W^KQ_11 and u := w^PV_22 (every other block zero) the prediction
 * is ŷ = mᵀ (uU) x_q, m = (1/N) Σ y_i x_i: a GD step with preconditioner G = uU (= Γ_eff of reduce.ts).
 *
 *   Γ = (1 + 1/N) Λ + tr(Λ)/N · I                                 (Thm 4.1; gammaSigma with σ = 0)
 *   global minimum: uU = Γ⁻¹, u = tr(Γ⁻²)^{1/4}, U = tr(Γ⁻²)^{-1/4} Γ⁻¹   (Thm 4.1, Lemma 5.4)
 *   test error on prompts of length M (Thm 4.2), any label distribution with x ~ N(0, Λ):
 *     min_w E(⟨w,x⟩−y)² + (1/M) tr(Σ Γ⁻² Λ) + (1/N²)[‖a‖²_{Γ⁻²Λ³} + 2 tr Λ ‖a‖²_{Γ⁻²Λ²} + (tr Λ)² ‖a‖²_{Γ⁻²Λ}]
 *     a = Λ⁻¹E[xy], Σ = Cov(xy)
 *   isotropic, w ~ N(0, I): d(d+1)/γ² · (1/M + (d+1)/N²), γ = 1 + (d+1)/N   [D from Thm 4.2]
 *   random diagonal covariances (Thm 4.5): G = Eλ² / ((N+1)/N Eλ³ + E[tr Λ λ²]/N) → Eλ²/Eλ³.
 * Thm 4.2 holds with equality for Gaussian x (tests check it against the direct second-moment
 * formula `gdRiskFixedTask` and against Monte Carlo).
 */
import * as math from "mathjs";
import {
  add,
  asCovariance,
  diagOf,
  inverse,
  matMul,
  matVec,
  scaleMatrix,
  sub,
  trace,
  transpose,
  zeros,
  type Matrix,
} from "../../core/linalg";
import { etaStarRandomDiag, gammaSigma } from "./closed-forms";
import type { MergedParams } from "./lsa";

function checkCount(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${what} must be a positive integer, got ${String(v)}`);
}

/** Γ = (1 + 1/N)Λ + (tr Λ / N) I (Zhang Thm 4.1). */
export function zhangGamma(o: { Lambda: number[] | Matrix; N: number }): Matrix {
  checkCount(o.N, "zhangGamma N (training context length)");
  return gammaSigma({ Lambda: o.Lambda, n: o.N });
}

/** The global minimum of Thm 4.1: G = uU = Γ⁻¹ and the balanced factors u, U, as merged matrices. */
export interface ZhangOptimum {
  Gamma: Matrix;
  /** Γ⁻¹, the preconditioner of the optimum. */
  G: Matrix;
  /** w^PV_22 = tr(Γ⁻²)^{1/4}. */
  u: number;
  /** W^KQ_11 = tr(Γ⁻²)^{-1/4} Γ⁻¹. */
  U: Matrix;
  params: MergedParams;
}

export function zhangGlobalMin(o: { Lambda: number[] | Matrix; N: number }): ZhangOptimum {
  const Gamma = zhangGamma(o);
  const G = inverse(Gamma, "Γ");
  const u = trace(matMul(G, G)) ** 0.25;
  const U = scaleMatrix(G, 1 / u);
  return { Gamma, G, u, U, params: fromZhangCoordinates({ U, u }) };
}

/**
 * Merged matrices from Zhang's two blocks: W^KQ = [[U, 0], [0, 0]], W^PV = [[0, 0], [0, u]]. In the
 * reduction of reduce.ts this is a = (0, u), B = [U; 0], Γ_eff = uU, a_x = b_y = 0.
 */
export function fromZhangCoordinates({ U, u }: { U: Matrix; u: number }): MergedParams {
  const d = U.length;
  const Wkq = zeros(d + 1, d + 1);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) Wkq[i]![j] = U[i]![j]!;
  const Wpv = zeros(d + 1, d + 1);
  Wpv[d]![d] = u;
  return { kind: "merged", Wkq, Wpv };
}

/**
 * U = W^KQ_11, u = w^PV_22 of merged matrices, and how far the matrices are from Zhang's manifold:
 * the largest |entry| of the blocks that reach ŷ but are zero there (w^PV_21 = a_x, w^KQ_21 = b_y).
 */
export function zhangCoordinates(p: MergedParams): { U: Matrix; u: number; offManifold: number } {
  const D = p.Wkq.length;
  const d = D - 1;
  const U = p.Wkq.slice(0, d).map((r) => r.slice(0, d));
  let off = 0;
  for (let j = 0; j < d; j++) off = Math.max(off, Math.abs(p.Wpv[d]![j]!), Math.abs(p.Wkq[d]![j]!));
  return { U, u: p.Wpv[d]![d]!, offManifold: off };
}

/** Largest eigenvalue of a symmetric positive semi-definite matrix (power iteration, float64). */
export function spectralNorm(A: Matrix): number {
  const d = A.length;
  let v = Array.from({ length: d }, (_, i) => 1 + i / d);
  let lambda = 0;
  for (let it = 0; it < 500; it++) {
    const w = matVec(A, v);
    const norm = Math.hypot(...w);
    if (norm === 0) return 0;
    v = w.map((x) => x / norm);
    if (Math.abs(norm - lambda) <= 1e-14 * norm) return norm;
    lambda = norm;
  }
  return lambda;
}

/** Thm 4.1's condition on the initial scale σ: σ²‖Γ‖_op √d < 2 (returns the left side). */
export function zhangInitCondition(o: { Lambda: number[] | Matrix; N: number; sigma: number }): number {
  const Gamma = zhangGamma(o);
  return o.sigma ** 2 * spectralNorm(Gamma) * Math.sqrt(Gamma.length);
}

/** Population loss L = ½E(ŷ − y_q)² of the layer with G = uU (notes §3a: ℓ(U, u) + ½ tr Λ). */
export function zhangLoss(o: { Lambda: number[] | Matrix; N: number }, G: Matrix): number {
  const d = o.Lambda.length;
  const L = asCovariance(o.Lambda, d, "zhangLoss Lambda");
  const LG = matMul(L, zhangGamma(o)); // E[m mᵀ] = ΛΓ for w ~ N(0, I)
  return 0.5 * (trace(matMul(matMul(matMul(G, L), transpose(G)), LG)) - 2 * trace(matMul(matMul(G, L), L)) + trace(L));
}

/** The three terms of Thm 4.2 and their sum. */
export interface Thm42Error {
  /** min_w E(⟨w, x_q⟩ − y_q)²: the best linear predictor's error. */
  best: number;
  /** (1/M) tr(Σ Γ⁻² Λ). */
  variance: number;
  /** (1/N²)[‖a‖²_{Γ⁻²Λ³} + 2 tr Λ ‖a‖²_{Γ⁻²Λ²} + (tr Λ)² ‖a‖²_{Γ⁻²Λ}]. */
  bias: number;
  total: number;
}

const quad = (a: readonly number[], A: Matrix) => a.reduce((s, ai, i) => s + ai * A[i]!.reduce((t, v, j) => t + v * a[j]!, 0), 0);

/**
 * Thm 4.2 as printed: the test error on prompts of length M of the layer trained at length N, for
 * a label distribution given by a = Λ⁻¹E[xy], Σ = Cov(xy) and the best linear error.
 */
export function thm42Error(o: { Lambda: number[] | Matrix; N: number; M: number; a: number[]; Sigma: Matrix; best: number }): Thm42Error {
  checkCount(o.M, "thm42Error M (test prompt length)");
  const d = o.Lambda.length;
  const L = asCovariance(o.Lambda, d, "thm42Error Lambda");
  if (o.a.length !== d) throw new Error(`thm42Error: a must have ${d} entries, got ${o.a.length}`);
  const Gi = inverse(zhangGamma(o), "Γ");
  const Gi2 = matMul(Gi, Gi);
  const L2 = matMul(L, L);
  const t = trace(L);
  const variance = trace(matMul(matMul(o.Sigma, Gi2), L)) / o.M;
  const bias = (quad(o.a, matMul(Gi2, matMul(L2, L))) + 2 * t * quad(o.a, matMul(Gi2, L2)) + t * t * quad(o.a, matMul(Gi2, L))) / o.N ** 2;
  return { best: o.best, variance, bias, total: o.best + variance + bias };
}

/**
 * Thm 4.2 for a fixed linear task y = ⟨w, x⟩ + ε, ε ~ N(0, σ²) (the task shift of §4.2):
 * a = w, Σ = (‖w‖²_Λ + σ²)Λ + Λwwᵀ Λ, best = σ².
 */
export function thm42FixedTask(o: { Lambda: number[] | Matrix; N: number; M: number; w: number[]; sigma2?: number }): Thm42Error {
  const d = o.Lambda.length;
  const L = asCovariance(o.Lambda, d, "thm42FixedTask Lambda");
  const s2 = o.sigma2 ?? 0;
  const Lw = matVec(L, o.w);
  const Sigma = add(
    scaleMatrix(L, quad(o.w, L) + s2),
    Lw.map((x) => Lw.map((y) => x * y)),
  );
  return thm42Error({ ...o, a: o.w, Sigma, best: s2 });
}

/** Thm 4.2 averaged over w ~ N(0, I), noiseless: E Σ = tr(Λ)Λ + Λ², E‖w‖²_A = tr A, best = 0. */
export function thm42RandomTask(o: { Lambda: number[] | Matrix; N: number; M: number }): Thm42Error {
  checkCount(o.M, "thm42RandomTask M (test prompt length)");
  const d = o.Lambda.length;
  const L = asCovariance(o.Lambda, d, "thm42RandomTask Lambda");
  const Gi = inverse(zhangGamma(o), "Γ");
  const Gi2 = matMul(Gi, Gi);
  const L2 = matMul(L, L);
  const t = trace(L);
  const variance = trace(matMul(matMul(add(scaleMatrix(L, t), L2), Gi2), L)) / o.M;
  const bias = (trace(matMul(Gi2, matMul(L2, L))) + 2 * t * trace(matMul(Gi2, L2)) + t * t * trace(matMul(Gi2, L))) / o.N ** 2;
  return { best: 0, variance, bias, total: variance + bias };
}

/**
 * The test error of any preconditioned GD step ŷ = mᵀ G x_q (m = (1/M) Σ y_i x_i) on a fixed task
 * y = ⟨w, x⟩ + ε, from second moments alone (an independent route to Thm 4.2, used by the tests):
 *   E(x_qᵀ(Gᵀm − w) − ε_q)² = tr(Λ Gᵀ E[mmᵀ] G) − 2 wᵀΛGᵀΛw + ‖w‖²_Λ + σ²,
 *   E[mmᵀ] = (1/M) E[y² x xᵀ] + (1 − 1/M) Λwwᵀ Λ,  E[y² x xᵀ] = (‖w‖²_Λ + σ²)Λ + 2Λwwᵀ Λ.
 */
export function gdRiskFixedTask(o: { Lambda: number[] | Matrix; G: Matrix; M: number; w: number[]; sigma2?: number }): number {
  checkCount(o.M, "gdRiskFixedTask M");
  const d = o.Lambda.length;
  const L = asCovariance(o.Lambda, d, "gdRiskFixedTask Lambda");
  const s2 = o.sigma2 ?? 0;
  const Lw = matVec(L, o.w);
  const outer = Lw.map((x) => Lw.map((y) => x * y));
  const Exxy2 = add(scaleMatrix(L, quad(o.w, L) + s2), scaleMatrix(outer, 2));
  const Emm = add(scaleMatrix(Exxy2, 1 / o.M), scaleMatrix(outer, 1 - 1 / o.M));
  const Gt = transpose(o.G);
  const quadTerm = trace(matMul(matMul(matMul(L, Gt), Emm), o.G));
  const crossTerm = matVec(Gt, Lw).reduce((s, v, i) => s + v * Lw[i]!, 0);
  return quadTerm - 2 * crossTerm + quad(o.w, L) + s2;
}

/** d(d+1)/γ² · (1/M + (d+1)/N²), γ = 1 + (d+1)/N: Thm 4.2 for Λ = I, w ~ N(0, I), noiseless. */
export function zhangIsoError({ d, N, M }: { d: number; N: number; M: number }): number {
  checkCount(d, "zhangIsoError d");
  checkCount(N, "zhangIsoError N");
  checkCount(M, "zhangIsoError M");
  const g = 1 + (d + 1) / N;
  return ((d * (d + 1)) / (g * g)) * (1 / M + (d + 1) / (N * N));
}

/** The same as an exact fraction (mathjs), e.g. 30·(1/20 + 6/400)/(13/10)² at d = 5, N = M = 20. */
export function zhangIsoErrorExact({ d, N, M }: { d: number; N: number; M: number }): math.Fraction {
  checkCount(d, "zhangIsoErrorExact d");
  checkCount(N, "zhangIsoErrorExact N");
  checkCount(M, "zhangIsoErrorExact M");
  const f = (x: number) => math.fraction(x);
  const g = math.add(f(1), math.divide(f(d + 1), f(N))) as math.Fraction;
  const lead = math.divide(f(d * (d + 1)), math.multiply(g, g)) as math.Fraction;
  const inner = math.add(math.divide(f(1), f(M)), math.divide(f(d + 1), f(N * N))) as math.Fraction;
  return math.multiply(lead, inner) as math.Fraction;
}

/** The diagonal of Γ⁻¹ for a diagonal Λ given as fractions ("1/2" or numbers), exactly (mathjs). */
export function zhangGammaInverseExact({ Lambda, N }: { Lambda: (number | string)[]; N: number }): math.Fraction[] {
  checkCount(N, "zhangGammaInverseExact N");
  const l = Lambda.map((x) => math.fraction(x as number));
  const t = l.reduce((s, x) => math.add(s, x) as math.Fraction, math.fraction(0));
  const c = math.divide(math.fraction(N + 1), math.fraction(N)) as math.Fraction;
  return l.map((x) => math.divide(1, math.add(math.multiply(c, x), math.divide(t, math.fraction(N)))) as math.Fraction);
}

/**
 * Thm 4.5 with iid diagonal entries λ_j (moments m1, m2, m3): the trained preconditioner is the
 * scalar G = m2 / ((N+1)/N m3 + (m3 + (d−1) m1 m2)/N) (= etaStarRandomDiag at σ = 0), its N → ∞
 * limit m2/m3, and the slopes of ŷ it implies (M → ∞ or in expectation over the context):
 *   on ⟨w, x_q⟩ with x_q ~ N(0, I) independent of Λ_new: G·m1;
 *   on y_q with x_q ~ N(0, Λ_new): G·m2/m1 (notes Z8 caveat).
 */
export function zhangRandomCov(o: { N: number; d: number; m1: number; m2: number; m3: number }): {
  G: number;
  limit: number;
  slopeIndependentQuery: number;
  slopeQueryFromLambda: number;
} {
  const G = etaStarRandomDiag({ n: o.N, d: o.d, m1: o.m1, m2: o.m2, m3: o.m3 }).eta;
  return { G, limit: o.m2 / o.m3, slopeIndependentQuery: G * o.m1, slopeQueryFromLambda: (G * o.m2) / o.m1 };
}

/** ‖A − B‖_F / ‖B‖_F. */
export function relFrobenius(A: Matrix, B: Matrix): number {
  const D = sub(A, B);
  const f = (M: Matrix) => Math.sqrt(M.flat().reduce((s, v) => s + v * v, 0));
  return f(D) / f(B);
}

/** Diagonal of a matrix divided entrywise by a target diagonal, minus one (for tables). */
export function diagRelErrors(G: Matrix, target: Matrix): number[] {
  const t = diagOf(target);
  return diagOf(G).map((g, i) => g / t[i]! - 1);
}
