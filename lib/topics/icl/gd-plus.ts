/**
 * Gradient descent and GD++ on in-context data (von Oswald et al. §3-4, A.1, A.10; notes §4a):
 * the constructions as LSA stacks, the explicit algorithms they must equal, and the line-searched
 * step sizes the trained models are compared with.
 *
 *   GD (one step from W₀ = 0):  ŷ = (η/N) Σ y_i x_iᵀ x_q.
 *   K steps: residuals r_i ← r_i − (η/N) Σ_k r_k ⟨x_k, x_i⟩, prediction ŷ ← ŷ + (η/N) Σ_k r_k ⟨x_k, x_q⟩.
 *   GD++: after each step's update every input is also transformed, x_j ← (I − γ H) x_j with
 *   H = Σ_{k≤N} x_k x_kᵀ (a sum: the paper's γ values fit this convention, notes §4a).
 *
 * Construction (A.10): W_K = W_Q = [[I_x, 0],[0, 0]], W_V = [[I_x, 0],[0, −1]], P = [[−γI_x, 0],[0, η/N]]
 * (γ = 0 with W_V's top-left block zero is Proposition 1). K recurrent layers = K steps.
 */
import { eye, zeros, type Matrix } from "../../core/linalg";
import type { LsaStack } from "./lsa-stack";
import type { TaskBatch } from "./tasks";

