/**
 * Sections S1-S5 (notes §6.2): token sets from G-cov / G-mean / G-block, fixed-feature probes solved
 * to convergence (token mean = LP, full covariance, raw second moment, MHC³ with a frozen random
 * projection, mean + covariance), the Bayes rule, and learned heads (MP and its ablations).
 *
 * Protocol (notes §9): every learned head gets the same step budget (`recipe`) and, per generator,
 * the learning rate chosen for the base MP head from `lrs` on a validation split carved from the
 * training sets of the selection seed (the usual ablation protocol: every variant at the base head's
 * validated recipe); LP's ridge weight is chosen the same way from `lpRidges`. The test sets are
 * never used for a choice. Every method sees the same task and the same train/test draw per seed,
 * so differences between methods are paired by seed. Every cell is memoised and logged as a row.
 */
import { Rng } from "../../../core/rng";
import {
  concatFeatures,
  meanFeatures,
  mhc3Features,
  secondMomentFeatures,
  selectRows,
  type FeatureMatrix,
  type Tokens,
} from "../../../topics/moments/features";
import { selectTokens, trainHead, type HeadVariant, type TokenData } from "../../../topics/moments/head-runs";
import { fitProbe, type ProbeFit } from "../../../topics/moments/linear";
import { seedFor } from "../../../topics/moments/seeds";
import { carveValidation, selectByValidation } from "../../../topics/moments/selection";
import {
  bayesAccuracy,
  drawTask,
  sampleTokenSets,
  type GaussianTask,
  type GeneratorSpec,
  type TokenSet,
} from "../../../topics/moments/synthetic";
import type { TrainConfig } from "../../../topics/moments/train";
import { withMomentKernel } from "../kernel";

export interface SyntheticParams {
  perClassTrain: number;
  perClassTest: number;
  /** Ridge weight of the fixed reference probes (the prototypes' wd 1e-4). */
  linearL2: number;
  /** LP's ridge grid (chosen on validation). */
  lpRidges: number[];
  /** The step budget shared by every learned head. */
  recipe: Omit<TrainConfig, "lr">;
  /** Learning-rate grid of the learned heads (chosen on validation per generator and variant). */
  lrs: number[];
  /** Fraction of the selection seed's training sets held out for validation. */
  valFraction: number;
  /** The seed whose training sets the choices are made on. */
  selectionSeed: number;
  /** Width and heads of the learned MHC³ (notes S1: 128 / 4 -> 147 features). */
  mpHidden: number;
  mpHeads: number;
  /** Width of the frozen-random MHC³ (notes: 32, 4 heads, no conv -> 192 features). */
  randHidden: number;
}

export type FixedMethod = "bayes" | "lp" | "fullcov" | "moment2" | "mhc3rand" | "mhc3rand/channel" | "meancov" | "mhc3id" | "mhc3id+within";

export const FIXED_LABELS: Record<FixedMethod, string> = {
  bayes: "Bayes",
  lp: "LP (token mean)",
  fullcov: "full covariance",
  moment2: "raw 2nd moment",
  mhc3rand: "MHC³-rand",
  "mhc3rand/channel": "MHC³-rand, per-channel centring",
  meancov: "mean + cov",
  mhc3id: "MHC³ proj=I (fixed, converged probe)",
  "mhc3id+within": "MHC³ proj=I + within (fixed, converged probe)",
};

/** A method of the synthetic tables: a fixed probe, or a learned head variant as "learned:<name>". */
export type SyntheticMethod = FixedMethod | `learned:${string}`;

/** The learned head variants used by S1-S5, by name. */
export function learnedVariants(P: Pick<SyntheticParams, "mpHidden" | "mpHeads">, d = 16): Record<string, HeadVariant> {
  const base = withMomentKernel({ hiddenDim: P.mpHidden, numHeads: P.mpHeads });
  const v = (firstOrder: HeadVariant["firstOrder"], secondOrder: boolean, mhc3: HeadVariant["mhc3"]): HeadVariant => ({
    firstOrder,
    secondOrder,
    mhc3,
    hasClsToken: false,
  });
  return {
    mp: v("mean", true, base),
    "first-only": v("mean", false, base),
    "second-only": v("none", true, base),
    "second-only/channel": v("none", true, { ...base, center: "channel" }),
    "second-only/channel/noLN": v("none", true, { ...base, center: "channel", layerNorm: false }),
    "heads=2": v("mean", true, { ...base, numHeads: 2 }),
    "heads=8": v("mean", true, { ...base, numHeads: 8 }),
    "pairing=cn2": v("mean", true, { ...base, pairing: "cn2" }),
    "reduction=none": v("mean", true, { ...base, reduction: "none" }),
    "center=channel": v("mean", true, { ...base, center: "channel" }),
    // S4: proj frozen to the identity (hidden = d), learned proj of the same width, within-head maps
    "second/proj=I": v("none", true, { hiddenDim: d, numHeads: 4, proj: "identity", reduction: "none" }),
    "second/proj=learned": v("none", true, { hiddenDim: d, numHeads: 4, proj: "learned", reduction: "none" }),
    "second/proj=I+within": v("none", true, { hiddenDim: d, numHeads: 4, proj: "identity", reduction: "none", withinHead: true }),
  };
}

