/** Summary statistics over seeds and deterministic seed derivation. */

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n−1); 0 for fewer than two values. */
export function std(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

export interface MeanStd {
  mean: number;
  std: number;
  values: number[];
}

export function summarize(values: number[]): MeanStd {
  return { mean: mean(values), std: std(values), values };
}

/** "0.912 ± 0.013" */
export function fmtMeanStd(m: MeanStd, digits = 3): string {
  return `${m.mean.toFixed(digits)} ± ${m.std.toFixed(digits)}`;
}

/**
 * A 31-bit seed from any list of parts (FNV-1a over their JSON), so that every experiment cell
 * (generator, seed, method...) gets its own reproducible stream independent of execution order.
 */
export function seedFor(...parts: unknown[]): number {
  const text = JSON.stringify(parts);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}
