/**
 * The XOR batch's whole training step on plain arrays: masked bank, normalised prototypes, the
 * Tversky similarity, the summed cross-entropy, every gradient and the Adam update, in one pass
 * with no tfjs op. The tensor engine (xor.ts) spends a step on ~340 tfjs kernels of ~20 µs each
 * (docs/performance.md) while the arithmetic of 972 runs is a few hundred µs; here only the
 * arithmetic is left.
 *
 * Same function and conventions as the tensor engine: the similarity and its gradient are fused.ts's
 * (float64 inside, rounded once to float32); the prototypes' normalisation and its gradient are
 * float64; the cross-entropy and its gradient are float32, as in PyTorch (crossEntropyF32 says why);
 * parameters and Adam's moments stay float32 and the update is ArrayAdam, which is the tensor Adam
 * bit for bit. Masks enter as multiplications, as in the tensor
 * engine, so a NaN gradient (official gmean on an empty intersection) spreads over its own run and
 * never to another. The two engines differ by float32 rounding of the gradient, which over
 * thousands of steps of a chaotic training changes which runs converge: a study picks one engine
 * for good (lib/studies/tversky/kernel.ts) and re-runs in full when it changes.
 * Tested against the tensor engine (loss, every gradient, a few steps) and against float64 finite
 * differences of the loss, in test/topics/tversky/xor-arrays.test.ts.
 */
import { ArrayAdam } from "../../core/adam-arrays";
import { crossEntropyF32, normaliseRows, normaliseRowsBackward } from "./arrays";
import { SimilarityWork, similarityBackward, similarityForward, type Dims } from "./fused";
import { resolveOptions, type DifferenceReduction, type IntersectionReduction } from "./options";

/** A batch of XOR runs laid out as trainXorBatch lays it out (bank padded to Kmax, row-major). */
export interface XorLayout {
  R: number;
  Kmax: number;
  /** Initial bank [R, Kmax, 2] (zero rows past a run's K) and prototypes [R, 2, 2]. */
  F0: Float32Array;
  P0: Float32Array;
  /** 1 for a run's K real features, 0 for the padding, [R, Kmax]. */
  fmask: Float32Array;
  /** 1 when the run normalises (inputs already are; prototypes are at every step), [R]. */
  nflag: Float32Array;
  /** The 4 inputs of each run [R, 4, 2]. */
  X: Float32Array;
  /** Labels as one-hot rows [4, 2]. */
  onehot: Float32Array;
}

export interface XorArraySettings {
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
  gmeanEps: number;
  lr: number;
  steps: number;
  thetaInit: number;
  alphaInit: number;
  betaInit: number;
}

/** Final parameters (float32, as the tensor engine's variables) and the final logits [R, 4, 2]. */
export interface XorTrained {
  logits: Float32Array;
  F: Float32Array;
  P: Float32Array;
  theta: Float32Array;
  alpha: Float32Array;
  beta: Float32Array;
}

/** One batch's parameters in one vector, in the tensor engine's variable order (F, Π, θ, α, β). */
class XorParams {
  readonly all: Float32Array;
  readonly F: Float32Array;
  readonly P: Float32Array;
  readonly theta: Float32Array;
  readonly alpha: Float32Array;
  readonly beta: Float32Array;
  constructor(R: number, Kmax: number) {
    const nF = R * Kmax * 2;
    this.all = new Float32Array(nF + 4 * R + 3 * R);
    this.F = this.all.subarray(0, nF);
    this.P = this.all.subarray(nF, nF + 4 * R);
    this.theta = this.all.subarray(nF + 4 * R, nF + 5 * R);
    this.alpha = this.all.subarray(nF + 5 * R, nF + 6 * R);
    this.beta = this.all.subarray(nF + 6 * R, nF + 7 * R);
  }

  /** The batch's initial parameters: its bank and prototypes, and θ, α, β as set. */
  static initial(lay: XorLayout, s: Pick<XorArraySettings, "thetaInit" | "alphaInit" | "betaInit">): XorParams {
    const p = new XorParams(lay.R, lay.Kmax);
    p.F.set(lay.F0);
    p.P.set(lay.P0);
    p.theta.fill(s.thetaInit);
    p.alpha.fill(s.alphaInit);
    p.beta.fill(s.betaInit);
    return p;
  }
}

/** The pieces of one evaluation at the current parameters. */
class XorEvaluator {
  private readonly dm: Dims;
  private readonly o;
  /** Masked bank, prototypes as used (normalised where asked), and the coefficients in float64. */
  private readonly Fe: Float32Array;
  private readonly Pe: Float64Array;
  /** Every prototype normalised, and a scratch for the gradient through the normalisation. */
  private readonly Pn: Float64Array;
  private readonly dPn: Float64Array;
  private readonly th: Float64Array;
  private readonly al: Float64Array;
  private readonly be: Float64Array;
  /** ∂loss/∂S [R, 4, 2], and the one-hot labels of every run. */
  private readonly dS: Float64Array;
  private readonly y: Float32Array;
  /** The similarity kernels' scratch, kept from step to step. */
  private readonly work = new SimilarityWork();

