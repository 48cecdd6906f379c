/**
 * Probing heads on a frozen token set (notes §2.2-2.5):
 * - LP: logits = W c + b on the class token (or the token mean, the code's `gap` mode).
 * - MP: y1 = W1·(first-order summary) + b1, y2 = W2·MHC³(patch tokens) + b2,
 *   logits = (y1 + y2)/2 (the code's combination, check U7), trained jointly.
 * Linear layers start at trunc-normal(0.02) with zero bias, as timm's init does in the code.
 */
import { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { filled, truncNormal } from "./init";
import { type LayerVariable, ProbeLayer, linear, oneInput } from "./layer";
import { MHC3, mhc3OutputDim, mhc3ParamCount, type MHC3Config } from "./mhc3";

/** Where the first-order summary comes from: the class token (ViT), the token mean (CNN/Swin, synthetic sets), or nothing. */
export type FirstOrder = "cls" | "mean" | "none";

function checkTokens(x: tf.Tensor, inDim: number, layer: string): asserts x is tf.Tensor3D {
  if (x.rank !== 3 || x.shape[2] !== inDim) throw new Error(`${layer} expects tokens [batch, tokens, ${inDim}], got [${x.shape}]`);
}

/** First-order summary of tokens [B,T,D]: the class token at index 0, or the mean of the patch tokens. */
export function firstOrderSummary(tokens: tf.Tensor3D, source: "cls" | "mean", hasClsToken: boolean): tf.Tensor2D {
  const [B, T, D] = tokens.shape;
  if (source === "cls" && !hasClsToken) throw new Error(`first-order source "cls" needs a class token at index 0 (hasClsToken: true)`);
  return tf.tidy(() => {
    if (source === "cls") return tf.reshape(tf.slice(tokens, [0, 0, 0], [B, 1, D]), [B, D]);
    const patches = hasClsToken ? tf.slice(tokens, [0, 1, 0], [B, T - 1, D]) : tokens;
    return tf.mean(patches, 1);
  });
}

/** The patch tokens: everything after the class token when there is one. */
export function patchTokens(tokens: tf.Tensor3D, hasClsToken: boolean): tf.Tensor3D {
  if (!hasClsToken) return tokens.clone();
  const [B, T, D] = tokens.shape;
  if (T < 2) throw new Error(`tokens [${tokens.shape}] have a class token but no patch token`);
  return tf.slice(tokens, [0, 1, 0], [B, T - 1, D]);
}

export interface LinearProbeConfig {
  inDim: number;
  numClasses: number;
  /** `cls` (ViT LP, default) or `mean` (the code's `gap` mode). */
  source?: "cls" | "mean";
  /** Whether index 0 of the input tokens is a class token (default true). */
  hasClsToken?: boolean;
  seed?: number;
  name?: string;
}

/** LP head: tokens [B,T,D] -> logits [B,K] (notes §2.2). `forwardFeatures` takes the summary [B,D] directly. */
export class LinearProbe extends ProbeLayer {
  static readonly className = "LinearProbe";
  readonly inDim: number;
  readonly numClasses: number;
  readonly source: "cls" | "mean";
  readonly hasClsToken: boolean;
  readonly w: LayerVariable;
  readonly b: LayerVariable;

  constructor(cfg: LinearProbeConfig) {
    super(cfg.name);
    for (const k of ["inDim", "numClasses"] as const) {
      if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new Error(`LinearProbe ${k} must be a positive integer, got ${cfg[k]}`);
    }
    this.inDim = cfg.inDim;
    this.numClasses = cfg.numClasses;
    this.source = cfg.source ?? "cls";
    this.hasClsToken = cfg.hasClsToken ?? true;
    const rng = new Rng(cfg.seed ?? 0);
    this.w = this.param("kernel", [cfg.inDim, cfg.numClasses], truncNormal(rng, cfg.inDim * cfg.numClasses));
    this.b = this.param("bias", [cfg.numClasses], filled(cfg.numClasses, 0));
    this.markBuilt();
  }

  forwardFeatures(feat: tf.Tensor2D): tf.Tensor2D {
    if (feat.rank !== 2 || feat.shape[1] !== this.inDim)
      throw new Error(`LinearProbe expects features [batch, ${this.inDim}], got [${feat.shape}]`);
    return linear(feat, this.w.read(), this.b.read()) as tf.Tensor2D;
  }

  forward(tokens: tf.Tensor3D): tf.Tensor2D {
    checkTokens(tokens, this.inDim, "LinearProbe");
    return tf.tidy(() => this.forwardFeatures(firstOrderSummary(tokens, this.source, this.hasClsToken)));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.forward(oneInput(inputs, "LinearProbe") as tf.Tensor3D);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, this.numClasses];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), inDim: this.inDim, numClasses: this.numClasses, source: this.source, hasClsToken: this.hasClsToken };
  }
}
tf.serialization.registerClass(LinearProbe);

