/**
 * Paper B on synthetic AR(p) data (notes §5–7): the algebra checks B1–B5, the best and the trained
 * one-layer LSA against the oracle and least squares (B6, B7), and chain-of-thought rollouts (B8).
 * φ = (0.5, −0.3, 0.2), σ = 1 (the notes' reference process; σ = 1 rather than the official 0.05,
 * whose cubic scale makes training from the 0.01 init slow: notes §6 "scale pitfall").
 */
import type { Matrix } from "../../../core/linalg";
import { Rng } from "../../../core/rng";
import { tf } from "../../../core/tf";
import { buildTokens, disposeLsaTensors, lsaForward, paramsToTensors } from "../../../topics/icl/lsa";
import { acovMatrix, bayesKStepMse, decayRate, sampleAr, sampleArPaths, yuleWalkerAcov } from "../../../topics/timeseries/ar";
import {
  alternatingLsa,
  bestGdStep,
  constructionAB,
  cotRollout,
  globalOls,
  hankel,
  hankelPrompts,
  linearHistoryPredictor,
  lsaHistoryPredictor,
  phiToBeta,
  predictAB,
  predictInContextOls,
  predictLinear,
  predictPerPrompt,
  taskDistributionPrompts,
  trainHankelLsa,
  type HankelPrompts,
} from "../../../topics/timeseries/hankel";

export const PHI = [0.5, -0.3, 0.2];
export const SIGMA = 1;
export const P_LAGS = 3;

/** Mean and standard error of paired differences d_b = e_b − o_b (iid prompts: the sample SE). */
function pairedExcess(
  y: Float64Array,
  pred: Float64Array,
  oracle: Float64Array,
  blocks?: number,
): { excess: number; se: number; mse: number } {
  const N = y.length;
  const d = new Float64Array(N);
  let mse = 0;
  for (let b = 0; b < N; b++) {
    const e = (pred[b]! - y[b]!) ** 2;
    mse += e;
    d[b] = e - (oracle[b]! - y[b]!) ** 2;
  }
  const m = d.reduce((s, v) => s + v, 0) / N;
  let se: number;
  if (blocks) {
    // dependent (overlapping) prompts of one series: batch means over contiguous blocks
    const size = Math.floor(N / blocks);
    const means = Array.from({ length: blocks }, (_, k) => {
      let s = 0;
      for (let b = k * size; b < (k + 1) * size; b++) s += d[b]!;
      return s / size;
    });
    const mm = means.reduce((s, v) => s + v, 0) / blocks;
    se = Math.sqrt(means.reduce((s, v) => s + (v - mm) ** 2, 0) / (blocks - 1) / blocks);
  } else {
    se = Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / (N - 1) / N);
  }
  return { excess: m, se, mse: mse / N };
}

/** Independent prompts: `count` stationary paths of length n + p + 1, each predicting its last value. */
export function independentPrompts(o: { n: number; count: number; rng: Rng }): HankelPrompts {
  const T = o.n + P_LAGS + 1;
  const paths = sampleArPaths({ phi: PHI, sigma: SIGMA, T, count: o.count, rng: o.rng });
  return hankelPrompts(paths, { p: P_LAGS, n: o.n, targets: Array.from({ length: o.count }, (_, m) => m * T + T - 1) });
}

export interface ArChecksResult {
  hankel: Matrix;
  /** max relative |ŷ_tokens − ŷ_reduction| over random P, Q and prompts (B2). */
  lsaForwardRelErr: number;
  gamma: number[];
  /** Sample autocovariances of one 10⁶-step path (B3). */
  gammaMc: number[];
  decayRate: number;
  bayes: { k: number; mse: number }[];
  /** Empirical k-th root of the state-norm ratio of the true-φ rollout (B4). */
  rolloutRate: number;
  /** Monte Carlo k-step MSE of the true-φ rollout with its SE (B4). */
  bayesMc: { k: number; mse: number; se: number }[];
}

