/**
 * Closed forms for one (preconditioned) GD step as an in-context predictor,
 *   ŷ = mᵀ G x_q,   m = (1/N) Σ_i y_i x_i   (the 1/N convention of notes §1.2),
 * all derived in the notes [D] (Mahankali's printed formulas could not be read) and re-derived
 * and checked by Monte Carlo in this repository's tests. MSE means E(ŷ − y_q)², noisy y_q.
 * `n` is the context length (the notes' N), `d` the covariate dimension. Several numbers go in
 * by name because swapping n and d changes the value without any error.
 * Exact (rational) values and the symbolic check of η* are in exact.ts.
 */
import { add, asCovariance, diagMatrix, eye, inverse, matMul, scaleMatrix, trace, transpose, type Matrix } from "../../core/linalg";

function checkN(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: context length n must be a positive integer, got ${String(n)}`);
}

function checkNonNeg(v: number, what: string): void {
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${what} must be a non-negative finite number, got ${String(v)}`);
}

function checkPos(v: number, what: string): void {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`${what} must be a positive finite number, got ${String(v)}`);
}

/** The isotropic Gaussian setting: x ~ N(0, I_d), w ~ N(0, τ²I), label noise σ², context length n. */
export interface IsoSetting {
  n: number;
  d: number;
  /** Label-noise variance σ² (default 0). */
  sigma2?: number;
  /** Prior variance τ² of each weight (default 1). */
  tau2?: number;
}

function checkIso(s: IsoSetting, what: string): { n: number; d: number; sigma2: number; tau2: number } {
  const sigma2 = s.sigma2 ?? 0;
  const tau2 = s.tau2 ?? 1;
  checkN(s.n, what);
  checkN(s.d, `${what} (dimension d)`);
  checkNonNeg(sigma2, `${what} sigma2`);
  checkPos(tau2, `${what} tau2`);
  return { n: s.n, d: s.d, sigma2, tau2 };
}

/**
 * Optimal step size for x ~ N(0, I_d), w ~ N(0, τ²I), noise σ² [D, notes §1.2 and §2a "T1"]:
 * η* = n / (n + d + 1 + σ²/τ²). Also the step of G* = η*Σ⁻¹ for x ~ N(0, Σ), w ~ N(0, τ²Σ⁻¹).
 */
export function etaStar(setting: IsoSetting): number {
  const { n, d, sigma2, tau2 } = checkIso(setting, "etaStar");
  return n / (n + d + 1 + sigma2 / tau2);
}

/** MSE of GD at η* in the isotropic case [D]: τ² d (d + 1 + σ²/τ²) / (n + d + 1 + σ²/τ²) + σ². */
export function riskStar(setting: IsoSetting): number {
  const { n, d, sigma2, tau2 } = checkIso(setting, "riskStar");
  const r = sigma2 / tau2;
  return (tau2 * d * (d + 1 + r)) / (n + d + 1 + r) + sigma2;
}

/**
 * Γ_σ = (1 + 1/n) Λ + ((tr Λ + σ²/τ²)/n) I  [D, notes §1.2; σ = 0 is Zhang's Γ of Thm 4.1 [P]].
 * For x ~ N(0, Λ), w ~ N(0, τ²I) the optimal preconditioner is Γ_σ⁻¹.
 */
export function gammaSigma(o: { Lambda: number[] | Matrix; n: number; sigma2?: number; tau2?: number }): Matrix {
  const sigma2 = o.sigma2 ?? 0;
  const tau2 = o.tau2 ?? 1;
  checkN(o.n, "gammaSigma");
  checkNonNeg(sigma2, "gammaSigma sigma2");
  checkPos(tau2, "gammaSigma tau2");
  const L = asCovariance(o.Lambda, o.Lambda.length, "gammaSigma Lambda");
  const c = (trace(L) + sigma2 / tau2) / o.n;
  return add(scaleMatrix(L, 1 + 1 / o.n), scaleMatrix(eye(L.length), c));
}

/** Second moments of the GD statistic m for x ~ N(0, Λ), w ~ N(0, Ω), noise σ² [D]. */
export interface GDMoments {
  /** E[m mᵀ] = ((n+1)/n) ΛΩΛ + (1/n)(tr(ΛΩ) + σ²) Λ  (from the Wishart moments of notes §1.2). */
  M: Matrix;
  /** E[m wᵀ] = ΛΩ. */
  K: Matrix;
  /** E[y_q²] = tr(ΛΩ) + σ². */
  Ey2: number;
}

