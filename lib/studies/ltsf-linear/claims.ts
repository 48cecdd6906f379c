/**
 * The claims of the ltsf-linear study: one function per claim or check, from an experiment's result
 * to a ClaimRecord. Every expected value, tolerance and provenance lives here; the notebook only
 * calls these, and test/studies/ltsf-linear/claims.test.ts gives each a passing and a failing
 * fixture. Tolerance rules (docs/notes/ltsf-linear.md, "Tolerances", written before the full run):
 *   - pipeline checks A1–A9, A15 and B1–B5: the notes' tolerances (exact, float32 rounding, or
 *     3 standard errors of a Monte Carlo difference);
 *   - a trained cell against Table 2: |seed mean − paper| ≤ max(0.015, 3·s·√(1/k + 1)), s the sd
 *     over our k seeds (the paper's number is one seed, so the difference has the variance of one
 *     run plus that of our mean). 0.015 is the notes' A10/A11 band: single seeds at H = 96 differ by
 *     up to 0.016 (notes §3.3: NLinear 0.372 vs 0.388);
 *   - orderings between models: `ordered` with the seed SEs, so a gap inside the noise is flagged.
 */
import {
  atLeast,
  atMost,
  claim,
  close,
  derived,
  design,
  equals,
  inInterval,
  monotone,
  monteCarlo,
  ordered,
  paper,
  prototype,
  sanityCheck,
  type Check,
  type ClaimRecord,
} from "../../core/claims";
import { fmt } from "../../core/format";
import type { EttName } from "../../topics/timeseries/ett";
import type { ModelName } from "../../topics/timeseries/models";
import type { ArChecksResult, CotResult, ExcessRow, TaskDistributionRow, TrainedLsaRow } from "./experiments/ar-lsa";
import { asEttName, type BaselineRow, type OlsRow } from "./experiments/closed-form";
import type { CellSummary } from "./experiments/grid-cells";
import type { PipelineResult, TraceResult } from "./experiments/pipeline";
import { table2, TRANSFORMERS } from "./paper";

// ---------------------------------------------------------------------------------------------
// Reference values of the notes (§1–§3, §6), each with its section

/** §1.2 table and §4 A3: windows at L = 336. */
export const WINDOWS_REF: Record<"ETTh" | "ETTm", Record<number, { train: number; test: number }>> = {
  ETTh: {
    96: { train: 8209, test: 2785 },
    192: { train: 8113, test: 2689 },
    336: { train: 7969, test: 2545 },
    720: { train: 7585, test: 2161 },
  },
  ETTm: {
    96: { train: 34129, test: 11425 },
    192: { train: 34033, test: 11329 },
    336: { train: 33889, test: 11185 },
    720: { train: 33505, test: 10801 },
  },
};
export const STEPS_REF: Record<number, number> = { 96: 256, 192: 253, 336: 249, 720: 237 };
export const ROW11520_REF = [0.351341, 0.699468, 0.463911, 0.553273, -0.396437, 0.246807, -0.862341];
export const SCALER_REF = {
  ETTh1: {
    mean: [7.937742, 2.021039, 5.079771, 0.746186, 2.781762, 0.788453, 17.128262],
    std: [5.812749, 2.090105, 5.518794, 1.926379, 1.023523, 0.630237, 9.176491],
  },
  ETTh2: {
    mean: [41.536835, 12.273453, 46.609773, 10.526153, 1.186992, -2.373218, 26.872023],
    std: [10.448841, 4.587113, 16.85819, 3.018606, 4.641011, 8.460911, 11.584719],
  },
};
/** §3.1: [MSE, MAE] per H = 96, 192, 336, 720. */
export const BASELINE_REF: Record<EttName, { repeatFull: number[][]; repeatDl32: number[][]; seasonal: number[][] }> = {
  ETTh1: {
    repeatFull: [
      [1.2944, 0.7132],
      [1.3249, 0.7331],
      [1.3299, 0.746],
      [1.3351, 0.755],
    ],
    repeatDl32: [
      [1.2946, 0.7133],
      [1.3251, 0.7332],
      [1.3233, 0.7443],
      [1.3386, 0.7559],
    ],
    seasonal: [
      [0.5122, 0.4333],
      [0.5808, 0.4692],
      [0.6499, 0.5008],
      [0.6554, 0.5141],
    ],
  },
  ETTh2: {
    repeatFull: [
      [0.4317, 0.4216],
      [0.5337, 0.4725],
      [0.5973, 0.5109],
      [0.5945, 0.519],
    ],
    repeatDl32: [
      [0.4318, 0.4217],
      [0.5336, 0.4725],
      [0.5912, 0.5085],
      [0.5884, 0.5166],
    ],
    seasonal: [
      [0.3905, 0.3802],
      [0.4819, 0.4285],
      [0.5324, 0.4656],
      [0.5255, 0.4739],
    ],
  },
  ETTm1: {
    repeatFull: [
      [1.2139, 0.6648],
      [1.2612, 0.6904],
      [1.2866, 0.7072],
      [1.3223, 0.7295],
    ],
    repeatDl32: [
      [1.214, 0.6648],
      [1.2613, 0.6904],
      [1.2834, 0.7067],
      [1.3192, 0.7289],
    ],
    seasonal: [
      [0.4227, 0.3865],
      [0.4631, 0.4057],
      [0.4961, 0.4258],
      [0.5739, 0.4645],
    ],
  },
  ETTm2: {
    repeatFull: [
      [0.2665, 0.3278],
      [0.34, 0.3707],
      [0.4121, 0.4099],
      [0.5216, 0.4656],
    ],
    repeatDl32: [
      [0.2665, 0.3278],
      [0.34, 0.3707],
      [0.4124, 0.4101],
      [0.5211, 0.4655],
    ],
    seasonal: [
      [0.2631, 0.3005],
      [0.3206, 0.3366],
      [0.3764, 0.37],
      [0.4708, 0.4215],
    ],
  },
};
/** §3.2: ETTh1 OLS test [MSE, MAE], full test set. */
export const OLS_REF: { L: number; H: number; linear: number[]; nlinear: number[] }[] = [
  { L: 336, H: 96, linear: [0.37024, 0.39154], nlinear: [0.3702, 0.39151] },
  { L: 336, H: 192, linear: [0.40415, 0.41268], nlinear: [0.40345, 0.41117] },
  { L: 336, H: 336, linear: [0.43345, 0.43419], nlinear: [0.42769, 0.42616] },
  { L: 336, H: 720, linear: [0.47145, 0.48776], nlinear: [0.43436, 0.45046] },
  { L: 96, H: 96, linear: [0.38148, 0.39297], nlinear: [0.38327, 0.3917] },
];
/** §3.4: epoch → [train, val, test MSE, test MAE]. */
export const TRACE_REF: Record<ModelName, number[][]> = {
  Linear: [
    [0.46725, 1.30878, 0.56127, 0.54191],
    [0.5116, 1.1726, 0.51975, 0.51595],
    [0.43394, 0.84896, 0.40477, 0.42875],
  ],
  NLinear: [
    [0.54331, 1.03597, 0.52207, 0.48972],
    [0.52991, 1.03314, 0.52392, 0.4917],
    [0.42386, 1.06942, 0.52596, 0.49717],
  ],
  DLinear: [
    [0.62263, 1.50869, 0.72457, 0.61379],
    [0.55798, 1.23018, 0.56229, 0.53546],
    [0.44829, 0.92215, 0.48341, 0.47846],
  ],
};
/** §6: excess over the oracle on 10⁵ prompts, [value, SE], φ = (0.5, −0.3, 0.2), σ = 1. */
export const EXCESS_REF: Record<string, Record<number, [number, number]>> = {
  "in-context OLS": { 5: [2.84, 0.07], 25: [0.132, 0.003], 100: [0.031, 0.001] },
  "LSA construction": { 5: [1.8, 0.03], 25: [0.231, 0.004], 100: [0.054, 0.002] },
  "best LSA (ALS)": { 5: [0.062, 0.002], 25: [0.02, 0.001], 100: [0.0053, 0.0005] },
};
export const GAMMA_REF = [1.27193, 0.482456, -0.04386, 0.087719];
export const BAYES_REF: Record<number, number> = { 1: 1.0, 2: 1.25, 3: 1.2525, 5: 1.269381, 10: 1.271923, 20: 1.27193 };

