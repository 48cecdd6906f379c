/**
 * The paper this study reproduces, and the settings read from its official code. The paper's full
 * text and tables could not be read (notes §0), so nothing here is a result of the paper: the
 * transcribed values are the protocol of the official repository.
 */
import { definePaper, type Transcribed } from "../../core/paper";

export const PAPER = definePaper({
  slug: "gen-vs-disc",
  title: "Revisiting Discriminative vs. Generative Classifiers: Theory and Implications",
  authors: ["Zheng", "Wu", "Bao", "Cao", "Li", "Zhu"],
  venue: "ICML 2023",
  arxiv: "2302.02334",
  code: "github.com/ML-GSAI/Revisiting-Dis-vs-Gen-Classifiers",
  notes: "docs/notes/gen-vs-disc.md",
});

const SCRIPT = "official scripts/main_simulation.sh and main_simulation.py (notes §2)";

/** The simulation protocol of the official code (notes §2). */
export const SIMULATION_PROTOCOL = {
  K: { value: [2, 3, 5, 7], where: SCRIPT } as Transcribed<number[]>,
  n: { value: [100, 200, 400, 1000], where: SCRIPT } as Transcribed<number[]>,
  runs: { value: 5, where: `${SCRIPT}: loop t = 1..5 with --repeat 1` } as Transcribed,
  /** Stop once the error is below Bayes error + eps. */
  eps: { value: 0.01, where: "official main_simulation.py stopping rule (notes §2)" } as Transcribed,
  /** LR's C in the simulation. */
  C: { value: 1, where: `${SCRIPT}: lr_bgfs with C = 1` } as Transcribed,
  /** Variance floor added per class in the paper's NB. */
  nbEps: { value: 1e-9, where: "official models/gaussnb.py (notes §1.2)" } as Transcribed,
  maxIter: { value: 1000, where: "official models/logistic.py: LogisticRegression(max_iter=1000) (notes §1.3)" } as Transcribed,
};
