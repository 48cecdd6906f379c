/**
 * MHC³, multi-head convolutional cross-covariance: the second-order branch of Moment Probing
 * (notes §2.4, `Moment_Probing_ViT` in the official code), with the code's options and a few
 * ablation switches (notes §7):
 *
 *   Z = P W_p + b_p                      [B,N,inDim] -> [B,N,hidden]         (step 1)
 *   H_k = Z[:,:, k-th channel group]     contiguous (ViT) or interleaved (CNN) (step 2)
 *   Ĥ_k = LN(H_k)   one LayerNorm(h) shared by all heads                      (step 3)
 *   H̃_k = centre(Ĥ_k)   scalar (code) / per-channel / none                    (step 4)
 *   M_(i,j) = (1/N) H̃_iᵀ H̃_j for the chosen head pairs (+ H̃_kᵀH̃_k if withinHead)  (step 5)
 *   column L2 normalisation of every map                                        (step 6)
 *   conv(3×3,s2) → GELU → conv(3×3,s2), maps as channels, no bias              (step 7)
 *   flatten -> [B, #maps · s2²]                                                  (step 8)
 */
import { Rng } from "../../core/rng";
import { tf } from "../../core/tf";
import { convOutSide, strideConv3x3, torchToTfFilter } from "./conv";
import { batchedGram } from "./fastops";
import { fusedMomentMaps } from "./fused-moments";
import { gaussian, identity, filled, truncNormal, uniformSym } from "./init";
import { type LayerVariable, ProbeLayer, linear, oneInput } from "./layer";
import { assertCentering, geluExact, l2NormalizeAxis, layerNorm, type Centering } from "./moments";

/** Head pairing: code names near, n/2, cn2, one. */
export type Pairing = "near" | "half" | "cn2" | "first";
export const PAIRINGS: readonly Pairing[] = ["near", "half", "cn2", "first"];

export interface MHC3Config {
  /** Token width D (768 for ViT-B). */
  inDim: number;
  /** Projection width (512 in the code). */
  hiddenDim: number;
  /** Number of heads (4 in the code); head width h = hiddenDim / numHeads. */
  numHeads: number;
  /** Which head pairs get a cross-covariance; default `near` (the released setting). */
  pairing?: Pairing;
  /** Channel-to-head assignment: `contiguous` blocks (ViT code) or `interleaved` (CNN code). */
  split?: "contiguous" | "interleaved";
  /** Default `scalar`, the released code's semantics (notes §2.4 step 4, check U5). */
  center?: Centering;
  /** Default `col-l2`: each column j of each map scaled to unit L2 norm over rows i. */
  normalize?: "col-l2" | "none";
  /** Default `conv2x` (two 3×3 stride-2 convs with GELU between); `none` flattens the maps. */
  reduction?: "conv2x" | "none";
  /** Also form the within-head maps H̃_kᵀH̃_k (not in the paper; check S4). */
  withinHead?: boolean;
  /** `learned` (default), `frozen` (fixed random N(0, 1/inDim), the notes' "MHC³-rand") or `identity` (needs hiddenDim = inDim). */
  proj?: "learned" | "frozen" | "identity";
  /** The shared per-token LayerNorm over each head's channels (default true). */
  layerNorm?: boolean;
  /** LayerNorm epsilon; PyTorch's nn.LayerNorm default 1e-5. */
  lnEps?: number;
  /** Covariance divisor: N (code; number of patch tokens) or N−1. */
  divisor?: "N" | "N-1";
  /**
   * Steps 2-6 as one fused custom op (fused-moments.ts) instead of the tensor composition: the
   * same function, float32 rounding differs, so false (the default) keeps earlier results.
   */
  fused?: boolean;
}

export type ResolvedMHC3Config = Required<MHC3Config>;

