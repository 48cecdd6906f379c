/**
 * The linear BYOL/SimSiam model of Tian, Chen, Ganguli (ICML 2021) as a gradient flow on the
 * population loss. Neither the paper's body nor its linear-model code was readable: the equations
 * are the notes' own derivation (docs/notes/linear-ssl.md §A.2, [D]), checked numerically there.
 *
 *   x1, x2 two augmentations of one sample; X = E[x1 x2ᵀ], X' = E[x1 x1ᵀ] = X + E[Cov_aug]
 *   J = ½ E‖W_p W x1 − sg(W_a x2)‖²            (W online d×d, W_p predictor, W_a target)
 *   dW_p/dt = α_p (W_a X Wᵀ − W_p W X' Wᵀ) − η_p W_p
 *   dW/dt   = W_pᵀ (W_a X − W_p W X') − η W
 *   dW_a/dt = β (W − W_a)        (EMA target; SimSiam: W_a ≡ W, no state of its own)
 *
 * Square matrices only (n1 = n2 = d), as in every check of the notes. The state is one Float64Array
 * [W, W_p, W_a] (3d²); slots a variant does not use keep their initial values.
 */
import type { Matrix } from "../../core/linalg";
import type { Rng } from "../../core/rng";
import { symEigFlat } from "../../core/sym-eig";
import { asFlatSquare, mm, mmT, mTm } from "./flat";

export type PredictorKind = "learned" | "identity" | "directpred";

export interface ByolParams {
  /** Between-view correlation X (diagonal or full). */
  X: readonly number[] | Matrix;
  /** Within-view correlation X' = X + E[Cov_aug]. */
  Xp: readonly number[] | Matrix;
  /** Predictor's relative rate α_p (default 1). */
  alphaP?: number;
  /** Weight decay η on W (default 0). */
  eta?: number;
  /** Weight decay η_p on W_p (default η: the balancing law needs η_p = η). */
  etaP?: number;
  /** EMA rate β of the target; null = SimSiam (W_a ≡ W). Default null. */
  beta?: number | null;
  predictor?: PredictorKind;
  /** Stop-gradient on the target branch (default true). Without it only the SimSiam form (beta null) is defined. */
  stopGrad?: boolean;
  /** DirectPred: ε added to every eigenvalue of W_p. */
  dpEps?: number;
  /** DirectPred: "none" W_p = F^{1/2} + εI; "max" W_p = (F/s_max)^{1/2} + εI (the official code). */
  dpNormalize?: "none" | "max";
}

/** Validated parameters in flat form. */
export interface ByolModel {
  d: number;
  X: Float64Array;
  Xp: Float64Array;
  alphaP: number;
  eta: number;
  etaP: number;
  beta: number | null;
  predictor: PredictorKind;
  stopGrad: boolean;
  dpEps: number;
  dpNormalize: "none" | "max";
}

export function byolModel(p: ByolParams): ByolModel {
  const X = asFlatSquare(p.X, "byol X");
  const Xp = asFlatSquare(p.Xp, "byol Xp");
  if (X.d !== Xp.d) throw new Error(`byol: X is ${X.d}×${X.d} but Xp is ${Xp.d}×${Xp.d}; give both for the same input dimension`);
  const eta = p.eta ?? 0;
  const m: ByolModel = {
    d: X.d,
    X: X.a,
    Xp: Xp.a,
    alphaP: p.alphaP ?? 1,
    eta,
    etaP: p.etaP ?? eta,
    beta: p.beta ?? null,
    predictor: p.predictor ?? "learned",
    stopGrad: p.stopGrad ?? true,
    dpEps: p.dpEps ?? 0,
    dpNormalize: p.dpNormalize ?? "none",
  };
  if (!(m.alphaP > 0)) throw new Error(`byol: alphaP must be > 0, got ${m.alphaP}`);
  if (!(m.eta >= 0 && m.etaP >= 0)) throw new Error(`byol: weight decays must be ≥ 0, got eta ${m.eta}, etaP ${m.etaP}`);
  if (m.beta !== null && !(m.beta > 0)) throw new Error(`byol: beta must be > 0 (EMA rate) or null (SimSiam), got ${m.beta}`);
  if (!m.stopGrad && m.beta !== null)
    throw new Error("byol: without stop-gradient only the SimSiam form is defined (beta: null): an EMA target gets no gradient anyway");
  if (!m.stopGrad && m.predictor === "directpred") throw new Error("byol: DirectPred is defined with the stop-gradient only");
  if (!(m.dpEps >= 0)) throw new Error(`byol: dpEps must be ≥ 0, got ${m.dpEps}`);
  return m;
}

