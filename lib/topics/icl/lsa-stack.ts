/**
 * Stacks of self-attention layers on concatenated tokens in float64 (von Oswald et al.; notes §4):
 * separate W_K, W_Q, W_V, P per head, several heads, K layers (recurrent: one layer's weights applied
 * K times), dampened repetition, and a single softmax layer. This is the engine of the icl-by-gd
 * study: training, the alignment metrics and the GD/GD++ constructions all run through it.
 *
 * Why a per-task matrix form. Keys and values come from the N context tokens only (the code's
 * include_query = False) and the layer has no normalisation (P carries 1/N), so with merged
 * Q_h = W_Kᵀ W_Q and V_h = P W_V a linear layer maps EVERY token by one matrix:
 *   e_j ← A e_j,   A = I + λ Σ_h V_h S Q_h,   S = Σ_{i≤N} e_i e_iᵀ (context Gram matrix).
 * So the context Gram matrix evolves as S ← A S Aᵀ and the query as q ← A q; a K-layer stack is
 * K products of (d+1) x (d+1) matrices per task, whatever N is. The last layer only needs q, so it
 * costs matrix-vector products. `tokenForward` is the plain token formulation (with the code's token
 * clipping); tests check this module against it and against finite differences.
 *
 * Prediction: ŷ = −(updated query label slot) (the code's readout), query label slot 0 at input.
 */
import { assertMatrix, type Matrix } from "../../core/linalg";
import type { TaskBatch } from "./tasks";

/** One attention head, all (d+1) x (d+1) as in the code (key_size = d + 1). */
export interface Head {
  Wk: Matrix;
  Wq: Matrix;
  Wv: Matrix;
  P: Matrix;
}

export interface LsaStack {
  /** "linear" (LSA) or "softmax" (attention weights softmax over the context; depth 1 only). */
  attention: "linear" | "softmax";
  /** Number of layer applications K. */
  depth: number;
  /** One set of weights applied `depth` times (the code's deq = True). */
  recurrent: boolean;
  /** layers[k][h]: head h of layer k; one layer when recurrent. */
  layers: Head[][];
}

export interface StackOptions {
  /** Dampening λ: e ← e + λ·(layer update) (von Oswald A.6). 1 by default. */
  damp?: number;
}

/** Validates a stack's shapes and returns the token size D = d + 1. */
export function stackDim(m: LsaStack): number {
  if (!m || typeof m !== "object") throw new Error("LsaStack must be an object {attention, depth, recurrent, layers}");
  if (m.attention !== "linear" && m.attention !== "softmax")
    throw new Error(`LsaStack attention must be "linear" or "softmax", got ${JSON.stringify(m.attention)}`);
  if (!Number.isInteger(m.depth) || m.depth < 1) throw new Error(`LsaStack depth must be a positive integer, got ${String(m.depth)}`);
  if (m.attention === "softmax" && m.depth !== 1) throw new Error("LsaStack: softmax attention is implemented for depth 1 only");
  const want = m.recurrent ? 1 : m.depth;
  if (!Array.isArray(m.layers) || m.layers.length !== want)
    throw new Error(
      `LsaStack: ${m.recurrent ? "a recurrent stack has 1 layer of weights" : `depth ${m.depth} needs ${m.depth} layers`}, got ${m.layers?.length}`,
    );
  const D = m.layers[0]?.[0]?.Wq?.length;
  if (!D) throw new Error("LsaStack: every layer needs at least one head {Wk, Wq, Wv, P}");
  m.layers.forEach((heads, k) => {
    if (!Array.isArray(heads) || heads.length === 0) throw new Error(`LsaStack layer ${k} has no heads`);
    heads.forEach((h, i) => {
      for (const name of ["Wk", "Wq", "Wv", "P"] as const) assertMatrix(h[name], `layer ${k} head ${i} ${name}`, D, D);
    });
  });
  return D;
}

// ---------------------------------------------------------------------------------------------
// Small dense kernels on row-major Float64Array (D x D), written out because D ~ 11 and they run
// millions of times. mmOp, mmt and mv are exported for their bit-identity test.

