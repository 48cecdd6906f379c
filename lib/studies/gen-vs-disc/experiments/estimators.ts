/**
 * Notebook section "The two estimators" (checks 1-3): the pooled NB against its linear form, and
 * both estimators on the notes' §5.5 fixtures (each dataset min-max-scaled and fitted in full).
 */
import { loadSklearn } from "../../../core/data";
import { fillNormal } from "../../../core/normal";
import { Rng } from "../../../core/rng";
import {
  argmaxRows,
  errorRate,
  fitMinMax,
  fromLabelled,
  GaussianNB,
  linearScores,
  LogisticRegression,
  makeDataset,
  type Dataset,
  type SklearnName,
} from "../../../topics/classifiers";
import { DATASETS } from "../settings";

/** The four bundled datasets, raw and min-max-scaled on all their samples. */
export interface StudyData {
  raw: Record<SklearnName, Dataset>;
  scaled: Record<SklearnName, Dataset>;
}

export function loadStudyData(): StudyData {
  const raw = {} as Record<SklearnName, Dataset>;
  const scaled = {} as Record<SklearnName, Dataset>;
  for (const d of DATASETS) {
    raw[d] = fromLabelled(loadSklearn(d), d);
    scaled[d] = fitMinMax(raw[d]).apply(raw[d]);
  }
  return { raw, scaled };
}

/** Outcome of `checkNBLinear` (check 1). */
export interface NBLinearCheck {
  label: string;
  /** max over samples and classes of |S_k - (W x + b)_k + 1/2 sum x^2/sigma^2| / max(1, |S_k|). */
  maxRelDiff: number;
  /** Samples whose predictions differ, excluding near-ties. */
  mismatches: number;
  /** Samples whose top two linear scores are within 1e-9 relative (excluded). */
  ties: number;
  samples: number;
}

/** Check 1: the pooled NB's scores against its linear form on `ds`. */
export function checkNBLinear(ds: Dataset, label: string): NBLinearCheck {
  const nb = new GaussianNB({ variance: "pooled" }).fit(ds);
  const lin = nb.toLinear();
  const S = nb.scores(ds.X);
  const L = linearScores(lin, ds.X);
  const { n, K, m } = ds;
  let maxRelDiff = 0;
  for (let i = 0; i < m; i++) {
    let q = 0;
    for (let j = 0; j < n; j++) q += ds.X[i * n + j]! ** 2 / nb.pooledVar[j]!;
    for (let k = 0; k < K; k++) {
      const a = S[i * K + k]!;
      const d = Math.abs(a - (L[i * K + k]! - 0.5 * q)) / Math.max(1, Math.abs(a));
      if (d > maxRelDiff) maxRelDiff = d;
    }
  }
  const pa = argmaxRows(S, K);
  const pb = argmaxRows(L, K);
  let mismatches = 0;
  let ties = 0;
  for (let i = 0; i < m; i++) {
    const row = Array.from(L.subarray(i * K, (i + 1) * K)).sort((x, y) => y - x);
    if (Math.abs(row[0]! - row[1]!) <= 1e-9 * Math.max(1, Math.abs(row[0]!))) {
      ties++;
      continue;
    }
    if (pa[i] !== pb[i]) mismatches++;
  }
  return { label, maxRelDiff, mismatches, ties, samples: m };
}

/** Gaussian classes with random means (N(0, 1) per coordinate) and unit noise: data for check 1. */
export function randomGaussianClasses(o: { m: number; n: number; K: number; seed: number }): Dataset {
  const rng = new Rng(o.seed);
  const mu = new Float64Array(o.K * o.n);
  fillNormal(rng, mu);
  const X = new Float64Array(o.m * o.n);
  fillNormal(rng, X);
  const y = new Int32Array(o.m);
  for (let i = 0; i < o.m; i++) {
    y[i] = i < o.K ? i : rng.int(0, o.K);
    for (let j = 0; j < o.n; j++) X[i * o.n + j] += mu[y[i]! * o.n + j]!;
  }
  return makeDataset({ X, y, n: o.n, K: o.K, name: `random ${o.m}x${o.n}, K=${o.K}` });
}

/** The §5.5 fixture quantities measured on one dataset (checks 2-3). */
export interface FixtureRow {
  dataset: string;
  /** C * sum CE + 1/2 ||W||^2 after a tight solve (tol 1e-10, no relative-reduction stop, 10^4 iterations). */
  objectiveTight: number;
  tightStatus: string;
  /** The same after scikit-learn's default stopping (tol 1e-4, <= 1.3 rule, 1000 iterations). */
  objectiveDefault: number;
  wNorm: number;
  lrTrainErr: number;
  nbTrainErr: number;
  nbPerClassTrainErr: number;
}

/** The §5.5 quantities on a (full, min-max-scaled) dataset. */
export function fixtureCheck(ds: Dataset): FixtureRow {
  const tight = new LogisticRegression({ C: 1, tol: 1e-10, ftol: 0, maxIter: 10000 }).fit(ds);
  const dflt = new LogisticRegression({ C: 1 }).fit(ds);
  return {
    dataset: ds.name ?? "data",
    objectiveTight: tight.objective(ds),
    tightStatus: `${tight.lastFit!.status} after ${tight.lastFit!.iterations} iterations`,
    objectiveDefault: dflt.objective(ds),
    wNorm: tight.weightNorm(),
    lrTrainErr: errorRate(tight, ds),
    nbTrainErr: errorRate(new GaussianNB({ variance: "pooled" }).fit(ds), ds),
    nbPerClassTrainErr: errorRate(new GaussianNB({ variance: "per-class" }).fit(ds), ds),
  };
}

export interface EstimatorsResult {
  linear: NBLinearCheck[];
  fixtures: FixtureRow[];
}

/** Checks 1-3: NB's linear form on random data and digits; both estimators on the four fixtures. */
export function runEstimators(o: { data: StudyData; seed: number }): EstimatorsResult {
  return {
    linear: [
      checkNBLinear(randomGaussianClasses({ m: 2000, n: 50, K: 5, seed: o.seed }), "random 2000×50, K=5"),
      checkNBLinear(o.data.scaled.digits, "digits"),
    ],
    fixtures: DATASETS.map((d) => fixtureCheck(o.data.scaled[d])),
  };
}
