/**
 * Sections P1-P3 and P5 (notes §6.4): a tiny ViT is pretrained on digits 0-4, frozen, and
 * transferred to digits 5-9 (and to a shifted version of that task) by LP, MP (frozen features,
 * cached), MP+ (PSRP in every block + MP head, backbone frozen) and full fine-tuning; at full data,
 * under test-time corruptions, and few-shot.
 *
 * Protocol (notes §9): LP is a multinomial logistic regression on the class token solved to
 * convergence (L-BFGS), its ridge chosen on validation; MP, MP+ and FT share one step budget per
 * setting, each with its learning rate chosen on validation. Validation images come from the
 * training split of the selection seed (full data: a stratified fraction of it; few-shot: training
 * images outside the k-shot picks), never from the test split. All methods share the seed's split,
 * k-shot picks, initialisation seed and batch order, so differences are paired by seed.
 */
import { Rng } from "../../../core/rng";
import { kShotSplit, stratifiedSplit } from "../../../core/splits";
import {
  corrupt,
  invert,
  mapImages,
  rotate90,
  selectClasses,
  selectImages,
  type Corruption,
  type Images,
} from "../../../topics/moments/digits";
import { selectRows } from "../../../topics/moments/features";
import { fitSoftmaxRegression, linearAccuracy } from "../../../topics/moments/linear";
import type { MHC3Config } from "../../../topics/moments/mhc3";
import { seedFor } from "../../../topics/moments/seeds";
import { carveValidation, samplePerClass, selectByValidation } from "../../../topics/moments/selection";
import type { TrainConfig } from "../../../topics/moments/train";
import {
  cacheFeatures,
  classTokens,
  METHODS,
  pretrainBackbone,
  runMethod,
  toPatchSet,
  type BackboneParams,
  type Downstream,
  type Method,
  type MethodSpec,
  type Pretrained,
} from "../../../topics/moments/transfer";
import type { SelectionRow } from "./synthetic";
import { withMomentKernel } from "../kernel";

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
  /** Step budget at full data (MP, MP+, FT). */
  recipe: Omit<TrainConfig, "lr">;
  /** Step budget of the few-shot runs (MP, MP+, FT). */
  fewShotRecipe: Omit<TrainConfig, "lr">;
  /** Learning-rate grid of MP, MP+ and FT. */
  lrs: number[];
  /** Ridge grid of the converged LP. */
  lpRidges: number[];
  /** Full data: fraction of the selection seed's training split held out for validation. */
  valFraction: number;
  /** Few-shot: validation images per class from the training split outside the k-shot picks. */
  valPerClass: number;
  selectionSeed: number;
  mp: Omit<MHC3Config, "inDim">;
  psrpBottleneck: number;
  seeds: number[];
  shots: number[];
  corruptions: Corruption[];
}

/** Learned methods (their learning rate is chosen on validation); LP is the converged probe. */
export const LEARNED: readonly Method[] = ["MP", "MP+", "FT"];

export function methodSpec(pre: Pretrained, P: VitParams): MethodSpec {
  return {
    pre,
    backbone: P.backbone,
    numClasses: P.downstreamClasses.length,
    mp: withMomentKernel(P.mp),
    psrpBottleneck: P.psrpBottleneck,
  };
}

/** Stratified split with round(fraction·classSize) test images per class (the study's allocation since its first run). */
function perClassRound(y: ArrayLike<number>, testFraction: number, rng: Rng): { train: number[]; test: number[] } {
  const s = stratifiedSplit(rng, { y, testFraction, allocation: "per-class-round" });
  return { train: Array.from(s.train), test: Array.from(s.test) };
}

/** Pretrains the backbone on the upstream classes (a held-out fraction reports its accuracy). */
export function pretrainUpstream(images: Images, P: VitParams): Pretrained {
  const up = selectClasses(images, P.upstreamClasses);
  const split = perClassRound(up.y, P.upstreamTestFraction, new Rng(seedFor("upstream-split", P.backbone.seed)));
  return pretrainBackbone({
    backbone: P.backbone,
    numClasses: P.upstreamClasses.length,
    train: toPatchSet(selectImages(up, split.train)),
    test: toPatchSet(selectImages(up, split.test)),
    recipe: P.pretrain,
    rng: new Rng(seedFor("pretrain", P.backbone.seed)),
  });
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
  const seeds = [...new Set([P.selectionSeed, ...P.seeds])];
  const splits = new Map(
    seeds.map((s) => [s, perClassRound(down.y, P.downstreamTestFraction, new Rng(seedFor("downstream-split", s)))] as const),
  );
  return {
    main: make("digits 5-9", down),
    shifted: make(`digits 5-9, ${P.shift}`, mapImages(down, shiftFn)),
    corrupted: P.corruptions.map((c, i) => make(JSON.stringify(c), corrupt(down, c, new Rng(seedFor("corruption", i))))),
    splits,
  };
}

