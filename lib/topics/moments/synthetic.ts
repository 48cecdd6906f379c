/**
 * The synthetic token-set generators of notes §6.2 and their Bayes classifiers.
 * - G-cov: x ~ N(0, Σ_c), Σ_c = (1−α)I + α Q_c diag(λ) Q_cᵀ, λ = linspace(0.2, 3, d) rescaled to
 *   mean 1, Q_c Haar-orthogonal: every class has mean 0 and the same spectrum (trace, determinant);
 *   only the orientation differs. Classes differ in covariance only.
 * - G-mean: x ~ N(μ_c, I), μ_c a random direction of norm 0.6. Classes differ in mean only.
 * - G-block: channels 0-3 have covariance 0.2I + 0.8 Q_c diag(linspace(0.2, 1.8, 4)) Q_cᵀ, the
 *   rest identity: class information lives inside one head when heads = 4 and proj = I.
 * Tokens are i.i.d. given the class, so the Bayes rule is the argmax of Σ_n log N(x_n; ·) (notes
 * §2.10: linear in S = (1/N)Σ x xᵀ for G-cov and G-block).
 */
import type { Rng } from "../../core/rng";
import { linspace, randomOrthogonal, type Matrix } from "../../core/linalg";

// the former study copy: one Gram-Schmidt pass over a row-major Gaussian draw (same matrices)
const haar = (rng: Rng, d: number): Matrix => randomOrthogonal(rng, { rows: d, cols: d, draw: "row-major", passes: 1 });

export type GeneratorKind = "cov" | "mean" | "block";

export interface GeneratorSpec {
  kind: GeneratorKind;
  /** Tokens per sample. */
  N: number;
  /** Mixing weight of the class-specific part (G-cov only). */
  alpha?: number;
  /** Channels (16 in the notes). */
  d?: number;
  /** Classes (4 in the notes). */
  classes?: number;
  /** Norm of the class means (G-mean; 0.6 in the notes). */
  meanNorm?: number;
}

/** A drawn task: per-class Gaussian parameters in eigen form. */
export interface GaussianTask {
  spec: Required<GeneratorSpec>;
  /** Per class: mean μ_c. */
  means: number[][];
  /** Per class: orthogonal Q_c and eigenvalues e_c with Σ_c = Q_c diag(e_c) Q_cᵀ. */
  eigvecs: Matrix[];
  eigvals: number[][];
}

/** A labelled set of token sets, x row-major [n, N, d]. */
export interface TokenSet {
  x: Float32Array;
  y: Int32Array;
  n: number;
  N: number;
  d: number;
  classes: number;
}

export function resolveGenerator(spec: GeneratorSpec): Required<GeneratorSpec> {
  const r: Required<GeneratorSpec> = { alpha: 0.5, d: 16, classes: 4, meanNorm: 0.6, ...spec };
  if (!["cov", "mean", "block"].includes(r.kind))
    throw new Error(`generator kind must be cov, mean or block, got ${JSON.stringify(r.kind)}`);
  if (!Number.isInteger(r.N) || r.N < 2) throw new Error(`generator N (tokens per sample) must be an integer ≥ 2, got ${r.N}`);
  if (!Number.isInteger(r.d) || r.d < 4) throw new Error(`generator d must be an integer ≥ 4, got ${r.d}`);
  if (!Number.isInteger(r.classes) || r.classes < 2) throw new Error(`generator classes must be an integer ≥ 2, got ${r.classes}`);
  if (!(r.alpha >= 0 && r.alpha <= 1)) throw new Error(`generator alpha must be in [0, 1], got ${r.alpha}`);
  return r;
}

