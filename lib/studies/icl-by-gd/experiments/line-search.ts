/**
 * V1 and V2: the constructions are GD/GD++ (float64, any depth), and the GD step size of the code's
 * line search on its data (η ∈ arange(0.001, 25, 0.1), 10⁴ tasks, x ~ U(−0.5, 0.5), d = N = 10), beside
 * the closed form η* = N s/(μ₄ + (d + N − 2)s²) for uniform inputs (notes §1.2) and the zero predictor.
 */
import { Rng } from "../../../core/rng";
import { gdPlusPlusExplicit, gdppCoefficients, gdStack, lineSearchEta } from "../../../topics/icl/gd-plus";
import { stackPredict } from "../../../topics/icl/lsa-stack";
import { sampleTasks } from "../../../topics/icl/tasks";
import { voSpec } from "../../../topics/icl/vo-data";
import { halfMse } from "../../../topics/icl/alignment";

export interface ConstructionRow {
  what: string;
  steps: number;
  eta: number;
  gamma: number;
  /** max over tasks and steps of |ŷ_construction − ŷ_explicit| / max |ŷ_explicit|. */
  maxRelErr: number;
}

/** Constructions through the attention stack against the explicit algorithm, float64. */
export function runConstructions(o: { d: number; n: number; tasks: number; seed: number }): ConstructionRow[] {
  const batch = sampleTasks(voSpec({ d: o.d, n: o.n }), o.tasks, new Rng(o.seed));
  const cases = [
    { what: "GD (Prop. 1)", steps: 1, eta: 6.06, gamma: undefined },
    { what: "GD, recurrent (K steps)", steps: 5, eta: 3, gamma: undefined },
    { what: "GD++ (A.10), recurrent", steps: 3, eta: 4, gamma: 0.18 },
  ];
  return cases.map((c) => {
    const p = stackPredict(gdStack({ d: o.d, n: o.n, eta: c.eta, gamma: c.gamma, depth: c.steps }), batch, { trace: true }).trace!;
    const e = gdPlusPlusExplicit(batch, { eta: c.eta, gamma: c.gamma, steps: c.steps });
    let scale = 0;
    let err = 0;
    for (let k = 0; k < e.length; k++) {
      scale = Math.max(scale, Math.abs(e[k]!));
      err = Math.max(err, Math.abs(p[k]! - e[k]!));
    }
    return { what: c.what, steps: c.steps, eta: c.eta, gamma: c.gamma ?? 0, maxRelErr: err / scale };
  });
}

export interface EtaResult {
  d: number;
  n: number;
  inputRange: number;
  tasks: number;
  /** Grid line search (the code's): η and ½MSE. */
  eta: number;
  loss: number;
  lossSe: number;
  etaRefined: number;
  /** ½MSE of predicting 0, = ½·E y² = ½·d·s. */
  zeroLoss: number;
  /** Closed form for U(−h, h) inputs, w ~ N(0, I), noiseless. */
  etaTheory: number;
  lossTheory: number;
}

/** η*, and ½MSE at it, for uniform inputs of half-width h (notes §1.2). */
export function uniformOptimum(o: { d: number; n: number; h: number }): { eta: number; halfMse: number } {
  const s = (o.h * o.h) / 3;
  const mu4 = o.h ** 4 / 5;
  const eta = (o.n * s) / (mu4 + (o.d + o.n - 2) * s * s);
  return { eta, halfMse: 0.5 * s * o.d * (1 - s * eta) };
}

export function runLineSearch(o: { d: number; n: number; inputRange: number; tasks: number; seed: number }): EtaResult {
  const batch = sampleTasks(voSpec({ d: o.d, n: o.n, inputRange: o.inputRange }), o.tasks, new Rng(o.seed));
  const c = gdppCoefficients(batch);
  const ls = lineSearchEta(c, { steps: 1 });
  const yhat = c.g.map((g) => g * ls.eta);
  const { loss, se } = halfMse(yhat, batch.yq);
  const th = uniformOptimum({ d: o.d, n: o.n, h: o.inputRange / 2 });
  return {
    d: o.d,
    n: o.n,
    inputRange: o.inputRange,
    tasks: o.tasks,
    eta: ls.eta,
    loss,
    lossSe: se,
    etaRefined: ls.etaRefined,
    zeroLoss: halfMse(new Float64Array(batch.B), batch.yq).loss,
    etaTheory: th.eta,
    lossTheory: th.halfMse,
  };
}