const NOTES = (where: string) => prototype(`notes ${where} [OURS]`);

/** The trained-cell tolerance rule (module comment): max(0.015, 3·s·√(1/k + 1)). */
export const TOL_FLOOR = 0.015;
export function cellTolerance(values: number[]): number {
  const k = values.length;
  if (k < 2) return TOL_FLOOR;
  const m = values.reduce((a, b) => a + b, 0) / k;
  const s = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (k - 1));
  return Math.max(TOL_FLOOR, 3 * s * Math.sqrt(1 / k + 1));
}

const cellName = (c: { data: string; H: number; model: string }) => `${c.data} H=${c.H} ${c.model}`;

// ---------------------------------------------------------------------------------------------
// Pipeline checks (A1–A9, A15)

export function checkA1(r: PipelineResult): ClaimRecord {
  const from = derived("notes §1.1: 17,420 rows (ETTh), 69,680 (ETTm), from 2016-07-01 00:00; the loader verified each file's SHA-256");
  return sanityCheck({
    id: "A1",
    statement: "The four ETT files load with their recorded SHA-256, with the expected rows and first/last timestamps",
    source: "notes §1.1, §4 A1; data/PROVENANCE.md",
    parts: [
      {
        label: "rows and dates",
        checks: r.rows.flatMap((x) => [
          equals({ label: `${x.data} rows`, measured: x.rows, expected: x.expected, from }),
          equals({ label: `${x.data} first date`, measured: x.first, expected: "2016-07-01 00:00:00", from }),
          equals({
            label: `${x.data} last date`,
            measured: x.last,
            expected: x.data.startsWith("ETTh") ? "2018-06-26 19:00:00" : "2018-06-26 19:45:00",
            from,
          }),
        ]),
      },
    ],
  });
}

export function checkA2(r: PipelineResult): ClaimRecord {
  const from = NOTES("§1.2, §4 A2");
  return sanityCheck({
    id: "A2",
    statement: "The 12/4/4-month split slices at L = 336 (ETTh1): sizes, the first test target, and its normalised values",
    source: "notes §1.2–1.3, §4 A2 (official data_loader.py Dataset_ETT_hour)",
    parts: [
      {
        label: "slices",
        checks: [
          equals({ label: "train rows", measured: r.split.trainRows, expected: 8640, from }),
          equals({ label: "val rows", measured: r.split.valRows, expected: 3216, from }),
          equals({ label: "test rows", measured: r.split.testRows, expected: 3216, from }),
          equals({ label: "test slice start", measured: r.split.testStart, expected: 11184, from }),
          equals({ label: "first test target", measured: r.split.firstTestTargetDate, expected: "2017-10-24 00:00:00", from }),
        ],
      },
      {
        label: "normalised ETTh1 row 11520 (train-only scaler, ddof 0)",
        checks: r.split.row11520.map((v, c) => close({ label: `channel ${c}`, measured: v, expected: ROW11520_REF[c]!, abs: 1e-5, from })),
      },
    ],
  });
}

export function checkA3(r: PipelineResult): ClaimRecord {
  const from = NOTES("§1.2 table (and issue #123's log [I] for ETTh1 H = 192, 720)");
  return sanityCheck({
    id: "A3",
    statement:
      "Window counts N_train / N_val / N_test at L = 336 for every dataset and horizon (N_val = N_test = b − H + 1), and steps per epoch at batch 32",
    source: "notes §1.2, §1.5, §4 A3",
    parts: [
      {
        label: "windows",
        checks: r.windows.flatMap((w) => {
          const ref = WINDOWS_REF[w.data.startsWith("ETTh") ? "ETTh" : "ETTm"][w.H]!;
          return [
            equals({ label: `${w.data} H=${w.H} train`, measured: w.train, expected: ref.train, from }),
            equals({ label: `${w.data} H=${w.H} val`, measured: w.val, expected: ref.test, from }),
            equals({ label: `${w.data} H=${w.H} test`, measured: w.test, expected: ref.test, from }),
          ];
        }),
      },
      {
        label: "ETTh1 steps per epoch, bs 32 (drop_last)",
        checks: r.windows
          .filter((w) => w.data === "ETTh1")
          .map((w) => equals({ label: `H=${w.H}`, measured: w.steps32, expected: STEPS_REF[w.H]!, from: NOTES("§1.5") })),
      },
    ],
  });
}

export function checkA4(r: PipelineResult): ClaimRecord {
  const from = NOTES("§1.3 (printed to 6 decimals)");
  const parts = (["ETTh1", "ETTh2"] as const).map((d) => ({
    label: `${d} scaler (train rows [0, 8640), ddof 0)`,
    checks: [
      ...r.scaler[d].mean.map((v, c) => close({ label: `${d} mean ${c}`, measured: v, expected: SCALER_REF[d].mean[c]!, abs: 1e-6, from })),
      ...r.scaler[d].std.map((v, c) => close({ label: `${d} std ${c}`, measured: v, expected: SCALER_REF[d].std[c]!, abs: 1e-6, from })),
    ],
  }));
  return sanityCheck({
    id: "A4",
    statement: "The StandardScaler statistics fitted on the training rows only, population sd",
    source: "notes §1.3, §4 A4",
    parts,
    note: "tolerance 1e-6 absolute: the notes print 6 decimals (rounding ≤ 5e-7)",
  });
}

