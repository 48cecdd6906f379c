/**
 * The trained transformer of this study: one merged LSA layer in Zhang's form (query inside keys and
 * values, ρ = N, readout +), from the balanced initialisation of Assumption 3.3, trained by core Adam
 * on fresh noiseless batches (the paper analyses gradient flow on the population loss; Adam on
 * sampled batches is our CPU stand-in, and experiments/flow.ts compares plain SGD with the flow).
 */
import { mapJobs } from "../../../core/grid/map";
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

/** A trained layer without its predictor closure: what a worker thread sends back (structured clone). */
export type TrainedCore = Omit<TrainedModel, "predictor">;

/** One training job: everything the layer depends on, seed included. */
export interface TrainJob {
  seed: number;
  label: string;
  spec: TaskSpec;
  train: TrainSettings;
}

/** Adds the predictor to a trained layer (after it crossed a thread boundary). */
export function withPredictor(core: TrainedCore): TrainedModel {
  return { ...core, predictor: lsaPredictor(core.reduction, { includeQuery: true }) };
}

/**
 * Trains several layers on worker threads (core grid mapJobs, grid "train" of this study's grids.ts);
 * each job carries its seed, so the layers do not depend on the number of threads.
 */
export async function trainMany(jobs: TrainJob[], workers?: number): Promise<TrainedModel[]> {
  const cores = await mapJobs<TrainJob, TrainedCore>({
    study: "trained-transformers-icl",
    grid: "train",
    specs: jobs,
    workers,
    label: "training the layers",
  });
  return cores.map(withPredictor);
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
  // the checkpoints' reductions are dropped: only their losses and Γ_eff are used, and they cross threads
  const checkpoints = r.checkpoints.map(({ reduction: _drop, ...c }) => c);
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
    checkpoints,
    predictor: lsaPredictor(r.reduction, { includeQuery: true }),
  };
}
