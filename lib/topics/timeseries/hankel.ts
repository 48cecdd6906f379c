/**
 * In-context AR forecasting with one layer of linear self-attention (paper B; notes §5.2, §6).
 *
 * A history of T = n + p values becomes the (p+1) × (n+1) Hankel matrix whose column j < n is
 * h_j = (x_j, …, x_{j+p}) and whose last (query) column is (x_{T−p}, …, x_{T−1}, 0). The layer
 * H ← H + (1/n) P H M (Hᵀ Q H) (M drops the query column from keys/values) predicts
 * ŷ = H[p, n] = (1/n) aᵀ (Σ_j h_j h_jᵀ) B z with a = P[p, :], B = Q[:, :p], z the query lags
 * [D]: exactly the in-context regression LSA of lib/topics/icl with "x_i" = the p lags of
 * column i, "y_i" = its last entry, Wpv = P, Wkq = Q (keys/values without the query, 1/n, readout
 * plus). So the prompt statistics here are icl TaskStats, and icl's lsaForward, reduceLSA,
 * reducedPredict and reducedLossAndGrads apply unchanged; only the prompts (overlapping windows of
 * one series, fixed φ) differ from icl's iid tasks.
 *
 * Prompt "ending at t" predicts x_t from x[t−T, t). Coefficient vectors β of linear predictors are
 * in query order: ŷ = Σ_l β_l z_l with z = (x_{t−p}, …, x_{t−1}), so the AR φ is β reversed.
 */
import { choleskySolveInPlace, inverse, type Matrix } from "../../core/linalg";
import { Adam } from "../../core/optim";
import type { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { reduceLSA, reducedPredict } from "../icl/reduce";
import { reducedLossAndGrads } from "../icl/reduced-loss";
import type { MergedParams } from "../icl/lsa";
import type { TaskStats } from "../icl/task-stats";
import { drawStationaryPhi, sampleAr, yuleWalkerAcov } from "./ar";
import { solveSpd } from "./ols";

/** The (p+1) × (n+1) Hankel matrix of a history (query column zero-padded), n = len − p. */
export function hankel(seq: ArrayLike<number>, p: number): Matrix {
  const T = seq.length;
  if (!(Number.isInteger(p) && p >= 1)) throw new Error(`hankel: p must be a positive integer, got ${p}`);
  if (!(T > p)) throw new Error(`hankel: the history must be longer than p (history_len > p); got ${T} values for p = ${p}`);
  const n = T - p;
  return Array.from({ length: p + 1 }, (_, r) =>
    Array.from({ length: n + 1 }, (_, j) => (j < n ? seq[j + r]! : r < p ? seq[T - p + r]! : 0)),
  );
}

/** φ (x_{t−1} first) → β in query order (x_{t−p} first). */
export function phiToBeta(phi: readonly number[]): number[] {
  return phi.slice().reverse();
}

/** Prompts of one series: float64 statistics of each prompt, and the same as icl TaskStats. */
export interface HankelPrompts {
  p: number;
  n: number;
  /** Target index t of each prompt. */
  targets: Int32Array;
  /** C_b = (1/n) Σ_j h_j h_jᵀ, [B, D, D] float64. */
  C: Float64Array;
  /** z_b, [B, p]. */
  z: Float64Array;
  /** x_t, [B]. */
  y: Float64Array;
}

/** Statistics of the prompts ending at `targets` in `series` (each needs t ≥ n + p). */
export function hankelPrompts(series: Float64Array, o: { p: number; n: number; targets: ArrayLike<number> }): HankelPrompts {
  const { p, n } = o;
  const D = p + 1;
  const T = n + p;
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`hankelPrompts: n (context columns) must be a positive integer, got ${n}`);
  const B = o.targets.length;
  const C = new Float64Array(B * D * D);
  const z = new Float64Array(B * p);
  const y = new Float64Array(B);
  const targets = Int32Array.from(o.targets);
  for (let b = 0; b < B; b++) {
    const t = targets[b]!;
    if (!(t >= T && t < series.length))
      throw new Error(`hankelPrompts: target ${t} needs ${T} earlier values and must be < ${series.length}`);
    const s0 = t - T;
    const o2 = b * D * D;
    for (let j = 0; j < D; j++)
      for (let k = j; k < D; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += series[s0 + i + j]! * series[s0 + i + k]!;
        s /= n;
        C[o2 + j * D + k] = s;
        C[o2 + k * D + j] = s;
      }
    for (let l = 0; l < p; l++) z[b * p + l] = series[t - p + l]!;
    y[b] = series[t]!;
  }
  return { p, n, targets, C, z, y };
}

