/**
 * DeltaNet (Yang et al. 2024; notes §2a): the delta rule
 *   S_t = S_{t−1}(I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ = S_{t−1} + u_t k_tᵀ,  u_t = β_t (v_t − S_{t−1} k_t),
 *   o_t = S_t q_t,
 * in three algorithms with the same output: the recurrence (6 L d² flops), the chunkwise WY/UT form
 * (fla naive.py, any chunk size, ragged last chunk) and the fully parallel form (the chunk form with
 * C = L, O(L² d)). β_t ∈ [0, 2]: sigmoid gives (0, 1), fla's allow_neg_eigval gives 2·sigmoid ∈ (0, 2)
 * (transition eigenvalue 1 − β‖k‖² ∈ (−1, 1) for unit keys); β = 2 with a unit key is a reflection.
 * Keys should have unit norm (notes §1 pitfall 3, check DN7): the kernels do not normalise them.
 *
 * DeltaProduct (Siems et al. 2025; notes §3a): n_h delta sub-steps per token, read after the last.
 */
import { alloc, checkDims, checkLength, type Arr, type SeqDims } from "./arrays";
import type { SeqOut } from "./linear-attention";

export interface DeltaOptions extends SeqDims {
  /** Initial state [dv, dk]; default 0. */
  S0?: ArrayLike<number>;
}

/** Validates the inputs of a DeltaNet kernel (naming `fn`; β ∈ [0, 2]) and returns a copy of S0 (or zeros). */
export function prepareDelta(q: Arr, k: Arr, v: Arr, beta: ArrayLike<number>, o: DeltaOptions, fn: string): Arr {
  checkDims(o, fn);
  checkLength(q, o.L * o.dk, `${fn}: q`);
  checkLength(k, o.L * o.dk, `${fn}: k`);
  checkLength(v, o.L * o.dv, `${fn}: v`);
  checkLength(beta, o.L, `${fn}: beta (one per token)`);
  for (let t = 0; t < o.L; t++) {
    const b = beta[t]!;
    if (!(b >= 0 && b <= 2)) throw new Error(`${fn}: beta[${t}] = ${b} is outside [0, 2] (use sigmoid or 2·sigmoid)`);
  }
  const S = alloc(q, o.dv * o.dk);
  if (o.S0 !== undefined) {
    checkLength(o.S0, o.dv * o.dk, `${fn}: S0 ([dv, dk])`);
    for (let i = 0; i < S.length; i++) S[i] = o.S0[i]!;
  }
  return S;
}

/** The recurrence, one token at a time: per state row, S k, the rank-1 update and S q in one pass. */
export function deltaRecurrent(q: Arr, k: Arr, v: Arr, beta: ArrayLike<number>, opts: DeltaOptions): SeqOut {
  const { L, dk, dv } = opts;
  const S = prepareDelta(q, k, v, beta, opts, "deltaRecurrent");
  const o = alloc(q, L * dv);
  for (let t = 0; t < L; t++) {
    const kt = t * dk;
    const b = beta[t]!;
    for (let i = 0; i < dv; i++) {
      const row = i * dk;
      let sk = 0;
      for (let j = 0; j < dk; j++) sk += S[row + j]! * k[kt + j]!;
      const u = b * (v[t * dv + i]! - sk);
      let acc = 0;
      for (let j = 0; j < dk; j++) {
        const s = S[row + j]! + u * k[kt + j]!;
        S[row + j] = s;
        acc += s * q[kt + j]!;
      }
      o[t * dv + i] = acc;
    }
  }
  return { o, S };
}

/**
 * The WY/UT transform of one chunk (rows `start` … `start + B − 1`): W = T K, U = T V with
 * T = (I + A)⁻¹ diag(β), A = tril(diag(β) K Kᵀ, −1), by forward substitution
 * x_r = β_r([k_r | v_r] − Σ_{i<r} (k_r·k_i) x_i) (no inverse is formed).
 */
