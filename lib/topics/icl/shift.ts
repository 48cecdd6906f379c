/**
 * Distribution-shift evaluators (Zhang, Frei, Bartlett §4.2–4.3; notes §3a, Z6–Z9). The shifts of
 * the task distribution itself go through TaskSpec (task shift: w = {kind: "fixed"} plus noise;
 * covariate scale c: x ~ N(0, c²Λ); random covariances: gaussDiagRandom); what TaskSpec cannot say
 * is a query drawn from another distribution than the context, so `shiftQueries` redraws it:
 *   - "orthogonal": x_q ~ N(0, I) projected onto the orthogonal complement of span{x_1..x_n} (n < d);
 *   - "gauss": x_q ~ N(0, diag(scale²)), independent of the task's own covariance.
 * `evaluateMC` then measures, on shared tasks, each predictor's MSE, the slope of ŷ on the signal
 * ⟨w, x_q⟩ (or on y_q) and RMS(ŷ), with batch-means standard errors.
 */
import type { Rng } from "../../core/rng";
import { NormalStream } from "../../core/normal";
import type { Predictor } from "./predictors";
import { prepareSpec, sampleTasks, type TaskBatch, type TaskSpec } from "./tasks";

export type QueryShift =
  /** Orthogonal to the context covariates (needs n < d). */
  | { kind: "orthogonal" }
  /** N(0, diag(scale²)) independently of the task's covariance; scale 1 when omitted. */
  | { kind: "gauss"; scale?: number[] };

/**
 * The batch with new queries; the teacher must be linear (f(x_q) = wᵀx_q is recomputed) and the
 * query's label noise is kept.
 */
export function shiftQueries(batch: TaskBatch, shift: QueryShift, stream: NormalStream): TaskBatch {
  const teacher = batch.spec.teacher ?? { kind: "linear" };
  if (teacher.kind !== "linear") throw new Error(`shiftQueries: needs a linear teacher (f(x_q) = wᵀx_q), got ${teacher.kind}`);
  const { B, n, d, X, w } = batch;
  const xq = new Float32Array(B * d);
  stream.fillNormal(xq);
  if (shift.kind === "orthogonal") {
    if (n >= d) throw new Error(`shiftQueries: a query orthogonal to the context needs n < d (got n = ${n}, d = ${d})`);
    const Q = new Float64Array(n * d); // orthonormal basis of span{x_i}, modified Gram-Schmidt
    const v = new Float64Array(d);
    for (let b = 0; b < B; b++) {
      let rank = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) v[j] = X[(b * n + i) * d + j]!;
        for (let r = 0; r < rank; r++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += Q[r * d + j]! * v[j]!;
          for (let j = 0; j < d; j++) v[j]! -= dot * Q[r * d + j]!;
        }
        const norm = Math.hypot(...v);
        if (norm > 1e-12) {
          for (let j = 0; j < d; j++) Q[rank * d + j] = v[j]! / norm;
          rank++;
        }
      }
      for (let j = 0; j < d; j++) v[j] = xq[b * d + j]!;
      // twice, so the float64 residual along the span is at rounding level before the float32 store
      for (let pass = 0; pass < 2; pass++) {
        for (let r = 0; r < rank; r++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += Q[r * d + j]! * v[j]!;
          for (let j = 0; j < d; j++) v[j]! -= dot * Q[r * d + j]!;
        }
      }
      for (let j = 0; j < d; j++) xq[b * d + j] = v[j]!;
    }
  } else if (shift.kind === "gauss") {
    const s = shift.scale;
    if (s !== undefined) {
      if (s.length !== d || !s.every((x) => Number.isFinite(x) && x > 0))
        throw new Error(`shiftQueries: scale must be ${d} positive numbers, got ${JSON.stringify(s)}`);
      for (let k = 0; k < xq.length; k++) xq[k]! *= s[k % d];
    }
  } else {
    throw new Error(`shiftQueries: kind must be "orthogonal" or "gauss", got ${JSON.stringify((shift as { kind: unknown }).kind)}`);
  }
  const fq = new Float32Array(B);
  const yq = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += w[b * d + j]! * xq[b * d + j]!;
    fq[b] = s;
    yq[b] = s + (batch.yq[b]! - batch.fq[b]!);
  }
  return { ...batch, xq, fq, yq };
}

