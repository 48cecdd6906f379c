/**
 * The chunked forms of causal linear attention and DeltaNet on tfjs matrix products: the same
 * functions as `laChunk` and `deltaChunk` (linear-attention.ts, delta.ts), evaluated the way the
 * chunkwise algorithms are meant to run, as float32 matrix products on chunk-sized blocks (XNNPACK on
 * the WASM backend) instead of scalar loops. Float32 out; call `initTf()` first.
 *
 * Why both exist: the scalar kernels are the float64-capable references and the study's cost
 * instrument (every form runs on the same scalar engine there, so measured crossovers can be read
 * against the FLOP model; a matmul engine runs the chunk form ~10× faster per FLOP than the
 * recurrence, which would move every crossover). These are the fast path for anyone who needs the
 * outputs: bench/linear-attention.ts times them against fla's forms in PyTorch.
 *
 * Engine notes (WASM backend, measured 2026-12-04 at load ~1.5 on 2 cores): one 2-D
 * 64×64×64 product takes ~26 µs, but a batched [64, 64, 64] product takes ~10 ms, 6× the same 64
 * products issued one by one (BatchMatMul with batch > 1 leaves XNNPACK's fast path). So chunks are
 * issued as 2-D products, operands are packed in JS (transposes included: the backend's transposed
 * products are slower too, core/matmul.ts), and ops are merged where a product can carry two terms.
 * Chunk m holds tokens mC … mC + C − 1, zero-padded after L (a zero key, value and query writes
 * nothing and reads nothing; β = 0 on padding).
 */
import { tf } from "../../core/tf";
import { toF32, transpose, type Arr } from "./arrays";
import { prepareDelta, utSolve, type DeltaOptions } from "./delta";
import { prepareLa, type LaOptions } from "./linear-attention";

export interface ChunkOut {
  /** Outputs [L, dv]. */
  o: Float32Array;
  /** Final state S_L [dv, dk]. */
  S: Float32Array;
}

function checkChunkSize(C: number, fn: string): void {
  if (!(Number.isInteger(C) && C >= 1)) throw new Error(`${fn}: chunk size C must be a positive integer, got ${C}`);
}

/** Row-major [rows, cols] block of x [L, d] starting at token `start`, zero rows past L; columns placed at `col0` of a `width`-wide matrix. */
function packRows(
  x: Arr,
  o: { start: number; rows: number; d: number; L: number; out: Float32Array; width: number; col0: number; row0?: number },
): void {
  const end = Math.min(o.rows, o.L - o.start);
  const r0 = o.row0 ?? 0;
  for (let r = 0; r < end; r++) {
    const src = (o.start + r) * o.d;
    const dst = (r0 + r) * o.width + o.col0;
    for (let j = 0; j < o.d; j++) o.out[dst + j] = x[src + j]!;
  }
}

/** Transposed block: out[j][col0 + r] = x[start + r][j] · (w?.[start + r] ?? 1), for r < rows and tokens < L. */
function packCols(
  x: Arr,
  o: { start: number; rows: number; d: number; L: number; out: Float32Array; width: number; col0: number; w?: Float64Array },
): void {
  const end = Math.min(o.rows, o.L - o.start);
  for (let r = 0; r < end; r++) {
    const src = (o.start + r) * o.d;
    const s = o.w ? o.w[o.start + r]! : 1;
    for (let j = 0; j < o.d; j++) o.out[j * o.width + o.col0 + r] = x[src + j]! * s;
  }
}

/**
 * Chunked linear attention with decay λ, chunk after chunk. With S the state before chunk m (Sᵀ is
 * updated in JS and rounded to float32 once per chunk, as a float32 product would store it):
 *   O_m = (Q_m K_mᵀ ⊙ D) V_m + diag(λ^{r+1}) Q_m Sᵀ,   D[r][c] = λ^{r−c} (c ≤ r),
 *   Sᵀ ← λ^B Sᵀ + Σ_c λ^{B−1−c} k_c v_cᵀ,
 * both from two products: Y = ([Q_m; 0] [K_mᵀ | Sᵀ]) ⊙ [D | λ^{r+1}; 0] + [0; K_wᵀ | 0] and
 * Y [V_m; I] = [O_m; the chunk's write]. Four ops per chunk: tfjs's per-op cost (~20 µs here) and not
 * the arithmetic sets the time, so one merged product beats separate ones (measured: 18.0 vs 19.7 ms
 * at L = 4096, d = C = 64, against a two-pass version: every chunk's write first, the states from one
 * [n+1, n] product, then the outputs).
 */
