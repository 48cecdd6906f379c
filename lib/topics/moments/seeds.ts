/**
 * Deterministic seed derivation: every experiment cell (generator, seed, method, ...) gets its own
 * reproducible stream, independent of the order in which cells run.
 */

/** A 31-bit seed from any list of parts (FNV-1a over their JSON). */
export function seedFor(...parts: unknown[]): number {
  const text = JSON.stringify(parts);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}