export interface MomentProbeConfig {
  inDim: number;
  numClasses: number;
  /** MHC³ options; inDim is taken from here. */
  mhc3: Omit<MHC3Config, "inDim">;
  /** ViT: `cls`; CNN/Swin and the synthetic sets: `mean`; `none` = second-order only. */
  firstOrder: FirstOrder;
  /** false => MP reduces to LP (check U7). */
  secondOrder: boolean;
  /** `avg` = (y1 + y2)/2 as in the code; `sum` = y1 + y2. Only used when both branches are on. */
  combine?: "avg" | "sum";
  /** Whether index 0 of the input tokens is a class token (default true). */
  hasClsToken?: boolean;
  seed?: number;
  name?: string;
}

/**
 * Parameter count of an MP head. `classifiersOnly` counts W1, b1, W2, b2 only: that is how the
 * README's "#Params" (3.65M for ViT-B, K=1000) is obtained (notes §2.9, check U2).
 */
export function momentProbeParamCount(cfg: MomentProbeConfig, opts: { classifiersOnly?: boolean } = {}): number {
  const K = cfg.numClasses;
  let n = cfg.firstOrder !== "none" ? cfg.inDim * K + K : 0;
  if (cfg.secondOrder) {
    const m = { ...cfg.mhc3, inDim: cfg.inDim };
    n += mhc3OutputDim(m) * K + K;
    if (!opts.classifiersOnly) n += mhc3ParamCount(m);
  }
  return n;
}

/** MP head: tokens [B,T,D] -> logits [B,K] (notes §2.3-2.5). */
export class MomentProbe extends ProbeLayer {
  static readonly className = "MomentProbe";
  readonly cfg: Required<Omit<MomentProbeConfig, "seed" | "name">>;
  readonly mhc3: MHC3 | null;
  readonly w1: LayerVariable | null;
  readonly b1: LayerVariable | null;
  readonly w2: LayerVariable | null;
  readonly b2: LayerVariable | null;

