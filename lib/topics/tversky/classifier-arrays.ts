/**
 * A BatchedClassifier's mini-batch step on plain arrays: dense layers (ReLU or not, trainable or
 * frozen), a linear, MLP or Tversky head, the summed cross-entropy, every gradient and the Adam
 * update, with no tfjs op. On the digits sizes the tensor step is ~100 tfjs kernels at ~20 µs each
 * for a few hundred µs of arithmetic (docs/performance.md); here only the arithmetic is left.
 *
 * Same function and conventions as the tensor step (classifier.ts): a layer is x·W + b, ReLU with
 * relu'(0) = 0; the Tversky head is fused.ts's similarity and gradient (float64 inside, S rounded to
 * float32), normalised as l2Normalize when asked; arithmetic in float64, parameters and Adam's
 * moments float32, the update ArrayAdam (the tensor Adam bit for bit). The two steps differ by
 * float32 rounding, so a study picks one for good and re-runs in full when it changes.
 *
 * The products are plain float64 loops (~1 GFLOP/s here), so this pays on small layers (digits: 64
 * inputs, widths ≤ 64) and loses on large ones (Fashion-MNIST's 784 × 64 first layer), where the
 * tensor step's XNNPACK matmuls win: classifier.ts lets the caller choose per fit.
 * Tested against the tensor step and float64 finite differences in
 * test/topics/tversky/classifier-arrays.test.ts.
 */
import { ArrayAdam } from "../../core/adam-arrays";
import { crossEntropyF32, normaliseRows, normaliseRowsBackward, relu } from "./arrays";
import { SimilarityWork, similarityBackward, similarityForward, type Dims } from "./fused";
import type { ResolvedOptions } from "./options";

/** One dense layer of every run: W [R, nIn, nOut], b [R, nOut]. */
export interface DenseArrays {
  w: Float32Array;
  b: Float32Array;
  nIn: number;
  nOut: number;
  relu: boolean;
  trainable: boolean;
}

/** A Tversky head of every run: Π [R, classes, d], Ω [R, K, d], θ, α, β [R]. */
export interface TverskyArrays {
  P: Float32Array;
  F: Float32Array;
  theta: Float32Array;
  alpha: Float32Array;
  beta: Float32Array;
  K: number;
  options: ResolvedOptions;
}

/** The model as arrays: dense layers (encoder, then a dense head's layers), then a Tversky head or none. */
export interface ArrayModel {
  R: number;
  inputDim: number;
  classes: number;
  layers: DenseArrays[];
  tversky?: TverskyArrays;
}

/** Gradients laid out as the trainable parameters: one array per parameter, in the model's order. */
interface ModelGrads {
  layers: { w: Float64Array; b: Float64Array }[];
  P: Float64Array;
  F: Float64Array;
  theta: Float64Array;
  alpha: Float64Array;
  beta: Float64Array;
}

/**
 * Replaces each trainable array of `m` by f(array), in the one order every list of them follows:
 * each trainable layer's W then b, then Π, Ω, θ, α, β.
 */
function replaceTrainable(m: ArrayModel, f: (a: Float32Array) => Float32Array): void {
  for (const l of m.layers) {
    if (!l.trainable) continue;
    l.w = f(l.w);
    l.b = f(l.b);
  }
  const t = m.tversky;
  if (t) {
    t.P = f(t.P);
    t.F = f(t.F);
    t.theta = f(t.theta);
    t.alpha = f(t.alpha);
    t.beta = f(t.beta);
  }
}

/** The trainable arrays of `m`, in order: each trainable layer's W then b, then Π, Ω, θ, α, β. */
export function trainableArrays(m: ArrayModel): Float32Array[] {
  const out: Float32Array[] = [];
  replaceTrainable(m, (a) => {
    out.push(a);
    return a;
  });
  return out;
}

/**
 * Mini-batch Adam on a model held as arrays; one `step` per batch. The model's trainable arrays
 * become views of the trainer's one parameter vector, so Adam updates them in place.
 */
