/**
 * An analytic cost model (floating-point operations per training sample and epoch) for P4: every
 * matrix product is counted as 2·m·k·n; element-wise work (LayerNorm, GELU, softmax, the L2
 * normalisation, the optimiser) is left out, which is stated wherever the numbers are shown.
 * Backward: a trained product costs its forward again for the weight gradient, and again for the
 * input gradient when something below it needs one; a product of two activations (attention,
 * cross-covariance) costs twice its forward when gradients flow through it.
 */
import { convOutSide } from "./conv";
import { headPairs, resolveMHC3Config, type MHC3Config } from "./mhc3";
import type { TinyViTConfig } from "./vit";

export interface CostModelConfig {
  vit: TinyViTConfig;
  numClasses: number;
  /** MHC³ of the MP head (inDim = the ViT width). */
  mhc3: Omit<MHC3Config, "inDim">;
}

/** Per-sample forward FLOPs of the parts. */
export interface PartFlops {
  patchEmbed: number;
  /** Per block: trained linear layers (q, k, v, o, fc1, fc2). */
  blockLinear: number;
  /** Per block: the two attention products (QKᵀ, AV). */
  blockAttention: number;
  /** Per block: the three PSRP products (0 without PSRP). */
  blockPsrp: number;
  /** The first-order classifier (= the LP head). */
  classifier1: number;
  mpProj: number;
  mpCov: number;
  mpConv: number;
  classifier2: number;
}

export function partFlops(c: CostModelConfig): PartFlops {
  const v = c.vit;
  const T = v.numPatches + 1;
  const D = v.dim;
  const M = Math.round(v.mlpRatio * D);
  const K = c.numClasses;
  const r = resolveMHC3Config({ ...c.mhc3, inDim: D });
  const h = r.hiddenDim / r.numHeads;
  const maps = headPairs(r.numHeads, r.pairing).length + (r.withinHead ? r.numHeads : 0);
  const s1 = convOutSide(h);
  const s2 = convOutSide(s1);
  const conv = r.reduction === "conv2x" ? 2 * 9 * maps * maps * (s1 * s1 + s2 * s2) : 0;
  const F = maps * (r.reduction === "conv2x" ? s2 * s2 : h * h);
  const N = v.numPatches;
  return {
    patchEmbed: 2 * N * v.patchDim * D,
    blockLinear: 2 * T * (4 * D * D + 2 * D * M),
    blockAttention: 2 * 2 * T * T * D,
    blockPsrp: v.psrpBottleneck ? 2 * T * 3 * D * v.psrpBottleneck : 0,
    classifier1: 2 * D * K,
    mpProj: 2 * N * D * r.hiddenDim,
    mpCov: 2 * maps * h * h * N,
    mpConv: conv,
    classifier2: 2 * F * K,
  };
}

export type CostMethod = "LP" | "MP" | "MP+" | "FT";

/**
 * Training FLOPs per sample. `cached`: LP and MP read stored backbone features (our protocol);
 * otherwise every method runs the frozen backbone forward each step (the protocol of the paper's
 * Fig. Train_cost). MP+ and FT cannot use cached features; `cached` is ignored for them.
 */
export function trainFlopsPerSample(c: CostModelConfig, method: CostMethod, cached: boolean): number {
  const p = partFlops({ ...c, vit: { ...c.vit, psrpBottleneck: method === "MP+" ? c.vit.psrpBottleneck : 0 } });
  const depth = c.vit.depth;
  const backboneFwd = p.patchEmbed + depth * (p.blockLinear + p.blockAttention + p.blockPsrp);
  const mpFwd = p.mpProj + p.mpCov + p.mpConv + p.classifier1 + p.classifier2;
  // weight gradients of every trained product; input gradients above the projection
  const mpBwd = p.mpProj + p.mpConv + p.classifier1 + p.classifier2 + (p.classifier2 + p.mpConv + 2 * p.mpCov);
  if (method === "LP") return 2 * p.classifier1 + (cached ? 0 : backboneFwd);
  if (method === "MP") return mpFwd + mpBwd + (cached ? 0 : backboneFwd);
  if (method === "MP+") {
    // the head's input gradient, then through blocks depth..2 down to block 1's output (where the
    // first PSRP's modulation acts), plus every PSRP's weight gradients
    const headInput = p.mpProj + p.classifier1;
    const through = (depth - 1) * (p.blockLinear + 2 * p.blockAttention + p.blockPsrp);
    return backboneFwd + mpFwd + mpBwd + headInput + through + depth * p.blockPsrp;
  }
  // FT: weight gradients of every layer, input gradients through every block, LP head
  const wgrad = p.patchEmbed + depth * p.blockLinear + p.classifier1;
  const igrad = depth * (p.blockLinear + 2 * p.blockAttention) + p.classifier1;
  return backboneFwd + p.classifier1 + wgrad + igrad;
}
