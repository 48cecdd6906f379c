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
import { trainXorArrays, xorArraysLossAndGradient, type XorArraySettings, type XorLayout, type XorTrained } from "./xor-arrays";

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
  /**
   * How a step is computed (same function, different float32 rounding): "tensors" (default) the
   * tfjs similarity composition, autodiff and the tensor Adam; "fused-similarity" the same with the
   * similarity and its gradient as one custom op (fused.ts); "arrays" the whole step, Adam included,
   * in one pass over Float32Arrays with no tfjs op (xor-arrays.ts).
   */
  engine?: XorEngine;
}

export const XOR_ENGINES = ["tensors", "fused-similarity", "arrays"] as const;
export type XorEngine = (typeof XOR_ENGINES)[number];

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

/** The batch of `runs` as both engines lay it out: bank padded to the largest K, inputs normalised where asked. */
export function xorLayout(runs: readonly XorRun[]): XorLayout {
  for (const r of runs) {
    if (!Number.isInteger(r.K) || r.K < 1) throw new Error(`XOR run: K must be a positive integer, got ${r.K}`);
  }
  const R = runs.length;
  const Kmax = Math.max(...runs.map((r) => r.K));
  const lay: XorLayout = {
    R,
    Kmax,
    F0: new Float32Array(R * Kmax * 2),
    P0: new Float32Array(R * 4),
    fmask: new Float32Array(R * Kmax),
    nflag: new Float32Array(R),
    X: new Float32Array(R * 8),
    onehot: Float32Array.from(XOR_Y.flatMap((y) => (y === 0 ? [1, 0] : [0, 1]))),
  };
  runs.forEach((run, r) => {
    const { F, P } = xorInitialParameters(run);
    lay.F0.set(F, r * Kmax * 2);
    lay.P0.set(P, r * 4);
    lay.fmask.fill(1, r * Kmax, r * Kmax + run.K);
    lay.nflag[r] = run.normalize ? 1 : 0;
    XOR_X.forEach(([a, b], i) => {
      const norm = run.normalize ? Math.max(Math.hypot(a, b), 1e-12) : 1;
      lay.X[r * 8 + 2 * i] = a / norm;
      lay.X[r * 8 + 2 * i + 1] = b / norm;
    });
  });
  return lay;
}

/** Trains all `runs` of one reduction pair together; returns one result per run, in order. */
export function trainXorBatch(cfg: XorTraining, runs: readonly XorRun[], options: { keepWeights?: boolean } = {}): XorRunResult[] {
  if (runs.length === 0) return [];
  if (!Number.isInteger(cfg.steps) || cfg.steps < 0)
    throw new Error(`XOR training: steps must be a non-negative integer, got ${cfg.steps}`);
  const engine = cfg.engine ?? "tensors";
  if (!(XOR_ENGINES as readonly string[]).includes(engine))
    throw new Error(`XOR training: unknown engine ${JSON.stringify(engine)}; use one of ${XOR_ENGINES.join(", ")}`);
  const lay = xorLayout(runs);
  const settings = {
    intersection: cfg.intersection,
    difference: cfg.difference,
    gmeanEps: cfg.gmeanEps ?? 0,
    lr: cfg.lr,
    steps: cfg.steps,
    thetaInit: cfg.thetaInit ?? 1,
    alphaInit: cfg.alphaInit ?? 0.5,
    betaInit: cfg.betaInit ?? 0.5,
  };
  const out = engine === "arrays" ? trainArraysByK(runs, lay, settings) : trainXorTensors(lay, settings, engine === "fused-similarity");
  const { R, Kmax } = lay;
  const L = out.logits;
  const finite = new Array<boolean>(R).fill(true);
  const perRun: [Float32Array, number][] = [
    [out.F, Kmax * 2],
    [out.P, 4],
    [out.theta, 1],
    [out.alpha, 1],
    [out.beta, 1],
  ];
  for (const [data, per] of perRun) {
    for (let r = 0; r < R; r++) {
      for (let j = 0; j < per; j++) {
        if (!Number.isFinite(data[r * per + j]!)) {
          finite[r] = false;
          break;
        }
      }
    }
  }
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
      theta: out.theta[r]!,
      alpha: out.alpha[r]!,
      beta: out.beta[r]!,
    };
    if (options.keepWeights) {
      result.weights = {
        F: Array.from(out.F.subarray(r * Kmax * 2, r * Kmax * 2 + run.K * 2)),
        P: Array.from(out.P.subarray(r * 4, r * 4 + 4)),
      };
    }
    return result;
  });
}

/**
 * The arrays engine, one group of equal K at a time, results laid out as `lay` (the padded batch).
 * A run's numbers on this engine do not depend on the rest of its batch (tested bit for bit), so
 * nothing changes but the work: the padded bank would triple it on the study's grid (K from 1 to 32).
 */
