/** Parameter counts (notes §2). */

/** Linear d → p with bias: p·d + p. */
export function linearParams(d: number, p: number, bias = true): number {
  check({ d, p });
  return p * d + (bias ? p : 0);
}

/**
 * Tversky projection d → p: p·d prototypes + K·d bank + 3 scalars (θ, α, β); with `sharedBank`
 * the bank is owned elsewhere and not counted, with `tiedPrototypes` the prototypes are too
 * (e.g. an LM head tied to the token embeddings: 3 marginal parameters).
 */
export function tverskyParams(d: number, p: number, K: number, o: { sharedBank?: boolean; tiedPrototypes?: boolean } = {}): number {
  check({ d, p, K });
  return (o.tiedPrototypes ? 0 : p * d) + (o.sharedBank ? 0 : K * d) + 3;
}

/** L Tversky projections of sizes p_l on one shared bank of K features: Σ_l (p_l·d + 3) + K·d. */
export function sharedBankParams(d: number, ps: readonly number[], K: number): number {
  check({ d, K });
  return ps.reduce((s, p) => s + tverskyParams(d, p, K, { sharedBank: true }), 0) + K * d;
}

/** A stack of dense layers sizes[0] → sizes[1] → … with biases. */
export function mlpParams(sizes: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += linearParams(sizes[i - 1]!, sizes[i]!);
  return n;
}

/** The notes' signature: paramCount("linear" | "tversky", d, p, K?, sharedBank?). */
export function paramCount(kind: "linear" | "tversky", d: number, p: number, K?: number, sharedBank = false): number {
  if (kind === "linear") return linearParams(d, p);
  if (K === undefined) throw new Error("paramCount: a Tversky projection needs K (the feature-bank size)");
  return tverskyParams(d, p, K, { sharedBank });
}

function check(dims: Record<string, number>): void {
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`parameter count: ${k} must be a positive integer, got ${v}`);
  }
}