/**
 * C = op(A) B for op(A) = A (`aT` false) or Aᵀ (all D x D; C must not be A or B). Each C[i][j] is
 * Σ_l op(A)[i][l] B[l][j] over l ascending, skipping op(A)[i][l] = 0, summed in a register, four
 * columns at a time so their sums overlap.
 */
export function mmOp(A: Float64Array, aT: boolean, B: Float64Array, C: Float64Array, D: number): void {
  // op(A)[i][l] = A[i·rowStep + l·colStep]
  const rowStep = aT ? 1 : D,
    colStep = aT ? D : 1;
  for (let i = 0; i < D; i++) {
    const io = i * D;
    const ao = i * rowStep;
    let j = 0;
    for (; j + 4 <= D; j += 4) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let l = 0; l < D; l++) {
        const a = A[ao + l * colStep]!;
        if (a === 0) continue;
        const lo = l * D + j;
        s0 += a * B[lo]!;
        s1 += a * B[lo + 1]!;
        s2 += a * B[lo + 2]!;
        s3 += a * B[lo + 3]!;
      }
      C[io + j] = s0;
      C[io + j + 1] = s1;
      C[io + j + 2] = s2;
      C[io + j + 3] = s3;
    }
    for (; j < D; j++) {
      let s = 0;
      for (let l = 0; l < D; l++) {
        const a = A[ao + l * colStep]!;
        if (a !== 0) s += a * B[l * D + j]!;
      }
      C[io + j] = s;
    }
  }
}

/** C = A B. */
const mm = (A: Float64Array, B: Float64Array, C: Float64Array, D: number) => mmOp(A, false, B, C, D);
/** C = Aᵀ B. */
const mtm = (A: Float64Array, B: Float64Array, C: Float64Array, D: number) => mmOp(A, true, B, C, D);

/** C = A Bᵀ (C must not be A or B); each C[i][j] summed over l ascending, four columns at a time. */
export function mmt(A: Float64Array, B: Float64Array, C: Float64Array, D: number): void {
  for (let i = 0; i < D; i++) {
    const io = i * D;
    let j = 0;
    // four rows of B at a time (each sum in the same order as alone)
    for (; j + 4 <= D; j += 4) {
      const j0 = j * D,
        j1 = j0 + D,
        j2 = j1 + D,
        j3 = j2 + D;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let l = 0; l < D; l++) {
        const a = A[io + l]!;
        s0 += a * B[j0 + l]!;
        s1 += a * B[j1 + l]!;
        s2 += a * B[j2 + l]!;
        s3 += a * B[j3 + l]!;
      }
      C[io + j] = s0;
      C[io + j + 1] = s1;
      C[io + j + 2] = s2;
      C[io + j + 3] = s3;
    }
    for (; j < D; j++) {
      const jo = j * D;
      let s = 0;
      for (let l = 0; l < D; l++) s += A[io + l]! * B[jo + l]!;
      C[io + j] = s;
    }
  }
}

/** y = A x (y must not be x); each y[i] summed over l ascending, two rows at a time. */
export function mv(A: Float64Array, x: Float64Array, y: Float64Array, D: number): void {
  let i = 0;
  // two rows at a time (each sum in the same order as alone)
  for (; i + 2 <= D; i += 2) {
    const i0 = i * D,
      i1 = i0 + D;
    let s0 = 0,
      s1 = 0;
    for (let l = 0; l < D; l++) {
      const xl = x[l]!;
      s0 += A[i0 + l]! * xl;
      s1 += A[i1 + l]! * xl;
    }
    y[i] = s0;
    y[i + 1] = s1;
  }
  for (; i < D; i++) {
    const io = i * D;
    let s = 0;
    for (let l = 0; l < D; l++) s += A[io + l]! * x[l]!;
    y[i] = s;
  }
}

/** y = Aᵀ x. */
function mtv(A: Float64Array, x: Float64Array, y: Float64Array, D: number): void {
  y.fill(0);
  for (let l = 0; l < D; l++) {
    const a = x[l]!;
    if (a === 0) continue;
    const lo = l * D;
    for (let i = 0; i < D; i++) y[i]! += A[lo + i]! * a;
  }
}