  constructor(cfg: MomentProbeConfig) {
    super(cfg.name);
    if (!cfg.secondOrder && cfg.firstOrder === "none")
      throw new Error("MomentProbe needs at least one branch: set secondOrder or a firstOrder source");
    if (!["cls", "mean", "none"].includes(cfg.firstOrder))
      throw new Error(`MomentProbe firstOrder must be cls, mean or none, got ${JSON.stringify(cfg.firstOrder)}`);
    const combine = cfg.combine ?? "avg";
    if (combine !== "avg" && combine !== "sum") throw new Error(`MomentProbe combine must be avg or sum, got ${JSON.stringify(combine)}`);
    for (const k of ["inDim", "numClasses"] as const) {
      if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new Error(`MomentProbe ${k} must be a positive integer, got ${cfg[k]}`);
    }
    const hasClsToken = cfg.hasClsToken ?? true;
    if (cfg.firstOrder === "cls" && !hasClsToken) throw new Error(`MomentProbe firstOrder "cls" needs hasClsToken: true`);
    this.cfg = {
      inDim: cfg.inDim,
      numClasses: cfg.numClasses,
      mhc3: cfg.mhc3,
      firstOrder: cfg.firstOrder,
      secondOrder: cfg.secondOrder,
      combine,
      hasClsToken,
    };
    const rng = new Rng(cfg.seed ?? 0);
    const K = cfg.numClasses;
    // one child stream per part, so switching a branch off leaves the other branch's init unchanged
    const rngCls1 = rng.split();
    const rngMhc = rng.split();
    const rngCls2 = rng.split();
    if (cfg.firstOrder !== "none") {
      this.w1 = this.param("classifier1_kernel", [cfg.inDim, K], truncNormal(rngCls1, cfg.inDim * K));
      this.b1 = this.param("classifier1_bias", [K], filled(K, 0));
    } else {
      this.w1 = null;
      this.b1 = null;
    }
    if (cfg.secondOrder) {
      this.mhc3 = this.child(new MHC3({ ...cfg.mhc3, inDim: cfg.inDim, seed: rngMhc.nextSeed() }));
      const F = this.mhc3.outputDim;
      this.w2 = this.param("classifier2_kernel", [F, K], truncNormal(rngCls2, F * K));
      this.b2 = this.param("classifier2_bias", [K], filled(K, 0));
    } else {
      this.mhc3 = null;
      this.w2 = null;
      this.b2 = null;
    }
    this.markBuilt();
  }

  /** The two branch logits (null for a branch that is off). */
  branches(tokens: tf.Tensor3D): { y1: tf.Tensor2D | null; y2: tf.Tensor2D | null } {
    checkTokens(tokens, this.cfg.inDim, "MomentProbe");
    const c = this.cfg;
    const y1 =
      this.w1 && this.b1 && c.firstOrder !== "none"
        ? tf.tidy(
            () =>
              linear(
                firstOrderSummary(tokens, c.firstOrder as "cls" | "mean", c.hasClsToken),
                this.w1!.read(),
                this.b1!.read(),
              ) as tf.Tensor2D,
          )
        : null;
    const y2 =
      this.mhc3 && this.w2 && this.b2
        ? tf.tidy(() => linear(this.secondOrderFeatures(tokens), this.w2!.read(), this.b2!.read()) as tf.Tensor2D)
        : null;
    return { y1, y2 };
  }

  /** MHC³ features v of the patch tokens, [B, F]. */
  secondOrderFeatures(tokens: tf.Tensor3D): tf.Tensor2D {
    if (!this.mhc3) throw new Error("this MomentProbe has no second-order branch (secondOrder: false)");
    return tf.tidy(() => this.mhc3!.forward(patchTokens(tokens, this.cfg.hasClsToken)));
  }

  forward(tokens: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const { y1, y2 } = this.branches(tokens);
      if (y1 && y2) return this.cfg.combine === "avg" ? tf.div(tf.add(y1, y2), 2) : tf.add(y1, y2);
      return (y1 ?? y2)!;
    });
  }

  /** Parameters as built; `classifiersOnly` reproduces the README's counting (notes §2.9). */
  paramCount(opts: { classifiersOnly?: boolean } = {}): number {
    if (!opts.classifiersOnly) return this.countParams();
    return [this.w1, this.b1, this.w2, this.b2].reduce((n, v) => n + (v ? v.shape.reduce((a: number, b) => a * (b ?? 1), 1) : 0), 0);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.forward(oneInput(inputs, "MomentProbe") as tf.Tensor3D);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, this.cfg.numClasses];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const c = this.cfg;
    return {
      ...super.getConfig(),
      inDim: c.inDim,
      numClasses: c.numClasses,
      firstOrder: c.firstOrder,
      secondOrder: c.secondOrder,
      combine: c.combine,
      hasClsToken: c.hasClsToken,
      mhc3: { ...c.mhc3 } as tf.serialization.ConfigDict,
    };
  }
}
tf.serialization.registerClass(MomentProbe);
