/**
 * The digits checks of notes §6.3 and §10 items 9-14: heads on raw pixels (zero-centred and
 * official U(0,1) init), heads on a frozen random ReLU encoder, and heads on a trained MLP
 * encoder; α/β after training, salience, and the learned prototypes and features as images.
 */
import { progress } from "../core/progress";
import { BatchedClassifier, type ClassifierSpec, type Examples, type HeadSpec, type TrainOptions } from "./classifier";
import type { DigitsSplit } from "./digits";
import { spearman } from "./stats";

/** Training settings and seeds of the digits experiments. */
export interface DigitsSpec extends TrainOptions {
  /** Seeds of the 3-seed comparisons (items 9, 10). */
  seedsFew: readonly number[];
  /** Seeds of the ≥ 5-seed comparisons (items 11, 12, 14). */
  seedsMany: readonly number[];
}

/** One head configuration trained over several seeds. */
export interface HeadResult {
  setting: string;
  head: string;
  params: { total: number; trainable: number };
  acc: number[];
  /** θ, α, β per seed (Tversky heads). */
  scalars?: { theta: number; alpha: number; beta: number }[];
}

/** Everything the notebook's digits claims and figures need. */
export interface DigitsResults {
  raw: { linear: HeadResult; tversky: HeadResult; tverskyU01: HeadResult };
  /** Notes §4: U(0,1) head on raw pixels, per seed. */
  mechanism: { minDotInit: number[]; alphaGradInit: number[]; alphaAfter: number[]; alphaAfterSymmetric: number[] };
  frozen: { linear: HeadResult; tversky: HeadResult; mlp: HeadResult };
  mlp: { linear: HeadResult; ignorematch: HeadResult; substractmatch: HeadResult };
  /** Spearman(salience, true-class margin) on the test set, per seed. */
  salienceSpearman: { raw: number[]; mlp: number[] };
  /** Images (8×8, row-major) of the first raw-pixel seed: Tversky prototypes and bank, linear Wᵀ rows. */
  images: { prototypes: number[][]; bank: number[][]; linear: number[][] };
  /** Per class: test rows with the lowest and highest salience (MLP-encoder Tversky head, first seed). */
  salienceExamples: { cls: number; lowest: { pixels: number[]; salience: number }[]; highest: { pixels: number[]; salience: number }[] }[];
}

const sym = (K: number, extra: Partial<HeadSpec> = {}): HeadSpec => ({ kind: "tversky", K, init: "symmetric", ...extra }) as HeadSpec;

