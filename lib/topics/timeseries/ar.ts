/**
 * AR(p) processes x_t = Σ_{i≤p} φ_i x_{t−i} + ε_t, ε ~ N(0, σ²) (paper B; notes §5.2, §6):
 * stationarity, autocovariances (Yule-Walker), MA(∞) weights, the Bayes k-step forecast error,
 * the decay rate of iterated forecasts, and seeded sampling.
 */
import { cholesky, solve, type Matrix } from "../../core/linalg";
import type { Rng } from "../../core/rng";

function checkPhi(phi: readonly number[]): void {
  if (phi.length < 1 || !phi.every(Number.isFinite))
    throw new Error(`AR coefficients must be a non-empty list of finite numbers, got [${phi.join(", ")}]`);
}

/**
 * Partial autocorrelations (reflection coefficients) κ_p … κ_1 by the step-down (inverse
 * Levinson-Durbin) recursion φ_{k−1,i} = (φ_{k,i} + κ_k φ_{k,k−i})/(1 − κ_k²), κ_k = φ_{k,k}.
 * Returned in order κ_1 … κ_p; a |κ| ≥ 1 ends the recursion (the process is not stationary).
 */
export function reflectionCoefficients(phi: readonly number[]): number[] {
  checkPhi(phi);
  let a = phi.slice();
  const kappa: number[] = [];
  for (let k = a.length; k >= 1; k--) {
    const kk = a[k - 1]!;
    kappa.unshift(kk);
    if (!(Math.abs(kk) < 1)) return kappa;
    const next: number[] = [];
    for (let i = 1; i < k; i++) next.push((a[i - 1]! + kk * a[k - i - 1]!) / (1 - kk * kk));
    a = next;
  }
  return kappa;
}

/** True when every root of 1 − Σ φ_i z^i lies outside the unit circle (all |κ| < 1). */
export function isStationary(phi: readonly number[]): boolean {
  const kappa = reflectionCoefficients(phi);
  return kappa.length === phi.length && kappa.every((k) => Math.abs(k) < 1);
}

/**
 * Roots λ of the companion polynomial λ^p − φ_1 λ^{p−1} − … − φ_p (Durand-Kerner); the roots of
 * 1 − Σφ_i z^i are 1/λ. Returned as [re, im] pairs.
 */
export function companionRoots(phi: readonly number[], iterations = 500): [number, number][] {
  checkPhi(phi);
  const p = phi.length;
  const coef = [1, ...phi.map((v) => -v)]; // monic, highest degree first
  const evalPoly = (re: number, im: number): [number, number] => {
    let pr = 0;
    let pi = 0;
    for (const c of coef) {
      const nr = pr * re - pi * im + c;
      pi = pr * im + pi * re;
      pr = nr;
    }
    return [pr, pi];
  };
  let roots: [number, number][] = Array.from({ length: p }, (_, k) => {
    const r = 0.4 + 0.9 ** k;
    const t = (2 * Math.PI * k) / p + 0.4;
    return [r * Math.cos(t), r * Math.sin(t)];
  });
  for (let it = 0; it < iterations; it++) {
    let moved = 0;
    roots = roots.map(([re, im], k) => {
      let dr = 1;
      let di = 0;
      roots.forEach(([r2, i2], j) => {
        if (j === k) return;
        const ar = re - r2;
        const ai = im - i2;
        const nr = dr * ar - di * ai;
        di = dr * ai + di * ar;
        dr = nr;
      });
      const [fr, fi] = evalPoly(re, im);
      const den = dr * dr + di * di;
      const qr = (fr * dr + fi * di) / den;
      const qi = (fi * dr - fr * di) / den;
      moved = Math.max(moved, Math.hypot(qr, qi));
      return [re - qr, im - qi];
    });
    if (moved < 1e-15) break;
  }
  return roots;
}

/** Geometric decay rate of iterated forecasts: the largest |λ| (= 1/min |root of 1 − Σφz^i|). */
export function decayRate(phi: readonly number[]): number {
  return Math.max(...companionRoots(phi).map(([r, i]) => Math.hypot(r, i)));
}

/** Autocovariances γ_0 … γ_K (Yule-Walker: γ_k − Σφ_iγ_{|k−i|} = σ²·[k = 0], then the recursion). */
export function yuleWalkerAcov(phi: readonly number[], sigma2: number, K: number): number[] {
  checkPhi(phi);
  if (!isStationary(phi)) throw new Error(`AR coefficients [${phi.join(", ")}] are not stationary: autocovariances do not exist`);
  if (!(sigma2 > 0)) throw new Error(`noise variance must be positive, got ${sigma2}`);
  const p = phi.length;
  const A: Matrix = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
  const rhs = new Array<number>(p + 1).fill(0);
  rhs[0] = sigma2;
  for (let k = 0; k <= p; k++) {
    A[k]![k]! += 1;
    for (let i = 1; i <= p; i++) A[k]![Math.abs(k - i)]! -= phi[i - 1];
  }
  const g = solve(A, rhs, "Yule-Walker system");
  for (let k = p + 1; k <= K; k++) {
    let s = 0;
    for (let i = 1; i <= p; i++) s += phi[i - 1]! * g[k - i]!;
    g.push(s);
  }
  return g.slice(0, K + 1);
}

