/**
 * Initialisations of the feature bank Ω and prototypes Π (notes §3, §5.1, §11), drawn from the
 * seeded Rng so every run is reproducible. Shapes are row-major [rows, cols] (a bank is [K, d]).
 */
import type { Rng } from "../../core/rng";

/**
 * - `uniform`: U(0, 1), the official `torch.nn.init.uniform_` ([C]); the XOR grid's "uniform".
 * - `normal`: N(0, 1), `torch.nn.init.normal_` defaults (the grid's "normal"; range [NF], ours).
 * - `orthogonal`: `torch.nn.init.orthogonal_` with gain 1 (the grid's "orthogonal").
 * - `symmetric`: U(−√(3/d), √(3/d)), zero-centred with variance 1/d ([L] §6.3 default).
 */
export const INITS = ["uniform", "normal", "orthogonal", "symmetric"] as const;
export type InitName = (typeof INITS)[number];

/** Draws a [rows, cols] matrix (row-major) with the named initialisation. */
export function initMatrix(a: { init: InitName; rows: number; cols: number; rng: Rng }): Float32Array {
  const { init: name, rows, cols, rng } = a;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`initMatrix: shape must be positive integers, got [${rows}, ${cols}]`);
  }
  switch (name) {
    case "uniform":
      return rng.uniforms(rows * cols, 0, 1);
    case "normal":
      return rng.normals(rows * cols, 0, 1);
    case "symmetric": {
      const a = Math.sqrt(3 / cols);
      return rng.uniforms(rows * cols, -a, a);
    }
    case "orthogonal":
      return orthogonal({ rows, cols, rng });
    default:
      throw new Error(`unknown initialisation ${JSON.stringify(name)}; pick one of ${INITS.join(", ")}`);
  }
}

/**
 * torch.nn.init.orthogonal_: QR of a Gaussian matrix (transposed when rows < cols) with the signs
 * of R's diagonal folded into Q. Gram-Schmidt gives R a positive diagonal, i.e. that same Q.
 * Result: orthonormal columns if rows ≥ cols, orthonormal rows otherwise.
 */
export function orthogonal(a: { rows: number; cols: number; rng: Rng }): Float32Array {
  const { rows, cols, rng } = a;
  const tall = rows >= cols;
  const n = tall ? rows : cols; // length of each vector to orthonormalise
  const k = tall ? cols : rows; // how many vectors
  const vecs: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    // modified Gram-Schmidt, twice for numerical orthogonality
    for (let pass = 0; pass < 2; pass++) {
      for (const u of vecs) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < n; i++) v[i] = v[i]! - dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new Error("orthogonal init: degenerate Gaussian draw (probability 0); use another seed");
    for (let i = 0; i < n; i++) v[i] = v[i]! / norm;
    vecs.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      // tall: vector j is column j; wide: vector j is row j
      if (tall) out[i * cols + j] = vecs[j]![i]!;
      else out[j * cols + i] = vecs[j]![i]!;
    }
  }
  return out;
}