/** The converged LP: logistic regression on the class token of the cached features, fitted once. */
export function fitLinearProbe(o: {
  task: Downstream;
  trainIdx: readonly number[];
  evalTasks: Downstream[];
  testIdx: readonly number[];
  ridge: number;
  numClasses: number;
}): { acc: number[]; iterations: number; converged: boolean } {
  const tr = selectRows(classTokens(o.task.features), o.trainIdx);
  const model = fitSoftmaxRegression(
    tr.X,
    tr.n,
    tr.F,
    o.trainIdx.map((i) => o.task.features.y[i]!),
    o.numClasses,
    { l2: o.ridge },
  );
  const acc = o.evalTasks.map((e) => {
    const te = selectRows(classTokens(e.features), o.testIdx);
    return linearAccuracy(
      model,
      te.X,
      te.n,
      o.testIdx.map((i) => e.features.y[i]!),
    );
  });
  return { acc, iterations: model.iterations, converged: model.converged };
}

/** Chosen hyperparameters of one setting: LP's ridge and each learned method's learning rate. */
export interface Choices {
  ridge: number;
  lr: Record<string, number>;
}

/** Chooses LP's ridge and MP/MP+/FT learning rates on (fit, val) rows of `task`. */
export function chooseOnValidation(o: {
  setting: string;
  spec: MethodSpec;
  task: Downstream;
  fit: number[];
  val: number[];
  recipe: Omit<TrainConfig, "lr">;
  P: VitParams;
  log: SelectionRow[];
}): Choices {
  const K = o.spec.numClasses;
  const ridgeSel = selectByValidation({
    candidates: o.P.lpRidges,
    score: (ridge) => fitLinearProbe({ task: o.task, trainIdx: o.fit, evalTasks: [o.task], testIdx: o.val, ridge, numClasses: K }).acc[0]!,
  });
  ridgeSel.scores.forEach((s) =>
    o.log.push({
      setting: o.setting,
      method: "LP",
      hyperparameter: "ridge",
      candidate: s.candidate,
      valAcc: s.score,
      chosen: ridgeSel.best,
    }),
  );
  const lr: Record<string, number> = {};
  for (const m of LEARNED) {
    const sel = selectByValidation({
      candidates: o.P.lrs,
      score: (rate) =>
        runMethod({
          method: m,
          spec: o.spec,
          task: o.task,
          trainIdx: o.fit,
          evalTasks: [o.task],
          testIdx: o.val,
          recipe: { ...o.recipe, lr: rate },
          seed: seedFor("selection", o.setting),
        })[0]!,
    });
    sel.scores.forEach((s) =>
      o.log.push({ setting: o.setting, method: m, hyperparameter: "lr", candidate: s.candidate, valAcc: s.score, chosen: sel.best }),
    );
    lr[m] = sel.best;
  }
  return { ridge: ridgeSel.best, lr };
}

/** One evaluated (setting, method, seed) of the transfer study. */
export interface TransferRow {
  [key: string]: string | number | boolean | null;
  setting: string;
  method: Method;
  seed: number;
  /** "clean" or the corruption's label (P5, models trained on clean data). */
  evaluation: string;
  acc: number;
  lr: number | null;
  ridge: number | null;
  iterations: number | null;
  converged: boolean | null;
}

export interface FullDataResult {
  /** method -> per-seed accuracy on the clean main task (seed order of P.seeds). */
  clean: Record<Method, number[]>;
  /** method -> per-seed accuracy on the shifted task (trained on it). */
  shifted: Record<Method, number[]>;
  /** method -> corruption index -> per-seed accuracy (trained on clean main). */
  corrupted: Record<Method, number[][]>;
  choices: { main: Choices; shifted: Choices };
  rows: TransferRow[];
  selections: SelectionRow[];
}

const byMethod = <T>(f: () => T): Record<Method, T> => ({ LP: f(), MP: f(), "MP+": f(), FT: f() });