export function wyChunk(
  k: Arr,
  v: Arr,
  beta: ArrayLike<number>,
  o: { start: number; B: number; dk: number; dv: number },
): { W: Arr; U: Arr } {
  const { start, B, dk, dv } = o;
  const W = alloc(k, B * dk);
  const U = alloc(v, B * dv);
  const wk = new Float64Array(dk);
  const wv = new Float64Array(dv);
  for (let r = 0; r < B; r++) {
    const kr = (start + r) * dk;
    for (let j = 0; j < dk; j++) wk[j] = k[kr + j]!;
    for (let j = 0; j < dv; j++) wv[j] = v[(start + r) * dv + j]!;
    for (let i = 0; i < r; i++) {
      const ki = (start + i) * dk;
      let g = 0;
      for (let j = 0; j < dk; j++) g += k[kr + j]! * k[ki + j]!;
      if (g === 0) continue;
      for (let j = 0; j < dk; j++) wk[j] = wk[j]! - g * W[i * dk + j]!;
      for (let j = 0; j < dv; j++) wv[j] = wv[j]! - g * U[i * dv + j]!;
    }
    const b = beta[start + r]!;
    for (let j = 0; j < dk; j++) W[r * dk + j] = b * wk[j]!;
    for (let j = 0; j < dv; j++) U[r * dv + j] = b * wv[j]!;
  }
  return { W, U };
}

/**
 * Chunkwise form with chunk size C (any C ≥ 1; the last chunk may be shorter). Per chunk, with S the
 * state before it: U' = U − W Sᵀ (pseudo-values), O = Q Sᵀ + (Q Kᵀ ⊙ M) U', S ← S + U'ᵀ K.
 */
export function deltaChunk(q: Arr, k: Arr, v: Arr, beta: ArrayLike<number>, opts: DeltaOptions & { C: number }): SeqOut {
  const { L, dk, dv, C } = opts;
  if (!(Number.isInteger(C) && C >= 1)) throw new Error(`deltaChunk: chunk size C must be a positive integer, got ${C}`);
  const S = prepareDelta(q, k, v, beta, opts, "deltaChunk");
  const o = alloc(q, L * dv);
  const Up = alloc(v, C * dv);
  for (let s = 0; s < L; s += C) {
    const B = Math.min(C, L - s);
    const { W, U } = wyChunk(k, v, beta, { start: s, B, dk, dv });
    // U'_r = U_r − S w_r
    for (let r = 0; r < B; r++) {
      for (let i = 0; i < dv; i++) {
        let acc = 0;
        const row = i * dk;
        for (let j = 0; j < dk; j++) acc += S[row + j]! * W[r * dk + j]!;
        Up[r * dv + i] = U[r * dv + i]! - acc;
      }
    }
    // O_r = S q_r + Σ_{c≤r} (q_r·k_c) U'_c
    for (let r = 0; r < B; r++) {
      const qr = (s + r) * dk;
      const orow = (s + r) * dv;
      for (let i = 0; i < dv; i++) {
        let acc = 0;
        const row = i * dk;
        for (let j = 0; j < dk; j++) acc += S[row + j]! * q[qr + j]!;
        o[orow + i] = acc;
      }
      for (let c = 0; c <= r; c++) {
        const kc = (s + c) * dk;
        let p = 0;
        for (let j = 0; j < dk; j++) p += q[qr + j]! * k[kc + j]!;
        for (let i = 0; i < dv; i++) o[orow + i] = o[orow + i]! + p * Up[c * dv + i]!;
      }
    }
    // S ← S + U'ᵀ K
    for (let i = 0; i < dv; i++) {
      const row = i * dk;
      for (let r = 0; r < B; r++) {
        const u = Up[r * dv + i]!;
        if (u === 0) continue;
        const kr = (s + r) * dk;
        for (let j = 0; j < dk; j++) S[row + j] = S[row + j]! + u * k[kr + j]!;
      }
    }
  }
  return { o, S };
}

/**
 * Fully parallel form: one chunk of length L, O = Q S0ᵀ + tril(Q Kᵀ)(T V − T K S0ᵀ), O(L² d). With
 * `attention: true` it also returns the effective attention matrix tril(QKᵀ)·T [L, L] (O(L³):
 * small L only), fla's delta_rule_parallel `A`.
 */