function toFlat(M: Matrix): Float64Array {
  const D = M.length;
  const out = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[i * D + j] = M[i]![j]!;
  return out;
}

function toMatrix(a: Float64Array, D: number): Matrix {
  return Array.from({ length: D }, (_, i) => Array.from(a.subarray(i * D, (i + 1) * D)));
}

/** Merged per-head matrices Q = W_Kᵀ W_Q and V = P W_V, flat. */
interface Merged {
  Q: Float64Array;
  V: Float64Array;
}

function mergeHead(h: Head, D: number): Merged {
  const Q = new Float64Array(D * D);
  const V = new Float64Array(D * D);
  mtm(toFlat(h.Wk), toFlat(h.Wq), Q, D);
  mm(toFlat(h.P), toFlat(h.Wv), V, D);
  return { Q, V };
}

// ---------------------------------------------------------------------------------------------
// Per-task data

/** The context Gram matrix S = Σ_i e_i e_iᵀ of task b (float64) and the query token q = (x_q, 0). */
export function taskTokens(batch: TaskBatch, b: number, S: Float64Array, q: Float64Array): void {
  const { n, d, X, y, xq } = batch;
  const D = d + 1;
  S.fill(0);
  const e = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    const o = (b * n + i) * d;
    for (let j = 0; j < d; j++) e[j] = X[o + j]!;
    e[d] = y[b * n + i]!;
    for (let r = 0; r < D; r++) {
      const er = e[r]!;
      const ro = r * D;
      for (let c = r; c < D; c++) S[ro + c]! += er * e[c]!;
    }
  }
  for (let r = 0; r < D; r++) for (let c = 0; c < r; c++) S[r * D + c] = S[c * D + r]!;
  for (let j = 0; j < d; j++) q[j] = xq[b * d + j]!;
  q[d] = 0;
}

/** Scratch buffers for one task, reused across tasks. */
class Work {
  readonly S: Float64Array[];
  readonly A: Float64Array[];
  readonly q: Float64Array[];
  readonly t1: Float64Array;
  readonly t2: Float64Array;
  readonly t3: Float64Array;
  readonly v1: Float64Array;
  readonly v2: Float64Array;
  readonly v3: Float64Array;
  readonly Sbar: Float64Array;
  readonly Sbar2: Float64Array;
  readonly Abar: Float64Array;
  readonly qbar: Float64Array;
  readonly qbar2: Float64Array;
  readonly v4: Float64Array;
  readonly v5: Float64Array;
  /** Softmax layers keep the context tokens and attention weights of the current task. */
  sm: SoftmaxScratch | undefined;
  constructor(
    readonly D: number,
    K: number,
  ) {
    const m = () => new Float64Array(D * D);
    const v = () => new Float64Array(D);
    this.S = Array.from({ length: K }, m);
    this.A = Array.from({ length: K }, m);
    this.q = Array.from({ length: K }, v);
    this.t1 = m();
    this.t2 = m();
    this.t3 = m();
    this.v1 = v();
    this.v2 = v();
    this.v3 = v();
    this.Sbar = m();
    this.Sbar2 = m();
    this.Abar = m();
    this.qbar = v();
    this.qbar2 = v();
    this.v4 = v();
    this.v5 = v();
  }
}

/** A compiled stack: merged matrices per layer application. */
interface Compiled {
  D: number;
  K: number;
  attention: "linear" | "softmax";
  /** merged[k] for each application k (shared objects when recurrent). */
  merged: Merged[][];
  /** Index of the weight layer used at application k. */
  layerOf: number[];
  damp: number;
}

function compile(m: LsaStack, o: StackOptions = {}): Compiled {
  const D = stackDim(m);
  const damp = o.damp ?? 1;
  if (!Number.isFinite(damp)) throw new Error(`stack option damp (λ) must be a finite number, got ${String(o.damp)}`);
  const layers = m.layers.map((heads) => heads.map((h) => mergeHead(h, D)));
  const layerOf = Array.from({ length: m.depth }, (_, k) => (m.recurrent ? 0 : k));
  return { D, K: m.depth, attention: m.attention, merged: layerOf.map((l) => layers[l]!), layerOf, damp };
}

