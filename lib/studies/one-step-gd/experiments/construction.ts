/**
 * Notebook section "The construction": von Oswald et al.'s Prop. 1 weights run through the float32
 * token-level LSA layer, against one explicit float64 GD step (notes §4b V1). For this study it is a
 * sanity check of the layer code: the weights are built to be a GD step.
 */
import { Rng } from "../../../core/rng";
import { tf } from "../../../core/tf";
import { etaStar } from "../../../topics/icl/closed-forms";
import { constructGD } from "../../../topics/icl/construct";
import { buildTokens, disposeLsaTensors, lsaForward, paramsToTensors } from "../../../topics/icl/lsa";
import { gdPredictor } from "../../../topics/icl/predictors";
import { reduceLSA } from "../../../topics/icl/reduce";
import { batchTensors, sampleTasks, sliceBatch, type TaskSpec } from "../../../topics/icl/tasks";

export interface ConstructionResult {
  d: number;
  n: number;
  eta: number;
  tasks: number;
  /** ‖ŷ_LSA − ŷ_GD‖ / ‖ŷ_GD‖ over all tasks, random W₀ ≠ 0 (float32 layer vs float64 GD). */
  predRelErr: number;
  /** Same with W₀ = 0. */
  predRelErrW0zero: number;
  /** ‖Δy_LSA − Δy_GD‖ / ‖Δy_GD‖ over the label slots of all context tokens (Δy = −ΔW x_j). */
  tokenRelErr: number;
  /** max |Γ_eff − ηI| of the constructed weights. */
  gammaEffErr: number;
}

/** The constructed layer against explicit GD on `tasks` tasks (notes §4b V1). */
export function runConstruction(o: { d: number; n: number; sigma2: number; tasks: number; seed: number }): ConstructionResult {
  const rng = new Rng(o.seed);
  const spec: TaskSpec = { d: o.d, n: o.n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: o.sigma2 };
  const batch = sampleTasks(spec, o.tasks, rng);
  const W0 = Array.from({ length: o.d }, () => rng.normal());
  const eta = etaStar({ n: o.n, d: o.d, sigma2: o.sigma2 });
  const rel = (num: number, den: number) => Math.sqrt(num / den);
  const run = (w0: number[]) => {
    const c = constructGD({ d: o.d, n: o.n, eta, W0: w0 });
    const heads = paramsToTensors(c.params);
    const gd = gdPredictor({ eta }, w0)(batch);
    let pNum = 0;
    let pDen = 0;
    let tNum = 0;
    let tDen = 0;
    const chunk = 2048;
    for (let from = 0; from < batch.B; from += chunk) {
      const part = sliceBatch(batch, from, Math.min(batch.B, from + chunk));
      const ql = new Float32Array(part.B);
      for (let b = 0; b < part.B; b++) for (let j = 0; j < o.d; j++) ql[b]! -= w0[j]! * part.xq[b * o.d + j]!;
      const t = batchTensors(part);
      const qlT = tf.tensor1d(ql);
      const E = buildTokens(t.X, t.y, t.xq, qlT);
      const out = lsaForward(heads, E, c.options);
      const yhat = out.yhat.dataSync();
      const tokens = out.tokens.dataSync();
      tf.dispose([out.yhat, out.tokens, E, qlT, t.X, t.y, t.xq, t.yq]);
      const D = o.d + 1;
      for (let b = 0; b < part.B; b++) {
        pNum += (yhat[b]! - gd[from + b]!) ** 2;
        pDen += gd[from + b]! ** 2;
        // ΔW = (η/n) Σ (y_i − W₀x_i) x_iᵀ; each context label slot should move by −ΔW x_j
        const dW = new Float64Array(o.d);
        for (let i = 0; i < o.n; i++) {
          const xo = (b * o.n + i) * o.d;
          let r = part.y[b * o.n + i]!;
          for (let j = 0; j < o.d; j++) r -= w0[j]! * part.X[xo + j]!;
          for (let j = 0; j < o.d; j++) dW[j]! += (eta / o.n) * r * part.X[xo + j]!;
        }
        for (let i = 0; i < o.n; i++) {
          const xo = (b * o.n + i) * o.d;
          let want = 0;
          for (let j = 0; j < o.d; j++) want -= dW[j]! * part.X[xo + j]!;
          const got = tokens[(b * (o.n + 1) + i) * D + o.d]! - part.y[b * o.n + i]!;
          tNum += (got - want) ** 2;
          tDen += want * want;
        }
      }
    }
    disposeLsaTensors(heads);
    const red = reduceLSA(c.params, c.options, o.n);
    let gErr = 0;
    red.gammaEff.forEach((r, i) => r.forEach((v, j) => (gErr = Math.max(gErr, Math.abs(v - (i === j ? eta : 0))))));
    return { pred: rel(pNum, pDen), token: rel(tNum, tDen), gErr };
  };
  const withW0 = run(W0);
  const zero = run(new Array<number>(o.d).fill(0));
  return {
    d: o.d,
    n: o.n,
    eta,
    tasks: o.tasks,
    predRelErr: withW0.pred,
    predRelErrW0zero: zero.pred,
    tokenRelErr: withW0.token,
    gammaEffErr: Math.max(withW0.gErr, zero.gErr),
  };
}
