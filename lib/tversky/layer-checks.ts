/**
 * Checks that exercise the `TverskyProjection` layer and the functional core: the hand-worked
 * example (notes §10 item 1), (a)symmetry (item 2), parameter counts of built models (items 8,
 * 15), one optimizer step per reduction (item 16), and gmean's NaN gradients (§1.4).
 */
import { tf } from "../core/tf";
import { Rng } from "../core/rng";
import { BatchedAdam } from "./adam";
import { TverskyProjection } from "./layer";
import { salience, tverskySimilarity } from "./similarity";
import { DIFFERENCES, INTERSECTIONS, OFFICIAL_DIFFERENCES, OFFICIAL_INTERSECTIONS, type DifferenceReduction, type IntersectionReduction, type TverskyOptions } from "./types";

/** The notes' §10 item 1 table: F, a, b, θ = 1, α = 0.8, β = 0.2, and S(a,b), S(b,a) per variant. */
export const HAND_EXAMPLE = {
  F: [[1, 0], [0, 1], [1, 1]],
  a: [2, -1],
  b: [1, 1],
  theta: 1,
  alpha: 0.8,
  beta: 0.2,
  salience: { a: 3, b: 4 },
  variants: [
    { label: "product + ignorematch", intersection: "product", difference: "ignorematch", ab: 3.8, ba: 3.2 },
    { label: "product + substractmatch (official)", intersection: "product", difference: "substractmatch", ab: 3.8, ba: 3.2 },
    { label: "product + substractmatch_pf", intersection: "product", difference: "substractmatch_pf", ab: 3.0, ba: 3.0 },
    { label: "product + substractmatch_pf_plus", intersection: "product", difference: "substractmatch_pf_plus", ab: 2.8, ba: 2.2 },
    { label: "min (official aggregate) + ignorematch", intersection: "min", difference: "ignorematch", ab: 2.8, ba: 2.2 },
    { label: "max (official aggregate) + ignorematch", intersection: "max", difference: "ignorematch", ab: 2.8, ba: 2.2 },
    { label: "mean + ignorematch", intersection: "mean", difference: "ignorematch", ab: 2.8, ba: 2.2 },
    { label: "gmean (official aggregate) + ignorematch", intersection: "gmean", difference: "ignorematch", ab: 2.8, ba: 2.2 },
    { label: "softmin (official) + ignorematch", intersection: "softmin", difference: "ignorematch", ab: 3 - Math.LN2 - 0.2, ba: 3 - Math.LN2 - 0.8 },
    { label: "min per-feature + ignorematch", intersection: "min_pf", difference: "ignorematch", ab: 1.8, ba: 1.2 },
    { label: "max per-feature + ignorematch", intersection: "max_pf", difference: "ignorematch", ab: 3.8, ba: 3.2 },
  ] as { label: string; intersection: IntersectionReduction; difference: DifferenceReduction; ab: number; ba: number }[],
};

/** S(a,b) and S(b,a) of the hand example for every variant, and the two saliences. */
export function handExample(): { label: string; ab: number; ba: number; expectedAb: number; expectedBa: number }[] {
  const h = HAND_EXAMPLE;
  return tf.tidy(() => {
    const F = tf.tensor2d(h.F), a = tf.tensor2d([h.a]), b = tf.tensor2d([h.b]);
    return h.variants.map((v) => {
      const o = { intersection: v.intersection, difference: v.difference };
      return {
        label: v.label,
        ab: tverskySimilarity(a, b, F, h.theta, h.alpha, h.beta, o).dataSync()[0]!,
        ba: tverskySimilarity(b, a, F, h.theta, h.alpha, h.beta, o).dataSync()[0]!,
        expectedAb: v.ab,
        expectedBa: v.ba,
      };
    });
  });
}

/** The hand example's saliences f(A), f(B). */
export function handSalience(): number[] {
  const h = HAND_EXAMPLE;
  return tf.tidy(() => Array.from(salience(tf.tensor2d([h.a, h.b]), tf.tensor2d(h.F)).dataSync()));
}

/**
 * max |S − Sᵀ| of the all-pairs matrix S(x, x) for random x, with α = β (should be ~0) and α ≠ β,
 * for every official reduction pair (notes §10 item 2).
 */
