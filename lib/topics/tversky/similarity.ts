/**
 * The differentiable Tversky contrast model (notes §1.3-§1.9), written as batched 2-D matmuls so
 * the same code serves one layer ([n,d] inputs) and many independent runs trained together
 * ([R,n,d] inputs with a leading run dimension; see xor.ts).
 *
 *   A = x Fᵀ, B = y Fᵀ, memberships M = 1[A > threshold] (tf.step: strict, zero gradient),
 *   measures w = A ⊙ M.   S = θ·I − α·D(x,y) − β·D(y,x)ᵀ   (contrast), or I/(I + αD_ab + βD_ba + 1).
 *
 * Indicators are constants for autodiff, exactly as the official `(dot > threshold).float()`.
 */
import { tf } from "../../core/tf";
import { fusedTverskySimilarity } from "./fused";
import { needsPerFeature, resolveOptions, type ResolvedOptions, type TverskyOptions } from "./options";

type T = tf.Tensor;
/** θ, α, β: numbers, scalars, or tensors broadcastable to the [..., n, m] output (e.g. [R,1,1]). */
export type Coef = number | tf.Tensor;

/** Projection of objects onto the bank: dot products, membership mask, masked measures. */
export interface Projection {
  /** x·f_k, shape [..., n, K]. */
  dot: T;
  /** 1[x·f_k > threshold] (float, constant for autodiff). */
  mask: T;
  /** dot ⊙ mask: the measure of each present feature. */
  measure: T;
}

/** The three measures of the contrast model, all oriented [..., n, m] (row = x, column = y). */
export interface TverskyTerms {
  /** f(X ∩ Y) under the chosen intersection reduction. */
  I: T;
  /** f(X − Y): the input's distinctive features (weighted by α). */
  Dab: T;
  /** f(Y − X), transposed to [..., n, m]: the prototype's distinctive features (weighted by β). */
  Dba: T;
  maskX: T;
  maskY: T;
}

/** torch.nn.functional.normalize(x, dim=-1) (eps 1e-12), with a zero (not NaN) gradient at x = 0. */
export function l2Normalize(x: T): T {
  return tf.tidy(() => {
    const eps2 = 1e-24;
    const sumsq = tf.sum(tf.square(x), -1, true);
    // max(‖x‖, eps) written as relu(·) + eps: tf.maximum's gradient breaks under broadcasting (§9.10)
    return tf.mul(x, tf.rsqrt(tf.add(tf.relu(tf.sub(sumsq, eps2)), eps2)));
  });
}

/** Projects objects x [..., n, d] on the bank `features` [..., K, d] (§1.2). */
export function project(a: { x: T; features: T; threshold?: number }): Projection {
  const threshold = a.threshold ?? 0;
  const dot = tf.matMul(a.x, a.features, false, true);
  const mask = tf.step(threshold === 0 ? dot : tf.sub(dot, threshold));
  return { dot, mask, measure: tf.mul(dot, mask) };
}

/** Salience f(X) = Σ_k (x·f_k)·1[x·f_k > threshold] (eq. 2 per [S]; official relu(xFᵀ).sum(-1)). */
export function salience(a: { x: T; features: T; threshold?: number }): T {
  checkShapes(a.x, a.x, a.features);
  return tf.tidy(() => tf.sum(project(a).measure, -1));
}

/**
 * The objects compared and the learned parameters, by name: the official code's argument order
 * (x, features, prototypes, …) differs from the paper's S(a, Π), so nothing here is positional.
 */
export interface TverskyInputs {
  /** Inputs a, [..., n, d]. */
  x: T;
  /** Prototypes Π (or any second set of objects), [..., m, d]. */
  prototypes: T;
  /** Feature bank Ω, [..., K, d]. */
  features: T;
}

/** θ, α, β of the contrast model (θ·I − α·D(a,Π) − β·D(Π,a)); the ratio model ignores θ. */
export interface TverskyCoefficients {
  theta: Coef;
  alpha: Coef;
  beta: Coef;
}