/** Views into a state vector [W, W_p, W_a]. */
export function parts(y: Float64Array, d: number): { W: Float64Array; Wp: Float64Array; Wa: Float64Array } {
  const n = d * d;
  return { W: y.subarray(0, n), Wp: y.subarray(n, 2 * n), Wa: y.subarray(2 * n, 3 * n) };
}

/** The initial state of the notes' setting S_A: W, W_p ~ N(0, s0²/d) entrywise, W_a(0) = W(0). */
export function initState(rng: Rng, o: { d: number; s0: number; s0P?: number }): Float64Array {
  const { d, s0 } = o;
  if (!(Number.isInteger(d) && d >= 1)) throw new Error(`initState: d must be a positive integer, got ${d}`);
  if (!(s0 > 0)) throw new Error(`initState: s0 must be > 0, got ${s0}`);
  const n = d * d;
  const y = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) y[i] = rng.normal(0, s0 / Math.sqrt(d));
  const sp = o.s0P ?? s0;
  for (let i = 0; i < n; i++) y[n + i] = rng.normal(0, sp / Math.sqrt(d));
  y.copyWithin(2 * n, 0, n);
  return y;
}

/**
 * DirectPred's predictor from F = W X' Wᵀ (the predictor input's correlation): F = U diag(s) Uᵀ,
 * p_j = √max(s_j, 0) (normalize "none") or √(max(s_j, 0)/max s) ("max", the official code's
 * boost_scale), plus ε. Writes W_p = U diag(p) Uᵀ into out; returns the p_j (descending s).
 */
export function directPredFromF(
  F: Float64Array,
  d: number,
  o: { eps: number; normalize: "none" | "max" },
  out: Float64Array,
): Float64Array {
  const { values, vectors } = symEigFlat(F, d, "DirectPred F");
  const sMax = Math.max(values[0]!, 0);
  const p = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const s = Math.max(values[j]!, 0);
    p[j] = (o.normalize === "max" ? (sMax > 0 ? Math.sqrt(s / sMax) : 0) : Math.sqrt(s)) + o.eps;
  }
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += vectors[i * d + j]! * p[j]! * vectors[k * d + j]!;
      out[i * d + k] = s;
    }
  return p;
}

