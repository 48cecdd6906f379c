/**
 * The depth phases (claim A5): the stored training runs (grids.ts) against the reference learners
 * on the shared evaluation set, by SPD (every prefix length), MSPD (positions 1 … n−1), ILWD (probe
 * fits at a few prefixes) and squared error. Seeds are paired: the same model is compared with two
 * references, so the comparison of references is a paired difference over seeds.
 */
import { cachedGrid } from "../../../core/grid";
import { mean, tInterval } from "../../../core/stats";
import {
  errorByPosition,
  ilwd,
  implicitWeights,
  probeLinearR2,
  spdByPosition,
  type PositionCurve,
} from "../../../topics/icl/algorithm-metrics";
import {
  gdOptimal,
  knn,
  learnerWeights,
  ols,
  prefixPredictions,
  ridge,
  type Learner,
  type LinearLearner,
} from "../../../topics/icl/learners";
import { evaluationSet, type TrainJob, type TrainOutput } from "./train";
import { promptMeanSpd } from "./baselines";

/** The pre-registered reference set (notes, "A5"): GD(α*), ridge(λ = 0.5), OLS (Bayes for σ = 0). */
export const REFERENCES = ["GD(α*)", "ridge(λ=0.5)", "OLS"] as const;
export type ReferenceName = (typeof REFERENCES)[number];

function referenceLearners(job: TrainJob): Record<ReferenceName, LinearLearner> {
  return { "GD(α*)": gdOptimal({ d: job.d, tau2: 1, sigma2: job.sigma2 }), "ridge(λ=0.5)": ridge(0.5), OLS: ols() };
}

export interface RunAnalysis {
  layers: number;
  seed: number;
  label: string;
  lossCurve: number[];
  lossEvery: number;
  /** SPD/d per prefix length against each reference and 3-NN. */
  spd: Record<string, PositionCurve>;
  /** MSPD/d (positions 1 … n−1) and its SE over prompts. */
  mspd: Record<string, { mean: number; se: number }>;
  /** Squared error per prefix length (noiseless labels here). */
  error: PositionCurve;
  /** ILWD/d per probed prefix against each linear reference. */
  ilwd: Record<string, PositionCurve>;
  /** R² of the linear fit to the model's probe predictions, per probed prefix (App. F). */
  r2: number[];
}

export interface PhaseStudy {
  job: Omit<TrainJob, "seed" | "label" | "layers">;
  runs: RunAnalysis[];
  sizes: number[];
  /** Reference learners' error curves on the same evaluation prompts. */
  referenceError: Record<string, PositionCurve>;
}

/** Analyses stored runs (job spec + output); every run must share the evaluation settings. */
export function analysePhases(records: { spec: TrainJob; result: TrainOutput }[]): PhaseStudy {
  if (records.length === 0) throw new Error("analysePhases: no stored runs; run `make grid STUDY=icl-algorithms GRID=train` first");
  const job = records[0]!.spec;
  for (const r of records) {
    for (const k of ["d", "n", "sigma2", "evalSeed", "evalTasks", "probeTasks", "probeK"] as const) {
      if (r.spec[k] !== job[k])
        throw new Error(
          `analysePhases: run ${r.spec.label} has ${k} = ${r.spec[k]}, the first run ${job[k]}; they must share the evaluation set`,
        );
    }
  }
  const { d, n } = job;
  const ev = evaluationSet(job);
  const B = job.evalTasks;
  const refs = referenceLearners(job);
  const all: Record<string, Learner> = { ...refs, "3-NN": knn({ k: 3 }) };
  const refPreds: Record<string, Float64Array> = {};
  for (const [name, l] of Object.entries(all)) refPreds[name] = prefixPredictions(l, ev.tasks);
  const referenceError: Record<string, PositionCurve> = {};
  for (const [name, p] of Object.entries(refPreds)) referenceError[name] = errorByPosition(p, ev.tasks.y, { B, n });
  const P = job.prefixes.length;
  const refWeights: Record<string, Float64Array> = {};
  for (const [name, l] of Object.entries(refs)) refWeights[name] = learnerWeights(l, ev.probeBatch, job.prefixes);

  const runs = records.map(({ spec, result }): RunAnalysis => {
    const spd: Record<string, PositionCurve> = {};
    const mspd: Record<string, { mean: number; se: number }> = {};
    for (const [name, p] of Object.entries(refPreds)) {
      spd[name] = spdByPosition(result.evalPreds, p, { B, n, perDim: d });
      mspd[name] = promptMeanSpd(result.evalPreds, p, { B, n, d });
    }
    const fitArgs = { preds: result.probePreds, probes: ev.probes, B: job.probeTasks, P, K: job.probeK, d };
    const w = implicitWeights(fitArgs);
    const il: Record<string, PositionCurve> = {};
    for (const [name, rw] of Object.entries(refWeights)) il[name] = ilwd(w, rw, { B: job.probeTasks, P, d, perDim: true });
    return {
      layers: spec.layers,
      seed: spec.seed,
      label: spec.label,
      lossCurve: result.lossCurve,
      lossEvery: result.lossEvery,
      spd,
      mspd,
      error: errorByPosition(result.evalPreds, ev.tasks.y, { B, n }),
      ilwd: il,
      r2: probeLinearR2(fitArgs),
    };
  });
  const sizes = [...new Set(runs.map((r) => r.layers))].sort((a, b) => a - b);
  const { seed: _s, label: _l, layers: _L, ...shared } = job;
  return { job: shared, runs, sizes, referenceError };
}

