/**
 * Closed forms of the linear BYOL model (notes §A.2, all [D]: derived here, checked numerically),
 * and the metrics that compare a trajectory with them. Per mode j (X = diag(x), X' = diag(x'), the
 * matrices diagonal in that basis, τ = w_a/w = 1 at rest):
 *   dw/dt = w [p(τx − p x') − η],   dp/dt = α_p w² (τx − p x') − η_p p.
 * A non-collapsed fixed point needs p(x − p x') = η: the stable root p* = [x + √(x² − 4ηx')]/(2x'),
 * which exists iff x² ≥ 4ηx'; then p*² = (α_p η/η_p) w*².
 */
import type { Matrix } from "../../core/linalg";
import { symEigFlat } from "../../core/sym-eig";
import { frob, mm, mmT, toMatrix } from "./flat";

function checkMode(x: number, xPrime: number, eta: number, who: string): void {
  if (!(x > 0 && xPrime > 0)) throw new Error(`${who}: x and x' must be > 0, got ${x}, ${xPrime}`);
  if (!(eta >= 0)) throw new Error(`${who}: eta must be ≥ 0, got ${eta}`);
}

/** Whether mode (x, x') has a non-collapsed fixed point under weight decay η: x² ≥ 4ηx'. */
export function survives(o: { x: number; xPrime: number; eta: number }): boolean {
  checkMode(o.x, o.xPrime, o.eta, "survives");
  return o.x * o.x >= 4 * o.eta * o.xPrime;
}

/** The stable fixed point p* of a mode, NaN when it has none (x² < 4ηx'). η = 0 gives x/x'. */
export function pStar(o: { x: number; xPrime: number; eta: number }): number {
  checkMode(o.x, o.xPrime, o.eta, "pStar");
  const disc = o.x * o.x - 4 * o.eta * o.xPrime;
  return disc < 0 ? Number.NaN : (o.x + Math.sqrt(disc)) / (2 * o.xPrime);
}

/** w* of a surviving mode: p*² = (α_p η/η_p) w*² (needs η > 0; for η = 0, w* is set by the conserved C). */
export function wStar(o: { x: number; xPrime: number; eta: number; etaP?: number; alphaP?: number }): number {
  const p = pStar(o);
  const etaP = o.etaP ?? o.eta;
  const alphaP = o.alphaP ?? 1;
  if (!(o.eta > 0)) throw new Error("wStar: needs eta > 0 (with eta = 0 the size of w is set by the initial balancing matrix C)");
  return p / Math.sqrt((alphaP * o.eta) / etaP);
}

/**
 * No predictor (W_p ≡ I) with an EMA target of rate β: column j of (W, W_a) follows
 * [[−(x'_j+η), x_j], [β, −β]], and decays at its slowest eigenvalue (returned; < 0 when x < x' + η).
 */
export function noPredictorDecayRate(o: { x: number; xPrime: number; eta: number; beta: number }): number {
  checkMode(o.x, o.xPrime, o.eta, "noPredictorDecayRate");
  if (!(o.beta > 0)) throw new Error(`noPredictorDecayRate: beta must be > 0, got ${o.beta}`);
  const tr = -(o.xPrime + o.eta + o.beta);
  const det = o.beta * (o.xPrime + o.eta - o.x);
  return tr / 2 + Math.sqrt((tr * tr) / 4 - det);
}

/** Snapshot metrics of a state (W, W_p) with data correlation X' (all flat d×d). */
export interface ByolMetrics {
  normW: number;
  /** Eigenvalues of F = W X' Wᵀ (descending). */
  eigF: number[];
  /** Live modes: eigenvalues of F above liveTol·max (default 1e-8) and above liveAbs (default 1e-12). */
  live: number;
  /** Eigenvalues of the symmetric part of W_p (descending). */
  eigWp: number[];
  /** Singular values of W (descending). */
  svW: number[];
  /** ‖W_p F − F W_p‖_F / (‖W_p‖_F ‖F‖_F). */
  commutator: number;
  /** ‖W_p − W_pᵀ‖_F / ‖W_p‖_F. */
  asymmetry: number;
  /** min over live eigenvectors φ of F of |φᵀW_pφ| / ‖W_pφ‖ (1 = aligned). */
  minCos: number;
  /** arccos(minCos) in degrees. */
  angleDeg: number;
}

export function byolMetrics(o: {
  W: Float64Array;
  Wp: Float64Array;
  Xp: Float64Array;
  d: number;
  liveTol?: number;
  liveAbs?: number;
}): ByolMetrics {
  const { W, Wp, Xp, d } = o;
  const n = d * d;
  const WXp = new Float64Array(n);
  const F = new Float64Array(n);
  mm(W, Xp, WXp, d);
  mmT(WXp, W, F, d);
  const eF = symEigFlat(F, d, "F = W X' Wᵀ");
  const fMax = Math.max(eF.values[0]!, 0);
  // the relative threshold alone would call the slowest-dying mode of a fully collapsed run "live";
  // a surviving mode has an eigenvalue of order w*²x' ~ 0.1-1, so an absolute floor of 1e-12 is safe
  const tol = Math.max((o.liveTol ?? 1e-8) * fMax, o.liveAbs ?? 1e-12);
  const liveIdx = Array.from(eF.values, (v, j) => (v > tol && fMax > 0 ? j : -1)).filter((j) => j >= 0);
  const sym = new Float64Array(n);
  const anti = new Float64Array(n);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      sym[i * d + j] = 0.5 * (Wp[i * d + j]! + Wp[j * d + i]!);
      anti[i * d + j] = Wp[i * d + j]! - Wp[j * d + i]!;
    }
  const eWp = symEigFlat(sym, d, "sym(W_p)");
  const WWt = new Float64Array(n);
  mmT(W, W, WWt, d);
  const eW = symEigFlat(WWt, d, "W Wᵀ");
  const A = new Float64Array(n);
  const B = new Float64Array(n);
  mm(Wp, F, A, d);
  mm(F, Wp, B, d);
  for (let i = 0; i < n; i++) A[i] = A[i]! - B[i]!;
  const nWp = frob(Wp);
  const nF = frob(F);
  let minCos = 1;
  for (const j of liveIdx) {
    let num = 0;
    let den = 0;
    for (let i = 0; i < d; i++) {
      let wpphi = 0;
      for (let k = 0; k < d; k++) wpphi += Wp[i * d + k]! * eF.vectors[k * d + j]!;
      num += eF.vectors[i * d + j]! * wpphi;
      den += wpphi * wpphi;
    }
    const c = den > 0 ? Math.abs(num) / Math.sqrt(den) : 0;
    minCos = Math.min(minCos, c);
  }
  return {
    normW: frob(W),
    eigF: Array.from(eF.values),
    live: liveIdx.length,
    eigWp: Array.from(eWp.values),
    svW: Array.from(eW.values, (v) => Math.sqrt(Math.max(v, 0))),
    commutator: nWp > 0 && nF > 0 ? frob(A) / (nWp * nF) : Number.NaN,
    asymmetry: nWp > 0 ? frob(anti) / nWp : Number.NaN,
    minCos,
    angleDeg: (Math.acos(Math.min(1, minCos)) * 180) / Math.PI,
  };
}

/** F = W X' Wᵀ as a core Matrix (for display). */
export function featureCorrelation(W: Float64Array, Xp: Float64Array, d: number): Matrix {
  const WXp = new Float64Array(d * d);
  const F = new Float64Array(d * d);
  mm(W, Xp, WXp, d);
  mmT(WXp, W, F, d);
  return toMatrix(F, d);
}
