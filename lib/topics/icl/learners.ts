/**
 * Reference learners of Akyürek et al. (notes §5a), exact and in float64, evaluated on every prefix
 * of a prompt: on prefix i (the first i pairs) the learner predicts y at x_{i+1}, the position where
 * the transformer of gpt.ts predicts. Conventions are the paper's: unnormalised XᵀX, ridge
 * w = (XᵀX + λI)⁻¹Xᵀy (eq. 10), OLS the minimum-norm solution (λ → 0) when i < d, one GD step
 * w = w₀ − 2α(XᵀXw₀ − Xᵀy + λw₀) with no 1/n (notes pitfall 5), k-NN over the previous pairs.
 */
import { choleskySolveInPlace } from "../../core/linalg";
import type { TaskBatch } from "./tasks";

/** The first i pairs of one prompt: X is [i, d] row-major. */
export interface Prefix {
  X: Float64Array;
  y: Float64Array;
  i: number;
  d: number;
}

/** A learner that returns a weight vector: its prediction at x is wᵀx (OLS, ridge, GD). */
export interface LinearLearner {
  kind: "linear";
  label: string;
  weights(p: Prefix): Float64Array;
}

/** A learner that predicts at a point directly (k-NN). */
export interface PointLearner {
  kind: "point";
  label: string;
  predict(p: Prefix, x: Float64Array): number;
}

export type Learner = LinearLearner | PointLearner;

function gram(p: Prefix, lambda: number): { A: Float64Array; b: Float64Array } {
  const { X, y, i, d } = p;
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let r = 0; r < i; r++) {
    for (let j = 0; j < d; j++) {
      const xj = X[r * d + j]!;
      b[j]! += xj * y[r]!;
      for (let k = 0; k <= j; k++) A[j * d + k]! += xj * X[r * d + k]!;
    }
  }
  for (let j = 0; j < d; j++) {
    A[j * d + j]! += lambda;
    for (let k = 0; k < j; k++) A[k * d + j] = A[j * d + k]!;
  }
  return { A, b };
}

function solveSpd(A: Float64Array, b: Float64Array, n: number, what: string): Float64Array {
  if (!choleskySolveInPlace(A, b, n)) throw new Error(`${what}: the system is singular or not positive definite; use ridge with λ > 0`);
  return b;
}

/** Ridge: w = (XᵀX + λI)⁻¹Xᵀy (Akyürek eq. 10, unnormalised). λ > 0. */
export function ridge(lambda: number): LinearLearner {
  if (!(Number.isFinite(lambda) && lambda > 0))
    throw new Error(`ridge: λ must be a positive finite number, got ${String(lambda)}; use ols() for λ = 0`);
  return {
    kind: "linear",
    label: `ridge(λ=${lambda})`,
    weights: (p) => {
      const { A, b } = gram(p, lambda);
      return solveSpd(A, b, p.d, `ridge(λ=${lambda})`);
    },
  };
}

/**
 * Ordinary least squares, minimum-norm when under-determined: w = Xᵀ(XXᵀ)⁻¹y for i ≤ d (the λ → 0
 * limit of ridge), (XᵀX)⁻¹Xᵀy for i > d; w = 0 for the empty prefix.
 */
export function ols(): LinearLearner {
  return {
    kind: "linear",
    label: "OLS",
    weights: (p) => {
      const { X, y, i, d } = p;
      if (i === 0) return new Float64Array(d);
      if (i > d) {
        const { A, b } = gram(p, 0);
        return solveSpd(A, b, d, "OLS (i > d)");
      }
      // XXᵀ c = y, w = Xᵀc: the solution of least norm among the interpolating ones
      const K = new Float64Array(i * i);
      for (let r = 0; r < i; r++)
        for (let s = 0; s <= r; s++) {
          let v = 0;
          for (let j = 0; j < d; j++) v += X[r * d + j]! * X[s * d + j]!;
          K[r * i + s] = v;
          K[s * i + r] = v;
        }
      const c = solveSpd(K, Float64Array.from(y.subarray(0, i)), i, "min-norm OLS (i ≤ d)");
      const w = new Float64Array(d);
      for (let r = 0; r < i; r++) for (let j = 0; j < d; j++) w[j]! += c[r]! * X[r * d + j]!;
      return w;
    },
  };
}

