/**
 * The paper and the numbers transcribed from it. The paper body could not be read (notes §0): every
 * number below comes from the abstract [A], the official library [C] or a named third-party
 * transcription [S], and says which in `where`.
 */
import { definePaper, type Transcribed } from "../../core/paper";
import type { DifferenceReduction, IntersectionReduction } from "../../topics/tversky/index";

export const PAPER = definePaper({
  slug: "tversky",
  title: "Tversky Neural Networks: Psychologically Plausible Deep Learning with Differentiable Tversky Similarity",
  authors: ["Doumbouya", "Jurafsky", "Manning"],
  venue: "arXiv 2506.11035 (ICLR 2026)",
  arxiv: "2506.11035",
  code: "github.com/mdoumbouya/tversky",
  notes: "docs/notes/tversky.md",
});

const XOR_TABLE =
  "appendix XOR table (Appendix D) as transcribed by [S] verskyt scripts/run_xor_full_replication.py, tests/test_xor_benchmark.py; notes §5.2";

/** P(converge) per reduction pair, marginal over normalize, K and inits (972 runs per pair). Pairs absent were not transcribed. */
export const XOR_CONVERGENCE: readonly { intersection: IntersectionReduction; difference: DifferenceReduction; p: Transcribed }[] = [
  { intersection: "product", difference: "substractmatch", p: { value: 0.53, where: XOR_TABLE } },
  { intersection: "mean", difference: "substractmatch", p: { value: 0.51, where: XOR_TABLE } },
  { intersection: "max", difference: "ignorematch", p: { value: 0.47, where: XOR_TABLE } },
  { intersection: "max", difference: "substractmatch", p: { value: 0.44, where: XOR_TABLE } },
  { intersection: "softmin", difference: "substractmatch", p: { value: 0.42, where: XOR_TABLE } },
  { intersection: "min", difference: "ignorematch", p: { value: 0.42, where: XOR_TABLE } },
  { intersection: "gmean", difference: "ignorematch", p: { value: 0.0, where: XOR_TABLE } },
  { intersection: "gmean", difference: "substractmatch", p: { value: 0.0, where: XOR_TABLE } },
];

/** Runs per reduction pair in the appendix table (9 per cell of 2 × 6 × 3 × 3). */
export const XOR_RUNS_PER_PAIR: Transcribed = {
  value: 972,
  where: `${XOR_TABLE} (the paper's text says 12,960 in total, an inconsistency)`,
};

/** The official MNIST test network's parameter count. */
export const OFFICIAL_MNIST_PARAMS: Transcribed = { value: 10_935, where: "[C] mdoumbouya/tversky tests/outputs/mnist/report.md" };

/** GPT-2 small parameter counts with and without tied embeddings (the baseline rows of the LM table). */
export const GPT2: { vocab: Transcribed; width: Transcribed; untied: Transcribed; tied: Transcribed } = {
  vocab: { value: 50_257, where: "GPT-2 small vocabulary (notes §7)" },
  width: { value: 768, where: "GPT-2 small width (notes §7)" },
  untied: { value: 163_037_184, where: "[S] paper note, LM table (163.04M, no tying); exact count notes §7" },
  tied: { value: 124_439_808, where: "[S] paper note, LM table (124.44M, with tying); exact count notes §7" },
};

/** MNIST, ResNet-50 from scratch: test accuracy (%), mean ± sd. */
export const MNIST_SCRATCH: { linear: Transcribed<{ mean: number; sd: number }>; tversky: Transcribed<{ mean: number; sd: number }> } = {
  linear: {
    value: { mean: 99.54, sd: 0.04 },
    where: "[S] paper note (ICLR version), image table, MNIST ResNet-50 from scratch; notes §6.1",
  },
  tversky: {
    value: { mean: 99.56, sd: 0.06 },
    where: "[S] paper note (ICLR version), image table, MNIST ResNet-50 from scratch; notes §6.1",
  },
};

/** NABirds, frozen ResNet-50 with a linear vs a Tversky adapter: relative accuracy gain. */
export const NABIRDS_FROZEN_GAIN: Transcribed = { value: 0.247, where: "[A] abstract (36.0 → 44.9 per [S] gonzoml summary; notes §6.1)" };
