/**
 * The reference learners on their own (claims A1-A4, A6 and the noisy error curves): Monte Carlo
 * risks against the closed forms, the ridge λ scan on shared tasks, the metric identities, and how
 * far k-NN is from OLS next to GD and ridge.
 */
import { Rng } from "../../../core/rng";
import { mean, standardError } from "../../../core/stats";
import { riskOLS } from "../../../topics/icl/closed-forms";
import { errorByPosition, ilwd, implicitWeights, spdByPosition, type PositionCurve } from "../../../topics/icl/algorithm-metrics";
import {
  bayesRidge,
  gdOptimal,
  knn,
  learnerProbePredictions,
  learnerWeights,
  ols,
  prefixPredictions,
  queryPredictions,
  ridge,
  type Learner,
} from "../../../topics/icl/learners";
import { sampleTasks, type TaskSpec } from "../../../topics/icl/tasks";

const iso = (d: number, n: number, sigma2: number, tau2 = 1): TaskSpec => ({
  d,
  n,
  x: { kind: "gauss" },
  w: { kind: "iso", tau2 },
  sigma2,
});

export interface RiskResult {
  label: string;
  d: number;
  n: number;
  sigma2: number;
  tasks: number;
  mse: number;
  se: number;
  theory: number;
}

function queryErrors(learner: Learner, spec: TaskSpec, tasks: number, seed: number): number[] {
  const batch = sampleTasks(spec, tasks, new Rng(seed));
  const p = queryPredictions(learner, batch);
  return Array.from(p, (v, b) => (v - batch.yq[b]!) ** 2);
}

/** A1 (n < d, noiseless: d − n) and A2 (n > d + 1: σ²(1 + d/(n − d − 1))) for min-norm OLS. */
export function runOlsRisk(o: { d: number; n: number; sigma2: number; tasks: number; seed: number }): RiskResult {
  const e = queryErrors(ols(), iso(o.d, o.n, o.sigma2), o.tasks, o.seed);
  let theory: number;
  if (o.n < o.d && o.sigma2 === 0) theory = o.d - o.n;
  else theory = riskOLS({ n: o.n, d: o.d, sigma2: o.sigma2 });
  return { label: o.n < o.d ? "A1 min-norm OLS" : "A2 OLS", ...o, mse: mean(e), se: standardError(e), theory };
}

export interface RidgeScan {
  d: number;
  n: number;
  tau2: number;
  sigma2: number;
  tasks: number;
  lambdas: number[];
  mse: number[];
  se: number[];
  /** λ = σ²/τ². */
  bayes: number;
  /** Per-task squared errors, kept for paired comparisons (shared tasks). */
  errors: number[][];
}

/** A3: ridge's MSE over a λ grid on the same tasks. */
export function runRidgeScan(o: {
  d: number;
  n: number;
  tau2: number;
  sigma2: number;
  lambdas: number[];
  tasks: number;
  seed: number;
}): RidgeScan {
  const spec = iso(o.d, o.n, o.sigma2, o.tau2);
  const errors = o.lambdas.map((l) => queryErrors(ridge(l), spec, o.tasks, o.seed));
  return {
    ...o,
    mse: errors.map(mean),
    se: errors.map(standardError),
    bayes: o.sigma2 / o.tau2,
    errors,
  };
}

export interface MetricIdentities {
  /** ILWD(ridge(0.5), GD(α*)) per prefix, from probe fits and from the exact weights. */
  prefixes: number[];
  viaProbes: number[];
  exact: number[];
  /** SPD(OLS, OLS) per position (must be 0). */
  selfSpd: number[];
}

/** A4: the probe-fit ILWD equals the exact weight distance for linear learners; SPD(A, A) = 0. */
export function runMetricIdentities(o: {
  d: number;
  n: number;
  tasks: number;
  K: number;
  prefixes: number[];
  seed: number;
}): MetricIdentities {
  const rng = new Rng(o.seed);
  const batch = sampleTasks(iso(o.d, o.n, 0.25), o.tasks, rng.split());
  const probes = rng.split().normals(o.tasks * o.K * o.d);
  const A = ridge(0.5);
  const B = gdOptimal({ d: o.d, tau2: 1, sigma2: 0.25 });
  const fit = (l: Learner) =>
    implicitWeights({
      preds: learnerProbePredictions(l, { batch, prefixes: o.prefixes, probes, K: o.K }),
      probes,
      B: o.tasks,
      P: o.prefixes.length,
      K: o.K,
      d: o.d,
    });
  const dims = { B: o.tasks, P: o.prefixes.length, d: o.d, perDim: true };
  const viaProbes = ilwd(fit(A), fit(B), dims).mean;
  const exact = ilwd(learnerWeights(A, batch, o.prefixes), learnerWeights(B, batch, o.prefixes), dims).mean;
  const p = prefixPredictions(ols(), batch);
  return { prefixes: o.prefixes, viaProbes, exact, selfSpd: spdByPosition(p, p, { B: o.tasks, n: o.n }).mean };
}

export interface DistanceToOls {
  name: string;
  /** MSPD/d to OLS over positions 1 … n−1, and its SE over prompts. */
  mspd: number;
  se: number;
}

/** Per-prompt mean over positions 1 … n−1 of (a − b)²/d; returns the mean and SE over prompts. */
export function promptMeanSpd(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  o: { B: number; n: number; d: number },
): { mean: number; se: number } {
  const per = Array.from({ length: o.B }, (_, t) => {
    let s = 0;
    for (let i = 1; i < o.n; i++) s += (a[t * o.n + i]! - b[t * o.n + i]!) ** 2;
    return s / (o.n - 1) / o.d;
  });
  return { mean: mean(per), se: standardError(per) };
}

/** A6: MSPD to OLS of 3-NN (both variants), GD(α*) and ridge(0.5), noiseless, on shared prompts. */
export function runKnnDistance(o: { d: number; n: number; tasks: number; seed: number }): DistanceToOls[] {
  const batch = sampleTasks(iso(o.d, o.n, 0), o.tasks, new Rng(o.seed));
  const ref = prefixPredictions(ols(), batch);
  const learners: Learner[] = [knn({ k: 3 }), knn({ k: 3, weighted: true }), gdOptimal({ d: o.d, tau2: 1, sigma2: 0 }), ridge(0.5)];
  return learners.map((l) => {
    const s = promptMeanSpd(prefixPredictions(l, batch), ref, { B: o.tasks, n: o.n, d: o.d });
    return { name: l.label, mspd: s.mean, se: s.se };
  });
}

export interface ErrorCurves {
  d: number;
  n: number;
  sigma2: number;
  tasks: number;
  curves: { name: string; curve: PositionCurve }[];
}

/** Squared error at every prefix length for the reference learners (the double-descent panel). */
export function runBaselineErrors(o: { d: number; n: number; sigma2: number; tasks: number; seed: number }): ErrorCurves {
  const batch = sampleTasks(iso(o.d, o.n, o.sigma2), o.tasks, new Rng(o.seed));
  const learners: Learner[] = [
    ols(),
    ...(o.sigma2 > 0 ? [bayesRidge({ tau2: 1, sigma2: o.sigma2 })] : []),
    ridge(0.5),
    gdOptimal({ d: o.d, tau2: 1, sigma2: o.sigma2 }),
    knn({ k: 3 }),
  ];
  return {
    ...o,
    curves: learners.map((l) => ({ name: l.label, curve: errorByPosition(prefixPredictions(l, batch), batch.y, { B: o.tasks, n: o.n }) })),
  };
}