/** Fills defaults and validates, naming the bad field and the fix. */
export function resolveMHC3Config(cfg: MHC3Config): ResolvedMHC3Config {
  const r: ResolvedMHC3Config = {
    pairing: "near",
    split: "contiguous",
    center: "scalar",
    normalize: "col-l2",
    reduction: "conv2x",
    withinHead: false,
    proj: "learned",
    layerNorm: true,
    lnEps: 1e-5,
    divisor: "N",
    fused: false,
    ...cfg,
  };
  for (const k of ["inDim", "hiddenDim", "numHeads"] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new Error(`MHC3 ${k} must be a positive integer, got ${r[k]}`);
  }
  if (r.hiddenDim % r.numHeads !== 0) {
    throw new Error(`MHC3 hiddenDim ${r.hiddenDim} must be divisible by numHeads ${r.numHeads} (head width = hiddenDim / numHeads)`);
  }
  if (!PAIRINGS.includes(r.pairing))
    throw new Error(`MHC3 pairing must be one of ${PAIRINGS.join(", ")}, got ${JSON.stringify(r.pairing)}`);
  if (r.split !== "contiguous" && r.split !== "interleaved")
    throw new Error(`MHC3 split must be contiguous or interleaved, got ${JSON.stringify(r.split)}`);
  assertCentering(r.center);
  if (r.normalize !== "col-l2" && r.normalize !== "none")
    throw new Error(`MHC3 normalize must be col-l2 or none, got ${JSON.stringify(r.normalize)}`);
  if (r.reduction !== "conv2x" && r.reduction !== "none")
    throw new Error(`MHC3 reduction must be conv2x or none, got ${JSON.stringify(r.reduction)}`);
  if (!["learned", "frozen", "identity"].includes(r.proj))
    throw new Error(`MHC3 proj must be learned, frozen or identity, got ${JSON.stringify(r.proj)}`);
  if (r.proj === "identity" && r.hiddenDim !== r.inDim) {
    throw new Error(`MHC3 proj=identity needs hiddenDim = inDim (${r.inDim}), got ${r.hiddenDim}`);
  }
  if (!(r.lnEps > 0)) throw new Error(`MHC3 lnEps must be positive, got ${r.lnEps}`);
  if (typeof r.fused !== "boolean") throw new Error(`MHC3 fused must be true or false, got ${JSON.stringify(r.fused)}`);
  if (r.divisor !== "N" && r.divisor !== "N-1") throw new Error(`MHC3 divisor must be "N" or "N-1", got ${JSON.stringify(r.divisor)}`);
  const pairs = headPairs(r.numHeads, r.pairing);
  if (pairs.length + (r.withinHead ? r.numHeads : 0) === 0) {
    throw new Error(`MHC3 with ${r.numHeads} head(s) and pairing ${r.pairing} forms no map; use ≥ 2 heads or withinHead`);
  }
  const h = r.hiddenDim / r.numHeads;
  if (r.reduction === "conv2x" && convOutSide(convOutSide(h)) < 1) {
    throw new Error(`MHC3 head width ${h} is too small for reduction conv2x (needs h ≥ 7); use reduction "none" or fewer heads`);
  }
  return r;
}

/** The (i, j) head pairs of a pairing (notes §2.6). `half` needs an even head count. */
export function headPairs(numHeads: number, pairing: Pairing): [number, number][] {
  const out: [number, number][] = [];
  if (pairing === "near") for (let k = 0; k + 1 < numHeads; k++) out.push([k, k + 1]);
  else if (pairing === "half") {
    if (numHeads % 2 !== 0) throw new Error(`MHC3 pairing "half" (code: n/2) needs an even number of heads, got ${numHeads}`);
    for (let k = 0; k < numHeads / 2; k++) out.push([k, k + numHeads / 2]);
  } else if (pairing === "cn2") {
    for (let i = 0; i < numHeads; i++) for (let j = i + 1; j < numHeads; j++) out.push([i, j]);
  } else for (let k = 1; k < numHeads; k++) out.push([0, k]);
  return out;
}

/** Number of maps (conv channels): pairs, plus heads when withinHead. */
export function mhc3MapCount(cfg: MHC3Config): number {
  const r = resolveMHC3Config(cfg);
  return headPairs(r.numHeads, r.pairing).length + (r.withinHead ? r.numHeads : 0);
}

/** Feature size: #maps · s2² with conv2x (2883 for the paper's 768/512/4/near), #maps · h² without (notes §2.6). */
export function mhc3OutputDim(cfg: MHC3Config): number {
  const r = resolveMHC3Config(cfg);
  const h = r.hiddenDim / r.numHeads;
  const side = r.reduction === "conv2x" ? convOutSide(convOutSide(h)) : h;
  return mhc3MapCount(r) * side * side;
}

