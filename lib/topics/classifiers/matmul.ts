/**
 * The two products that dominate logistic regression and every score evaluation:
 *   Z = X W^T + b   (m x K scores)        and        G += R^T X   (K x n gradient).
 * `bindRows(X)` runs them on the WebAssembly SIMD kernels of wasm-simd.ts (about 5x faster here,
 * see bench/classifiers.ts) and falls back to the float64 JavaScript loops below where WebAssembly
 * SIMD is missing. The JavaScript loops process rows eight at a time so each weight (or residual)
 * read serves eight multiply-adds. Everything stays float64 so 1e-10 solver tolerances mean something.
 */
import { wasmKernels } from "./wasm-simd";

/** Z[i*K + k] = b[k] + sum_j X[i*n + j] * W[k*n + j]. `b` may be omitted (zero). */
export function jsScoresXWt(
  X: Float64Array,
  m: number,
  n: number,
  W: Float64Array,
  K: number,
  b: Float64Array | undefined,
  Z: Float64Array,
): void {
  let i = 0;
  for (; i + 7 < m; i += 8) {
    const o = i * n;
    for (let k = 0; k < K; k++) {
      const wo = k * n;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        s4 = 0,
        s5 = 0,
        s6 = 0,
        s7 = 0;
      for (let j = 0; j < n; j++) {
        const w = W[wo + j]!;
        const p = o + j;
        s0 += w * X[p]!;
        s1 += w * X[p + n]!;
        s2 += w * X[p + 2 * n]!;
        s3 += w * X[p + 3 * n]!;
        s4 += w * X[p + 4 * n]!;
        s5 += w * X[p + 5 * n]!;
        s6 += w * X[p + 6 * n]!;
        s7 += w * X[p + 7 * n]!;
      }
      const bk = b === undefined ? 0 : b[k]!;
      const zo = i * K + k;
      Z[zo] = s0 + bk;
      Z[zo + K] = s1 + bk;
      Z[zo + 2 * K] = s2 + bk;
      Z[zo + 3 * K] = s3 + bk;
      Z[zo + 4 * K] = s4 + bk;
      Z[zo + 5 * K] = s5 + bk;
      Z[zo + 6 * K] = s6 + bk;
      Z[zo + 7 * K] = s7 + bk;
    }
  }
  for (; i < m; i++) {
    const o = i * n;
    for (let k = 0; k < K; k++) {
      const wo = k * n;
      let s0 = 0,
        s1 = 0;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        s0 += W[wo + j]! * X[o + j]!;
        s1 += W[wo + j + 1]! * X[o + j + 1]!;
      }
      if (j < n) s0 += W[wo + j]! * X[o + j]!;
      Z[i * K + k] = s0 + s1 + (b === undefined ? 0 : b[k]!);
    }
  }
}

/** G[k*n + j] += sum_i R[i*K + k] * X[i*n + j] (G is accumulated into, not cleared). */
export function jsAccumulateRtX(R: Float64Array, X: Float64Array, m: number, n: number, K: number, G: Float64Array): void {
  let i = 0;
  for (; i + 7 < m; i += 8) {
    const o = i * n;
    for (let k = 0; k < K; k++) {
      const zo = i * K + k;
      const r0 = R[zo]!,
        r1 = R[zo + K]!,
        r2 = R[zo + 2 * K]!,
        r3 = R[zo + 3 * K]!;
      const r4 = R[zo + 4 * K]!,
        r5 = R[zo + 5 * K]!,
        r6 = R[zo + 6 * K]!,
        r7 = R[zo + 7 * K]!;
      const go = k * n;
      for (let j = 0; j < n; j++) {
        const p = o + j;
        G[go + j] +=
          r0 * X[p]! +
          r1 * X[p + n]! +
          (r2 * X[p + 2 * n]! + r3 * X[p + 3 * n]!) +
          (r4 * X[p + 4 * n]! + r5 * X[p + 5 * n]!) +
          (r6 * X[p + 6 * n]! + r7 * X[p + 7 * n]!);
      }
    }
  }
  for (; i < m; i++) {
    const o = i * n;
    for (let k = 0; k < K; k++) {
      const r = R[i * K + k]!;
      if (r === 0) continue;
      const go = k * n;
      for (let j = 0; j < n; j++) G[go + j] += r * X[o + j]!;
    }
  }
}

/** Both products for one fixed X (m x n). */
export interface RowProducts {
  readonly m: number;
  readonly n: number;
  /** Z = X W^T + b (b may be undefined: zero). */
  scores(W: Float64Array, K: number, b: Float64Array | undefined, Z: Float64Array): void;
  /** G += R^T X. */
  accumulateRtX(R: Float64Array, K: number, G: Float64Array): void;
  /**
   * The multinomial objective's data term in one pass on the WebAssembly kernels, without copying
   * scores or residuals out (absent without WebAssembly SIMD; logistic-loss.ts then runs the same
   * loop in JavaScript): Z = X W^T + b, the residual ce (softmax(Z) - onehot(y)) in place, and
   * grad = [R^T X, sum_i R_i] (overwritten). Returns per row (zmax, sum_k exp(z_k - zmax), z_y),
   * valid until the next call, from which the caller adds up the loss.
   */
  softmaxGradient?(theta: Float64Array, K: number, y: Int32Array, ce: number, grad: Float64Array): Float64Array;
}

