/**
 * The trained cells of Table 2 as job grids (lib/core/grid): one job = one dataset × horizon ×
 * model × seed under the official protocol (experiments/trained.ts). `etth1` is the minimum the
 * notebook needs (A10, A11: ETTh1 at H = 96 and 336); `table2` is the rest of the 4 × 4 × 3 table.
 *   make grid STUDY=ltsf-linear GRID=etth1 [WORKERS=2]
 *   make grid STUDY=ltsf-linear GRID=table2 [WORKERS=2]
 */
import { defineGrid } from "../../core/grid/definition";
import type { EttName } from "../../topics/timeseries/ett";
import type { ModelName } from "../../topics/timeseries/models";
import { cellCost, runCell, type CellResult, type CellSpec } from "./experiments/trained";

const MODELS: ModelName[] = ["Linear", "NLinear", "DLinear"];
const DATASETS: EttName[] = ["ETTh1", "ETTh2", "ETTm1", "ETTm2"];
const HORIZONS = [96, 192, 336, 720];
/** Two seeds (notes §3.3 used 2021 and 2022; ours seed our own generator, not torch's). */
export const SEEDS = [2021, 2022];

function cells(data: EttName[], horizons: number[], seeds: number[]): CellSpec[] {
  return data.flatMap((d) => horizons.flatMap((H) => MODELS.flatMap((model) => seeds.map((seed) => ({ data: d, H, model, seed })))));
}

const describe = (s: CellSpec) => `${s.data} H=${s.H} ${s.model} seed ${s.seed}`;
const group = (s: CellSpec) => `${s.data} H=${s.H}`;
const inputs = DATASETS.map((d) => `data/ett/${d}.csv.gz`);

export const GRIDS = {
  etth1: defineGrid<CellSpec, CellResult>({
    description: "ETTh1, H = 96 and 336, Linear/NLinear/DLinear, 2 seeds, official protocol (A10, A11)",
    jobs: (scale) => (scale === "smoke" ? [{ data: "ETTh1", H: 96, model: "NLinear", seed: 1 }] : cells(["ETTh1"], [96, 336], SEEDS)),
    run: (spec) => runCell(spec),
    cost: cellCost,
    describe,
    group,
    inputs,
  }),
  table2: defineGrid<CellSpec, CellResult>({
    description: "the rest of Table 2: every ETT dataset and horizon not in etth1, 3 models, 2 seeds",
    jobs: (scale) =>
      scale === "smoke"
        ? [{ data: "ETTh2", H: 96, model: "Linear", seed: 1 }]
        : [
            ...cells(["ETTh1"], [192, 720], SEEDS),
            ...cells(["ETTh2"], HORIZONS, SEEDS),
            ...cells(["ETTm2"], HORIZONS, SEEDS),
            ...cells(["ETTm1"], HORIZONS, SEEDS),
          ],
    run: (spec) => runCell(spec),
    cost: cellCost,
    describe,
    group,
    inputs,
  }),
};