export interface ShiftEstimate {
  /** E(ŷ − y_q)² and its standard error. */
  mse: number;
  mseSe: number;
  /** Σ ŷ t / Σ t², t the signal ⟨w, x_q⟩ (or y_q), with its batch-means standard error. */
  slope: number;
  slopeSe: number;
  /** √E ŷ². */
  rmsPred: number;
  /** √E t². */
  rmsTarget: number;
}

export interface EvaluateOptions {
  tasks: number;
  rng: Rng;
  /** Redraw the queries (see shiftQueries). */
  query?: QueryShift;
  /** Regress ŷ on the noise-free signal ("signal", default) or on the label y_q ("label"). */
  slopeOn?: "signal" | "label";
  chunk?: number;
  /** Groups for the batch-means SE of the slope; default 20. */
  groups?: number;
}

/** MSE, slope and RMS of each predictor on the same tasks. */
export function evaluateMC(spec: TaskSpec, predictors: Record<string, Predictor>, o: EvaluateOptions): Record<string, ShiftEstimate> {
  const names = Object.keys(predictors);
  if (names.length === 0) throw new Error("evaluateMC: give at least one predictor");
  if (!Number.isInteger(o.tasks) || o.tasks < 2) throw new Error(`evaluateMC: tasks must be an integer ≥ 2, got ${String(o.tasks)}`);
  const groups = o.groups ?? 20;
  if (!Number.isInteger(groups) || groups < 2 || groups > o.tasks) throw new Error("evaluateMC: groups must be an integer in [2, tasks]");
  const chunk = o.chunk ?? 8192;
  const prepared = prepareSpec(spec);
  const stream = new NormalStream(o.rng);
  const perGroup = Math.ceil(o.tasks / groups);
  const acc = new Map(names.map((k) => [k, { e: 0, e2: 0, pp: 0, pt: new Float64Array(groups), tt: new Float64Array(groups) }]));
  let tt2 = 0;
  let done = 0;
  while (done < o.tasks) {
    const group = Math.floor(done / perGroup);
    const size = Math.min(chunk, o.tasks - done, (group + 1) * perGroup - done);
    let batch = sampleTasks(prepared, size, stream);
    if (o.query) batch = shiftQueries(batch, o.query, stream);
    const t = o.slopeOn === "label" ? batch.yq : batch.fq;
    for (let b = 0; b < size; b++) tt2 += t[b]! * t[b]!;
    for (const k of names) {
      const pred = predictors[k]!(batch);
      if (pred.length !== size) throw new Error(`evaluateMC: predictor ${k} returned ${pred.length} predictions for ${size} tasks`);
      const a = acc.get(k)!;
      for (let b = 0; b < size; b++) {
        const r = pred[b]! - batch.yq[b]!;
        a.e += r * r;
        a.e2 += r * r * r * r;
        a.pp += pred[b]! * pred[b]!;
        a.pt[group]! += pred[b]! * t[b]!;
        a.tt[group]! += t[b]! * t[b]!;
      }
    }
    done += size;
  }
  const T = o.tasks;
  const out: Record<string, ShiftEstimate> = {};
  for (const k of names) {
    const a = acc.get(k)!;
    const mse = a.e / T;
    const v = Math.max(0, a.e2 / T - mse * mse) * (T / (T - 1));
    const ptAll = a.pt.reduce((s, x) => s + x, 0);
    const ttAll = a.tt.reduce((s, x) => s + x, 0);
    const slopes = Array.from(a.pt, (p, g) => p / a.tt[g]!);
    const m = slopes.reduce((s, x) => s + x, 0) / groups;
    const sv = slopes.reduce((s, x) => s + (x - m) ** 2, 0) / (groups - 1);
    out[k] = {
      mse,
      mseSe: Math.sqrt(v / T),
      slope: ptAll / ttAll,
      slopeSe: Math.sqrt(sv / groups),
      rmsPred: Math.sqrt(a.pp / T),
      rmsTarget: Math.sqrt(tt2 / T),
    };
  }
  return out;
}
