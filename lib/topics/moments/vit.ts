/**
 * A tiny Vision Transformer for 8×8 digits (notes §6.4): patch tokens plus a class token, learned
 * positional embedding, pre-LN blocks (x += Attn(LN1 x); x += MLP(LN2 x), exact GELU), a final LN,
 * no dropout or drop-path (so frozen features can be cached exactly). Blocks optionally carry a
 * PSRP module (MP+, notes §2.8). The forward returns the final-LN token set [B, 1+L, D], which is
 * what the official code hands to its heads (`forward_features` applies `self.norm`).
 */
import { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { filled, truncNormal, uniformSym } from "./init";
import { type LayerVariable, ProbeLayer, linear, oneInput } from "./layer";
import { batchedGram } from "./fastops";
import { geluExact, layerNorm } from "./moments";
import { PSRP } from "./psrp";

export interface TinyViTConfig {
  /** Tokens per image (16 for 8×8 images in 2×2 patches). */
  numPatches: number;
  /** Values per patch (4 for 2×2 grey patches). */
  patchDim: number;
  dim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  /** timm ViT LayerNorm epsilon (1e-6). */
  lnEps?: number;
  /** Bottleneck of a PSRP module in every block; 0 or absent = plain blocks. */
  psrpBottleneck?: number;
}

/** Parameters of a ViT backbone (no head): 85,798,656 for ViT-B/16 at 224² (check U2, FT row). */
export function vitParamCount(c: TinyViTConfig): number {
  const D = c.dim;
  const M = Math.round(c.mlpRatio * D);
  const block =
    2 * D + (3 * D * D + 3 * D) + (D * D + D) + 2 * D + (D * M + M) + (M * D + D) + (c.psrpBottleneck ? 3 * c.psrpBottleneck * D : 0);
  return c.patchDim * D + D + D + (c.numPatches + 1) * D + c.depth * block + 2 * D;
}

/** One pre-LN transformer block (optionally with PSRP), as a tfjs layer: [B,T,D] -> [B,T,D]. */
export class ViTBlock extends ProbeLayer {
  static readonly className = "ViTBlock";
  readonly dim: number;
  readonly heads: number;
  readonly lnEps: number;
  readonly psrp: PSRP | null;
  private readonly w: Record<string, LayerVariable> = {};

  constructor(cfg: { dim: number; heads: number; mlpRatio: number; lnEps: number; psrpBottleneck?: number; seed: number; name?: string }) {
    super(cfg.name);
    const D = cfg.dim;
    if (D % cfg.heads !== 0) throw new Error(`ViT dim ${D} must be divisible by heads ${cfg.heads}`);
    const M = Math.round(cfg.mlpRatio * D);
    this.dim = D;
    this.heads = cfg.heads;
    this.lnEps = cfg.lnEps;
    const rng = new Rng(cfg.seed);
    const add = (name: string, shape: number[], values: Float32Array) => (this.w[name] = this.param(name, shape, values));
    add("ln1_gamma", [D], filled(D, 1));
    add("ln1_beta", [D], filled(D, 0));
    for (const p of ["q", "k", "v", "o"]) {
      add(`${p}_kernel`, [D, D], truncNormal(rng, D * D));
      add(`${p}_bias`, [D], filled(D, 0));
    }
    add("ln2_gamma", [D], filled(D, 1));
    add("ln2_beta", [D], filled(D, 0));
    add("fc1_kernel", [D, M], truncNormal(rng, D * M));
    add("fc1_bias", [M], filled(M, 0));
    add("fc2_kernel", [M, D], truncNormal(rng, M * D));
    add("fc2_bias", [D], filled(D, 0));
    const psrpSeed = rng.nextSeed();
    this.psrp = cfg.psrpBottleneck ? this.child(new PSRP({ dim: D, bottleneck: cfg.psrpBottleneck, seed: psrpSeed })) : null;
    this.markBuilt();
  }

  private v(name: string): tf.Tensor {
    return this.w[name]!.read();
  }

  /** Multi-head self-attention on LN1(x). */
  attention(x: tf.Tensor3D): tf.Tensor3D {
    const [B, T, D] = x.shape;
    const H = this.heads;
    const hd = D / H;
    return tf.tidy(() => {
      const y = layerNorm(x, this.v("ln1_gamma"), this.v("ln1_beta"), this.lnEps);
      const split = (p: string) =>
        tf.reshape(tf.transpose(tf.reshape(linear(y, this.v(`${p}_kernel`), this.v(`${p}_bias`)), [B, T, H, hd]), [0, 2, 1, 3]), [
          B * H,
          T,
          hd,
        ]) as tf.Tensor3D;
      const q = split("q");
      const k = split("k");
      const val = split("v");
      // batched products through batchedGram (xᵀy per sample): q·kᵀ = gram(qᵀ, kᵀ), att·v = gram(attᵀ, v)
      const tr = (t: tf.Tensor3D) => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D;
      const att = tf.softmax(tf.mul(batchedGram(tr(q), tr(k)), 1 / Math.sqrt(hd))) as tf.Tensor3D;
      const o = tf.reshape(tf.transpose(tf.reshape(batchedGram(tr(att), val), [B, H, T, hd]), [0, 2, 1, 3]), [B, T, D]);
      return linear(o, this.v("o_kernel"), this.v("o_bias")) as tf.Tensor3D;
    });
  }

  mlp(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const y = layerNorm(x, this.v("ln2_gamma"), this.v("ln2_beta"), this.lnEps);
      const hidden = geluExact(linear(y, this.v("fc1_kernel"), this.v("fc1_bias")));
      return linear(hidden, this.v("fc2_kernel"), this.v("fc2_bias")) as tf.Tensor3D;
    });
  }

  forward(x: tf.Tensor3D): tf.Tensor3D {
    if (x.rank !== 3 || x.shape[2] !== this.dim) throw new Error(`ViTBlock expects tokens [batch, tokens, ${this.dim}], got [${x.shape}]`);
    return tf.tidy(() => {
      const h = tf.add(x, this.attention(x)) as tf.Tensor3D;
      const m = this.mlp(h);
      if (!this.psrp) return tf.add(h, m) as tf.Tensor3D;
      const { weight, bias } = this.psrp.forward(h);
      return tf.add(h, tf.add(bias, tf.mul(tf.add(weight, 1), m))) as tf.Tensor3D;
    });
  }

  /** Weights of the frozen block (PSRP excluded), in creation order. */
  blockWeights(): LayerVariable[] {
    return Object.values(this.w);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.forward(oneInput(inputs, "ViTBlock") as tf.Tensor3D);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, heads: this.heads, lnEps: this.lnEps, psrpBottleneck: this.psrp?.bottleneck ?? 0 };
  }
}
tf.serialization.registerClass(ViTBlock);