export function generatorLabel(g: GeneratorSpec): string {
  if (g.kind === "cov") return `G-cov N=${g.N} α=${g.alpha ?? 0.5}`;
  if (g.kind === "mean") return `G-mean N=${g.N}`;
  return `G-block N=${g.N}`;
}

export function methodLabel(m: SyntheticMethod): string {
  if (!m.startsWith("learned:")) return FIXED_LABELS[m as FixedMethod];
  return m === "learned:mp" ? "MP (learned)" : `learned ${m.slice(8)}`;
}

interface Cell {
  task: GaussianTask;
  train: TokenSet;
  test: TokenSet;
}

/** One evaluated (generator, method, seed): test accuracy and how it was obtained. */
export interface SyntheticCellRow {
  [key: string]: string | number | boolean | null;
  generator: string;
  method: string;
  seed: number;
  acc: number;
  nTest: number;
  /** Learning rate (learned heads) or ridge (probes). */
  lr: number | null;
  ridge: number | null;
  /** Solver iterations and convergence of a probe (null for learned heads and Bayes). */
  iterations: number | null;
  converged: boolean | null;
  steps: number | null;
}

/** One validation score of a choice. */
export interface SelectionRow {
  [key: string]: string | number;
  setting: string;
  method: string;
  hyperparameter: "lr" | "ridge";
  candidate: number;
  valAcc: number;
  chosen: number;
}

const asTokens = (s: TokenSet): Tokens => ({ x: s.x, n: s.n, N: s.N, d: s.d });
const asTokenData = (s: TokenSet): TokenData => ({ x: s.x, y: s.y, n: s.n, T: s.N, d: s.d });

/** Memoising runner for synthetic cells: one task + train/test draw per (generator, seed). */
export class SyntheticRunner {
  private readonly cells = new Map<string, Cell>();
  private readonly done = new Map<string, SyntheticCellRow>();
  private readonly chosen = new Map<string, number>();
  readonly rows: SyntheticCellRow[] = [];
  readonly selections: SelectionRow[] = [];
  readonly variants: Record<string, HeadVariant>;

  constructor(readonly P: SyntheticParams) {
    this.variants = learnedVariants(P);
  }

  cell(gen: GeneratorSpec, seed: number): Cell {
    const key = JSON.stringify([gen, seed]);
    let c = this.cells.get(key);
    if (!c) {
      const rng = new Rng(seedFor("synthetic-data", gen, seed));
      const task = drawTask(gen, rng);
      c = { task, train: sampleTokenSets(task, this.P.perClassTrain, rng), test: sampleTokenSets(task, this.P.perClassTest, rng) };
      this.cells.set(key, c);
    }
    return c;
  }

  /** The validation split of the selection seed's training sets (fixed per generator). */
  private validation(gen: GeneratorSpec): { fit: TokenData; val: TokenData; fitIdx: number[]; valIdx: number[] } {
    const c = this.cell(gen, this.P.selectionSeed);
    const rows = Array.from({ length: c.train.n }, (_, i) => i);
    const { fit, val } = carveValidation({
      y: c.train.y,
      rows,
      valFraction: this.P.valFraction,
      rng: new Rng(seedFor("synthetic-validation", gen)),
    });
    const all = asTokenData(c.train);
    return { fit: selectTokens(all, fit), val: selectTokens(all, val), fitIdx: fit, valIdx: val };
  }

