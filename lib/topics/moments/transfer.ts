/**
 * Transfer from a tiny ViT (notes §6.4): digits as patch sets, pretraining a backbone with a
 * throw-away LP head, caching the frozen token features, and building the downstream methods on
 * top of it: LP and MP heads (on cached features, or behind the frozen backbone), MP+ (PSRP in
 * every block + MP head; backbone frozen) and full fine-tuning (everything + an LP head).
 */
import { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { patchify, type Images } from "./digits";
import { LinearProbe, MomentProbe } from "./heads";
import { selectTokens, type TokenData } from "./head-runs";
import type { ProbeLayer } from "./layer";
import type { MHC3Config } from "./mhc3";
import { accuracy, trainClassifier, type TrainConfig } from "./train";
import { TinyViT } from "./vit";

export type Method = "LP" | "MP" | "MP+" | "FT";
export const METHODS: readonly Method[] = ["LP", "MP", "MP+", "FT"];

export interface BackboneParams {
  dim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  seed: number;
}

/** Digits as ViT input: patches [n, 16, 4] and labels. */
export interface PatchSet {
  patches: Float32Array;
  y: Int32Array;
  n: number;
}

export function toPatchSet(img: Images): PatchSet {
  return { patches: patchify(img), y: img.y.slice(), n: img.nSamples };
}

export function selectPatches(p: PatchSet, idx: readonly number[]): PatchSet {
  const per = 16 * 4;
  const patches = new Float32Array(idx.length * per);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    patches.set(p.patches.subarray(r * per, (r + 1) * per), i * per);
    y[i] = p.y[r]!;
  });
  return { patches, y, n: idx.length };
}

export function patchTensor(p: PatchSet): tf.Tensor3D {
  return tf.tensor3d(p.patches, [p.n, 16, 4]);
}

export function makeBackbone(o: { backbone: BackboneParams; psrpBottleneck?: number; seed?: number }): TinyViT {
  const b = o.backbone;
  return new TinyViT({
    numPatches: 16,
    patchDim: 4,
    dim: b.dim,
    depth: b.depth,
    heads: b.heads,
    mlpRatio: b.mlpRatio,
    psrpBottleneck: o.psrpBottleneck ?? 0,
    seed: o.seed ?? b.seed,
  });
}

export interface Pretrained {
  vit: TinyViT;
  trainAcc: number;
  testAcc: number;
  nTrain: number;
  nTest: number;
  steps: number;
}

/** Pretrains a backbone (+ a throw-away LP head) on `train`, reporting accuracy on `test`. */
export function pretrainBackbone(o: {
  backbone: BackboneParams;
  numClasses: number;
  train: PatchSet;
  test: PatchSet;
  recipe: TrainConfig;
  rng: Rng;
}): Pretrained {
  const vit = makeBackbone({ backbone: o.backbone, seed: o.rng.nextSeed() });
  const head = new LinearProbe({ inDim: o.backbone.dim, numClasses: o.numClasses, seed: o.rng.nextSeed() });
  const xtr = patchTensor(o.train);
  const xte = patchTensor(o.test);
  try {
    const forward = (b: tf.Tensor) => head.forward(vit.forward(b as tf.Tensor3D));
    const r = trainClassifier({
      ...o.recipe,
      vars: [...vit.trainableVariables(), ...head.trainableVariables()],
      noDecay: new Set([...vit.noDecayVariables(), ...head.noDecayVariables()]),
      forward,
      x: xtr,
      y: o.train.y,
      rng: o.rng,
    });
    return {
      vit,
      trainAcc: accuracy(forward, xtr, o.train.y),
      testAcc: accuracy(forward, xte, o.test.y),
      nTrain: o.train.n,
      nTest: o.test.n,
      steps: r.steps,
    };
  } finally {
    xtr.dispose();
    xte.dispose();
    head.dispose();
  }
}

/** Frozen-backbone token features [n, 17, D] (the cache that makes LP/MP training cheap). */
export function cacheFeatures(vit: TinyViT, p: PatchSet, batch = 256): TokenData {
  const T = vit.cfg.numPatches + 1;
  const D = vit.cfg.dim;
  const x = new Float32Array(p.n * T * D);
  for (let s = 0; s < p.n; s += batch) {
    const b = Math.min(batch, p.n - s);
    const out = tf.tidy(() => vit.forward(tf.tensor3d(p.patches.subarray(s * 64, (s + b) * 64), [b, 16, 4])));
    x.set(out.dataSync(), s * T * D);
    out.dispose();
  }
  return { x, y: p.y.slice(), n: p.n, T, d: D };
}

/** The class token of cached features, [n, D] (LP's input). */
export function classTokens(t: TokenData): { X: Float32Array; n: number; F: number } {
  const X = new Float32Array(t.n * t.d);
  for (let i = 0; i < t.n; i++) X.set(t.x.subarray(i * t.T * t.d, i * t.T * t.d + t.d), i * t.d);
  return { X, n: t.n, F: t.d };
}

