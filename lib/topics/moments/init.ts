/**
 * Parameter initialisers drawn from the project's seeded `Rng`, mirroring the official code's
 * initialisation (notes §2.8): timm's trunc-normal(0.02) for Linear layers, PyTorch's default
 * kaiming-uniform(a=√5) = U(±1/√fan_in) for the convolutions, γ=1 / β=0 for LayerNorm.
 */
import type { Rng } from "../../core/rng";

/** Normal(0, std) truncated to [−2, 2] in absolute units (timm's trunc_normal_ defaults a=−2, b=2). */
export function truncNormal(rng: Rng, n: number, std = 0.02, lo = -2, hi = 2): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = rng.normal(0, std);
    while (v < lo || v > hi);
    out[i] = v;
  }
  return out;
}

/** Uniform on [−bound, bound]. */
export function uniformSym(rng: Rng, n: number, bound: number): Float32Array {
  return rng.uniforms(n, -bound, bound);
}

/** Gaussian N(0, std²). */
export function gaussian(rng: Rng, n: number, std: number): Float32Array {
  return rng.normals(n, 0, std);
}

export function filled(n: number, value: number): Float32Array {
  return new Float32Array(n).fill(value);
}

/** The n×n identity, row-major. */
export function identity(n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}