export function runArChecks(o: { mcSteps: number; rollouts: number; seed: number }): ArChecksResult {
  const rng = new Rng(o.seed);
  // B2: token forward (icl lsaForward on the Hankel columns) against (1/n) aᵀ C B z
  const P = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => rng.normal()));
  const Q = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => rng.normal()));
  const n = 12;
  const X = new Float32Array(64 * n * 3);
  const y = new Float32Array(64 * n);
  const tokSeries = sampleArPaths({ phi: PHI, sigma: SIGMA, T: n + 4, count: 64, rng });
  const hp = hankelPrompts(tokSeries, { p: 3, n, targets: Array.from({ length: 64 }, (_, m) => m * (n + 4) + n + 3) });
  const ref = predictAB(
    hp,
    P[3]!,
    Q.map((r) => r.slice(0, 3)),
  );
  const xq = new Float32Array(64 * 3);
  for (let m = 0; m < 64; m++) {
    const H = hankel(tokSeries.subarray(m * (n + 4), m * (n + 4) + n + 3), 3);
    for (let j = 0; j < n; j++) {
      for (let l = 0; l < 3; l++) X[(m * n + j) * 3 + l] = H[l]![j]!;
      y[m * n + j] = H[3]![j]!;
    }
    for (let l = 0; l < 3; l++) xq[m * 3 + l] = H[l]![n]!;
  }
  const tens = paramsToTensors({ kind: "merged", Wkq: Q, Wpv: P });
  const yhat = tf.tidy(() => {
    const E = buildTokens(tf.tensor3d(X, [64, n, 3]), tf.tensor2d(y, [64, n]), tf.tensor2d(xq, [64, 3]));
    return lsaForward(tens, E, { includeQuery: false, normalize: "n", readout: "plus" }).yhat;
  });
  const yt = yhat.dataSync();
  yhat.dispose();
  disposeLsaTensors(tens);
  // relative to the RMS prediction: single ŷ near 0 would make a per-prompt ratio meaningless
  const rms = Math.sqrt(ref.reduce((s2, v) => s2 + v * v, 0) / ref.length);
  let relErr = 0;
  for (let m = 0; m < 64; m++) relErr = Math.max(relErr, Math.abs(yt[m]! - ref[m]!) / rms);
  // B3
  const gamma = yuleWalkerAcov(PHI, SIGMA * SIGMA, 3);
  const long = sampleAr({ phi: PHI, sigma: SIGMA, T: o.mcSteps, rng });
  const gammaMc = [0, 1, 2, 3].map((k) => {
    let s = 0;
    for (let t = k; t < long.length; t++) s += long[t]! * long[t - k]!;
    return s / (long.length - k);
  });
  // B4
  const bayes = [1, 2, 3, 5, 10, 20].map((k) => ({ k, mse: bayesKStepMse(PHI, SIGMA * SIGMA, k) }));
  const oracle = linearHistoryPredictor(phiToBeta(PHI));
  const start = new Float64Array([1, -0.5, 0.8]);
  const roll = cotRollout(oracle, start, 203);
  const norm = (k: number) => Math.hypot(roll[k]!, roll[k + 1]!, roll[k + 2]!);
  const rolloutRate = (norm(200) / norm(0)) ** (1 / 200);
  const K = 20;
  const sums = new Float64Array(K);
  const sq = new Float64Array(K);
  const stride = Math.max(P_LAGS + K, Math.floor((long.length - K - 3) / o.rollouts));
  let count = 0;
  for (let s = 3; s + K <= long.length && count < o.rollouts; s += stride, count++) {
    const r = cotRollout(oracle, long.subarray(s - 3, s), K);
    for (let k = 0; k < K; k++) {
      const e = (r[k]! - long[s + k]!) ** 2;
      sums[k]! += e;
      sq[k]! += e * e;
    }
  }
  const bayesMc = [1, 2, 3, 5, 10, 20].map((k) => {
    const m = sums[k - 1]! / count;
    const v = sq[k - 1]! / count - m * m;
    return { k, mse: m, se: Math.sqrt(v / count) };
  });
  return {
    hankel: hankel([1, 2, 3, 4, 5], 2),
    lsaForwardRelErr: relErr,
    gamma,
    gammaMc,
    decayRate: decayRate(PHI),
    bayes,
    rolloutRate,
    bayesMc,
  };
}

export interface ExcessRow {
  n: number;
  method: string;
  excess: number;
  se: number;
}

