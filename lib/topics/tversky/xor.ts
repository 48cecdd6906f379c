/**
 * XOR with one Tversky projection layer (d = 2 → p = 2 prototypes; notes §5), trained as ONE
 * batched computation over many runs: every parameter carries a leading run dimension
 * (F [R, K, 2], Π [R, 2, 2], θ/α/β [R, 1, 1]) and the loss is the sum of the runs' mean
 * cross-entropies, so each run's gradient is exactly its own. Runs with different K share a batch
 * by zero-padding the bank to the largest K and masking the padding (a zero feature has x·f = 0,
 * is never a member, and gets a zero gradient). Runs with and without `normalize` share a batch
 * through a per-run 0/1 flag.
 */
import { tf } from "../../core/tf";
import { Rng } from "../../core/rng";
import { Adam } from "../../core/optim";
import { initMatrix, type InitName } from "./init";
import { l2Normalize, tverskySimilarity } from "./similarity";
import type { DifferenceReduction, IntersectionReduction } from "./options";

/** The four XOR points and their labels x₁ xor x₂. */
export const XOR_X: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
export const XOR_Y: readonly number[] = [0, 1, 1, 0];

/** One run of the grid: its factors and the seed of its initialisation. */
export interface XorRun {
  K: number;
  normalize: boolean;
  protoInit: InitName;
  featureInit: InitName;
  seed: number;
}

/** Training settings shared by every run of one batch. */
export interface XorTraining {
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
  /** Adam learning rate (the paper's is [NF]; §10 item 5 uses 0.01). */
  lr: number;
  /** Full-batch steps on the 4 points. */
  steps: number;
  /** 0 = official gmean (NaN gradients on empty intersections). */
  gmeanEps?: number;
  thetaInit?: number;
  alphaInit?: number;
  betaInit?: number;
  /** Use the fused similarity kernel (fused.ts); default false, the tensor composition. */
  fused?: boolean;
}

/** The outcome of one XOR run. */
export interface XorRunResult extends XorRun {
  /** All 4 points classified correctly (strict argmax) at the end. */
  converged: boolean;
  /** Fraction of the 4 points correct (0 when a logit is not finite). */
  accuracy: number;
  /** Every parameter finite at the end (false = the run went NaN, e.g. official gmean). */
  finite: boolean;
  theta: number;
  alpha: number;
  beta: number;
  /** Final bank [K × 2] and prototypes [2 × 2] (row-major), when asked for with `keepWeights`. */
  weights?: { F: number[]; P: number[] };
}

/** Initial parameters of one run: F [K, 2], Π [2, 2] from Rng(seed), bank first. */
export function xorInitialParameters(run: XorRun): { F: Float32Array; P: Float32Array } {
  const rng = new Rng(run.seed);
  const F = initMatrix({ init: run.featureInit, rows: run.K, cols: 2, rng });
  const P = initMatrix({ init: run.protoInit, rows: 2, cols: 2, rng });
  return { F, P };
}

/** Trains all `runs` of one reduction pair together; returns one result per run, in order. */
export function trainXorBatch(cfg: XorTraining, runs: readonly XorRun[], options: { keepWeights?: boolean } = {}): XorRunResult[] {
  if (runs.length === 0) return [];
  for (const r of runs) {
    if (!Number.isInteger(r.K) || r.K < 1) throw new Error(`XOR run: K must be a positive integer, got ${r.K}`);
  }
  if (!Number.isInteger(cfg.steps) || cfg.steps < 0)
    throw new Error(`XOR training: steps must be a non-negative integer, got ${cfg.steps}`);
  const R = runs.length;
  const Kmax = Math.max(...runs.map((r) => r.K));
  const F0 = new Float32Array(R * Kmax * 2);
  const P0 = new Float32Array(R * 4);
  const fmask = new Float32Array(R * Kmax);
  const nflag = new Float32Array(R);
  const X = new Float32Array(R * 8);
  runs.forEach((run, r) => {
    const { F, P } = xorInitialParameters(run);
    F0.set(F, r * Kmax * 2);
    P0.set(P, r * 4);
    fmask.fill(1, r * Kmax, r * Kmax + run.K);
    nflag[r] = run.normalize ? 1 : 0;
    XOR_X.forEach(([a, b], i) => {
      const norm = run.normalize ? Math.max(Math.hypot(a, b), 1e-12) : 1;
      X[r * 8 + 2 * i] = a / norm;
      X[r * 8 + 2 * i + 1] = b / norm;
    });
  });
  const scalar = (v: number) => tf.tidy(() => tf.variable(tf.fill([R, 1, 1], v)));
  const F = tf.tidy(() => tf.variable(tf.tensor3d(F0, [R, Kmax, 2])));
  const P = tf.tidy(() => tf.variable(tf.tensor3d(P0, [R, 2, 2])));
  const theta = scalar(cfg.thetaInit ?? 1);
  const alpha = scalar(cfg.alphaInit ?? 0.5);
  const beta = scalar(cfg.betaInit ?? 0.5);
  const vars = [F, P, theta, alpha, beta];
  const consts = {
    X: tf.tensor3d(X, [R, 4, 2]),
    fmask: tf.tensor3d(fmask, [R, Kmax, 1]),
    nflag: tf.tensor3d(nflag, [R, 1, 1]),
    onehot: tf.tensor3d(
      XOR_Y.flatMap((y) => (y === 0 ? [1, 0] : [0, 1])),
      [1, 4, 2],
    ),
  };
  const opts = { intersection: cfg.intersection, difference: cfg.difference, gmeanEps: cfg.gmeanEps ?? 0, fused: cfg.fused ?? false };
  const logits = (): tf.Tensor3D => {
    const Fe = tf.mul(F, consts.fmask);
    const Pe = tf.add(P, tf.mul(consts.nflag, tf.sub(l2Normalize(P), P)));
    return tverskySimilarity({ ...opts, x: consts.X, prototypes: Pe, features: Fe, theta, alpha, beta }) as tf.Tensor3D;
  };
  // "reciprocal": the float32 op order of the former BatchedAdam (XOR convergence is sensitive to the last bit)
  const adam = new Adam(vars, { lr: cfg.lr, arithmetic: "reciprocal" });
  try {
    for (let step = 0; step < cfg.steps; step++) {
      const { value, grads } = tf.variableGrads(() => batchedCrossEntropy(logits(), consts.onehot), vars);
      adam.step(vars.map((v) => grads[v.name]!));
      value.dispose();
      tf.dispose(grads);
    }
    const out = tf.tidy(logits);
    const L = out.dataSync();
    out.dispose();
    const finite = finitePerRun(vars, R);
    const [th, al, be] = [theta, alpha, beta].map((v) => v.dataSync());
    const Fw = options.keepWeights ? F.dataSync() : undefined;
    const Pw = options.keepWeights ? P.dataSync() : undefined;
    return runs.map((run, r) => {
      let correct = 0;
      let allFinite = true;
      for (let i = 0; i < 4; i++) {
        const l0 = L[r * 8 + 2 * i]!,
          l1 = L[r * 8 + 2 * i + 1]!;
        if (!Number.isFinite(l0) || !Number.isFinite(l1)) allFinite = false;
        const pred = l1 > l0 ? 1 : l0 > l1 ? 0 : -1;
        if (pred === XOR_Y[i]) correct++;
      }
      const accuracy = allFinite ? correct / 4 : 0;
      const result: XorRunResult = {
        ...run,
        converged: accuracy === 1,
        accuracy,
        finite: finite[r]!,
        theta: th![r]!,
        alpha: al![r]!,
        beta: be![r]!,
      };
      if (Fw && Pw) {
        result.weights = {
          F: Array.from(Fw.subarray(r * Kmax * 2, r * Kmax * 2 + run.K * 2)),
          P: Array.from(Pw.subarray(r * 4, r * 4 + 4)),
        };
      }
      return result;
    });
  } finally {
    adam.dispose();
    tf.dispose([...vars, ...Object.values(consts)]);
  }
}