  constructor(
    private readonly lay: XorLayout,
    s: Pick<XorArraySettings, "intersection" | "difference" | "gmeanEps">,
  ) {
    const { R, Kmax } = lay;
    this.dm = { R, n: 4, m: 2, K: Kmax, d: 2 };
    this.o = resolveOptions({ intersection: s.intersection, difference: s.difference, gmeanEps: s.gmeanEps });
    this.Fe = new Float32Array(R * Kmax * 2);
    this.Pe = new Float64Array(R * 4);
    this.Pn = new Float64Array(R * 4);
    this.dPn = new Float64Array(R * 4);
    this.th = new Float64Array(R);
    this.al = new Float64Array(R);
    this.be = new Float64Array(R);
    this.dS = new Float64Array(R * 8);
    this.y = new Float32Array(R * 8);
    for (let r = 0; r < R; r++) this.y.set(lay.onehot, r * 8);
  }

  private load(p: XorParams): void {
    const { fmask, nflag, R, Kmax } = this.lay;
    for (let q = 0; q < R * Kmax; q++) {
      this.Fe[2 * q] = p.F[2 * q]! * fmask[q]!;
      this.Fe[2 * q + 1] = p.F[2 * q + 1]! * fmask[q]!;
    }
    normaliseRows(p.P, 2 * R, 2, this.Pn);
    for (let q = 0; q < 4 * R; q++) this.Pe[q] = nflag[q >> 2] === 1 ? this.Pn[q]! : p.P[q]!;
    for (let r = 0; r < R; r++) {
      this.th[r] = p.theta[r]!;
      this.al[r] = p.alpha[r]!;
      this.be[r] = p.beta[r]!;
    }
  }

  /** The logits [R, 4, 2] at `p`. */
  logits(p: XorParams): Float32Array {
    this.load(p);
    return similarityForward(this.o, this.dm, this.lay.X, this.Pe, this.Fe, this.th, this.al, this.be, this.work).S;
  }

  /** Σ_runs mean_i CE at `p`, and its gradient written into `grad` (laid out as p.all). */
  lossAndGradient(p: XorParams, grad: XorParams): number {
    this.load(p);
    const { R, Kmax, X, fmask, nflag } = this.lay;
    const fw = similarityForward(this.o, this.dm, X, this.Pe, this.Fe, this.th, this.al, this.be, this.work);
    const S = fw.S;
    const loss = crossEntropyF32({ logits: S, y: this.y, rows: 4 * R, classes: 2, perRun: 4 }, this.dS);
    const g = similarityBackward(this.o, this.dm, fw, X, this.Pe, this.Fe, this.th, this.al, this.be, this.dS, this.work);
    for (let q = 0; q < R * Kmax; q++) {
      grad.F[2 * q] = g.dF[2 * q]! * fmask[q]!;
      grad.F[2 * q + 1] = g.dF[2 * q + 1]! * fmask[q]!;
    }
    // the normalised runs' prototype gradients go back through the normalisation
    this.dPn.set(g.dy);
    normaliseRowsBackward(p.P, 2 * R, 2, this.dPn);
    for (let q = 0; q < 4 * R; q++) grad.P[q] = nflag[q >> 2] === 1 ? this.dPn[q]! : g.dy[q]!;
    grad.theta.set(g.dth);
    grad.alpha.set(g.dal);
    grad.beta.set(g.dbe);
    return loss;
  }
}

/** Trains the batch for `s.steps` full-batch Adam steps; the arrays engine of trainXorBatch. */
export function trainXorArrays(lay: XorLayout, s: XorArraySettings): XorTrained {
  const p = XorParams.initial(lay, s);
  const grad = new XorParams(lay.R, lay.Kmax);
  const ev = new XorEvaluator(lay, s);
  // "reciprocal": the tensor engine's float32 op order (xor.ts)
  const adam = new ArrayAdam(p.all.length, { lr: s.lr, arithmetic: "reciprocal" });
  for (let step = 0; step < s.steps; step++) {
    ev.lossAndGradient(p, grad);
    adam.step(p.all, grad.all);
  }
  return { logits: ev.logits(p), F: p.F, P: p.P, theta: p.theta, alpha: p.alpha, beta: p.beta };
}

/** Loss and gradient (F, Π, θ, α, β in one vector) of the batch at its initial parameters; for tests and the bench. */
export function xorArraysLossAndGradient(lay: XorLayout, s: Omit<XorArraySettings, "lr" | "steps">): { loss: number; grad: Float32Array } {
  const p = XorParams.initial(lay, s);
  const grad = new XorParams(lay.R, lay.Kmax);
  const loss = new XorEvaluator(lay, s).lossAndGradient(p, grad);
  return { loss, grad: grad.all };
}
