/**
 * Gaussian naive Bayes, the generative side of the pair (notes §1.2).
 *
 * variance "pooled" (the paper's `nb_diag`, models/gaussnb.py): priors pi_k = m_k / m, means
 * mu_kj, per-class population variances v_kj = (1/m_k) sum (x_j - mu_kj)^2 + eps with an absolute
 * eps = 1e-9 added per class, and the shared variance sigma_j^2 = sum_k pi_k v_kj. Score
 * log pi_k - 1/2 sum_j (x_j - mu_kj)^2 / sigma_j^2, which is linear in x (`toLinear`).
 *
 * variance "per-class" (scikit-learn's GaussianNB, used as the contrast in claim 12): class k keeps
 * its own v_kj, and eps = varSmoothing * max_j Var(x_j) over the whole training set
 * (sklearn's var_smoothing = 1e-9); score log pi_k - 1/2 sum_j [log(2 pi v_kj) + (x_j - mu_kj)^2 / v_kj],
 * quadratic in x.
 */
import type { Dataset } from "./dataset";
import type { Classifier, LinearModel } from "./classifier";
import { requireAllClasses } from "./classifier";
import { wasmScratch } from "./matmul";
import { wasmKernels } from "./wasm-simd";

/** Which naive Bayes: the paper's pooled (shared) diagonal variance, or scikit-learn's per-class variances. */
export type NBVariance = "pooled" | "per-class";

/** Settings of `GaussianNB`. */
export interface GaussianNBOptions {
  /**
   * Required, because the two are different classifiers that share a name: "pooled" is the
   * paper's `nb_diag` (linear in x), "per-class" is scikit-learn's GaussianNB (quadratic in x).
   */
  variance: NBVariance;
  /**
   * Variance floor. For "pooled": absolute, added to each class's variance (default 1e-9, the
   * paper's). For "per-class": sklearn's var_smoothing, multiplied by the largest feature variance
   * (default 1e-9).
   */
  eps?: number;
}

/** Gaussian naive Bayes with pooled (paper) or per-class (scikit-learn) variances (module comment; notes §1.2). */
export class GaussianNB implements Classifier {
  readonly variance: NBVariance;
  readonly eps: number;
  n = 0;
  K = 0;
  /** log pi_k. */
  logPrior = new Float64Array(0);
  /** mu (K x n). */
  means = new Float64Array(0);
  /** Per-class variances v_kj including the floor (K x n). */
  classVar = new Float64Array(0);
  /** Pooled sigma_j^2 (n); only for variance "pooled". */
  pooledVar = new Float64Array(0);
  private fitted = false;

  constructor(options: GaussianNBOptions) {
    this.variance = options?.variance;
    if (this.variance !== "pooled" && this.variance !== "per-class") {
      throw new Error(
        `GaussianNB: name the variant, { variance: "pooled" } (the paper's NB) or { variance: "per-class" } (scikit-learn's); got ${JSON.stringify(options?.variance)}`,
      );
    }
    this.eps = options.eps ?? 1e-9;
    if (!(this.eps >= 0)) throw new Error(`GaussianNB: eps must be >= 0, got ${options.eps}`);
  }

  fit(ds: Dataset): this {
    const { X, y, m, n, K } = ds;
    const counts = requireAllClasses(ds, "GaussianNB.fit");
    const mu = new Float64Array(K * n);
    for (let i = 0; i < m; i++) {
      const off = i * n;
      const mo = y[i]! * n;
      for (let j = 0; j < n; j++) mu[mo + j] += X[off + j]!;
    }
    for (let k = 0; k < K; k++) for (let j = 0; j < n; j++) mu[k * n + j] /= counts[k]!;
    // two-pass population variances, as numpy's var(ddof=0)
    const v = new Float64Array(K * n);
    for (let i = 0; i < m; i++) {
      const off = i * n;
      const mo = y[i]! * n;
      for (let j = 0; j < n; j++) {
        const d = X[off + j]! - mu[mo + j]!;
        v[mo + j] += d * d;
      }
    }
    for (let k = 0; k < K; k++) for (let j = 0; j < n; j++) v[k * n + j] /= counts[k]!;
    let floor = this.eps;
    if (this.variance === "per-class") floor = this.eps * maxFeatureVariance(ds);
    for (let t = 0; t < K * n; t++) v[t] += floor;
    this.logPrior = new Float64Array(K);
    for (let k = 0; k < K; k++) this.logPrior[k] = Math.log(counts[k]! / m);
    this.means = mu;
    this.classVar = v;
    if (this.variance === "pooled") {
      const s2 = new Float64Array(n);
      for (let k = 0; k < K; k++) {
        const pk = counts[k]! / m;
        for (let j = 0; j < n; j++) s2[j] += pk * v[k * n + j]!;
      }
      this.pooledVar = s2;
    } else {
      this.pooledVar = new Float64Array(0);
    }
    this.n = n;
    this.K = K;
    this.fitted = true;
    return this;
  }

