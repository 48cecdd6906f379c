/**
 * Row-major d×d float64 matrix kernels for the ODE right-hand sides: they run ~10⁶ times per
 * trajectory, so they write into caller-owned buffers instead of allocating (core linalg's
 * number[][] Matrix is used for everything that runs once per snapshot).
 */
import type { Matrix } from "../../core/linalg";

/** out = A B (d×d). out must not alias A or B. */
export function mm(A: Float64Array, B: Float64Array, out: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A[i * d + k]! * B[k * d + j]!;
      out[i * d + j] = s;
    }
  }
}

/** out = A Bᵀ. */
export function mmT(A: Float64Array, B: Float64Array, out: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A[i * d + k]! * B[j * d + k]!;
      out[i * d + j] = s;
    }
  }
}

/** out = Aᵀ B. */
export function mTm(A: Float64Array, B: Float64Array, out: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A[k * d + i]! * B[k * d + j]!;
      out[i * d + j] = s;
    }
  }
}

export function frob(A: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i]! * A[i]!;
  return Math.sqrt(s);
}

export function toMatrix(a: ArrayLike<number>, d: number): Matrix {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => a[i * d + j]!));
}

export function fromMatrix(M: Matrix, name: string): Float64Array {
  const d = M.length;
  if (d === 0 || M.some((r) => r.length !== d)) throw new Error(`${name}: needs a square, non-empty matrix`);
  return Float64Array.from(M.flat());
}

/** A square matrix given as a diagonal (number[]) or a full Matrix, as a flat d×d array. */
export function asFlatSquare(M: readonly number[] | Matrix, name: string): { a: Float64Array; d: number } {
  if (M.length === 0) throw new Error(`${name}: empty`);
  if (typeof M[0] === "number") {
    const v = M as readonly number[];
    const d = v.length;
    const a = new Float64Array(d * d);
    v.forEach((x, i) => (a[i * d + i] = x));
    return { a, d };
  }
  const a = fromMatrix(M as Matrix, name);
  return { a, d: (M as Matrix).length };
}