export function checkA5(r: PipelineResult): ClaimRecord {
  const from = derived(
    "hand-worked: replicate padding of the ramp x_t = t, k = 25: trend[0] = (12·0 + 0+…+12)/25 = 78/25, trend[1] = 91/25, trend[100] = 100, trend[335] = 8297/25",
  );
  const expected: Record<number, number> = { 0: 3.12, 1: 3.64, 100: 100, 335: 331.88 };
  return sanityCheck({
    id: "A5",
    statement: "DLinear's moving average repeats the first and last values (k−1)/2 = 12 times (not zero or 'same' padding)",
    source: "notes §1.4, §4 A5 (official DLinear.py moving_avg)",
    parts: [
      {
        label: "ramp, L = 336, k = 25",
        checks: r.ramp.map((x) => close({ label: `trend[${x.t}]`, measured: x.value, expected: expected[x.t]!, abs: 1e-5, from })),
      },
    ],
  });
}

export function checkA6(r: PipelineResult): ClaimRecord {
  return sanityCheck({
    id: "A6",
    statement: "NLinear is level-equivariant: f(x + c) = f(x) + c for random weights (float32 forward on shifted ETTh1 series)",
    source: "notes §1.4 [D], §4 A6",
    parts: [
      {
        label: "c ∈ {−3.7, 0.25, 12.5}, 4 test windows × 7 channels × 96 steps",
        checks: [
          atMost({
            label: "max |f(x+c) − f(x) − c|",
            measured: r.nlinearEquivariance,
            bound: 1e-5,
            from: derived("NLinear subtracts and adds back x_L; float32 rounding of values up to ~15 is ~1e-6"),
          }),
        ],
      },
    ],
  });
}

export function checkA7(r: PipelineResult): ClaimRecord {
  const ref: Record<string, number> = {
    "Linear|false": 32352,
    "Linear|true": 226464,
    "NLinear|false": 32352,
    "NLinear|true": 226464,
    "DLinear|false": 64704,
    "DLinear|true": 452928,
  };
  return sanityCheck({
    id: "A7",
    statement: "Parameter counts at L = 336, H = 96 (shared weights; individual = one Linear per channel)",
    source: "notes §1.4, §4 A7",
    parts: [
      {
        label: "counts",
        checks: r.params.map((p) =>
          equals({
            label: `${p.model}${p.individual ? " individual" : ""}`,
            measured: p.count,
            expected: ref[`${p.model}|${p.individual}`]!,
            from: derived("(L·H + H) per nn.Linear; DLinear has two; ×7 individual"),
          }),
        ),
      },
    ],
  });
}

const HS = [96, 192, 336, 720];

export function checkA8(rows: BaselineRow[]): ClaimRecord {
  const paperPart = rows.flatMap((b) => {
    const t = table2(b.data, b.H, "Repeat");
    return [
      close({
        label: `${b.data} H=${b.H} Repeat MSE (dl32)`,
        measured: b.repeatDl32.mse,
        expected: t.mse.value,
        abs: 6e-4,
        from: paper(t.mse.where),
      }),
      close({
        label: `${b.data} H=${b.H} Repeat MAE (dl32)`,
        measured: b.repeatDl32.mae,
        expected: t.mae.value,
        abs: 6e-4,
        from: paper(t.mae.where),
      }),
    ];
  });
  const notesPart = rows.flatMap((b) => {
    const ref = BASELINE_REF[b.data];
    const i = HS.indexOf(b.H);
    const from = NOTES("§3.1");
    return [
      close({
        label: `${b.data} H=${b.H} Repeat MSE (full)`,
        measured: b.repeatFull.mse,
        expected: ref.repeatFull[i]![0]!,
        abs: 2e-4,
        from,
      }),
      close({
        label: `${b.data} H=${b.H} Repeat MAE (full)`,
        measured: b.repeatFull.mae,
        expected: ref.repeatFull[i]![1]!,
        abs: 2e-4,
        from,
      }),
      close({ label: `${b.data} H=${b.H} seasonal MSE`, measured: b.seasonalFull.mse, expected: ref.seasonal[i]![0]!, abs: 2e-4, from }),
      close({ label: `${b.data} H=${b.H} seasonal MAE`, measured: b.seasonalFull.mae, expected: ref.seasonal[i]![1]!, abs: 2e-4, from }),
    ];
  });
  return sanityCheck({
    id: "A8",
    statement:
      "Baselines through the whole data path: Repeat with the paper-era test loader (drop_last, batch 32) equals Table 2's Repeat column; Repeat (full test set) and seasonal naive equal the notes' values",
    source: "Table 2 (Repeat column); notes §1.6, §3.1, §4 A8",
    parts: [
      { label: "Repeat, paper-era loader, against Table 2", checks: paperPart },
      { label: "Repeat (full) and seasonal naive against the notes", checks: notesPart },
    ],
    note: "Table 2 prints 3 decimals: ±6e-4 = rounding (5e-4) + float32 reductions (1e-4); against the notes' 4-decimal values ±2e-4. A check, not a claim: a trivial baseline reproduces the pipeline, not the paper's thesis",
  });
}

export function checkA9(rows: OlsRow[]): ClaimRecord {
  const from = NOTES("§3.2 (numpy float64 normal equations)");
  const checks = OLS_REF.flatMap((ref) => {
    const r = rows.find((x) => x.L === ref.L && x.H === ref.H && x.data === "ETTh1");
    if (!r) return [];
    return [
      close({ label: `L=${ref.L} H=${ref.H} Linear-OLS MSE`, measured: r.linear.mse, expected: ref.linear[0]!, rel: 1e-3, from }),
      close({ label: `L=${ref.L} H=${ref.H} Linear-OLS MAE`, measured: r.linear.mae, expected: ref.linear[1]!, rel: 1e-3, from }),
      close({ label: `L=${ref.L} H=${ref.H} NLinear-OLS MSE`, measured: r.nlinear.mse, expected: ref.nlinear[0]!, rel: 1e-3, from }),
      close({ label: `L=${ref.L} H=${ref.H} NLinear-OLS MAE`, measured: r.nlinear.mae, expected: ref.nlinear[1]!, rel: 1e-3, from }),
    ];
  });
  if (checks.length === 0) throw new Error("checkA9: no ETTh1 OLS row matches the notes' cases (L=336 H=96…720, L=96 H=96)");
  return sanityCheck({
    id: "A9",
    statement: "The least-squares optima of Linear and NLinear on ETTh1 (float64 normal equations, Cholesky), test MSE/MAE",
    source: "notes §3.2, §4 A9",
    parts: [{ label: "ETTh1, full test set", checks }],
  });
}

