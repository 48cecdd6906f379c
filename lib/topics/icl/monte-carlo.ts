/**
 * Monte Carlo estimators over sampled tasks (notes §1.2 "Any symmetric distribution"):
 *   - the best scalar step by the ratio formula η* = N E[y_q g] / E[g²], g = Σ_i y_i x_iᵀ x_q;
 *   - the best preconditioner G by least squares of y_q on the d² features vec(m x_qᵀ),
 *     m = (1/N) Σ_i y_i x_i (ŷ = mᵀ G x_q);
 *   - the MSE of any predictors on shared tasks (common random numbers).
 * Standard errors: batch means over `groups` equal groups of tasks for the fitted quantities (no
 * homoscedasticity assumed), the sample standard deviation for the MSE.
 */
import type { Rng } from "../../core/rng";
import { inverse, matVec, type Matrix } from "../../core/linalg";
import { NormalStream } from "../../core/normal";
import type { Predictor } from "./predictors";
import { prepareSpec, sampleTasks, type TaskBatch, type TaskSpec } from "./tasks";

export interface McOptions {
  /** Number of tasks. */
  tasks: number;
  rng: Rng;
  /** Tasks sampled at a time (memory); default 8192. */
  chunk?: number;
  /** Groups for batch-means standard errors; default 20. */
  groups?: number;
}

/** Calls `visit` on consecutive batches covering `tasks` tasks; `group` is the batch-means group. */
function forEachChunk(spec: TaskSpec, o: McOptions, visit: (batch: TaskBatch, group: number) => void): void {
  if (!Number.isInteger(o.tasks) || o.tasks < 1) throw new Error(`Monte Carlo: tasks must be a positive integer, got ${String(o.tasks)}`);
  const groups = o.groups ?? 20;
  if (!Number.isInteger(groups) || groups < 2 || groups > o.tasks)
    throw new Error(`Monte Carlo: groups must be an integer in [2, tasks], got ${String(groups)}`);
  const chunk = o.chunk ?? 8192;
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`Monte Carlo: chunk must be a positive integer, got ${String(chunk)}`);
  const prepared = prepareSpec(spec);
  const stream = new NormalStream(o.rng);
  const perGroup = Math.ceil(o.tasks / groups);
  let done = 0;
  while (done < o.tasks) {
    const group = Math.floor(done / perGroup);
    const size = Math.min(chunk, o.tasks - done, (group + 1) * perGroup - done);
    visit(sampleTasks(prepared, size, stream), group);
    done += size;
  }
}

function meanSe(values: number[]): { mean: number; se: number } {
  const k = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / k;
  const v = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (k - 1);
  return { mean, se: Math.sqrt(v / k) };
}

export interface EtaEstimate {
  /** Ratio-formula estimate on all tasks (1/N convention). */
  eta: number;
  /** Batch-means standard error. */
  se: number;
  tasks: number;
}

/** η* = N E[y_q g] / E[g²] (notes §1.2; the ICLR-2024 blogpost's formula). */
export function etaStarMC(spec: TaskSpec, o: McOptions): EtaEstimate {
  const groups = o.groups ?? 20;
  const num = new Float64Array(groups);
  const den = new Float64Array(groups);
  forEachChunk(spec, o, (batch, group) => {
    const { B, n, d, X, y, xq, yq } = batch;
    let sNum = 0;
    let sDen = 0;
    for (let b = 0; b < B; b++) {
      let g = 0;
      for (let i = 0; i < n; i++) {
        const o2 = (b * n + i) * d;
        let xx = 0;
        for (let j = 0; j < d; j++) xx += X[o2 + j]! * xq[b * d + j]!;
        g += y[b * n + i]! * xx;
      }
      sNum += yq[b]! * g;
      sDen += g * g;
    }
    num[group]! += sNum;
    den[group]! += sDen;
  });
  const N = spec.n;
  const totalNum = num.reduce((s, v) => s + v, 0);
  const totalDen = den.reduce((s, v) => s + v, 0);
  const perGroup = Array.from(num, (v, k) => (N * v) / den[k]!);
  return { eta: (N * totalNum) / totalDen, se: meanSe(perGroup).se, tasks: o.tasks };
}

export interface PreconditionerFit {
  /** Least-squares G (d x d) on all tasks. */
  G: Matrix;
  /** Batch-means standard errors of each entry. */
  se: Matrix;
  tasks: number;
}

