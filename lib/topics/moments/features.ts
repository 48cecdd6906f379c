/**
 * Fixed (untrained) features of token sets for the baselines of notes §6.2-6.3: the token mean
 * (LP on a mean "class token"), the full covariance or raw second moment (upper triangle), their
 * concatenation, and MHC³ features with a frozen random projection ("MHC³-rand").
 */
import { tf } from "../../core/tf";
import { MHC3, type MHC3Config } from "./mhc3";

/** Token sets as a flat array [n, N, d]. */
export interface Tokens {
  x: Float32Array;
  n: number;
  N: number;
  d: number;
}

export interface FeatureMatrix {
  X: Float32Array;
  n: number;
  F: number;
}

function check(t: Tokens): void {
  if (t.x.length !== t.n * t.N * t.d) throw new Error(`token array has ${t.x.length} values, expected n·N·d = ${t.n}·${t.N}·${t.d}`);
}

/** Token mean, [n, d]. */
export function meanFeatures(t: Tokens): FeatureMatrix {
  check(t);
  const X = new Float32Array(t.n * t.d);
  for (let s = 0; s < t.n; s++) {
    for (let k = 0; k < t.N; k++) for (let i = 0; i < t.d; i++) X[s * t.d + i]! += t.x[(s * t.N + k) * t.d + i];
    for (let i = 0; i < t.d; i++) X[s * t.d + i]! /= t.N;
  }
  return { X, n: t.n, F: t.d };
}

/**
 * Upper triangle (i ≤ j) of (1/N)·Σ (x−c)(x−c)ᵀ: `channel` centring gives the covariance, `none`
 * the raw second moment. [n, d(d+1)/2] (136 for d = 16).
 */
export function secondMomentFeatures(t: Tokens, center: "channel" | "none"): FeatureMatrix {
  check(t);
  const { d, N } = t;
  const F = (d * (d + 1)) / 2;
  const X = new Float32Array(t.n * F);
  const m = new Float64Array(d);
  const acc = new Float64Array(d * d);
  for (let s = 0; s < t.n; s++) {
    m.fill(0);
    acc.fill(0);
    if (center === "channel") {
      for (let k = 0; k < N; k++) for (let i = 0; i < d; i++) m[i]! += t.x[(s * N + k) * d + i];
      for (let i = 0; i < d; i++) m[i]! /= N;
    }
    for (let k = 0; k < N; k++) {
      const base = (s * N + k) * d;
      for (let i = 0; i < d; i++) {
        const xi = t.x[base + i]! - m[i]!;
        for (let j = i; j < d; j++) acc[i * d + j]! += xi * (t.x[base + j]! - m[j]!);
      }
    }
    let f = 0;
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) X[s * F + f++] = acc[i * d + j]! / N;
  }
  return { X, n: t.n, F };
}

/** Column-wise concatenation of feature matrices with the same rows. */
export function concatFeatures(...parts: FeatureMatrix[]): FeatureMatrix {
  const n = parts[0]!.n;
  if (parts.some((p) => p.n !== n)) throw new Error("concatFeatures: parts have different numbers of rows");
  const F = parts.reduce((a, p) => a + p.F, 0);
  const X = new Float32Array(n * F);
  for (let s = 0; s < n; s++) {
    let off = 0;
    for (const p of parts) {
      X.set(p.X.subarray(s * p.F, (s + 1) * p.F), s * F + off);
      off += p.F;
    }
  }
  return { X, n, F };
}

/** Rows `idx` of a feature matrix. */
export function selectRows(f: FeatureMatrix, idx: readonly number[]): FeatureMatrix {
  const X = new Float32Array(idx.length * f.F);
  idx.forEach((r, i) => X.set(f.X.subarray(r * f.F, (r + 1) * f.F), i * f.F));
  return { X, n: idx.length, F: f.F };
}

/** Features of a frozen MHC³ (e.g. proj "frozen" = the notes' MHC³-rand), computed in batches. */
export function mhc3Features(t: Tokens, cfg: Omit<MHC3Config, "inDim">, seed: number, batch = 256): FeatureMatrix {
  check(t);
  const layer = new MHC3({ ...cfg, inDim: t.d, seed });
  try {
    const F = layer.outputDim;
    const X = new Float32Array(t.n * F);
    for (let s = 0; s < t.n; s += batch) {
      const b = Math.min(batch, t.n - s);
      const out = tf.tidy(() => layer.forward(tf.tensor3d(t.x.subarray(s * t.N * t.d, (s + b) * t.N * t.d), [b, t.N, t.d])));
      X.set(out.dataSync(), s * F);
      out.dispose();
    }
    return { X, n: t.n, F };
  } finally {
    layer.dispose();
  }
}