export function checkA15(trace: TraceResult[]): ClaimRecord {
  const from = NOTES("§3.4 (torch, zero init, no shuffle)");
  return sanityCheck({
    id: "A15",
    statement:
      "The training loop is the official one: the deterministic trace (zero init, batches in order, 3 epochs of Adam with the type1 schedule) gives the notes' train/val/test losses",
    source: "notes §3.4, §4 A15",
    parts: trace.map((t) => ({
      label: t.model,
      checks: t.log.flatMap((e, i) => {
        const ref = TRACE_REF[t.model][i];
        if (!ref) return [];
        return [
          close({ label: `${t.model} epoch ${e.epoch} train`, measured: e.train, expected: ref[0]!, abs: 2e-4, from }),
          close({ label: `${t.model} epoch ${e.epoch} val`, measured: e.val, expected: ref[1]!, abs: 2e-4, from }),
          close({ label: `${t.model} epoch ${e.epoch} test MSE`, measured: e.test?.mse ?? Number.NaN, expected: ref[2]!, abs: 2e-4, from }),
          close({ label: `${t.model} epoch ${e.epoch} test MAE`, measured: e.test?.mae ?? Number.NaN, expected: ref[3]!, abs: 2e-4, from }),
        ];
      }),
    })),
    note: "±2e-4: float32 implementations agree to ~1e-4 (the notes' values do not move under 1e-7 relative data noise)",
  });
}

// ---------------------------------------------------------------------------------------------
// Trained cells against Table 2 (A10, A11 and the rest of the grid)

/** MSE and MAE of one trained cell (seed mean) against its Table 2 value. */
export function cellChecks(c: CellSummary): Check[] {
  const t = table2(c.data, c.H, c.model);
  return [
    close({
      label: `${cellName(c)} MSE`,
      measured: c.meanMse,
      expected: t.mse.value,
      abs: cellTolerance(c.mse),
      se: c.seMse,
      from: paper(t.mse.where),
    }),
    close({
      label: `${cellName(c)} MAE`,
      measured: c.meanMae,
      expected: t.mae.value,
      abs: cellTolerance(c.mae),
      se: c.seMae,
      from: paper(t.mae.where),
    }),
  ];
}

function findCell(cells: CellSummary[], data: EttName, H: number, model: ModelName): CellSummary {
  const c = cells.find((x) => x.data === data && x.H === H && x.model === model);
  if (!c) throw new Error(`no trained cell ${data} H=${H} ${model}: run \`make grid STUDY=ltsf-linear GRID=etth1\``);
  return c;
}

const named = (c: CellSummary) => ({ name: c.model, value: c.meanMse, se: c.seMse });

const TRAIN_NOTE =
  "seed mean of the paper-era test loader (drop_last at the batch size); tolerance max(0.015, 3·s·√(1/k+1)) from our seed sd s (the paper's value is one seed)";

export function claimA10(cells: CellSummary[]): ClaimRecord {
  const cs = (["Linear", "NLinear", "DLinear"] as ModelName[]).map((m) => findCell(cells, "ETTh1", 96, m));
  return claim({
    id: "A10",
    statement:
      "Linear, NLinear and DLinear (L = 336) reach Table 2's ETTh1 H = 96 MSE/MAE (0.375/0.397, 0.374/0.394, 0.375/0.399) under the official protocol",
    source: "Table 2 (ETTh1, 96); notes §3.3, §4 A10",
    headline: { label: "each model's seed-mean MSE and MAE against Table 2", checks: cs.flatMap(cellChecks) },
    supporting: [
      {
        label: "within the notes' two-seed band [0.366, 0.393] (our torch re-implementation ± 0.005)",
        checks: cs.map((c) =>
          inInterval({ label: `${c.model} MSE`, measured: c.meanMse, lo: 0.366, hi: 0.393, se: c.seMse, from: NOTES("§3.3, §4 A10") }),
        ),
      },
    ],
    note: `${TRAIN_NOTE}; seeds ${cs[0]!.seeds.join(", ")}`,
  });
}

export function claimA11(cells: CellSummary[]): ClaimRecord {
  const [lin, nlin, dlin] = (["Linear", "NLinear", "DLinear"] as ModelName[]).map((m) => findCell(cells, "ETTh1", 336, m)) as [
    CellSummary,
    CellSummary,
    CellSummary,
  ];
  const t = (m: ModelName) => table2("ETTh1", 336, m).mse;
  return claim({
    id: "A11",
    statement:
      "At ETTh1 H = 336 the three reach Table 2 (Linear 0.479/0.476, NLinear 0.429/0.427, DLinear 0.439/0.443), and the paper's ranking NLinear < DLinear < Linear holds",
    source: "Table 2 (ETTh1, 336); notes §3.3, §4 A11",
    headline: { label: "each model's seed-mean MSE and MAE against Table 2", checks: [lin, nlin, dlin].flatMap(cellChecks) },
    supporting: [
      {
        label: "the paper's ranking (Table 2: NLinear .429 < DLinear .439 < Linear .479)",
        checks: [
          ordered({
            label: "DLinear above NLinear",
            larger: named(dlin),
            smaller: named(nlin),
            from: paper(`${t("DLinear").where} vs ${t("NLinear").where}`),
          }),
          ordered({
            label: "Linear above DLinear",
            larger: named(lin),
            smaller: named(dlin),
            from: paper(`${t("Linear").where} vs ${t("DLinear").where}`),
          }),
        ],
      },
      {
        label: "against the notes' two-seed runs (A11: ours ± 0.015)",
        checks: [
          inInterval({
            label: "Linear MSE",
            measured: lin.meanMse,
            lo: 0.463 - 0.015,
            hi: 0.467 + 0.015,
            se: lin.seMse,
            from: NOTES("§3.3, §4 A11"),
          }),
          inInterval({
            label: "NLinear MSE",
            measured: nlin.meanMse,
            lo: 0.428 - 0.015,
            hi: 0.431 + 0.015,
            se: nlin.seMse,
            from: NOTES("§3.3, §4 A11"),
          }),
          inInterval({
            label: "DLinear MSE",
            measured: dlin.meanMse,
            lo: 0.443 - 0.015,
            hi: 0.448 + 0.015,
            se: dlin.seMse,
            from: NOTES("§3.3, §4 A11"),
          }),
        ],
      },
    ],
    note: TRAIN_NOTE,
  });
}