/** Least-squares fit of G in ŷ = mᵀ G x_q (notes §1.2, M4/M5, Z1). */
export function fitPreconditionerMC(spec: TaskSpec, o: McOptions): PreconditionerFit {
  const d = spec.d;
  const p = d * d;
  if (p > 400) throw new Error(`fitPreconditionerMC: d = ${d} gives ${p} features; keep d ≤ 20`);
  const groups = o.groups ?? 20;
  const grams = Array.from({ length: groups }, () => new Float64Array(p * p));
  const rhs = Array.from({ length: groups }, () => new Float64Array(p));
  const m = new Float64Array(d);
  const phi = new Float64Array(p);
  forEachChunk(spec, o, (batch, group) => {
    const { B, n, X, y, xq, yq } = batch;
    const F = grams[group]!;
    const r = rhs[group]!;
    for (let b = 0; b < B; b++) {
      m.fill(0);
      for (let i = 0; i < n; i++) {
        const o2 = (b * n + i) * d;
        const yi = y[b * n + i]!;
        for (let j = 0; j < d; j++) m[j]! += yi * X[o2 + j]!;
      }
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) phi[j * d + k] = (m[j]! / n) * xq[b * d + k]!;
      const t = yq[b]!;
      for (let u = 0; u < p; u++) {
        const pu = phi[u]!;
        r[u]! += pu * t;
        const row = u * p;
        for (let v = 0; v <= u; v++) F[row + v]! += pu * phi[v]!;
      }
    }
  });
  const solveFrom = (F: Float64Array, r: Float64Array): number[] => {
    const A: Matrix = Array.from({ length: p }, (_, u) => Array.from({ length: p }, (_, v) => (v <= u ? F[u * p + v]! : F[v * p + u]!)));
    return matVec(inverse(A, "feature Gram matrix of the preconditioner fit"), Array.from(r));
  };
  const Ftot = new Float64Array(p * p);
  const rtot = new Float64Array(p);
  grams.forEach((F, g) => {
    for (let k = 0; k < p * p; k++) Ftot[k]! += F[k];
    for (let k = 0; k < p; k++) rtot[k]! += rhs[g]![k];
  });
  const g = solveFrom(Ftot, rtot);
  const perGroup = grams.map((F, k) => solveFrom(F, rhs[k]!));
  const toMatrix = (v: number[]): Matrix => Array.from({ length: d }, (_, j) => v.slice(j * d, j * d + d));
  const se = Array.from({ length: p }, (_, u) => meanSe(perGroup.map((gk) => gk[u]!)).se);
  return { G: toMatrix(g), se: toMatrix(se), tasks: o.tasks };
}

export interface RiskEstimate {
  /** E(ŷ − y_q)². */
  mse: number;
  /** Standard error of mse. */
  se: number;
}

export interface RiskResult {
  risks: Record<string, RiskEstimate>;
  /** mse(name) − mse(reference) on the same tasks, with its paired standard error. */
  paired: Record<string, { diff: number; se: number }>;
  tasks: number;
}

/** MSE of each predictor on the same tasks; `reference` names the predictor paired differences use. */
export function riskMC(spec: TaskSpec, predictors: Record<string, Predictor>, o: McOptions & { reference?: string }): RiskResult {
  const names = Object.keys(predictors);
  if (names.length === 0) throw new Error("riskMC: give at least one predictor");
  const ref = o.reference ?? names[0]!;
  if (!names.includes(ref)) throw new Error(`riskMC: reference ${JSON.stringify(ref)} is not one of the predictors (${names.join(", ")})`);
  const s1 = new Map(names.map((k) => [k, 0]));
  const s2 = new Map(names.map((k) => [k, 0]));
  const d1 = new Map(names.map((k) => [k, 0]));
  const d2 = new Map(names.map((k) => [k, 0]));
  forEachChunk(spec, o, (batch) => {
    const errs = new Map<string, Float64Array>();
    for (const k of names) {
      const pred = predictors[k]!(batch);
      if (pred.length !== batch.B) throw new Error(`riskMC: predictor ${k} returned ${pred.length} predictions for ${batch.B} tasks`);
      const e = new Float64Array(batch.B);
      for (let b = 0; b < batch.B; b++) {
        const r = pred[b]! - batch.yq[b]!;
        e[b] = r * r;
      }
      errs.set(k, e);
    }
    const eRef = errs.get(ref)!;
    for (const k of names) {
      const e = errs.get(k)!;
      let a = 0;
      let a2 = 0;
      let c = 0;
      let c2 = 0;
      for (let b = 0; b < batch.B; b++) {
        a += e[b]!;
        a2 += e[b]! * e[b]!;
        const df = e[b]! - eRef[b]!;
        c += df;
        c2 += df * df;
      }
      s1.set(k, s1.get(k)! + a);
      s2.set(k, s2.get(k)! + a2);
      d1.set(k, d1.get(k)! + c);
      d2.set(k, d2.get(k)! + c2);
    }
  });
  const T = o.tasks;
  const stat = (sum: number, sq: number) => {
    const mean = sum / T;
    const v = Math.max(0, sq / T - mean * mean) * (T / (T - 1));
    return { mean, se: Math.sqrt(v / T) };
  };
  const risks: Record<string, RiskEstimate> = {};
  const paired: Record<string, { diff: number; se: number }> = {};
  for (const k of names) {
    const r = stat(s1.get(k)!, s2.get(k)!);
    risks[k] = { mse: r.mean, se: r.se };
    const p = stat(d1.get(k)!, d2.get(k)!);
    paired[k] = { diff: p.mean, se: p.se };
  }
  return { risks, paired, tasks: T };
}
