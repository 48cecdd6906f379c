/**
 * Individual mode ("-I", one Linear per channel; notes §1.4) trained beside the shared cells, on
 * ETTh1 with the official hyperparameters. A diagnostic without a reference value: the notes did
 * not transcribe LTSF-Benchmark.md's "-I" rows, so no claim is made from it.
 */
import { Rng } from "../../../core/rng";
import { prepareEtt } from "../../../topics/timeseries/ett";
import { trainIndividual } from "../../../topics/timeseries/individual";
import { checkModel, type ModelName } from "../../../topics/timeseries/models";
import { ettWindows } from "../../../topics/timeseries/windows";
import { LOOKBACK, officialHyper } from "./trained";

export interface IndividualRow {
  data: "ETTh1";
  H: number;
  model: ModelName;
  seed: number;
  mse: number;
  mae: number;
  epochsRun: number;
  bestEpoch: number;
  seconds: number;
}

/** `models` as strings (notebook cells compile without literal types); each is checked by name. */
export function runIndividual(o: { H: number; models: readonly string[]; seeds: number[]; maxEpochs?: number }): IndividualRow[] {
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: LOOKBACK, H: o.H });
  const { lr, batch } = officialHyper("ETTh1", o.H);
  return o.models.flatMap((name) => {
    checkModel(name);
    const model: ModelName = name;
    return o.seeds.map((seed) => {
      const t0 = Date.now();
      const r = trainIndividual(d, { model, L: LOOKBACK, H: o.H, lr, batch, rng: new Rng(seed), maxEpochs: o.maxEpochs }, w);
      return {
        data: "ETTh1" as const,
        H: o.H,
        model,
        seed,
        mse: r.test.dropLast.mse,
        mae: r.test.dropLast.mae,
        epochsRun: r.epochsRun,
        bestEpoch: r.bestEpoch,
        seconds: (Date.now() - t0) / 1000,
      };
    });
  });
}
