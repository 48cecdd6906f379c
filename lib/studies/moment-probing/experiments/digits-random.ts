/**
 * Sections D1-D3 (notes §6.3): digits with random-feature backbones. 2×2 patches → a random linear
 * embedding plus random positional terms, then identity / tanh / ReLU. Per seed and k: k training
 * images per class, `valPerClass` validation images per class, every other image for testing.
 * Fixed-feature reference probes (full covariance, MHC³-rand, mean + cov) use the notes'
 * sklearn-like ridge (1/n, i.e. C = 1); LP (a converged probe on the mean token) and the learned MP
 * head have their ridge / learning rate chosen on the validation images of the selection seed
 * (notes §9). All methods share the seed's embedding and split: differences are paired by seed.
 */
import { Rng } from "../../../core/rng";
import { kShotSplit } from "../../../core/splits";
import { patchify, randomFeatureTokens, type Activation, type Images } from "../../../topics/moments/digits";
import {
  concatFeatures,
  meanFeatures,
  mhc3Features,
  secondMomentFeatures,
  selectRows,
  type FeatureMatrix,
} from "../../../topics/moments/features";
import { selectTokens, trainHead, type HeadVariant, type TokenData } from "../../../topics/moments/head-runs";
import { fitProbe } from "../../../topics/moments/linear";
import { seedFor } from "../../../topics/moments/seeds";
import { samplePerClass, selectByValidation } from "../../../topics/moments/selection";
import type { TrainConfig } from "../../../topics/moments/train";
import type { SelectionRow } from "./synthetic";
import { withMomentKernel } from "../kernel";

export interface DigitsRandomParams {
  activations: Activation[];
  ks: number[];
  /** k values at which the learned MP head is trained (it is the costly part). */
  learnedKs: number[];
  seeds: number[];
  /** The step budget of the learned head. */
  recipe: Omit<TrainConfig, "lr">;
  lrs: number[];
  lpRidges: number[];
  /** Validation images per class (outside the k-shot picks and outside the test set). */
  valPerClass: number;
  selectionSeed: number;
  mpHidden: number;
  mpHeads: number;
  randHidden: number;
}

export type DigitsMethod = "lp" | "fullcov" | "mhc3rand" | "meancov" | "mp";
export const DIGITS_METHODS: readonly DigitsMethod[] = ["lp", "fullcov", "mhc3rand", "meancov", "mp"];

export const DIGITS_LABELS: Record<DigitsMethod, string> = {
  lp: "LP (mean token, converged)",
  fullcov: "full covariance",
  mhc3rand: "MHC³-rand",
  meancov: "mean + cov",
  mp: "MP (learned)",
};

/** One evaluated (activation, k, method, seed). */
export interface DigitsRow {
  [key: string]: string | number | boolean | null;
  activation: Activation;
  k: number;
  method: DigitsMethod;
  seed: number;
  acc: number;
  nTest: number;
  lr: number | null;
  ridge: number | null;
  iterations: number | null;
  converged: boolean | null;
}

export interface DigitsRandomResult {
  rows: DigitsRow[];
  selections: SelectionRow[];
}

const K = 10;

interface SeedSplit {
  train: number[];
  val: number[];
  test: number[];
}

function splitFor(y: Int32Array, k: number, valPerClass: number, seed: number): SeedSplit {
  const rng = new Rng(seedFor("digits-split", k, seed));
  const shot = kShotSplit(rng, { y, k });
  const rest = Array.from(shot.test);
  const val = samplePerClass({ y, pool: rest, perClass: valPerClass, rng });
  const inVal = new Set(val);
  return { train: Array.from(shot.train), val, test: rest.filter((i) => !inVal.has(i)) };
}

