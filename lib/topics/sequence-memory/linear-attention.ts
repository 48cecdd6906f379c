/**
 * Causal linear attention with decay λ (λ = 1: plain LA; λ < 1: RetNet / Lightning Attention-2):
 *   S_t = λ S_{t−1} + v_t k_tᵀ,  o_t = S_t q_t        (S [dv, dk], S_{−1} = S0 or 0)
 * in three algorithms with the same output: the recurrence (O(L d²)), the chunked form (Lightning-2,
 * O(L C d + L d²)) and the masked quadratic form (O(L² d)). No 1/√d scale and no normaliser, as in
 * the Lightning-2 torch reference (notes §2a).
 */
import { alloc, checkDims, checkLength, type Arr, type SeqDims } from "./arrays";

export interface LaOptions extends SeqDims {
  /** Decay λ ∈ (0, 1]; default 1. */
  lambda?: number;
  /** Initial state [dv, dk]; default 0. */
  S0?: ArrayLike<number>;
}

export interface SeqOut {
  /** Outputs [L, dv]. */
  o: Arr;
  /** Final state S_L [dv, dk]. */
  S: Arr;
}

/** Validates the inputs of a linear-attention kernel (naming `fn`) and returns λ and a copy of S0 (or zeros). */
export function prepareLa(q: Arr, k: Arr, v: Arr, o: LaOptions, fn: string): { lambda: number; S: Arr } {
  checkDims(o, fn);
  checkLength(q, o.L * o.dk, `${fn}: q`);
  checkLength(k, o.L * o.dk, `${fn}: k`);
  checkLength(v, o.L * o.dv, `${fn}: v`);
  const lambda = o.lambda ?? 1;
  if (!(lambda > 0 && lambda <= 1)) throw new Error(`${fn}: lambda must be in (0, 1], got ${lambda}`);
  const S = alloc(q, o.dv * o.dk);
  if (o.S0 !== undefined) {
    checkLength(o.S0, o.dv * o.dk, `${fn}: S0 ([dv, dk])`);
    for (let i = 0; i < S.length; i++) S[i] = o.S0[i]!;
  }
  return { lambda, S };
}

/** The recurrence, one token at a time (4 L d² flops): the reference. */
export function laRecurrent(q: Arr, k: Arr, v: Arr, opts: LaOptions): SeqOut {
  const { L, dk, dv } = opts;
  const { lambda, S } = prepareLa(q, k, v, opts, "laRecurrent");
  const o = alloc(q, L * dv);
  for (let t = 0; t < L; t++) {
    const kt = t * dk;
    for (let i = 0; i < dv; i++) {
      const vi = v[t * dv + i]!;
      const row = i * dk;
      let acc = 0;
      for (let j = 0; j < dk; j++) {
        const s = lambda * S[row + j]! + vi * k[kt + j]!;
        S[row + j] = s;
        acc += s * q[kt + j]!;
      }
      o[t * dv + i] = acc;
    }
  }
  return { o, S };
}

/**
 * Lightning-2 chunked form with chunk size C (any C ≥ 1; the last chunk may be shorter). With S the
 * state before a chunk and r, c the 0-based offsets inside it:
 *   o_r = λ^{r+1} S q_r + Σ_{c≤r} λ^{r−c} (k_c·q_r) v_c,   S ← λ^B S + Σ_c λ^{B−1−c} v_c k_cᵀ.
 */
export function laChunk(q: Arr, k: Arr, v: Arr, opts: LaOptions & { C: number }): SeqOut {
  const { L, dk, dv, C } = opts;
  if (!(Number.isInteger(C) && C >= 1)) throw new Error(`laChunk: chunk size C must be a positive integer, got ${C}`);
  const { lambda, S } = prepareLa(q, k, v, opts, "laChunk");
  const o = alloc(q, L * dv);
  const P = new Float64Array(C * C);
  const pw = new Float64Array(C + 1);
  for (let r = 0; r <= C; r++) pw[r] = lambda ** r;
  for (let s = 0; s < L; s += C) {
    const B = Math.min(C, L - s);
    // intra-chunk scores P[r][c] = λ^{r−c} q_r·k_c, c ≤ r
    for (let r = 0; r < B; r++) {
      const qr = (s + r) * dk;
      for (let c = 0; c <= r; c++) {
        const kc = (s + c) * dk;
        let acc = 0;
        for (let j = 0; j < dk; j++) acc += q[qr + j]! * k[kc + j]!;
        P[r * C + c] = acc * pw[r - c]!;
      }
    }
    for (let r = 0; r < B; r++) {
      const qr = (s + r) * dk;
      const orow = (s + r) * dv;
      const dec = pw[r + 1]!;
      // inter part: λ^{r+1} S q_r
      for (let i = 0; i < dv; i++) {
        let acc = 0;
        const row = i * dk;
        for (let j = 0; j < dk; j++) acc += S[row + j]! * q[qr + j]!;
        o[orow + i] = acc * dec;
      }
      // intra part: Σ_c P[r][c] v_c (accumulated in the output row; float32 output rounds once per term)
      for (let c = 0; c <= r; c++) {
        const p = P[r * C + c]!;
        const vc = (s + c) * dv;
        for (let i = 0; i < dv; i++) o[orow + i] = o[orow + i]! + p * v[vc + i]!;
      }
    }
    // state: S ← λ^B S + Σ_c λ^{B−1−c} v_c k_cᵀ
    const decB = pw[B]!;
    for (let i = 0; i < dv; i++) {
      const row = i * dk;
      for (let j = 0; j < dk; j++) S[row + j] = S[row + j]! * decB;
      for (let c = 0; c < B; c++) {
        const w = v[(s + c) * dv + i]! * pw[B - 1 - c]!;
        const kc = (s + c) * dk;
        for (let j = 0; j < dk; j++) S[row + j] = S[row + j]! + w * k[kc + j]!;
      }
    }
  }
  return { o, S };
}

/**
 * Masked quadratic form O = (QKᵀ ⊙ D) V, D[t][c] = λ^{t−c} for c ≤ t (plus λ^{t+1} S0 q_t), O(L² d).
 * No final state: this form never forms it (use laRecurrent or laChunk when S_L is needed).
 */
export function laQuadratic(q: Arr, k: Arr, v: Arr, opts: LaOptions): { o: Arr } {
  const { L, dk, dv } = opts;
  const { lambda, S } = prepareLa(q, k, v, opts, "laQuadratic");
  const o = alloc(q, L * dv);
  const hasS0 = opts.S0 !== undefined;
  const logLambda = Math.log(lambda);
  for (let t = 0; t < L; t++) {
    const qt = t * dk;
    const orow = t * dv;
    if (hasS0) {
      const dec = lambda ** (t + 1);
      for (let i = 0; i < dv; i++) {
        let acc = 0;
        for (let j = 0; j < dk; j++) acc += S[i * dk + j]! * q[qt + j]!;
        o[orow + i] = dec * acc;
      }
    }
    for (let c = 0; c <= t; c++) {
      const kc = c * dk;
      let acc = 0;
      for (let j = 0; j < dk; j++) acc += q[qt + j]! * k[kc + j]!;
      const p = lambda === 1 ? acc : acc * Math.exp(logLambda * (t - c));
      const vc = c * dv;
      for (let i = 0; i < dv; i++) o[orow + i] = o[orow + i]! + p * v[vc + i]!;
    }
  }
  return { o };
}