/**
 * A12 (the paper's claim A1): one linear layer beats the Transformer forecasters at every horizon.
 * Asserted at every stored dataset × horizon where Table 2's own margin (best Transformer MSE − best
 * linear MSE) is at least A12_MARGIN: there a single-seed deviation of the notes' size (0.015) on
 * each side cannot reverse the comparison. The set depends on Table 2 alone, not on our results.
 * Cells with a smaller margin (ETTh1 H = 96: 0.374 vs 0.376) are listed in the note, not asserted.
 */
export const A12_MARGIN = 0.03;

export function claimA12(cells: CellSummary[]): ClaimRecord {
  const models: ModelName[] = ["Linear", "NLinear", "DLinear"];
  const keys = [...new Set(cells.map((c) => `${c.data}|${c.H}`))]
    .map((k) => {
      const [data, H] = k.split("|");
      return { data: asEttName(data!), H: Number(H) };
    })
    .filter((k) => models.every((m) => cells.some((c) => c.data === k.data && c.H === k.H && c.model === m)))
    .sort((a, b) => a.data.localeCompare(b.data) || a.H - b.H);
  const rows = keys.map(({ data, H }) => {
    const ours = models.map((m) => findCell(cells, data, H, m)).reduce((a, b) => (b.meanMse < a.meanMse ? b : a));
    const tr = TRANSFORMERS.map((t) => ({ name: t, cell: table2(data, H, t as "FEDformer") })).reduce((a, b) =>
      b.cell.mse.value < a.cell.mse.value ? b : a,
    );
    const paperLinear = Math.min(...models.map((m) => table2(data, H, m).mse.value));
    return { data, H, ours, tr, margin: tr.cell.mse.value - paperLinear };
  });
  const asserted = rows.filter((r) => r.margin >= A12_MARGIN - 1e-12);
  if (asserted.length === 0)
    throw new Error(
      `claimA12: no stored dataset × horizon has a Table 2 margin ≥ ${A12_MARGIN}; run \`make grid STUDY=ltsf-linear GRID=etth1\``,
    );
  const skipped = rows.filter((r) => r.margin < A12_MARGIN - 1e-12);
  const check = (r: (typeof rows)[number]) =>
    atMost({
      label: `${r.data} H=${r.H}: best linear (${r.ours.model}) < ${r.tr.name} ${r.tr.cell.mse.value}`,
      measured: r.ours.meanMse,
      bound: r.tr.cell.mse.value,
      strict: true,
      se: r.ours.seMse,
      from: paper(r.tr.cell.mse.where),
    });
  const b96 = rows.find((r) => r.data === "ETTh1" && r.H === 96);
  return claim({
    id: "A12",
    statement: `One linear layer beats the Transformer forecasters (FEDformer, Autoformer, Informer; their L = 96 numbers from Table 2) at every horizon; asserted wherever Table 2's own margin is ≥ ${A12_MARGIN}`,
    source: "Table 2 and its IMP. column; abstract; notes §2 (A1), §4 A12",
    headline: {
      label: `our best trained linear model below the best Transformer of Table 2 (margin ≥ ${A12_MARGIN})`,
      checks: asserted.map(check),
    },
    ...(b96
      ? {
          supporting: [
            {
              label: "ETTh1 H = 96: best trained linear model below Autoformer and Informer",
              checks: (["Autoformer", "Informer"] as const).map((tr) => {
                const t = table2("ETTh1", 96, tr);
                return atMost({
                  label: `H=96 best linear (${b96.ours.model}) < ${tr} ${t.mse.value}`,
                  measured: b96.ours.meanMse,
                  bound: t.mse.value,
                  strict: true,
                  se: b96.ours.seMse,
                  from: paper(t.mse.where),
                });
              }),
            },
          ],
        }
      : {}),
    note: `not asserted (Table 2 margin < ${A12_MARGIN}): ${skipped.map((r) => `${r.data} H=${r.H} (paper margin ${fmt(r.margin)}; ours ${fmt(r.ours.meanMse)} ${r.ours.model} vs ${r.tr.name} ${r.tr.cell.mse.value})`).join(", ") || "none"}. The Transformer values are the paper's (copied from FEDformer at L = 96), not trained here`,
  });
}

/** Table 2 cells beyond ETTh1 96/336, from the second grid, one claim per dataset. */
export function claimTable2Dataset(name: string, cells: CellSummary[]): ClaimRecord {
  const data = asEttName(name);
  const mine = cells.filter((c) => c.data === data).sort((a, b) => a.H - b.H || a.model.localeCompare(b.model));
  if (mine.length === 0)
    throw new Error(`claimTable2Dataset: no trained ${data} cell is stored; run \`make grid STUDY=ltsf-linear GRID=table2\``);
  const horizons = [...new Set(mine.map((c) => c.H))];
  return claim({
    id: `T2-${data}`,
    statement: `Linear, NLinear and DLinear reach Table 2's ${data} values (trained cells stored: H = ${horizons.join(", ")})`,
    source: `Table 2 (${data}); notes §1.5 hyperparameters`,
    headline: { label: "each stored cell's seed-mean MSE and MAE against Table 2", checks: mine.flatMap(cellChecks) },
    note: `${TRAIN_NOTE}; cells not listed were not computed in this run's budget (see the notebook)`,
  });
}

/**
 * A14 (notes §4, "optional, slow"): the ETTm1 pipeline, whose hyperparameters differ most from
 * ETTh1's (batch 8, lr 1e-4, 4,266 steps per epoch), reaches Table 2 at H = 96 within the notes'
 * ±0.01. A check of the pipeline, not a claim: T2-ETTm1 judges the same cells by the claim rule.
 */
export function checkA14(cells: CellSummary[]): ClaimRecord {
  const cs = (["Linear", "NLinear", "DLinear"] as ModelName[]).map((m) =>
    cells.find((c) => c.data === "ETTm1" && c.H === 96 && c.model === m),
  );
  if (cs.some((c) => !c))
    throw new Error(
      'checkA14: needs the trained ETTm1 H=96 cells of all three models; run `make grid STUDY=ltsf-linear GRID=table2 ONLY="ETTm1 H=96"`',
    );
  return sanityCheck({
    id: "A14",
    statement: "ETTm1 H = 96 (batch 8, lr 1e-4): each model's seed-mean MSE within ±0.01 of Table 2 (0.308 / 0.306 / 0.299)",
    source: "notes §4 A14; Table 2 (ETTm1, 96)",
    parts: [
      {
        label: "seed-mean MSE against Table 2",
        checks: (cs as CellSummary[]).map((c) => {
          const t = table2("ETTm1", 96, c.model).mse;
          return close({ label: `${c.model} MSE`, measured: c.meanMse, expected: t.value, abs: 0.01, se: c.seMse, from: paper(t.where) });
        }),
      },
    ],
    note: "±0.01 is the notes' band; a band inside 2 SE of our seed mean is flagged by the check itself",
  });
}