/** Parameters of MHC³ alone: proj (in·hidden + hidden) + LN (2h) + convs (2·9·C²). */
export function mhc3ParamCount(cfg: MHC3Config): number {
  const r = resolveMHC3Config(cfg);
  const h = r.hiddenDim / r.numHeads;
  const c = mhc3MapCount(r);
  return r.inDim * r.hiddenDim + r.hiddenDim + (r.layerNorm ? 2 * h : 0) + (r.reduction === "conv2x" ? 2 * 9 * c * c : 0);
}

/** The MHC³ module as a tfjs layer: patch tokens [B,N,inDim] -> second-order features [B, mhc3OutputDim]. */
export class MHC3 extends ProbeLayer {
  static readonly className = "MHC3";
  readonly cfg: ResolvedMHC3Config;
  readonly headWidth: number;
  readonly pairs: [number, number][];
  readonly outputDim: number;
  private readonly wProj: LayerVariable;
  private readonly bProj: LayerVariable;
  private readonly lnGamma: LayerVariable | null;
  private readonly lnBeta: LayerVariable | null;
  private readonly conv1: LayerVariable | null;
  private readonly conv2: LayerVariable | null;

  constructor(cfg: MHC3Config & { seed?: number; name?: string }) {
    super(cfg.name);
    const { seed, name: _name, ...rest } = cfg;
    this.cfg = resolveMHC3Config(rest);
    const r = this.cfg;
    const rng = new Rng(seed ?? 0);
    this.headWidth = r.hiddenDim / r.numHeads;
    this.pairs = headPairs(r.numHeads, r.pairing);
    this.outputDim = mhc3OutputDim(r);
    const projValues =
      r.proj === "identity"
        ? identity(r.inDim)
        : r.proj === "frozen"
          ? gaussian(rng, r.inDim * r.hiddenDim, 1 / Math.sqrt(r.inDim))
          : truncNormal(rng, r.inDim * r.hiddenDim);
    const trainProj = r.proj === "learned";
    this.wProj = this.param("proj_kernel", [r.inDim, r.hiddenDim], projValues, { trainable: trainProj });
    this.bProj = this.param("proj_bias", [r.hiddenDim], filled(r.hiddenDim, 0), { trainable: trainProj });
    this.lnGamma = r.layerNorm ? this.param("ln_gamma", [this.headWidth], filled(this.headWidth, 1)) : null;
    this.lnBeta = r.layerNorm ? this.param("ln_beta", [this.headWidth], filled(this.headWidth, 0)) : null;
    const c = this.pairs.length + (r.withinHead ? r.numHeads : 0);
    const bound = 1 / Math.sqrt(9 * c); // kaiming-uniform(a=√5): U(±1/√fan_in), notes §2.8
    this.conv1 = r.reduction === "conv2x" ? this.param("conv1_kernel", [c, c, 3, 3], uniformSym(rng, 9 * c * c, bound)) : null;
    this.conv2 = r.reduction === "conv2x" ? this.param("conv2_kernel", [c, c, 3, 3], uniformSym(rng, 9 * c * c, bound)) : null;
    this.markBuilt();
  }

  /** The projected, LayerNormed and centred heads, [B,H,N,h] (steps 1-4). */
  heads(tokens: tf.Tensor3D): tf.Tensor4D {
    const r = this.cfg;
    if (tokens.rank !== 3 || tokens.shape[2] !== r.inDim) {
      throw new Error(`MHC3 expects patch tokens [batch, tokens, ${r.inDim}], got [${tokens.shape}]`);
    }
    const [B, N] = tokens.shape;
    const H = r.numHeads;
    const h = this.headWidth;
    return tf.tidy(() => {
      const z = linear(tokens, this.wProj.read(), this.bProj.read());
      let hd: tf.Tensor4D =
        r.split === "contiguous" ? tf.reshape(z, [B, N, H, h]) : tf.transpose(tf.reshape(z, [B, N, h, H]), [0, 1, 3, 2]);
      if (this.lnGamma && this.lnBeta) hd = layerNorm(hd, this.lnGamma.read(), this.lnBeta.read(), r.lnEps);
      if (r.center === "scalar") hd = tf.sub(hd, tf.mean(hd, [1, 3], true));
      else if (r.center === "channel") hd = tf.sub(hd, tf.mean(hd, 1, true));
      return tf.transpose(hd, [0, 2, 1, 3]);
    });
  }