/** The terms I, D(x,Π), D(Π,x)ᵀ for x [..., n, d], Π [..., m, d], Ω [..., K, d] (§1.4, §1.5). */
export function tverskyTerms(a: TverskyInputs & TverskyOptions): TverskyTerms {
  const o = resolveOptions(a);
  let x = a.x,
    y = a.prototypes;
  const F = a.features;
  checkShapes(x, y, F);
  if (o.normalize) {
    x = l2Normalize(x);
    y = l2Normalize(y);
  }
  const X = project({ x, features: F, threshold: o.threshold });
  const Y = project({ x: y, features: F, threshold: o.threshold });
  const wX = X.measure,
    wY = Y.measure,
    mX = X.mask,
    mY = Y.mask;
  // common-feature sums of the official aggregate reductions: Ia = Σ_{k∈X∩Y} x·f_k, Ib = Σ y·f_k
  const Ia = tf.matMul(wX, mY, false, true);
  const Ib = tf.matMul(mX, wY, false, true);
  const pf = needsPerFeature(o) ? perFeature(wX, wY, mX, mY) : undefined;

  let I: T;
  switch (o.intersection) {
    case "product":
      I = tf.matMul(wX, wY, false, true);
      break;
    case "min":
      I = tf.minimum(Ia, Ib);
      break;
    case "max":
      I = tf.maximum(Ia, Ib);
      break;
    case "mean":
      I = tf.mul(tf.add(Ia, Ib), 0.5);
      break;
    case "gmean":
      I = geometricMean(Ia, Ib, o.gmeanEps);
      break;
    case "softmin":
      I = softmin(Ia, Ib);
      break;
    case "min_pf":
      I = pf!.sum(tf.minimum(pf!.a, pf!.b));
      break;
    case "max_pf":
      I = pf!.sum(tf.maximum(pf!.a, pf!.b));
      break;
    case "gmean_pf":
      I = pf!.sum(pf!.jointGeometricMean(o.gmeanEps));
      break;
    case "softmin_pf":
      I = pf!.sum(softmin(pf!.a, pf!.b));
      break;
  }

  // eq. 4: features of x that y lacks, and of y that x lacks (already in [n, m] orientation)
  let Dab = tf.matMul(wX, tf.sub(1, mY), false, true);
  let Dba = tf.matMul(tf.sub(1, mX), wY, false, true);
  if (o.difference === "substractmatch") {
    // official: the comparison Ia > Ib is made on the aggregates, relu(Ia − Ib) = (Ia − Ib)·1[Ia > Ib]
    const d = tf.sub(Ia, Ib);
    Dab = tf.add(Dab, tf.relu(d));
    Dba = tf.add(Dba, tf.relu(tf.neg(d)));
  } else if (o.difference === "substractmatch_pf" || o.difference === "substractmatch_pf_plus") {
    const exA = pf!.sum(tf.relu(tf.sub(pf!.a, pf!.b)));
    const exB = pf!.sum(tf.relu(tf.sub(pf!.b, pf!.a)));
    Dab = o.difference === "substractmatch_pf" ? exA : tf.add(Dab, exA);
    Dba = o.difference === "substractmatch_pf" ? exB : tf.add(Dba, exB);
  }
  return { I, Dab, Dba, maskX: mX, maskY: mY };
}

/**
 * All-pairs Tversky similarity S(x_i, Π_j) (eq. 6 per [S]; official similarity_contrast_model /
 * similarity_ratio_model). x [..., n, d], Π [..., m, d], Ω [..., K, d] → [..., n, m].
 *
 *   tverskySimilarity({ x, prototypes, features, theta: 1, alpha: 0.5, beta: 0.5, difference: "substractmatch" })
 *
 * With `fused: true` the same function and its gradient run as one custom op (fused.ts).
 */
export function tverskySimilarity(a: TverskyInputs & TverskyCoefficients & TverskyOptions): T {
  const o = resolveOptions(a);
  if (o.fused) {
    const fused = tf.tidy(() => {
      checkShapes(a.x, a.prototypes, a.features);
      const coef = (c: Coef) => (typeof c === "number" ? tf.scalar(c) : c);
      return fusedTverskySimilarity(
        {
          x: o.normalize ? l2Normalize(a.x) : a.x,
          prototypes: o.normalize ? l2Normalize(a.prototypes) : a.prototypes,
          features: a.features,
          theta: coef(a.theta),
          alpha: coef(a.alpha),
          beta: coef(a.beta),
        },
        o,
      );
    });
    // coefficients of another shape (e.g. per pair) go through the composition
    if (fused !== undefined) return fused;
  }
  return tf.tidy(() => combine(tverskyTerms(a), { theta: a.theta, alpha: a.alpha, beta: a.beta, model: o.model }));
}

