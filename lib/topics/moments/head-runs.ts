/**
 * One training run of a probing head on token sets (LP = MP with the second-order branch off,
 * check U7), shared by the synthetic, digits and ViT experiments: build the head from a variant
 * and a seed, train it with the recipe, report accuracy on each evaluation set, free everything.
 */
import { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { MomentProbe, type FirstOrder } from "./heads";
import type { MHC3Config } from "./mhc3";
import { accuracy, trainClassifier, type TrainConfig } from "./train";

/** A labelled batch of token sets, x row-major [n, T, d]. */
export interface TokenData {
  x: Float32Array;
  y: ArrayLike<number>;
  n: number;
  T: number;
  d: number;
}

/** Which head: first-order source, second-order branch, MHC³ options. */
export interface HeadVariant {
  firstOrder: FirstOrder;
  secondOrder: boolean;
  mhc3: Omit<MHC3Config, "inDim">;
  /** Whether index 0 of the tokens is a class token. */
  hasClsToken: boolean;
}

export function tokensTensor(t: TokenData): tf.Tensor3D {
  if (t.x.length !== t.n * t.T * t.d) throw new Error(`token data has ${t.x.length} values, expected n·T·d = ${t.n}·${t.T}·${t.d}`);
  return tf.tensor3d(t.x, [t.n, t.T, t.d]);
}

/** Rows `idx` of token data. */
export function selectTokens(t: TokenData, idx: readonly number[]): TokenData {
  const per = t.T * t.d;
  const x = new Float32Array(idx.length * per);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(t.x.subarray(r * per, (r + 1) * per), i * per);
    y[i] = t.y[r]!;
  });
  return { x, y, n: idx.length, T: t.T, d: t.d };
}

export interface HeadRunResult {
  /** Test accuracy on each evaluation set, in order. */
  acc: number[];
  steps: number;
  finalLoss: number;
}

/** Trains a head of `variant` on `train` and scores it on `evals` (deterministic given `seed`). */
export function trainHead(
  variant: HeadVariant,
  numClasses: number,
  train: TokenData,
  evals: TokenData[],
  recipe: TrainConfig,
  seed: number,
): HeadRunResult {
  const rng = new Rng(seed);
  const head = new MomentProbe({
    inDim: train.d,
    numClasses,
    mhc3: variant.mhc3,
    firstOrder: variant.firstOrder,
    secondOrder: variant.secondOrder,
    hasClsToken: variant.hasClsToken,
    seed: rng.nextSeed(),
  });
  const x = tokensTensor(train);
  try {
    const forward = (b: tf.Tensor) => head.forward(b as tf.Tensor3D);
    const r = trainClassifier({
      ...recipe,
      vars: head.trainableVariables(),
      noDecay: head.noDecayVariables(),
      forward,
      x,
      y: train.y,
      rng,
    });
    const acc = evals.map((e) => {
      const xe = tokensTensor(e);
      try {
        return accuracy(forward, xe, e.y);
      } finally {
        xe.dispose();
      }
    });
    return { acc, steps: r.steps, finalLoss: r.finalLoss };
  } finally {
    x.dispose();
    head.dispose();
  }
}
