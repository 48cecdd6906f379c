/**
 * von Oswald, Niklasson, Randazzo, Sacramento, Mordvintsev, Zhmoginov, Vladymyrov (ICML 2023). The
 * full text (arXiv v2 with appendix) and the official code (google-research/self-organising-systems,
 * transformers_learn_icl_by_gd) were read (notes §0, §4). The code's data are x ~ U(−0.5, 0.5), not
 * the paper text's U(−1, 1) (pitfall 3); this study follows the code, whose losses match the figures.
 */
import { definePaper } from "../../core/paper";

export const PAPER = definePaper({
  slug: "icl-by-gd",
  title: "Transformers Learn In-Context by Gradient Descent",
  authors: ["von Oswald", "Niklasson", "Randazzo", "Sacramento", "Mordvintsev", "Zhmoginov", "Vladymyrov"],
  venue: "ICML 2023",
  arxiv: "2212.07677",
  notes: "docs/notes/icl-by-gd.md",
});