/** Contrast or ratio combination of the terms. */
export function combine(t: Pick<TverskyTerms, "I" | "Dab" | "Dba">, c: TverskyCoefficients & Pick<ResolvedOptions, "model">): T {
  const aD = tf.mul(c.alpha, t.Dab);
  const bD = tf.mul(c.beta, t.Dba);
  const theta = c.theta;
  if (c.model === "ratio") {
    // official: I / (I + α D_ab + β D_ba + 1); θ is unused
    return tf.div(t.I, tf.add(tf.add(tf.add(t.I, aD), bD), 1));
  }
  return tf.sub(tf.sub(tf.mul(theta, t.I), aD), bD);
}

/** exp((log a + log b)/2); with eps = 0 (official) a zero operand gives value 0 and NaN gradients. */
function geometricMean(a: T, b: T, eps: number): T {
  const la = tf.log(eps > 0 ? tf.add(a, eps) : a);
  const lb = tf.log(eps > 0 ? tf.add(b, eps) : b);
  return tf.exp(tf.mul(tf.add(la, lb), 0.5));
}

/** Official softmin: −logsumexp(−a, −b), a soft minimum ≤ min(a, b). */
function softmin(a: T, b: T): T {
  return tf.neg(tf.logSumExp(tf.stack([tf.neg(a), tf.neg(b)]), 0));
}

interface PerFeature {
  /** x's measures broadcast to [..., n, m, K]. */
  a: T;
  b: T;
  /** Σ_k over jointly present features → [..., n, m]. */
  sum(perFeatureTerm: T): T;
  /**
   * √(a_k b_k) on joint features, 0 elsewhere, with finite gradients: the per-feature form only
   * takes logs of present (positive) measures, so unlike the official aggregate gmean it has no
   * log 0 (non-joint entries are replaced by 1 before the log, by arithmetic on the 0/1 mask so
   * the tape sees only ops with gradients, and masked after).
   */
  jointGeometricMean(eps: number): T;
}

/**
 * The [..., n, m, K] intermediate of the per-feature forms (memory O(n·m·K)). Both operands are
 * broadcast explicitly: tf.minimum/maximum gradients throw under implicit broadcasting (§9.10).
 */
function perFeature(wX: T, wY: T, mX: T, mY: T): PerFeature {
  const r = wX.rank;
  const shape = [...wX.shape.slice(0, -1), wY.shape[r - 2]!, wX.shape[r - 1]!];
  const spreadX = (t: T) => tf.broadcastTo(tf.expandDims(t, r - 1), shape);
  const spreadY = (t: T) => tf.broadcastTo(tf.expandDims(t, r - 2), shape);
  const joint = tf.mul(spreadX(mX), spreadY(mY));
  const a = spreadX(wX),
    b = spreadY(wY);
  const absentToOne = (t: T) => tf.add(tf.mul(t, joint), tf.sub(1, joint));
  return {
    a,
    b,
    sum: (term) => tf.sum(tf.mul(term, joint), -1),
    jointGeometricMean: (eps) => {
      return tf.mul(geometricMean(absentToOne(a), absentToOne(b), eps), joint);
    },
  };
}

/** Shapes: x [..., n, d], y [..., m, d], F [..., K, d], same rank (2, or 3 with equal run counts). */
export function checkShapes(x: T, y: T, F: T): void {
  const names: [string, T][] = [
    ["x", x],
    ["y", y],
    ["F (feature bank)", F],
  ];
  for (const [name, t] of names) {
    if (t.rank !== 2 && t.rank !== 3) throw new Error(`Tversky similarity: ${name} must be [n, d] or [runs, n, d], got shape [${t.shape}]`);
    if (t.dtype !== "float32") throw new Error(`Tversky similarity: ${name} must be float32, got ${t.dtype}`);
  }
  if (x.rank !== y.rank || x.rank !== F.rank) {
    throw new Error(`Tversky similarity: x, y and F must have the same rank, got [${x.shape}], [${y.shape}], [${F.shape}]`);
  }
  const d = x.shape[x.rank - 1];
  if (y.shape[y.rank - 1] !== d || F.shape[F.rank - 1] !== d) {
    throw new Error(
      `Tversky similarity: last dimensions differ (x ${x.shape}, y ${y.shape}, F ${F.shape}); all must be the embedding size d`,
    );
  }
  if (x.rank === 3 && (y.shape[0] !== x.shape[0] || F.shape[0] !== x.shape[0])) {
    throw new Error(`Tversky similarity: run counts differ (x ${x.shape[0]}, y ${y.shape[0]}, F ${F.shape[0]})`);
  }
}
