/**
 * Notebook section "Observation": random-init training at d = 2, n = 10 (noiseless) on several
 * seeds; some stop at a stationary point that is not a GD step. Recorded, not scored.
 */
import { etaStar, riskStar } from "../../../topics/icl/closed-forms";
import { trainAndEvaluate, type TrainedLsa, type TrainSettings } from "../../../topics/icl/evaluate";
import { diagMatrix, type Matrix } from "../../../core/linalg";
import { gdPredictor } from "../../../topics/icl/predictors";
import type { TaskSpec } from "../../../topics/icl/tasks";

export interface StallsResult {
  d: number;
  n: number;
  eta: number;
  target: Matrix;
  riskGD: number;
  runs: TrainedLsa[];
  /** Runs whose MSE ends above 1.5x the optimum. */
  stalled: number;
}

export function runStalls(o: { d: number; n: number; seeds: number[]; train: TrainSettings }): StallsResult {
  const spec: TaskSpec = { d: o.d, n: o.n, x: { kind: "gauss" }, w: { kind: "iso" } };
  const eta = etaStar({ n: o.n, d: o.d });
  const riskGD = riskStar({ n: o.n, d: o.d });
  const runs = o.seeds.map((seed) =>
    trainAndEvaluate({
      ...o.train,
      spec,
      seed,
      reference: gdPredictor({ eta }),
      label: `d=${o.d}, n=${o.n}, seed ${seed}`,
      progress: false,
    }),
  );
  return {
    d: o.d,
    n: o.n,
    eta,
    target: diagMatrix(new Array<number>(o.d).fill(eta)),
    riskGD,
    runs,
    stalled: runs.filter((r) => r.risk.lsa.mse > 1.5 * riskGD).length,
  };
}
