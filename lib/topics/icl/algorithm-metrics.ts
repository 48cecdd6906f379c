/**
 * Akyürek et al.'s two distances between in-context learners (notes §5a, §4.1 of the paper):
 *   SPD(A₁, A₂)  = E_{D, x'} (A₁(D)(x') − A₂(D)(x'))²                squared prediction difference
 *   ILWD(A₁, A₂) = E_D E_{D_X'} ‖ŵ_{A₁} − ŵ_{A₂}‖²,  ŵ_A = argmin_w Σ_k (A(D)(x'_k) − wᵀx'_k)²
 * (implicit linear weight difference, ŵ fitted on unlabelled probes x'_k). The paper plots both
 * divided by d ("dimension-normalised"); `perDim` does that. Each value comes with the standard
 * error over prompts, so a comparison can say whether it resolves a difference.
 */
import { choleskySolveInPlace } from "../../core/linalg";
import { mean, standardError } from "../../core/stats";

export interface PositionCurve {
  /** One value per prefix length i = 0 … n−1. */
  mean: number[];
  /** Standard error over prompts at each i. */
  se: number[];
}

type Values = ArrayLike<number>;

/**
 * SPD at every prefix length from two prediction arrays in the prefixPredictions / gptPredictAll
 * layout ([B·n], entry b·n + i). Divided by d when `perDim` is given.
 */
export function spdByPosition(a: Values, b: Values, o: { B: number; n: number; perDim?: number }): PositionCurve {
  const { B, n } = o;
  if (a.length !== B * n || b.length !== B * n)
    throw new Error(`spdByPosition: need two arrays of B·n = ${B * n} predictions, got ${a.length} and ${b.length}`);
  const scale = o.perDim === undefined ? 1 : 1 / o.perDim;
  const m: number[] = [];
  const se: number[] = [];
  const col = new Float64Array(B);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < B; t++) col[t] = (a[t * n + i]! - b[t * n + i]!) ** 2 * scale;
    m.push(mean(col));
    se.push(B > 1 ? standardError(col) : Number.NaN);
  }
  return { mean: m, se };
}

/** Squared error of predictions against labels at every prefix length (same layout). */
export function errorByPosition(pred: Values, y: Values, o: { B: number; n: number; perDim?: number }): PositionCurve {
  return spdByPosition(pred, y, o);
}

/** Mean of a curve over the prefix lengths `from` ≤ i < `to` (MSPD: the under-determined i < d). */
export function meanOver(curve: readonly number[], o: { from: number; to: number }): number {
  if (!(Number.isInteger(o.from) && Number.isInteger(o.to) && 0 <= o.from && o.from < o.to && o.to <= curve.length))
    throw new Error(`meanOver: need integers 0 ≤ from < to ≤ ${curve.length}, got from = ${o.from}, to = ${o.to}`);
  return mean(curve.slice(o.from, o.to));
}

/**
 * Least-squares implicit weights from probe predictions: for each (prompt, prefix) block of K
 * probes x'_k ([B, K, d], shared by the P prefixes of a prompt) and predictions ([B·P·K]),
 * ŵ = (X'ᵀX')⁻¹X'ᵀŷ. Returns [B·P·d]. Needs K ≥ d probes in general position.
 */
export function implicitWeights(o: { preds: Values; probes: Values; B: number; P: number; K: number; d: number }): Float64Array {
  const { preds, probes, B, P, K, d } = o;
  if (K < d) throw new Error(`implicitWeights: K = ${K} probes cannot determine d = ${d} weights; use K ≥ d`);
  if (probes.length !== B * K * d) throw new Error(`implicitWeights: probes has ${probes.length} entries, expected B·K·d = ${B * K * d}`);
  if (preds.length !== B * P * K) throw new Error(`implicitWeights: preds has ${preds.length} entries, expected B·P·K = ${B * P * K}`);
  const out = new Float64Array(B * P * d);
  const A = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < P; p++) {
      A.fill(0);
      rhs.fill(0);
      for (let k = 0; k < K; k++) {
        const xo = (b * K + k) * d;
        const v = preds[(b * P + p) * K + k]!;
        for (let j = 0; j < d; j++) {
          rhs[j]! += probes[xo + j]! * v;
          for (let l = 0; l < d; l++) A[j * d + l]! += probes[xo + j]! * probes[xo + l]!;
        }
      }
      if (!choleskySolveInPlace(A, rhs, d))
        throw new Error(
          `implicitWeights: the probes of prompt ${b} are degenerate (X'ᵀX' singular); draw K ≥ d probes in general position`,
        );
      out.set(rhs, (b * P + p) * d);
    }
  }
  return out;
}

/** ILWD at each of P prefixes from two weight arrays [B·P·d]: mean over prompts of ‖w₁ − w₂‖² (÷ d with perDim). */
export function ilwd(w1: Values, w2: Values, o: { B: number; P: number; d: number; perDim?: boolean }): PositionCurve {
  const { B, P, d } = o;
  if (w1.length !== B * P * d || w2.length !== B * P * d)
    throw new Error(`ilwd: need two weight arrays of B·P·d = ${B * P * d} entries, got ${w1.length} and ${w2.length}`);
  const scale = o.perDim ? 1 / d : 1;
  const m: number[] = [];
  const se: number[] = [];
  const col = new Float64Array(B);
  for (let p = 0; p < P; p++) {
    for (let b = 0; b < B; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (w1[(b * P + p) * d + j]! - w2[(b * P + p) * d + j]!) ** 2;
      col[b] = s * scale;
    }
    m.push(mean(col));
    se.push(B > 1 ? standardError(col) : Number.NaN);
  }
  return { mean: m, se };
}

/**
 * R² of the least-squares linear fit of probe predictions (App. F: below 1 means the learner is not
 * linear in the query on that prefix). Per prefix, pooled over prompts: 1 − SS_res/SS_tot.
 */
export function probeLinearR2(o: { preds: Values; probes: Values; B: number; P: number; K: number; d: number }): number[] {
  const w = implicitWeights(o);
  const { preds, probes, B, P, K, d } = o;
  return Array.from({ length: P }, (_, p) => {
    let res = 0;
    let tot = 0;
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) {
        let f = 0;
        for (let j = 0; j < d; j++) f += w[(b * P + p) * d + j]! * probes[(b * K + k) * d + j]!;
        const v = preds[(b * P + p) * K + k]!;
        res += (v - f) ** 2;
        tot += v * v;
      }
    }
    return tot === 0 ? 1 : 1 - res / tot;
  });
}
