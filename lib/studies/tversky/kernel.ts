/**
 * The study's switches between implementations of the same computation in training. They differ by
 * float32 rounding only, but Adam turns rounding noise on a mathematically zero gradient into ±lr
 * steps and XOR training is chaotic, so which runs converge changes: flip a switch only together
 * with a full-scale re-run of the notebook.
 *
 * XOR (appendix grid and calibration), trainXorBatch's engine:
 *   - "tensors": the tfjs similarity composition, autodiff and the tensor Adam (until 2026-12-04 16:45);
 *   - "fused-similarity": the same with the similarity as one custom op (lib/topics/tversky/fused.ts),
 *     1.29-1.32× faster (16:45 until the re-run of 2026-12-04 night, docs/notes/tversky.md §15);
 *   - "arrays": the whole step, Adam included, on Float32Arrays with no tfjs op
 *     (lib/topics/tversky/xor-arrays.ts): 972-run step ~9 → 3.3 ms on bench/tversky.ts, 0.80-0.98×
 *     PyTorch's (1.35-1.50× like for like on the padded batch; docs/performance.md), used since the
 *     re-run of 2026-12-04 night (docs/notes/tversky.md §16).
 * Digits classifiers, BatchedClassifier.fit's engine: "tensors". The arrays engine
 * (lib/topics/tversky/classifier-arrays.ts) was tried in a full re-run (2026-12-04 night,
 * docs/notes/tversky.md §16) and not adopted: at the study's 10 batched seeds it is no faster (the
 * digits experiment at full scale, quiet: 52.4 s against 52.2 s; its plain float64 loops scale with
 * the seeds, tfjs' batched products do not), while its float32 rounding alone moved claims 9 and
 * 12, whose intervals sit on their margins. It is 2.6-3.1× faster at 1 seed (bench/tversky.ts).
 * Fashion-MNIST: the tensor step, whose XNNPACK matmuls beat plain loops on its 784 × 64 first layer;
 * its Tversky head on the similarity composition (the fused op was 1.12× faster on one digits head
 * but 1.35× slower on five batched heads, quiet, 2026-12-04, so it stays off).
 */
import type { ClassifierSpec, TrainOptions, XorEngine } from "../../topics/tversky/index";

/** XOR grid and calibration runs (trainXorBatch's engine). */
export const XOR_ENGINE: XorEngine = "arrays";
/** Digits classifiers (BatchedClassifier.fit). */
export const DIGITS_ENGINE: TrainOptions["engine"] = "tensors";
/** Fashion-MNIST classifiers (BatchedClassifier.fit). */
export const FASHION_ENGINE: TrainOptions["engine"] = "tensors";
/** Tversky heads on the tensor step: the fused similarity op or the composition. */
export const FUSED_HEADS = false;

/** A classifier spec whose Tversky head (if any) uses the kernel chosen by FUSED_HEADS. */
export function withKernel(cs: ClassifierSpec): ClassifierSpec {
  return cs.head.kind === "tversky" ? { ...cs, head: { ...cs.head, fused: FUSED_HEADS } } : cs;
}
