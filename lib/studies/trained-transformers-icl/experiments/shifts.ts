/**
 * Z6/Z7/Z9: the layer trained on N(0, I) covariates and w ~ N(0, I), tested under the shifts of
 * Zhang et al. §4.2, each on shared fresh tasks with OLS beside it:
 *   task shift (Z6): one fixed w with ‖w‖ = 3 and label noise σ², against Thm 4.2 for that task;
 *   covariate scale (Z7): x ~ N(0, c²I) at test (context and query), slope of ŷ on ⟨w, x_q⟩;
 *   orthogonal query (Z9): M < d, x_q ⊥ span{x_i}: ŷ should vanish.
 */
import { diagMatrix, type Matrix } from "../../../core/linalg";
import { Rng } from "../../../core/rng";
import { gdPredictor, lsaPredictor, olsPredictor, type Predictor } from "../../../topics/icl/predictors";
import { reduceLSA } from "../../../topics/icl/reduce";
import { evaluateMC, type ShiftEstimate } from "../../../topics/icl/shift";
import { thm42FixedTask, zhangGlobalMin, type Thm42Error } from "../../../topics/icl/zhang";
import type { TrainedModel } from "./trained";

export interface TaskShiftRow {
  M: number;
  theory: Thm42Error;
  /** Slope of E[ŷ | x_q] on ⟨w, x_q⟩ implied by (4.3): 1/γ for Λ = I. */
  slopeTheory: number;
  trained: ShiftEstimate[];
  optimum: ShiftEstimate;
  ols: ShiftEstimate;
}

export function runTaskShift(o: {
  models: TrainedModel[];
  N: number;
  w: number[];
  sigma2: number;
  Ms: number[];
  tasks: number;
  seed: number;
}): { w: number[]; sigma2: number; rows: TaskShiftRow[] } {
  const d = o.w.length;
  const Lambda = new Array<number>(d).fill(1);
  const opt = gdPredictor({ G: zhangGlobalMin({ Lambda, N: o.N }).G });
  const rows = o.Ms.map((M, k) => {
    const preds: Record<string, Predictor> = { optimum: opt, ols: olsPredictor() };
    o.models.forEach((m, i) => (preds[`trained${i}`] = m.predictor));
    const r = evaluateMC({ d, n: M, x: { kind: "gauss" }, w: { kind: "fixed", w: o.w }, sigma2: o.sigma2 }, preds, {
      tasks: o.tasks,
      rng: new Rng(o.seed + k),
    });
    return {
      M,
      theory: thm42FixedTask({ Lambda, N: o.N, M, w: o.w, sigma2: o.sigma2 }),
      slopeTheory: 1 / (1 + (d + 1) / o.N),
      trained: o.models.map((_, i) => r[`trained${i}`]!),
      optimum: r.optimum!,
      ols: r.ols!,
    };
  });
  return { w: o.w, sigma2: o.sigma2, rows };
}

export interface ScaleRow {
  c: number;
  /** c²/γ. */
  slopeTheory: number;
  trained: ShiftEstimate[];
  ols: ShiftEstimate;
}

export function runCovariateScale(o: {
  models: TrainedModel[];
  d: number;
  N: number;
  M: number;
  cs: number[];
  tasks: number;
  seed: number;
}): { M: number; rows: ScaleRow[] } {
  const g = 1 + (o.d + 1) / o.N;
  const rows = o.cs.map((c, k) => {
    const preds: Record<string, Predictor> = { ols: olsPredictor() };
    o.models.forEach((m, i) => (preds[`trained${i}`] = m.predictor));
    const spec = { d: o.d, n: o.M, x: { kind: "gauss" as const, Lambda: new Array<number>(o.d).fill(c * c) }, w: { kind: "iso" as const } };
    const r = evaluateMC(spec, preds, { tasks: o.tasks, rng: new Rng(o.seed + k) });
    return { c, slopeTheory: (c * c) / g, trained: o.models.map((_, i) => r[`trained${i}`]!), ols: r.ols! };
  });
  return { M: o.M, rows };
}

export interface OrthogonalResult {
  M: number;
  /** RMS(ŷ) with orthogonal queries / RMS(ŷ) with ordinary queries, per trained seed. */
  trainedRatio: number[];
  /** The same for the global minimum of Thm 4.1 (0 in exact arithmetic). */
  optimumRatio: number;
  /** RMS(ŷ_orth)/RMS(y_q) of the global minimum, for scale. */
  optimumAbs: number;
  /** The trained layers' anisotropy max|G_ij − ḡ δ_ij|/ḡ, which bounds how far ŷ can be from 0. */
  anisotropy: number[];
  orth: Record<string, ShiftEstimate>;
  plain: Record<string, ShiftEstimate>;
}

export function runOrthogonal(o: {
  models: TrainedModel[];
  d: number;
  N: number;
  M: number;
  tasks: number;
  seed: number;
}): OrthogonalResult {
  const Lambda = new Array<number>(o.d).fill(1);
  const optRed = reduceLSA(zhangGlobalMin({ Lambda, N: o.N }).params, { includeQuery: true });
  const preds: Record<string, Predictor> = { optimum: lsaPredictor(optRed, { includeQuery: true }) };
  o.models.forEach((m, i) => (preds[`trained${i}`] = m.predictor));
  const spec = { d: o.d, n: o.M, x: { kind: "gauss" as const }, w: { kind: "iso" as const } };
  const orth = evaluateMC(spec, preds, { tasks: o.tasks, rng: new Rng(o.seed), query: { kind: "orthogonal" } });
  const plain = evaluateMC(spec, preds, { tasks: o.tasks, rng: new Rng(o.seed) });
  const aniso = (G: Matrix) => {
    const g = G.reduce((s, r, i) => s + r[i]!, 0) / G.length;
    return Math.max(...G.flatMap((r, i) => r.map((v, j) => Math.abs(v - (i === j ? g : 0))))) / g;
  };
  return {
    M: o.M,
    trainedRatio: o.models.map((_, i) => orth[`trained${i}`]!.rmsPred / plain[`trained${i}`]!.rmsPred),
    optimumRatio: orth.optimum!.rmsPred / plain.optimum!.rmsPred,
    optimumAbs: orth.optimum!.rmsPred / orth.optimum!.rmsTarget,
    anisotropy: o.models.map((m) => aniso(m.G)),
    orth,
    plain,
  };
}

export const isotropicG = (d: number, g: number): Matrix => diagMatrix(new Array<number>(d).fill(g));