export function symmetryCheck(rng: Rng, n = 6, d = 4, K = 8): { label: string; symmetricGap: number; asymmetricGap: number }[] {
  const x = rng.normals(n * d), F = rng.normals(K * d);
  return OFFICIAL_INTERSECTIONS.flatMap((intersection) =>
    OFFICIAL_DIFFERENCES.map((difference) =>
      tf.tidy(() => {
        const X = tf.tensor2d(x, [n, d]), Fb = tf.tensor2d(F, [K, d]);
        const o: TverskyOptions = { intersection, difference, gmeanEps: 1e-8 };
        const gap = (alpha: number, beta: number) => {
          const S = tverskySimilarity(X, X, Fb, 1, alpha, beta, o);
          return tf.max(tf.abs(tf.sub(S, tf.transpose(S)))).dataSync()[0]!;
        };
        return { label: `${intersection}+${difference}`, symmetricGap: gap(0.5, 0.5), asymmetricGap: gap(0.8, 0.2) };
      }),
    ),
  );
}

/**
 * The official MNIST test network (notes §3): conv 1→12→12, maxpool, conv 12→12→12, maxpool,
 * conv 12→12→36 (3×3 "same"), global mean pool → TverskyProjection(36 → 10, K = 36). Built only
 * to count its parameters (10,935 in the official report).
 */
export function officialMnistNet(seed: number): tf.LayersModel {
  const conv = (filters: number, relu: boolean, inputShape?: number[]) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: "same", activation: relu ? "relu" : "linear", ...(inputShape ? { inputShape } : {}) });
  return tf.sequential({
    layers: [
      conv(12, true, [28, 28, 1]),
      conv(12, false),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(12, true),
      conv(12, false),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(12, true),
      conv(36, false),
      tf.layers.globalAveragePooling2d({}),
      new TverskyProjection({ units: 10, featureCount: 36, init: "uniform", seed }),
    ],
  });
}

/** Two d → d projections, with their own banks or sharing the first one's (notes §10 item 15). */
export function sharingModels(d: number, K: number, seed: number): { separate: number; shared: number; linear: number } {
  const rng = new Rng(seed);
  const build = (share: boolean) => {
    const first = new TverskyProjection({ units: d, featureCount: K, seed: rng.nextSeed() });
    const second = new TverskyProjection({ units: d, featureCount: K, seed: rng.nextSeed(), ...(share ? { featureBankFrom: first } : {}) });
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [d] }), first, second] });
    const n = model.countParams();
    model.dispose();
    return n;
  };
  const lin = tf.sequential({ layers: [tf.layers.dense({ units: d, inputShape: [d] }), tf.layers.dense({ units: d })] });
  const linear = lin.countParams();
  lin.dispose();
  return { separate: build(false), shared: build(true), linear };
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
 * One Adam step (autodiff through the layer, then the update) through a TverskyProjection for every reduction pair of the API
 * (notes §10 item 16), on inputs whose pairs all share a feature (so official gmean is finite).
 */
export function stepEveryReduction(seed: number): ReductionStep[] {
  const rng = new Rng(seed);
  const d = 3, n = 8, p = 3, K = 6;
  const x = rng.uniforms(n * d, 0.1, 1);
  return INTERSECTIONS.flatMap((intersection) =>
    DIFFERENCES.map((difference) => {
      const layer = new TverskyProjection({ units: p, featureCount: K, init: "uniform", seed: rng.nextSeed(), intersection, difference });
      const X = tf.tensor2d(x, [n, d]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % p), "int32"), p));
      const loss = () => tf.losses.softmaxCrossEntropy(y, layer.apply(X) as tf.Tensor) as tf.Scalar;
      let opt: BatchedAdam | undefined;
      try {
        const before = tf.tidy(() => loss().dataSync()[0]!);
        const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        // the optimizer of every experiment here (tf.train optimizers keep a tensor after dispose())
        opt = new BatchedAdam(vars, { lr: 0.01 });
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
    const x = tf.tensor2d([[0, 0], [1, 0.5]]);
    const P = tf.tensor2d([[0.4, 0.9], [0.7, 0.2]]);
    const F = tf.tensor2d([[1, 0.2], [0.3, 1]]);
    const S = (eps: number) => (Fv: tf.Tensor) => tf.sum(tverskySimilarity(x, P, Fv, 1, 0.5, 0.5, { intersection: "gmean", gmeanEps: eps }));
    const forwardFinite = Number.isFinite(S(0)(F).dataSync()[0]!);
    const finite = (g: tf.Tensor) => g.dataSync().every((v) => Number.isFinite(v));
    return { forwardFinite, officialGradFinite: finite(tf.grad(S(0))(F)), epsGradFinite: finite(tf.grad(S(1e-8))(F)) };
  });
}
