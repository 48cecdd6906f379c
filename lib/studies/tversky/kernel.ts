/**
 * The study's switches between the two implementations of the Tversky similarity in training:
 * false = the tfjs tensor composition, true = the fused Float32Array kernel
 * (lib/topics/tversky/fused.ts), the same function with a hand-written gradient and fewer kernel
 * dispatches. The two differ by float32 rounding only, but Adam turns rounding noise on a
 * mathematically zero gradient into ±lr steps and XOR training is chaotic, so which runs converge
 * changes: flip a switch only together with a full-scale re-run of the notebook.
 *
 * Decided on bench/tversky.ts (docs/performance.md, quiet, 2026-12-04): the fused kernel is 1.29-1.32×
 * faster on the XOR batches (972 runs: 9.96 → 7.53 ms a step), 1.12× on one digits head and 1.35×
 * slower on five batched heads. So XOR (appendix grid and calibration) uses it, from the full re-run
 * of 2026-12-04 16:45 on (docs/notes/tversky.md §15), and the digits and Fashion-MNIST heads do not.
 */
import type { ClassifierSpec } from "../../topics/tversky/index";

/** XOR grid and calibration runs (trainXorBatch). */
export const FUSED_XOR = true;
/** Digits and Fashion-MNIST heads (BatchedClassifier). */
export const FUSED_HEADS = false;

/** A classifier spec whose Tversky head (if any) uses the kernel chosen by FUSED_HEADS. */
export function withKernel(cs: ClassifierSpec): ClassifierSpec {
  return cs.head.kind === "tversky" ? { ...cs, head: { ...cs.head, fused: FUSED_HEADS } } : cs;
}
