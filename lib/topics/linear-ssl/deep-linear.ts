/**
 * Deep linear JEPA vs MAE (Littwin et al., NeurIPS 2024). The paper's body was not readable: the
 * model and ODEs are the notes' derivation (docs/notes/linear-ssl.md §B.2, [D]), matching a third
 * party's restatement ([R3]) up to a time rescaling by L.
 *
 * Conventions (pitfall B1: say which λ): per feature i, Σxx_ii = λ_i/ρ_i (variance of the view x),
 * Σyx_ii = λ_i (cross-view covariance), ρ_i = Σyx_ii/Σxx_ii (regression coefficient of y on x).
 * Encoder W̄ = W^L ⋯ W^1, predictor/decoder V, unit-rate gradient flow on every matrix:
 *   JEPA J = ½ E‖V W̄ x − sg(W̄ y)‖²,   MAE J = ½ E‖V W̄ x − y‖².
 * Balanced per-feature init W^l = V = ε^{1/L} (ε the END-TO-END init scale) keeps v = a_l = u:
 *   JEPA du/dt = (λ/ρ) u^{2L} (ρ − u),   MAE du/dt = λ u^L (1 − u^{L+1}/ρ).
 */
import type { Rng } from "../../core/rng";
import { randomOrthogonal } from "../../core/linalg";
import { dopri5 } from "./ode";
import { mm, mTm, mmT } from "./flat";

export type Objective = "jepa" | "mae";

export interface Feature {
  /** Cross-view covariance λ = Σyx_ii (> 0). */
  lam: number;
  /** Regression coefficient ρ = Σyx_ii/Σxx_ii (> 0). */
  rho: number;
}

function checkFeature(f: Feature, L: number, who: string): void {
  if (!(f.lam > 0 && f.rho > 0)) throw new Error(`${who}: lam and rho must be > 0, got lam ${f.lam}, rho ${f.rho}`);
  if (!(Number.isInteger(L) && L >= 1)) throw new Error(`${who}: depth L must be an integer ≥ 1, got ${L}`);
}

/** du/dt of the balanced reduced ODE. */
export function uRhs(kind: Objective, u: number, o: Feature & { L: number }): number {
  const { lam, rho, L } = o;
  return kind === "jepa" ? (lam / rho) * u ** (2 * L) * (rho - u) : lam * u ** L * (1 - u ** (L + 1) / rho);
}

/** The balanced fixed point: JEPA u* = ρ, w̄* = ρ^L; MAE u* = ρ^{1/(L+1)}, w̄* = ρ^{L/(L+1)} (so v*w̄* = ρ). */
export function asymptote(kind: Objective, o: { rho: number; L: number }): { u: number; wbar: number } {
  const u = kind === "jepa" ? o.rho : o.rho ** (1 / (o.L + 1));
  return { u, wbar: u ** o.L };
}

/**
 * Critical time t*: the first time w̄ reaches `frac` (default ½) of its own asymptote, from the
 * balanced init w̄(0) = ε. Exactly t* = ∫_{u0}^{uf} du/(du/dt) = ∫ u/(du/dt) d(ln u), integrated by
 * composite Simpson in s = ln u, doubling the intervals until two successive values agree to
 * `rtol` (default 1e-12). NaN in the degenerate regime u0 ≥ uf (the feature starts "learned").
 */
export function criticalTime(kind: Objective, o: Feature & { eps: number; L: number; frac?: number; rtol?: number }): number {
  checkFeature(o, o.L, "criticalTime");
  if (!(o.eps > 0)) throw new Error(`criticalTime: eps must be > 0, got ${o.eps}`);
  const frac = o.frac ?? 0.5;
  if (!(frac > 0 && frac < 1)) throw new Error(`criticalTime: frac must be in (0, 1), got ${frac}`);
  const u0 = o.eps ** (1 / o.L);
  const uf = (frac * asymptote(kind, o).wbar) ** (1 / o.L);
  if (u0 >= uf) return Number.NaN;
  const a = Math.log(u0);
  const b = Math.log(uf);
  const g = (s: number) => {
    const u = Math.exp(s);
    return u / uRhs(kind, u, o);
  };
  const rtol = o.rtol ?? 1e-12;
  let n = 64;
  let prev = simpson(g, a, b, n);
  for (;;) {
    n *= 2;
    const next = simpson(g, a, b, n);
    if (Math.abs(next - prev) <= rtol * Math.abs(next) || n >= 1 << 22) return next;
    prev = next;
  }
}

