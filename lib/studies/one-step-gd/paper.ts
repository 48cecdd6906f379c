/**
 * Mahankali, Hashimoto, Ma (ICLR 2024). Only the abstract and the OpenReview reviews could be read
 * (notes §0), so no number of the paper is transcribed: every expected value of this study is
 * derived here (topics/icl closed forms) or a threshold we chose, and claims.ts says which.
 */
import { definePaper } from "../../core/paper";

export const PAPER = definePaper({
  slug: "one-step-gd",
  title: "One Step of Gradient Descent is Provably the Optimal In-Context Learner with One Layer of Linear Self-Attention",
  authors: ["Mahankali", "Hashimoto", "Ma"],
  venue: "ICLR 2024",
  arxiv: "2307.03576",
  notes: "docs/notes/one-step-gd.md",
});
