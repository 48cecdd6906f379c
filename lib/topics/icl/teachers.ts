/**
 * Label functions ("teachers") of a task. Mahankali's Theorem 3 (notes §2a, T3) concerns nonlinear
 * teachers whose distribution is rotation invariant and symmetric under f -> -f; the nonlinear
 * teachers here are built to have both properties when x ~ N(0, I) and w ~ N(0, τ²I):
 *   tanh:  f(x) = tanh(g · wᵀx)
 *   relu2: f(x) = Σ_k v_k relu(u_kᵀx),  u_k ~ N(0, I/d),  v_k ~ N(0, 2τ²/K)   (fresh per task)
 * (relu2 is scaled so Var f(x) ≈ τ² for isotropic unit-variance x.)
 */
import type { NormalStream } from "../../core/normal";

export type TeacherSpec = { kind: "linear" } | { kind: "tanh"; gain?: number } | { kind: "relu2"; hidden: number };

/** Throws on a malformed teacher, naming the field. */
export function validateTeacher(t: TeacherSpec, d: number): void {
  if (!t || typeof t !== "object") throw new Error(`task spec teacher must be {kind: "linear" | "tanh" | "relu2", ...}`);
  if (t.kind === "linear") return;
  if (t.kind === "tanh") {
    if (t.gain !== undefined && !(Number.isFinite(t.gain) && t.gain > 0))
      throw new Error(`teacher tanh: gain must be a positive number, got ${t.gain}`);
    return;
  }
  if (t.kind === "relu2") {
    if (!Number.isInteger(t.hidden) || t.hidden < 1)
      throw new Error(`teacher relu2: hidden (width K) must be a positive integer, got ${String(t.hidden)}`);
    if (d < 1) throw new Error("teacher relu2: d must be positive");
    return;
  }
  throw new Error(`task spec teacher.kind must be "linear", "tanh" or "relu2", got ${JSON.stringify((t as { kind: unknown }).kind)}`);
}

/** Standard normals a teacher draws per task beyond w. */
export function teacherParamCount(t: TeacherSpec, d: number): number {
  return t.kind === "relu2" ? t.hidden * (d + 1) : 0;
}

export interface TeacherContext {
  B: number;
  n: number;
  d: number;
  X: Float32Array;
  xq: Float32Array;
  /** [B, d] weights drawn from the w prior (used by linear and tanh). */
  w: Float32Array;
  /** Prior scale τ (relu2 output scale). */
  tau: number;
  stream: NormalStream;
  /** Output: [B, n] noise-free context labels. */
  y: Float32Array;
  /** Output: [B] noise-free query value. */
  fq: Float32Array;
}

/** Writes f(x_i) into ctx.y and f(x_q) into ctx.fq for every task. */
export function applyTeacher(t: TeacherSpec, ctx: TeacherContext): void {
  const { B, n, d, X, xq, w, y, fq } = ctx;
  if (t.kind === "linear" || t.kind === "tanh") {
    const gain = t.kind === "tanh" ? (t.gain ?? 1) : 1;
    const squash = t.kind === "tanh";
    for (let b = 0; b < B; b++) {
      const wo = b * d;
      for (let i = 0; i <= n; i++) {
        const src = i < n ? X : xq;
        const xo = i < n ? (b * n + i) * d : b * d;
        let s = 0;
        for (let j = 0; j < d; j++) s += w[wo + j]! * src[xo + j]!;
        const v = squash ? Math.tanh(gain * s) : s;
        if (i < n) y[b * n + i] = v;
        else fq[b] = v;
      }
    }
    return;
  }
  // relu2: a fresh random two-layer network per task; all weights drawn in two bulk fills
  const K = t.hidden;
  const U = new Float32Array(B * K * d);
  const v = new Float32Array(B * K);
  ctx.stream.fillNormal(U, { std: 1 / Math.sqrt(d) });
  ctx.stream.fillNormal(v, { std: ctx.tau * Math.sqrt(2 / K) });
  w.fill(0);
  const x = new Float64Array(d);
  for (let b = 0; b < B; b++) {
    const uo = b * K * d;
    const vo = b * K;
    for (let i = 0; i <= n; i++) {
      const src = i < n ? X : xq;
      const xo = i < n ? (b * n + i) * d : b * d;
      for (let j = 0; j < d; j++) x[j] = src[xo + j]!;
      let f = 0;
      for (let k = 0; k < K; k++) {
        const r = uo + k * d;
        let h = 0;
        for (let j = 0; j < d; j++) h += U[r + j]! * x[j]!;
        f += v[vo + k]! * (h > 0 ? h : 0);
      }
      if (i < n) y[b * n + i] = f;
      else fq[b] = f;
    }
  }
}