/** The prompts as icl TaskStats (float32 storage), for reducedPredict and the reduced loss. */
export function toTaskStats(h: HankelPrompts, rows?: ArrayLike<number>): TaskStats {
  const D = h.p + 1;
  const idx = rows ?? Array.from({ length: h.targets.length }, (_, i) => i);
  const B = idx.length;
  const C = new Float32Array(B * D * D);
  const xq = new Float32Array(B * h.p);
  const yq = new Float32Array(B);
  for (let k = 0; k < B; k++) {
    const b = idx[k]!;
    C.set(h.C.subarray(b * D * D, (b + 1) * D * D), k * D * D);
    xq.set(h.z.subarray(b * h.p, (b + 1) * h.p), k * h.p);
    yq[k] = h.y[b]!;
  }
  return { B, n: h.n, d: h.p, includeQuery: false, C, xq, yq };
}

/** ŷ = βᵀz for every prompt. */
export function predictLinear(h: HankelPrompts, beta: readonly number[]): Float64Array {
  const out = new Float64Array(h.y.length);
  for (let b = 0; b < out.length; b++) {
    let s = 0;
    for (let l = 0; l < h.p; l++) s += beta[l]! * h.z[b * h.p + l]!;
    out[b] = s;
  }
  return out;
}

/** In-context OLS: β̂ = S_xx⁻¹ s_xy from the prompt's own columns (no intercept); NaN when S_xx is singular. */
export function predictInContextOls(h: HankelPrompts): Float64Array {
  const { p } = h;
  const D = p + 1;
  const out = new Float64Array(h.y.length);
  const A = new Float64Array(p * p);
  const r = new Float64Array(p);
  for (let b = 0; b < out.length; b++) {
    const o = b * D * D;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) A[i * p + j] = h.C[o + i * D + j]!;
      r[i] = h.C[o + i * D + p]!;
    }
    if (!choleskySolveInPlace(A, r, p)) {
      out[b] = Number.NaN;
      continue;
    }
    let s = 0;
    for (let l = 0; l < p; l++) s += r[l]! * h.z[b * p + l]!;
    out[b] = s;
  }
  return out;
}

/** Global OLS on a whole series: regress x_t on its p lags, no intercept (the official "Linear AR"). */
export function globalOls(series: ArrayLike<number>, p: number): number[] {
  const A = new Float64Array(p * p);
  const r = new Float64Array(p);
  for (let t = p; t < series.length; t++) {
    for (let i = 0; i < p; i++) {
      const zi = series[t - p + i]!;
      r[i]! += zi * series[t]!;
      for (let j = 0; j < p; j++) A[i * p + j]! += zi * series[t - p + j]!;
    }
  }
  return Array.from(solveSpd(A, p, r, 1, "global OLS normal equations"));
}

/** LSA parameters (a, B) as icl merged matrices: Wpv = P with last row a, Wkq = Q with first p columns B. */
export function lsaFromAB(a: readonly number[], B: Matrix): MergedParams {
  const D = a.length;
  const p = D - 1;
  if (B.length !== D || B.some((r) => r.length !== p)) throw new Error(`lsaFromAB: B must be ${D} × ${p}`);
  const Wpv = Array.from({ length: D }, (_, i) => (i === p ? a.slice() : new Array<number>(D).fill(0)));
  const Wkq = Array.from({ length: D }, (_, i) => [...B[i]!, 0]);
  return { kind: "merged", Wkq, Wpv };
}

/** ŷ of an LSA (a, B) on every prompt: icl's reducedPredict (float64 on float32 statistics). */
export function predictLsa(h: HankelPrompts, params: MergedParams): Float64Array {
  return reducedPredict(reduceLSA(params), toTaskStats(h));
}