export function deltaParallel(
  q: Arr,
  k: Arr,
  v: Arr,
  beta: ArrayLike<number>,
  opts: DeltaOptions & { attention?: boolean },
): SeqOut & { attention?: Float64Array } {
  const out = deltaChunk(q, k, v, beta, { ...opts, C: opts.L });
  if (!opts.attention) return out;
  const { L, dk } = opts;
  const T = utTransform(Float64Array.from(k), beta, { start: 0, B: L, dk });
  const A = new Float64Array(L * L);
  for (let t = 0; t < L; t++)
    for (let c = 0; c <= t; c++) {
      let p = 0;
      for (let j = 0; j < dk; j++) p += q[t * dk + j]! * k[c * dk + j]!;
      for (let m = 0; m <= c; m++) A[t * L + m] = A[t * L + m]! + p * T[c * L + m]!;
    }
  return { ...out, attention: A };
}

/**
 * The UT transform T = (I + A)⁻¹ diag(β) of one chunk as an explicit [B, B] lower-triangular matrix
 * (for the conditioning checks DN7/DN9; the kernels never form it), by forward substitution
 * (utSolve) on the chunk's Gram matrix k_r·k_i, computed in double. Rounded to the input's precision
 * at every stored entry.
 */
export function utTransform(k: Arr, beta: ArrayLike<number>, o: { start: number; B: number; dk: number }): Arr {
  const { start, B, dk } = o;
  const gram = new Float64Array(B * B);
  for (let r = 0; r < B; r++)
    for (let i = 0; i < r; i++) {
      let g = 0;
      for (let j = 0; j < dk; j++) g += k[(start + r) * dk + j]! * k[(start + i) * dk + j]!;
      gram[r * B + i] = g;
    }
  const T = alloc(k, B * B);
  utSolve(gram, beta, { start, B, stride: B, out: T });
  return T;
}

/**
 * Forward substitution for the UT transform: row r of T is β_r(e_r − Σ_{i<r} g_ri T_i), for the
 * first B rows of a chunk whose tokens start at `start`; `gram` holds g_ri (r > i) and `out` receives
 * T, both row-major with row length `stride` (≥ B). Rows are accumulated in double and stored at
 * `out`'s precision. Shared by utTransform and the matmul form (matmul-forms.ts, Gram from a product).
 */
export function utSolve(gram: ArrayLike<number>, beta: ArrayLike<number>, o: { start: number; B: number; stride: number; out: Arr }): void {
  const { start, B, stride, out: T } = o;
  const row = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    row.fill(0);
    row[r] = 1;
    for (let i = 0; i < r; i++) {
      const g = gram[r * stride + i]!;
      for (let m = 0; m <= i; m++) row[m] = row[m]! - g * T[i * stride + m]!;
    }
    const b = beta[start + r]!;
    for (let m = 0; m <= r; m++) T[r * stride + m] = b * row[m]!;
  }
}

/**
 * The same T by the matmul-only doubling product (I + A)⁻¹ = (I − A)(I + A²)(I + A⁴)⋯ (exact in exact
 * arithmetic since A is nilpotent), every product rounded to the input's precision: the alternative
 * the notes warn against (DN9). Returns T and the largest intermediate entry.
 */
export function utTransformDoubling(
  k: Arr,
  beta: ArrayLike<number>,
  o: { start: number; B: number; dk: number },
): { T: Arr; maxPower: number } {
  const { start, B, dk } = o;
  const mm = (a: Arr, b: Arr): Arr => {
    const c = alloc(k, B * B);
    const acc = new Float64Array(B);
    for (let i = 0; i < B; i++) {
      acc.fill(0);
      for (let m = 0; m < B; m++) {
        const aim = a[i * B + m]!;
        if (aim === 0) continue;
        for (let j = 0; j < B; j++) acc[j] = acc[j]! + aim * b[m * B + j]!;
      }
      for (let j = 0; j < B; j++) c[i * B + j] = acc[j]!;
    }
    return c;
  };
  const A = alloc(k, B * B);
  for (let r = 0; r < B; r++)
    for (let i = 0; i < r; i++) {
      let g = 0;
      for (let j = 0; j < dk; j++) g += k[(start + r) * dk + j]! * k[(start + i) * dk + j]!;
      A[r * B + i] = beta[start + r]! * g;
    }
  // X = I − A, P = A; repeat: P = P², X = X (I + P)
  let X = alloc(k, B * B);
  for (let i = 0; i < B * B; i++) X[i] = -A[i]!;
  for (let i = 0; i < B; i++) X[i * B + i] = 1;
  let P: Arr = A;
  let maxPower = 0;
  for (let span = 2; span < B; span *= 2) {
    P = mm(P, P);
    for (let i = 0; i < P.length; i++) maxPower = Math.max(maxPower, Math.abs(P[i]!));
    const IP = alloc(k, B * B);
    for (let i = 0; i < B * B; i++) IP[i] = P[i]!;
    for (let i = 0; i < B; i++) IP[i * B + i] = IP[i * B + i]! + 1;
    X = mm(X, IP);
  }
  const T = alloc(k, B * B);
  for (let r = 0; r < B; r++) for (let m = 0; m < B; m++) T[r * B + m] = X[r * B + m]! * beta[start + m]!;
  return { T, maxPower };
}

