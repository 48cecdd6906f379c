/**
 * Small dense float64 linear algebra on plain `number[][]` row-major matrices (d ≤ ~100): closed
 * forms, Monte Carlo fits, per-task solves, synthetic covariances. tfjs is kept for batched work.
 * One copy for every study (formerly lib/icl/linalg.ts and lib/probing/linalg.ts; every function
 * of those is here with the same arithmetic, so results are bit-identical).
 */
import type { Rng } from "./rng";

export type Matrix = number[][];

/** Throws unless `M` is a rows x cols matrix of finite numbers; `name` appears in the message. */
export function assertMatrix(M: unknown, name: string, rows?: number, cols?: number): asserts M is Matrix {
  if (!Array.isArray(M) || M.length === 0 || !M.every((r) => Array.isArray(r))) {
    throw new Error(`${name} must be a non-empty matrix (array of rows)`);
  }
  const c = (M[0] as unknown[]).length;
  if (rows !== undefined && M.length !== rows) throw new Error(`${name} must have ${rows} rows, got ${M.length}`);
  if (cols !== undefined && c !== cols) throw new Error(`${name} must have ${cols} columns, got ${c}`);
  M.forEach((r: unknown[], i) => {
    if (r.length !== c) throw new Error(`${name} row ${i} has ${r.length} entries, expected ${c}`);
    r.forEach((v, j) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${name}[${i}][${j}] is not a finite number: ${String(v)}`);
    });
  });
}

export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function eye(d: number): Matrix {
  const I = zeros(d, d);
  for (let i = 0; i < d; i++) I[i]![i] = 1;
  return I;
}

export function diagMatrix(v: readonly number[]): Matrix {
  const D = zeros(v.length, v.length);
  v.forEach((x, i) => (D[i]![i] = x));
  return D;
}

export function diagOf(M: Matrix): number[] {
  return M.map((r, i) => r[i]!);
}

export function transpose(M: Matrix): Matrix {
  return M[0]!.map((_, j) => M.map((r) => r[j]!));
}

export function matMul(A: Matrix, B: Matrix): Matrix {
  const n = A.length;
  const k = B.length;
  const m = B[0]!.length;
  if (A[0]!.length !== k) throw new Error(`matMul: shapes ${n}x${A[0]!.length} and ${k}x${m} do not chain`);
  const C = zeros(n, m);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < k; l++) {
      const a = A[i]![l]!;
      if (a === 0) continue;
      const Bl = B[l]!;
      const Ci = C[i]!;
      for (let j = 0; j < m; j++) Ci[j]! += a * Bl[j]!;
    }
  }
  return C;
}

export function matVec(A: Matrix, v: readonly number[]): number[] {
  if (A[0]!.length !== v.length) throw new Error(`matVec: ${A.length}x${A[0]!.length} matrix times a vector of length ${v.length}`);
  return A.map((r) => r.reduce((s, a, j) => s + a * v[j]!, 0));
}

export function add(A: Matrix, B: Matrix): Matrix {
  return A.map((r, i) => r.map((a, j) => a + B[i]![j]!));
}

export function sub(A: Matrix, B: Matrix): Matrix {
  return A.map((r, i) => r.map((a, j) => a - B[i]![j]!));
}

export function scaleMatrix(A: Matrix, c: number): Matrix {
  return A.map((r) => r.map((a) => a * c));
}

export function trace(A: Matrix): number {
  return A.reduce((s, r, i) => s + r[i]!, 0);
}

/** Largest |A_ij| over i ≠ j. */
export function maxAbsOffDiag(A: Matrix): number {
  let m = 0;
  A.forEach((r, i) => r.forEach((a, j) => i !== j && (m = Math.max(m, Math.abs(a)))));
  return m;
}

/** Largest |A_ij - B_ij|; throws when the shapes differ (a silent NaN would pass a `< tol` check as false, not explain). */
export function maxAbsDiff(A: Matrix, B: Matrix): number {
  if (A.length !== B.length || A.some((r, i) => r.length !== B[i]!.length)) {
    throw new Error(`maxAbsDiff: shapes differ (${A.length}x${A[0]?.length ?? 0} vs ${B.length}x${B[0]?.length ?? 0})`);
  }
  let m = 0;
  A.forEach((r, i) => r.forEach((a, j) => (m = Math.max(m, Math.abs(a - B[i]![j]!)))));
  return m;
}

/** Lower Cholesky factor L with L Lᵀ = A; throws if A is not symmetric positive definite. */
export function cholesky(A: Matrix, name = "matrix"): Matrix {
  const d = A.length;
  const L = zeros(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      if (Math.abs(A[i]![j]! - A[j]![i]!) > 1e-9 * (1 + Math.abs(A[i]![j]!))) {
        throw new Error(`${name} must be symmetric: [${i}][${j}] = ${A[i]![j]} but [${j}][${i}] = ${A[j]![i]}`);
      }
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`${name} must be positive definite (Cholesky pivot ${i} is ${s})`);
        L[i]![i] = Math.sqrt(s);
      } else {
        L[i]![j] = s / L[j]![j]!;
      }
    }
  }
  return L;
}

/** A⁻¹ by Gauss-Jordan elimination with partial pivoting; throws when A is singular. */
export function inverse(A: Matrix, name = "matrix"): Matrix {
  const d = A.length;
  if (A.some((r) => r.length !== d)) throw new Error(`${name} must be square to invert`);
  const M = A.map((r, i) => [...r, ...eye(d)[i]!]);
  const scaleRef = Math.max(...A.map((r) => Math.max(...r.map(Math.abs))));
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    if (!(Math.abs(M[p]![c]!) > 1e-13 * scaleRef)) throw new Error(`${name} is singular (pivot ${c} ~ 0); it cannot be inverted`);
    [M[c], M[p]] = [M[p]!, M[c]!];
    const pivot = M[c]![c]!;
    for (let j = 0; j < 2 * d; j++) M[c]![j]! /= pivot;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = M[r]![c]!;
      if (f === 0) continue;
      for (let j = 0; j < 2 * d; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  return M.map((r) => r.slice(d));
}

/**
 * Solves A x = b (A square) via the inverse: fine for the small systems used here, and what the icl
 * closed forms were computed with (an LU solve would change their last bits).
 */
export function solve(A: Matrix, b: readonly number[], name = "matrix"): number[] {
  return matVec(inverse(A, name), b);
}

/**
 * In-place solve of the SPD system A x = b, A stored row-major in `A[0, d²)` (overwritten by its
 * Cholesky factor) and b in `b[0, d)` (overwritten by x). Returns false when A is not positive
 * definite to working precision, so the caller can fall back.
 */
export function choleskySolveInPlace(A: Float64Array, b: Float64Array, d: number): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j]!;
      for (let k = 0; k < j; k++) s -= A[i * d + k]! * A[j * d + k]!;
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, Math.abs(A[i * d + i]!)))) return false;
        A[i * d + i] = Math.sqrt(s);
      } else {
        A[i * d + j] = s / A[j * d + j]!;
      }
    }
  }
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= A[i * d + k]! * b[k]!;
    b[i] = s / A[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < d; k++) s -= A[k * d + i]! * b[k]!;
    b[i] = s / A[i * d + i]!;
  }
  return true;
}

/** Normalizes a covariance given as a diagonal (vector) or a full matrix into a d x d matrix. */
export function asCovariance(Lambda: readonly number[] | Matrix, d: number, name: string): Matrix {
  if (Lambda.length !== d) throw new Error(`${name} must have size ${d} (the dimension d), got ${Lambda.length}`);
  if ((Lambda as readonly unknown[]).every((v) => typeof v === "number")) {
    const v = Lambda as readonly number[];
    v.forEach((x, i) => {
      if (!(Number.isFinite(x) && x > 0)) throw new Error(`${name}[${i}] = ${x}: a diagonal covariance needs positive finite entries`);
    });
    return diagMatrix(v);
  }
  assertMatrix(Lambda, name, d, d);
  cholesky(Lambda, name); // validates symmetric positive definite
  return Lambda.map((r) => r.slice());
}

/** Options of `randomOrthogonal`. */
export interface RandomOrthogonalOptions {
  rows: number;
  cols: number;
  /**
   * Order of the Gaussian draws: "by-vector" (default) draws each vector to orthonormalise in turn
   * (tversky's torch-style init); "row-major" draws the rows × cols matrix row by row (probing's
   * synthetic covariances). Same distribution, different matrices for the same Rng.
   */
  draw?: "by-vector" | "row-major";
  /** Modified Gram-Schmidt passes: 2 (default) keeps QᵀQ = I to ~1e-16 at any d; 1 as probing did. */
  passes?: 1 | 2;
}

/**
 * A Haar-random matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols): Gram-Schmidt
 * on a Gaussian matrix, i.e. its QR with R's diagonal positive, as torch.nn.init.orthogonal_ (gain 1).
 *   probing randomOrthogonal(rng, d)      = randomOrthogonal(rng, {rows: d, cols: d, draw: "row-major", passes: 1})
 *   tversky orthogonal(rows, cols, rng)   = Float32Array.from(randomOrthogonal(rng, {rows, cols}).flat())
 */
export function randomOrthogonal(rng: Rng, o: RandomOrthogonalOptions): Matrix {
  const { rows, cols } = o;
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0)) {
    throw new Error(`randomOrthogonal: rows and cols must be positive integers, got ${rows} x ${cols}`);
  }
  const passes = o.passes ?? 2;
  const tall = rows >= cols;
  const n = tall ? rows : cols; // length of each vector to orthonormalise
  const k = tall ? cols : rows; // how many vectors
  let raw: Matrix | undefined;
  if ((o.draw ?? "by-vector") === "row-major") raw = Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
  const vecs: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    if (raw === undefined) for (let i = 0; i < n; i++) v[i] = rng.normal();
    else for (let i = 0; i < n; i++) v[i] = tall ? raw[i]![j]! : raw[j]![i]!;
    for (let pass = 0; pass < passes; pass++) {
      for (const u of vecs) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < n; i++) v[i] = v[i]! - dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new Error("randomOrthogonal: degenerate Gaussian draw (probability 0); use another seed");
    for (let i = 0; i < n; i++) v[i] = v[i]! / norm;
    vecs.push(v);
  }
  const Q = zeros(rows, cols);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) {
    if (tall) Q[i]![j] = vecs[j]![i]!;
    else Q[j]![i] = vecs[j]![i]!;
  }
  return Q;
}

/** Q·diag(e)·Qᵀ (a covariance from its eigendecomposition). */
export function fromEigen(Q: Matrix, e: readonly number[]): Matrix {
  const d = e.length;
  if (Q.length !== d || Q.some((r) => r.length !== d)) throw new Error(`fromEigen: Q must be ${d}x${d} for ${d} eigenvalues`);
  const out = zeros(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += Q[i]![k]! * e[k]! * Q[j]![k]!;
    out[i]![j] = s;
  }
  return out;
}

/** `count` values evenly spaced from `from` to `to` inclusive. */
export function linspace(o: { from: number; to: number; count: number }): number[] {
  if (!(Number.isInteger(o.count) && o.count >= 1)) throw new Error(`linspace: count must be a positive integer, got ${o.count}`);
  if (o.count === 1) return [o.from];
  return Array.from({ length: o.count }, (_, i) => o.from + ((o.to - o.from) * i) / (o.count - 1));
}
