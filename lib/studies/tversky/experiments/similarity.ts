/**
 * Section "1-3, 16: the similarity function": the hand-worked example (notes §10 item 1),
 * (a)symmetry (item 2), the gradient check (item 3), one optimizer step per reduction (item 16)
 * and official gmean's NaN gradient (§1.4).
 */
import { tf } from "../../../core/tf";
import { Adam } from "../../../core/optim";
import { Rng } from "../../../core/rng";
import {
  DIFFERENCES,
  INTERSECTIONS,
  OFFICIAL_DIFFERENCES,
  OFFICIAL_INTERSECTIONS,
  TverskyProjection,
  gradientCheck,
  salience,
  tverskySimilarity,
  type DifferenceReduction,
  type GradCheckEntry,
  type IntersectionReduction,
  type TverskyOptions,
} from "../../../topics/tversky/index";

/** The notes' §10 item 1 inputs: bank F, objects a and b, θ = 1, α = 0.8, β = 0.2. */
export const HAND_INPUTS = {
  F: [
    [1, 0],
    [0, 1],
    [1, 1],
  ],
  a: [2, -1],
  b: [1, 1],
  theta: 1,
  alpha: 0.8,
  beta: 0.2,
};

/** The variants of the hand example, in the notes' order (their expected values live in claims.ts). */
export const HAND_VARIANTS: readonly { label: string; intersection: IntersectionReduction; difference: DifferenceReduction }[] = [
  { label: "product + ignorematch", intersection: "product", difference: "ignorematch" },
  { label: "product + substractmatch (official)", intersection: "product", difference: "substractmatch" },
  { label: "product + substractmatch_pf", intersection: "product", difference: "substractmatch_pf" },
  { label: "product + substractmatch_pf_plus", intersection: "product", difference: "substractmatch_pf_plus" },
  { label: "min (official aggregate) + ignorematch", intersection: "min", difference: "ignorematch" },
  { label: "max (official aggregate) + ignorematch", intersection: "max", difference: "ignorematch" },
  { label: "mean + ignorematch", intersection: "mean", difference: "ignorematch" },
  { label: "gmean (official aggregate) + ignorematch", intersection: "gmean", difference: "ignorematch" },
  { label: "softmin (official) + ignorematch", intersection: "softmin", difference: "ignorematch" },
  { label: "min per-feature + ignorematch", intersection: "min_pf", difference: "ignorematch" },
  { label: "max per-feature + ignorematch", intersection: "max_pf", difference: "ignorematch" },
];

/** S(a,b) and S(b,a) of one hand-example variant. */
export interface HandRow {
  label: string;
  ab: number;
  ba: number;
}

/** S(a,b) and S(b,a) of the hand example for every variant. */
export function handExample(): HandRow[] {
  const h = HAND_INPUTS;
  return tf.tidy(() => {
    const features = tf.tensor2d(h.F),
      a = tf.tensor2d([h.a]),
      b = tf.tensor2d([h.b]);
    const S = (x: tf.Tensor, prototypes: tf.Tensor, v: (typeof HAND_VARIANTS)[number]) =>
      tverskySimilarity({
        x,
        prototypes,
        features,
        theta: h.theta,
        alpha: h.alpha,
        beta: h.beta,
        intersection: v.intersection,
        difference: v.difference,
      }).dataSync()[0]!;
    return HAND_VARIANTS.map((v) => ({ label: v.label, ab: S(a, b, v), ba: S(b, a, v) }));
  });
}

/** The hand example's saliences f(A), f(B). */
export function handSalience(): number[] {
  const h = HAND_INPUTS;
  return tf.tidy(() => Array.from(salience({ x: tf.tensor2d([h.a, h.b]), features: tf.tensor2d(h.F) }).dataSync()));
}

/**
 * max |S − Sᵀ| of the all-pairs matrix S(x, x) for random x, with α = β (should be ~0) and α ≠ β,
 * for every official reduction pair (notes §10 item 2).
 */
export function symmetryCheck(a: { rng: Rng; n?: number; d?: number; K?: number }): {
  label: string;
  symmetricGap: number;
  asymmetricGap: number;
}[] {
  const n = a.n ?? 6,
    d = a.d ?? 4,
    K = a.K ?? 8;
  const x = a.rng.normals(n * d),
    F = a.rng.normals(K * d);
  return OFFICIAL_INTERSECTIONS.flatMap((intersection) =>
    OFFICIAL_DIFFERENCES.map((difference) =>
      tf.tidy(() => {
        const X = tf.tensor2d(x, [n, d]),
          features = tf.tensor2d(F, [K, d]);
        const o: TverskyOptions = { intersection, difference, gmeanEps: 1e-8 };
        const gap = (alpha: number, beta: number) => {
          const S = tverskySimilarity({ ...o, x: X, prototypes: X, features, theta: 1, alpha, beta });
          return tf.max(tf.abs(tf.sub(S, tf.transpose(S)))).dataSync()[0]!;
        };
        return { label: `${intersection}+${difference}`, symmetricGap: gap(0.5, 0.5), asymmetricGap: gap(0.8, 0.2) };
      }),
    ),
  );
}

export interface ReductionStep {
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
  /** null when the step ran; the error message otherwise. */
  error: string | null;
  /** Every gradient entry finite. */
  finite: boolean;
  /** The loss moved (parameters were updated). */
  changed: boolean;
}

/**
 * One Adam step (autodiff through the layer, then the update) through a TverskyProjection for
 * every reduction pair of the API (notes §10 item 16), on inputs whose pairs all share a feature
 * (so official gmean is finite).
 */
