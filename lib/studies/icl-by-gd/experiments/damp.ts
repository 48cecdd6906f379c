/**
 * V6 (A.6): the trained single layer and the GD layer applied repeatedly, e ← e + λ·(layer update),
 * for λ ∈ {1, 0.875, 0.75}: the loss after each of K applications.
 */
import { Rng } from "../../../core/rng";
import { gdStack } from "../../../topics/icl/gd-plus";
import { stackPredict, type LsaStack } from "../../../topics/icl/lsa-stack";
import { sampleTasks } from "../../../topics/icl/tasks";
import { voSpec } from "../../../topics/icl/vo-data";

export interface DampCurve {
  model: "TF" | "GD";
  damp: number;
  /** ½MSE after applications 1..K (Infinity/NaN kept as the largest finite double for plotting). */
  loss: number[];
}

export function runDampening(o: {
  stack: LsaStack;
  d: number;
  n: number;
  eta: number;
  damps: number[];
  K: number;
  tasks: number;
  seed: number;
}): DampCurve[] {
  const batch = sampleTasks(voSpec({ d: o.d, n: o.n }), o.tasks, new Rng(o.seed));
  const out: DampCurve[] = [];
  for (const damp of o.damps) {
    for (const [model, base] of [
      ["TF", o.stack],
      ["GD", gdStack({ d: o.d, n: o.n, eta: o.eta })],
    ] as const) {
      const m: LsaStack = { ...base, depth: o.K, recurrent: true, layers: [base.layers[0]!] };
      const tr = stackPredict(m, batch, { trace: true, damp }).trace!;
      const loss = Array.from({ length: o.K }, (_, k) => {
        let s = 0;
        for (let t = 0; t < batch.B; t++) s += (tr[t * o.K + k]! - batch.yq[t]!) ** 2;
        const v = (0.5 * s) / batch.B;
        return Number.isFinite(v) ? v : Number.MAX_VALUE;
      });
      out.push({ model, damp, loss });
    }
  }
  return out;
}
