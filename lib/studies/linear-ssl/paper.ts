/**
 * Two papers, one study (a linear encoder predicting a stop-gradient view):
 * (A) Tian, Chen, Ganguli, "Understanding Self-supervised Learning Dynamics without Contrastive
 *     Pairs" (ICML 2021, arXiv 2102.06810; code facebookresearch/luckmatters, ssl/real-dataset);
 * (B) Littwin et al., "How JEPA Avoids Noisy Features: The Implicit Bias of Deep Linear Self
 *     Distillation Networks" (NeurIPS 2024, arXiv 2407.03475).
 * Neither paper's body was readable (notes §0): every expected value is derived here (the notes'
 * derivations, checked numerically) or a prototype value of the notes' own runs; nothing is quoted
 * from either paper. PAPER names (A), the study's first paper; PAPER_B is cited in the notebook.
 */
import { definePaper } from "../../core/paper";

export const PAPER = definePaper({
  slug: "linear-ssl",
  title:
    "Understanding Self-supervised Learning Dynamics without Contrastive Pairs; with Littwin et al., How JEPA Avoids Noisy Features (NeurIPS 2024)",
  authors: ["Tian", "Chen", "Ganguli"],
  venue: "ICML 2021 + NeurIPS 2024",
  arxiv: "2102.06810",
  code: "github.com/facebookresearch/luckmatters",
  notes: "docs/notes/linear-ssl.md",
});

export const PAPER_B = {
  title: "How JEPA Avoids Noisy Features: The Implicit Bias of Deep Linear Self Distillation Networks",
  authors: ["Littwin", "Saremi", "Advani", "Thilak", "Nakkiran", "Huang", "Susskind"],
  venue: "NeurIPS 2024",
  arxiv: "2407.03475",
};