/** The right-hand side of the flow for model m: f(t, y, dy) on states [W, W_p, W_a]. */
export function byolRhs(m: ByolModel): (t: number, y: Float64Array, dy: Float64Array) => void {
  const { d, X, Xp } = m;
  const n = d * d;
  const I = new Float64Array(n);
  for (let i = 0; i < d; i++) I[i * d + i] = 1;
  const WX = new Float64Array(n);
  const WXp = new Float64Array(n);
  const WaX = new Float64Array(n);
  const R = new Float64Array(n);
  const T1 = new Float64Array(n);
  const T2 = new Float64Array(n);
  const F = new Float64Array(n);
  const WpDP = new Float64Array(n);
  return (_t, y, dy) => {
    const { W, Wp: WpState, Wa: WaState } = parts(y, d);
    const Wa = m.beta === null ? W : WaState;
    mm(W, Xp, WXp, d);
    let Wp = WpState;
    if (m.predictor === "identity") Wp = I;
    else if (m.predictor === "directpred") {
      mmT(WXp, W, F, d);
      directPredFromF(F, d, { eps: m.dpEps, normalize: m.dpNormalize }, WpDP);
      Wp = WpDP;
    }
    // R = W_a X − W_p W X'
    mm(Wa, X, WaX, d);
    mm(Wp, WXp, T1, d);
    for (let i = 0; i < n; i++) R[i] = WaX[i]! - T1[i]!;
    const dW = dy.subarray(0, n);
    if (m.stopGrad) {
      mTm(Wp, R, dW, d);
    } else {
      // ∂J/∂W with the target branch differentiated (W_a ≡ W):
      // −(W_pᵀ W_p W X' − W_pᵀ W X − W_p W X + W X') = W_pᵀ R + W_p W X − W X'
      mTm(Wp, R, dW, d);
      mm(W, X, WX, d);
      mm(Wp, WX, T2, d);
      for (let i = 0; i < n; i++) dW[i] = dW[i]! + T2[i]! - WXp[i]!;
    }
    for (let i = 0; i < n; i++) dW[i] = dW[i]! - m.eta * W[i]!;
    const dWp = dy.subarray(n, 2 * n);
    if (m.predictor === "learned") {
      mmT(R, W, T2, d);
      for (let i = 0; i < n; i++) dWp[i] = m.alphaP * T2[i]! - m.etaP * WpState[i]!;
    } else dWp.fill(0);
    const dWa = dy.subarray(2 * n, 3 * n);
    if (m.beta === null) dWa.fill(0);
    else for (let i = 0; i < n; i++) dWa[i] = m.beta * (W[i]! - WaState[i]!);
  };
}

/** The predictor actually used at state y (the learned one, I, or DirectPred's from W). */
export function effectivePredictor(m: ByolModel, y: Float64Array): Float64Array {
  const { d } = m;
  const { W, Wp } = parts(y, d);
  if (m.predictor === "learned") return Float64Array.from(Wp);
  const out = new Float64Array(d * d);
  if (m.predictor === "identity") {
    for (let i = 0; i < d; i++) out[i * d + i] = 1;
    return out;
  }
  const WXp = new Float64Array(d * d);
  const F = new Float64Array(d * d);
  mm(W, m.Xp, WXp, d);
  mmT(WXp, W, F, d);
  directPredFromF(F, d, { eps: m.dpEps, normalize: m.dpNormalize }, out);
  return out;
}

/** J = ½ E‖W_p W x1 − W_a x2‖² = ½ tr(W_p W X' Wᵀ W_pᵀ) − tr(W_p W X W_aᵀ) + ½ tr(W_a X' W_aᵀ). */
export function byolLoss(m: ByolModel, y: Float64Array): number {
  const { d } = m;
  const { W, Wa: WaState } = parts(y, d);
  const Wa = m.beta === null ? W : WaState;
  const Wp = effectivePredictor(m, y);
  const n = d * d;
  const A = new Float64Array(n);
  const B = new Float64Array(n);
  mm(Wp, W, A, d); // A = W_p W
  const quad = (M: Float64Array, S: Float64Array, N: Float64Array) => {
    // tr(M S Nᵀ)
    mm(M, S, B, d);
    let s = 0;
    for (let i = 0; i < n; i++) s += B[i]! * N[i]!;
    return s;
  };
  return 0.5 * quad(A, m.Xp, A) - quad(A, m.X, Wa) + 0.5 * quad(Wa, m.Xp, Wa);
}

/** Balancing matrix C = W Wᵀ − W_pᵀ W_p / α_p (dC/dt = −2ηC exactly when η_p = η). */
export function balancingC(m: ByolModel, y: Float64Array): Float64Array {
  const { d } = m;
  const { W, Wp } = parts(y, d);
  const A = new Float64Array(d * d);
  const B = new Float64Array(d * d);
  mmT(W, W, A, d);
  mTm(Wp, Wp, B, d);
  for (let i = 0; i < d * d; i++) A[i] = A[i]! - B[i]! / m.alphaP;
  return A;
}