/** ŷ = (1/n) aᵀ C B z in float64 (the reduction, written out; tests compare it with icl's token forward). */
export function predictAB(h: HankelPrompts, a: readonly number[], B: Matrix): Float64Array {
  const { p } = h;
  const D = p + 1;
  const out = new Float64Array(h.y.length);
  const u = new Float64Array(D);
  for (let b = 0; b < out.length; b++) {
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let l = 0; l < p; l++) s += B[j]![l]! * h.z[b * p + l]!;
      u[j] = s;
    }
    let s = 0;
    for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) s += a[j]! * h.C[b * D * D + j * D + k]! * u[k]!;
    out[b] = s;
  }
  return out;
}

/** The construction a = e_{p+1}, B = [Γ_p⁻¹; 0]: one preconditioned GD step, ŷ = s_xyᵀ Γ_p⁻¹ z → φᵀz as n → ∞. */
export function constructionAB(Gamma: Matrix): { a: number[]; B: Matrix } {
  const p = Gamma.length;
  const Gi = inverse(Gamma, "Γ_p");
  const a = new Array<number>(p + 1).fill(0);
  a[p] = 1;
  return { a, B: [...Gi.map((r) => r.slice()), new Array<number>(p).fill(0)] };
}

/**
 * Prompts of a task distribution (notes §7 B9, our extension): prompt m has its own φ_m drawn by
 * drawStationaryPhi (the official generator's rule) and its own stationary path of n + p + 1
 * values, and predicts the last one. `beta` holds each prompt's true coefficients in query order
 * ([count, p]), so the oracle of prompt m is β_mᵀ z_m.
 * `scale`: "innovation" draws every path with noise sd σ, so the series' variance γ₀(φ_m) ranges
 * over orders of magnitude near the stationarity boundary, and a cubic predictor's errors are then
 * dominated by a few prompts; "marginal" sets each path's noise sd so that its stationary variance
 * is σ² (the oracle's MSE, σ_m², then differs per prompt).
 */
export function taskDistributionPrompts(o: {
  p: number;
  n: number;
  count: number;
  sigma: number;
  scale: "innovation" | "marginal";
  rng: Rng;
}): {
  prompts: HankelPrompts;
  beta: Float64Array;
} {
  const T = o.n + o.p + 1;
  const series = new Float64Array(o.count * T);
  const beta = new Float64Array(o.count * o.p);
  for (let m = 0; m < o.count; m++) {
    const phi = drawStationaryPhi(o.p, o.rng);
    beta.set(phiToBeta(phi), m * o.p);
    const sigma = o.scale === "marginal" ? o.sigma / Math.sqrt(yuleWalkerAcov(phi, 1, 0)[0]!) : o.sigma;
    series.set(sampleAr({ phi, sigma, T, rng: o.rng }), m * T);
  }
  const prompts = hankelPrompts(series, { p: o.p, n: o.n, targets: Array.from({ length: o.count }, (_, m) => m * T + T - 1) });
  return { prompts, beta };
}

/** ŷ_b = β_bᵀ z_b with one coefficient vector per prompt ([B, p], query order). */
export function predictPerPrompt(h: HankelPrompts, beta: Float64Array): Float64Array {
  const { p } = h;
  if (beta.length !== h.y.length * p)
    throw new Error(`predictPerPrompt: beta has ${beta.length} entries, expected ${h.y.length} prompts × ${p}`);
  const out = new Float64Array(h.y.length);
  for (let b = 0; b < out.length; b++) {
    let s = 0;
    for (let l = 0; l < p; l++) s += beta[b * p + l]! * h.z[b * p + l]!;
    out[b] = s;
  }
  return out;
}

/** Least squares of the prompts' targets y_b on nf features that `fill` writes for prompt b (normal equations, Cholesky). */
function leastSquaresOnFeatures(h: HankelPrompts, nf: number, name: string, fill: (b: number, f: Float64Array) => void): Float64Array {
  const A = new Float64Array(nf * nf);
  const r = new Float64Array(nf);
  const f = new Float64Array(nf);
  for (let b = 0; b < h.y.length; b++) {
    fill(b, f);
    for (let i = 0; i < nf; i++) {
      r[i]! += f[i]! * h.y[b]!;
      for (let j = i; j < nf; j++) A[i * nf + j]! += f[i]! * f[j]!;
    }
  }
  for (let i = 0; i < nf; i++) for (let j = 0; j < i; j++) A[i * nf + j] = A[j * nf + i]!;
  return solveSpd(A, nf, r, 1, name);
}

