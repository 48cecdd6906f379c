/**
 * The study's claims: one function per claim or check, from experiment results to a claim record.
 * Every expected value, tolerance and provenance of the notebook lives here.
 */

/** Notes §5.4 prototype m* (official estimators, scikit-learn 1.2.1; 20 repeats for K = 2, 10 for K = 3), per K, n and model. */
export const PROTOTYPE_MSTAR: Record<number, Record<number, Record<string, number>>> = {
  2: { 10: { NB: 22, LR: 79 }, 20: { NB: 10, LR: 58 }, 40: { NB: 8, LR: 68 }, 80: { NB: 9, LR: 99 }, 160: { NB: 10, LR: 178 }, 320: { NB: 10, LR: 328 }, 640: { NB: 11, LR: 627 } },
  3: { 20: { NB: 78, LR: 384 }, 40: { NB: 50, LR: 370 }, 80: { NB: 26, LR: 296 }, 160: { NB: 18, LR: 396 }, 320: { NB: 12, LR: 660 } },
};
