/**
 * The experiments of the one-step-GD study (notes §2b, M1-M7, and the §4 construction), each a
 * function returning a plain result object so notebook cells stay short. Later studies can reuse
 * them (e.g. `trainAndEvaluate` for any task distribution).
 */
import { Rng } from "../core/rng";
import { tf } from "../core/tf";
import { etaStarIso, gammaSigma, riskStarIso } from "./closedForms";
import { constructGD } from "./construct";
import { diagOf, inverse, maxAbsOffDiag, type Matrix } from "./linalg";
import { buildTokens, disposeLsaTensors, lsaForward, paramsToTensors } from "./lsa";
import { etaStarMC, fitPreconditionerMC, riskMC, type PreconditionerFit, type RiskEstimate } from "./montecarlo";
import { gdPredictor, lsaPredictor, type Predictor } from "./predictors";
import { decomposePrediction, reduceLSA } from "./reduce";
import { computeStats } from "./stats";
import { batchTensors, sampleTasks, sliceBatch, type TaskSpec } from "./tasks";
import { logCheckpoints, trainLSA, type Checkpoint, type InitSpec } from "./train";

// ---------------------------------------------------------------------------------------------
// Construction (von Oswald Prop. 1)

export interface ConstructionCheck {
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
export function checkConstruction(o: { d: number; n: number; sigma2: number; tasks: number; seed: number }): ConstructionCheck {
  const rng = new Rng(o.seed);
  const spec: TaskSpec = { d: o.d, n: o.n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: o.sigma2 };
  const batch = sampleTasks(spec, o.tasks, rng);
  const W0 = Array.from({ length: o.d }, () => rng.normal());
  const eta = etaStarIso(o.n, o.d, o.sigma2);
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
  return { d: o.d, n: o.n, eta, tasks: o.tasks, predRelErr: withW0.pred, predRelErrW0zero: zero.pred, tokenRelErr: withW0.token, gammaEffErr: Math.max(withW0.gErr, zero.gErr) };
}

// ---------------------------------------------------------------------------------------------
// M1/M2: η* and the GD risk by Monte Carlo

export interface GdSetting {
  d: number;
  n: number;
  sigma2: number;
}

export interface GdMcRow extends GdSetting {
  etaClosed: number;
  etaMC: number;
  etaSE: number;
  /** MSE at the closed-form η*. */
  riskClosed: number;
  riskMC: number;
  riskSE: number;
}

/** Ratio-formula η* and the MSE of GD at η*, per isotropic setting (notes §2b M1, M2). */
export function gdMonteCarloTable(settings: GdSetting[], o: { etaTasks: number; riskTasks: number; seed: number }): GdMcRow[] {
  const rng = new Rng(o.seed);
  return settings.map((s) => {
    const spec: TaskSpec = { d: s.d, n: s.n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: s.sigma2 };
    const etaClosed = etaStarIso(s.n, s.d, s.sigma2);
    const mc = etaStarMC(spec, { tasks: o.etaTasks, rng: rng.split() });
    const r = riskMC(spec, { gd: gdPredictor({ eta: etaClosed }) }, { tasks: o.riskTasks, rng: rng.split() });
    return { ...s, etaClosed, etaMC: mc.eta, etaSE: mc.se, riskClosed: riskStarIso(s.n, s.d, s.sigma2), riskMC: r.risks.gd!.mse, riskSE: r.risks.gd!.se };
  });
}

// ---------------------------------------------------------------------------------------------
// Training runs with their evaluation

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

function nuisanceShare(red: ReturnType<typeof reduceLSA>, spec: TaskSpec, tasks: number, rng: Rng): number {
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
export function trainAndEvaluate(o: TrainSettings & { spec: TaskSpec; seed: number; reference: Predictor; label: string; progress?: boolean }): TrainedLsa {
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
  const nuisanceInit = nuisanceShare(reduceLSA(r.init), o.spec, nt, new Rng(nuisanceRng.seed));
  const nuisanceFinal = nuisanceShare(red, o.spec, nt, new Rng(nuisanceRng.seed));
  const mc = riskMC(o.spec, { lsa: lsaPredictor(red), reference: o.reference }, { tasks: o.riskTasks, rng: rng.split(), reference: "reference" });
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

// ---------------------------------------------------------------------------------------------
// M4/M5: non-isotropic covariates, the two priors

export interface PreconditionerStudy {
  prior: "invCov" | "iso";
  Sigma: number[];
  n: number;
  sigma2: number;
  /** η*Σ⁻¹ (Mahankali T2 equivalent [D]). */
  etaSigmaInv: Matrix;
  /** Γ_σ⁻¹ (Zhang / notes §1.2 [D]). */
  gammaSigmaInv: Matrix;
  /** Least-squares fit of G by Monte Carlo. */
  fit: PreconditionerFit;
  trained: TrainedLsa[];
}

export function preconditionerStudy(o: { Sigma: number[]; n: number; sigma2: number; prior: "invCov" | "iso"; fitTasks: number; seed: number; seeds: number[]; train: TrainSettings }): PreconditionerStudy {
  const d = o.Sigma.length;
  const spec: TaskSpec = { d, n: o.n, x: { kind: "gauss", Lambda: o.Sigma }, w: { kind: o.prior }, sigma2: o.sigma2 };
  const eta = etaStarIso(o.n, d, o.sigma2);
  const etaSigmaInv = o.Sigma.map((s, i) => o.Sigma.map((_, j) => (i === j ? eta / s : 0)));
  const gammaSigmaInv = inverse(gammaSigma(o.Sigma, o.n, o.sigma2));
  const fit = fitPreconditionerMC(spec, { tasks: o.fitTasks, rng: new Rng(o.seed) });
  const theory = o.prior === "invCov" ? etaSigmaInv : gammaSigmaInv;
  const trained = o.seeds.map((seed) => trainAndEvaluate({ ...o.train, spec, seed, reference: gdPredictor({ G: theory }), label: `${o.prior} prior, seed ${seed}` }));
  return { prior: o.prior, Sigma: o.Sigma, n: o.n, sigma2: o.sigma2, etaSigmaInv, gammaSigmaInv, fit, trained };
}

// ---------------------------------------------------------------------------------------------
// M6: step size against the noise level

export interface SigmaRow {
  sigma2: number;
  closed: number;
  mc: number;
  mcSe: number;
  trained: TrainedLsa[];
}

/** For each σ²: the closed form, the ratio-formula η*, and trained layers (reusing runs given in `reuse`). */
export function sigmaSweep(o: { d: number; n: number; sigma2s: number[]; etaTasks: number; seed: number; seeds: number[]; train: TrainSettings; reuse?: { sigma2: number; runs: TrainedLsa[] } }): SigmaRow[] {
  const rng = new Rng(o.seed);
  return o.sigma2s.map((sigma2) => {
    const spec: TaskSpec = { d: o.d, n: o.n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2 };
    const closed = etaStarIso(o.n, o.d, sigma2);
    const mc = etaStarMC(spec, { tasks: o.etaTasks, rng: rng.split() });
    const trained =
      o.reuse && o.reuse.sigma2 === sigma2
        ? o.reuse.runs
        : o.seeds.map((seed) => trainAndEvaluate({ ...o.train, spec, seed, reference: gdPredictor({ eta: closed }), label: `σ² = ${sigma2}, seed ${seed}` }));
    return { sigma2, closed, mc: mc.eta, mcSe: mc.se, trained };
  });
}

// ---------------------------------------------------------------------------------------------
// M7: nonlinear teachers

export interface NonlinearStudy {
  name: string;
  spec: TaskSpec;
  /** Ratio-formula η* (the only "theory" available for a nonlinear teacher [D]). */
  etaMC: number;
  etaSe: number;
  /** Least-squares G (should be ≈ η*_MC · I). */
  fit: PreconditionerFit;
  /** Trained layers, each evaluated against GD(η*_MC) on shared tasks. */
  trained: TrainedLsa[];
  /** MSE of the zero predictor (E y_q²) on the first run's risk tasks, for scale. */
  zeroRisk: number;
}

export function nonlinearStudy(o: { name: string; spec: TaskSpec; etaTasks: number; fitTasks: number; seed: number; seeds: number[]; train: TrainSettings }): NonlinearStudy {
  const rng = new Rng(o.seed);
  const mc = etaStarMC(o.spec, { tasks: o.etaTasks, rng: rng.split() });
  const fit = fitPreconditionerMC(o.spec, { tasks: o.fitTasks, rng: rng.split() });
  const gd = gdPredictor({ eta: mc.eta });
  const trained = o.seeds.map((seed) => trainAndEvaluate({ ...o.train, spec: o.spec, seed, reference: gd, label: `${o.name}, seed ${seed}` }));
  const zero = riskMC(o.spec, { zero: (b) => new Float64Array(b.B) }, { tasks: o.train.riskTasks, rng: rng.split() });
  return { name: o.name, spec: o.spec, etaMC: mc.eta, etaSe: mc.se, fit, trained, zeroRisk: zero.risks.zero!.mse };
}

// ---------------------------------------------------------------------------------------------
// Small helpers for claims

/** max_i |diag_i / target_i − 1|. */
export function maxDiagRelErr(G: Matrix, target: Matrix): number {
  return Math.max(...G.map((r, i) => Math.abs(r[i]! / target[i]![i]! - 1)));
}

/** max_i diag_i / min_i diag_i − 1: spread of a diagonal that should be constant. */
export function diagSpread(G: Matrix): number {
  const d = diagOf(G);
  return Math.max(...d) / Math.min(...d) - 1;
}
