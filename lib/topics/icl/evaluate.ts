/**
 * Train one LSA layer and measure what the one-step-GD claims read from it: the effective
 * preconditioner Γ_eff, the share of the prediction that is not a GD step (the nuisance terms of
 * notes §1.1), and its MSE paired with a reference predictor on shared fresh tasks.
 */
import { Rng } from "../../core/rng";
import { diagOf, maxAbsOffDiag, type Matrix } from "../../core/linalg";
import { riskMC, type RiskEstimate } from "./monte-carlo";
import { lsaPredictor, type Predictor } from "./predictors";
import { decomposePrediction, reduceLSA, type Reduction } from "./reduce";
import { computeStats } from "./task-stats";
import { sampleTasks, type TaskSpec } from "./tasks";
import { logCheckpoints, trainLSA, type Checkpoint, type InitSpec } from "./train";

export interface TrainSettings {
  steps: number;
  batch: number;
  lr: number;
  schedule?: "constant" | "cosine";
  warmup?: number;
  init?: InitSpec;
  /** Fixed tasks for the loss curve. */
  evalTasks: number;
  /** Fresh tasks for the final Monte Carlo risk (paired with the reference predictor). */
  riskTasks: number;
  /** Tasks on which the nuisance share of ŷ is measured. */
  nuisanceTasks?: number;
}

export interface TrainedLsa {
  label: string;
  seed: number;
  spec: TaskSpec;
  gammaEff: Matrix;
  diag: number[];
  /** Mean of diag(Γ_eff): the layer's scalar step size. */
  step: number;
  offDiagMax: number;
  axNorm: number;
  byNorm: number;
  /** RMS of (label-free + y² parts) / RMS of ŷ, at initialisation and after training. */
  nuisanceInit: number;
  nuisanceFinal: number;
  checkpoints: Checkpoint[];
  /** MSE of the trained layer and of the reference predictor on the same fresh tasks. */
  risk: { lsa: RiskEstimate; reference: RiskEstimate; diff: number; diffSe: number; tasks: number };
}

/** RMS(label-free + y² parts of ŷ) / RMS(ŷ) on `tasks` fresh tasks: 0 exactly when the layer is a GD step. */
export function nuisanceShare(red: Reduction, spec: TaskSpec, tasks: number, rng: Rng): number {
  const parts = decomposePrediction(red, computeStats(sampleTasks(spec, tasks, rng)));
  let num = 0;
  let den = 0;
  for (let b = 0; b < parts.total.length; b++) {
    num += (parts.labelFree[b]! + parts.ySquared[b]!) ** 2;
    den += parts.total[b]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** Trains one layer (seed `seed`) and evaluates it against `reference` on shared fresh tasks. */
export function trainAndEvaluate(
  o: TrainSettings & { spec: TaskSpec; seed: number; reference: Predictor; label: string; progress?: boolean },
): TrainedLsa {
  const rng = new Rng(o.seed);
  const r = trainLSA({
    spec: o.spec,
    steps: o.steps,
    batch: o.batch,
    rng: rng.split(),
    lr: o.lr,
    schedule: o.schedule ?? "cosine",
    warmup: o.warmup,
    init: o.init,
    evalTasks: o.evalTasks,
    checkpoints: logCheckpoints(o.steps, 8),
    label: o.progress === false ? undefined : o.label,
  });
  const red = r.reduction;
  const nuisanceRng = rng.split();
  const nt = o.nuisanceTasks ?? 10_000;
  // the same tasks before and after training, so the two shares differ only by the weights
  const nuisanceInit = nuisanceShare(reduceLSA(r.init), o.spec, nt, new Rng(nuisanceRng.seed));
  const nuisanceFinal = nuisanceShare(red, o.spec, nt, new Rng(nuisanceRng.seed));
  const mc = riskMC(
    o.spec,
    { lsa: lsaPredictor(red), reference: o.reference },
    { tasks: o.riskTasks, rng: rng.split(), reference: "reference" },
  );
  const diag = diagOf(red.gammaEff);
  return {
    label: o.label,
    seed: o.seed,
    spec: o.spec,
    gammaEff: red.gammaEff,
    diag,
    step: diag.reduce((s, v) => s + v, 0) / diag.length,
    offDiagMax: maxAbsOffDiag(red.gammaEff),
    axNorm: red.axNorm,
    byNorm: red.byNorm,
    nuisanceInit,
    nuisanceFinal,
    checkpoints: r.checkpoints,
    risk: { lsa: mc.risks.lsa!, reference: mc.risks.reference!, diff: mc.paired.lsa!.diff, diffSe: mc.paired.lsa!.se, tasks: mc.tasks },
  };
}
