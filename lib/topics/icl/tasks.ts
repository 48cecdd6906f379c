/**
 * Random in-context regression tasks (notes §1, §7 "Sampling"). A task is a prompt of n labelled
 * pairs (x_i, y_i) plus a query (x_q, y_q), all drawn from one random function f:
 *   x ~ covariate distribution,  f = teacher with weights w ~ prior,  y = f(x) + ε,  ε ~ N(0, σ²).
 * Batches are flat typed arrays (row-major, task-major) so the per-task statistics and the Monte
 * Carlo estimators can stream over millions of tasks; `batchTensors` wraps them for tfjs.
 */
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { asCovariance, cholesky, inverse, transpose, type Matrix } from "../../core/linalg";
import { NormalStream } from "../../core/normal";
import { applyTeacher, teacherParamCount, validateTeacher, type TeacherSpec } from "./teachers";

/** Distribution of every covariate vector, context and query alike. */
export type CovariateSpec =
  /** x ~ N(0, Λ); Λ = I when omitted; a vector is a diagonal Λ (Mahankali's Σ, Zhang's Λ). */
  | { kind: "gauss"; Lambda?: number[] | Matrix }
  /** x ~ U(-h, h)^d (von Oswald: the code uses h = 0.5, the paper text h = 1; notes pitfall 3). */
  | { kind: "uniform"; halfWidth: number }
  /** Per task Λ_τ = diag(λ_1..λ_d), λ_j iid Exponential(mean), then x ~ N(0, Λ_τ) (Zhang §4.3). */
  | { kind: "gaussDiagRandom"; mean?: number };

/** Prior on the teacher's weight vector w (used by the linear and tanh teachers). */
export type WeightSpec =
  /** w ~ N(0, τ² I) (Zhang, von Oswald, Akyürek). */
  | { kind: "iso"; tau2?: number }
  /** w ~ N(0, τ² Λ⁻¹) with Λ the covariate covariance (Mahankali §4; per task for gaussDiagRandom). */
  | { kind: "invCov"; tau2?: number }
  /** The same w in every task (a task-shift test). */
  | { kind: "fixed"; w: number[] };

export interface TaskSpec {
  /** Covariate dimension. */
  d: number;
  /** Context length (number of labelled pairs). */
  n: number;
  x: CovariateSpec;
  w: WeightSpec;
  /** Label function of the covariates; linear f(x) = wᵀx when omitted. */
  teacher?: TeacherSpec;
  /** Label noise variance σ² (context and query labels); 0 when omitted. */
  sigma2?: number;
}

/** B tasks, flat row-major arrays. */
export interface TaskBatch {
  spec: TaskSpec;
  B: number;
  n: number;
  d: number;
  /** [B, n, d] context covariates. */
  X: Float32Array;
  /** [B, n] context labels (noisy). */
  y: Float32Array;
  /** [B, d] query covariates. */
  xq: Float32Array;
  /** [B] query labels (noisy). */
  yq: Float32Array;
  /** [B] noise-free teacher value at the query, f(x_q). */
  fq: Float32Array;
  /** [B, d] teacher weights w (linear and tanh teachers; zeros for teachers without a w). */
  w: Float32Array;
  /** [B, d] per-task covariance diagonal (gaussDiagRandom only). */
  lambda?: Float32Array;
}

/** A validated spec with the factors the sampler needs precomputed. */
export interface PreparedSpec {
  spec: TaskSpec;
  d: number;
  n: number;
  sigma: number;
  tau: number;
  /** Covariance of x when it is fixed (gauss); undefined for uniform and random-diagonal. */
  Lambda?: Matrix;
  /** x = L z: lower Cholesky factor of Λ (undefined when Λ = I). */
  L?: Matrix;
  /** w = τ Lw z for the invCov prior with fixed Λ: Lw = L⁻ᵀ, so Lw Lwᵀ = Λ⁻¹. */
  Lw?: Matrix;
  /** True when the fixed Λ is diagonal (cheap path). */
  diagonal: boolean;
}

function positive(v: number | undefined, fallback: number, what: string, allowZero = false): number {
  const x = v ?? fallback;
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0 || (!allowZero && x === 0)) {
    throw new Error(`${what} must be a ${allowZero ? "non-negative" : "positive"} finite number, got ${String(v)}`);
  }
  return x;
}