/** Runs every (activation, k, method) over the seeds. */
export function runDigitsRandom(
  images: Images,
  P: DigitsRandomParams,
  onProgress?: (done: number, total: number) => void,
): DigitsRandomResult {
  const patches = patchify(images);
  const rows: DigitsRow[] = [];
  const selections: SelectionRow[] = [];
  const chosen = new Map<string, number>();
  const variant: HeadVariant = {
    firstOrder: "mean",
    secondOrder: true,
    mhc3: withMomentKernel({ hiddenDim: P.mpHidden, numHeads: P.mpHeads }),
    hasClsToken: false,
  };
  const embed = (act: Activation, seed: number) => {
    const x = randomFeatureTokens(patches, images.nSamples, act, new Rng(seedFor("digits-embed", act, seed)));
    const t = { x, n: images.nSamples, N: 16, d: 16 };
    return { t, all: { x, y: images.y, n: images.nSamples, T: 16, d: 16 } as TokenData };
  };
  const fit = (f: FeatureMatrix, train: number[], test: number[], l2: number) => {
    const a = selectRows(f, train);
    const b = selectRows(f, test);
    return fitProbe({
      train: { X: a.X, n: a.n, y: train.map((i) => images.y[i]!) },
      test: { X: b.X, n: b.n, y: test.map((i) => images.y[i]!) },
      F: f.F,
      K,
      opts: { l2 },
    });
  };
  // choices on the selection seed's validation images, once per (activation, k)
  const choose = (act: Activation, k: number, what: "ridge" | "lr"): number => {
    const key = `${act}|${k}|${what}`;
    const hit = chosen.get(key);
    if (hit !== undefined) return hit;
    const { t, all } = embed(act, P.selectionSeed);
    const s = splitFor(images.y, k, P.valPerClass, P.selectionSeed);
    const sel =
      what === "ridge"
        ? selectByValidation({ candidates: P.lpRidges, score: (l2) => fit(meanFeatures(t), s.train, s.val, l2).acc })
        : selectByValidation({
            candidates: P.lrs,
            score: (lr) =>
              trainHead(
                variant,
                K,
                selectTokens(all, s.train),
                [selectTokens(all, s.val)],
                { ...P.recipe, lr },
                seedFor("digits-head-selection", act, k),
              ).acc[0]!,
          });
    sel.scores.forEach((x) =>
      selections.push({
        setting: `${act} k=${k}`,
        method: what === "ridge" ? "lp" : "mp",
        hyperparameter: what,
        candidate: x.candidate,
        valAcc: x.score,
        chosen: sel.best,
      }),
    );
    chosen.set(key, sel.best);
    return sel.best;
  };
  const total = P.activations.length * P.seeds.length;
  let done = 0;
  for (const act of P.activations) {
    for (const seed of P.seeds) {
      const { t, all } = embed(act, seed);
      const feats: Record<Exclude<DigitsMethod, "mp">, FeatureMatrix> = {
        lp: meanFeatures(t),
        fullcov: secondMomentFeatures(t, "channel"),
        mhc3rand: mhc3Features(
          t,
          withMomentKernel({ hiddenDim: P.randHidden, numHeads: 4, reduction: "none", proj: "frozen" } as const),
          seedFor("digits-mhc3-rand", act, seed),
        ),
        meancov: concatFeatures(meanFeatures(t), secondMomentFeatures(t, "channel")),
      };
      for (const k of P.ks) {
        const s = splitFor(images.y, k, P.valPerClass, seed);
        const base = { activation: act, k, seed, nTest: s.test.length };
        for (const m of ["lp", "fullcov", "mhc3rand", "meancov"] as const) {
          const ridge = m === "lp" ? choose(act, k, "ridge") : 1 / s.train.length;
          const r = fit(feats[m], s.train, s.test, ridge);
          rows.push({ ...base, method: m, acc: r.acc, lr: null, ridge, iterations: r.iterations, converged: r.converged });
        }
        if (P.learnedKs.includes(k)) {
          const lr = choose(act, k, "lr");
          const r = trainHead(
            variant,
            K,
            selectTokens(all, s.train),
            [selectTokens(all, s.test)],
            { ...P.recipe, lr },
            seedFor("digits-head", act, k, seed),
          );
          rows.push({ ...base, method: "mp", acc: r.acc[0]!, lr, ridge: null, iterations: null, converged: null });
        }
      }
      onProgress?.(++done, total);
    }
  }
  return { rows, selections };
}

/** Per-seed accuracies for (activation, k, method), in seed order; throws when it was not run. */
export function digitsValues(rows: readonly DigitsRow[], activation: Activation, k: number, method: DigitsMethod): number[] {
  const r = rows.filter((x) => x.activation === activation && x.k === k && x.method === method).sort((a, b) => a.seed - b.seed);
  if (r.length === 0) throw new Error(`no digits result for ${activation}, k=${k}, ${method}`);
  return r.map((x) => x.acc);
}
