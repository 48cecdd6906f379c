/**
 * Section "9-14: digits (8×8)" (notes §6.3, §10 items 9-14): heads on raw pixels (zero-centred and
 * official U(0,1) init), heads on a frozen random ReLU encoder, and heads on a trained MLP
 * encoder; α/β after training, salience against the true-class margin with the ‖enc(x)‖
 * baseline, and the learned prototypes and features as images.
 */
import { progress } from "../../../core/progress";
import { spearman } from "../../../core/stats";
import { BatchedClassifier, type ClassifierSpec, type Examples, type HeadSpec, type TrainOptions } from "../../../topics/tversky/index";
import type { DigitsSplit } from "../data";
import { DIGITS_ENGINE, withKernel } from "../kernel";

/** Training settings and seeds of the digits experiments (every configuration uses all seeds). */
export interface DigitsSpec extends TrainOptions {
  seeds: readonly number[];
}

/** One head configuration trained over several seeds. */
export interface HeadResult {
  setting: string;
  head: string;
  params: { total: number; trainable: number };
  /** Test accuracy per seed, in the order of the seeds (paired across heads of one setting). */
  acc: number[];
  /** θ, α, β per seed (Tversky heads). */
  scalars?: { theta: number; alpha: number; beta: number }[];
}

/**
 * Per seed, rank correlations on the test set between salience f(A), the true-class margin and
 * ‖enc(x)‖, and the partial rank correlation of salience with the margin given ‖enc(x)‖ (notes
 * §10 item 13; salience grows with ‖enc(x)‖, and so may the margin).
 */
export interface SalienceStats {
  /** Spearman(salience, margin). */
  salienceMargin: number[];
  /** Spearman(‖enc(x)‖, margin): the baseline. */
  normMargin: number[];
  /** Spearman(salience, ‖enc(x)‖). */
  salienceNorm: number[];
  /** Partial Spearman of salience and margin controlling for ‖enc(x)‖. */
  partial: number[];
}

/** Everything the section's claims and figures need. */
export interface DigitsResults {
  raw: { linear: HeadResult; tversky: HeadResult; tverskyU01: HeadResult };
  /** Notes §4: U(0,1) head on raw pixels, per seed. */
  mechanism: { minDotInit: number[]; alphaGradInit: number[]; alphaAfter: number[]; alphaAfterSymmetric: number[] };
  frozen: { linear: HeadResult; tversky: HeadResult; mlp: HeadResult };
  mlp: { linear: HeadResult; ignorematch: HeadResult; substractmatch: HeadResult };
  salience: { raw: SalienceStats; mlp: SalienceStats };
  /** Images (8×8, row-major) of the first raw-pixel seed: Tversky prototypes and bank, linear Wᵀ rows. */
  images: { prototypes: number[][]; bank: number[][]; linear: number[][] };
  /** Per class: test rows with the lowest and highest salience (MLP-encoder Tversky head, first seed). */
  salienceExamples: { cls: number; lowest: { pixels: number[]; salience: number }[]; highest: { pixels: number[]; salience: number }[] }[];
}

const sym = (K: number, extra: Partial<HeadSpec> = {}): HeadSpec => ({ kind: "tversky", K, init: "symmetric", ...extra }) as HeadSpec;