/** Draws the class parameters of one task (G-cov: orientations; G-mean: means; G-block: block orientations). */
export function drawTask(spec: GeneratorSpec, rng: Rng): GaussianTask {
  const s = resolveGenerator(spec);
  const { d, classes } = s;
  const means: number[][] = [];
  const eigvecs: Matrix[] = [];
  const eigvals: number[][] = [];
  const ident = (n: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let c = 0; c < classes; c++) {
    if (s.kind === "cov") {
      const lam = linspace({ from: 0.2, to: 3.0, count: d });
      const m = lam.reduce((a, b) => a + b, 0) / d;
      eigvals.push(lam.map((l) => 1 - s.alpha + (s.alpha * l) / m));
      eigvecs.push(haar(rng, d));
      means.push(new Array<number>(d).fill(0));
    } else if (s.kind === "mean") {
      const u = Array.from({ length: d }, () => rng.normal());
      const norm = Math.sqrt(u.reduce((a, b) => a + b * b, 0));
      means.push(u.map((v) => (s.meanNorm * v) / norm));
      eigvecs.push(ident(d));
      eigvals.push(new Array<number>(d).fill(1));
    } else {
      const q4 = haar(rng, 4);
      const q = ident(d);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) q[i]![j] = q4[i]![j]!;
      eigvecs.push(q);
      eigvals.push([...linspace({ from: 0.2, to: 1.8, count: 4 }).map((l) => 0.2 + 0.8 * l), ...new Array<number>(d - 4).fill(1)]);
      means.push(new Array<number>(d).fill(0));
    }
  }
  return { spec: s, means, eigvecs, eigvals };
}

/** Samples `perClass` token sets per class (labels in blocks, then shuffled). x = μ_c + Q_c (√e_c ⊙ z). */
export function sampleTokenSets(task: GaussianTask, perClass: number, rng: Rng): TokenSet {
  const { N, d, classes } = task.spec;
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`sampleTokenSets: perClass must be a positive integer, got ${perClass}`);
  const n = perClass * classes;
  const order = rng.permutation(n);
  const x = new Float32Array(n * N * d);
  const y = new Int32Array(n);
  const z = new Array<number>(d);
  for (let s = 0; s < n; s++) {
    const c = order[s]! % classes;
    y[s] = c;
    const q = task.eigvecs[c]!;
    const sq = task.eigvals[c]!.map(Math.sqrt);
    const mu = task.means[c]!;
    for (let t = 0; t < N; t++) {
      for (let k = 0; k < d; k++) z[k] = rng.normal() * sq[k]!;
      const base = (s * N + t) * d;
      for (let i = 0; i < d; i++) {
        let v = mu[i]!;
        const row = q[i]!;
        for (let k = 0; k < d; k++) v += row[k]! * z[k]!;
        x[base + i] = v;
      }
    }
  }
  return { x, y, n, N, d, classes };
}

/** Σ_n log N(x_n; μ_c, Σ_c) up to a class-independent constant, for every class: [n][classes]. */
export function bayesScores(task: GaussianTask, set: TokenSet): number[][] {
  const { d, classes } = task.spec;
  const out: number[][] = [];
  const w = new Array<number>(d);
  for (let s = 0; s < set.n; s++) {
    const row: number[] = [];
    for (let c = 0; c < classes; c++) {
      const q = task.eigvecs[c]!;
      const e = task.eigvals[c]!;
      const mu = task.means[c]!;
      const logdet = e.reduce((a, v) => a + Math.log(v), 0);
      let quad = 0;
      for (let t = 0; t < set.N; t++) {
        const base = (s * set.N + t) * d;
        for (let i = 0; i < d; i++) w[i] = set.x[base + i]! - mu[i]!;
        for (let k = 0; k < d; k++) {
          let p = 0;
          for (let i = 0; i < d; i++) p += q[i]![k]! * w[i]!;
          quad += (p * p) / e[k]!;
        }
      }
      row.push(-0.5 * quad - 0.5 * set.N * logdet);
    }
    out.push(row);
  }
  return out;
}

/** Accuracy of the Bayes rule (the true class-conditional densities) on a set. */
export function bayesAccuracy(task: GaussianTask, set: TokenSet): number {
  const scores = bayesScores(task, set);
  let hit = 0;
  scores.forEach((row, i) => {
    let best = 0;
    for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
    if (best === set.y[i]) hit++;
  });
  return hit / set.n;
}
