/**
 * Akyürek, Schuurmans, Andreas, Ma, Zhou (ICLR 2023). The camera-ready text and the official
 * `incontext/` code were read (notes icl-linear-regression.md §0, §5): the reference learners and
 * metrics follow the paper's definitions; its transformer results (L = 16, H = 512, 500k steps) are
 * out of CPU scope, so the depth phases are tested on a small analogue (docs/notes/icl-algorithms.md).
 */
import { definePaper } from "../../core/paper";

export const PAPER = definePaper({
  slug: "icl-algorithms",
  title: "What learning algorithm is in-context learning? Investigations with linear models",
  authors: ["Akyürek", "Schuurmans", "Andreas", "Ma", "Zhou"],
  venue: "ICLR 2023",
  arxiv: "2211.15661",
  notes: "docs/notes/icl-algorithms.md",
});