function trainArraysByK(runs: readonly XorRun[], lay: XorLayout, s: XorArraySettings): XorTrained {
  const { R, Kmax } = lay;
  const out: XorTrained = {
    logits: new Float32Array(R * 8),
    F: new Float32Array(R * Kmax * 2),
    P: new Float32Array(R * 4),
    theta: new Float32Array(R),
    alpha: new Float32Array(R),
    beta: new Float32Array(R),
  };
  for (const K of new Set(runs.map((r) => r.K))) {
    const members = runs.flatMap((r, i) => (r.K === K ? [i] : []));
    const t = trainXorArrays(xorLayout(members.map((i) => runs[i]!)), s);
    members.forEach((i, g) => {
      out.logits.set(t.logits.subarray(g * 8, g * 8 + 8), i * 8);
      out.F.set(t.F.subarray(g * K * 2, (g + 1) * K * 2), i * Kmax * 2);
      out.P.set(t.P.subarray(g * 4, g * 4 + 4), i * 4);
      out.theta[i] = t.theta[g]!;
      out.alpha[i] = t.alpha[g]!;
      out.beta[i] = t.beta[g]!;
    });
  }
  return out;
}

/** The tensor engine's variables (F, Π, θ, α, β), constants and logits for a batch. */
function tensorProblem(lay: XorLayout, s: Omit<XorArraySettings, "lr" | "steps">, fused: boolean) {
  const { R, Kmax } = lay;
  const scalar = (v: number) => tf.tidy(() => tf.variable(tf.fill([R, 1, 1], v)));
  const F = tf.tidy(() => tf.variable(tf.tensor3d(lay.F0, [R, Kmax, 2])));
  const P = tf.tidy(() => tf.variable(tf.tensor3d(lay.P0, [R, 2, 2])));
  const theta = scalar(s.thetaInit);
  const alpha = scalar(s.alphaInit);
  const beta = scalar(s.betaInit);
  const vars = [F, P, theta, alpha, beta];
  const consts = {
    X: tf.tensor3d(lay.X, [R, 4, 2]),
    fmask: tf.tensor3d(lay.fmask, [R, Kmax, 1]),
    nflag: tf.tensor3d(lay.nflag, [R, 1, 1]),
    onehot: tf.tensor3d(lay.onehot, [1, 4, 2]),
  };
  const opts = { intersection: s.intersection, difference: s.difference, gmeanEps: s.gmeanEps, fused };
  const logits = (): tf.Tensor3D => {
    const Fe = tf.mul(F, consts.fmask);
    const Pe = tf.add(P, tf.mul(consts.nflag, tf.sub(l2Normalize(P), P)));
    return tverskySimilarity({ ...opts, x: consts.X, prototypes: Pe, features: Fe, theta, alpha, beta }) as tf.Tensor3D;
  };
  const loss = () => batchedCrossEntropy(logits(), consts.onehot);
  return { vars, logits, loss, dispose: () => tf.dispose([...vars, ...Object.values(consts)]) };
}

/** The tensor engine: the similarity composition (or its fused op), tfjs autodiff and the tensor Adam. */
function trainXorTensors(lay: XorLayout, s: XorArraySettings, fused: boolean): XorTrained {
  const pr = tensorProblem(lay, s, fused);
  // "reciprocal": the float32 op order of the former BatchedAdam (XOR convergence is sensitive to the last bit)
  const adam = new Adam(pr.vars, { lr: s.lr, arithmetic: "reciprocal" });
  try {
    for (let step = 0; step < s.steps; step++) {
      const { value, grads } = tf.variableGrads(pr.loss, pr.vars);
      adam.step(pr.vars.map((v) => grads[v.name]!));
      value.dispose();
      tf.dispose(grads);
    }
    const out = tf.tidy(pr.logits);
    const L = out.dataSync() as Float32Array;
    out.dispose();
    const [Fw, Pw, th, al, be] = pr.vars.map((v) => v.dataSync() as Float32Array);
    return { logits: L, F: Fw!, P: Pw!, theta: th!, alpha: al!, beta: be! };
  } finally {
    adam.dispose();
    pr.dispose();
  }
}

/**
 * The batch's loss and gradient at its initial parameters on one engine; the gradient is one
 * vector in the order Adam sees it (F, Π, θ, α, β). For the tests and the bench's same-work check.
 */
export function xorLossAndGradient(
  lay: XorLayout,
  s: Omit<XorArraySettings, "lr" | "steps">,
  engine: XorEngine,
): { loss: number; grad: Float32Array } {
  if (engine === "arrays") return xorArraysLossAndGradient(lay, s);
  const pr = tensorProblem(lay, s, engine === "fused-similarity");
  try {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(pr.loss, pr.vars);
      const parts = pr.vars.map((v) => grads[v.name]!.dataSync());
      const grad = new Float32Array(parts.reduce((n, g) => n + g.length, 0));
      let off = 0;
      for (const g of parts) {
        grad.set(g, off);
        off += g.length;
      }
      return { loss: value.dataSync()[0]!, grad };
    });
  } finally {
    pr.dispose();
  }
}

/** Σ_runs mean_i CE(logits[r, i, :], onehot[i]) for logits [R, n, C]. */
export function batchedCrossEntropy(logits: tf.Tensor3D, onehot: tf.Tensor): tf.Scalar {
  const n = logits.shape[1];
  const logp = tf.sub(logits, tf.logSumExp(logits, -1, true));
  return tf.div(tf.neg(tf.sum(tf.mul(logp, onehot))), n) as tf.Scalar;
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