/**
 * Forward for one task (S, q already filled into w.S[0], w.q[0]); returns ŷ. With `trace`, writes
 * the prediction after every application k (−q_{k+1}[d]) into trace[k].
 */
function forwardTask(c: Compiled, w: Work, trace?: Float64Array, traceOffset = 0): number {
  const { D, K, damp } = c;
  if (c.attention === "softmax") {
    const yhat = softmaxForward(c, w);
    if (trace) trace[traceOffset] = yhat;
    return yhat;
  }
  for (let k = 0; k < K; k++) {
    const S = w.S[k]!;
    const q = w.q[k]!;
    const heads = c.merged[k]!;
    if (k < K - 1) {
      // A = I + λ Σ_h V S Q
      const A = w.A[k]!;
      A.fill(0);
      for (const h of heads) {
        mm(S, h.Q, w.t1, D);
        mm(h.V, w.t1, w.t2, D);
        for (let i = 0; i < D * D; i++) A[i]! += damp * w.t2[i]!;
      }
      for (let i = 0; i < D; i++) A[i * D + i]! += 1;
      mm(A, S, w.t1, D);
      mmt(w.t1, A, w.S[k + 1]!, D);
      mv(A, q, w.q[k + 1]!, D);
      if (trace) trace[traceOffset + k] = -w.q[k + 1]![D - 1]!;
    } else {
      // last application: only the query's label slot is read, so ŷ = −q_d − λ Σ_h v_hᵀ S Q_h q
      let upd = 0;
      for (const h of heads) {
        mv(h.Q, q, w.v1, D);
        mv(S, w.v1, w.v2, D);
        const vo = (D - 1) * D;
        let s = 0;
        for (let j = 0; j < D; j++) s += h.V[vo + j]! * w.v2[j]!;
        upd += s;
      }
      const yhat = -(q[D - 1]! + damp * upd);
      if (trace) trace[traceOffset + k] = yhat;
      return yhat;
    }
  }
  throw new Error("unreachable");
}

/** Gradient accumulators for the merged matrices, per weight layer and head. */
interface Grads {
  Qbar: Float64Array[][];
  Vbar: Float64Array[][];
}

/**
 * Backward for one task after forwardTask: seed g = ∂L/∂ŷ. Accumulates ∂L/∂Q_h, ∂L/∂V_h into `grads`
 * (when given) and writes ∂ŷ-seeded ∂L/∂q_0 into `qbarOut` (its first d entries are ∂L/∂x_q).
 */