/** Σ_runs mean_i CE(logits[r, i, :], onehot[i]) for logits [R, n, C]. */
export function batchedCrossEntropy(logits: tf.Tensor3D, onehot: tf.Tensor): tf.Scalar {
  const n = logits.shape[1];
  const logp = tf.sub(logits, tf.logSumExp(logits, -1, true));
  return tf.div(tf.neg(tf.sum(tf.mul(logp, onehot))), n) as tf.Scalar;
}

/** Per run: are all of its parameters finite? */
function finitePerRun(vars: tf.Variable[], R: number): boolean[] {
  const ok = new Array<boolean>(R).fill(true);
  for (const v of vars) {
    const data = v.dataSync();
    const per = data.length / R;
    for (let r = 0; r < R; r++) {
      for (let j = 0; j < per; j++) {
        if (!Number.isFinite(data[r * per + j]!)) {
          ok[r] = false;
          break;
        }
      }
    }
  }
  return ok;
}

/**
 * A linear 2 → 2 softmax layer on XOR (logits = xW + b), R seeds in one batch (notes §10 item 4).
 * W ~ U(−1, 1) from Rng(seed), b = 0. Returns each run's final accuracy on the 4 points.
 */
export function trainXorLinearBatch(seeds: readonly number[], o: { lr: number; steps: number }): number[] {
  const R = seeds.length;
  if (R === 0) return [];
  const W0 = new Float32Array(R * 4);
  seeds.forEach((s, r) => W0.set(new Rng(s).uniforms(4, -1, 1), r * 4));
  const W = tf.tidy(() => tf.variable(tf.tensor3d(W0, [R, 2, 2])));
  const b = tf.tidy(() => tf.variable(tf.zeros([R, 1, 2])));
  const X = tf.tensor3d(
    XOR_X.flatMap((p) => [...p]),
    [1, 4, 2],
  );
  const Xr = tf.tile(X, [R, 1, 1]) as tf.Tensor3D;
  const onehot = tf.tensor3d(
    XOR_Y.flatMap((y) => (y === 0 ? [1, 0] : [0, 1])),
    [1, 4, 2],
  );
  const adam = new Adam([W, b], { lr: o.lr, arithmetic: "reciprocal" });
  const logits = () => tf.add(tf.matMul(Xr, W), b) as tf.Tensor3D;
  try {
    for (let step = 0; step < o.steps; step++) {
      const { value, grads } = tf.variableGrads(() => batchedCrossEntropy(logits(), onehot), [W, b]);
      adam.step([grads[W.name]!, grads[b.name]!]);
      tf.dispose([value, ...Object.values(grads)]);
    }
    const L = tf.tidy(logits);
    const v = L.dataSync();
    L.dispose();
    return seeds.map((_, r) => {
      let correct = 0;
      for (let i = 0; i < 4; i++) {
        const l0 = v[r * 8 + 2 * i]!,
          l1 = v[r * 8 + 2 * i + 1]!;
        if ((l1 > l0 ? 1 : l0 > l1 ? 0 : -1) === XOR_Y[i]) correct++;
      }
      return correct / 4;
    });
  } finally {
    adam.dispose();
    tf.dispose([W, b, X, Xr, onehot]);
  }
}