/** Γ_p: the p × p Toeplitz autocovariance matrix of p consecutive values. */
export function acovMatrix(gamma: readonly number[], p: number): Matrix {
  return Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => gamma[Math.abs(i - j)]!));
}

/** MA(∞) weights ψ_0 … ψ_{K−1}: ψ_0 = 1, ψ_j = Σ_i φ_i ψ_{j−i}. */
export function psiWeights(phi: readonly number[], K: number): number[] {
  checkPhi(phi);
  const psi = [1];
  for (let j = 1; j < K; j++) {
    let s = 0;
    for (let i = 1; i <= Math.min(j, phi.length); i++) s += phi[i - 1]! * psi[j - i]!;
    psi.push(s);
  }
  return psi;
}

/** Mean squared error of the Bayes (true-φ) k-step forecast: σ² Σ_{j<k} ψ_j² (→ γ_0). */
export function bayesKStepMse(phi: readonly number[], sigma2: number, k: number): number {
  return sigma2 * psiWeights(phi, k).reduce((s, v) => s + v * v, 0);
}

/** Coefficients with φ_i ~ U(−0.9, 0.9), redrawn until stationary (the official generator's rule). */
export function drawStationaryPhi(p: number, rng: Rng, maxTries = 100_000): number[] {
  for (let t = 0; t < maxTries; t++) {
    const phi = Array.from({ length: p }, () => rng.uniform(-0.9, 0.9));
    if (isStationary(phi)) return phi;
  }
  throw new Error(`drawStationaryPhi: no stationary draw in ${maxTries} tries for p = ${p}`);
}

/**
 * A stationary sample path x_0 … x_{T−1} (float64): the first p values from their exact joint law
 * N(0, σ²-scaled Γ_p) (Cholesky), then the recursion; `burnIn` extra steps are drawn and discarded
 * (the official generator uses 100 after an N(0, γ_0) start; with the exact start none is needed).
 */
export function sampleAr(o: { phi: readonly number[]; sigma: number; T: number; rng: Rng; burnIn?: number }): Float64Array {
  const p = o.phi.length;
  const burn = o.burnIn ?? 0;
  if (!(Number.isInteger(o.T) && o.T >= p)) throw new Error(`sampleAr: length T must be an integer ≥ p = ${p}, got ${o.T}`);
  const gamma = yuleWalkerAcov(o.phi, o.sigma * o.sigma, p);
  const Lc = cholesky(acovMatrix(gamma, p), "Γ_p");
  const total = o.T + burn;
  const x = new Float64Array(total);
  const e = Array.from({ length: p }, () => o.rng.normal());
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = 0; j <= i; j++) s += Lc[i]![j]! * e[j]!;
    x[i] = s;
  }
  for (let t = p; t < total; t++) {
    let s = o.rng.normal(0, o.sigma);
    for (let i = 1; i <= p; i++) s += o.phi[i - 1]! * x[t - i]!;
    x[t] = s;
  }
  return x.subarray(burn);
}

/**
 * `count` independent stationary paths of length T, concatenated (path m at [m·T, (m+1)·T)); the
 * Cholesky factor of Γ_p is computed once (what sampleAr does per path).
 */
export function sampleArPaths(o: { phi: readonly number[]; sigma: number; T: number; count: number; rng: Rng }): Float64Array {
  const p = o.phi.length;
  if (!(Number.isInteger(o.T) && o.T >= p)) throw new Error(`sampleArPaths: length T must be an integer ≥ p = ${p}, got ${o.T}`);
  const gamma = yuleWalkerAcov(o.phi, o.sigma * o.sigma, p);
  const Lc = cholesky(acovMatrix(gamma, p), "Γ_p");
  const out = new Float64Array(o.count * o.T);
  const e = new Float64Array(p);
  for (let m = 0; m < o.count; m++) {
    const base = m * o.T;
    for (let i = 0; i < p; i++) e[i] = o.rng.normal();
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += Lc[i]![j]! * e[j]!;
      out[base + i] = s;
    }
    for (let t = p; t < o.T; t++) {
      let s = o.rng.normal(0, o.sigma);
      for (let i = 1; i <= p; i++) s += o.phi[i - 1]! * out[base + t - i]!;
      out[base + t] = s;
    }
  }
  return out;
}
