/**
 * The in-project transfer study (notes §6.4, checks P1-P5): a tiny ViT is pretrained on digits
 * 0-4, frozen, and transferred to digits 5-9 (and to a shifted version of that task) by LP, MP
 * (frozen features, cached), MP+ (PSRP in every block + MP head, backbone frozen) and full
 * fine-tuning; at full data, under test-time corruptions, and few-shot.
 */
import { performance } from "node:perf_hooks";
import { Rng } from "../../../core/rng";
import { tf } from "../../../core/tf";
import { corrupt, invert, kShotSplit, mapImages, patchify, rotate90, selectClasses, selectImages, stratifiedSplit, type Corruption, type Images } from "../../../topics/moments/digits";
import { LinearProbe, MomentProbe } from "../../../topics/moments/heads";
import { ProbeLayer } from "../../../topics/moments/layer";
import type { MHC3Config } from "../../../topics/moments/mhc3";
import { selectTokens, type TokenData } from "../../../topics/moments/head-runs";
import { seedFor } from "../../../topics/moments/seeds";
import { accuracy, trainClassifier, type TrainConfig } from "../../../topics/moments/train";
import { TinyViT } from "../../../topics/moments/vit";

export type Method = "LP" | "MP" | "MP+" | "FT";
export const METHODS: readonly Method[] = ["LP", "MP", "MP+", "FT"];

export interface BackboneParams {
  dim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  seed: number;
}

export interface VitParams {
  backbone: BackboneParams;
  upstreamClasses: number[];
  downstreamClasses: number[];
  /** Held out of the upstream classes to report pretraining accuracy. */
  upstreamTestFraction: number;
  pretrain: TrainConfig;
  downstreamTestFraction: number;
  /** The shifted downstream task of P3. */
  shift: "rotate90" | "invert";
  /** Recipe at full data (all methods). */
  recipe: TrainConfig;
  /** Recipe of the few-shot runs (all methods). */
  fewShotRecipe: TrainConfig;
  mp: Omit<MHC3Config, "inDim">;
  psrpBottleneck: number;
  seeds: number[];
  shots: number[];
  corruptions: Corruption[];
}

/** Digits as ViT input: patches [n, 16, 4] and labels. */
export interface PatchSet {
  patches: Float32Array;
  y: Int32Array;
  n: number;
}