  private features(method: Exclude<FixedMethod, "bayes">, s: TokenSet, gen: GeneratorSpec, seed: number): FeatureMatrix {
    const t = asTokens(s);
    switch (method) {
      case "lp":
        return meanFeatures(t);
      case "fullcov":
        return secondMomentFeatures(t, "channel");
      case "moment2":
        return secondMomentFeatures(t, "none");
      case "meancov":
        return concatFeatures(meanFeatures(t), secondMomentFeatures(t, "channel"));
      case "mhc3rand":
      case "mhc3rand/channel":
        // the notes' prototype: frozen random projection, LayerNorm, column L2, no convolution
        return mhc3Features(
          t,
          withMomentKernel({
            hiddenDim: this.P.randHidden,
            numHeads: 4,
            reduction: "none",
            proj: "frozen",
            center: method === "mhc3rand" ? "scalar" : "channel",
          } as const),
          seedFor("mhc3-rand", gen, seed),
        );
      case "mhc3id":
      case "mhc3id+within":
        return mhc3Features(
          t,
          withMomentKernel({
            hiddenDim: t.d,
            numHeads: 4,
            reduction: "none",
            proj: "identity",
            withinHead: method === "mhc3id+within",
          } as const),
          0,
        );
    }
  }

  private record(key: string, row: SyntheticCellRow): SyntheticCellRow {
    this.done.set(key, row);
    this.rows.push(row);
    return row;
  }

  /** LP's ridge for a generator, chosen on validation (once). */
  lpRidge(gen: GeneratorSpec): number {
    const key = `ridge ${JSON.stringify(gen)}`;
    const hit = this.chosen.get(key);
    if (hit !== undefined) return hit;
    const c = this.cell(gen, this.P.selectionSeed);
    const v = this.validation(gen);
    const f = meanFeatures(asTokens(c.train));
    const a = selectRows(f, v.fitIdx);
    const b = selectRows(f, v.valIdx);
    const sel = selectByValidation({
      candidates: this.P.lpRidges,
      score: (l2) =>
        fitProbe({
          train: { X: a.X, n: a.n, y: v.fit.y },
          test: { X: b.X, n: b.n, y: v.val.y },
          F: f.F,
          K: c.task.spec.classes,
          opts: { l2 },
        }).acc,
    });
    sel.scores.forEach((s) =>
      this.selections.push({
        setting: generatorLabel(gen),
        method: "lp",
        hyperparameter: "ridge",
        candidate: s.candidate,
        valAcc: s.score,
        chosen: sel.best,
      }),
    );
    this.chosen.set(key, sel.best);
    return sel.best;
  }

  /**
   * The learning rate of every learned head on a generator: chosen once, on validation, for the base
   * MP head (`variant` is accepted for a per-variant choice, which the full grid could not afford).
   */
  learningRate(gen: GeneratorSpec, variant = "mp"): number {
    const key = `lr ${JSON.stringify([gen, variant])}`;
    const hit = this.chosen.get(key);
    if (hit !== undefined) return hit;
    const v = this.variants[variant]!;
    const c = this.cell(gen, this.P.selectionSeed);
    const val = this.validation(gen);
    const sel = selectByValidation({
      candidates: this.P.lrs,
      score: (lr) =>
        trainHead(v, c.task.spec.classes, val.fit, [val.val], { ...this.P.recipe, lr }, seedFor("synthetic-head-selection", gen, variant))
          .acc[0]!,
    });
    sel.scores.forEach((s) =>
      this.selections.push({
        setting: generatorLabel(gen),
        method: `learned:${variant}`,
        hyperparameter: "lr",
        candidate: s.candidate,
        valAcc: s.score,
        chosen: sel.best,
      }),
    );
    this.chosen.set(key, sel.best);
    return sel.best;
  }

  /** Test result of a fixed-feature probe (or the Bayes rule). */
  fixed(gen: GeneratorSpec, seed: number, method: FixedMethod): SyntheticCellRow {
    const key = `fixed ${JSON.stringify([gen, seed, method])}`;
    const hit = this.done.get(key);
    if (hit) return hit;
    const c = this.cell(gen, seed);
    const base = { generator: generatorLabel(gen), method, seed, nTest: c.test.n, lr: null, steps: null };
    if (method === "bayes")
      return this.record(key, { ...base, acc: bayesAccuracy(c.task, c.test), ridge: null, iterations: null, converged: null });
    const ridge = method === "lp" ? this.lpRidge(gen) : this.P.linearL2;
    const a = this.features(method, c.train, gen, seed);
    const b = this.features(method, c.test, gen, seed);
    const fit: ProbeFit = fitProbe({
      train: { X: a.X, n: a.n, y: c.train.y },
      test: { X: b.X, n: b.n, y: c.test.y },
      F: a.F,
      K: c.task.spec.classes,
      opts: { l2: ridge },
    });
    return this.record(key, { ...base, acc: fit.acc, ridge, iterations: fit.iterations, converged: fit.converged });
  }

