/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan
 * §8.5), in float64. Jacobi is slow for large n (O(n³) per sweep, ~6-10 sweeps) but it is accurate
 * to a few ulps relative to ‖A‖, needs no library, and is plenty for the ≤ 256×256 matrices of the
 * studies (predictor correlations, covariance spectra). New in core because neither linalg.ts nor
 * tfjs has a symmetric eigensolver, and the linear-ssl study is not the only one that will need one.
 */
import type { Matrix } from "./linalg";

export interface SymEig {
  /** Eigenvalues, descending. */
  values: number[];
  /** Eigenvectors as columns: vectors[i][k] is component i of the k-th eigenvector (unit norm). */
  vectors: Matrix;
}

/**
 * Jacobi on a flat row-major n×n copy. Returns eigenvalues (descending) and the eigenvector matrix
 * V (row-major, column k is eigenvector k), with A = V diag(values) Vᵀ. The input is symmetrised
 * as (A + Aᵀ)/2 first; a matrix whose asymmetry exceeds 1e-8·‖A‖ is an error (a caller's bug).
 */
export function symEigFlat(a: ArrayLike<number>, n: number, name = "matrix"): { values: Float64Array; vectors: Float64Array } {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`symEig(${name}): n must be a positive integer, got ${n}`);
  if (a.length !== n * n) throw new Error(`symEig(${name}): expected ${n * n} entries for ${n}×${n}, got ${a.length}`);
  const A = new Float64Array(n * n);
  let scale = 0;
  let asym = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = a[i * n + j]!;
      if (!Number.isFinite(x)) throw new Error(`symEig(${name}): entry (${i}, ${j}) is ${x}`);
      A[i * n + j] = 0.5 * (x + a[j * n + i]!);
      scale = Math.max(scale, Math.abs(x));
      asym = Math.max(asym, Math.abs(x - a[j * n + i]!));
    }
  if (asym > 1e-8 * Math.max(scale, 1e-300))
    throw new Error(`symEig(${name}): not symmetric (max |A − Aᵀ| = ${asym.toExponential(2)} vs max |A| = ${scale.toExponential(2)})`);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += A[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += A[i * n + j]! ** 2;
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        const app = A[p * n + p]!;
        const aqq = A[q * n + q]!;
        // rotation angle that zeroes A[p][q] (the smaller root, for stability)
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j]! - A[i * n + i]!);
  const values = Float64Array.from(order, (i) => A[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src]!;
  });
  return { values, vectors };
}

/** Eigen-decomposition of a symmetric Matrix (values descending, eigenvectors as columns). */
export function symEig(M: Matrix, name = "matrix"): SymEig {
  const n = M.length;
  if (n === 0 || M.some((r) => r.length !== n)) throw new Error(`symEig(${name}): needs a square, non-empty matrix`);
  const { values, vectors } = symEigFlat(M.flat(), n, name);
  return { values: Array.from(values), vectors: Array.from({ length: n }, (_, i) => Array.from(vectors.subarray(i * n, (i + 1) * n))) };
}