export function stepEveryReduction(seed: number): ReductionStep[] {
  const rng = new Rng(seed);
  const d = 3,
    n = 8,
    p = 3,
    K = 6;
  const x = rng.uniforms(n * d, 0.1, 1);
  return INTERSECTIONS.flatMap((intersection) =>
    DIFFERENCES.map((difference) => {
      const layer = new TverskyProjection({ units: p, featureCount: K, init: "uniform", seed: rng.nextSeed(), intersection, difference });
      const X = tf.tensor2d(x, [n, d]);
      const y = tf.tidy(() =>
        tf.oneHot(
          tf.tensor1d(
            Array.from({ length: n }, (_, i) => i % p),
            "int32",
          ),
          p,
        ),
      );
      const loss = () => tf.losses.softmaxCrossEntropy(y, layer.apply(X) as tf.Tensor) as tf.Scalar;
      let opt: Adam | undefined;
      try {
        const before = tf.tidy(() => loss().dataSync()[0]!);
        const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        // the optimizer of every experiment here (tf.train optimizers keep a tensor after dispose())
        opt = new Adam(vars, { lr: 0.01, arithmetic: "reciprocal" });
        const { grads, value } = tf.variableGrads(loss, vars);
        const finite = Object.values(grads).every((g) => g.dataSync().every((v) => Number.isFinite(v)));
        opt.step(vars.map((v) => grads[v.name]!));
        tf.dispose([value, ...Object.values(grads)]);
        const after = tf.tidy(() => loss().dataSync()[0]!);
        return { intersection, difference, error: null, finite, changed: after !== before };
      } catch (e) {
        return { intersection, difference, error: (e as Error).message.split("\n")[0]!, finite: false, changed: false };
      } finally {
        opt?.dispose();
        layer.dispose();
        tf.dispose([X, y]);
      }
    }),
  );
}

/**
 * Official gmean's NaN (notes §1.4): with an input that shares no feature with a prototype
 * (a zero input), the forward value is finite but the gradient is NaN; with eps > 0 it is finite.
 */
export function gmeanNanCheck(): { forwardFinite: boolean; officialGradFinite: boolean; epsGradFinite: boolean } {
  return tf.tidy(() => {
    const x = tf.tensor2d([
      [0, 0],
      [1, 0.5],
    ]);
    const prototypes = tf.tensor2d([
      [0.4, 0.9],
      [0.7, 0.2],
    ]);
    const F = tf.tensor2d([
      [1, 0.2],
      [0.3, 1],
    ]);
    const S = (eps: number) => (features: tf.Tensor) =>
      tf.sum(tverskySimilarity({ x, prototypes, features, theta: 1, alpha: 0.5, beta: 0.5, intersection: "gmean", gmeanEps: eps }));
    const forwardFinite = Number.isFinite(S(0)(F).dataSync()[0]!);
    const finite = (g: tf.Tensor) => g.dataSync().every((v) => Number.isFinite(v));
    return { forwardFinite, officialGradFinite: finite(tf.grad(S(0))(F)), epsGradFinite: finite(tf.grad(S(1e-8))(F)) };
  });
}

/** d/dx Σ step(x)·x² at x = (−1.5, 0.3, 2): equals 2x·step(x) = (0, 0.6, 4) when the indicator adds no gradient. */
export function indicatorGradient(): { x: number[]; grad: number[] } {
  const x = [-1.5, 0.3, 2];
  const grad = tf.tidy(() =>
    Array.from(
      tf
        .grad((t: tf.Tensor) => tf.sum(tf.mul(tf.step(t), tf.square(t))))(tf.tensor1d(x))
        .dataSync(),
    ),
  );
  return { x, grad };
}

/** Everything the section's claims and tables use. */
export interface SimilarityResults {
  hand: HandRow[];
  handSalience: number[];
  symmetry: { label: string; symmetricGap: number; asymmetricGap: number }[];
  /** Largest max|S − Sᵀ| with α = β over the official pairs. */
  symmetricGap: number;
  /** Smallest max|S − Sᵀ| with α ≠ β over the official pairs. */
  asymmetricGap: number;
  gradRows: { label: string; entries: GradCheckEntry[] }[];
  /** Worst relative gradient error over all configurations and parameters (NaN counts as ∞). */
  gradWorst: number;
  indicator: { x: number[]; grad: number[] };
  steps: ReductionStep[];
  gmeanNan: { forwardFinite: boolean; officialGradFinite: boolean; epsGradFinite: boolean };
}

/**
 * Runs the section: gradient check for every intersection × difference of the API (10 × 4) plus
 * `normalize`, symmetry over the 12 official pairs, one Adam step per pair.
 */
export function runSimilarity(seeds: { symmetry: number; gradcheck: number; steps: number }): SimilarityResults {
  const symmetry = symmetryCheck({ rng: new Rng(seeds.symmetry) });
  const grng = new Rng(seeds.gradcheck);
  const gradRows = INTERSECTIONS.flatMap((intersection) =>
    DIFFERENCES.map((difference) => ({
      label: `${intersection}+${difference}`,
      entries: gradientCheck({ intersection, difference }, grng),
    })),
  );
  gradRows.push({
    label: "product+substractmatch, normalize",
    entries: gradientCheck({ difference: "substractmatch", normalize: true }, grng),
  });
  return {
    hand: handExample(),
    handSalience: handSalience(),
    symmetry,
    symmetricGap: Math.max(...symmetry.map((s) => s.symmetricGap)),
    asymmetricGap: Math.min(...symmetry.map((s) => s.asymmetricGap)),
    gradRows,
    gradWorst: Math.max(...gradRows.flatMap((r) => r.entries.map((e) => (Number.isNaN(e.relErr) ? Number.POSITIVE_INFINITY : e.relErr)))),
    indicator: indicatorGradient(),
    steps: stepEveryReduction(seeds.steps),
    gmeanNan: gmeanNanCheck(),
  };
}