/**
 * The best one preconditioned GD step from w = 0 on a set of prompts: ŷ = s_xyᵀ P z with
 * s_xy = (1/n) Σ_j y_j x_j (row p of C) and one P for all prompts, fitted by least squares
 * (ŷ is linear in P: features s_xy,k · z_l). Returned in the LSA's (a, B) form, a = e_{p+1},
 * B = [P; 0], the pattern of constructionAB, so predictAB and alternatingLsa take it as it is.
 */
export function bestGdStep(h: HankelPrompts): { a: number[]; B: Matrix } {
  const { p } = h;
  const D = p + 1;
  const P = leastSquaresOnFeatures(h, p * p, "best GD step", (b, f) => {
    for (let k = 0; k < p; k++) {
      const sxy = h.C[b * D * D + p * D + k]!;
      for (let l = 0; l < p; l++) f[k * p + l] = sxy * h.z[b * p + l]!;
    }
  });
  const a = new Array<number>(D).fill(0);
  a[p] = 1;
  const B = Array.from({ length: D }, (_, k) => Array.from({ length: p }, (_, l) => (k < p ? P[k * p + l]! : 0)));
  return { a, B };
}

/**
 * The best one-layer LSA on a set of prompts, by alternating least squares: ŷ = aᵀ C B z is
 * linear in B for fixed a (features vec(C a zᵀ)) and in a for fixed B (features C B z).
 * Starts from `init` (e.g. the construction); every half-step can only lower the fit MSE.
 */
export function alternatingLsa(
  h: HankelPrompts,
  init: { a: number[]; B: Matrix },
  iterations = 30,
): { a: number[]; B: Matrix; fitMse: number[] } {
  const { p } = h;
  const D = p + 1;
  const N = h.y.length;
  let a = init.a.slice();
  let B = init.B.map((r) => r.slice());
  const fitMse: number[] = [];
  const nb = D * p;
  for (let it = 0; it < iterations; it++) {
    // B-step: features f[k*p + l] = (C a)_k z_l
    const sb = leastSquaresOnFeatures(h, nb, "ALS B-step", (b, f) => {
      for (let k = 0; k < D; k++) {
        let u = 0;
        for (let j = 0; j < D; j++) u += h.C[b * D * D + j * D + k]! * a[j]!;
        for (let l = 0; l < p; l++) f[k * p + l] = u * h.z[b * p + l]!;
      }
    });
    B = Array.from({ length: D }, (_, k) => Array.from({ length: p }, (_, l) => sb[k * p + l]!));
    // a-step: features v = C B z
    const A2 = new Float64Array(D * D);
    const r2 = new Float64Array(D);
    const v = new Float64Array(D);
    const u = new Float64Array(D);
    let sse = 0;
    for (let b = 0; b < N; b++) {
      for (let k = 0; k < D; k++) {
        let s = 0;
        for (let l = 0; l < p; l++) s += B[k]![l]! * h.z[b * p + l]!;
        u[k] = s;
      }
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += h.C[b * D * D + j * D + k]! * u[k]!;
        v[j] = s;
      }
      for (let i = 0; i < D; i++) {
        r2[i]! += v[i]! * h.y[b]!;
        for (let j = 0; j < D; j++) A2[i * D + j]! += v[i]! * v[j]!;
      }
    }
    a = Array.from(solveSpd(A2, D, r2, 1, "ALS a-step"));
    const yhat = predictAB(h, a, B);
    for (let b = 0; b < N; b++) sse += (yhat[b]! - h.y[b]!) ** 2;
    fitMse.push(sse / N);
  }
  return { a, B, fitMse };
}

