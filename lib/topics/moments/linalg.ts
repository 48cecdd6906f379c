/**
 * Small float64 linear algebra for the synthetic generators and their Bayes classifiers: row-major
 * matrices as number[][] (d ≤ 32 here, so clarity beats speed).
 */
import { Rng } from "../../core/rng";

export type Matrix = number[][];

/** A Haar-random orthogonal d×d matrix: QR of a Gaussian matrix with R's diagonal made positive. */
export function randomOrthogonal(rng: Rng, d: number): Matrix {
  const a: Matrix = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  // modified Gram-Schmidt on columns
  const q: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    const v = a.map((row) => row[j]!);
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i]![k]! * v[i]!;
      for (let i = 0; i < d; i++) v[i]! -= dot * q[i]![k]!;
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (!(norm > 1e-12)) throw new Error("randomOrthogonal: degenerate Gaussian draw");
    for (let i = 0; i < d; i++) q[i]![j] = v[i]! / norm;
  }
  return q;
}

/** n values evenly spaced from a to b inclusive. */
export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** Q·diag(e)·Qᵀ. */
export function fromEigen(q: Matrix, e: number[]): Matrix {
  const d = e.length;
  const out: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += q[i]![k]! * e[k]! * q[j]![k]!;
    out[i]![j] = s;
  }
  return out;
}

export function maxAbsDiff(a: Matrix, b: Matrix): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (float64). */
export function symmetricEigenvalues(m: number[][]): number[] {
  const n = m.length;
  const a = m.map((r) => r.slice());
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! ** 2;
    if (off < 1e-24) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = a[p]![q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < n; k++) {
        const akp = a[k]![p]!;
        const akq = a[k]![q]!;
        a[k]![p] = c * akp - s * akq;
        a[k]![q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) {
        const apk = a[p]![k]!;
        const aqk = a[q]![k]!;
        a[p]![k] = c * apk - s * aqk;
        a[q]![k] = s * apk + c * aqk;
      }
    }
  }
  return a.map((r, i) => r[i]!);
}
