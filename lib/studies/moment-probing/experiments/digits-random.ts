/**
 * Digits with random-feature backbones (notes §6.3, checks D1-D3): 2×2 patches → a random linear
 * embedding plus random positional terms, then identity / tanh / ReLU; k training images per class,
 * the rest for testing. Fixed-feature probes (mean token = LP, full covariance, MHC³-rand, mean+cov)
 * with sklearn-like regularisation (l2 = 1/n, i.e. C = 1) and a learned MP head.
 */
import { Rng } from "../../../core/rng";
import { kShotSplit, patchify, randomFeatureTokens, type Activation, type Images } from "../../../topics/moments/digits";
import { concatFeatures, meanFeatures, mhc3Features, secondMomentFeatures, selectRows, type FeatureMatrix } from "../../../topics/moments/features";
import { probeAccuracy } from "../../../topics/moments/linear";
import { selectTokens, trainHead, type HeadVariant } from "../../../topics/moments/head-runs";
import { summarize, type MeanSd } from "../../../core/stats";
import { seedFor } from "../../../topics/moments/seeds";
import type { TrainConfig } from "../../../topics/moments/train";

export interface DigitsRandomParams {
  activations: Activation[];
  ks: number[];
  /** k values at which the learned MP head is trained (it is the costly part). */
  learnedKs: number[];
  seeds: number[];
  recipe: TrainConfig;
  mpHidden: number;
  mpHeads: number;
  randHidden: number;
}

export type DigitsMethod = "lp" | "fullcov" | "mhc3rand" | "meancov" | "mp";

export const DIGITS_LABELS: Record<DigitsMethod, string> = {
  lp: "LP (mean token)",
  fullcov: "full covariance",
  mhc3rand: "MHC³-rand",
  meancov: "mean + cov",
  mp: "MP (learned)",
};

export interface DigitsRow {
  activation: Activation;
  k: number;
  method: DigitsMethod;
  acc: MeanSd;
}

/** Runs every (activation, k, method) over the seeds. */
export function runDigitsRandom(images: Images, P: DigitsRandomParams, onProgress?: (done: number, total: number) => void): DigitsRow[] {
  const K = 10;
  const patches = patchify(images);
  const per = new Map<string, number[]>();
  const push = (a: Activation, k: number, m: DigitsMethod, v: number) => {
    const key = `${a}|${k}|${m}`;
    per.set(key, [...(per.get(key) ?? []), v]);
  };
  const total = P.activations.length * P.seeds.length;
  let done = 0;
  for (const act of P.activations) {
    for (const seed of P.seeds) {
      const tokens = randomFeatureTokens(patches, images.n, act, new Rng(seedFor("digits-embed", act, seed)));
      const t = { x: tokens, n: images.n, N: 16, d: 16 };
      const feats: Record<Exclude<DigitsMethod, "mp">, FeatureMatrix> = {
        lp: meanFeatures(t),
        fullcov: secondMomentFeatures(t, "channel"),
        mhc3rand: mhc3Features(t, { hiddenDim: P.randHidden, numHeads: 4, reduction: "none", proj: "frozen" }, seedFor("digits-mhc3-rand", act, seed)),
        meancov: concatFeatures(meanFeatures(t), secondMomentFeatures(t, "channel")),
      };
      for (const k of P.ks) {
        const split = kShotSplit(images.y, k, new Rng(seedFor("digits-split", k, seed)));
        const ytr = split.train.map((i) => images.y[i]!);
        const yte = split.test.map((i) => images.y[i]!);
        for (const m of ["lp", "fullcov", "mhc3rand", "meancov"] as const) {
          const a = selectRows(feats[m], split.train);
          const b = selectRows(feats[m], split.test);
          push(act, k, m, probeAccuracy({ X: a.X, n: a.n, y: ytr }, { X: b.X, n: b.n, y: yte }, a.F, K, { l2: 1 / a.n }));
        }
        if (P.learnedKs.includes(k)) {
          const all = { x: tokens, y: images.y, n: images.n, T: 16, d: 16 };
          const variant: HeadVariant = { firstOrder: "mean", secondOrder: true, mhc3: { hiddenDim: P.mpHidden, numHeads: P.mpHeads }, hasClsToken: false };
          const r = trainHead(variant, K, selectTokens(all, split.train), [selectTokens(all, split.test)], P.recipe, seedFor("digits-head", act, k, seed));
          push(act, k, "mp", r.acc[0]!);
        }
      }
      onProgress?.(++done, total);
    }
  }
  const rows: DigitsRow[] = [];
  for (const [key, values] of per) {
    const [a, k, m] = key.split("|");
    rows.push({ activation: a as Activation, k: Number(k), method: m as DigitsMethod, acc: summarize(values) });
  }
  return rows;
}

/** The row for (activation, k, method); throws when it was not run. */
export function digitsCell(rows: DigitsRow[], activation: Activation, k: number, method: DigitsMethod): MeanSd {
  const r = rows.find((x) => x.activation === activation && x.k === k && x.method === method);
  if (!r) throw new Error(`no digits result for ${activation}, k=${k}, ${method}`);
  return r.acc;
}
