/**
 * Finite-difference check of the Tversky similarity's gradients (notes §10 item 3): analytic
 * gradients from tfjs autodiff vs central differences (float32, step h) of L = Σ_ij w_ij S(x_i, y_j)
 * with fixed random weights w, with respect to x, the prototypes y, the bank F, θ, α and β.
 * Inputs are drawn until they sit at least `margin` away from every kink (x·f_k = 0, Ia = Ib,
 * a_k = b_k, empty intersections for gmean), where the indicator functions are locally constant.
 */
import { tf } from "../../core/tf";
import type { Rng } from "../../core/rng";
import { tverskySimilarity } from "./similarity";
import { resolveOptions, type ResolvedOptions, type TverskyOptions } from "./options";

export interface GradCheckEntry {
  param: "x" | "prototypes" | "bank" | "theta" | "alpha" | "beta";
  /** ‖g_fd − g_autodiff‖ / max(‖g_autodiff‖, floor). */
  relErr: number;
  /** ‖g_autodiff‖₂. */
  norm: number;
  /** ‖g_fd − g_autodiff‖₂. */
  absErr: number;
}

export interface GradCheckOptions {
  n?: number;
  m?: number;
  K?: number;
  d?: number;
  /** Finite-difference step (notes: 1e-3). */
  h?: number;
  /** Minimum distance of every kink quantity from its kink. */
  margin?: number;
  /**
   * Norm floor of the relative error, default 0.1. Float32 central differences with h = 1e-3 carry
   * ~ε·|L|/h ≈ 1e-4 absolute noise per entry, so a gradient much smaller than 0.1 (α's often is,
   * by cancellation in Σ w·D_ab) is compared at this scale rather than at its own.
   */
  floor?: number;
}

const SCALARS = { theta: 1.1, alpha: 0.7, beta: 0.3 };

/** Draws a kink-free configuration and compares the two gradients for each parameter. */
export function gradientCheck(options: TverskyOptions, rng: Rng, o: GradCheckOptions = {}): GradCheckEntry[] {
  const ro = resolveOptions(options);
  const n = o.n ?? 3,
    m = o.m ?? 2,
    K = o.K ?? 5,
    d = o.d ?? 3;
  const h = o.h ?? 1e-3,
    margin = o.margin ?? 0.05,
    floor = o.floor ?? 0.1;
  const { x, y, F } = drawKinkFree(ro, rng, n, m, K, d, margin);
  const w = Array.from(rng.normals(n * m), (v) => v / Math.sqrt(n * m));
  const loss = (xs: number[], ys: number[], Fs: number[], th: number, al: number, be: number): number =>
    tf.tidy(() => {
      const S = tverskySimilarity({
        ...ro,
        x: tf.tensor2d(xs, [n, d]),
        prototypes: tf.tensor2d(ys, [m, d]),
        features: tf.tensor2d(Fs, [K, d]),
        theta: th,
        alpha: al,
        beta: be,
      });
      return tf.sum(tf.mul(S, tf.tensor2d(w, [n, m]))).dataSync()[0]!;
    });
  const analytic = tf.tidy(() => {
    const vars = [
      tf.tensor2d(x, [n, d]),
      tf.tensor2d(y, [m, d]),
      tf.tensor2d(F, [K, d]),
      tf.scalar(SCALARS.theta),
      tf.scalar(SCALARS.alpha),
      tf.scalar(SCALARS.beta),
    ];
    const g = tf.grads((...a: tf.Tensor[]) =>
      tf.sum(
        tf.mul(
          tverskySimilarity({ ...ro, x: a[0]!, prototypes: a[1]!, features: a[2]!, theta: a[3]!, alpha: a[4]!, beta: a[5]! }),
          tf.tensor2d(w, [n, m]),
        ),
      ),
    )(vars);
    return g.map((t) => Array.from(t.dataSync()));
  });
  const base: [number[], number[], number[], number, number, number] = [x, y, F, SCALARS.theta, SCALARS.alpha, SCALARS.beta];
  const names: GradCheckEntry["param"][] = ["x", "prototypes", "bank", "theta", "alpha", "beta"];
  return names.map((param, p) => {
    const size = p < 3 ? (base[p] as number[]).length : 1;
    const fd: number[] = [];
    for (let i = 0; i < size; i++) {
      const at = (delta: number) => {
        const args = base.map((v) => (Array.isArray(v) ? v.slice() : v)) as typeof base;
        if (p < 3) (args[p] as number[])[i]! += delta;
        else (args[p] as number) += delta;
        return loss(...args);
      };
      fd.push((at(h) - at(-h)) / (2 * h));
    }
    const an = analytic[p]!;
    const norm = Math.hypot(...an);
    const diff = Math.hypot(...an.map((v, i) => v - fd[i]!));
    return { param, relErr: diff / Math.max(norm, floor), norm, absErr: diff };
  });
}

/** x [n,d], y [m,d], F [K,d] ~ N(0,1) redrawn until every kink quantity is ≥ margin away. */
export function drawKinkFree(o: ResolvedOptions, rng: Rng, n: number, m: number, K: number, d: number, margin: number) {
  for (let attempt = 0; attempt < 20000; attempt++) {
    const x = Array.from(rng.normals(n * d)),
      y = Array.from(rng.normals(m * d)),
      F = Array.from(rng.normals(K * d));
    if (kinkFree(o, x, y, F, n, m, K, d, margin)) return { x, y, F };
  }
  throw new Error(`gradientCheck: no kink-free draw for ${o.intersection}+${o.difference} in 20000 tries; lower margin or raise K`);
}

function kinkFree(
  o: ResolvedOptions,
  x: number[],
  y: number[],
  F: number[],
  n: number,
  m: number,
  K: number,
  d: number,
  margin: number,
): boolean {
  const norm = (v: number[], rows: number) => {
    if (!o.normalize) return v;
    const out = v.slice();
    for (let r = 0; r < rows; r++) {
      const s = Math.hypot(...v.slice(r * d, (r + 1) * d));
      for (let j = 0; j < d; j++) out[r * d + j] = v[r * d + j]! / s;
    }
    return out;
  };
  const dots = (v: number[], rows: number) => {
    const out: number[] = [];
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += v[r * d + j]! * F[k * d + j]!;
        out.push(s);
      }
    return out;
  };
  const A = dots(norm(x, n), n),
    B = dots(norm(y, m), m);
  const thr = o.threshold;
  if ([...A, ...B].some((v) => Math.abs(v - thr) < margin)) return false;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let Ia = 0,
        Ib = 0,
        common = 0;
      for (let k = 0; k < K; k++) {
        const a = A[i * K + k]!,
          b = B[j * K + k]!;
        if (a > thr && b > thr) {
          common++;
          Ia += a;
          Ib += b;
          if (Math.abs(a - b) < margin) return false;
        }
      }
      if (Math.abs(Ia - Ib) < margin) return false;
      // gmean and softmin are only smooth (and gmean only finite) with a common feature
      if (common === 0 && o.intersection !== "product" && o.intersection !== "mean") return false;
    }
  return true;
}