  /**
   * The normalised moment maps, TRANSPOSED: [B, #maps, h(j), h(i)] with entry (j, i) = M[i][j]
   * (steps 1-6; cross pairs first, then within-head maps). Computing Mᵀ = bᵀa puts the column
   * normalisation (over i) on the last axis, which is much faster on the WASM backend.
   */
  mapsTransposed(tokens: tf.Tensor3D): tf.Tensor4D {
    const r = this.cfg;
    const [B, N] = tokens.shape;
    const H = r.numHeads;
    const h = this.headWidth;
    const div = r.divisor === "N" ? N : N - 1;
    if (div < 1) throw new Error(`MHC3 with divisor N-1 needs at least 2 tokens, got ${N}`);
    if (r.fused) {
      if (tokens.rank !== 3 || tokens.shape[2] !== r.inDim) {
        throw new Error(`MHC3 expects patch tokens [batch, tokens, ${r.inDim}], got [${tokens.shape}]`);
      }
      return tf.tidy(() =>
        fusedMomentMaps(
          linear(tokens, this.wProj.read(), this.bProj.read()) as tf.Tensor3D,
          this.lnGamma ? (this.lnGamma.read() as tf.Tensor1D) : null,
          this.lnBeta ? (this.lnBeta.read() as tf.Tensor1D) : null,
          {
            numHeads: H,
            split: r.split,
            layerNorm: r.layerNorm,
            lnEps: r.lnEps,
            center: r.center,
            divisor: div,
            normalize: r.normalize,
            maps: [...this.pairs, ...(r.withinHead ? Array.from({ length: H }, (_, k) => [k, k] as const) : [])],
          },
        ),
      );
    }
    return tf.tidy(() => {
      const hs = this.heads(tokens);
      const parts: tf.Tensor4D[] = [];
      const P = this.pairs.length;
      if (P > 0) {
        let a: tf.Tensor4D;
        let b: tf.Tensor4D;
        if (r.pairing === "near") {
          a = tf.slice(hs, [0, 0, 0, 0], [B, H - 1, N, h]);
          b = tf.slice(hs, [0, 1, 0, 0], [B, H - 1, N, h]);
        } else {
          const pick = (k: number) => tf.slice(hs, [0, k, 0, 0], [B, 1, N, h]);
          a = tf.concat(
            this.pairs.map(([i]) => pick(i)),
            1,
          );
          b = tf.concat(
            this.pairs.map(([, j]) => pick(j)),
            1,
          );
        }
        const mt = batchedGram(tf.reshape(b, [B * P, N, h]) as tf.Tensor3D, tf.reshape(a, [B * P, N, h]) as tf.Tensor3D);
        parts.push(tf.reshape(tf.div(mt, div), [B, P, h, h]));
      }
      if (r.withinHead) {
        const flat = tf.reshape(hs, [B * H, N, h]) as tf.Tensor3D;
        parts.push(tf.reshape(tf.div(batchedGram(flat, flat), div), [B, H, h, h]));
      }
      const all = parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
      return r.normalize === "col-l2" ? l2NormalizeAxis(all, 3) : all;
    });
  }

  /** The normalised moment maps [B, #maps, h(i), h(j)] (steps 1-6), in the code's orientation. */
  maps(tokens: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => tf.transpose(this.mapsTransposed(tokens), [0, 1, 3, 2]));
  }

  /** Second-order features [B, outputDim] (steps 1-8), flattened in PyTorch's [maps, rows, cols] order. */
  forward(tokens: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const mt = this.mapsTransposed(tokens);
      let m: tf.Tensor4D;
      if (this.conv1 && this.conv2) {
        // NHWC [B, i, j, C] for the convolutions, then back to [B, C, s, s]
        let y = tf.transpose(mt, [0, 3, 2, 1]) as tf.Tensor4D;
        y = strideConv3x3(y, torchToTfFilter(this.conv1.read() as tf.Tensor4D));
        y = geluExact(y);
        y = strideConv3x3(y, torchToTfFilter(this.conv2.read() as tf.Tensor4D));
        m = tf.transpose(y, [0, 3, 1, 2]);
      } else {
        m = tf.transpose(mt, [0, 1, 3, 2]);
      }
      return tf.reshape(m, [tokens.shape[0], this.outputDim]);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.forward(oneInput(inputs, "MHC3") as tf.Tensor3D);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, this.outputDim];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}
tf.serialization.registerClass(MHC3);
