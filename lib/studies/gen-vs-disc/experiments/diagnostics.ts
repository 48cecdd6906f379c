/**
 * Notebook section "Assumption diagnostics" (checks 13-14): the official utils/vis.py quantities
 * of the pooled NB fitted on each full min-max-scaled dataset, their §5.5 percentiles, and the
 * identity |beta_{k1,k2,k}| = Delta^2_{k1k2} / (2n) for k in {k1, k2} (notes §1.5 [DERIV]).
 */
import { percentile } from "../../../core/stats";
import { GaussianNB, mahalanobis2, nbDiagnostics, type NBDiagnostics, type SklearnName } from "../../../topics/classifiers";
import { DATASETS } from "../settings";
import type { StudyData } from "./estimators";

/** The percentiles the notes tabulate (§5.5). */
export const PERCENTILES = [0, 10, 50, 90, 100];

export interface DiagnosticPercentiles {
  sigma2: number[];
  beta: number[];
  alpha: number[];
}

/** Percentiles 0/10/50/90/100 of the three diagnostics. */
export function diagnosticPercentiles(d: NBDiagnostics): DiagnosticPercentiles {
  const pc = (v: Float64Array) => PERCENTILES.map((q) => percentile(v, q));
  return { sigma2: pc(d.sigma2), beta: pc(d.beta), alpha: pc(d.alpha) };
}

export interface DiagnosticsResult {
  diag: { dataset: SklearnName; d: NBDiagnostics }[];
  percentiles: { dataset: SklearnName; p: DiagnosticPercentiles }[];
  /** Largest |beta / (Delta^2 / 2n) - 1| over all datasets and all (k1, k2, k in {k1, k2}). */
  identityErr: number;
  /** breast_cancer's four |beta| values and Delta^2 / (2n). */
  breastCancer: { beta: number[]; delta2over2n: number };
}

export function runDiagnostics(o: { data: StudyData }): DiagnosticsResult {
  const { scaled } = o.data;
  const diag = DATASETS.map((dataset) => ({ dataset, d: nbDiagnostics(scaled[dataset]) }));
  const identityErr = Math.max(
    ...diag.map(({ dataset, d }) => {
      const nb = new GaussianNB({ variance: "pooled" }).fit(scaled[dataset]);
      const n = scaled[dataset].n;
      return Math.max(
        ...d.index.map(({ k1, k2, k }, t) => (k === k1 || k === k2 ? Math.abs(d.beta[t]! / (mahalanobis2(nb, k1, k2) / (2 * n)) - 1) : 0)),
      );
    }),
  );
  const bc = scaled.breast_cancer;
  const nbBC = new GaussianNB({ variance: "pooled" }).fit(bc);
  return {
    diag,
    percentiles: diag.map(({ dataset, d }) => ({ dataset, p: diagnosticPercentiles(d) })),
    identityErr,
    breastCancer: {
      beta: Array.from(diag.find((x) => x.dataset === "breast_cancer")!.d.beta),
      delta2over2n: mahalanobis2(nbBC, 0, 1) / (2 * bc.n),
    },
  };
}