/** B5 and the best LSA: paired excess over the oracle on independent prompts, for each n. */
export function runIndependentPrompts(o: {
  ns: number[];
  prompts: number;
  fitPrompts: number;
  alsIterations: number;
  seed: number;
}): ExcessRow[] {
  const rng = new Rng(o.seed);
  const Gamma = acovMatrix(yuleWalkerAcov(PHI, SIGMA * SIGMA, P_LAGS), P_LAGS);
  const beta = phiToBeta(PHI);
  const rows: ExcessRow[] = [];
  for (const n of o.ns) {
    const test = independentPrompts({ n, count: o.prompts, rng });
    const fit = independentPrompts({ n, count: o.fitPrompts, rng });
    const oracle = predictLinear(test, beta);
    const con = constructionAB(Gamma);
    const als = alternatingLsa(fit, con, o.alsIterations);
    const add = (method: string, pred: Float64Array) => {
      const r = pairedExcess(test.y, pred, oracle);
      rows.push({ n, method, excess: r.excess, se: r.se });
    };
    add("in-context OLS", predictInContextOls(test));
    add("LSA construction", predictAB(test, con.a, con.B));
    add("best LSA (ALS)", predictAB(test, als.a, als.B));
  }
  return rows;
}

export interface TrainedLsaRow {
  n: number;
  seed: number;
  epochs: number;
  testMse: number;
  oracleMse: number;
  /** Paired excess over the oracle on the test prompts, batch-means SE (20 blocks). */
  excess: number;
  se: number;
  globalOlsExcess: number;
  globalOlsSe: number;
  inContextOlsExcess: number;
  epochLoss: number[];
  a: number[];
  B: Matrix;
  olsBeta: number[];
}

export interface SeriesSetup {
  length: number;
  trainLength: number;
}

/** Trains one LSA per (n, seed) on one series of its own, official style (notes §5.2; §6 trained LSA). */
export function runTrainedLsa(o: { ns: number[]; seeds: number[]; epochs: number; batch: number; lr: number; series: SeriesSetup }): {
  rows: TrainedLsaRow[];
  series: Map<string, Float64Array>;
} {
  const rows: TrainedLsaRow[] = [];
  const seriesBySeed = new Map<string, Float64Array>();
  for (const seed of o.seeds) {
    const x = sampleAr({ phi: PHI, sigma: SIGMA, T: o.series.length, rng: new Rng(seed) });
    seriesBySeed.set(String(seed), x);
    const olsBeta = globalOls(x.subarray(0, o.series.trainLength), P_LAGS);
    for (const n of o.ns) {
      const T = n + P_LAGS;
      const train = hankelPrompts(x, { p: P_LAGS, n, targets: Array.from({ length: o.series.trainLength - T }, (_, i) => T + i) });
      const test = hankelPrompts(x, {
        p: P_LAGS,
        n,
        targets: Array.from({ length: o.series.length - o.series.trainLength - T }, (_, i) => o.series.trainLength + T + i),
      });
      const t = trainHankelLsa({
        train,
        epochs: o.epochs,
        batch: o.batch,
        lr: o.lr,
        initStd: 0.01,
        rng: new Rng(seed * 1000 + n),
        onEpoch: (e, l) => {
          if (e % 10 === 0 || e === o.epochs) console.log(`LSA n=${n} seed ${seed}: epoch ${e}/${o.epochs}, train MSE ${l.toFixed(4)}`);
        },
      });
      const oracle = predictLinear(test, phiToBeta(PHI));
      const lsa = pairedExcess(test.y, predictAB(test, t.a, t.B), oracle, 20);
      const gols = pairedExcess(test.y, predictLinear(test, olsBeta), oracle, 20);
      const icols = pairedExcess(test.y, predictInContextOls(test), oracle, 20);
      let om = 0;
      for (let b = 0; b < test.y.length; b++) om += (oracle[b]! - test.y[b]!) ** 2;
      rows.push({
        n,
        seed,
        epochs: o.epochs,
        testMse: lsa.mse,
        oracleMse: om / test.y.length,
        excess: lsa.excess,
        se: lsa.se,
        globalOlsExcess: gols.excess,
        globalOlsSe: gols.se,
        inContextOlsExcess: icols.excess,
        epochLoss: t.epochLoss,
        a: t.a,
        B: t.B,
        olsBeta,
      });
    }
  }
  return { rows, series: seriesBySeed };
}

