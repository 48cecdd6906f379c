/**
 * PSRP, the partially shared module that learns two recalibrating parameters for MP+ (notes §2.8,
 * `PSRP.py`): a = ReLU(x W_down) (shared), w = a W_upw, b = a W_upb, no biases. In a block it acts
 * as x ← x + b + (1 + w) ⊙ MLP(LN2(x)), computed on the post-attention residual. "reduction" in the
 * code is an absolute bottleneck width (16 for ViT-B).
 */
import { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { filled, truncNormal } from "./init";
import { type LayerVariable, ProbeLayer, linear, oneInput } from "./layer";

export interface PSRPConfig {
  dim: number;
  /** Bottleneck width (code default 16). */
  bottleneck?: number;
  /** `trunc-normal` (code: timm init of every Linear, std 0.02) or `zero-up` (W_upw = W_upb = 0: the block is exactly the frozen one, check U8). */
  init?: "trunc-normal" | "zero-up";
  seed?: number;
  name?: string;
}

/** Parameters of one PSRP: 3 · bottleneck · dim (36,864 for ViT-B, check U2). */
export function psrpParamCount(dim: number, bottleneck = 16): number {
  return 3 * bottleneck * dim;
}

/** PSRP as a tfjs layer: x [B,T,D] -> [weight, bias], each [B,T,D]. */
export class PSRP extends ProbeLayer {
  static readonly className = "PSRP";
  readonly dim: number;
  readonly bottleneck: number;
  private readonly down: LayerVariable;
  private readonly upW: LayerVariable;
  private readonly upB: LayerVariable;

  constructor(cfg: PSRPConfig) {
    super(cfg.name);
    const r = cfg.bottleneck ?? 16;
    if (!Number.isInteger(cfg.dim) || cfg.dim < 1) throw new Error(`PSRP dim must be a positive integer, got ${cfg.dim}`);
    if (!Number.isInteger(r) || r < 1) throw new Error(`PSRP bottleneck must be a positive integer, got ${r}`);
    const init = cfg.init ?? "trunc-normal";
    if (init !== "trunc-normal" && init !== "zero-up")
      throw new Error(`PSRP init must be trunc-normal or zero-up, got ${JSON.stringify(init)}`);
    this.dim = cfg.dim;
    this.bottleneck = r;
    const rng = new Rng(cfg.seed ?? 0);
    const up = () => (init === "zero-up" ? filled(r * cfg.dim, 0) : truncNormal(rng, r * cfg.dim));
    this.down = this.param("down_kernel", [cfg.dim, r], truncNormal(rng, cfg.dim * r));
    this.upW = this.param("up_weight_kernel", [r, cfg.dim], up());
    this.upB = this.param("up_bias_kernel", [r, cfg.dim], up());
    this.markBuilt();
  }

  forward(x: tf.Tensor3D): { weight: tf.Tensor3D; bias: tf.Tensor3D } {
    if (x.rank !== 3 || x.shape[2] !== this.dim) throw new Error(`PSRP expects tokens [batch, tokens, ${this.dim}], got [${x.shape}]`);
    const a = tf.tidy(() => tf.relu(linear(x, this.down.read(), null)));
    const weight = linear(a, this.upW.read(), null) as tf.Tensor3D;
    const bias = linear(a, this.upB.read(), null) as tf.Tensor3D;
    a.dispose();
    return { weight, bias };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const { weight, bias } = this.forward(oneInput(inputs, "PSRP") as tf.Tensor3D);
    return [weight, bias];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s, s];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, bottleneck: this.bottleneck };
  }
}
tf.serialization.registerClass(PSRP);
