/**
 * Baselines that need no training (notes §3.1), on the normalised scale over all channels:
 *   Repeat          ŷ[t] = x[L−1]                  (Table 2's "Repeat" column)
 *   seasonal naive  ŷ[t] = x[L − P + (t mod P)]    (P = one day: 24 for ETTh, 96 for ETTm)
 * Neither depends on L (for L ≥ P). They check the whole data path against the notes' values,
 * and with the paper-era test loader (drop_last at batch 32) Repeat equals Table 2's column.
 */
import type { Metrics } from "./train";
import { keptByDropLast, type WindowSet } from "./windows";

export type Baseline = { kind: "repeat" } | { kind: "seasonal"; period: number };

/** MSE/MAE of a baseline over windows [0, n) (or the drop_last count), float64. */
export function evaluateBaseline(b: Baseline, w: WindowSet, o: { dropLastBatch?: number } = {}): Metrics {
  const { L, H, channels: C, data } = w;
  if (b.kind === "seasonal" && !(Number.isInteger(b.period) && b.period >= 1 && b.period <= L))
    throw new Error(`seasonal naive: period must be an integer in [1, L = ${L}], got ${b.period}`);
  const n = o.dropLastBatch ? keptByDropLast(w.n, o.dropLastBatch) : w.n;
  let se = 0;
  let ae = 0;
  for (let i = 0; i < n; i++) {
    const s = w.range.start + i;
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < H; t++) {
        const src = b.kind === "repeat" ? L - 1 : L - b.period + (t % b.period);
        const d = data[(s + src) * C + c]! - data[(s + L + t) * C + c]!;
        se += d * d;
        ae += Math.abs(d);
      }
    }
  }
  const count = n * H * C;
  return { mse: se / count, mae: ae / count, n };
}