export interface CotResult {
  n: number;
  ks: number[];
  /** k-step MSE over rollouts from many test positions, per predictor. */
  mse: Record<"LSA" | "global OLS" | "Bayes (true φ)", { mse: number[]; se: number[] }>;
  /** Paired LSA − OLS k-step squared-error differences (mean, SE) at each k. */
  lsaMinusOls: { mean: number[]; se: number[] };
  /** One rollout from the end of the training series (the official CoT), per predictor, and the truth. */
  single: Record<"LSA" | "global OLS" | "Bayes (true φ)" | "truth", number[]>;
  gamma0: number;
  /** Mean |x̂_k| over the rollouts. */
  meanAbs: Record<"LSA" | "global OLS" | "Bayes (true φ)", number[]>;
  /** Rollouts whose forecasts left [−1e6, 1e6] or became non-finite (the LSA is cubic in its inputs). */
  diverged: Record<"LSA" | "global OLS" | "Bayes (true φ)", number>;
  /** k-step MSE over the rollouts that stayed bounded (for the figure). */
  mseBounded: Record<"LSA" | "global OLS" | "Bayes (true φ)", number[]>;
  rollouts: number;
}

/** B8: rollouts of `steps` from `rollouts` test positions and the official single rollout. */
export function runCot(o: { row: TrainedLsaRow; x: Float64Array; trainLength: number; steps: number; rollouts: number }): CotResult {
  const { row, x } = o;
  const preds = {
    LSA: lsaHistoryPredictor(row.a, row.B, row.n),
    "global OLS": linearHistoryPredictor(row.olsBeta),
    "Bayes (true φ)": linearHistoryPredictor(phiToBeta(PHI)),
  } as const;
  const names = Object.keys(preds) as (keyof typeof preds)[];
  const K = o.steps;
  const need = row.n + P_LAGS;
  const first = o.trainLength + need;
  const stride = Math.max(1, Math.floor((x.length - K - first) / o.rollouts));
  const err: Record<string, Float64Array[]> = Object.fromEntries(names.map((nm) => [nm, [] as Float64Array[]]));
  const abs: Record<string, Float64Array> = Object.fromEntries(names.map((nm) => [nm, new Float64Array(K)]));
  const bounded: Record<string, boolean[]> = Object.fromEntries(names.map((nm) => [nm, [] as boolean[]]));
  let count = 0;
  for (let s = first; s + K <= x.length && count < o.rollouts; s += stride, count++) {
    for (const nm of names) {
      const r = cotRollout(preds[nm], x.subarray(s - need, s), K);
      const e = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        e[k] = (r[k]! - x[s + k]!) ** 2;
        abs[nm]![k]! += Math.abs(r[k]!);
      }
      err[nm]!.push(e);
      bounded[nm]!.push(r.every((v) => Number.isFinite(v) && Math.abs(v) <= 1e6));
    }
  }
  const stat = (rows: Float64Array[], k: number) => {
    const v = rows.map((r) => r[k]!);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    return { m, se: sd / Math.sqrt(v.length) };
  };
  const ks = Array.from({ length: K }, (_, k) => k + 1);
  const mse = Object.fromEntries(
    names.map((nm) => [nm, { mse: ks.map((k) => stat(err[nm]!, k - 1).m), se: ks.map((k) => stat(err[nm]!, k - 1).se) }]),
  ) as CotResult["mse"];
  const diffRows = err.LSA!.map((r, i) => r.map((v, k) => v - err["global OLS"]![i]![k]!));
  const lsaMinusOls = { mean: ks.map((k) => stat(diffRows, k - 1).m), se: ks.map((k) => stat(diffRows, k - 1).se) };
  const end = o.trainLength;
  const single = Object.fromEntries([
    ...names.map((nm) => [nm, Array.from(cotRollout(preds[nm], x.subarray(end - need, end), K))]),
    ["truth", Array.from(x.subarray(end, end + K))],
  ]) as CotResult["single"];
  const meanAbs = Object.fromEntries(names.map((nm) => [nm, Array.from(abs[nm]!, (v) => v / count)])) as CotResult["meanAbs"];
  const diverged = Object.fromEntries(names.map((nm) => [nm, bounded[nm]!.filter((b) => !b).length])) as CotResult["diverged"];
  const mseBounded = Object.fromEntries(
    names.map((nm) => {
      const keep = err[nm]!.filter((_, i) => bounded[nm]![i]);
      return [nm, ks.map((k) => (keep.length > 1 ? stat(keep, k - 1).m : Number.NaN))];
    }),
  ) as CotResult["mseBounded"];
  return {
    n: row.n,
    ks,
    mse,
    lsaMinusOls,
    single,
    gamma0: yuleWalkerAcov(PHI, SIGMA * SIGMA, 0)[0]!,
    meanAbs,
    diverged,
    mseBounded,
    rollouts: count,
  };
}

