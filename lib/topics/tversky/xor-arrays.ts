/**
 * The XOR batch's whole training step on plain arrays: masked bank, normalised prototypes, the
 * Tversky similarity, the summed cross-entropy, every gradient and the Adam update, in one pass
 * with no tfjs op. The tensor engine (xor.ts) spends a step on ~340 tfjs kernels of ~20 µs each
 * (docs/performance.md) while the arithmetic of 972 runs is a few hundred µs; here only the
 * arithmetic is left.
 *
 * Same function and conventions as the tensor engine: the similarity and its gradient are fused.ts's
 * (float64 inside, rounded once to float32); the cross-entropy, the normalisation and their
 * gradients are taken in float64 here; parameters and Adam's moments stay float32 and the update is
 * ArrayAdam, which is the tensor Adam bit for bit. Masks enter as multiplications, as in the tensor
 * engine, so a NaN gradient (official gmean on an empty intersection) spreads over its own run and
 * never to another. The two engines differ by float32 rounding of the gradient, which over
 * thousands of steps of a chaotic training changes which runs converge: a study picks one engine
 * for good (lib/studies/tversky/kernel.ts) and re-runs in full when it changes.
 * Tested against the tensor engine (loss, every gradient, a few steps) and against float64 finite
 * differences of the loss, in test/topics/tversky/xor-arrays.test.ts.
 */
import { ArrayAdam } from "../../core/adam-arrays";
import { similarityForward, similarityBackward, type Dims } from "./fused";
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

// l2Normalize's floor (similarity.ts): x·rsqrt(relu(‖x‖² − ε²) + ε²), ε = 1e-12
const EPS2 = 1e-24;

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
}

/** The pieces of one evaluation at the current parameters. */
class XorEvaluator {
  private readonly dm: Dims;
  private readonly o;
  /** Masked bank, prototypes as used (normalised where asked), and the coefficients in float64. */
  private readonly Fe: Float32Array;
  private readonly Pe: Float64Array;
  private readonly th: Float64Array;
  private readonly al: Float64Array;
  private readonly be: Float64Array;
  /** ∂loss/∂S [R, 4, 2]. */
  private readonly dS: Float64Array;

  constructor(
    private readonly lay: XorLayout,
    s: Pick<XorArraySettings, "intersection" | "difference" | "gmeanEps">,
  ) {
    const { R, Kmax } = lay;
    this.dm = { R, n: 4, m: 2, K: Kmax, d: 2 };
    this.o = resolveOptions({ intersection: s.intersection, difference: s.difference, gmeanEps: s.gmeanEps });
    this.Fe = new Float32Array(R * Kmax * 2);
    this.Pe = new Float64Array(R * 4);
    this.th = new Float64Array(R);
    this.al = new Float64Array(R);
    this.be = new Float64Array(R);
    this.dS = new Float64Array(R * 8);
  }

  private load(p: XorParams): void {
    const { fmask, nflag, R, Kmax } = this.lay;
    for (let q = 0; q < R * Kmax; q++) {
      this.Fe[2 * q] = p.F[2 * q]! * fmask[q]!;
      this.Fe[2 * q + 1] = p.F[2 * q + 1]! * fmask[q]!;
    }
    for (let q = 0; q < 2 * R; q++) {
      const a = p.P[2 * q]!,
        b = p.P[2 * q + 1]!;
      const scale = nflag[q >> 1] === 1 ? 1 / Math.sqrt(relu(a * a + b * b - EPS2) + EPS2) : 1;
      this.Pe[2 * q] = a * scale;
      this.Pe[2 * q + 1] = b * scale;
    }
    for (let r = 0; r < R; r++) {
      this.th[r] = p.theta[r]!;
      this.al[r] = p.alpha[r]!;
      this.be[r] = p.beta[r]!;
    }
  }

  /** The logits [R, 4, 2] at `p`. */
  logits(p: XorParams): Float32Array {
    this.load(p);
    return similarityForward(this.o, this.dm, this.lay.X, this.Pe, this.Fe, this.th, this.al, this.be).S;
  }