/** A2 (paper): NLinear helps most under distribution shift (ETTh2, long horizons). */
export function claimShift(cells: CellSummary[], ols: OlsRow[]): ClaimRecord {
  const pairs = [336, 720]
    .map((H) => ({
      H,
      lin: cells.find((c) => c.data === "ETTh2" && c.H === H && c.model === "Linear"),
      nlin: cells.find((c) => c.data === "ETTh2" && c.H === H && c.model === "NLinear"),
    }))
    .filter((p) => p.lin && p.nlin) as { H: number; lin: CellSummary; nlin: CellSummary }[];
  if (pairs.length === 0) throw new Error("claimShift: needs trained ETTh2 H=336 or 720 Linear and NLinear cells (grid table2)");
  const longOls = ols.filter((o) => o.H >= 336);
  return claim({
    id: "A2-shift",
    statement:
      "NLinear beats Linear where train and test distributions shift: ETTh2 at long horizons (Table 2: 0.357 vs 0.452 at H = 336, 0.394 vs 0.698 at H = 720)",
    source: "Table 2 (ETTh2); paper §NLinear; notes §2 (A2)",
    headline: {
      label: "trained ETTh2: NLinear below Linear",
      checks: pairs.map((p) =>
        ordered({
          label: `ETTh2 H=${p.H}`,
          larger: named(p.lin),
          smaller: named(p.nlin),
          from: paper(`Table 2, ETTh2, horizon ${p.H}, Linear vs NLinear`),
        }),
      ),
    },
    // the OLS rows at H ≥ 336 exist at full scale only (smoke computes two H = 96 cases)
    ...(longOls.length > 0
      ? {
          supporting: [
            {
              label: "least-squares optima: NLinear-OLS below Linear-OLS at the long horizons (capacity, not training)",
              checks: longOls.map((o) =>
                ordered({
                  label: `${o.data} L=${o.L} H=${o.H} OLS`,
                  larger: { name: "Linear-OLS", value: o.linear.mse },
                  smaller: { name: "NLinear-OLS", value: o.nlinear.mse },
                  from: NOTES("§3.2: NLinear-OLS clearly better at ETTh1 H = 720"),
                }),
              ),
            },
          ],
        }
      : { note: "no least-squares optimum at H ≥ 336 was computed in this run" }),
  });
}

/** A13: a longer look-back helps the linear models (OLS optimum, H = 96). */
export function claimA13(ols: OlsRow[]): ClaimRecord {
  const at = (L: number) => ols.find((o) => o.data === "ETTh1" && o.H === 96 && o.L === L);
  const l96 = at(96);
  const l336 = at(336);
  if (!l96 || !l336) throw new Error("claimA13: needs ETTh1 H=96 OLS rows at L = 96 and L = 336");
  const sweep = ols.filter((o) => o.data === "ETTh1" && o.H === 96).sort((a, b) => a.L - b.L);
  return claim({
    id: "A13",
    statement: "Linear forecasters improve with a longer look-back (L = 336 vs 96), unlike the Transformers",
    source: "official README [R] (the paper's look-back study was not read, notes §2 A3 [NF]); notes §4 A13",
    headline: {
      label: "ETTh1 H = 96, least-squares optimum: L = 336 below L = 96",
      checks: [
        ordered({
          label: "Linear-OLS",
          larger: { name: "L=96", value: l96.linear.mse },
          smaller: { name: "L=336", value: l336.linear.mse },
          from: paper("official README: linear models benefit from a longer look-back window [R]"),
        }),
        ordered({
          label: "NLinear-OLS",
          larger: { name: "L=96", value: l96.nlinear.mse },
          smaller: { name: "L=336", value: l336.nlinear.mse },
          from: paper("official README: linear models benefit from a longer look-back window [R]"),
        }),
      ],
    },
    supporting: [
      {
        label: "the notes' values (0.3815 vs 0.3702)",
        checks: [
          close({ label: "Linear-OLS L=96", measured: l96.linear.mse, expected: 0.38148, rel: 1e-3, from: NOTES("§3.2") }),
          close({ label: "Linear-OLS L=336", measured: l336.linear.mse, expected: 0.37024, rel: 1e-3, from: NOTES("§3.2") }),
        ],
      },
    ],
    note: `the optimum (not a trained model) isolates the look-back from optimisation noise; sweep L = ${sweep.map((o) => `${o.L}: ${fmt(o.linear.mse)}`).join(", ")} (Linear-OLS). The Transformer half of the claim is the paper's and is not tested here`,
  });
}

// ---------------------------------------------------------------------------------------------
// Paper B

export function checkB1to4(r: ArChecksResult): ClaimRecord {
  return sanityCheck({
    id: "B1-B4",
    statement:
      "AR and LSA algebra: the Hankel prompt, the LSA forward = its reduction, Yule-Walker autocovariances, the Bayes k-step error and the decay rate",
    source: "notes §5.2, §6, §7 B1–B4",
    parts: [
      {
        label: "B1 Hankel of 1..5, p = 2",
        checks: [
          equals({
            label: "matrix",
            measured: JSON.stringify(r.hankel),
            expected: JSON.stringify([
              [1, 2, 3, 4],
              [2, 3, 4, 5],
              [3, 4, 5, 0],
            ]),
            from: derived("notes §7 B1 (official ar_dataloader layout)"),
          }),
        ],
      },
      {
        label: "B2 icl's token forward on Hankel columns = (1/n) aᵀ C B z",
        checks: [
          atMost({
            label: "max |ŷ_tokens − ŷ_reduction| / RMS ŷ",
            measured: r.lsaForwardRelErr,
            bound: 1e-5,
            from: derived("notes §6 reduction [D]; float32 tokens"),
          }),
        ],
      },
      {
        label: "B3 autocovariances, φ = (0.5, −0.3, 0.2), σ = 1",
        checks: [
          ...r.gamma.map((g, k) =>
            close({ label: `γ${k} Yule-Walker`, measured: g, expected: GAMMA_REF[k]!, abs: 1e-6, from: NOTES("§6 (6 decimals)") }),
          ),
          ...r.gammaMc.map((g, k) =>
            close({
              label: `γ${k} sample (10⁶ steps)`,
              measured: g,
              expected: r.gamma[k]!,
              abs: 0.005,
              from: derived("Yule-Walker; notes §7 B3 MC tolerance ±0.005"),
            }),
          ),
        ],
      },
      {
        label: "B4 Bayes rollout",
        checks: [
          ...r.bayes.map((b) =>
            close({ label: `k=${b.k} σ²Σψ²`, measured: b.mse, expected: BAYES_REF[b.k]!, abs: 1e-6, from: NOTES("§6") }),
          ),
          close({ label: "decay rate max|λ|", measured: r.decayRate, expected: 0.588, abs: 5e-4, from: NOTES("§6 (3 decimals)") }),
          close({
            label: "rollout state norm ratio^(1/200)",
            measured: r.rolloutRate,
            expected: r.decayRate,
            rel: 0.02,
            from: derived("iterating a stable linear map decays like its spectral radius"),
          }),
          ...r.bayesMc.map((b) =>
            monteCarlo({
              label: `k=${b.k} MC k-step MSE`,
              estimate: b.mse,
              se: b.se,
              expected: BAYES_REF[b.k]!,
              k: 3,
              from: NOTES("§6 closed form"),
            }),
          ),
        ],
      },
    ],
  });
}

