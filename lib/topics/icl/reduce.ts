/**
 * The reduction of notes §1.1 [D]: only two pieces of an LSA layer's parameters reach ŷ,
 *   a = (a_x, a_y)  the last row of W_PV (times the readout sign, and n when normalize = "none"),
 *   B = [B_x; b_yᵀ] the first d columns of W_KQ,
 * and ŷ = aᵀ C B x_q with C = (1/n) Σ z_i z_iᵀ (stats.ts). Expanding C splits ŷ into
 *   GD part        sxyᵀ Γ_eff x_q,  Γ_eff = a_y B_x + a_x b_yᵀ,  sxy = (1/n) Σ y_i x_i
 *   label-free     a_xᵀ Sxx B_x x_q  (Sxx = (1/n) Σ x_i x_iᵀ [+ (1/n) x_q x_qᵀ with the query])
 *   y² term        a_y syy (b_yᵀ x_q), syy = (1/n) Σ y_i²
 * so the layer is one preconditioned GD step, G = Γ_eff, exactly when a_x = 0 and b_y = 0.
 */
import { zeros, type Matrix } from "../../core/linalg";
import { mergeParams, resolveOptions, tokenDim, type LsaOptions, type LsaParams } from "./lsa";
import type { TaskStats } from "./task-stats";

export interface HeadReduction {
  /** a ∈ R^{d+1}. */
  a: number[];
  /** B ∈ R^{(d+1) x d}. */
  B: Matrix;
  ax: number[];
  ay: number;
  Bx: Matrix;
  by: number[];
}

export interface Reduction {
  d: number;
  heads: HeadReduction[];
  /** Σ_heads (a_y B_x + a_x b_yᵀ): the effective preconditioner in the 1/n convention. */
  gammaEff: Matrix;
  /** max over heads of ‖a_x‖₂ (0 for a GD layer). */
  axNorm: number;
  /** max over heads of ‖b_y‖₂ (0 for a GD layer). */
  byNorm: number;
}

/**
 * Reduces one head or several. `n` (context length) is needed only when normalize = "none",
 * where the factor n moves into a so that C keeps its 1/n.
 */
export function reduceLSA(params: LsaParams | LsaParams[], options: LsaOptions = {}, n?: number): Reduction {
  const o = resolveOptions(options);
  const list = Array.isArray(params) ? params : [params];
  if (list.length === 0) throw new Error("reduceLSA: need at least one head");
  if (o.normalize === "none" && !(Number.isInteger(n) && n! > 0)) {
    throw new Error('reduceLSA: normalize = "none" needs the context length n (the 1/n of C moves into a)');
  }
  const factor = (o.readout === "plus" ? 1 : -1) * (o.normalize === "none" ? n! : 1);
  const D = tokenDim(list[0]!);
  const d = D - 1;
  const gammaEff = zeros(d, d);
  let axNorm = 0;
  let byNorm = 0;
  const heads = list.map((p, h) => {
    if (tokenDim(p) !== D) throw new Error(`reduceLSA: head ${h} has token size ${tokenDim(p)}, head 0 has ${D}`);
    const m = mergeParams(p);
    const a = m.Wpv[d]!.map((v) => factor * v);
    const B = m.Wkq.map((r) => r.slice(0, d));
    const ax = a.slice(0, d);
    const ay = a[d]!;
    const Bx = B.slice(0, d);
    const by = B[d]!.slice();
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) gammaEff[i]![j]! += ay * Bx[i]![j]! + ax[i]! * by[j]!;
    axNorm = Math.max(axNorm, Math.hypot(...ax));
    byNorm = Math.max(byNorm, Math.hypot(...by));
    return { a, B, ax, ay, Bx, by };
  });
  return { d, heads, gammaEff, axNorm, byNorm };
}

/** Per-task parts of ŷ (float64); `total` = gd + labelFree + ySquared = the layer's prediction. */
export interface PredictionParts {
  gd: Float64Array;
  labelFree: Float64Array;
  ySquared: Float64Array;
  total: Float64Array;
}

/** Splits the layer's predictions on `stats` into the three parts above. */
export function decomposePrediction(red: Reduction, stats: TaskStats): PredictionParts {
  const { B, d, C, xq } = stats;
  if (d !== red.d) throw new Error(`decomposePrediction: reduction is for d = ${red.d}, statistics for d = ${d}`);
  const D = d + 1;
  const gd = new Float64Array(B);
  const labelFree = new Float64Array(B);
  const ySquared = new Float64Array(B);
  const total = new Float64Array(B);
  const Bxq = new Float64Array(d);
  for (let b = 0; b < B; b++) {
    const o = b * D * D;
    const q = b * d;
    // GD part: sxyᵀ Γ_eff x_q, sxy = C[0:d, d]
    let g = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += red.gammaEff[i]![j]! * xq[q + j]!;
      g += C[o + i * D + d]! * s;
    }
    let lf = 0;
    let y2 = 0;
    for (const h of red.heads) {
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += h.Bx[i]![j]! * xq[q + j]!;
        Bxq[i] = s;
      }
      for (let i = 0; i < d; i++) {
        if (h.ax[i] === 0) continue;
        let s = 0;
        for (let j = 0; j < d; j++) s += C[o + i * D + j]! * Bxq[j]!;
        lf += h.ax[i]! * s;
      }
      let byq = 0;
      for (let j = 0; j < d; j++) byq += h.by[j]! * xq[q + j]!;
      y2 += h.ay * C[o + d * D + d]! * byq;
    }
    gd[b] = g;
    labelFree[b] = lf;
    ySquared[b] = y2;
    total[b] = g + lf + y2;
  }
  return { gd, labelFree, ySquared, total };
}

/** ŷ = Σ_heads aᵀ C B x_q for every task (float64), computed without the split. */
export function reducedPredict(red: Reduction, stats: TaskStats): Float64Array {
  const { B, d, C, xq } = stats;
  if (d !== red.d) throw new Error(`reducedPredict: reduction is for d = ${red.d}, statistics for d = ${d}`);
  const D = d + 1;
  const out = new Float64Array(B);
  const u = new Float64Array(D);
  for (let b = 0; b < B; b++) {
    const o = b * D * D;
    let yhat = 0;
    for (const h of red.heads) {
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let l = 0; l < d; l++) s += h.B[j]![l]! * xq[b * d + l]!;
        u[j] = s;
      }
      for (let j = 0; j < D; j++) {
        if (h.a[j] === 0) continue;
        let s = 0;
        for (let k = 0; k < D; k++) s += C[o + j * D + k]! * u[k]!;
        yhat += h.a[j]! * s;
      }
    }
    out[b] = yhat;
  }
  return out;
}