/**
 * Which matrices are resident in WebAssembly memory. Two slots: "score" (a fixed test set that is
 * scored again and again, kept across fits) at the start, "fit" (the current training set) after
 * it, and scratch space for W, b, Z and G after both. A slot's owner is the RowProducts that put
 * its matrix there; X is copied in only when the owner changes, so a bound X must not be modified
 * in place while it is in use.
 */
interface Slot {
  owner: object | null;
  len: number;
}
const slots: Record<"score" | "fit", Slot> = { score: { owner: null, len: 0 }, fit: { owner: null, len: 0 } };

/**
 * Byte offset of `bytes` of WebAssembly memory that no resident matrix uses, for a kernel's
 * one-call inputs and outputs (naive-bayes.ts); valid until the next bindRows product.
 */
export function wasmScratch(bytes: number): number {
  const k = wasmKernels();
  if (k === null) throw new Error("wasmScratch: WebAssembly SIMD is unavailable here; check wasmKernels() first");
  const base = (slots.score.len + slots.fit.len) * 8;
  k.reserve(base + bytes);
  return base;
}

/**
 * Products with X on the fastest available kernels (see module comment). `role` "score" keeps X
 * resident across other products, for a test set scored after every fit.
 */
export function bindRows(X: Float64Array, m: number, n: number, role: "fit" | "score" = "fit"): RowProducts {
  if (X.length !== m * n) throw new Error(`bindRows: X has ${X.length} entries, expected ${m} x ${n}`);
  const k = wasmKernels();
  if (k === null) {
    return {
      m,
      n,
      scores: (W, K, b, Z) => jsScoresXWt(X, m, n, W, K, b, Z),
      accumulateRtX: (R, K, G) => jsAccumulateRtX(R, X, m, n, K, G),
    };
  }
  const token = {};
  const xLen = m * n;
  // offsets in float64 slots: [score X | fit X | W (K n) | b (K) | Z or R (m K) | G (K n) | GB (K) |
  // S (3 m) | y (m int32)]
  const resident = (K: number): { x: number; w: number; b: number; z: number; g: number; gb: number; s: number; y: number } => {
    const slot = slots[role];
    if (slot.owner !== token) {
      if (role === "score" && slot.len !== xLen) slots.fit.owner = null; // the fit slot moves
      slot.len = xLen;
      slot.owner = null;
    }
    const x = role === "score" ? 0 : slots.score.len;
    const w = slots.score.len + slots.fit.len;
    const b = w + K * n;
    const z = b + K;
    const g = z + m * K;
    const gb = g + K * n;
    const s = gb + K;
    const y = s + 3 * m;
    k.reserve((y + Math.ceil(m / 2)) * 8);
    if (slot.owner !== token) {
      k.f64().set(X, x);
      slot.owner = token;
    }
    return { x, w, b, z, g, gb, s, y };
  };
  return {
    m,
    n,
    scores(W, K, b, Z) {
      const o = resident(K);
      const mem = k.f64();
      mem.set(W.subarray(0, K * n), o.w);
      if (b === undefined) mem.fill(0, o.b, o.b + K);
      else mem.set(b.subarray(0, K), o.b);
      k.xwt(o.x * 8, m, n, o.w * 8, K, o.b * 8, o.z * 8);
      Z.set(k.f64().subarray(o.z, o.z + m * K));
    },
    accumulateRtX(R, K, G) {
      const o = resident(K);
      const mem = k.f64();
      mem.set(R.subarray(0, m * K), o.z);
      mem.set(G.subarray(0, K * n), o.g);
      k.rtx(o.z * 8, o.x * 8, m, n, K, o.g * 8);
      G.set(k.f64().subarray(o.g, o.g + K * n), 0);
    },
    softmaxGradient(theta, K, y, ce, grad) {
      const o = resident(K);
      const mem = k.f64();
      mem.set(theta.subarray(0, K * n + K), o.w); // W then b, as laid out
      new Int32Array(mem.buffer, o.y * 8, m).set(y.subarray(0, m));
      k.xwt(o.x * 8, m, n, o.w * 8, K, o.b * 8, o.z * 8);
      k.softmaxResidual(o.z * 8, o.y * 8, m, K, ce, o.s * 8, o.gb * 8);
      mem.fill(0, o.g, o.g + K * n);
      k.rtx(o.z * 8, o.x * 8, m, n, K, o.g * 8);
      grad.set(mem.subarray(o.g, o.gb + K)); // G then GB: [R^T X, sum_i R_i]
      return mem.subarray(o.s, o.s + 3 * m);
    },
  };
}