/**
 * The Bayes predictor for w ~ N(0, τ²I), y = wᵀx + ε, ε ~ N(0, σ²): the posterior mean, ridge with
 * λ = σ²/τ² (OLS, min-norm, when σ² = 0; notes §5a finding 2).
 */
export function bayesRidge(o: { tau2: number; sigma2: number }): LinearLearner {
  if (!(o.tau2 > 0)) throw new Error(`bayesRidge: tau2 (prior variance) must be positive, got ${String(o.tau2)}`);
  if (!(o.sigma2 >= 0)) throw new Error(`bayesRidge: sigma2 (noise variance) must be ≥ 0, got ${String(o.sigma2)}`);
  const inner = o.sigma2 === 0 ? ols() : ridge(o.sigma2 / o.tau2);
  return { kind: "linear", label: `Bayes ridge (λ=σ²/τ²=${o.sigma2 / o.tau2})`, weights: inner.weights };
}

/** One batch GD step from w₀ (default 0): w = w₀ − 2α(XᵀXw₀ − Xᵀy + λw₀) (Akyürek, no 1/n). */
export function gdStep(o: { alpha: number; lambda?: number; w0?: readonly number[] }): LinearLearner {
  if (!Number.isFinite(o.alpha)) throw new Error(`gdStep: alpha must be a finite number, got ${String(o.alpha)}`);
  const lambda = o.lambda ?? 0;
  return {
    kind: "linear",
    label: `GD(α=${o.alpha})`,
    weights: (p) => gdFrom(p, o.w0, () => o.alpha, lambda, "gdStep"),
  };
}

function gdFrom(p: Prefix, w0: readonly number[] | undefined, alphaOf: (i: number) => number, lambda: number, what: string): Float64Array {
  const { X, y, i, d } = p;
  if (w0 && w0.length !== d) throw new Error(`${what}: w0 has ${w0.length} entries, the tasks have d = ${d}`);
  const w = new Float64Array(d);
  if (w0) for (let j = 0; j < d; j++) w[j] = w0[j]!;
  const g = new Float64Array(d);
  for (let r = 0; r < i; r++) {
    let res = -y[r]!;
    for (let j = 0; j < d; j++) res += X[r * d + j]! * w[j]!;
    for (let j = 0; j < d; j++) g[j]! += X[r * d + j]! * res;
  }
  const a = alphaOf(i);
  for (let j = 0; j < d; j++) w[j]! -= 2 * a * (g[j]! + lambda * w[j]!);
  return w;
}

/**
 * One GD step from 0 with the step that minimises the expected squared error on prefixes of length
 * i (notes §1.2, Λ = I): the 1/n-form step η* = i/(i + d + 1 + σ²/τ²), i.e. 2α = 1/(i + d + 1 + σ²/τ²).
 * The paper's GD baselines use fixed α ∈ {0.01, 0.02, 0.03}; this is the best step the family has.
 */
export function gdOptimal(o: { d: number; tau2: number; sigma2: number }): LinearLearner {
  if (!(o.tau2 > 0) || !(o.sigma2 >= 0)) throw new Error("gdOptimal: need tau2 > 0 and sigma2 ≥ 0");
  const r = o.sigma2 / o.tau2;
  return {
    kind: "linear",
    label: "GD(α*)",
    weights: (p) => {
      if (p.d !== o.d) throw new Error(`gdOptimal: built for d = ${o.d}, the tasks have d = ${p.d}`);
      return gdFrom(p, undefined, (i) => 1 / (2 * (i + o.d + 1 + r)), 0, "gdOptimal");
    },
  };
}

/**
 * k nearest neighbours among the prefix (Euclidean distance): the mean of their labels, or with
 * `weighted` the |x − x_j|⁻²-weighted mean (the paper's two variants). Fewer than k pairs: all of
 * them; the empty prefix predicts 0. Ties in distance go to the earlier pair.
 */