function backwardTask(c: Compiled, w: Work, g: number, grads: Grads | undefined, qbarOut: Float64Array | undefined): void {
  const { D, K, damp } = c;
  if (c.attention === "softmax") {
    softmaxBackward(c, w, g, grads, qbarOut);
    return;
  }
  // last application
  const kL = K - 1;
  const S = w.S[kL]!;
  const q = w.q[kL]!;
  // Ḡ = ∂L/∂q_K = −g e_last
  const qbar = w.qbar;
  qbar.fill(0);
  qbar[D - 1] = -g;
  const Sbar = w.Sbar;
  if (kL > 0) Sbar.fill(0);
  const layerL = c.layerOf[kL]!;
  c.merged[kL]!.forEach((h, hi) => {
    // t = Vᵀ Ḡ = −g·(last row of V);  m = Q q;  s = S m
    const t = w.v1;
    const vo = (D - 1) * D;
    for (let j = 0; j < D; j++) t[j] = -g * h.V[vo + j]!;
    const mq = w.v2;
    mv(h.Q, q, mq, D);
    const st = w.v3;
    mv(S, t, st, D);
    if (grads) {
      // V̄ += λ Ḡ (S m)ᵀ: only the last row; Q̄ += λ (S t) qᵀ
      const sm = w.v4;
      mv(S, mq, sm, D);
      const Vb = grads.Vbar[layerL]![hi]!;
      for (let j = 0; j < D; j++) Vb[vo + j]! += damp * -g * sm[j]!;
      const Qb = grads.Qbar[layerL]![hi]!;
      for (let i = 0; i < D; i++) {
        const a = damp * st[i]!;
        if (a === 0) continue;
        for (let j = 0; j < D; j++) Qb[i * D + j]! += a * q[j]!;
      }
    }
    // q̄ += λ Qᵀ (S t);  S̄ += λ t mᵀ
    const tmp = w.v5;
    mtv(h.Q, st, tmp, D);
    for (let j = 0; j < D; j++) qbar[j]! += damp * tmp[j]!;
    if (kL > 0) for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) Sbar[i * D + j]! += damp * t[i]! * mq[j]!;
  });
  // earlier applications, dense
  for (let k = kL - 1; k >= 0; k--) {
    const A = w.A[k]!;
    const Sk = w.S[k]!;
    const qk = w.q[k]!;
    // Ā = q̄' qᵀ + (S̄' + S̄'ᵀ) A S
    const Abar = w.Abar;
    mm(A, Sk, w.t1, D);
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) w.t2[i * D + j] = Sbar[i * D + j]! + Sbar[j * D + i]!;
    mm(w.t2, w.t1, Abar, D);
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) Abar[i * D + j]! += qbar[i]! * qk[j]!;
    // S̄ = Aᵀ S̄' A + λ Σ_h Vᵀ Ā Qᵀ (needed only below layer 0)
    if (k > 0) {
      mtm(A, Sbar, w.t1, D);
      mm(w.t1, A, w.Sbar2, D);
    }
    const layer = c.layerOf[k]!;
    c.merged[k]!.forEach((h, hi) => {
      if (grads) {
        // V̄ += λ Ā Qᵀ S ;  Q̄ += λ S Vᵀ Ā
        mmt(Abar, h.Q, w.t1, D);
        mm(w.t1, Sk, w.t2, D);
        const Vb = grads.Vbar[layer]![hi]!;
        for (let i = 0; i < D * D; i++) Vb[i]! += damp * w.t2[i]!;
        mmt(Sk, h.V, w.t1, D);
        mm(w.t1, Abar, w.t2, D);
        const Qb = grads.Qbar[layer]![hi]!;
        for (let i = 0; i < D * D; i++) Qb[i]! += damp * w.t2[i]!;
      }
      if (k > 0) {
        mtm(h.V, Abar, w.t1, D);
        mmt(w.t1, h.Q, w.t2, D);
        for (let i = 0; i < D * D; i++) w.Sbar2[i]! += damp * w.t2[i]!;
      }
    });
    // q̄ = Aᵀ q̄'
    mtv(A, qbar, w.qbar2, D);
    qbar.set(w.qbar2);
    if (k > 0) Sbar.set(w.Sbar2);
  }
  if (qbarOut) qbarOut.set(qbar);
}

// ---------------------------------------------------------------------------------------------
// Softmax attention, one layer: per head α = softmax_i(e_iᵀ Q_h q) over the context tokens,
// c_h = Σ_i α_i e_i, and ŷ = −q_d − Σ_h (last row of V_h)·c_h. The context tokens themselves are
// kept per task in w.t3 (N ≤ D is not assumed: they are re-read from the batch).

interface SoftmaxScratch {
  tokens: Float64Array;
  n: number;
  alpha: Float64Array[];
  cvec: Float64Array[];
  m: Float64Array[];
}

function softmaxForward(c: Compiled, w: Work): number {
  const ctx = w.sm!;
  const { D, damp } = c;
  const { tokens, n } = ctx;
  const q = w.q[0]!;
  let upd = 0;
  c.merged[0]!.forEach((h, hi) => {
    const m = ctx.m[hi]!;
    mv(h.Q, q, m, D);
    const alpha = ctx.alpha[hi]!;
    let mx = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += tokens[i * D + j]! * m[j]!;
      alpha[i] = s;
      if (s > mx) mx = s;
    }
    let z = 0;
    for (let i = 0; i < n; i++) {
      alpha[i] = Math.exp(alpha[i]! - mx);
      z += alpha[i]!;
    }
    const cv = ctx.cvec[hi]!;
    cv.fill(0);
    for (let i = 0; i < n; i++) {
      alpha[i]! /= z;
      for (let j = 0; j < D; j++) cv[j]! += alpha[i]! * tokens[i * D + j]!;
    }
    const vo = (D - 1) * D;
    for (let j = 0; j < D; j++) upd += h.V[vo + j]! * cv[j]!;
  });
  return -(q[D - 1]! + damp * upd);
}