/** Runs every digits configuration (9 configurations × all seeds, seeds of one configuration batched). */
export function runDigits(split: DigitsSplit, spec: DigitsSpec, options: { quiet?: boolean; perClass?: number } = {}): DigitsResults {
  const train: TrainOptions = { epochs: spec.epochs, batchSize: spec.batchSize, lr: spec.lr, engine: DIGITS_ENGINE };
  const bar = progress("digits configurations", 9, { steps: 9, quiet: options.quiet });
  let done = 0;
  const base = { inputDim: 64, classes: 10 };
  const seeds = spec.seeds;
  /** Trains one configuration; `hooks.before` sees the initial state, `hooks.after` the trained one. */
  const run = (
    setting: string,
    head: string,
    cs: ClassifierSpec,
    hooks: { before?: (m: BatchedClassifier) => void; after?: (m: BatchedClassifier) => void } = {},
  ): HeadResult => {
    const m = new BatchedClassifier(withKernel(cs), seeds);
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
  const rawLinear = run(
    "raw pixels",
    "linear",
    { ...base, encoder: [], head: { kind: "linear" } },
    {
      after: (m) => (linearImages = rows(m.linearPrototypes(0), 64)),
    },
  );
  let images = { prototypes: [] as number[][], bank: [] as number[][] };
  let rawSalience: SalienceStats | undefined;
  const mechanism = {
    minDotInit: [] as number[],
    alphaGradInit: [] as number[],
    alphaAfter: [] as number[],
    alphaAfterSymmetric: [] as number[],
  };
  const rawTversky = run(
    "raw pixels",
    "Tversky K=16 ignorematch, U(±√(3/d))",
    { ...base, encoder: [], head: sym(16) },
    {
      after: (m) => {
        const w = m.tverskyWeights(0);
        images = { prototypes: rows(w.prototypes, 64), bank: rows(w.bank, 64) };
        rawSalience = salienceStats(m, split.test);
        mechanism.alphaAfterSymmetric = m.scalars().map((s) => s.alpha);
      },
    },
  );
  const u01Spec: ClassifierSpec = { ...base, encoder: [], head: { kind: "tversky", K: 16, init: "uniform" } };
  const rawU01 = run("raw pixels", "Tversky K=16 ignorematch, U(0,1) official", u01Spec, {
    before: (m) => {
      mechanism.minDotInit = m.minPrototypeFeatureDot();
      mechanism.alphaGradInit = m.scalarGradients(split.train).map((g) => g.alpha);
    },
    after: (m) => (mechanism.alphaAfter = m.scalars().map((s) => s.alpha)),
  });

  // frozen random ReLU encoder 64 → 16 (item 11) ----------------------------------------------
  const frozen = { ...base, encoder: [16], frozenEncoder: true };
  const frozenLinear = run("frozen encoder 64→16", "linear", { ...frozen, head: { kind: "linear" } });
  const frozenTversky = run("frozen encoder 64→16", "Tversky K=64 ignorematch", { ...frozen, head: sym(64) });
  const frozenMlp = run("frozen encoder 64→16", "MLP 16→44→10 (parameter-matched)", { ...frozen, head: { kind: "mlp", hidden: 44 } });

  // trained MLP encoder 64 → 32 (items 12, 13, 14) ----------------------------------------------
  const mlp = { ...base, encoder: [32] };
  const mlpLinear = run("MLP encoder 64→32", "linear", { ...mlp, head: { kind: "linear" } });
  let mlpSalience: SalienceStats | undefined;
  let salienceExamples: DigitsResults["salienceExamples"] = [];
  const mlpIgn = run(
    "MLP encoder 64→32",
    "Tversky K=32 ignorematch",
    { ...mlp, head: sym(32) },
    {
      after: (m) => {
        mlpSalience = salienceStats(m, split.test);
        salienceExamples = salienceSorted(m, split.test, options.perClass ?? 5);
      },
    },
  );
  const mlpSub = run("MLP encoder 64→32", "Tversky K=32 substractmatch", { ...mlp, head: sym(32, { difference: "substractmatch" }) });

  return {
    raw: { linear: rawLinear, tversky: rawTversky, tverskyU01: rawU01 },
    mechanism,
    frozen: { linear: frozenLinear, tversky: frozenTversky, mlp: frozenMlp },
    mlp: { linear: mlpLinear, ignorematch: mlpIgn, substractmatch: mlpSub },
    salience: { raw: rawSalience!, mlp: mlpSalience! },
    images: { ...images, linear: linearImages },
    salienceExamples,
  };
}

function rows(a: Float32Array, width: number): number[][] {
  return Array.from({ length: a.length / width }, (_, i) => Array.from(a.subarray(i * width, (i + 1) * width)));
}

/** True-class margin L_y − max_{c≠y} L_c per example. */
export function trueClassMargin(logits: Float32Array, y: Int32Array, classes: number): number[] {
  return Array.from(y, (label, i) => {
    let other = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) if (c !== label) other = Math.max(other, logits[i * classes + c]!);
    return logits[i * classes + label]! - other;
  });
}

/**
 * Partial correlation of a and b given c from the three pairwise correlations:
 * (r_ab − r_ac r_bc) / √((1 − r_ac²)(1 − r_bc²)). On Spearman correlations it is the partial rank
 * correlation (Pearson partial on ranks).
 */
export function partialCorrelation(r: { ab: number; ac: number; bc: number }): number {
  return (r.ab - r.ac * r.bc) / Math.sqrt((1 - r.ac * r.ac) * (1 - r.bc * r.bc));
}

/** Salience, margin and ‖enc(x)‖ rank statistics per run on `test` (notes §10 item 13). */
export function salienceStats(m: BatchedClassifier, test: Examples): SalienceStats {
  const sal = m.salience(test.X, test.nSamples);
  const norms = m.featureNorms(test.X, test.nSamples);
  const logits = m.predict(test.X, test.nSamples);
  const out: SalienceStats = { salienceMargin: [], normMargin: [], salienceNorm: [], partial: [] };
  sal.forEach((s, r) => {
    const margin = trueClassMargin(logits[r]!, test.y, m.spec.classes);
    const sm = spearman(s, margin),
      nm = spearman(norms[r]!, margin),
      sn = spearman(s, norms[r]!);
    out.salienceMargin.push(sm);
    out.normMargin.push(nm);
    out.salienceNorm.push(sn);
    out.partial.push(partialCorrelation({ ab: sm, ac: sn, bc: nm }));
  });
  return out;
}

/** Per class, the `k` test examples with the lowest and highest salience (run 0). */
function salienceSorted(m: BatchedClassifier, test: Examples, k: number): DigitsResults["salienceExamples"] {
  const s = m.salience(test.X, test.nSamples)[0]!;
  const D = m.spec.inputDim;
  const out: DigitsResults["salienceExamples"] = [];
  for (let cls = 0; cls < m.spec.classes; cls++) {
    const idx = Array.from(test.y.keys())
      .filter((i) => test.y[i] === cls)
      .sort((a, b) => s[a]! - s[b]! || a - b);
    const pick = (is: number[]) => is.map((i) => ({ pixels: Array.from(test.X.subarray(i * D, (i + 1) * D)), salience: s[i]! }));
    out.push({ cls, lowest: pick(idx.slice(0, k)), highest: pick(idx.slice(-k)) });
  }
  return out;
}
