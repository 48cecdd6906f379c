/**
 * The paper's assumption diagnostics (official utils/vis.py, notes §1.5), computed from a pooled
 * NB fit: the pooled variances sigma_j^2, and for every class k and ordered pair k1 != k2 of the
 * log-likelihood gap d(x) = l_k1(x) - l_k2(x)
 *   = sum_j (mu_k1j - mu_k2j) (x_j - (mu_k1j + mu_k2j)/2) / sigma_j^2      [DERIV]
 * over the class-k training samples:
 *   |beta_{k1,k2,k}|  = |mean_{x|y=k} d(x)| / n,
 *   |alpha_{k1,k2,k}| = var_{x|y=k} d(x) / n   (population variance, numpy's default).
 */
import type { Dataset } from "./dataset";
import { GaussianNB } from "./naive-bayes";

/** The three diagnostics of notes §1.5 for one dataset. */
export interface NBDiagnostics {
  /** Pooled variances sigma_j^2 (n values). */
  sigma2: Float64Array;
  /** |beta| for each (k1, k2, k) in `index` order (K^2 (K-1) values). */
  beta: Float64Array;
  /** |alpha| in the same order. */
  alpha: Float64Array;
  /** The (k1, k2, k) of each beta / alpha entry. */
  index: { k1: number; k2: number; k: number }[];
}

/** Diagnostics of `ds` from a pooled NB fitted on it (or the given fitted pooled NB). */
export function nbDiagnostics(ds: Dataset, fitted?: GaussianNB): NBDiagnostics {
  const nb = fitted ?? new GaussianNB({ variance: "pooled" }).fit(ds);
  if (nb.variance !== "pooled") throw new Error("nbDiagnostics: needs the pooled-variance NB (the paper's)");
  if (nb.n !== ds.n || nb.K !== ds.K)
    throw new Error(`nbDiagnostics: NB was fitted with n=${nb.n}, K=${nb.K}; data has n=${ds.n}, K=${ds.K}`);
  const { X, y, m, n, K } = ds;
  const mu = nb.means;
  const s2 = nb.pooledVar;
  const beta: number[] = [];
  const alpha: number[] = [];
  const index: { k1: number; k2: number; k: number }[] = [];
  const a = new Float64Array(n);
  for (let k1 = 0; k1 < K; k1++) {
    for (let k2 = 0; k2 < K; k2++) {
      if (k1 === k2) continue;
      // d(x) = a.x + c
      let c = 0;
      for (let j = 0; j < n; j++) {
        const u1 = mu[k1 * n + j]!;
        const u2 = mu[k2 * n + j]!;
        a[j] = (u1 - u2) / s2[j]!;
        c -= (a[j]! * (u1 + u2)) / 2;
      }
      const sum = new Float64Array(K);
      const cnt = new Float64Array(K);
      const d = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let v = c;
        const off = i * n;
        for (let j = 0; j < n; j++) v += a[j]! * X[off + j]!;
        d[i] = v;
        sum[y[i]!] += v;
        cnt[y[i]!]++;
      }
      const mean = Float64Array.from(sum, (s, k) => s / cnt[k]!);
      const sq = new Float64Array(K);
      for (let i = 0; i < m; i++) sq[y[i]!] += (d[i]! - mean[y[i]!]!) ** 2;
      for (let k = 0; k < K; k++) {
        beta.push(Math.abs(mean[k]!) / n);
        alpha.push(sq[k]! / cnt[k]! / n);
        index.push({ k1, k2, k });
      }
    }
  }
  return { sigma2: Float64Array.from(s2), beta: Float64Array.from(beta), alpha: Float64Array.from(alpha), index };
}

/** Plug-in Mahalanobis distance Delta^2_{k1 k2} = sum_j (mu_k1j - mu_k2j)^2 / sigma_j^2 of a pooled NB. */
export function mahalanobis2(nb: GaussianNB, k1: number, k2: number): number {
  if (nb.variance !== "pooled") throw new Error("mahalanobis2: needs the pooled-variance NB");
  const { n, means: mu, pooledVar: s2 } = nb;
  let q = 0;
  for (let j = 0; j < n; j++) q += (mu[k1 * n + j]! - mu[k2 * n + j]!) ** 2 / s2[j]!;
  return q;
}