/** Full-data transfer on the main and the shifted task (P1, P3) with corrupted evaluations (P5). */
export function runFullData(o: {
  pre: Pretrained;
  data: DownstreamData;
  P: VitParams;
  corruptionLabels: string[];
  onProgress?: (done: number, total: number) => void;
}): FullDataResult {
  const { data, P } = o;
  const spec = methodSpec(o.pre, P);
  const K = spec.numClasses;
  const selections: SelectionRow[] = [];
  const rows: TransferRow[] = [];
  const selSplit = data.splits.get(P.selectionSeed)!;
  const choose = (task: Downstream, setting: string) => {
    const { fit, val } = carveValidation({
      y: task.features.y,
      rows: selSplit.train,
      valFraction: P.valFraction,
      rng: new Rng(seedFor("validation", setting)),
    });
    return chooseOnValidation({ setting, spec, task, fit, val, recipe: P.recipe, P, log: selections });
  };
  const choices = { main: choose(data.main, "full data"), shifted: choose(data.shifted, `full data, ${P.shift}`) };
  const out = {
    clean: byMethod<number[]>(() => []),
    shifted: byMethod<number[]>(() => []),
    corrupted: byMethod(() => P.corruptions.map(() => [] as number[])),
  };
  const total = P.seeds.length * METHODS.length;
  let done = 0;
  for (const seed of P.seeds) {
    const split = data.splits.get(seed)!;
    for (const m of METHODS) {
      for (const [task, setting, ch, evals] of [
        [data.main, "full data", choices.main, [data.main, ...data.corrupted]],
        [data.shifted, `full data, ${P.shift}`, choices.shifted, [data.shifted]],
      ] as const) {
        let acc: number[];
        let extra: Pick<TransferRow, "lr" | "ridge" | "iterations" | "converged">;
        if (m === "LP") {
          const r = fitLinearProbe({
            task,
            trainIdx: split.train,
            evalTasks: [...evals],
            testIdx: split.test,
            ridge: ch.ridge,
            numClasses: K,
          });
          acc = r.acc;
          extra = { lr: null, ridge: ch.ridge, iterations: r.iterations, converged: r.converged };
        } else {
          acc = runMethod({
            method: m,
            spec,
            task,
            trainIdx: split.train,
            evalTasks: [...evals],
            testIdx: split.test,
            recipe: { ...P.recipe, lr: ch.lr[m]! },
            seed: seedFor("full", setting, seed),
          });
          extra = { lr: ch.lr[m]!, ridge: null, iterations: null, converged: null };
        }
        acc.forEach((a, i) =>
          rows.push({ setting, method: m, seed, evaluation: i === 0 ? "clean" : o.corruptionLabels[i - 1]!, acc: a, ...extra }),
        );
        if (task === data.main) {
          out.clean[m].push(acc[0]!);
          acc.slice(1).forEach((a, i) => out.corrupted[m][i]!.push(a));
        } else out.shifted[m].push(acc[0]!);
      }
      o.onProgress?.(++done, total);
    }
  }
  return { ...out, choices, rows, selections };
}

export interface FewShotResult {
  /** method -> shots -> per-seed accuracy (seed order of P.seeds). */
  acc: Record<Method, Record<number, number[]>>;
  choices: Record<number, Choices>;
  rows: TransferRow[];
  selections: SelectionRow[];
}

function kShotPicks(data: DownstreamData, seed: number, k: number): number[] {
  const split = data.splits.get(seed)!;
  const yTrain = split.train.map((i) => data.main.patches.y[i]!);
  return Array.from(kShotSplit(new Rng(seedFor("few-shot", k, seed)), { y: yTrain, k }).train, (j) => split.train[j]!);
}

/** Few-shot transfer (P2): k images per class from each seed's training split. */
export function runFewShot(o: {
  pre: Pretrained;
  data: DownstreamData;
  P: VitParams;
  onProgress?: (done: number, total: number) => void;
}): FewShotResult {
  const { data, P } = o;
  const spec = methodSpec(o.pre, P);
  const K = spec.numClasses;
  const selections: SelectionRow[] = [];
  const rows: TransferRow[] = [];
  const choices: Record<number, Choices> = {};
  for (const k of P.shots) {
    const fit = kShotPicks(data, P.selectionSeed, k);
    const taken = new Set(fit);
    const pool = data.splits.get(P.selectionSeed)!.train.filter((i) => !taken.has(i));
    const val = samplePerClass({ y: data.main.patches.y, pool, perClass: P.valPerClass, rng: new Rng(seedFor("few-shot-validation", k)) });
    choices[k] = chooseOnValidation({ setting: `k=${k}`, spec, task: data.main, fit, val, recipe: P.fewShotRecipe, P, log: selections });
  }
  const acc = byMethod(() => Object.fromEntries(P.shots.map((k) => [k, [] as number[]])) as Record<number, number[]>);
  const total = P.seeds.length * P.shots.length;
  let done = 0;
  for (const seed of P.seeds) {
    const split = data.splits.get(seed)!;
    for (const k of P.shots) {
      const pick = kShotPicks(data, seed, k);
      const ch = choices[k]!;
      for (const m of METHODS) {
        let a: number;
        if (m === "LP") {
          const r = fitLinearProbe({
            task: data.main,
            trainIdx: pick,
            evalTasks: [data.main],
            testIdx: split.test,
            ridge: ch.ridge,
            numClasses: K,
          });
          a = r.acc[0]!;
          rows.push({
            setting: `k=${k}`,
            method: m,
            seed,
            evaluation: "clean",
            acc: a,
            lr: null,
            ridge: ch.ridge,
            iterations: r.iterations,
            converged: r.converged,
          });
        } else {
          a = runMethod({
            method: m,
            spec,
            task: data.main,
            trainIdx: pick,
            evalTasks: [data.main],
            testIdx: split.test,
            recipe: { ...P.fewShotRecipe, lr: ch.lr[m]! },
            seed: seedFor("few", k, seed),
          })[0]!;
          rows.push({
            setting: `k=${k}`,
            method: m,
            seed,
            evaluation: "clean",
            acc: a,
            lr: ch.lr[m]!,
            ridge: null,
            iterations: null,
            converged: null,
          });
        }
        acc[m][k]!.push(a);
      }
      o.onProgress?.(++done, total);
    }
  }
  return { acc, choices, rows, selections };
}
