/** Parameter counts (notes §2), by name: d (input width), p (outputs = prototypes), K (bank size). */

/** Linear d → p: p·d weights, plus p biases unless `bias: false`. */
export function linearParams(a: { d: number; p: number; bias?: boolean }): number {
  check({ d: a.d, p: a.p });
  return a.p * a.d + (a.bias === false ? 0 : a.p);
}

/**
 * Tversky projection d → p: p·d prototypes + K·d bank + 3 scalars (θ, α, β); with `sharedBank`
 * the bank is owned elsewhere and not counted, with `tiedPrototypes` the prototypes are too
 * (e.g. an LM head tied to the token embeddings: 3 marginal parameters).
 */
export function tverskyParams(a: { d: number; p: number; K: number; sharedBank?: boolean; tiedPrototypes?: boolean }): number {
  check({ d: a.d, p: a.p, K: a.K });
  return (a.tiedPrototypes ? 0 : a.p * a.d) + (a.sharedBank ? 0 : a.K * a.d) + 3;
}

/** Tversky projections of sizes `ps` (each d → p_l) on one shared bank of K features: Σ_l (p_l·d + 3) + K·d. */
export function sharedBankParams(a: { d: number; ps: readonly number[]; K: number }): number {
  check({ d: a.d, K: a.K });
  return a.ps.reduce((s, p) => s + tverskyParams({ d: a.d, p, K: a.K, sharedBank: true }), 0) + a.K * a.d;
}

/** A stack of dense layers sizes[0] → sizes[1] → … with biases. */
export function mlpParams(sizes: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += linearParams({ d: sizes[i - 1]!, p: sizes[i]! });
  return n;
}

function check(dims: Record<string, number>): void {
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`parameter count: ${k} must be a positive integer, got ${v}`);
  }
}
