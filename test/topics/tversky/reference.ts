/** Test helper (not a test file): the float64 reference of the Tversky similarity. */
import type { DifferenceReduction, IntersectionReduction } from "../../../lib/topics/tversky/index";

/**
 * Plain float64 reference of the contrast model, written pair by pair straight from the notes'
 * formulas (§1.4, §1.5) and the official code, independently of the tensor implementation.
 */
export function reference(
  x: number[][],
  y: number[][],
  F: number[][],
  th: number,
  al: number,
  be: number,
  o: { intersection: IntersectionReduction; difference: DifferenceReduction; threshold?: number; model?: "contrast" | "ratio" },
): number[][] {
  const thr = o.threshold ?? 0;
  const dot = (u: number[], v: number[]) => u.reduce((s, ui, i) => s + ui * v[i]!, 0);
  return x.map((a) =>
    y.map((b) => {
      const A = F.map((f) => dot(a, f)),
        B = F.map((f) => dot(b, f));
      const inA = A.map((v) => v > thr),
        inB = B.map((v) => v > thr);
      let Ia = 0,
        Ib = 0,
        prod = 0,
        minPf = 0,
        maxPf = 0,
        gPf = 0,
        smPf = 0,
        onlyA = 0,
        onlyB = 0,
        exA = 0,
        exB = 0;
      F.forEach((_, k) => {
        const a_ = A[k]!,
          b_ = B[k]!;
        if (inA[k] && inB[k]) {
          Ia += a_;
          Ib += b_;
          prod += a_ * b_;
          minPf += Math.min(a_, b_);
          maxPf += Math.max(a_, b_);
          gPf += Math.sqrt(a_ * b_);
          smPf += -Math.log(Math.exp(-a_) + Math.exp(-b_));
          exA += Math.max(0, a_ - b_);
          exB += Math.max(0, b_ - a_);
        } else if (inA[k]) onlyA += a_;
        else if (inB[k]) onlyB += b_;
      });
      const I = {
        product: prod,
        min: Math.min(Ia, Ib),
        max: Math.max(Ia, Ib),
        mean: (Ia + Ib) / 2,
        gmean: Math.sqrt(Ia * Ib),
        softmin: -Math.log(Math.exp(-Ia) + Math.exp(-Ib)),
        min_pf: minPf,
        max_pf: maxPf,
        gmean_pf: gPf,
        softmin_pf: smPf,
      }[o.intersection];
      const D = {
        ignorematch: [onlyA, onlyB],
        substractmatch: [onlyA + Math.max(0, Ia - Ib), onlyB + Math.max(0, Ib - Ia)],
        substractmatch_pf: [exA, exB],
        substractmatch_pf_plus: [onlyA + exA, onlyB + exB],
      }[o.difference];
      if (o.model === "ratio") return I / (I + al * D[0]! + be * D[1]! + 1);
      return th * I - al * D[0]! - be * D[1]!;
    }),
  );
}