export function checkB5(rows: ExcessRow[]): ClaimRecord {
  const parts = Object.keys(EXCESS_REF).map((method) => ({
    label: method,
    checks: rows
      .filter((r) => r.method === method && EXCESS_REF[method]![r.n])
      .map((r) => {
        const [v, se] = EXCESS_REF[method]![r.n]!;
        return close({
          label: `${method} n=${r.n}`,
          measured: r.excess,
          expected: v,
          abs: 3 * Math.hypot(r.se, se),
          se: r.se,
          from: NOTES("§6 (10⁵ prompts)"),
        });
      }),
  }));
  return sanityCheck({
    id: "B5",
    statement:
      "Excess MSE over the oracle φᵀz on independent prompts: in-context OLS, the LSA construction (one preconditioned GD step) and the best one-layer LSA (alternating least squares)",
    source: "notes §6 table, §7 B5",
    parts,
    note: "tolerance 3·√(SE_ours² + SE_notes²) (two Monte Carlo estimates of the same quantity); the best LSA is fitted on separate prompts and evaluated on the test prompts",
  });
}

export function claimB6(trained: TrainedLsaRow[], best: ExcessRow[]): ClaimRecord {
  const from = paper("paper B abstract [R], claim 1: LSA cannot reach a lower expected MSE than the optimal linear predictor");
  return claim({
    id: "B6",
    statement:
      "A trained one-layer LSA on AR(3) Hankel prompts does not beat the optimal linear predictor: its test MSE stays above the oracle φᵀz",
    source: "paper B abstract [R]; official train_lsa.py protocol (notes §5.2); notes §7 B6",
    headline: {
      label: "trained LSA excess over the oracle ≥ 0 (every n, every seed)",
      checks: trained.map((t) => atLeast({ label: `n=${t.n} seed ${t.seed}`, measured: t.excess, bound: 0, se: t.se, from })),
    },
    supporting: [
      {
        label: "the notes' trained value at n = 25 (0.020–0.025 after 40 epochs)",
        checks: trained
          .filter((t) => t.n === 25)
          .map((t) =>
            inInterval({
              label: `n=25 seed ${t.seed}`,
              measured: t.excess,
              lo: 0.015,
              hi: 0.03,
              se: t.se,
              from: NOTES("§6 trained LSA, §7 B6 (±0.005)"),
            }),
          ),
      },
      {
        label: "no better than the best one-layer LSA (alternating least squares, independent prompts)",
        checks: trained.flatMap((t) => {
          const b = best.find((r) => r.n === t.n && r.method === "best LSA (ALS)");
          return b
            ? [
                atLeast({
                  label: `n=${t.n} seed ${t.seed}`,
                  measured: t.excess,
                  bound: b.excess - 3 * Math.hypot(b.se, t.se),
                  se: t.se,
                  from: derived("the best LSA lower-bounds every LSA (minus 3 SE of the two estimates)"),
                }),
              ]
            : [];
        }),
      },
    ],
    note: "excess = paired MSE difference on the test prompts of the same series, batch-means SE (20 blocks). Early stopping on the test series (the official code) is not used: a fixed number of epochs",
  });
}

export function claimB7(trained: TrainedLsaRow[], best: ExcessRow[]): ClaimRecord {
  const seeds = [...new Set(trained.map((t) => t.seed))];
  const ns = [...new Set(trained.map((t) => t.n))].sort((a, b) => a - b);
  const meanAt = (n: number) => {
    const xs = trained.filter((t) => t.n === n);
    return { v: xs.reduce((s, t) => s + t.excess, 0) / xs.length, se: Math.sqrt(xs.reduce((s, t) => s + t.se ** 2, 0)) / xs.length };
  };
  const bestAt = (n: number) => best.find((r) => r.n === n && r.method === "best LSA (ALS)");
  const b25 = bestAt(25);
  const b100 = bestAt(100);
  const slope = b25 && b100 ? Math.log(b100.excess / b25.excess) / Math.log(100 / 25) : Number.NaN;
  return claim({
    id: "B7",
    statement:
      "As the context grows the LSA approaches the optimal linear predictor: its excess over the oracle shrinks with n (roughly like 1/n)",
    source: "paper B abstract [R], claim 2; notes §6, §7 B7",
    headline: {
      label: `trained LSA excess (mean over seeds ${seeds.join(", ")}) decreasing in n`,
      checks: [
        monotone({
          label: `n = ${ns.join(", ")}`,
          values: ns.map((n) => meanAt(n).v),
          se: ns.map((n) => meanAt(n).se),
          direction: "decreasing",
          from: paper("paper B abstract [R], claim 2: LSA asymptotically recovers the optimal linear predictor"),
        }),
      ],
    },
    supporting: [
      {
        label: "best one-layer LSA: excess × n roughly constant between n = 25 and 100 (log-log slope near −1)",
        checks: [
          inInterval({
            label: "slope of log excess on log n",
            measured: slope,
            lo: -1.3,
            hi: -0.7,
            from: design("the claimed 1/n rate [S], ±0.3 for finite-n curvature (the notes' values give −0.96)"),
          }),
        ],
      },
    ],
  });
}

