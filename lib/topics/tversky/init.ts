/**
 * Initialisations of the feature bank Ω and prototypes Π (notes §3, §5.1, §11), drawn from the
 * seeded Rng so every run is reproducible. Shapes are row-major [rows, cols] (a bank is [K, d]).
 */
import { randomOrthogonal } from "../../core/linalg";
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
      // torch.nn.init.orthogonal_ (gain 1): orthonormal columns if rows ≥ cols, rows otherwise
      return Float32Array.from(randomOrthogonal(rng, { rows, cols }).flat());
    default:
      throw new Error(`unknown initialisation ${JSON.stringify(name)}; pick one of ${INITS.join(", ")}`);
  }
}