// ---------------------------------------------------------------------------------------------
// DeltaProduct

export interface ProductOptions extends DeltaOptions {
  /** Householder sub-steps per token. */
  nh: number;
}

function checkProduct(q: Arr, kSub: Arr, vSub: Arr, betaSub: ArrayLike<number>, o: ProductOptions, fn: string): void {
  if (!(Number.isInteger(o.nh) && o.nh >= 1)) throw new Error(`${fn}: nh (sub-steps per token) must be a positive integer, got ${o.nh}`);
  checkDims(o, fn);
  checkLength(q, o.L * o.dk, `${fn}: q`);
  checkLength(kSub, o.L * o.nh * o.dk, `${fn}: kSub ([L·nh, dk], sub-steps of token t at rows t·nh … t·nh+nh−1)`);
  checkLength(vSub, o.L * o.nh * o.dv, `${fn}: vSub ([L·nh, dv])`);
  checkLength(betaSub, o.L * o.nh, `${fn}: betaSub ([L·nh])`);
}

/** The DeltaProduct recurrence: n_h delta sub-steps per token, then o_t = S q_t. */
export function deltaProductRecurrent(q: Arr, kSub: Arr, vSub: Arr, betaSub: ArrayLike<number>, opts: ProductOptions): SeqOut {
  checkProduct(q, kSub, vSub, betaSub, opts, "deltaProductRecurrent");
  const { L, dk, dv, nh } = opts;
  let S: Arr = alloc(q, dv * dk);
  if (opts.S0 !== undefined) for (let i = 0; i < S.length; i++) S[i] = opts.S0[i]!;
  const o = alloc(q, L * dv);
  const zq = alloc(q, dk);
  for (let t = 0; t < L; t++) {
    for (let j = 0; j < nh; j++) {
      const r = t * nh + j;
      const step = deltaRecurrent(
        j === nh - 1 ? q.subarray(t * dk, (t + 1) * dk) : zq,
        kSub.subarray(r * dk, (r + 1) * dk),
        vSub.subarray(r * dv, (r + 1) * dv),
        [betaSub[r]!],
        {
          L: 1,
          dk,
          dv,
          S0: S,
        },
      );
      S = step.S;
      if (j === nh - 1) o.set(step.o, t * dv);
    }
  }
  return { o, S };
}

/** Queries on the interleaved sequence of length L·n_h: q_t at each token's last sub-step, 0 elsewhere. */
export function interleaveQueries(q: Arr, o: { L: number; dk: number; nh: number }): Arr {
  const out = alloc(q, o.L * o.nh * o.dk);
  for (let t = 0; t < o.L; t++) out.set(q.subarray(t * o.dk, (t + 1) * o.dk), (t * o.nh + o.nh - 1) * o.dk);
  return out;
}

/**
 * DeltaProduct as DeltaNet on the interleaved sequence (notes §3a): any DeltaNet algorithm applies
 * unchanged; `C` picks the chunk form (default: fully parallel, C = L·n_h).
 */
export function deltaProduct(q: Arr, kSub: Arr, vSub: Arr, betaSub: ArrayLike<number>, opts: ProductOptions & { C?: number }): SeqOut {
  checkProduct(q, kSub, vSub, betaSub, opts, "deltaProduct");
  const { L, dk, dv, nh } = opts;
  const Ln = L * nh;
  const full = deltaChunk(interleaveQueries(q, opts), kSub, vSub, betaSub, { L: Ln, dk, dv, S0: opts.S0, C: opts.C ?? Ln });
  const o = alloc(q, L * dv);
  for (let t = 0; t < L; t++) o.set(full.o.subarray((t * nh + nh - 1) * dv, (t * nh + nh) * dv), t * dv);
  return { o, S: full.S };
}
