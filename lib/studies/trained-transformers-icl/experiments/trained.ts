/**
 * The trained transformer of this study: one merged LSA layer in Zhang's form (query inside keys and
 * values, ρ = N, readout +), from the balanced initialisation of Assumption 3.3, trained by core Adam
 * on fresh noiseless batches (the paper analyses gradient flow on the population loss; Adam on
 * sampled batches is our CPU stand-in, and experiments/flow.ts compares plain SGD with the flow).
 */
import { diagOf, maxAbsOffDiag, type Matrix } from "../../../core/linalg";
import { Rng } from "../../../core/rng";
import { lsaPredictor, type Predictor } from "../../../topics/icl/predictors";
import type { Reduction } from "../../../topics/icl/reduce";
import type { TaskSpec } from "../../../topics/icl/tasks";
import { logCheckpoints, trainLSA, type Checkpoint } from "../../../topics/icl/train";

export interface TrainSettings {
  steps: number;
  batch: number;
  /** Adam's base learning rate (cosine decay to 0). */
  lr: number;
  /** σ of Assumption 3.3. */
  sigmaInit: number;
  /** Fixed tasks for the loss curve. */
  evalTasks: number;
}

export interface TrainedModel {
  label: string;
  seed: number;
  spec: TaskSpec;
  reduction: Reduction;
  /** Γ_eff = uU + a_x b_yᵀ, the layer's preconditioner. */
  G: Matrix;
  /** Mean of diag(G). */
  step: number;
  offDiagMax: number;
  /** max(‖a_x‖, ‖b_y‖): 0 on Zhang's manifold. */
  offManifold: number;
  checkpoints: Checkpoint[];
  /** ŷ on any prompt length M (C normalised by M, the query inside C, as the paper's ρ). */
  predictor: Predictor;
}

export function trainZhangLsa(o: { spec: TaskSpec; seed: number; train: TrainSettings; label: string; progress?: boolean }): TrainedModel {
  const r = trainLSA({
    spec: o.spec,
    steps: o.train.steps,
    batch: o.train.batch,
    rng: new Rng(o.seed),
    lr: o.train.lr,
    schedule: "cosine",
    init: { kind: "zhang", sigma: o.train.sigmaInit },
    includeQuery: true,
    evalTasks: o.train.evalTasks,
    checkpoints: logCheckpoints(o.train.steps, 8),
    label: o.progress === false ? undefined : o.label,
  });
  const G = r.reduction.gammaEff;
  const diag = diagOf(G);
  return {
    label: o.label,
    seed: o.seed,
    spec: o.spec,
    reduction: r.reduction,
    G,
    step: diag.reduce((s, v) => s + v, 0) / diag.length,
    offDiagMax: maxAbsOffDiag(G),
    offManifold: Math.max(r.reduction.axNorm, r.reduction.byNorm),
    checkpoints: r.checkpoints,
    predictor: lsaPredictor(r.reduction, { includeQuery: true }),
  };
}