  /** Test result of a learned head variant (by name, see learnedVariants). */
  learned(gen: GeneratorSpec, seed: number, variant: string): SyntheticCellRow {
    const v = this.variants[variant];
    if (!v) throw new Error(`unknown head variant ${JSON.stringify(variant)}; known: ${Object.keys(this.variants).join(", ")}`);
    const key = `learned ${JSON.stringify([gen, seed, variant])}`;
    const hit = this.done.get(key);
    if (hit) return hit;
    const lr = this.learningRate(gen);
    const c = this.cell(gen, seed);
    // one training seed per (generator, seed), shared by every variant: paired comparisons
    const r = trainHead(
      v,
      c.task.spec.classes,
      asTokenData(c.train),
      [asTokenData(c.test)],
      { ...this.P.recipe, lr },
      seedFor("synthetic-head", gen, seed),
    );
    return this.record(key, {
      generator: generatorLabel(gen),
      method: `learned:${variant}`,
      seed,
      acc: r.acc[0]!,
      nTest: c.test.n,
      lr,
      ridge: null,
      iterations: null,
      converged: null,
      steps: r.steps,
    });
  }

  /** Per-seed test accuracies of a method (same order as `seeds`: paired across methods). */
  values(gen: GeneratorSpec, seeds: readonly number[], method: SyntheticMethod): number[] {
    return seeds.map(
      (s) => (method.startsWith("learned:") ? this.learned(gen, s, method.slice(8)) : this.fixed(gen, s, method as FixedMethod)).acc,
    );
  }

  /** Total correct predictions and test sets over seeds (for binomial checks). */
  counts(gen: GeneratorSpec, seeds: readonly number[], method: FixedMethod): { successes: number; trials: number } {
    let successes = 0;
    let trials = 0;
    for (const s of seeds) {
      const r = this.fixed(gen, s, method);
      successes += Math.round(r.acc * r.nTest);
      trials += r.nTest;
    }
    return { successes, trials };
  }
}

/** Per-seed accuracies of every method on one generator. */
export interface SyntheticSetting {
  gen: GeneratorSpec;
  label: string;
  /** method -> per-seed test accuracy, in the order of `seeds`. */
  acc: Record<string, number[]>;
}

/** Runs `methods` on every generator over `seeds` (memoised in the runner). */
export function runSynthetic(o: {
  runner: SyntheticRunner;
  gens: GeneratorSpec[];
  methods: SyntheticMethod[];
  seeds: readonly number[];
  onProgress?: (done: number, total: number) => void;
}): SyntheticSetting[] {
  return o.gens.map((gen, i) => {
    const acc = Object.fromEntries(o.methods.map((m) => [m, o.runner.values(gen, o.seeds, m)]));
    o.onProgress?.(i + 1, o.gens.length);
    return { gen, label: generatorLabel(gen), acc };
  });
}

/** The S5 ablation grid: per variant and generator, per-seed accuracies. */
export interface AblationGrid {
  generators: string[];
  variants: string[];
  /** variant -> generator index -> per-seed accuracies. */
  acc: Record<string, number[][]>;
}

/** Runs S5: `branchRows` over `seeds`, `otherRows` over `gridSeeds` (recorded only). */
export function runAblation(o: {
  runner: SyntheticRunner;
  gens: GeneratorSpec[];
  branchRows: string[];
  otherRows: string[];
  seeds: readonly number[];
  gridSeeds: readonly number[];
  onProgress?: (done: number, total: number) => void;
}): AblationGrid {
  const acc: Record<string, number[][]> = {};
  o.gens.forEach((g, gi) => {
    for (const v of o.branchRows) (acc[v] ??= []).push(o.runner.values(g, o.seeds, `learned:${v}`));
    for (const v of o.otherRows) (acc[v] ??= []).push(o.runner.values(g, o.gridSeeds, `learned:${v}`));
    o.onProgress?.(gi + 1, o.gens.length);
  });
  return { generators: o.gens.map(generatorLabel), variants: [...o.branchRows, ...o.otherRows], acc };
}