function softmaxBackward(c: Compiled, w: Work, g: number, grads: Grads | undefined, qbarOut: Float64Array | undefined): void {
  const ctx = w.sm!;
  const { D, damp } = c;
  const { tokens, n } = ctx;
  const q = w.q[0]!;
  const qbar = w.qbar;
  qbar.fill(0);
  qbar[D - 1] = -g;
  c.merged[0]!.forEach((h, hi) => {
    const vo = (D - 1) * D;
    const alpha = ctx.alpha[hi]!;
    const cv = ctx.cvec[hi]!;
    // c̄ = λ Vᵀ Ḡ = −λ g (last row of V)
    const t = w.v1;
    for (let j = 0; j < D; j++) t[j] = -damp * g * h.V[vo + j]!;
    let ct = 0;
    for (let j = 0; j < D; j++) ct += cv[j]! * t[j]!;
    // l̄_i = α_i (e_i·c̄ − c·c̄);  m̄ = Σ l̄_i e_i
    const mbar = w.v2;
    mbar.fill(0);
    for (let i = 0; i < n; i++) {
      let et = 0;
      for (let j = 0; j < D; j++) et += tokens[i * D + j]! * t[j]!;
      const lb = alpha[i]! * (et - ct);
      for (let j = 0; j < D; j++) mbar[j]! += lb * tokens[i * D + j]!;
    }
    if (grads) {
      const Vb = grads.Vbar[0]![hi]!;
      for (let j = 0; j < D; j++) Vb[vo + j]! += -damp * g * cv[j]!;
      const Qb = grads.Qbar[0]![hi]!;
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) Qb[i * D + j]! += mbar[i]! * q[j]!;
    }
    const tmp = w.v3;
    mtv(h.Q, mbar, tmp, D);
    for (let j = 0; j < D; j++) qbar[j]! += tmp[j];
  });
  if (qbarOut) qbarOut.set(qbar);
}

function loadTask(c: Compiled, batch: TaskBatch, b: number, w: Work): void {
  if (c.attention === "linear") taskTokens(batch, b, w.S[0]!, w.q[0]!);
  else {
    // softmax attention reads the tokens themselves, not their Gram matrix
    const q = w.q[0]!;
    for (let j = 0; j < batch.d; j++) q[j] = batch.xq[b * batch.d + j]!;
    q[batch.d] = 0;
    const { n, d } = batch;
    const D = d + 1;
    if (!w.sm || w.sm.n !== n || w.sm.tokens.length !== n * D || w.sm.alpha.length < c.merged[0]!.length) {
      const H = c.merged[0]!.length;
      w.sm = {
        tokens: new Float64Array(n * D),
        n,
        alpha: Array.from({ length: H }, () => new Float64Array(n)),
        cvec: Array.from({ length: H }, () => new Float64Array(D)),
        m: Array.from({ length: H }, () => new Float64Array(D)),
      };
    }
    const tk = w.sm.tokens;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) tk[i * D + j] = batch.X[(b * n + i) * d + j]!;
      tk[i * D + d] = batch.y[b * n + i]!;
    }
  }
}

function checkBatch(c: Compiled, batch: TaskBatch): void {
  if (batch.d + 1 !== c.D) throw new Error(`LSA stack: weights are for tokens of size ${c.D} (d = ${c.D - 1}), tasks have d = ${batch.d}`);
}

// ---------------------------------------------------------------------------------------------
// Public API

export interface StackPredictions {
  /** ŷ per task. */
  yhat: Float64Array;
  /** [B, d] ∂ŷ/∂x_q per task (when asked for). */
  grad?: Float64Array;
  /** [B, K] ŷ after each application (when asked for). */
  trace?: Float64Array;
}