/** The tiny ViT as a tfjs layer: patches [B, L, patchDim] -> final-LN tokens [B, 1+L, D]. */
export class TinyViT extends ProbeLayer {
  static readonly className = "TinyViT";
  readonly cfg: Required<TinyViTConfig>;
  readonly blocks: ViTBlock[];
  private readonly patchW: LayerVariable;
  private readonly patchB: LayerVariable;
  private readonly cls: LayerVariable;
  private readonly pos: LayerVariable;
  private readonly normG: LayerVariable;
  private readonly normB: LayerVariable;

  constructor(cfg: TinyViTConfig & { seed?: number; name?: string }) {
    super(cfg.name);
    const c: Required<TinyViTConfig> = {
      lnEps: cfg.lnEps ?? 1e-6,
      psrpBottleneck: cfg.psrpBottleneck ?? 0,
      numPatches: cfg.numPatches,
      patchDim: cfg.patchDim,
      dim: cfg.dim,
      depth: cfg.depth,
      heads: cfg.heads,
      mlpRatio: cfg.mlpRatio,
    };
    for (const k of ["numPatches", "patchDim", "dim", "depth", "heads"] as const) {
      if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`TinyViT ${k} must be a positive integer, got ${c[k]}`);
    }
    if (!(c.mlpRatio > 0)) throw new Error(`TinyViT mlpRatio must be positive, got ${c.mlpRatio}`);
    this.cfg = c;
    const rng = new Rng(cfg.seed ?? 0);
    const D = c.dim;
    // patch embedding is a Conv2d in timm: PyTorch default init U(±1/√fan_in)
    this.patchW = this.param("patch_kernel", [c.patchDim, D], uniformSym(rng, c.patchDim * D, 1 / Math.sqrt(c.patchDim)));
    this.patchB = this.param("patch_bias", [D], filled(D, 0));
    this.cls = this.param("cls_token", [1, 1, D], truncNormal(rng, D, 1e-6), { decay: false });
    this.pos = this.param("pos_embed", [1, c.numPatches + 1, D], truncNormal(rng, (c.numPatches + 1) * D), { decay: false });
    this.blocks = [];
    for (let i = 0; i < c.depth; i++) {
      this.blocks.push(
        this.child(
          new ViTBlock({
            dim: D,
            heads: c.heads,
            mlpRatio: c.mlpRatio,
            lnEps: c.lnEps,
            psrpBottleneck: c.psrpBottleneck,
            seed: rng.nextSeed(),
          }),
        ),
      );
    }
    this.normG = this.param("norm_gamma", [D], filled(D, 1));
    this.normB = this.param("norm_beta", [D], filled(D, 0));
    this.markBuilt();
  }

  /** Tokens after patch embedding, class token and positional embedding, before the blocks. */
  embed(patches: tf.Tensor3D): tf.Tensor3D {
    const c = this.cfg;
    if (patches.rank !== 3 || patches.shape[1] !== c.numPatches || patches.shape[2] !== c.patchDim) {
      throw new Error(`TinyViT expects patches [batch, ${c.numPatches}, ${c.patchDim}], got [${patches.shape}]`);
    }
    const B = patches.shape[0];
    return tf.tidy(() => {
      const e = linear(patches, this.patchW.read(), this.patchB.read()) as tf.Tensor3D;
      const cls = tf.broadcastTo(this.cls.read(), [B, 1, c.dim]);
      return tf.add(tf.concat([cls, e], 1), this.pos.read()) as tf.Tensor3D;
    });
  }

  forward(patches: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      let x = this.embed(patches);
      for (const b of this.blocks) x = b.forward(x);
      return layerNorm(x, this.normG.read(), this.normB.read(), this.cfg.lnEps);
    });
  }

  /** Every weight except the PSRP modules, in a fixed order (for copying a pretrained backbone). */
  backboneWeights(): LayerVariable[] {
    return [this.patchW, this.patchB, this.cls, this.pos, ...this.blocks.flatMap((b) => b.blockWeights()), this.normG, this.normB];
  }

  backboneVariables(): tf.Variable[] {
    return this.backboneWeights().map((w) => w.read() as tf.Variable);
  }

  psrpVariables(): tf.Variable[] {
    return this.blocks.flatMap((b) => (b.psrp ? b.psrp.trainableVariables() : []));
  }

  /** Copies the backbone weights of `src` (same architecture; PSRP modules are left alone). */
  loadBackbone(src: TinyViT): void {
    const a = src.backboneWeights();
    const b = this.backboneWeights();
    if (a.length !== b.length) throw new Error(`loadBackbone: source has ${a.length} backbone weights, target ${b.length}`);
    a.forEach((w, i) => {
      if (w.shape.join() !== b[i]!.shape.join()) throw new Error(`loadBackbone: weight ${i} shape [${w.shape}] vs [${b[i]!.shape}]`);
      const copy = w.read().clone();
      b[i]!.write(copy);
      copy.dispose();
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.forward(oneInput(inputs, "TinyViT") as tf.Tensor3D);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, this.cfg.numPatches + 1, this.cfg.dim];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}
tf.serialization.registerClass(TinyViT);