export function knn(o: { k: number; weighted?: boolean }): PointLearner {
  if (!Number.isInteger(o.k) || o.k < 1) throw new Error(`knn: k must be a positive integer, got ${String(o.k)}`);
  const weighted = o.weighted ?? false;
  return {
    kind: "point",
    label: `${o.k}-NN${weighted ? " (weighted)" : ""}`,
    predict: (p, x) => {
      const { X, y, i, d } = p;
      if (i === 0) return 0;
      const dist: { r: number; s: number }[] = [];
      for (let r = 0; r < i; r++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (X[r * d + j]! - x[j]!) ** 2;
        dist.push({ r, s });
      }
      dist.sort((a, b) => a.s - b.s || a.r - b.r);
      const near = dist.slice(0, Math.min(o.k, i));
      if (!weighted) return near.reduce((t, e) => t + y[e.r]!, 0) / near.length;
      // an exact match gets all the weight
      const exact = near.filter((e) => e.s === 0);
      if (exact.length > 0) return exact.reduce((t, e) => t + y[e.r]!, 0) / exact.length;
      let num = 0;
      let den = 0;
      for (const e of near) {
        num += y[e.r]! / e.s;
        den += 1 / e.s;
      }
      return num / den;
    },
  };
}

/** Prompt b's first i pairs as a Prefix (float64 copy). */
export function prefixOf(batch: TaskBatch, b: number, i: number): Prefix {
  const { n, d } = batch;
  if (!(Number.isInteger(i) && i >= 0 && i <= n))
    throw new Error(`prefixOf: prefix length must be an integer in [0, ${n}], got ${String(i)}`);
  return {
    X: Float64Array.from(batch.X.subarray(b * n * d, (b * n + i) * d)),
    y: Float64Array.from(batch.y.subarray(b * n, b * n + i)),
    i,
    d,
  };
}

/** The learner's prediction at x after reading the prefix. */
export function predictAt(learner: Learner, p: Prefix, x: Float64Array): number {
  if (learner.kind === "point") return learner.predict(p, x);
  const w = learner.weights(p);
  let s = 0;
  for (let j = 0; j < p.d; j++) s += w[j]! * x[j]!;
  return s;
}

/**
 * Predictions at every x position, the layout of gptPredictAll: entry b·n + i is the prediction
 * of y_{i+1} at x_{i+1} from the first i pairs of prompt b (i = 0 … n−1).
 */
export function prefixPredictions(learner: Learner, batch: TaskBatch): Float64Array {
  const { B, n, d } = batch;
  const out = new Float64Array(B * n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) {
      const x = Float64Array.from(batch.X.subarray((b * n + i) * d, (b * n + i + 1) * d));
      out[b * n + i] = predictAt(learner, prefixOf(batch, b, i), x);
    }
  }
  return out;
}

/** Predictions at the query x_q from the whole prompt of n pairs: [B]. */
export function queryPredictions(learner: Learner, batch: TaskBatch): Float64Array {
  const { B, n, d } = batch;
  const out = new Float64Array(B);
  for (let b = 0; b < B; b++) out[b] = predictAt(learner, prefixOf(batch, b, n), Float64Array.from(batch.xq.subarray(b * d, (b + 1) * d)));
  return out;
}

/** Exact weights of a linear learner on prompt b's prefixes `prefixes`: [B·P·d], index (b·P + p)·d + j. */
export function learnerWeights(learner: LinearLearner, batch: TaskBatch, prefixes: readonly number[]): Float64Array {
  const { B, d } = batch;
  const P = prefixes.length;
  const out = new Float64Array(B * P * d);
  for (let b = 0; b < B; b++) prefixes.forEach((i, p) => out.set(learner.weights(prefixOf(batch, b, i)), (b * P + p) * d));
  return out;
}

/** A learner's predictions at probe points after each prefix: [B·P·K], the layout of gptProbePredictions. */
export function learnerProbePredictions(
  learner: Learner,
  o: { batch: TaskBatch; prefixes: readonly number[]; probes: Float32Array; K: number },
): Float64Array {
  const { batch, prefixes, probes, K } = o;
  const { B, d } = batch;
  if (probes.length !== B * K * d)
    throw new Error(`learnerProbePredictions: probes has ${probes.length} entries, expected B·K·d = ${B * K * d}`);
  const P = prefixes.length;
  const out = new Float64Array(B * P * K);
  for (let b = 0; b < B; b++) {
    prefixes.forEach((i, p) => {
      const pre = prefixOf(batch, b, i);
      const w = learner.kind === "linear" ? learner.weights(pre) : undefined;
      for (let k = 0; k < K; k++) {
        const x = Float64Array.from(probes.subarray((b * K + k) * d, (b * K + k + 1) * d));
        let v = 0;
        if (w) for (let j = 0; j < d; j++) v += w[j]! * x[j]!;
        else v = (learner as PointLearner).predict(pre, x);
        out[(b * P + p) * K + k] = v;
      }
    });
  }
  return out;
}