function simpson(g: (s: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let s = g(a) + g(b);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * g(a + i * h);
  return (s * h) / 3;
}

/**
 * The small-init series of JEPA's t* (partial fractions of the integrand, dropping the O(log ε)
 * terms): (1/λ) Σ_{n=1}^{2L−1} ρ^{−(2L−n−1)} ε^{−n/L}/n. Term n relative to the leading one is
 * ((2L−1)/n)·(ε^{1/L}/ρ)^{2L−1−n}: the series is trustworthy only while ε^{1/L} ≪ ρ.
 */
export function jepaSeries(o: Feature & { eps: number; L: number }): number {
  checkFeature(o, o.L, "jepaSeries");
  let s = 0;
  for (let n = 1; n <= 2 * o.L - 1; n++) s += (o.rho ** -(2 * o.L - n - 1) * o.eps ** (-n / o.L)) / n;
  return s / o.lam;
}

/** The leading (ρ-independent) term of the JEPA series: ε^{−(2L−1)/L}/((2L−1)λ). */
export function jepaLeading(o: { lam: number; eps: number; L: number }): number {
  return o.eps ** (-(2 * o.L - 1) / o.L) / ((2 * o.L - 1) * o.lam);
}

/** MAE's leading small-init term ε^{−(L−1)/L}/((L−1)λ), L ≥ 2 (L = 1 is logistic, no power law). */
export function maeLeading(o: { lam: number; eps: number; L: number }): number {
  if (!(Number.isInteger(o.L) && o.L >= 2)) throw new Error(`maeLeading: needs L ≥ 2 (L = 1 is a logistic curve), got ${o.L}`);
  return o.eps ** (-(o.L - 1) / o.L) / ((o.L - 1) * o.lam);
}

/**
 * The full per-feature system: L layer scalars a_l and the predictor scalar v (state [a_1..a_L, v]):
 *   JEPA dv/dt = λ w̄² (1 − v/ρ),   da_l/dt = λ v w̄ (w̄/a_l)(1 − v/ρ)
 *   MAE  dv/dt = λ w̄ (1 − v w̄/ρ),  da_l/dt = λ v (w̄/a_l)(1 − v w̄/ρ)
 * with w̄/a_l the product of the other layers (no division, so a_l = 0 is fine).
 */
export function layeredRhs(kind: Objective, o: Feature & { L: number }): (t: number, y: Float64Array, dy: Float64Array) => void {
  checkFeature(o, o.L, "layeredRhs");
  const { lam, rho, L } = o;
  return (_t, y, dy) => {
    const v = y[L]!;
    let wbar = 1;
    for (let l = 0; l < L; l++) wbar *= y[l]!;
    const resid = kind === "jepa" ? 1 - v / rho : 1 - (v * wbar) / rho;
    dy[L] = kind === "jepa" ? lam * wbar * wbar * resid : lam * wbar * resid;
    for (let l = 0; l < L; l++) {
      let others = 1;
      for (let k = 0; k < L; k++) if (k !== l) others *= y[k]!;
      dy[l] = kind === "jepa" ? lam * v * wbar * others * resid : lam * v * others * resid;
    }
  };
}

/** Balanced init of the layered system: a_l = v = ε^{1/L} (vSign −1 flips V, pitfall B4). */
export function layeredInit(o: { eps: number; L: number; vSign?: 1 | -1 }): Float64Array {
  const u0 = o.eps ** (1 / o.L);
  const y = new Float64Array(o.L + 1).fill(u0);
  y[o.L] = (o.vSign ?? 1) * u0;
  return y;
}

/** t* of the layered system by adaptive Dormand-Prince with an event at w̄ = frac·w̄*. */
export function layeredCriticalTime(
  kind: Objective,
  o: Feature & { eps: number; L: number; frac?: number; rtol?: number; Tmax?: number },
): { tStar: number; y: Float64Array; balanceDrift: number; steps: number } {
  const frac = o.frac ?? 0.5;
  const target = frac * asymptote(kind, o).wbar;
  const y0 = layeredInit(o);
  const prod = (y: Float64Array) => {
    let w = 1;
    for (let l = 0; l < o.L; l++) w *= y[l]!;
    return w;
  };
  const Tmax = o.Tmax ?? 100 * criticalTime(kind, o);
  const r = dopri5(layeredRhs(kind, o), y0, { T: Tmax, rtol: o.rtol ?? 1e-11, atol: 1e-300, event: (y) => prod(y) - target });
  return { tStar: r.eventTime ?? Number.NaN, y: r.y, balanceDrift: layeredBalanceDrift(y0, r.y, o.L), steps: r.accepted };
}

/** max_l |(v² − a_l²)(t) − (v² − a_l²)(0)|: conserved by both flows. */
export function layeredBalanceDrift(y0: Float64Array, y: Float64Array, L: number): number {
  let m = 0;
  for (let l = 0; l < L; l++) m = Math.max(m, Math.abs(y[L]! ** 2 - y[l]! ** 2 - (y0[L]! ** 2 - y0[l]! ** 2)));
  return m;
}

/** Feature indices sorted by critical time (first learned first); NaN times sort last. */
export function learningOrder(times: readonly number[]): number[] {
  const key = (t: number) => (Number.isFinite(t) ? t : Number.POSITIVE_INFINITY);
  return times.map((_, i) => i).sort((i, j) => key(times[i]!) - key(times[j]!));
}

/**
 * For two features where the higher-ρ one has the lower λ: the smallest depth L ≤ Lmax at which
 * JEPA learns the higher-ρ feature first (its t* is smaller), or NaN if none (degenerate depths,
 * where a t* is NaN, do not count).
 */
export function flipDepth(o: { features: [Feature, Feature]; eps: number; Lmax: number }): number {
  const [f0, f1] = o.features;
  const hi = f0.rho >= f1.rho ? 0 : 1;
  for (let L = 1; L <= o.Lmax; L++) {
    const t = o.features.map((f) => criticalTime("jepa", { ...f, eps: o.eps, L }));
    if (t.every(Number.isFinite) && t[hi]! < t[1 - hi]!) return L;
  }
  return Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// Full matrices (check B5): W^1..W^L and V, d×d, diagonal Σxx and Σyx.

export interface DeepLinearState {
  d: number;
  /** W^1 (first applied) .. W^L, each flat d×d. */
  Ws: Float64Array[];
  V: Float64Array;
}

/** W̄ = W^L ⋯ W^1 (flat d×d). */
export function endToEnd(s: DeepLinearState): Float64Array {
  const { d } = s;
  let P = Float64Array.from(s.Ws[0]!);
  const tmp = new Float64Array(d * d);
  for (let l = 1; l < s.Ws.length; l++) {
    mm(s.Ws[l]!, P, tmp, d);
    P = Float64Array.from(tmp);
  }
  return P;
}

/**
 * Gradients of the population loss (target branch detached for JEPA): with R the residual-input
 * moment, JEPA R = V W̄ Σxx − W̄ Σyx (W̄ of the target treated as a constant), MAE R = V W̄ Σxx − Σyx;
 * ∂J/∂V = R W̄ᵀ, ∂J/∂W^l = (W^L⋯W^{l+1})ᵀ Vᵀ R (W^{l−1}⋯W^1)ᵀ.
 */
export function matrixGrads(
  kind: Objective,
  s: DeepLinearState,
  data: { Sxx: readonly number[]; Syx: readonly number[] },
): DeepLinearState {
  const { d, Ws, V } = s;
  const L = Ws.length;
  const n = d * d;
  // prefix[l] = W^l ⋯ W^1 (prefix[0] = I); suffix[l] = W^L ⋯ W^{l+1} (suffix[L] = I)
  const I = new Float64Array(n);
  for (let i = 0; i < d; i++) I[i * d + i] = 1;
  const prefix: Float64Array[] = [I];
  for (let l = 0; l < L; l++) {
    const P = new Float64Array(n);
    mm(Ws[l]!, prefix[l]!, P, d);
    prefix.push(P);
  }
  const suffix: Float64Array[] = new Array(L + 1);
  suffix[L] = I;
  for (let l = L - 1; l >= 0; l--) {
    const S = new Float64Array(n);
    mm(suffix[l + 1]!, Ws[l]!, S, d);
    suffix[l] = S;
  }
  const Wbar = prefix[L]!;
  const VW = new Float64Array(n);
  mm(V, Wbar, VW, d);
  const R = new Float64Array(n);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      const target = kind === "jepa" ? Wbar[i * d + j]! * data.Syx[j]! : i === j ? data.Syx[j]! : 0;
      R[i * d + j] = VW[i * d + j]! * data.Sxx[j]! - target;
    }
  const gV = new Float64Array(n);
  mmT(R, Wbar, gV, d);
  const VtR = new Float64Array(n);
  mTm(V, R, VtR, d);
  const gWs: Float64Array[] = [];
  const tmp = new Float64Array(n);
  for (let l = 0; l < L; l++) {
    // (suffix after layer l)ᵀ · VᵀR · (prefix before layer l)ᵀ
    mTm(suffix[l + 1]!, VtR, tmp, d);
    const g = new Float64Array(n);
    mmT(tmp, prefix[l]!, g, d);
    gWs.push(g);
  }
  return { d, Ws: gWs, V: gV };
}

/**
 * The online part of the population loss with the target encoder frozen at `targetWbar`
 * (JEPA; for finite-difference tests of matrixGrads), or the MAE loss up to the constant ½ tr Σyy:
 * ½ tr(V W̄ Σxx W̄ᵀ Vᵀ) − tr(V W̄ Σxy Tᵀ), T = targetWbar (JEPA) or I (MAE).
 */
export function onlineLoss(
  kind: Objective,
  s: DeepLinearState,
  data: { Sxx: readonly number[]; Syx: readonly number[] },
  targetWbar?: Float64Array,
): number {
  const { d } = s;
  const Wbar = endToEnd(s);
  const VW = new Float64Array(d * d);
  mm(s.V, Wbar, VW, d);
  let quad = 0;
  let cross = 0;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      quad += VW[i * d + j]! ** 2 * data.Sxx[j]!;
      const T = kind === "jepa" ? targetWbar![i * d + j]! : i === j ? 1 : 0;
      cross += VW[i * d + j]! * data.Syx[j]! * T;
    }
  return 0.5 * quad - cross;
}