export interface GaussianPrior {
  /** Covariance of x (vector = diagonal). */
  Lambda: number[] | Matrix;
  /** Covariance of w (vector = diagonal); e.g. τ²I (Zhang) or τ²Λ⁻¹ (Mahankali §4). */
  Omega: number[] | Matrix;
  /** Context length. */
  n: number;
  sigma2?: number;
}

export function gdMoments(p: GaussianPrior): GDMoments {
  checkN(p.n, "gdMoments");
  const sigma2 = p.sigma2 ?? 0;
  checkNonNeg(sigma2, "gdMoments sigma2");
  const d = p.Lambda.length;
  const L = asCovariance(p.Lambda, d, "gdMoments Lambda");
  const O = asCovariance(p.Omega, d, "gdMoments Omega");
  const LO = matMul(L, O);
  const trLO = trace(LO);
  const M = add(scaleMatrix(matMul(LO, L), (p.n + 1) / p.n), scaleMatrix(L, (trLO + sigma2) / p.n));
  return { M, K: LO, Ey2: trLO + sigma2 };
}

/**
 * MSE of ŷ = mᵀ G x_q under the Gaussian prior [D]:
 *   tr(G Λ Gᵀ M) − 2 tr(G Λ Ω Λ) + tr(ΛΩ) + σ².
 */
export function riskGD(G: Matrix, p: GaussianPrior): number {
  const d = p.Lambda.length;
  if (G.length !== d || G.some((r) => r.length !== d)) throw new Error(`riskGD: G must be ${d} x ${d}`);
  const { M, K, Ey2 } = gdMoments(p);
  const L = asCovariance(p.Lambda, d, "riskGD Lambda");
  const quad = trace(matMul(matMul(matMul(G, L), transpose(G)), M));
  const cross = trace(matMul(matMul(G, L), transpose(K))); // E[ŷ y_q] = tr(G Λ (ΛΩ)ᵀ)
  return quad - 2 * cross + Ey2;
}

/**
 * The best preconditioner and its MSE [D]: G* = M⁻¹ Λ Ω. It equals Γ_σ⁻¹ for Ω = τ²I and η*Σ⁻¹
 * for Λ = Σ, Ω = τ²Σ⁻¹ (notes §1.2, pitfall 4: the prior on w decides the preconditioner).
 */
export function optimalPreconditioner(p: GaussianPrior): { G: Matrix; risk: number } {
  const d = p.Lambda.length;
  const { M } = gdMoments(p);
  const L = asCovariance(p.Lambda, d, "optimalPreconditioner Lambda");
  const O = asCovariance(p.Omega, d, "optimalPreconditioner Omega");
  const G = matMul(inverse(M, "E[m mᵀ]"), matMul(L, O));
  return { G, risk: riskGD(G, p) };
}

/**
 * Covariates with iid coordinates of variance s and fourth moment μ₄ (Gaussian: μ₄ = 3s²;
 * U(−h, h): s = h²/3, μ₄ = h⁴/5), w ~ N(0, τ²I), noise σ² [D; σ = 0 is notes §1.2]:
 *   η* = n s τ² / (τ² (μ₄ + (n + d − 2) s²) + σ² s),   MSE(η*) = τ² s d (1 − s η*) + σ².
 */
export interface IidCovariates {
  /** Context length. */
  n: number;
  d: number;
  s: number;
  mu4: number;
  sigma2?: number;
  tau2?: number;
}

function iidParts(c: IidCovariates): { A: number; Q: number; Ey2: number } {
  checkN(c.n, "iid closed form");
  checkN(c.d, "iid closed form (dimension d)");
  checkPos(c.s, "iid closed form s (coordinate variance)");
  checkPos(c.mu4, "iid closed form mu4 (fourth moment)");
  const sigma2 = c.sigma2 ?? 0;
  const tau2 = c.tau2 ?? 1;
  checkNonNeg(sigma2, "iid closed form sigma2");
  checkPos(tau2, "iid closed form tau2");
  // ŷ = (η/n) Σ y_i x_iᵀ x_q: E[ŷ y_q] = η A, E[ŷ²] = η² Q (exact.ts differentiates this symbolically)
  const A = c.s * c.s * tau2 * c.d;
  const Q = ((c.s * c.d) / c.n) * (tau2 * ((c.n + c.d - 2) * c.s * c.s + c.mu4) + sigma2 * c.s);
  return { A, Q, Ey2: tau2 * c.s * c.d + sigma2 };
}

