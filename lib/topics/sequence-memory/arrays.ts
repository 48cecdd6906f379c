/**
 * Shared array helpers for the sequence-memory kernels. Every kernel takes row-major
 * Float32Array or Float64Array inputs (sequences are rows: q, k [L, dk], v [L, dv]; the state S is
 * [dv, dk], the paper layout, o_t = S_t q_t) and returns arrays of the input's type, so the same
 * code is the float64 reference and the float32 kernel (JS accumulates in double either way; the
 * float32 results are rounded at every stored value).
 */

export type Arr = Float32Array | Float64Array;

/** A zeroed array of the same element type as `like`. */
export function alloc(like: Arr, n: number): Arr {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** Throws a clear error unless `a` holds exactly `n` numbers. */
export function checkLength(a: ArrayLike<number>, n: number, what: string): void {
  if (a.length !== n) throw new Error(`${what}: expected ${n} numbers, got ${a.length} (check L and the head dimensions)`);
}

export interface SeqDims {
  L: number;
  dk: number;
  dv: number;
}

export function checkDims(d: SeqDims, fn: string): void {
  for (const [name, v] of [
    ["L", d.L],
    ["dk", d.dk],
    ["dv", d.dv],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${fn}: ${name} must be a positive integer, got ${v}`);
  }
}

/** Each row of the [n, d] array scaled to unit L2 norm (a zero row stays zero). */
export function l2normRows(x: Arr, d: number): Arr {
  const out = alloc(x, x.length);
  for (let r = 0; r * d < x.length; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[r * d + j]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[r * d + j] = x[r * d + j]! * inv;
  }
  return out;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** fla's hidden query scale dk^{-1/2} (notes §1 pitfall 2): multiply our outputs by it to compare with fla. */
export const flaScale = (dk: number): number => 1 / Math.sqrt(dk);

/** Transpose of a row-major [rows, cols] matrix (fla stores h = Sᵀ, [dk, dv]). */
export function transpose(a: Arr, rows: number, cols: number): Arr {
  const out = alloc(a, a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/** max_i |a_i − b_i| (NaN if any entry is NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!);
    if (!(e <= m)) m = e;
  }
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** A copy converted to float32 (rounding each entry) or float64. */
export const toF32 = (a: ArrayLike<number>): Float32Array => Float32Array.from(a);
export const toF64 = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);
