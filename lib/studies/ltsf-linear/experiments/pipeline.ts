/**
 * Checks A1–A7 and A15 of the notes (§4): the data path and the models, exact or near-exact, so the
 * trained numbers later can be trusted.
 */
import { Rng } from "../../../core/rng";
import { ETT_NAMES, ETT_ROWS, loadEtt, prepareEtt, splitRanges, type EttName } from "../../../topics/timeseries/ett";
import { checkModel, gatherBatch, initParams, movingAverage, parameterCount, type ModelName } from "../../../topics/timeseries/models";
import { predictBatch, trainOfficial, type EpochLog } from "../../../topics/timeseries/train";
import { ettWindows, stepsPerEpoch } from "../../../topics/timeseries/windows";

export interface PipelineResult {
  rows: { data: EttName; rows: number; expected: number; first: string; last: string }[];
  /** ETTh1 at L = 336. */
  split: { trainRows: number; valRows: number; testRows: number; testStart: number; firstTestTargetDate: string; row11520: number[] };
  /** Window counts N_train/N_val/N_test and steps per epoch (bs 32) for every dataset and horizon at L = 336. */
  windows: { data: EttName; H: number; train: number; val: number; test: number; steps32: number }[];
  scaler: Record<"ETTh1" | "ETTh2", { mean: number[]; std: number[] }>;
  /** Moving average of the ramp x_t = t, L = 336, k = 25, at t = 0, 1, 100, 335. */
  ramp: { t: number; value: number }[];
  /** max |f(x + c) − f(x) − c| of NLinear with random weights (float32 forward). */
  nlinearEquivariance: number;
  params: { model: ModelName; individual: boolean; count: number }[];
}

export function runPipelineChecks(): PipelineResult {
  const rows = ETT_NAMES.map((data) => {
    const s = loadEtt(data);
    return { data, rows: s.rows, expected: ETT_ROWS[data], first: s.dates[0]!, last: s.dates[s.rows - 1]! };
  });
  const h1 = prepareEtt("ETTh1");
  const r = splitRanges("ETTh1", 336);
  const split = {
    trainRows: r.train.end - r.train.start,
    valRows: r.val.end - r.val.start,
    testRows: r.test.end - r.test.start,
    testStart: r.test.start,
    firstTestTargetDate: h1.dates[r.test.start + 336]!,
    row11520: Array.from(h1.data.subarray(11520 * 7, 11521 * 7)),
  };
  const windows = ETT_NAMES.flatMap((data) =>
    [96, 192, 336, 720].map((H) => {
      const w = ettWindows(prepareEtt(data), { L: 336, H });
      return { data, H, train: w.train.n, val: w.val.n, test: w.test.n, steps32: stepsPerEpoch(w.train.n, 32) };
    }),
  );
  const stats = (d: EttName) => {
    const p = prepareEtt(d);
    return { mean: Array.from(p.scaler.mean), std: Array.from(p.scaler.std) };
  };
  const rampIn = Float64Array.from({ length: 336 }, (_, t) => t);
  const ma = movingAverage(rampIn, 25);
  const ramp = [0, 1, 100, 335].map((t) => ({ t, value: ma[t]! }));
  // NLinear with random (torch-init) weights on real windows, shifted by c
  const rng = new Rng(16);
  const p = initParams({ model: "NLinear", L: 336, H: 96, init: "torch", rng });
  const w = ettWindows(h1, { L: 336, H: 96 }).test;
  const idx = [0, 500, 1000, 2000];
  const b = gatherBatch("NLinear", w, idx, false);
  const base = predictBatch(p.theta, b, 1);
  let worst = 0;
  for (const c of [-3.7, 0.25, 12.5]) {
    // the whole series shifted by c: features, offsets and targets are recomputed from it
    const shifted = { ...w, byChannel: w.byChannel.map((s) => s.map((v) => v + c)) };
    const y = predictBatch(p.theta, gatherBatch("NLinear", shifted, idx, false), 1);
    for (let k = 0; k < y.length; k++) worst = Math.max(worst, Math.abs(y[k]! - base[k]! - c));
  }
  const params = (["Linear", "NLinear", "DLinear"] as ModelName[]).flatMap((model) =>
    [false, true].map((individual) => ({ model, individual, count: parameterCount({ model, L: 336, H: 96, individual }) })),
  );
  return { rows, split, windows, scaler: { ETTh1: stats("ETTh1"), ETTh2: stats("ETTh2") }, ramp, nlinearEquivariance: worst, params };
}

export interface TraceResult {
  model: ModelName;
  log: EpochLog[];
}

/** A15: zero init, no shuffling, 3 epochs, ETTh1 L = 336, H = 96, lr 0.005, bs 32 (notes §3.4). */
export function runTrace(models: readonly string[] = ["Linear", "NLinear", "DLinear"], epochs = 3): TraceResult[] {
  models.forEach((m) => checkModel(m));
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: 336, H: 96 });
  return (models as ModelName[]).map((model) => ({
    model,
    log: trainOfficial(
      d,
      { model, L: 336, H: 96, lr: 0.005, batch: 32, deterministic: true, maxEpochs: epochs, label: `trace ${model}` },
      w,
    ).log,
  }));
}
