/**
 * Z4/Z5: the trained layer's test error against the prompt length M (Thm 4.2), Λ = I, noiseless,
 * w ~ N(0, I). Each layer is trained at one context length N and evaluated on fresh prompts of
 * every length M, beside the global minimum itself (GD with G = Γ⁻¹), OLS and the best linear
 * predictor (error 0 here), all on the same tasks.
 */
import { diagMatrix } from "../../../core/linalg";
import { Rng } from "../../../core/rng";
import { gdPredictor, olsPredictor, type Predictor } from "../../../topics/icl/predictors";
import { evaluateMC, type ShiftEstimate } from "../../../topics/icl/shift";
import type { TaskSpec } from "../../../topics/icl/tasks";
import { formatFraction } from "../../../topics/icl/exact";
import { zhangIsoError, zhangIsoErrorExact } from "../../../topics/icl/zhang";
import type { TrainedModel } from "./trained";

export interface LengthRow {
  N: number;
  M: number;
  /** Thm 4.2 (isotropic form) and the same as a fraction. */
  theory: number;
  exact: string;
  /** Per trained seed. */
  trained: ShiftEstimate[];
  optimum: ShiftEstimate;
  /** OLS (undefined for M < d + 2, where its risk is infinite). */
  ols?: ShiftEstimate;
}

export interface PromptLengthResult {
  d: number;
  N: number;
  models: TrainedModel[];
  rows: LengthRow[];
}

export const isoSpec = (d: number, n: number): TaskSpec => ({ d, n, x: { kind: "gauss" }, w: { kind: "iso" } });

export function evaluateLengths(o: {
  d: number;
  N: number;
  models: TrainedModel[];
  Ms: number[];
  tasks: number;
  seed: number;
}): LengthRow[] {
  const g = 1 + (o.d + 1) / o.N;
  const optimum = gdPredictor({ G: diagMatrix(new Array<number>(o.d).fill(1 / g)) });
  return o.Ms.map((M, k) => {
    const predictors: Record<string, Predictor> = { optimum };
    o.models.forEach((m, i) => (predictors[`trained${i}`] = m.predictor));
    if (M >= o.d + 2) predictors.ols = olsPredictor();
    const r = evaluateMC(isoSpec(o.d, M), predictors, { tasks: o.tasks, rng: new Rng(o.seed + k) });
    return {
      N: o.N,
      M,
      theory: zhangIsoError({ d: o.d, N: o.N, M }),
      exact: formatFraction(zhangIsoErrorExact({ d: o.d, N: o.N, M })),
      trained: o.models.map((_, i) => r[`trained${i}`]!),
      optimum: r.optimum!,
      ols: r.ols,
    };
  });
}

/** Z4: layers trained at N (several seeds), evaluated on every M. */
export function runPromptLength(o: {
  d: number;
  N: number;
  models: TrainedModel[];
  Ms: number[];
  tasks: number;
  seed: number;
}): PromptLengthResult {
  return { d: o.d, N: o.N, models: o.models, rows: evaluateLengths(o) };
}

/** Z5: one layer per N (models[k] trained at Ns[k]), each evaluated at M = N. */
export function runMEqualsN(o: { d: number; Ns: number[]; models: TrainedModel[]; seed: number; tasks: number }): {
  d: number;
  rows: LengthRow[];
  models: TrainedModel[];
} {
  const rows = o.Ns.map((N, k) => {
    const m = o.models[k]!;
    if (m.spec.n !== N) throw new Error(`runMEqualsN: model ${k} was trained at N = ${m.spec.n}, not ${N}`);
    return evaluateLengths({ d: o.d, N, models: [m], Ms: [N], tasks: o.tasks, seed: o.seed + 100 + k })[0]!;
  });
  return { d: o.d, rows, models: o.models };
}