export class ArrayClassifierTrainer {
  /** Every trainable parameter in one vector (the model's arrays are views of it), and its gradient. */
  private readonly flat: Float32Array;
  private readonly gradFlat: Float64Array;
  private readonly sizes: number[];
  private readonly adam: ArrayAdam;
  private readonly grads: ModelGrads;
  /** The similarity kernels' scratch, kept from step to step. */
  private readonly work = new SimilarityWork();

  constructor(
    readonly model: ArrayModel,
    lr: number,
  ) {
    this.sizes = trainableArrays(model).map((a) => a.length);
    const size = this.sizes.reduce((n, k) => n + k, 0);
    if (size === 0) throw new Error("ArrayClassifierTrainer: the model has no trainable parameter");
    this.flat = new Float32Array(size);
    let off = 0;
    replaceTrainable(model, (a) => {
      const view = this.flat.subarray(off, (off += a.length));
      view.set(a);
      return view;
    });
    this.gradFlat = new Float64Array(size);
    // "reciprocal": the tensor step's float32 op order (classifier.ts)
    this.adam = new ArrayAdam(size, { lr, arithmetic: "reciprocal" });
    // the gradients as views of gradFlat, laid out as the parameters (frozen layers get none)
    let g = 0;
    const view = (n: number) => this.gradFlat.subarray(g, (g += n));
    const none = () => new Float64Array(0);
    const tv = model.tversky;
    this.grads = {
      layers: model.layers.map((l) => (l.trainable ? { w: view(l.w.length), b: view(l.b.length) } : { w: none(), b: none() })),
      P: tv ? view(tv.P.length) : none(),
      F: tv ? view(tv.F.length) : none(),
      theta: tv ? view(tv.theta.length) : none(),
      alpha: tv ? view(tv.alpha.length) : none(),
      beta: tv ? view(tv.beta.length) : none(),
    };
  }

  /** Σ_runs mean CE of the batch x [R, B, inputDim], one-hot y [R, B, classes], and its gradient (in this.grads). */
  lossAndGradient(x: Float32Array, y: Float32Array, B: number): number {
    const { R, classes: C, layers, tversky: tv } = this.model;
    // forward: acts[l] is the input of layer l; z[l] its pre-activation
    const acts: Float64Array[] = [Float64Array.from(x.subarray(0, R * B * this.model.inputDim))];
    const zs: Float64Array[] = [];
    for (const l of layers) {
      const z = dense(acts[acts.length - 1]!, l, R, B);
      zs.push(z);
      acts.push(l.relu ? z.map(relu) : z);
    }
    let logits: ArrayLike<number>;
    let head:
      | {
          xh: Float64Array;
          Pe: Float64Array;
          th: Float64Array;
          al: Float64Array;
          be: Float64Array;
          fw: ReturnType<typeof similarityForward>;
        }
      | undefined;
    const d = layers.length > 0 ? layers[layers.length - 1]!.nOut : this.model.inputDim;
    const dm: Dims = { R, n: B, m: C, K: tv?.K ?? 0, d };
    if (tv) {
      let xh = acts[acts.length - 1]!;
      let Pe = Float64Array.from(tv.P);
      if (tv.options.normalize) {
        xh = normaliseRows(xh, R * B, d);
        Pe = normaliseRows(Pe, R * C, d);
      }
      const th = Float64Array.from(tv.theta),
        al = Float64Array.from(tv.alpha),
        be = Float64Array.from(tv.beta);
      const fw = similarityForward(tv.options, dm, xh, Pe, tv.F, th, al, be, this.work);
      head = { xh, Pe, th, al, be, fw };
      logits = fw.S;
    } else logits = acts[acts.length - 1]!;
    // Σ_runs mean_i CE and ∂/∂logits, in float32 as the tensor step (see crossEntropyF32)
    const dL = new Float64Array(R * B * C);
    const loss = crossEntropyF32({ logits, y, rows: R * B, classes: C, perRun: B }, dL);
    // backward
    let dOut: Float64Array = dL;
    const g = this.grads;
    if (tv && head) {
      const gs = similarityBackward(tv.options, dm, head.fw, head.xh, head.Pe, tv.F, head.th, head.al, head.be, dL, this.work);
      const dx = Float64Array.from(gs.dx);
      const dP = Float64Array.from(gs.dy);
      if (tv.options.normalize) {
        normaliseRowsBackward(acts[acts.length - 1]!, R * B, d, dx);
        normaliseRowsBackward(tv.P, R * C, d, dP);
      }
      g.P.set(dP);
      g.F.set(gs.dF);
      g.theta.set(gs.dth);
      g.alpha.set(gs.dal);
      g.beta.set(gs.dbe);
      dOut = dx;
    }
    // the dense layers, last first; the input gradient only while a trainable layer lies below
    const firstTrainable = layers.findIndex((l) => l.trainable);
    for (let li = layers.length - 1; li >= 0 && firstTrainable >= 0 && li >= firstTrainable; li--) {
      const l = layers[li]!;
      const z = zs[li]!;
      if (l.relu) for (let q = 0; q < dOut.length; q++) dOut[q] = dOut[q]! * (z[q]! > 0 ? 1 : 0);
      if (l.trainable) denseParamGrads(acts[li]!, dOut, l, R, B, g.layers[li]!);
      if (li > firstTrainable) dOut = denseInputGrad(dOut, l, R, B);
    }
    return loss;
  }