export function etaStarIid(c: IidCovariates): number {
  const { A, Q } = iidParts(c);
  return A / Q;
}

/** MSE of the scalar step η (1/n convention) for iid-coordinate covariates [D]. */
export function riskGDIid(c: IidCovariates & { eta: number }): number {
  if (!Number.isFinite(c.eta)) throw new Error(`riskGDIid: eta must be a finite number, got ${String(c.eta)}`);
  const eta = c.eta;
  const { A, Q, Ey2 } = iidParts(c);
  return eta * eta * Q - 2 * eta * A + Ey2;
}

/** s and μ₄ of U(−h, h). */
export function uniformMoments(h: number): { s: number; mu4: number } {
  checkPos(h, "uniformMoments halfWidth");
  return { s: (h * h) / 3, mu4: h ** 4 / 5 };
}

/**
 * Per-task random diagonal covariance (Zhang §4.3; notes §3b Z8 [D]): λ_j iid with moments
 * m1 = Eλ, m2 = Eλ², m3 = Eλ³, x | Λ ~ N(0, Λ), w ~ N(0, τ²I), noise σ². Best scalar step
 *   c* = n τ² m2 / (τ² ((n + 2) m3 + (d − 1) m1 m2) + σ² m2),  MSE = τ² d m1 + σ² − c* τ² d m2.
 * (σ = 0: Eλ² / ((n+1)/n Eλ³ + E[tr Λ λ²]/n), notes Z8; Exponential(1), d = 5, n = 20 gives 2/7.)
 */
export function etaStarRandomDiag(args: { n: number; d: number; m1: number; m2: number; m3: number; sigma2?: number; tau2?: number }): {
  eta: number;
  risk: number;
} {
  const { n, d, m1, m2, m3 } = args;
  checkN(n, "etaStarRandomDiag");
  checkN(d, "etaStarRandomDiag (dimension d)");
  [m1, m2, m3].forEach((m, i) => checkPos(m, `etaStarRandomDiag m${i + 1}`));
  const sigma2 = args.sigma2 ?? 0;
  const tau2 = args.tau2 ?? 1;
  checkNonNeg(sigma2, "etaStarRandomDiag sigma2");
  checkPos(tau2, "etaStarRandomDiag tau2");
  const eta = (n * tau2 * m2) / (tau2 * ((n + 2) * m3 + (d - 1) * m1 * m2) + sigma2 * m2);
  return { eta, risk: tau2 * d * m1 + sigma2 - eta * tau2 * d * m2 };
}

/** Moments of Exponential(mean): E λ^k = k! mean^k. */
export function exponentialMoments(mean = 1): { m1: number; m2: number; m3: number } {
  checkPos(mean, "exponentialMoments mean");
  return { m1: mean, m2: 2 * mean ** 2, m3: 6 * mean ** 3 };
}

/** η*·Σ⁻¹ for a diagonal Σ given as a vector (Mahankali T2 equivalent [D]). */
export function etaSigmaInverse(o: { Sigma: number[]; n: number; sigma2?: number; tau2?: number }): Matrix {
  o.Sigma.forEach((s, i) => checkPos(s, `etaSigmaInverse Sigma[${i}]`));
  const eta = etaStar({ n: o.n, d: o.Sigma.length, sigma2: o.sigma2, tau2: o.tau2 });
  return diagMatrix(o.Sigma.map((s) => eta / s));
}

/** MSE of OLS for n > d + 1, x ~ N(0, I), any w (notes §5b A2 [P/D]): σ² (1 + d/(n − d − 1)). */
export function riskOLS({ n, d, sigma2 }: { n: number; d: number; sigma2: number }): number {
  if (!(n > d + 1))
    throw new Error(`riskOLS: needs n > d + 1 (got n = ${n}, d = ${d}); below that the OLS risk is infinite or needs the min-norm formula`);
  checkNonNeg(sigma2, "riskOLS sigma2");
  return sigma2 * (1 + d / (n - d - 1));
}
