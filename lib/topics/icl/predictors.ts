/**
 * In-context predictors evaluated task by task in float64: one (preconditioned) GD step, OLS,
 * ridge, the zero predictor, and an LSA layer through its reduction. Each maps a TaskBatch to one
 * prediction of y_q per task, so Monte Carlo risks of different predictors can share tasks.
 */
import { assertMatrix, choleskySolveInPlace, type Matrix } from "../../core/linalg";
import { reducedPredict, type Reduction } from "./reduce";
import { computeStats } from "./task-stats";
import type { TaskBatch } from "./tasks";

export type Predictor = (batch: TaskBatch) => Float64Array;

/**
 * One GD step from W₀ on L(w) = (1/2n) Σ (wᵀx_i − y_i)² with preconditioner G (or G = ηI):
 *   ŷ = W₀ᵀx_q + (1/n) Σ_i (y_i − W₀ᵀx_i) x_iᵀ G x_q     (notes §1.1; von Oswald eq. 3).
 */
export function gdPredictor(step: { eta: number } | { G: Matrix }, W0?: number[]): Predictor {
  let G: Matrix | undefined;
  let eta = 0;
  if ("G" in step) {
    assertMatrix(step.G, "gdPredictor G");
    if (step.G.length !== step.G[0]!.length) throw new Error("gdPredictor: G must be square (d x d)");
    G = step.G;
  } else {
    if (!Number.isFinite(step.eta)) throw new Error(`gdPredictor: eta must be a finite number, got ${String(step.eta)}`);
    eta = step.eta;
  }
  return (batch) => {
    const { B, n, d, X, y, xq } = batch;
    if (G && G.length !== d) throw new Error(`gdPredictor: G is ${G.length} x ${G.length} but tasks have d = ${d}`);
    if (W0 && W0.length !== d) throw new Error(`gdPredictor: W0 has length ${W0.length} but tasks have d = ${d}`);
    const out = new Float64Array(B);
    const m = new Float64Array(d);
    for (let b = 0; b < B; b++) {
      m.fill(0);
      let base = 0;
      if (W0) for (let j = 0; j < d; j++) base += W0[j]! * xq[b * d + j]!;
      for (let i = 0; i < n; i++) {
        const o = (b * n + i) * d;
        let r = y[b * n + i]!;
        if (W0) for (let j = 0; j < d; j++) r -= W0[j]! * X[o + j]!;
        for (let j = 0; j < d; j++) m[j]! += r * X[o + j]!;
      }
      let s = 0;
      if (G) {
        for (let j = 0; j < d; j++) {
          let gx = 0;
          for (let k = 0; k < d; k++) gx += G[j]![k]! * xq[b * d + k]!;
          s += m[j]! * gx;
        }
      } else {
        for (let j = 0; j < d; j++) s += m[j]! * xq[b * d + j]!;
        s *= eta;
      }
      out[b] = base + s / n;
    }
    return out;
  };
}

/**
 * Ridge ŵ = (XᵀX + λI)⁻¹ Xᵀy, unnormalized XᵀX (Akyürek eq. 10; Bayes-optimal at λ = σ²/τ²).
 * λ = 0 is OLS, taking the minimum-norm solution Xᵀ(XXᵀ)⁻¹y when n < d.
 */
export function ridgePredictor(lambda: number): Predictor {
  if (!(Number.isFinite(lambda) && lambda >= 0))
    throw new Error(`ridgePredictor: lambda must be a non-negative number, got ${String(lambda)}`);
  return (batch) => {
    const { B, n, d, X, y, xq } = batch;
    const out = new Float64Array(B);
    const primal = n >= d || lambda > 0;
    const k = primal ? d : n;
    const A = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    for (let b = 0; b < B; b++) {
      A.fill(0);
      rhs.fill(0);
      const xo = b * n * d;
      if (primal) {
        for (let i = 0; i < n; i++) {
          const o = xo + i * d;
          const yi = y[b * n + i]!;
          for (let j = 0; j < d; j++) {
            const xj = X[o + j]!;
            rhs[j]! += xj * yi;
            for (let l = 0; l <= j; l++) A[j * d + l]! += xj * X[o + l]!;
          }
        }
        for (let j = 0; j < d; j++) {
          A[j * d + j]! += lambda;
          for (let l = 0; l < j; l++) A[l * d + j] = A[j * d + l]!;
        }
        if (!choleskySolveInPlace(A, rhs, d)) throw new Error(`ridgePredictor: XᵀX + λI is singular in task ${b}; use lambda > 0`);
        let s = 0;
        for (let j = 0; j < d; j++) s += rhs[j]! * xq[b * d + j]!;
        out[b] = s;
      } else {
        // min-norm: ŵ = Xᵀ α with (X Xᵀ) α = y
        for (let i = 0; i < n; i++) {
          for (let l = 0; l <= i; l++) {
            let s = 0;
            for (let j = 0; j < d; j++) s += X[xo + i * d + j]! * X[xo + l * d + j]!;
            A[i * n + l] = s;
            A[l * n + i] = s;
          }
          rhs[i] = y[b * n + i]!;
        }
        if (!choleskySolveInPlace(A, rhs, n)) throw new Error(`ridgePredictor (min-norm OLS): XXᵀ is singular in task ${b}`);
        let s = 0;
        for (let i = 0; i < n; i++) {
          let xx = 0;
          for (let j = 0; j < d; j++) xx += X[xo + i * d + j]! * xq[b * d + j]!;
          s += rhs[i]! * xx;
        }
        out[b] = s;
      }
    }
    return out;
  };
}

/** Ordinary least squares (minimum-norm when n < d). */
export function olsPredictor(): Predictor {
  return ridgePredictor(0);
}

/** ŷ = 0 (risk = E y_q²). */
export function zeroPredictor(): Predictor {
  return (batch) => new Float64Array(batch.B);
}

/** An LSA layer through its reduction (exact; float64). */
export function lsaPredictor(red: Reduction, options: { includeQuery?: boolean } = {}): Predictor {
  return (batch) => reducedPredict(red, computeStats(batch, options));
}