/** Validates a spec (naming the bad field and the fix) and precomputes its factors. */
export function prepareSpec(spec: TaskSpec): PreparedSpec {
  if (!spec || typeof spec !== "object") throw new Error("task spec must be an object {d, n, x, w, teacher?, sigma2?}");
  const { d, n } = spec;
  if (!Number.isInteger(d) || d < 1) throw new Error(`task spec d (dimension) must be a positive integer, got ${String(d)}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`task spec n (context length) must be a positive integer, got ${String(n)}`);
  const sigma = Math.sqrt(positive(spec.sigma2, 0, "task spec sigma2 (label noise variance)", true));
  const x = spec.x;
  const w = spec.w;
  if (!x || typeof x !== "object") throw new Error(`task spec x must be {kind: "gauss" | "uniform" | "gaussDiagRandom", ...}`);
  if (!w || typeof w !== "object") throw new Error(`task spec w must be {kind: "iso" | "invCov" | "fixed", ...}`);
  validateTeacher(spec.teacher ?? { kind: "linear" }, d);
  let tau = 1;
  if (w.kind === "iso" || w.kind === "invCov") tau = Math.sqrt(positive(w.tau2, 1, "task spec w.tau2 (prior variance)"));
  else if (w.kind === "fixed") {
    if (!Array.isArray(w.w) || w.w.length !== d || !w.w.every(Number.isFinite)) {
      throw new Error(`task spec w.w (fixed weights) must be ${d} finite numbers`);
    }
  } else throw new Error(`task spec w.kind must be "iso", "invCov" or "fixed", got ${JSON.stringify((w as { kind: unknown }).kind)}`);

  const prepared: PreparedSpec = { spec, d, n, sigma, tau, diagonal: true };
  if (x.kind === "gauss") {
    if (x.Lambda !== undefined) {
      const Lambda = asCovariance(x.Lambda, d, "task spec x.Lambda");
      prepared.Lambda = Lambda;
      prepared.diagonal = Lambda.every((r, i) => r.every((v, j) => i === j || v === 0));
      prepared.L = cholesky(Lambda, "task spec x.Lambda");
      if (w.kind === "invCov") prepared.Lw = transpose(inverse(prepared.L, "Cholesky factor of x.Lambda"));
    }
  } else if (x.kind === "uniform") {
    positive(x.halfWidth, Number.NaN, "task spec x.halfWidth (uniform covariates on [-h, h])");
    if (w.kind === "invCov")
      throw new Error(`task spec: w.kind "invCov" needs Gaussian covariates with a covariance; uniform x has none set (use "iso")`);
  } else if (x.kind === "gaussDiagRandom") {
    positive(x.mean, 1, "task spec x.mean (mean of the Exponential covariance entries)");
  } else {
    throw new Error(
      `task spec x.kind must be "gauss", "uniform" or "gaussDiagRandom", got ${JSON.stringify((x as { kind: unknown }).kind)}`,
    );
  }
  return prepared;
}

/** Multiplies each d-vector stored at `v[off + r*d ..]` (r < rows) in place by the lower matrix L. */
function applyLower(v: Float32Array, off: number, rows: number, d: number, L: Matrix, tmp: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const base = off + r * d;
    for (let i = 0; i < d; i++) {
      let s = 0;
      const Li = L[i]!;
      for (let k = 0; k <= i; k++) s += Li[k]! * v[base + k]!;
      tmp[i] = s;
    }
    for (let i = 0; i < d; i++) v[base + i] = tmp[i]!;
  }
}

/** Multiplies each d-vector in place by the full matrix M. */
function applyFull(v: Float32Array, off: number, d: number, M: Matrix, tmp: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = 0;
    const Mi = M[i]!;
    for (let k = 0; k < d; k++) s += Mi[k]! * v[off + k]!;
    tmp[i] = s;
  }
  for (let i = 0; i < d; i++) v[off + i] = tmp[i]!;
}

/**
 * Draws B tasks. All randomness comes from `source`: an `Rng` (a NormalStream is seeded from it)
 * or a NormalStream to continue (the trainer keeps one across steps). The order of draws is fixed,
 * so a seed gives the same tasks on every machine.
 */
export function sampleTasks(spec: TaskSpec | PreparedSpec, B: number, source: Rng | NormalStream): TaskBatch {
  const p = "diagonal" in spec ? spec : prepareSpec(spec);
  if (!Number.isInteger(B) || B < 1) throw new Error(`sampleTasks: batch size B must be a positive integer, got ${String(B)}`);
  const stream = source instanceof NormalStream ? source : new NormalStream(source);
  const { d, n, sigma, tau } = p;
  const x = p.spec.x;
  const wSpec = p.spec.w;
  const teacher = p.spec.teacher ?? { kind: "linear" as const };
  const X = new Float32Array(B * n * d);
  const xq = new Float32Array(B * d);
  const w = new Float32Array(B * d);
  const tmp = new Float64Array(d);

  // covariates: draw standard, then shape
  if (x.kind === "uniform") {
    stream.fillUniform(X, { lo: -x.halfWidth, hi: x.halfWidth });
    stream.fillUniform(xq, { lo: -x.halfWidth, hi: x.halfWidth });
  } else {
    stream.fillNormal(X);
    stream.fillNormal(xq);
  }
  let lambda: Float32Array | undefined;
  if (x.kind === "gauss" && p.L) {
    if (p.diagonal) {
      const sd = p.L.map((r, i) => r[i]!);
      for (let k = 0; k < X.length; k++) X[k]! *= sd[k % d];
      for (let k = 0; k < xq.length; k++) xq[k]! *= sd[k % d];
    } else {
      applyLower(X, 0, B * n, d, p.L, tmp);
      applyLower(xq, 0, B, d, p.L, tmp);
    }
  } else if (x.kind === "gaussDiagRandom") {
    const mean = x.mean ?? 1;
    lambda = new Float32Array(B * d);
    for (let k = 0; k < lambda.length; k++) lambda[k] = -mean * Math.log(stream.uniform());
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < d; j++) {
        const sd = Math.sqrt(lambda[b * d + j]!);
        for (let i = 0; i < n; i++) X[(b * n + i) * d + j]! *= sd;
        xq[b * d + j]! *= sd;
      }
    }
  }

  // teacher weights
  if (wSpec.kind === "fixed") {
    for (let b = 0; b < B; b++) for (let j = 0; j < d; j++) w[b * d + j] = wSpec.w[j]!;
  } else {
    stream.fillNormal(w, { std: tau });
    if (wSpec.kind === "invCov") {
      if (x.kind === "gaussDiagRandom") {
        for (let k = 0; k < w.length; k++) w[k]! /= Math.sqrt(lambda![k]!);
      } else if (p.Lw) {
        if (p.diagonal) {
          const s = p.Lw.map((r, i) => r[i]!);
          for (let k = 0; k < w.length; k++) w[k]! *= s[k % d];
        } else {
          for (let b = 0; b < B; b++) applyFull(w, b * d, d, p.Lw, tmp);
        }
      }
      // Λ = I: Λ⁻¹ = I, nothing to do
    }
  }

  // labels
  const y = new Float32Array(B * n);
  const fq = new Float32Array(B);
  applyTeacher(teacher, { B, n, d, X, xq, w, tau, stream, y, fq });
  const yq = new Float32Array(B);
  if (sigma > 0) {
    const noise = new Float32Array(B * n + B);
    stream.fillNormal(noise, { std: sigma });
    for (let k = 0; k < B * n; k++) y[k]! += noise[k];
    for (let b = 0; b < B; b++) yq[b] = fq[b]! + noise[B * n + b]!;
  } else {
    yq.set(fq);
  }
  const batch: TaskBatch = { spec: p.spec, B, n, d, X, y, xq, yq, fq, w };
  if (lambda) batch.lambda = lambda;
  return batch;
}

/** Number of standard normals one task consumes (for throughput reports). */
export function normalsPerTask(spec: TaskSpec): number {
  const { d, n } = spec;
  const teacher = spec.teacher ?? { kind: "linear" as const };
  return (n + 1) * d + d + ((spec.sigma2 ?? 0) > 0 ? n + 1 : 0) + teacherParamCount(teacher, d);
}

/** The batch as tfjs tensors: X [B, n, d], y [B, n], xq [B, d], yq [B]. Caller disposes. */
export function batchTensors(batch: TaskBatch): { X: tf.Tensor3D; y: tf.Tensor2D; xq: tf.Tensor2D; yq: tf.Tensor1D } {
  const { B, n, d } = batch;
  return {
    X: tf.tensor3d(batch.X, [B, n, d]),
    y: tf.tensor2d(batch.y, [B, n]),
    xq: tf.tensor2d(batch.xq, [B, d]),
    yq: tf.tensor1d(batch.yq),
  };
}

/** Tasks [from, to) of a batch as a new batch (copies). */
export function sliceBatch(batch: TaskBatch, from: number, to: number): TaskBatch {
  const { n, d } = batch;
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to && to <= batch.B)) {
    throw new Error(`sliceBatch: need 0 <= from < to <= ${batch.B}, got [${from}, ${to})`);
  }
  const out: TaskBatch = {
    spec: batch.spec,
    B: to - from,
    n,
    d,
    X: batch.X.slice(from * n * d, to * n * d),
    y: batch.y.slice(from * n, to * n),
    xq: batch.xq.slice(from * d, to * d),
    yq: batch.yq.slice(from, to),
    fq: batch.fq.slice(from, to),
    w: batch.w.slice(from * d, to * d),
  };
  if (batch.lambda) out.lambda = batch.lambda.slice(from * d, to * d);
  return out;
}