  /** Joint log-likelihood scores (up to a class-independent constant for "pooled"). */
  scores(X: Float64Array): Float64Array {
    this.requireFitted("scores");
    const { n, K, means: mu } = this;
    if (X.length % n !== 0) throw new Error(`GaussianNB.scores: expected rows of ${n} features, got ${X.length} entries`);
    const m = X.length / n;
    const S = new Float64Array(m * K);
    const pooled = this.variance === "pooled";
    const inv = new Float64Array(K * n);
    const logNorm = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let ln = 0;
      for (let j = 0; j < n; j++) {
        const vv = pooled ? this.pooledVar[j]! : this.classVar[k * n + j]!;
        inv[k * n + j] = 1 / vv;
        if (!pooled) ln += Math.log(2 * Math.PI * vv);
      }
      logNorm[k] = ln;
    }
    const Q = quadraticForms(X, m, n, mu, inv, K);
    for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) S[i * K + k] = this.logPrior[k]! - 0.5 * (logNorm[k]! + Q(i, k));
    return S;
  }

  /**
   * The exact linear form of the pooled model (notes §1.2, [DERIV]): w_kj = mu_kj / sigma_j^2,
   * b_k = log pi_k - 1/2 sum_j mu_kj^2 / sigma_j^2; the scores above equal W x + b minus the
   * class-independent 1/2 sum_j x_j^2 / sigma_j^2.
   */
  toLinear(): LinearModel {
    this.requireFitted("toLinear");
    if (this.variance !== "pooled") {
      throw new Error("GaussianNB.toLinear: only the pooled-variance model is linear; per-class variances give a quadratic rule");
    }
    const { n, K, means: mu, pooledVar: s2 } = this;
    const W = new Float64Array(K * n);
    const b = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let q = 0;
      for (let j = 0; j < n; j++) {
        const u = mu[k * n + j]!;
        W[k * n + j] = u / s2[j]!;
        q += (u * u) / s2[j]!;
      }
      b[k] = this.logPrior[k]! - 0.5 * q;
    }
    return { W, b, n, K };
  }

  private requireFitted(what: string): void {
    if (!this.fitted) throw new Error(`GaussianNB.${what}: call fit(dataset) first`);
  }
}

/**
 * q_ik = sum_j (x_ij - mu_kj)^2 iv_kj, summed over j in order: on the WebAssembly kernel two
 * classes at a time (each lane repeats the scalar loop's operations, so the values are the same bit
 * for bit; tested), else in JavaScript. Returns q as a function of (i, k).
 */
function quadraticForms(
  X: Float64Array,
  m: number,
  n: number,
  mu: Float64Array,
  iv: Float64Array,
  K: number,
): (i: number, k: number) => number {
  const kern = wasmKernels();
  if (kern === null) {
    const Q = new Float64Array(m * K);
    for (let i = 0; i < m; i++) {
      const off = i * n;
      for (let k = 0; k < K; k++) {
        const mo = k * n;
        let q = 0;
        for (let j = 0; j < n; j++) {
          const d = X[off + j]! - mu[mo + j]!;
          q += d * d * iv[mo + j]!;
        }
        Q[i * K + k] = q;
      }
    }
    return (i, k) => Q[i * K + k]!;
  }
  // classes padded to an even count (the pad lane has mu = iv = 0 and is never read)
  const Kp = K + (K % 2);
  const x = wasmScratch((m * n + 2 * n * Kp + m * Kp) * 8) / 8;
  const muAt = x + m * n;
  const ivAt = muAt + n * Kp;
  const qAt = ivAt + n * Kp;
  const mem = kern.f64();
  mem.set(X, x);
  mem.fill(0, muAt, qAt);
  for (let k = 0; k < K; k++)
    for (let j = 0; j < n; j++) {
      mem[muAt + j * Kp + k] = mu[k * n + j]!;
      mem[ivAt + j * Kp + k] = iv[k * n + j]!;
    }
  kern.nbq(x * 8, m, n, muAt * 8, ivAt * 8, Kp, qAt * 8);
  const Q = kern.f64().slice(qAt, qAt + m * Kp);
  return (i, k) => Q[i * Kp + k]!;
}

/** max_j Var(x_j) over all samples (ddof 0), the scale of sklearn's var_smoothing. */
export function maxFeatureVariance(ds: Dataset): number {
  const { X, m, n } = ds;
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += X[i * n + j]!;
    const mean = s / m;
    let q = 0;
    for (let i = 0; i < m; i++) {
      const d = X[i * n + j]! - mean;
      q += d * d;
    }
    best = Math.max(best, q / m);
  }
  return best;
}
