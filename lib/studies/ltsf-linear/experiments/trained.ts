/**
 * One trained cell of Table 2: a linear forecaster on one ETT dataset and horizon, trained by the
 * official protocol with one seed (the job of the grids in ../grids.ts). Imports only the pipeline
 * modules it runs, so edits elsewhere in the topic library do not invalidate stored results.
 */
import { Rng } from "../../../core/rng";
import { initTf } from "../../../core/tf";
import { prepareEtt, type EttName } from "../../../topics/timeseries/ett";
import { gatherBatch, type ModelName } from "../../../topics/timeseries/models";
import { predictBatch, trainOfficial, type EpochLog, type Metrics } from "../../../topics/timeseries/train";
import { ettWindows } from "../../../topics/timeseries/windows";

/** Look-back of Table 2's linear models. */
export const LOOKBACK = 336;

/** Official scripts/EXP-LongForecasting/Linear/*.sh (notes §1.5): lr and batch per dataset (and horizon for ETTm2). */
export function officialHyper(data: EttName, H: number): { lr: number; batch: number } {
  switch (data) {
    case "ETTh1":
      return { lr: 0.005, batch: 32 };
    case "ETTh2":
      return { lr: 0.05, batch: 32 };
    case "ETTm1":
      return { lr: 0.0001, batch: 8 };
    case "ETTm2":
      return { lr: H <= 192 ? 0.001 : 0.01, batch: 32 };
  }
}

export interface CellSpec {
  data: EttName;
  H: number;
  model: ModelName;
  seed: number;
}

export interface CellResult {
  data: EttName;
  H: number;
  model: ModelName;
  seed: number;
  lr: number;
  batch: number;
  /** Best checkpoint on the full test set and on the paper-era loader (drop_last at the batch size). */
  full: Metrics;
  dropLast: Metrics;
  epochsRun: number;
  bestEpoch: number;
  log: Omit<EpochLog, "seconds">[];
  /** Forecast of channel OT on the middle test window (for the forecast figure), and that window's index. */
  forecastWindow: number;
  forecastOT: number[];
}

/** Trains and evaluates one cell; deterministic given the spec. */
export async function runCell(spec: CellSpec): Promise<CellResult> {
  await initTf({ quiet: true });
  const d = prepareEtt(spec.data);
  const { lr, batch } = officialHyper(spec.data, spec.H);
  const w = ettWindows(d, { L: LOOKBACK, H: spec.H });
  const r = trainOfficial(d, { model: spec.model, L: LOOKBACK, H: spec.H, lr, batch, rng: new Rng(spec.seed) }, w);
  const mid = Math.floor(w.test.n / 2);
  const b = gatherBatch(spec.model, w.test, [mid], false);
  const yhat = predictBatch(r.params.theta, b, r.params.layers);
  const OT = d.channels - 1;
  const forecastOT = Array.from(yhat.subarray(OT * spec.H, (OT + 1) * spec.H), (v) => Number(v.toFixed(6)));
  return {
    ...spec,
    lr,
    batch,
    full: r.test.full,
    dropLast: r.test.dropLast,
    epochsRun: r.epochsRun,
    bestEpoch: r.bestEpoch,
    log: r.log.map(({ seconds: _s, ...e }) => e),
    forecastWindow: mid,
    forecastOT,
  };
}

/**
 * Rough CPU-seconds of one cell, for grid-plan: 10 epochs (an upper bound: early stopping ends most
 * runs at 6-10) of ⌊N_train/bs⌋ steps, each ≈ 0.3 ms + 5.5e-10 s per batch·7·F·H multiply-add.
 * Calibrated on a quiet machine (2026-12-04): ETTh2 H = 96 took 8-11 CPU-s (Linear, NLinear) and
 * 22 CPU-s (DLinear) for 8-10 epochs. The earlier constant (40 ms per 224 × 336 × 96 step, timed
 * on a machine at load 15-23) overestimated by about 8×.
 */
export function cellCost(spec: CellSpec): number {
  const { batch } = officialHyper(spec.data, spec.H);
  const rows = spec.data.startsWith("ETTm") ? 34560 : 8640;
  const steps = Math.floor((rows - LOOKBACK - spec.H + 1) / batch);
  const F = spec.model === "DLinear" ? 2 * LOOKBACK : LOOKBACK;
  const perStep = 3e-4 + 5.5e-10 * batch * 7 * F * spec.H;
  return 10 * steps * perStep;
}