  /** Σ_runs mean_i CE at `p`, and its gradient written into `grad` (laid out as p.all). */
  lossAndGradient(p: XorParams, grad: XorParams): number {
    this.load(p);
    const { R, Kmax, X, onehot, fmask, nflag } = this.lay;
    const fw = similarityForward(this.o, this.dm, X, this.Pe, this.Fe, this.th, this.al, this.be);
    const S = fw.S;
    let loss = 0;
    for (let q = 0; q < 4 * R; q++) {
      const l0 = S[2 * q]!,
        l1 = S[2 * q + 1]!;
      const top = Math.max(l0, l1);
      const e0 = Math.exp(l0 - top),
        e1 = Math.exp(l1 - top);
      const lse = top + Math.log(e0 + e1);
      const y0 = onehot[2 * (q & 3)]!,
        y1 = onehot[2 * (q & 3) + 1]!;
      loss -= (y0 * (l0 - lse) + y1 * (l1 - lse)) / 4;
      // ∂/∂l_c of −Σ_c y_c (l_c − lse) / 4 = (softmax_c · Σy − y_c) / 4
      const sy = y0 + y1;
      this.dS[2 * q] = ((e0 / (e0 + e1)) * sy - y0) / 4;
      this.dS[2 * q + 1] = ((e1 / (e0 + e1)) * sy - y1) / 4;
    }
    const g = similarityBackward(this.o, this.dm, fw, X, this.Pe, this.Fe, this.th, this.al, this.be, this.dS);
    for (let q = 0; q < R * Kmax; q++) {
      grad.F[2 * q] = g.dF[2 * q]! * fmask[q]!;
      grad.F[2 * q + 1] = g.dF[2 * q + 1]! * fmask[q]!;
    }
    // through y = x / max(‖x‖, ε): ∂/∂x = g/q½ − (g·x) x/q^{3/2} · 1[‖x‖² > ε²], q = relu(‖x‖² − ε²) + ε²
    for (let q = 0; q < 2 * R; q++) {
      const ga = g.dy[2 * q]!,
        gb = g.dy[2 * q + 1]!;
      if (nflag[q >> 1] !== 1) {
        grad.P[2 * q] = ga;
        grad.P[2 * q + 1] = gb;
        continue;
      }
      const a = p.P[2 * q]!,
        b = p.P[2 * q + 1]!;
      const s = a * a + b * b;
      const inv = 1 / Math.sqrt(relu(s - EPS2) + EPS2);
      const radial = s - EPS2 > 0 ? (ga * a + gb * b) * inv * inv * inv : 0;
      grad.P[2 * q] = ga * inv - radial * a;
      grad.P[2 * q + 1] = gb * inv - radial * b;
    }
    grad.theta.set(g.dth);
    grad.alpha.set(g.dal);
    grad.beta.set(g.dbe);
    return loss;
  }
}

const relu = (v: number) => (v > 0 ? v : v <= 0 ? 0 : v);

/** Trains the batch for `s.steps` full-batch Adam steps; the arrays engine of trainXorBatch. */
export function trainXorArrays(lay: XorLayout, s: XorArraySettings): XorTrained {
  const { R, Kmax } = lay;
  const p = new XorParams(R, Kmax);
  p.F.set(lay.F0);
  p.P.set(lay.P0);
  p.theta.fill(s.thetaInit);
  p.alpha.fill(s.alphaInit);
  p.beta.fill(s.betaInit);
  const grad = new XorParams(R, Kmax);
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
  const p = new XorParams(lay.R, lay.Kmax);
  p.F.set(lay.F0);
  p.P.set(lay.P0);
  p.theta.fill(s.thetaInit);
  p.alpha.fill(s.alphaInit);
  p.beta.fill(s.betaInit);
  const grad = new XorParams(lay.R, lay.Kmax);
  const loss = new XorEvaluator(lay, s).lossAndGradient(p, grad);
  return { loss, grad: grad.all };
}
