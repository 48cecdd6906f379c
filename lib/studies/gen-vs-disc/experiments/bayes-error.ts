/**
 * Notebook section "Bayes error of the simulation" (check 4): the closed form of
 * `paperBayesError` against Monte Carlo draws through the generator, classified with the true
 * parameters.
 */
import { Rng } from "../../../core/rng";
import { bayesErrorMonteCarlo, makePaperSimulation, paperBayesError } from "../../../topics/classifiers";
import type { Cell } from "../settings";

/** Closed-form and Monte Carlo Bayes error of one setting. */
export interface BayesRow {
  n: number;
  K: number;
  closedForm: number;
  mc: number;
  se: number;
  draws: number;
}

export function runBayesError(o: { settings: Cell[]; draws: number; seed: number }): BayesRow[] {
  const rng = new Rng(o.seed);
  return o.settings.map(({ n, K }) => {
    const { error, se } = bayesErrorMonteCarlo({ sim: makePaperSimulation({ n, K }), draws: o.draws, rng: rng.split() });
    return { n, K, closedForm: paperBayesError({ n, K }), mc: error, se, draws: o.draws };
  });
}