/** Init of the full-matrix runs: W^l = V = ε^{1/L}·I ("identity") or ε^{1/L}·(random orthogonal). */
export function matrixInit(o: { d: number; L: number; eps: number; init: "identity" | "orthogonal"; rng?: Rng }): DeepLinearState {
  const { d, L } = o;
  const u0 = o.eps ** (1 / L);
  const make = () => {
    const M = new Float64Array(d * d);
    if (o.init === "identity") for (let i = 0; i < d; i++) M[i * d + i] = u0;
    else {
      if (!o.rng) throw new Error("matrixInit: an orthogonal init needs an rng");
      const Q = randomOrthogonal(o.rng, { rows: d, cols: d });
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) M[i * d + j] = u0 * Q[i]![j]!;
    }
    return M;
  };
  const Ws = Array.from({ length: L }, make);
  return { d, Ws, V: make() };
}

export interface MatrixRunResult {
  /** Per feature i: first time ‖W̄ e_i‖ reaches frac × its scalar asymptote (NaN if never). */
  tStar: number[];
  /** Per feature: whether ‖W̄ e_i‖ ends above frac × asymptote (a feature learned then lost ends below). */
  learnedAtEnd: boolean[];
  /** Column norms of W̄ at the recorded times. */
  times: number[];
  columnNorms: number[][];
  steps: number;
  dt: number;
}