export interface LsaTrainOptions {
  /** Training prompts. */
  train: HankelPrompts;
  epochs: number;
  batch: number;
  lr: number;
  /** Init std of every entry of P and Q (official: 0.01). */
  initStd: number;
  rng: Rng;
  /** Called after each epoch with the epoch and its mean batch loss (progress lines). */
  onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * Trains (a, B) of one LSA layer on a fixed series' prompts, official style: P, Q ~ N(0, std²),
 * Adam (torch defaults), MSE, shuffled batches (last partial batch kept, as torch's DataLoader),
 * a fixed number of epochs. Gradients: icl's reducedLossAndGrads (only a = P[p,:] and
 * B = Q[:, :p] reach ŷ, so the other entries of P and Q never move and are not trained).
 */
export function trainHankelLsa(o: LsaTrainOptions): { a: number[]; B: Matrix; epochLoss: number[] } {
  const { p } = o.train;
  const D = p + 1;
  const P = Array.from({ length: D }, () => Array.from({ length: D }, () => o.rng.normal(0, o.initStd)));
  const Q = Array.from({ length: D }, () => Array.from({ length: D }, () => o.rng.normal(0, o.initStd)));
  const phi0 = new Float32Array(D + p * D);
  for (let j = 0; j < D; j++) phi0[j] = P[p]![j]!;
  for (let l = 0; l < p; l++) for (let j = 0; j < D; j++) phi0[D + l * D + j] = Q[j]![l]!; // Bᵀ[l][j] = B[j][l]
  const phi = tf.variable(tf.tensor1d(phi0), true);
  const adam = new Adam([phi], { eps: 1e-8 });
  const N = o.train.targets.length;
  const epochLoss: number[] = [];
  try {
    for (let e = 0; e < o.epochs; e++) {
      const order = o.rng.permutation(N);
      let sum = 0;
      let steps = 0;
      for (let s = 0; s < N; s += o.batch) {
        const st = toTaskStats(o.train, order.slice(s, s + o.batch));
        const C = tf.tensor2d(st.C, [st.B * D, D]);
        const xq = tf.tensor2d(st.xq, [st.B, p]);
        const yq = tf.tensor2d(st.yq, [st.B, 1]);
        const loss = tf.tidy(() => {
          const a = tf.reshape(tf.slice(phi, 0, D), [D, 1]) as tf.Tensor2D;
          const BT = tf.reshape(tf.slice(phi, D, p * D), [p, D]) as tf.Tensor2D;
          const r = reducedLossAndGrads(a, BT, { B: st.B, d: p, C, xq, yq }, "mse");
          const g = tf.concat([tf.reshape(r.ga, [-1]), tf.reshape(r.gBT, [-1])]);
          adam.step([g], o.lr);
          return r.loss;
        });
        sum += loss.dataSync()[0]!;
        steps += 1;
        tf.dispose([loss, C, xq, yq]);
      }
      epochLoss.push(sum / steps);
      if (!Number.isFinite(sum)) throw new Error(`trainHankelLsa: the loss became ${sum} in epoch ${e + 1}; lower lr (now ${o.lr})`);
      o.onEpoch?.(e + 1, sum / steps);
    }
    const v = phi.dataSync();
    const a = Array.from(v.subarray(0, D));
    const B = Array.from({ length: D }, (_, j) => Array.from({ length: p }, (_, l) => v[D + l * D + j]!));
    return { a, B, epochLoss };
  } finally {
    phi.dispose();
    adam.dispose();
  }
}

/** A one-step predictor of x_t from the history before it (the last `need` values are enough). */
export interface HistoryPredictor {
  need: number;
  predict(hist: Float64Array): number;
}

export function linearHistoryPredictor(beta: readonly number[]): HistoryPredictor {
  const p = beta.length;
  return {
    need: p,
    predict: (h) => {
      let s = 0;
      for (let l = 0; l < p; l++) s += beta[l]! * h[h.length - p + l]!;
      return s;
    },
  };
}

export function lsaHistoryPredictor(a: readonly number[], B: Matrix, n: number): HistoryPredictor {
  const p = a.length - 1;
  return {
    need: n + p,
    predict: (h) => {
      const t = h.length;
      // the prompt ending at t uses h[t − n − p, t); its target slot is never read
      const ext = new Float64Array(t + 1);
      ext.set(h);
      return predictAB(hankelPrompts(ext, { p, n, targets: [t] }), a, B)[0]!;
    },
  };
}

/**
 * Chain-of-thought rollout: predict, append the prediction, predict again, `steps` times, from the
 * true history `context` (at least `need` values).
 */
export function cotRollout(pred: HistoryPredictor, context: ArrayLike<number>, steps: number): Float64Array {
  if (context.length < pred.need) throw new Error(`cotRollout: the context needs at least ${pred.need} values, got ${context.length}`);
  const buf = new Float64Array(pred.need + steps);
  for (let i = 0; i < pred.need; i++) buf[i] = context[context.length - pred.need + i]!;
  const out = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    const v = pred.predict(buf.subarray(k, k + pred.need));
    buf[pred.need + k] = v;
    out[k] = v;
  }
  return out;
}
