/**
 * Zhang, Frei, Bartlett (JMLR 2024). The full text (arXiv v3) was read (notes §0, §3): the expected
 * values of this study are the closed forms of its theorems (Γ, Thm 4.1's minimum, Thm 4.2's error,
 * Thm 4.5's limit), computed here (lib/topics/icl/zhang.ts) and labelled derived; its only numbers
 * are the GPT-2 experiments of Appendix E, which are out of CPU scope.
 */
import { definePaper } from "../../core/paper";

export const PAPER = definePaper({
  slug: "trained-transformers-icl",
  title: "Trained Transformers Learn Linear Models In-Context",
  authors: ["Zhang", "Frei", "Bartlett"],
  venue: "JMLR 2024",
  arxiv: "2306.09927",
  notes: "docs/notes/trained-transformers-icl.md",
});