// ---------------------------------------------------------------------------------------------
// B9 (our extension, notes §7): a task distribution instead of one fixed φ

export const B9_METHODS = ["in-context OLS", "best GD step", "best LSA (ALS)", "trained LSA (Adam)"] as const;
export type B9Method = (typeof B9_METHODS)[number];

export interface TaskDistributionRow {
  n: number;
  /** Paired excess over each prompt's oracle β_mᵀz on the test prompts (iid prompts: sample SE). */
  excess: Record<B9Method, { excess: number; se: number }>;
  /** Paired differences on the same test prompts: trained LSA − best GD step, best LSA − best GD step. */
  trainedMinusGd: { excess: number; se: number };
  alsMinusGd: { excess: number; se: number };
  /** MSE on the training prompts (the training objective) of the three fitted predictors. */
  fitMse: { gd: number; als: number; trained: number };
  /** The trained LSA's (a, B), scaled so that a_{p+1} = 1 (the GD-step pattern has a = e_{p+1}). */
  a: number[];
  B: Matrix;
  epochLoss: number[];
}

/**
 * B9: prompts of a task distribution (each its own stationary φ, series variance 1: the "marginal"
 * scale of taskDistributionPrompts, an amendment after the first prototype), one LSA trained on all of
 * them by Adam as in B6, against the best one preconditioned GD step (a = e_{p+1}, B = [P; 0], P by
 * least squares), the best LSA (alternating least squares from that GD step) and in-context OLS.
 */
export function runTaskDistribution(o: {
  ns: number[];
  trainPrompts: number;
  testPrompts: number;
  alsIterations: number;
  train: { epochs: number; batch: number; lr: number };
  seed: number;
}): TaskDistributionRow[] {
  const rng = new Rng(o.seed);
  const mse = (y: Float64Array, pred: Float64Array) => pred.reduce((s, v, b) => s + (v - y[b]!) ** 2, 0) / y.length;
  return o.ns.map((n) => {
    const train = taskDistributionPrompts({ p: P_LAGS, n, count: o.trainPrompts, sigma: SIGMA, scale: "marginal", rng }).prompts;
    const test = taskDistributionPrompts({ p: P_LAGS, n, count: o.testPrompts, sigma: SIGMA, scale: "marginal", rng });
    const gd = bestGdStep(train);
    const als = alternatingLsa(train, gd, o.alsIterations);
    const t = trainHankelLsa({
      train,
      ...o.train,
      initStd: 0.01,
      rng: new Rng(o.seed * 1000 + n),
      onEpoch: (e, l) => {
        if (e % 10 === 0 || e === o.train.epochs) console.log(`B9 LSA n=${n}: epoch ${e}/${o.train.epochs}, train MSE ${l.toFixed(4)}`);
      },
    });
    const oracle = predictPerPrompt(test.prompts, test.beta);
    const preds: Record<B9Method, Float64Array> = {
      "in-context OLS": predictInContextOls(test.prompts),
      "best GD step": predictAB(test.prompts, gd.a, gd.B),
      "best LSA (ALS)": predictAB(test.prompts, als.a, als.B),
      "trained LSA (Adam)": predictAB(test.prompts, t.a, t.B),
    };
    const y = test.prompts.y;
    const excess = Object.fromEntries(
      B9_METHODS.map((m) => {
        const r = pairedExcess(y, preds[m], oracle);
        return [m, { excess: r.excess, se: r.se }];
      }),
    ) as TaskDistributionRow["excess"];
    const diff = (m: B9Method) => {
      const r = pairedExcess(y, preds[m], preds["best GD step"]);
      return { excess: r.excess, se: r.se };
    };
    const scale = t.a[P_LAGS]!;
    return {
      n,
      excess,
      trainedMinusGd: diff("trained LSA (Adam)"),
      alsMinusGd: diff("best LSA (ALS)"),
      fitMse: {
        gd: mse(train.y, predictAB(train, gd.a, gd.B)),
        als: als.fitMse[als.fitMse.length - 1]!, // alternatingLsa's last fit on these prompts
        trained: mse(train.y, predictAB(train, t.a, t.B)),
      },
      a: t.a.map((v) => v / scale),
      B: t.B.map((r) => r.map((v) => v * scale)),
      epochLoss: t.epochLoss,
    };
  });
}
