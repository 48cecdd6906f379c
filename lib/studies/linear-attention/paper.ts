/**
 * Three papers around one object, a matrix memory written with keys and values and read with
 * queries: DeltaNet (Yang et al., NeurIPS 2024), DeltaProduct (Siems et al., 2025) and modern
 * Hopfield networks (Ramsauer et al., ICLR 2021). None of their full texts was readable (notes §0):
 * expected values come from the authors' abstracts, blogs, READMEs, posters and official code,
 * from derivations, and from the notes' CPU prototype.
 */
import { definePaper } from "../../core/paper";

export const PAPER = definePaper({
  slug: "linear-attention",
  title: "Linear attention with the delta rule (DeltaNet), Householder products (DeltaProduct), and modern Hopfield networks",
  authors: ["Yang", "Wang", "Zhang", "Shen", "Kim", "Siems et al.", "Ramsauer et al."],
  venue: "NeurIPS 2024; arXiv 2502.10297; ICLR 2021",
  arxiv: "2406.06484",
  code: "github.com/fla-org/flash-linear-attention",
  notes: "docs/notes/linear-attention.md",
});