  /** One Adam step on the batch; returns its loss. */
  step(x: Float32Array, y: Float32Array, B: number): number {
    const loss = this.lossAndGradient(x, y, B);
    this.adam.step(this.flat, this.gradFlat);
    return loss;
  }

  /** The gradients of the last lossAndGradient, one array per trainable parameter (trainableArrays' order). */
  gradArrays(): Float64Array[] {
    let off = 0;
    return this.sizes.map((n) => this.gradFlat.subarray(off, (off += n)));
  }
}

/** x [R, B, nIn] · W [R, nIn, nOut] + b, float64. Zero inputs (ReLU's) are skipped. */
function dense(x: Float64Array, l: DenseArrays, R: number, B: number): Float64Array {
  const { nIn, nOut, w, b } = l;
  const out = new Float64Array(R * B * nOut);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < B; i++) {
      const xo = (r * B + i) * nIn;
      const oo = (r * B + i) * nOut;
      for (let j = 0; j < nOut; j++) out[oo + j] = b[r * nOut + j]!;
      for (let k = 0; k < nIn; k++) {
        const a = x[xo + k]!;
        if (a === 0) continue;
        const wo = (r * nIn + k) * nOut;
        for (let j = 0; j < nOut; j++) out[oo + j]! += a * w[wo + j]!;
      }
    }
  }
  return out;
}

/** ∂W = xᵀ dz and ∂b = Σ_i dz per run, written into g. */
function denseParamGrads(
  x: Float64Array,
  dz: Float64Array,
  l: DenseArrays,
  R: number,
  B: number,
  g: { w: Float64Array; b: Float64Array },
): void {
  const { nIn, nOut } = l;
  g.w.fill(0);
  g.b.fill(0);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < B; i++) {
      const xo = (r * B + i) * nIn;
      const zo = (r * B + i) * nOut;
      for (let j = 0; j < nOut; j++) g.b[r * nOut + j]! += dz[zo + j];
      for (let k = 0; k < nIn; k++) {
        const a = x[xo + k]!;
        if (a === 0) continue;
        const wo = (r * nIn + k) * nOut;
        for (let j = 0; j < nOut; j++) g.w[wo + j]! += a * dz[zo + j]!;
      }
    }
  }
}

/** ∂x = dz Wᵀ per run. */
function denseInputGrad(dz: Float64Array, l: DenseArrays, R: number, B: number): Float64Array {
  const { nIn, nOut, w } = l;
  const out = new Float64Array(R * B * nIn);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < B; i++) {
      const zo = (r * B + i) * nOut;
      const xo = (r * B + i) * nIn;
      for (let k = 0; k < nIn; k++) {
        const wo = (r * nIn + k) * nOut;
        let s = 0;
        for (let j = 0; j < nOut; j++) s += dz[zo + j]! * w[wo + j]!;
        out[xo + k] = s;
      }
    }
  }
  return out;
}