export function laChunkMatmul(q: Arr, k: Arr, v: Arr, opts: LaOptions & { C: number }): ChunkOut {
  const { L, dk, dv, C } = opts;
  checkChunkSize(C, "laChunkMatmul");
  const { lambda, S } = prepareLa(q, k, v, opts, "laChunkMatmul");
  const n = Math.ceil(L / C);
  const ST = transpose(S, dv, dk);
  const width = C + dv;
  const rowsY = C + dk;
  const mask = new Float32Array(rowsY * width);
  for (let r = 0; r < C; r++) {
    for (let c = 0; c <= r; c++) mask[r * width + c] = lambda ** (r - c);
    for (let i = 0; i < dv; i++) mask[r * width + C + i] = lambda ** (r + 1);
  }
  const maskT = tf.tensor2d(mask, [rowsY, width]);
  const o = new Float32Array(L * dv);
  const base = { L, rows: C };
  const w = new Float64Array(L);
  const Qe = new Float32Array(rowsY * dk);
  const R = new Float32Array(dk * width);
  const Bp = new Float32Array(rowsY * width);
  const VI = new Float32Array(width * dv);
  for (let i = 0; i < dv; i++) VI[(C + i) * dv + i] = 1;
  try {
    for (let m = 0; m < n; m++) {
      const start = m * C;
      const B = Math.min(C, L - start);
      for (let c = 0; c < B; c++) w[start + c] = lambda ** (B - 1 - c);
      Qe.fill(0, 0, C * dk);
      packRows(q, { ...base, start, d: dk, out: Qe, width: dk, col0: 0 });
      R.fill(0);
      packCols(k, { ...base, start, d: dk, out: R, width, col0: 0 });
      for (let j = 0; j < dk; j++) for (let i = 0; i < dv; i++) R[j * width + C + i] = ST[j * dv + i]!;
      Bp.fill(0, C * width);
      packCols(k, { ...base, start, d: dk, out: Bp.subarray(C * width), width, col0: 0, w });
      VI.fill(0, 0, C * dv);
      packRows(v, { ...base, start, d: dv, out: VI, width: dv, col0: 0 });
      const ou = tf.tidy(() =>
        tf.matMul(
          tf.add(tf.mul(tf.matMul(tf.tensor2d(Qe, [rowsY, dk]), tf.tensor2d(R, [dk, width])), maskT), tf.tensor2d(Bp, [rowsY, width])),
          tf.tensor2d(VI, [width, dv]),
        ),
      );
      const OU = ou.dataSync() as Float32Array;
      o.set(OU.subarray(0, B * dv), start * dv);
      const dec = lambda ** B;
      for (let x = 0; x < dk * dv; x++) ST[x] = Math.fround(dec * ST[x]! + OU[C * dv + x]!);
      ou.dispose();
    }
  } finally {
    maskT.dispose();
  }
  return { o, S: toF32(transpose(ST, dk, dv)) };
}

/**
 * Chunkwise DeltaNet (WY/UT form), one chunk after another (each needs the state before it). Per
 * chunk: [K; Q] Kᵀ gives the Gram matrix (→ T, in JS) and the causal scores at once; W = T K,
 * U = T V; the pseudo-values U' = U − W Sᵀ; O = [tril(Q Kᵀ) | Q] [U'; Sᵀ]; Sᵀ ← Sᵀ + Kᵀ U'.
 * T comes from delta.ts's utSolve, forward substitution in JS: tfjs has no triangular solver, and
 * the matmul-only doubling product is the ill-conditioned alternative the notes warn against (DN9).
 */
export function deltaChunkMatmul(q: Arr, k: Arr, v: Arr, beta: ArrayLike<number>, opts: DeltaOptions & { C: number }): ChunkOut {
  const { L, dk, dv, C } = opts;
  checkChunkSize(C, "deltaChunkMatmul");
  const S0T = toF32(transpose(prepareDelta(q, k, v, beta, opts, "deltaChunkMatmul"), dv, dk));
  const base = { L, rows: C };
  const o = new Float32Array(L * dv);
  let ST: tf.Tensor2D = tf.tensor2d(S0T, [dk, dv]);
  try {
    for (let m = 0; m < Math.ceil(L / C); m++) {
      const start = m * C;
      const KQ = new Float32Array(2 * C * dk);
      packRows(k, { ...base, start, d: dk, out: KQ, width: dk, col0: 0 });
      packRows(q, { ...base, start, d: dk, out: KQ, width: dk, col0: 0, row0: C });
      const KT = new Float32Array(dk * C);
      packCols(k, { ...base, start, d: dk, out: KT, width: C, col0: 0 });
      const gs = tf.tidy(() => tf.matMul(tf.tensor2d(KQ, [2 * C, dk]), tf.tensor2d(KT, [dk, C])));
      const GS = gs.dataSync() as Float32Array;
      gs.dispose();
      const T = new Float32Array(C * C);
      utSolve(GS, beta, { start, B: Math.min(C, L - start), stride: C, out: T });
      const PQ = new Float32Array(C * (C + dk));
      for (let r = 0; r < C; r++) for (let c = 0; c <= r; c++) PQ[r * (C + dk) + c] = GS[(C + r) * C + c]!;
      packRows(q, { ...base, start, d: dk, out: PQ, width: C + dk, col0: C });
      const Km = KQ.subarray(0, C * dk);
      const Vm = new Float32Array(C * dv);
      packRows(v, { ...base, start, d: dv, out: Vm, width: dv, col0: 0 });
      const prev = ST;
      const [om, next] = tf.tidy(() => {
        const Tt = tf.tensor2d(T, [C, C]);
        const W = tf.matMul(Tt, tf.tensor2d(Km, [C, dk]));
        const Up = tf.sub(tf.matMul(Tt, tf.tensor2d(Vm, [C, dv])), tf.matMul(W, prev));
        const out = tf.matMul(tf.tensor2d(PQ, [C, C + dk]), tf.concat([Up, prev], 0));
        return [out, tf.add(prev, tf.matMul(tf.tensor2d(KT, [dk, C]), Up)) as tf.Tensor2D];
      });
      const rows = Math.min(C, L - start);
      o.set((om.dataSync() as Float32Array).subarray(0, rows * dv), start * dv);
      om.dispose();
      prev.dispose();
      ST = next;
    }
    return { o, S: transpose(ST.dataSync() as Float32Array, dk, dv) as Float32Array };
  } finally {
    ST.dispose();
  }
}