/** A downstream task: its images and their cached frozen features. */
export interface Downstream {
  name: string;
  patches: PatchSet;
  features: TokenData;
}

/** A method ready to train: forward on its input tensor, the trained variables, and cleanup. */
export interface BuiltMethod {
  forward: (x: tf.Tensor) => tf.Tensor2D;
  vars: tf.Variable[];
  noDecay: Set<tf.Variable>;
  /** Training/evaluation input for rows of a task: cached tokens (LP/MP cached) or patches. */
  input: (task: Downstream, idx: readonly number[]) => { x: tf.Tensor; y: Int32Array };
  dispose: () => void;
}

/** What the downstream methods are built from. */
export interface MethodSpec {
  pre: Pretrained;
  backbone: BackboneParams;
  numClasses: number;
  mp: Omit<MHC3Config, "inDim">;
  psrpBottleneck: number;
}

/**
 * Builds a method on top of the pretrained backbone. `cached` (LP and MP only) makes the head read
 * stored features; otherwise the frozen backbone runs on the patches at every step (the paper's
 * protocol in Fig. Train_cost). MP+ adds PSRP to every block and trains PSRP + MP head; FT trains
 * everything with an LP head. LP here is the gradient-trained head (the cost model's LP); the
 * converged LP of the accuracy claims is a logistic regression on `classTokens`.
 */
export function buildMethod(o: { method: Method; spec: MethodSpec; seed: number; cached?: boolean }): BuiltMethod {
  const { method, spec } = o;
  const cached = o.cached ?? true;
  const rng = new Rng(o.seed);
  const D = spec.backbone.dim;
  const head: ProbeLayer & { forward(x: tf.Tensor3D): tf.Tensor2D } =
    method === "FT"
      ? new LinearProbe({ inDim: D, numClasses: spec.numClasses, seed: rng.nextSeed() })
      : new MomentProbe({
          inDim: D,
          numClasses: spec.numClasses,
          mhc3: spec.mp,
          firstOrder: "cls",
          secondOrder: method !== "LP",
          seed: rng.nextSeed(),
        });
  const headVars = head.trainableVariables();
  const patchInput = (task: Downstream, idx: readonly number[]) => {
    const p = selectPatches(task.patches, idx);
    return { x: patchTensor(p), y: p.y };
  };
  if ((method === "LP" || method === "MP") && cached) {
    return {
      forward: (b) => head.forward(b as tf.Tensor3D),
      vars: headVars,
      noDecay: head.noDecayVariables(),
      input: (task, idx) => {
        const t = selectTokens(task.features, idx);
        return { x: tf.tensor3d(t.x, [t.n, t.T, t.d]), y: Int32Array.from(t.y) };
      },
      dispose: () => head.dispose(),
    };
  }
  if (method === "LP" || method === "MP") {
    return {
      forward: (b) => head.forward(tf.tidy(() => spec.pre.vit.forward(b as tf.Tensor3D))),
      vars: headVars,
      noDecay: head.noDecayVariables(),
      input: patchInput,
      dispose: () => head.dispose(),
    };
  }
  const vit = makeBackbone({ backbone: spec.backbone, psrpBottleneck: method === "MP+" ? spec.psrpBottleneck : 0, seed: rng.nextSeed() });
  vit.loadBackbone(spec.pre.vit);
  return {
    forward: (b) => head.forward(vit.forward(b as tf.Tensor3D)),
    vars: method === "MP+" ? [...vit.psrpVariables(), ...headVars] : [...vit.trainableVariables(), ...headVars],
    noDecay: new Set([...vit.noDecayVariables(), ...head.noDecayVariables()]),
    input: patchInput,
    dispose: () => {
      vit.dispose();
      head.dispose();
    },
  };
}

/**
 * Trains one method on the rows `trainIdx` of `task` and returns its accuracy on the rows `testIdx`
 * of each evaluation task (same images, possibly shifted or corrupted). `seed` fixes the head
 * initialisation and the batch order; methods given the same seed are paired.
 */
export function runMethod(o: {
  method: Method;
  spec: MethodSpec;
  task: Downstream;
  trainIdx: readonly number[];
  evalTasks: Downstream[];
  testIdx: readonly number[];
  recipe: TrainConfig;
  seed: number;
}): number[] {
  const built = buildMethod({ method: o.method, spec: o.spec, seed: o.seed });
  const rng = new Rng(o.seed + 1);
  const train = built.input(o.task, o.trainIdx);
  try {
    trainClassifier({ ...o.recipe, vars: built.vars, noDecay: built.noDecay, forward: built.forward, x: train.x, y: train.y, rng });
    return o.evalTasks.map((e) => {
      const te = built.input(e, o.testIdx);
      try {
        return accuracy(built.forward, te.x, te.y);
      } finally {
        te.x.dispose();
      }
    });
  } finally {
    train.x.dispose();
    built.dispose();
  }
}