export function claimB8(cot: CotResult): ClaimRecord {
  const K = cot.ks.length;
  const names = ["LSA", "global OLS", "Bayes (true φ)"] as const;
  const from = paper("paper B abstract [R], claim 3: under chain-of-thought rollout predictions collapse to the mean exponentially");
  return claim({
    id: "B8",
    statement:
      "Chain-of-thought rollouts collapse to the mean: the LSA's iterated forecasts decay to 0 and their k-step error rises to the process variance γ₀, like the OLS and Bayes rollouts",
    source: "paper B abstract [R]; notes §6 CoT [D], §7 B8",
    headline: {
      label: `rollouts of ${K} steps from ${cot.rollouts} test positions (n = ${cot.n})`,
      checks: names.flatMap((nm) => [
        atMost({ label: `${nm}: mean |x̂_${K}| / mean |x̂_1|`, measured: cot.meanAbs[nm][K - 1]! / cot.meanAbs[nm][0]!, bound: 1e-3, from }),
        monteCarlo({
          label: `${nm}: ${K}-step MSE → γ₀`,
          estimate: cot.mse[nm].mse[K - 1]!,
          se: cot.mse[nm].se[K - 1]!,
          expected: cot.gamma0,
          k: 3,
          from,
        }),
      ]),
    },
    supporting: [
      {
        label: "third-party summary [S] (not the paper): the LSA's k-step MSE ≥ OLS's at every k",
        checks: [1, 2, 5, 10]
          .filter((k) => k <= K)
          .map((k) =>
            atLeast({
              label: `k=${k}: LSA − OLS squared error (paired)`,
              measured: cot.lsaMinusOls.mean[k - 1]!,
              bound: -3 * cot.lsaMinusOls.se[k - 1]!,
              se: cot.lsaMinusOls.se[k - 1]!,
              from: design("[S] summary of paper B; not verified by the notes; −3 SE allows a tie"),
            }),
          ),
      },
    ],
    note: `decay bound 1e-3: a geometric rate 0.59 gives 0.59^99 ≈ 1e-23 for the Bayes rollout; any rate below 0.93 passes. Rollouts that left [−1e6, 1e6]: ${names.map((nm) => `${nm} ${cot.diverged[nm]}/${cot.rollouts}`).join(", ")} (the LSA is cubic in its own forecasts)`,
  });
}

/**
 * B9, our extension (notes §7: "the LSA acts like one preconditioned GD step" when every prompt has
 * its own φ). Written before the run, thresholds ours:
 *   - headline: at every n the trained LSA's excess over the oracle is within 10% of the best single
 *     preconditioned GD step's (a = e_{p+1}, B = [P; 0], P fitted on the same training prompts).
 *     10%: the LSA has p more free entries than the GD step (a_1..a_p); "acts like" means they buy
 *     less than a tenth of the excess. The SE is that of the paired difference on the test prompts;
 *   - supporting, capacity: the best LSA (ALS from the GD step) is within the same 10%, so the
 *     headline is about what the class can do and not about training;
 *   - supporting, budget: the trained LSA's training MSE is within 1% of the ALS optimum's;
 *   - supporting, derived here: in-context OLS beats the LSA at the largest n (one step with a fixed
 *     P cannot undo each task's Γ(φ), so the LSA keeps a bias as n grows, while OLS's excess falls
 *     like p/n), and the LSA beats OLS at the smallest n (OLS fits p = 3 coefficients to n = 5
 *     columns, excess ≈ p/(n − p − 1) for iid Gaussian columns).
 */
export function claimB9(rows: TaskDistributionRow[]): ClaimRecord {
  if (rows.length === 0) throw new Error("claimB9: no rows; run runTaskDistribution with at least one n");
  const byN = [...rows].sort((a, b) => a.n - b.n);
  const first = byN[0]!;
  const last = byN[byN.length - 1]!;
  const why = "ours: the LSA's p extra entries buy < 10% of the GD step's excess (notes §7 B9 is qualitative)";
  const lsaNamed = (r: TaskDistributionRow) => ({ name: `LSA n=${r.n}`, ...pick(r, "trained LSA (Adam)") });
  const olsNamed = (r: TaskDistributionRow) => ({ name: `in-context OLS n=${r.n}`, ...pick(r, "in-context OLS") });
  return claim({
    id: "B9",
    statement:
      "Extension (ours, not paper B's protocol): with a new stationary φ per prompt, the trained one-layer LSA acts like one preconditioned GD step",
    source: "notes §7 B9 (qualitative); thresholds ours, set before the run",
    headline: {
      label: "trained LSA's excess over the oracle within 10% of the best GD step's, at every n",
      checks: byN.map((r) => nearGdStep(r, "trained LSA (Adam)", r.trainedMinusGd.se, why)),
    },
    supporting: [
      {
        label: "capacity: the best LSA (ALS from the GD step) within 10% of the GD step",
        checks: byN.map((r) => nearGdStep(r, "best LSA (ALS)", r.alsMinusGd.se, why)),
      },
      {
        label: "budget: the trained LSA's training MSE within 1% of the ALS optimum's",
        checks: byN.map((r) =>
          atMost({
            label: `n=${r.n} training MSE`,
            measured: r.fitMse.trained,
            bound: r.fitMse.als * 1.01,
            from: design("ours: 1% of the objective, the trained layer is then at the class's optimum for this comparison"),
          }),
        ),
      },
      {
        label: "against in-context OLS (derived here): OLS wins at the largest n, the LSA at the smallest",
        checks: [
          ordered({
            label: `n=${last.n}: LSA above OLS`,
            larger: lsaNamed(last),
            smaller: olsNamed(last),
            from: derived("a fixed P cannot undo each task's Γ(φ): the GD step keeps a bias, OLS's excess falls like p/n"),
          }),
          ordered({
            label: `n=${first.n}: OLS above LSA`,
            larger: olsNamed(first),
            smaller: lsaNamed(first),
            from: derived("OLS fits p = 3 coefficients to n columns: excess ≈ p/(n − p − 1) for iid Gaussian columns"),
          }),
        ],
      },
    ],
    note: "each prompt's series has stationary variance 1 (noise sd 1/√γ₀(φ)), p = 3, φ ~ U(−0.9, 0.9)³ redrawn until stationary (the official generator's rule); the trained layer uses B6's optimiser settings",
  });
}

/** A predictor's excess within 10% of the best GD step's (B9); `se` that of their paired difference. */
function nearGdStep(r: TaskDistributionRow, m: "trained LSA (Adam)" | "best LSA (ALS)", se: number, why: string): Check {
  return close({
    label: `n=${r.n}`,
    measured: r.excess[m].excess,
    expected: r.excess["best GD step"].excess,
    rel: 0.1,
    se,
    from: design(why),
  });
}

function pick(r: TaskDistributionRow, m: keyof TaskDistributionRow["excess"]): { value: number; se: number } {
  return { value: r.excess[m].excess, se: r.excess[m].se };
}
