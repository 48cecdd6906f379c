/**
 * Notebook section "How much luck is in single-seed values" (information only; no verdict reads
 * it): extra draws of the same protocols where the noise is largest, NB only (cheap).
 */
import { meanCI, type MeanCI } from "../../../core/stats";
import { learningCurve, makeModel, simErrorsAt } from "../../../topics/classifiers";
import type { StudyData } from "./estimators";
import { NB, NB_PER_CLASS } from "./job-grid";

export interface LuckResult {
  /** K = 3, n = 320: NB's error at m = 12 and 18 over `simRepeats` training samples. */
  k3: { m: number; ci: MeanCI }[];
  /** iris, m = 6: per-class NB over `irisRepeats` repeats of the §5.3 protocol. */
  iris: MeanCI;
  irisRepeats: number;
}

export function runLuck(o: { data: StudyData; simRepeats: number; irisRepeats: number; seed: number }): LuckResult {
  const k3 = [12, 18].map((m) => ({
    m,
    ci: meanCI(simErrorsAt({ n: 320, K: 3, m, repeats: o.simRepeats, seed: o.seed + m, model: { name: "NB", make: () => makeModel(NB) } })),
  }));
  const curve = learningCurve({
    data: o.data.raw.iris,
    mGrid: [6],
    repeats: o.irisRepeats,
    seed: o.seed,
    progress: false,
    models: [{ name: "NB per-class", make: () => makeModel(NB_PER_CLASS) }],
  });
  return { k3, iris: curve.summary["NB per-class"]![0]!, irisRepeats: o.irisRepeats };
}
