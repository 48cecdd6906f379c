/**
 * The synthetic experiments of notes §6.2 (checks S1-S5): token sets from G-cov / G-mean / G-block,
 * fixed-feature probes (token mean = LP, full covariance, raw second moment, MHC³ with a frozen
 * random projection, mean+cov) solved to convergence, the Bayes rule, and learned heads (MP and its
 * ablations) trained with the head recipe. Every cell is memoised, so a variant shared by several
 * claims (e.g. the base MP) is trained once per (generator, seed).
 */
import { Rng } from "../../../core/rng";
import { concatFeatures, meanFeatures, mhc3Features, secondMomentFeatures, type FeatureMatrix, type Tokens } from "../../../topics/moments/features";
import { probeAccuracy } from "../../../topics/moments/linear";
import { trainHead, type HeadVariant, type TokenData } from "../../../topics/moments/head-runs";
import { summarize, type MeanSd } from "../../../core/stats";
import { seedFor } from "../../../topics/moments/seeds";
import { bayesAccuracy, drawTask, sampleTokenSets, type GaussianTask, type GeneratorSpec, type TokenSet } from "../../../topics/moments/synthetic";
import type { TrainConfig } from "../../../topics/moments/train";

export interface SyntheticParams {
  perClassTrain: number;
  perClassTest: number;
  /** Ridge weight of the fixed-feature probes (the prototypes' wd 1e-4). */
  linearL2: number;
  /** Recipe of every learned head. */
  recipe: TrainConfig;
  /** Width and heads of the learned MHC³ (notes S1: 128 / 4 -> 147 features). */
  mpHidden: number;
  mpHeads: number;
  /** Width of the frozen-random MHC³ baseline (notes: 32, 4 heads, no conv -> 192 features). */
  randHidden: number;
}

export type FixedMethod = "bayes" | "lp" | "fullcov" | "moment2" | "mhc3rand" | "meancov" | "mhc3id" | "mhc3id+within";

export const FIXED_LABELS: Record<FixedMethod, string> = {
  bayes: "Bayes",
  lp: "LP (token mean)",
  fullcov: "full covariance",
  moment2: "raw 2nd moment",
  mhc3rand: "MHC³-rand",
  meancov: "mean + cov",
  mhc3id: "MHC³ proj=I (fixed, converged probe)",
  "mhc3id+within": "MHC³ proj=I + within (fixed, converged probe)",
};

/** The learned head variants used by S1-S5, by name. */
export function learnedVariants(P: Pick<SyntheticParams, "mpHidden" | "mpHeads">, d = 16): Record<string, HeadVariant> {
  const base = { hiddenDim: P.mpHidden, numHeads: P.mpHeads };
  const v = (firstOrder: HeadVariant["firstOrder"], secondOrder: boolean, mhc3: HeadVariant["mhc3"]): HeadVariant => ({ firstOrder, secondOrder, mhc3, hasClsToken: false });
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

interface Cell {
  task: GaussianTask;
  train: TokenSet;
  test: TokenSet;
}

function asTokens(s: TokenSet): Tokens {
  return { x: s.x, n: s.n, N: s.N, d: s.d };
}

function asTokenData(s: TokenSet): TokenData {
  return { x: s.x, y: s.y, n: s.n, T: s.N, d: s.d };
}

/** Memoising runner for synthetic cells: one task + train/test draw per (generator, seed). */
export class SyntheticRunner {
  private readonly cells = new Map<string, Cell>();
  private readonly results = new Map<string, number>();
  readonly variants: Record<string, HeadVariant>;

  constructor(readonly P: SyntheticParams) {
    this.variants = learnedVariants(P);
  }

  /** Number of learned-head trainings done so far (for planning). */
  get learnedRuns(): number {
    return [...this.results.keys()].filter((k) => k.startsWith("learned")).length;
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
        return mhc3Features(t, { hiddenDim: this.P.randHidden, numHeads: 4, reduction: "none", proj: "frozen" }, seedFor("mhc3-rand", gen, seed));
      case "mhc3id":
      case "mhc3id+within":
        return mhc3Features(t, { hiddenDim: t.d, numHeads: 4, reduction: "none", proj: "identity", withinHead: method === "mhc3id+within" }, 0);
    }
  }

  /** Test accuracy of a fixed-feature probe (or the Bayes rule). */
  fixed(gen: GeneratorSpec, seed: number, method: FixedMethod): number {
    const key = `fixed ${JSON.stringify([gen, seed, method])}`;
    const hit = this.results.get(key);
    if (hit !== undefined) return hit;
    const c = this.cell(gen, seed);
    let acc: number;
    if (method === "bayes") acc = bayesAccuracy(c.task, c.test);
    else {
      const a = this.features(method, c.train, gen, seed);
      const b = this.features(method, c.test, gen, seed);
      acc = probeAccuracy({ X: a.X, n: a.n, y: c.train.y }, { X: b.X, n: b.n, y: c.test.y }, a.F, c.task.spec.classes, { l2: this.P.linearL2 });
    }
    this.results.set(key, acc);
    return acc;
  }

  /** Test accuracy of a learned head variant (by name, see learnedVariants). */
  learned(gen: GeneratorSpec, seed: number, variant: string): number {
    const v = this.variants[variant];
    if (!v) throw new Error(`unknown head variant ${JSON.stringify(variant)}; known: ${Object.keys(this.variants).join(", ")}`);
    const key = `learned ${JSON.stringify([gen, seed, variant])}`;
    const hit = this.results.get(key);
    if (hit !== undefined) return hit;
    const c = this.cell(gen, seed);
    const r = trainHead(v, c.task.spec.classes, asTokenData(c.train), [asTokenData(c.test)], this.P.recipe, seedFor("synthetic-head", gen, seed, variant));
    this.results.set(key, r.acc[0]!);
    return r.acc[0]!;
  }

  /** Mean ± std over seeds of a fixed method or a learned variant ("learned:<name>"). */
  summary(gen: GeneratorSpec, seeds: readonly number[], method: FixedMethod | `learned:${string}`): MeanSd {
    return summarize(seeds.map((s) => (method.startsWith("learned:") ? this.learned(gen, s, method.slice(8)) : this.fixed(gen, s, method as FixedMethod))));
  }
}

/** One row of a results table: a setting and the summary of each method. */
export interface SyntheticRow {
  setting: string;
  gen: GeneratorSpec;
  cells: Record<string, MeanSd>;
}

/** Runs `methods` on every generator over `seeds`, returning one row per generator. */
export function syntheticTable(runner: SyntheticRunner, gens: GeneratorSpec[], methods: (FixedMethod | `learned:${string}`)[], seeds: readonly number[]): SyntheticRow[] {
  return gens.map((gen) => ({
    setting: generatorLabel(gen),
    gen,
    cells: Object.fromEntries(methods.map((m) => [m, runner.summary(gen, seeds, m)])),
  }));
}
