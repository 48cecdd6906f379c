/**
 * How far a fitted or trained preconditioner G is from a target G* (notes §1.1: the layer "is GD"
 * with preconditioner Γ_eff). The verdicts of the preconditioner claims are decided by these, so
 * each is scale-free and tested on hand-worked matrices.
 */
import { assertMatrix, diagOf, type Matrix } from "../../core/linalg";

function checkSquarePair(G: Matrix, target: Matrix, what: string): void {
  assertMatrix(G, `${what} G`);
  assertMatrix(target, `${what} target`, G.length, G.length);
  if (G.some((r) => r.length !== G.length)) throw new Error(`${what}: G must be square, got ${G.length} x ${G[0]?.length ?? 0}`);
}

/** max_i |G_ii / G*_ii − 1|: the worst relative error of the diagonal. */
export function maxDiagRelErr(G: Matrix, target: Matrix): number {
  checkSquarePair(G, target, "maxDiagRelErr");
  return Math.max(...G.map((r, i) => Math.abs(r[i]! / target[i]![i]! - 1)));
}

/** max_i G_ii / min_i G_ii − 1: the spread of a diagonal that should be constant (G ≈ c·I). */
export function diagSpread(G: Matrix): number {
  const d = diagOf(G);
  if (d.length === 0) throw new Error("diagSpread: empty matrix");
  const lo = Math.min(...d);
  if (!(lo > 0)) throw new Error(`diagSpread: the diagonal must be positive, smallest entry ${lo}`);
  return Math.max(...d) / lo - 1;
}

/** Mean of the diagonal: the scalar step c of G ≈ c·I. */
export function meanDiag(G: Matrix): number {
  const d = diagOf(G);
  return d.reduce((s, v) => s + v, 0) / d.length;
}

/**
 * max_{i≠j} |G_ij| / √(G*_ii G*_jj): the off-diagonal error in the coordinates where G* is the
 * identity (for G* = c·Σ⁻¹ that is the whitened problem), so one tolerance serves every scale of Σ.
 * For G* = c·I it is max |G_ij| / c.
 */
export function offDiagRel(G: Matrix, target: Matrix): number {
  checkSquarePair(G, target, "offDiagRel");
  target.forEach((r, i) => {
    if (!(r[i]! > 0)) throw new Error(`offDiagRel: the target's diagonal must be positive, entry ${i} is ${r[i]}`);
  });
  let worst = 0;
  G.forEach((r, i) =>
    r.forEach((v, j) => {
      if (i !== j) worst = Math.max(worst, Math.abs(v) / Math.sqrt(target[i]![i]! * target[j]![j]!));
    }),
  );
  return worst;
}

/** G₁₁ / G_dd: how strongly G scales the first coordinate against the last (M5: Γ_σ⁻¹ vs Σ⁻¹). */
export function diagRatio(G: Matrix): number {
  const d = diagOf(G);
  return d[0]! / d[d.length - 1]!;
}
