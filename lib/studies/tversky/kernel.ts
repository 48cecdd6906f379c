/**
 * The study's ONE switch between the two implementations of the Tversky similarity in training
 * (XOR grid and calibration, digits and Fashion-MNIST heads): false = the tfjs tensor composition
 * that produced the committed notebook outputs; true = the fused Float32Array kernel
 * (lib/topics/tversky/fused.ts), the same function with a hand-written gradient and fewer kernel
 * dispatches (timings: bench/tversky.ts, the "fused" rows). The two differ by float32 rounding only, but Adam turns rounding
 * noise on a mathematically zero gradient into ±lr steps and XOR training is chaotic, so which
 * runs converge changes: flip this only together with a full-scale re-run of the notebook.
 */
import type { ClassifierSpec } from "../../topics/tversky/index";

export const FUSED_KERNEL = false;

/** A classifier spec whose Tversky head (if any) uses the kernel chosen by FUSED_KERNEL. */
export function withKernel(cs: ClassifierSpec): ClassifierSpec {
  return cs.head.kind === "tversky" ? { ...cs, head: { ...cs.head, fused: FUSED_KERNEL } } : cs;
}
