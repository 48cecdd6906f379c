/**
 * The global minimisers of the training MSE of the linear forecasters (notes §3.2), in float64:
 *   Linear-OLS   [x, 1] → y over all N_train windows × C channels ((L+1)×(L+1) normal equations);
 *   NLinear-OLS  [x − x_L, 1] → y − x_L, dropping the identically-zero feature x_L − x_L.
 * DLinear spans the same functions as Linear (W_s(I−M)x + W_t Mx with W_s = W_t = W), so its
 * optimum is Linear-OLS.
 *
 * The Gram matrix of a window set is a lagged second-moment matrix of each channel's series,
 *   M[a][b] = Σ_c Σ_{i<N} s_c[i+a] s_c[i+b],  a, b < L + H,
 * whose look-back block is XᵀX and off-diagonal block XᵀY. Along a diagonal
 * M[a+1][b+1] = M[a][b] + Σ_c (s_c[N+a]s_c[N+b] − s_c[a]s_c[b]), so it costs O((L+H)²·C) after the
 * first row instead of O(N·L²·C). The normal equations are solved by core linalg's Cholesky.
 */
import { cholesky } from "../../core/linalg";
import type { ModelName } from "./models";
import type { WindowSet } from "./windows";

export interface LaggedMoments {
  /** L + H */
  K: number;
  /** Windows × channels summed over. */
  count: number;
  /** M[a][b], K×K row-major. */
  M: Float64Array;
  /** S[a] = Σ_c Σ_i s_c[i+a]. */
  S: Float64Array;
}

/** The lagged moments of a window set (float64). */
export function laggedMoments(w: WindowSet): LaggedMoments {
  const K = w.L + w.H;
  const N = w.n;
  const C = w.channels;
  const M = new Float64Array(K * K);
  const S = new Float64Array(K);
  const at = (c: number, j: number) => w.data[(w.range.start + j) * C + c]!;
  for (let c = 0; c < C; c++) {
    for (let b = 0; b < K; b++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += at(c, i) * at(c, i + b);
      M[b]! += s;
    }
    let s0 = 0;
    for (let i = 0; i < N; i++) s0 += at(c, i);
    S[0]! += s0;
  }
  for (let a = 0; a + 1 < K; a++) {
    let d = 0;
    for (let c = 0; c < C; c++) d += at(c, N + a) - at(c, a);
    S[a + 1] = S[a]! + d;
  }
  // first row is done; walk each diagonal from it
  for (let a = 0; a + 1 < K; a++) {
    for (let b = a; b + 1 < K; b++) {
      let d = 0;
      for (let c = 0; c < C; c++) d += at(c, N + a) * at(c, N + b) - at(c, a) * at(c, b);
      M[(a + 1) * K + b + 1] = M[a * K + b]! + d;
    }
  }
  for (let a = 0; a < K; a++) for (let b = 0; b < a; b++) M[a * K + b] = M[b * K + a]!;
  return { K, count: N * C, M, S };
}

export interface OlsFit {
  model: "Linear" | "NLinear";
  L: number;
  H: number;
  /** W as [L, H] row-major (row L−1 zero for NLinear: x_L − x_L carries nothing), then the bias [H]: the layout of models.ts. */
  theta: Float32Array;
  /** The same in float64. */
  theta64: Float64Array;
}

/** Solves A X = B for SPD A (d×d) and k right-hand sides with core's Cholesky factor. */
export function solveSpd(A: Float64Array, d: number, B: Float64Array, k: number, name = "normal equations"): Float64Array {
  const rows = Array.from({ length: d }, (_, i) => Array.from(A.subarray(i * d, (i + 1) * d)));
  const Lc = cholesky(rows, name);
  const X = Float64Array.from(B);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < d; i++) {
      let s = X[i * k + j]!;
      const Li = Lc[i]!;
      for (let m = 0; m < i; m++) s -= Li[m]! * X[m * k + j]!;
      X[i * k + j] = s / Li[i]!;
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = X[i * k + j]!;
      for (let m = i + 1; m < d; m++) s -= Lc[m]![i]! * X[m * k + j]!;
      X[i * k + j] = s / Lc[i]![i]!;
    }
  }
  return X;
}

/** Least-squares Linear or NLinear on the training windows (float64 normal equations). */
export function fitOls(model: ModelName, train: WindowSet, mom: LaggedMoments = laggedMoments(train)): OlsFit {
  if (model === "DLinear") throw new Error('fitOls: DLinear spans the same functions as Linear; fit "Linear" (notes §3.2)');
  const { L, H } = train;
  const { K, M, S, count } = mom;
  if (K !== L + H) throw new Error(`fitOls: moments are for L + H = ${K}, the windows have ${L + H}`);
  const q = L - 1; // index of x_L
  // features f = 0..P−1 (lags, minus x_L for NLinear; x_L itself dropped), then the constant
  const P = model === "Linear" ? L : L - 1;
  const d = P + 1;
  const m = (a: number, b: number) => M[a * K + b]!;
  const centered = model === "NLinear";
  // E[(s_a − s_q)(s_b − s_q)] expands into M entries; sums likewise
  const mm = (a: number, b: number) => (centered ? m(a, b) - m(a, q) - m(q, b) + m(q, q) : m(a, b));
  const ss = (a: number) => (centered ? S[a]! - S[q]! : S[a]!);
  const A = new Float64Array(d * d);
  const B = new Float64Array(d * H);
  for (let f = 0; f < P; f++) {
    for (let g = 0; g < P; g++) A[f * d + g] = mm(f, g);
    A[f * d + P] = ss(f);
    A[P * d + f] = ss(f);
    for (let h = 0; h < H; h++) B[f * H + h] = mm(f, L + h);
  }
  A[P * d + P] = count;
  for (let h = 0; h < H; h++) B[P * H + h] = ss(L + h);
  const X = solveSpd(A, d, B, H, `${model}-OLS normal equations`);
  const theta64 = new Float64Array(L * H + H);
  for (let f = 0; f < P; f++) for (let h = 0; h < H; h++) theta64[f * H + h] = X[f * H + h]!;
  for (let h = 0; h < H; h++) theta64[L * H + h] = X[P * H + h]!;
  return { model, L, H, theta: Float32Array.from(theta64), theta64 };
}