export function toPatchSet(img: Images): PatchSet {
  return { patches: patchify(img), y: img.y.slice(), n: img.n };
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

function patchTensor(p: PatchSet): tf.Tensor3D {
  return tf.tensor3d(p.patches, [p.n, 16, 4]);
}

export function makeBackbone(b: BackboneParams, psrpBottleneck = 0, seed = b.seed): TinyViT {
  return new TinyViT({ numPatches: 16, patchDim: 4, dim: b.dim, depth: b.depth, heads: b.heads, mlpRatio: b.mlpRatio, psrpBottleneck, seed });
}

export interface Pretrained {
  vit: TinyViT;
  trainAcc: number;
  testAcc: number;
  nTrain: number;
  nTest: number;
  steps: number;
}

/** Pretrains the backbone (+ a throw-away LP head) on the upstream classes. */
export function pretrainBackbone(images: Images, P: VitParams): Pretrained {
  const up = selectClasses(images, P.upstreamClasses);
  const split = stratifiedSplit(up.y, P.upstreamTestFraction, new Rng(seedFor("upstream-split", P.backbone.seed)));
  const tr = toPatchSet(selectImages(up, split.train));
  const te = toPatchSet(selectImages(up, split.test));
  const rng = new Rng(seedFor("pretrain", P.backbone.seed));
  const vit = makeBackbone(P.backbone, 0, rng.nextSeed());
  const head = new LinearProbe({ inDim: P.backbone.dim, numClasses: P.upstreamClasses.length, seed: rng.nextSeed() });
  const xtr = patchTensor(tr);
  const xte = patchTensor(te);
  try {
    const forward = (b: tf.Tensor) => head.forward(vit.forward(b as tf.Tensor3D));
    const r = trainClassifier({
      ...P.pretrain,
      vars: [...vit.trainableVariables(), ...head.trainableVariables()],
      noDecay: new Set([...vit.noDecayVariables(), ...head.noDecayVariables()]),
      forward,
      x: xtr,
      y: tr.y,
      rng,
    });
    return { vit, trainAcc: accuracy(forward, xtr, tr.y), testAcc: accuracy(forward, xte, te.y), nTrain: tr.n, nTest: te.n, steps: r.steps };
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

/** A downstream task with its cached features. */
export interface Downstream {
  name: string;
  patches: PatchSet;
  features: TokenData;
}

export interface DownstreamData {
  main: Downstream;
  shifted: Downstream;
  corrupted: Downstream[];
  /** Per seed: the stratified train/test split (shared by main, shifted and corrupted sets). */
  splits: Map<number, { train: number[]; test: number[] }>;
}

export function prepareDownstream(images: Images, pre: Pretrained, P: VitParams): DownstreamData {
  const down = selectClasses(images, P.downstreamClasses);
  const make = (name: string, img: Images): Downstream => {
    const patches = toPatchSet(img);
    return { name, patches, features: cacheFeatures(pre.vit, patches) };
  };
  const shiftFn = P.shift === "rotate90" ? rotate90 : invert;
  const splits = new Map(P.seeds.map((s) => [s, stratifiedSplit(down.y, P.downstreamTestFraction, new Rng(seedFor("downstream-split", s)))] as const));
  return {
    main: make("digits 5-9", down),
    shifted: make(`digits 5-9, ${P.shift}`, mapImages(down, shiftFn)),
    corrupted: P.corruptions.map((c, i) => make(JSON.stringify(c), corrupt(down, c, new Rng(seedFor("corruption", i))))),
    splits,
  };
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

/**
 * Builds a method on top of the pretrained backbone. `cached` (LP and MP only) makes the head read
 * stored features; otherwise the frozen backbone runs on the patches at every step (the paper's
 * protocol in Fig. Train_cost). MP+ adds PSRP to every block and trains PSRP + MP head; FT trains
 * everything with an LP head.
 */
export function buildMethod(method: Method, pre: Pretrained, P: VitParams, seed: number, cached = true): BuiltMethod {
  const K = P.downstreamClasses.length;
  const rng = new Rng(seed);
  const D = P.backbone.dim;
  const head: ProbeLayer & { forward(x: tf.Tensor3D): tf.Tensor2D } =
    method === "FT"
      ? new LinearProbe({ inDim: D, numClasses: K, seed: rng.nextSeed() })
      : new MomentProbe({ inDim: D, numClasses: K, mhc3: P.mp, firstOrder: "cls", secondOrder: method !== "LP", seed: rng.nextSeed() });
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
      forward: (b) => head.forward(tf.tidy(() => pre.vit.forward(b as tf.Tensor3D))),
      vars: headVars,
      noDecay: head.noDecayVariables(),
      input: patchInput,
      dispose: () => head.dispose(),
    };
  }
  const vit = makeBackbone(P.backbone, method === "MP+" ? P.psrpBottleneck : 0, rng.nextSeed());
  vit.loadBackbone(pre.vit);
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
 * Trains one method on the rows `trainIdx` of `task` and returns the accuracy on the rows `testIdx`
 * of each evaluation task (same images, possibly shifted or corrupted).
 */
export function runMethod(method: Method, pre: Pretrained, P: VitParams, task: Downstream, trainIdx: number[], evalTasks: Downstream[], testIdx: number[], recipe: TrainConfig, seed: number): number[] {
  const built = buildMethod(method, pre, P, seed);
  const rng = new Rng(seedFor("shuffle", seed));
  const train = built.input(task, trainIdx);
  try {
    trainClassifier({ ...recipe, vars: built.vars, noDecay: built.noDecay, forward: built.forward, x: train.x, y: train.y, rng });
    return evalTasks.map((e) => {
      const te = built.input(e, testIdx);
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

/** One timed configuration: a method, and whether LP/MP read cached features. */
export interface TimedMethod {
  method: Method;
  cached: boolean;
}

/**
 * Wall-clock milliseconds of one training epoch for each configuration: every method is built and
 * warmed up once, then the rounds run the methods in turn (so a burst of load on the shared
 * machine hits all of them alike), and the median over rounds is kept.
 */
export function timeEpochs(configs: TimedMethod[], pre: Pretrained, P: VitParams, task: Downstream, trainIdx: number[], rounds: number, seed: number): number[] {
  const built = configs.map((c, i) => buildMethod(c.method, pre, P, seed + i, c.cached));
  const inputs = built.map((b) => b.input(task, trainIdx));
  const times: number[][] = configs.map(() => []);
  const epoch = (i: number, r: number) => {
    const b = built[i]!;
    trainClassifier({ ...P.recipe, epochs: 1, minSteps: undefined, vars: b.vars, noDecay: b.noDecay, forward: b.forward, x: inputs[i]!.x, y: inputs[i]!.y, rng: new Rng(seed + r) });
  };
  try {
    configs.forEach((_, i) => epoch(i, 0));
    for (let r = 1; r <= rounds; r++) {
      configs.forEach((_, i) => {
        const t0 = performance.now();
        epoch(i, r);
        times[i]!.push(performance.now() - t0);
      });
    }
  } finally {
    inputs.forEach((x) => x.x.dispose());
    built.forEach((b) => b.dispose());
  }
  return times.map((t) => {
    const s = [...t].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  });
}

export interface FullDataResult {
  /** method -> per-seed accuracy on the clean main task. */
  clean: Record<Method, number[]>;
  /** method -> per-seed accuracy on the shifted task (trained on it). */
  shifted: Record<Method, number[]>;
  /** method -> corruption index -> per-seed accuracy (trained on clean main). */
  corrupted: Record<Method, number[][]>;
}

const emptyByMethod = <T>(f: () => T): Record<Method, T> => ({ LP: f(), MP: f(), "MP+": f(), FT: f() });

export function runFullData(pre: Pretrained, data: DownstreamData, P: VitParams, onProgress?: (done: number, total: number) => void): FullDataResult {
  const out: FullDataResult = { clean: emptyByMethod(() => []), shifted: emptyByMethod(() => []), corrupted: emptyByMethod(() => P.corruptions.map(() => [])) };
  const total = P.seeds.length * METHODS.length;
  let done = 0;
  for (const seed of P.seeds) {
    const split = data.splits.get(seed)!;
    for (const m of METHODS) {
      const acc = runMethod(m, pre, P, data.main, split.train, [data.main, ...data.corrupted], split.test, P.recipe, seedFor("full", m, seed));
      out.clean[m].push(acc[0]!);
      acc.slice(1).forEach((a, i) => out.corrupted[m][i]!.push(a));
      out.shifted[m].push(runMethod(m, pre, P, data.shifted, split.train, [data.shifted], split.test, P.recipe, seedFor("shifted", m, seed))[0]!);
      onProgress?.(++done, total);
    }
  }
  return out;
}

/** method -> shots -> per-seed accuracy. */
export type FewShotResult = Record<Method, Record<number, number[]>>;

export function runFewShot(pre: Pretrained, data: DownstreamData, P: VitParams, onProgress?: (done: number, total: number) => void): FewShotResult {
  const out = emptyByMethod(() => Object.fromEntries(P.shots.map((k) => [k, [] as number[]])) as Record<number, number[]>);
  const total = P.seeds.length * P.shots.length;
  let done = 0;
  for (const seed of P.seeds) {
    const split = data.splits.get(seed)!;
    const yTrain = split.train.map((i) => data.main.patches.y[i]!);
    for (const k of P.shots) {
      const pick = kShotSplit(yTrain, k, new Rng(seedFor("few-shot", k, seed))).train.map((j) => split.train[j]!);
      for (const m of METHODS) {
        out[m][k]!.push(runMethod(m, pre, P, data.main, pick, [data.main], split.test, P.fewShotRecipe, seedFor("few", m, k, seed))[0]!);
      }
      onProgress?.(++done, total);
    }
  }
  return out;
}