/** The (η, γ) construction as a stack of `depth` applications (recurrent: one set of weights). */
export function gdStack(o: { d: number; n: number; eta: number; gamma?: number; depth?: number }): LsaStack {
  const { d, n, eta } = o;
  const gamma = o.gamma;
  const depth = o.depth ?? 1;
  if (!Number.isInteger(d) || d < 1) throw new Error(`gdStack: d must be a positive integer, got ${String(d)}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`gdStack: n must be a positive integer, got ${String(n)}`);
  if (!Number.isFinite(eta)) throw new Error(`gdStack: eta must be a finite number, got ${String(eta)}`);
  if (gamma !== undefined && !Number.isFinite(gamma)) throw new Error(`gdStack: gamma must be a finite number, got ${String(gamma)}`);
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`gdStack: depth must be a positive integer, got ${String(depth)}`);
  const D = d + 1;
  const Wk: Matrix = zeros(D, D);
  for (let i = 0; i < d; i++) Wk[i]![i] = 1;
  const Wq = Wk.map((r) => r.slice());
  const Wv: Matrix = zeros(D, D);
  Wv[d]![d] = -1;
  const P: Matrix = zeros(D, D);
  P[d]![d] = eta / n;
  if (gamma !== undefined) {
    for (let i = 0; i < d; i++) {
      Wv[i]![i] = 1;
      P[i]![i] = -gamma;
    }
  }
  return { attention: "linear", depth, recurrent: true, layers: [[{ Wk, Wq, Wv, P }]] };
}

/** Identity-keyed stack holding given merged matrices W_KQ, W_PV (W_K = W_V = I, W_Q = W_KQ, P = W_PV). */
export function stackFromMerged(heads: { Wkq: Matrix; Wpv: Matrix }[], o: { depth?: number } = {}): LsaStack {
  if (heads.length === 0) throw new Error("stackFromMerged: need at least one head");
  const D = heads[0]!.Wkq.length;
  return {
    attention: "linear",
    depth: o.depth ?? 1,
    recurrent: true,
    layers: [heads.map((h) => ({ Wk: eye(D), Wq: h.Wkq.map((r) => r.slice()), Wv: eye(D), P: h.Wpv.map((r) => r.slice()) }))],
  };
}

/** One GD step from 0: ŷ_b = (η/N) Σ y_i x_iᵀ x_q and ∂ŷ/∂x_q = (η/N) Σ y_i x_i, per task. */
export function gdOneStep(batch: TaskBatch, eta: number): { yhat: Float64Array; grad: Float64Array } {
  const { B, n, d, X, y, xq } = batch;
  const yhat = new Float64Array(B);
  const grad = new Float64Array(B * d);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) {
      const yi = y[b * n + i]!;
      const o = (b * n + i) * d;
      for (let j = 0; j < d; j++) grad[b * d + j]! += yi * X[o + j]!;
    }
    let s = 0;
    for (let j = 0; j < d; j++) {
      grad[b * d + j]! *= eta / n;
      s += grad[b * d + j]! * xq[b * d + j]!;
    }
    yhat[b] = s;
  }
  return { yhat, grad };
}

/**
 * The explicit algorithm (GD when γ = 0, GD++ otherwise), written on the data rather than on tokens:
 * predictions after each of `steps` steps, [B, steps]. The reference for the constructions.
 */
export function gdPlusPlusExplicit(batch: TaskBatch, o: { eta: number; gamma?: number; steps: number; damp?: number }): Float64Array {
  const { B, n, d } = batch;
  const gamma = o.gamma ?? 0;
  const lam = o.damp ?? 1;
  const out = new Float64Array(B * o.steps);
  const x = new Float64Array((n + 1) * d);
  const r = new Float64Array(n);
  const delta = new Float64Array(n + 1);
  const H = new Float64Array(d * d);
  const xt = new Float64Array((n + 1) * d);
  for (let b = 0; b < B; b++) {
    x.set(batch.X.subarray(b * n * d, (b + 1) * n * d));
    x.set(batch.xq.subarray(b * d, (b + 1) * d), n * d);
    r.set(batch.y.subarray(b * n, (b + 1) * n));
    let pred = 0;
    for (let k = 0; k < o.steps; k++) {
      // the GD update of every slot, from the current inputs and residuals
      for (let j = 0; j <= n; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          let dot = 0;
          for (let l = 0; l < d; l++) dot += x[i * d + l]! * x[j * d + l]!;
          s += r[i]! * dot;
        }
        delta[j] = (lam * o.eta * s) / n;
      }
      for (let i = 0; i < n; i++) r[i]! -= delta[i];
      pred += delta[n]!;
      out[b * o.steps + k] = pred;
      if (gamma !== 0) {
        H.fill(0);
        for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) H[p * d + q]! += x[i * d + p]! * x[i * d + q]!;
        for (let j = 0; j <= n; j++)
          for (let p = 0; p < d; p++) {
            let s = 0;
            for (let q = 0; q < d; q++) s += H[p * d + q]! * x[j * d + q]!;
            xt[j * d + p] = x[j * d + p]! - lam * gamma * s;
          }
        x.set(xt);
      }
    }
  }
  return out;
}

/**
 * Per-task coefficients of the two-step recurrent GD++ prediction as a polynomial in (η, γ):
 *   ŷ₁ = η g_q,   ŷ₂ = η (p₀ + γ p₁ + γ² p₂) − η² (s₀ + γ s₁ + γ² s₂),
 * from g_i = (1/N) Σ_k y_k ⟨x_k, x_i⟩ and ⟨x̃_i, x̃_q⟩ = a_i − 2γ b_i + γ² c_i with a = G_q, b = G a,
 * c = G b (G the context Gram matrix). Any (η, γ) then costs O(B): the line searches are exact and fast.
 */
export interface GdppCoefficients {
  B: number;
  /** [B] one-step coefficient g_q. */
  g: Float64Array;
  /** [B, 3] and [B, 3]: p and s coefficients of γ⁰, γ¹, γ². */
  p: Float64Array;
  s: Float64Array;
  /** [B] targets. */
  y: Float64Array;
}

export function gdppCoefficients(batch: TaskBatch): GdppCoefficients {
  const { B, n, d, X, y, xq, yq } = batch;
  const g = new Float64Array(B);
  const p = new Float64Array(B * 3);
  const s = new Float64Array(B * 3);
  const G = new Float64Array(n * n);
  const a = new Float64Array(n);
  const bb = new Float64Array(n);
  const c = new Float64Array(n);
  const gi = new Float64Array(n);
  for (let t = 0; t < B; t++) {
    const xo = t * n * d;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k <= i; k++) {
        let dot = 0;
        for (let l = 0; l < d; l++) dot += X[xo + i * d + l]! * X[xo + k * d + l]!;
        G[i * n + k] = dot;
        G[k * n + i] = dot;
      }
      let dq = 0;
      for (let l = 0; l < d; l++) dq += X[xo + i * d + l]! * xq[t * d + l]!;
      a[i] = dq;
    }
    for (let i = 0; i < n; i++) {
      let s1 = 0;
      let s2 = 0;
      for (let k = 0; k < n; k++) {
        s1 += G[i * n + k]! * a[k]!;
        s2 += G[i * n + k]! * y[t * n + k]!;
      }
      bb[i] = s1;
      gi[i] = s2 / n;
    }
    let gq = 0;
    for (let i = 0; i < n; i++) {
      let s1 = 0;
      for (let k = 0; k < n; k++) s1 += G[i * n + k]! * bb[k]!;
      c[i] = s1;
      gq += y[t * n + i]! * a[i]!;
    }
    gq /= n;
    g[t] = gq;
    let ya = 0;
    let yb = 0;
    let yc = 0;
    let ga = 0;
    let gb = 0;
    let gc = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[t * n + i]!;
      ya += yi * a[i]!;
      yb += yi * bb[i]!;
      yc += yi * c[i]!;
      ga += gi[i]! * a[i]!;
      gb += gi[i]! * bb[i]!;
      gc += gi[i]! * c[i]!;
    }
    p[t * 3] = gq + ya / n;
    p[t * 3 + 1] = (-2 * yb) / n;
    p[t * 3 + 2] = yc / n;
    s[t * 3] = ga / n;
    s[t * 3 + 1] = (-2 * gb) / n;
    s[t * 3 + 2] = gc / n;
  }
  return { B, g, p, s, y: Float64Array.from(yq) };
}

/** ½·mean (ŷ − y)² of K-step recurrent GD++ (K = 1 or 2) at (η, γ), from the coefficients. */
export function gdppLoss(c: GdppCoefficients, o: { eta: number; gamma?: number; steps: 1 | 2 }): number {
  const { eta } = o;
  const gm = o.gamma ?? 0;
  let sum = 0;
  for (let t = 0; t < c.B; t++) {
    let yhat: number;
    if (o.steps === 1) yhat = eta * c.g[t]!;
    else {
      const pp = c.p[t * 3]! + gm * (c.p[t * 3 + 1]! + gm * c.p[t * 3 + 2]!);
      const ss = c.s[t * 3]! + gm * (c.s[t * 3 + 1]! + gm * c.s[t * 3 + 2]!);
      yhat = eta * pp - eta * eta * ss;
    }
    sum += (yhat - c.y[t]!) ** 2;
  }
  return (0.5 * sum) / c.B;
}

/** The code's η grid, arange(0.001, 25, 0.1). */
export function codeEtaGrid(): number[] {
  const out: number[] = [];
  for (let k = 0; 0.001 + 0.1 * k < 25; k++) out.push(0.001 + 0.1 * k);
  return out;
}

/** Golden-section minimum of a unimodal f on [lo, hi]. */
export function goldenMin(f: (x: number) => number, lo: number, hi: number, tol = 1e-7): { x: number; f: number } {
  if (!(hi > lo)) throw new Error(`goldenMin: need lo < hi, got [${lo}, ${hi}]`);
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - r * (b - a);
  let e = a + r * (b - a);
  let fc = f(c);
  let fe = f(e);
  while (b - a > tol * (1 + Math.abs(a) + Math.abs(b))) {
    if (fc < fe) {
      b = e;
      e = c;
      fe = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = e;
      fc = fe;
      e = a + r * (b - a);
      fe = f(e);
    }
  }
  const x = (a + b) / 2;
  return { x, f: f(x) };
}

export interface EtaSearch {
  /** Best grid value (the code's line search). */
  eta: number;
  loss: number;
  /** The minimiser refined by golden section within one grid step of the grid's best. */
  etaRefined: number;
  lossRefined: number;
}

/** The line search of the code for K-step GD/GD++ at fixed γ: the grid, then a refinement. */
export function lineSearchEta(c: GdppCoefficients, o: { steps: 1 | 2; gamma?: number; grid?: number[] }): EtaSearch {
  const grid = o.grid ?? codeEtaGrid();
  let best = { eta: grid[0]!, loss: Number.POSITIVE_INFINITY };
  for (const eta of grid) {
    const l = gdppLoss(c, { eta, gamma: o.gamma, steps: o.steps });
    if (l < best.loss) best = { eta, loss: l };
  }
  const step = grid.length > 1 ? Math.abs(grid[1]! - grid[0]!) : 1;
  const ref = goldenMin((eta) => gdppLoss(c, { eta, gamma: o.gamma, steps: o.steps }), best.eta - step, best.eta + step);
  return { eta: best.eta, loss: best.loss, etaRefined: ref.x, lossRefined: Math.min(ref.f, best.loss) };
}

/**
 * The best recurrent two-step GD++ (η, γ): for each γ the η line search (refined), γ scanned on
 * [0, gammaMax] then refined by golden section around the best scan point.
 */
export function fitGdPlusPlus(
  c: GdppCoefficients,
  o: { gammaMax?: number; scan?: number } = {},
): { eta: number; gamma: number; loss: number } {
  const gMax = o.gammaMax ?? 0.5;
  const scan = o.scan ?? 26;
  const inner = (gamma: number) => lineSearchEta(c, { steps: 2, gamma });
  let best = { gamma: 0, r: inner(0) };
  for (let k = 1; k < scan; k++) {
    const gamma = (gMax * k) / (scan - 1);
    const r = inner(gamma);
    if (r.lossRefined < best.r.lossRefined) best = { gamma, r };
  }
  const h = gMax / (scan - 1);
  const g = goldenMin((gamma) => inner(gamma).lossRefined, Math.max(0, best.gamma - h), best.gamma + h, 1e-6);
  const r = inner(g.x);
  return r.lossRefined <= best.r.lossRefined
    ? { eta: r.etaRefined, gamma: g.x, loss: r.lossRefined }
    : { eta: best.r.etaRefined, gamma: best.gamma, loss: best.r.lossRefined };
}