export interface SizeSummary {
  layers: number;
  seeds: number;
  /** Seed mean of log MSPD per reference (and 3-NN). */
  logMspd: Record<string, number>;
  /** Seed mean of MSPD per reference. */
  mspd: Record<string, number>;
  /** The reference with the lowest seed-mean log MSPD. */
  closest: ReferenceName;
  /** The same by mean ILWD over the probed prefixes. */
  closestIlwd: ReferenceName;
  /** Paired (by seed) log MSPD_a − log MSPD_b with its 95% t-interval, for the pre-registered pairs. */
  paired: { a: string; b: string; mean: number; lo: number; hi: number; values: number[] }[];
  /** Seed mean of the final training loss block and of the error at the last position. */
  finalLoss: number;
  lastError: number;
}

export function runsOfSize(s: PhaseStudy, layers: number): RunAnalysis[] {
  return s.runs.filter((r) => r.layers === layers).sort((a, b) => a.seed - b.seed);
}

/** Paired log-MSPD differences per seed for the given size. */
export function logDiffs(s: PhaseStudy, layers: number, a: string, b: string): number[] {
  return runsOfSize(s, layers).map((r) => Math.log(r.mspd[a]!.mean) - Math.log(r.mspd[b]!.mean));
}

/** log MSPD_best-of(ridge, OLS) − log MSPD_GD per seed (H2: "closest to ridge or OLS rather than GD"). */
export function ridgeOrOlsVsGd(s: PhaseStudy, layers: number): number[] {
  return runsOfSize(s, layers).map(
    (r) => Math.log(Math.min(r.mspd["ridge(λ=0.5)"]!.mean, r.mspd.OLS!.mean)) - Math.log(r.mspd["GD(α*)"]!.mean),
  );
}

export function summarizeSizes(s: PhaseStudy): SizeSummary[] {
  return s.sizes.map((L) => {
    const runs = runsOfSize(s, L);
    const names = Object.keys(runs[0]!.mspd);
    const logMspd = Object.fromEntries(names.map((k) => [k, mean(runs.map((r) => Math.log(r.mspd[k]!.mean)))]));
    const mspd = Object.fromEntries(names.map((k) => [k, mean(runs.map((r) => r.mspd[k]!.mean))]));
    const closest = [...REFERENCES].sort((a, b) => logMspd[a]! - logMspd[b]!)[0]!;
    const ilwdMean = (k: string) => mean(runs.map((r) => mean(r.ilwd[k]!.mean)));
    const closestIlwd = [...REFERENCES].sort((a, b) => ilwdMean(a) - ilwdMean(b))[0]!;
    const pairs: [string, string][] = [
      ["GD(α*)", "OLS"],
      ["GD(α*)", "ridge(λ=0.5)"],
      ["ridge(λ=0.5)", "OLS"],
    ];
    const paired = pairs.map(([a, b]) => {
      const values = logDiffs(s, L, a, b);
      const ci = values.length >= 2 ? tInterval(values) : { lo: Number.NaN, hi: Number.NaN };
      return { a, b, mean: mean(values), lo: ci.lo, hi: ci.hi, values };
    });
    return {
      layers: L,
      seeds: runs.length,
      logMspd,
      mspd,
      closest,
      closestIlwd,
      paired,
      finalLoss: mean(runs.map((r) => r.lossCurve[r.lossCurve.length - 1]!)),
      lastError: mean(runs.map((r) => r.error.mean[r.error.mean.length - 1]!)),
    };
  });
}

/** Reads the stored training grid (computing it at smoke scale; at full scale only what is stored). */
export async function readTrainGrid(): Promise<{ records: { spec: TrainJob; result: TrainOutput }[]; summary: string; missing: string[] }> {
  const cached = await cachedGrid<TrainJob, TrainOutput>({ study: "icl-algorithms", grid: "train" });
  return {
    records: cached.records.map((r) => ({ spec: r.spec, result: r.result })),
    summary: cached.summary,
    missing: cached.missing.map((j) => j.label),
  };
}