/**
 * Explicit Euler (plain gradient descent with step dt) for `steps` steps; crossing times linearly
 * interpolated between steps. Records every `every` steps.
 */
export function runMatrixGD(
  kind: Objective,
  init: DeepLinearState,
  o: { features: readonly Feature[]; steps: number; dt: number; every?: number; frac?: number },
): MatrixRunResult {
  const { d } = init;
  if (o.features.length !== d) throw new Error(`runMatrixGD: ${o.features.length} features for d = ${d}`);
  const L = init.Ws.length;
  const data = { Sxx: o.features.map((f) => f.lam / f.rho), Syx: o.features.map((f) => f.lam) };
  const frac = o.frac ?? 0.5;
  const targets = o.features.map((f) => frac * asymptote(kind, { rho: f.rho, L }).wbar);
  const s: DeepLinearState = { d, Ws: init.Ws.map((W) => Float64Array.from(W)), V: Float64Array.from(init.V) };
  const colNorms = (Wbar: Float64Array) =>
    Array.from({ length: d }, (_, j) => {
      let q = 0;
      for (let i = 0; i < d; i++) q += Wbar[i * d + j]! ** 2;
      return Math.sqrt(q);
    });
  const every = o.every ?? Math.max(1, Math.floor(o.steps / 400));
  let prev = colNorms(endToEnd(s));
  const tStar = prev.map(() => Number.NaN);
  const times = [0];
  const columnNorms = [prev];
  for (let k = 1; k <= o.steps; k++) {
    const g = matrixGrads(kind, s, data);
    for (let l = 0; l < L; l++) {
      const W = s.Ws[l]!;
      const gw = g.Ws[l]!;
      for (let i = 0; i < W.length; i++) W[i] = W[i]! - o.dt * gw[i]!;
    }
    for (let i = 0; i < s.V.length; i++) s.V[i] = s.V[i]! - o.dt * g.V[i]!;
    const cur = colNorms(endToEnd(s));
    for (let j = 0; j < d; j++) {
      if (Number.isNaN(tStar[j]!) && cur[j]! >= targets[j]! && prev[j]! < targets[j]!) {
        const th = (targets[j]! - prev[j]!) / (cur[j]! - prev[j]!);
        tStar[j] = (k - 1 + th) * o.dt;
      }
    }
    if (!cur.every(Number.isFinite)) throw new Error(`runMatrixGD: diverged at step ${k} (dt = ${o.dt} too large)`);
    if (k % every === 0 || k === o.steps) {
      times.push(k * o.dt);
      columnNorms.push(cur);
    }
    prev = cur;
  }
  return { tStar, learnedAtEnd: prev.map((c, j) => c >= targets[j]!), times, columnNorms, steps: o.steps, dt: o.dt };
}