/** Runs every digits configuration; about 40 training runs at full scale. */
export function digitsExperiments(split: DigitsSplit, spec: DigitsSpec, options: { quiet?: boolean; perClass?: number } = {}): DigitsResults {
  const train: TrainOptions = { epochs: spec.epochs, batchSize: spec.batchSize, lr: spec.lr };
  const bar = progress("digits configurations", 9, { steps: 9, quiet: options.quiet });
  let done = 0;
  const base = { inputDim: 64, classes: 10 };
  /** Trains one configuration; `hooks.before` sees the initial state, `hooks.after` the trained one. */
  const run = (setting: string, head: string, cs: ClassifierSpec, seeds: readonly number[], hooks: { before?: (m: BatchedClassifier) => void; after?: (m: BatchedClassifier) => void } = {}): HeadResult => {
    const m = new BatchedClassifier(cs, seeds);
    try {
      hooks.before?.(m);
      m.fit(split.train, train);
      const out: HeadResult = { setting, head, params: m.paramCounts(), acc: m.accuracy(split.test) };
      if (cs.head.kind === "tversky") out.scalars = m.scalars();
      hooks.after?.(m);
      bar.update(++done, `${setting} / ${head}`);
      return out;
    } finally {
      m.dispose();
    }
  };

  // raw pixels (items 9, 10) ---------------------------------------------------------------
  let linearImages: number[][] = [];
  const rawLinear = run("raw pixels", "linear", { ...base, encoder: [], head: { kind: "linear" } }, spec.seedsFew, {
    after: (m) => (linearImages = rows(m.linearPrototypes(0), 64)),
  });
  let images = { prototypes: [] as number[][], bank: [] as number[][] };
  let rawSpearman: number[] = [];
  const mechanism = { minDotInit: [] as number[], alphaGradInit: [] as number[], alphaAfter: [] as number[], alphaAfterSymmetric: [] as number[] };
  const rawTversky = run("raw pixels", "Tversky K=16 ignorematch, U(±√(3/d))", { ...base, encoder: [], head: sym(16) }, spec.seedsFew, {
    after: (m) => {
      const w = m.tverskyWeights(0);
      images = { prototypes: rows(w.prototypes, 64), bank: rows(w.bank, 64) };
      rawSpearman = salienceMarginSpearman(m, split.test);
      mechanism.alphaAfterSymmetric = m.scalars().map((s) => s.alpha);
    },
  });
  const u01Spec: ClassifierSpec = { ...base, encoder: [], head: { kind: "tversky", K: 16, init: "uniform" } };
  const rawU01 = run("raw pixels", "Tversky K=16 ignorematch, U(0,1) official", u01Spec, spec.seedsFew, {
    before: (m) => {
      mechanism.minDotInit = m.minPrototypeFeatureDot();
      mechanism.alphaGradInit = m.scalarGradients(split.train).map((g) => g.alpha);
    },
    after: (m) => (mechanism.alphaAfter = m.scalars().map((s) => s.alpha)),
  });

  // frozen random ReLU encoder 64 → 16 (item 11) ----------------------------------------------
  const frozen = { ...base, encoder: [16], frozenEncoder: true };
  const frozenLinear = run("frozen encoder 64→16", "linear", { ...frozen, head: { kind: "linear" } }, spec.seedsMany);
  const frozenTversky = run("frozen encoder 64→16", "Tversky K=64 ignorematch", { ...frozen, head: sym(64) }, spec.seedsMany);
  const frozenMlp = run("frozen encoder 64→16", "MLP 16→44→10 (parameter-matched)", { ...frozen, head: { kind: "mlp", hidden: 44 } }, spec.seedsMany);

  // trained MLP encoder 64 → 32 (items 12, 13, 14) ----------------------------------------------
  const mlp = { ...base, encoder: [32] };
  const mlpLinear = run("MLP encoder 64→32", "linear", { ...mlp, head: { kind: "linear" } }, spec.seedsMany);
  let mlpSpearman: number[] = [];
  let salienceExamples: DigitsResults["salienceExamples"] = [];
  const mlpIgn = run("MLP encoder 64→32", "Tversky K=32 ignorematch", { ...mlp, head: sym(32) }, spec.seedsMany, {
    after: (m) => {
      mlpSpearman = salienceMarginSpearman(m, split.test);
      salienceExamples = salienceSorted(m, split.test, options.perClass ?? 5);
    },
  });
  const mlpSub = run("MLP encoder 64→32", "Tversky K=32 substractmatch", { ...mlp, head: sym(32, { difference: "substractmatch" }) }, spec.seedsMany);

  return {
    raw: { linear: rawLinear, tversky: rawTversky, tverskyU01: rawU01 },
    mechanism,
    frozen: { linear: frozenLinear, tversky: frozenTversky, mlp: frozenMlp },
    mlp: { linear: mlpLinear, ignorematch: mlpIgn, substractmatch: mlpSub },
    salienceSpearman: { raw: rawSpearman, mlp: mlpSpearman },
    images: { ...images, linear: linearImages },
    salienceExamples,
  };
}

function rows(a: Float32Array, width: number): number[][] {
  return Array.from({ length: a.length / width }, (_, i) => Array.from(a.subarray(i * width, (i + 1) * width)));
}

/** Spearman correlation of salience f(A) with the true-class margin, per run (notes §10 item 13). */
export function salienceMarginSpearman(m: BatchedClassifier, test: Examples): number[] {
  const sal = m.salience(test.X, test.n);
  const logits = m.predict(test.X, test.n);
  const C = m.spec.classes;
  return sal.map((s, r) => {
    const L = logits[r]!;
    const margin = Array.from(test.y, (y, i) => {
      let other = -Infinity;
      for (let c = 0; c < C; c++) if (c !== y) other = Math.max(other, L[i * C + c]!);
      return L[i * C + y]! - other;
    });
    return spearman(s, margin);
  });
}

/** Per class, the `k` test examples with the lowest and highest salience (run 0). */
function salienceSorted(m: BatchedClassifier, test: Examples, k: number): DigitsResults["salienceExamples"] {
  const s = m.salience(test.X, test.n)[0]!;
  const D = m.spec.inputDim;
  const out: DigitsResults["salienceExamples"] = [];
  for (let cls = 0; cls < m.spec.classes; cls++) {
    const idx = Array.from(test.y.keys()).filter((i) => test.y[i] === cls).sort((a, b) => s[a]! - s[b]! || a - b);
    const pick = (is: number[]) => is.map((i) => ({ pixels: Array.from(test.X.subarray(i * D, (i + 1) * D)), salience: s[i]! }));
    out.push({ cls, lowest: pick(idx.slice(0, k)), highest: pick(idx.slice(-k)) });
  }
  return out;
}