/** Predictions (and optionally ∂ŷ/∂x_q and the per-application trace) for every task of a batch. */
export function stackPredict(m: LsaStack, batch: TaskBatch, o: StackOptions & { grad?: boolean; trace?: boolean } = {}): StackPredictions {
  const c = compile(m, o);
  checkBatch(c, batch);
  const { B, d } = batch;
  const w = new Work(c.D, c.K);
  const yhat = new Float64Array(B);
  const grad = o.grad ? new Float64Array(B * d) : undefined;
  const trace = o.trace ? new Float64Array(B * c.K) : undefined;
  const qb = new Float64Array(c.D);
  for (let b = 0; b < B; b++) {
    loadTask(c, batch, b, w);
    yhat[b] = forwardTask(c, w, trace, b * c.K);
    if (grad) {
      backwardTask(c, w, 1, undefined, qb);
      for (let j = 0; j < d; j++) grad[b * d + j] = qb[j]!;
    }
  }
  const out: StackPredictions = { yhat };
  if (grad) out.grad = grad;
  if (trace) out.trace = trace;
  return out;
}

/** Gradients of the loss with respect to every head's W_K, W_Q, W_V, P (same layout as the stack). */
export type StackGrads = Head[][];

/**
 * The code's loss ½·mean_b (ŷ_b − y_b)² over the batch and its gradient with respect to the separate
 * weights (chain rule from the merged ones: Q = W_KᵀW_Q ⇒ ∂W_K = W_Q Q̄ᵀ, ∂W_Q = W_K Q̄; V = P W_V ⇒
 * ∂P = V̄ W_Vᵀ, ∂W_V = Pᵀ V̄). Targets are batch.yq.
 */
export function stackLossAndGrads(m: LsaStack, batch: TaskBatch): { loss: number; grads: StackGrads } {
  const c = compile(m);
  checkBatch(c, batch);
  const { B, D } = { B: batch.B, D: c.D };
  const w = new Work(D, c.K);
  const grads: Grads = {
    Qbar: m.layers.map((heads) => heads.map(() => new Float64Array(D * D))),
    Vbar: m.layers.map((heads) => heads.map(() => new Float64Array(D * D))),
  };
  let loss = 0;
  for (let b = 0; b < B; b++) {
    loadTask(c, batch, b, w);
    const yhat = forwardTask(c, w);
    const r = yhat - batch.yq[b]!;
    loss += 0.5 * r * r;
    backwardTask(c, w, r / B, grads, undefined);
  }
  const out: StackGrads = m.layers.map((heads, l) =>
    heads.map((h, hi) => {
      const Qb = grads.Qbar[l]![hi]!;
      const Vb = grads.Vbar[l]![hi]!;
      const Wk = toFlat(h.Wk);
      const Wq = toFlat(h.Wq);
      const Wv = toFlat(h.Wv);
      const P = toFlat(h.P);
      const gWk = new Float64Array(D * D);
      const gWq = new Float64Array(D * D);
      const gWv = new Float64Array(D * D);
      const gP = new Float64Array(D * D);
      mmt(Wq, Qb, gWk, D);
      mm(Wk, Qb, gWq, D);
      mmt(Vb, Wv, gP, D);
      mtm(P, Vb, gWv, D);
      return { Wk: toMatrix(gWk, D), Wq: toMatrix(gWq, D), Wv: toMatrix(gWv, D), P: toMatrix(gP, D) };
    }),
  );
  return { loss: loss / B, grads: out };
}

/** ½·mean (ŷ − y_q)² of a stack on a batch (the code's loss scale). */
export function stackLoss(m: LsaStack, batch: TaskBatch, o: StackOptions = {}): number {
  const { yhat } = stackPredict(m, batch, o);
  let s = 0;
  for (let b = 0; b < batch.B; b++) s += (yhat[b]! - batch.yq[b]!) ** 2;
  return (0.5 * s) / batch.B;
}

// ---------------------------------------------------------------------------------------------
// Flat parameter vectors (for the optimiser): layers, heads, then Wk, Wq, Wv, P row-major.

export function stackSize(m: LsaStack): number {
  const D = stackDim(m);
  return m.layers.reduce((s, heads) => s + heads.length * 4 * D * D, 0);
}

export function flattenStack(m: LsaStack | StackGrads, D: number): Float64Array {
  const layers = "layers" in m ? m.layers : m;
  const out = new Float64Array(layers.reduce((s, heads) => s + heads.length * 4 * D * D, 0));
  let o = 0;
  for (const heads of layers)
    for (const h of heads)
      for (const M of [h.Wk, h.Wq, h.Wv, h.P]) for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[o++] = M[i]![j]!;
  return out;
}

/** A stack shaped like `like`, with weights from `flat`. */
export function unflattenStack(like: LsaStack, flat: ArrayLike<number>): LsaStack {
  const D = stackDim(like);
  if (flat.length !== stackSize(like)) throw new Error(`unflattenStack: expected ${stackSize(like)} numbers, got ${flat.length}`);
  let o = 0;
  const take = (): Matrix => Array.from({ length: D }, () => Array.from({ length: D }, () => flat[o++]!));
  const layers = like.layers.map((heads) => heads.map(() => ({ Wk: take(), Wq: take(), Wv: take(), P: take() })));
  return { attention: like.attention, depth: like.depth, recurrent: like.recurrent, layers };
}

/** Merged matrices W_KQ = W_Kᵀ W_Q and W_PV = P W_V of one head (for reading a trained layer). */
export function mergedOf(h: Head): { Wkq: Matrix; Wpv: Matrix } {
  const D = h.Wq.length;
  const { Q, V } = mergeHead(h, D);
  return { Wkq: toMatrix(Q, D), Wpv: toMatrix(V, D) };
}

// ---------------------------------------------------------------------------------------------
// Reference: the token formulation (any stack, optional token clipping), float64

/**
 * Every token updated by every layer, written as the attention sum over context tokens:
 *   u_j = Σ_h P_h Σ_{i≤N} (W_V e_i) ⟨W_K e_i, W_Q e_j⟩   (linear)   or with softmax_i weights,
 *   e_j ← e_j + λ u_j, then clipped to [−clip, clip] when `clip` is set (the code clips tokens of
 * deep models). Returns ŷ = −(query label slot) after each application. O(K·N²·D) per task.
 */
export function tokenForward(m: LsaStack, batch: TaskBatch, b: number, o: StackOptions & { clip?: number } = {}): number[] {
  const D = stackDim(m);
  if (batch.d + 1 !== D) throw new Error(`tokenForward: weights are for d = ${D - 1}, tasks have d = ${batch.d}`);
  const damp = o.damp ?? 1;
  if (o.clip !== undefined && !(o.clip > 0)) throw new Error(`tokenForward: clip must be positive, got ${o.clip}`);
  const { n, d } = batch;
  const T = n + 1;
  let E: number[][] = [];
  for (let i = 0; i < n; i++) E.push([...Array.from(batch.X.subarray((b * n + i) * d, (b * n + i + 1) * d)), batch.y[b * n + i]!]);
  E.push([...Array.from(batch.xq.subarray(b * d, (b + 1) * d)), 0]);
  const apply = (M: Matrix, v: number[]) => M.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
  const out: number[] = [];
  for (let k = 0; k < m.depth; k++) {
    const heads = m.layers[m.recurrent ? 0 : k]!;
    const next = E.map((e) => e.slice());
    for (const h of heads) {
      const keys = E.slice(0, n).map((e) => apply(h.Wk, e));
      const vals = E.slice(0, n).map((e) => apply(h.Wv, e));
      for (let j = 0; j < T; j++) {
        const qj = apply(h.Wq, E[j]!);
        let scores = keys.map((kv) => kv.reduce((s, x, l) => s + x * qj[l]!, 0));
        if (m.attention === "softmax") {
          const mx = Math.max(...scores);
          const ex = scores.map((s) => Math.exp(s - mx));
          const z = ex.reduce((s, x) => s + x, 0);
          scores = ex.map((x) => x / z);
        }
        const sv = new Array<number>(D).fill(0);
        scores.forEach((s, i) => vals[i]!.forEach((v, l) => (sv[l]! += s * v)));
        const u = apply(h.P, sv);
        for (let l = 0; l < D; l++) next[j]![l]! += damp * u[l]!;
      }
    }
    E = o.clip === undefined ? next : next.map((e) => e.map((v) => Math.max(-o.clip!, Math.min(o.clip!, v))));
    out.push(-E[n]![D - 1]!);
  }
  return out;
}
