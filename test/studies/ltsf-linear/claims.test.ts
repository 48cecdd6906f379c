/**
 * Every claim and check of the study on hand-made results: one that passes, one whose headline (or
 * check) fails, and "partly" where a supporting part can fail alone. The passing fixtures use the
 * notes' reference values; the failing ones the mistakes the notes warn about (wrong split, zero
 * padding, a scaler fitted on all rows, a model far from Table 2, an LSA below the oracle, …).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BASELINE_REF,
  cellTolerance,
  checkA1,
  checkA15,
  checkA2,
  checkA3,
  checkA4,
  checkA5,
  checkA6,
  checkA7,
  checkA8,
  checkA9,
  checkB1to4,
  checkB5,
  claimA10,
  claimA11,
  claimA12,
  claimA13,
  claimB6,
  claimB7,
  claimB8,
  claimB9,
  checkA14,
  claimShift,
  claimTable2Dataset,
  EXCESS_REF,
  GAMMA_REF,
  OLS_REF,
  ROW11520_REF,
  SCALER_REF,
  TRACE_REF,
  WINDOWS_REF,
  BAYES_REF,
} from "../../../lib/studies/ltsf-linear/claims";
import type { PipelineResult, TraceResult } from "../../../lib/studies/ltsf-linear/experiments/pipeline";
import type { BaselineRow, OlsRow } from "../../../lib/studies/ltsf-linear/experiments/closed-form";
import type { CellSummary } from "../../../lib/studies/ltsf-linear/experiments/grid-cells";
import type {
  ArChecksResult,
  CotResult,
  ExcessRow,
  TaskDistributionRow,
  TrainedLsaRow,
} from "../../../lib/studies/ltsf-linear/experiments/ar-lsa";
import type { ModelName } from "../../../lib/topics/timeseries/models";
import type { EttName } from "../../../lib/topics/timeseries/ett";

const DATA: EttName[] = ["ETTh1", "ETTh2", "ETTm1", "ETTm2"];
const HS = [96, 192, 336, 720];

function pipeline(
  o: { valRows?: number; pad?: "replicate" | "zero"; scalerShift?: number; equiv?: number; params?: number } = {},
): PipelineResult {
  const steps: Record<number, number> = { 96: 256, 192: 253, 336: 249, 720: 237 };
  return {
    rows: DATA.map((d) => ({
      data: d,
      rows: d.startsWith("ETTh") ? 17420 : 69680,
      expected: d.startsWith("ETTh") ? 17420 : 69680,
      first: "2016-07-01 00:00:00",
      last: d.startsWith("ETTh") ? "2018-06-26 19:00:00" : "2018-06-26 19:45:00",
    })),
    split: {
      trainRows: 8640,
      valRows: o.valRows ?? 3216,
      testRows: 3216,
      testStart: 11184,
      firstTestTargetDate: "2017-10-24 00:00:00",
      row11520: ROW11520_REF.slice(),
    },
    windows: DATA.flatMap((d) =>
      HS.map((H) => {
        const ref = WINDOWS_REF[d.startsWith("ETTh") ? "ETTh" : "ETTm"][H]!;
        return {
          data: d,
          H,
          train: ref.train,
          val: ref.test,
          test: ref.test,
          steps32: d === "ETTh1" ? steps[H]! : Math.floor(ref.train / 32),
        };
      }),
    ),
    scaler: {
      ETTh1: { mean: SCALER_REF.ETTh1.mean.map((v) => v + (o.scalerShift ?? 0)), std: SCALER_REF.ETTh1.std.slice() },
      ETTh2: { mean: SCALER_REF.ETTh2.mean.slice(), std: SCALER_REF.ETTh2.std.slice() },
    },
    ramp:
      o.pad === "zero"
        ? [
            { t: 0, value: 78 / 25 - 0 },
            { t: 1, value: 91 / 25 },
            { t: 100, value: 100 },
            { t: 335, value: (323 + 324 + 325 + 326 + 327 + 328 + 329 + 330 + 331 + 332 + 333 + 334 + 335) / 25 },
          ]
        : [
            { t: 0, value: 3.12 },
            { t: 1, value: 3.64 },
            { t: 100, value: 100 },
            { t: 335, value: 331.88 },
          ],
    nlinearEquivariance: o.equiv ?? 2e-6,
    params: (["Linear", "NLinear", "DLinear"] as ModelName[]).flatMap((model) =>
      [false, true].map((individual) => ({
        model,
        individual,
        count: (model === "DLinear" ? 2 : 1) * 32352 * (individual ? 7 : 1) + (o.params ?? 0),
      })),
    ),
  };
}

test("A1–A7: the notes' values hold; a wrong split, a scaler off by 1e-3, zero padding, a broken equivariance or count fail", () => {
  const ok = pipeline();
  for (const f of [checkA1, checkA2, checkA3, checkA4, checkA5, checkA6, checkA7]) assert.equal(f(ok).verdict, "holds", f.name);
  assert.equal(checkA2(pipeline({ valRows: 2880 })).verdict, "fails");
  assert.equal(checkA4(pipeline({ scalerShift: 1e-3 })).verdict, "fails");
  assert.equal(checkA5(pipeline({ pad: "zero" })).verdict, "fails");
  assert.equal(checkA6(pipeline({ equiv: 1e-3 })).verdict, "fails");
  assert.equal(checkA7(pipeline({ params: 96 })).verdict, "fails");
  const badRows = pipeline();
  badRows.rows[2]!.rows = 57600;
  assert.equal(checkA1(badRows).verdict, "fails");
  const badWin = pipeline();
  badWin.windows[0]!.test = 2784;
  assert.equal(checkA3(badWin).verdict, "fails");
});

function baselines(o: { fullRepeatOnly?: boolean } = {}): BaselineRow[] {
  return DATA.flatMap((d) =>
    HS.map((H, i) => {
      const ref = BASELINE_REF[d];
      const m = (x: number[]) => ({ mse: x[0]!, mae: x[1]!, n: 1 });
      return {
        data: d,
        H,
        repeatFull: m(ref.repeatFull[i]!),
        repeatDl32: m(o.fullRepeatOnly ? ref.repeatFull[i]! : ref.repeatDl32[i]!),
        seasonalFull: m(ref.seasonal[i]!),
      };
    }),
  );
}

test("A8: the paper-era loader reproduces Table 2's Repeat column; the full test set (current code) does not", () => {
  assert.equal(checkA8(baselines()).verdict, "holds");
  const r = checkA8(baselines({ fullRepeatOnly: true }));
  assert.equal(r.verdict, "fails");
  assert.match(r.note, /ETTh2 H=336 Repeat MSE/);
});

test("A9 and A13: OLS optima as in the notes pass; a float32 drift of 1% fails; a shorter look-back that wins fails A13", () => {
  const rows: OlsRow[] = OLS_REF.map((r) => ({
    data: "ETTh1",
    L: r.L,
    H: r.H,
    linear: { mse: r.linear[0]!, mae: r.linear[1]!, n: 1 },
    nlinear: { mse: r.nlinear[0]!, mae: r.nlinear[1]!, n: 1 },
  }));
  assert.equal(checkA9(rows).verdict, "holds");
  assert.equal(claimA13(rows).verdict, "reproduced");
  const drift = rows.map((r) => ({ ...r, linear: { ...r.linear, mse: r.linear.mse * 1.01 } }));
  assert.equal(checkA9(drift).verdict, "fails");
  const flipped = rows.map((r) => (r.L === 96 ? { ...r, linear: { ...r.linear, mse: 0.36 }, nlinear: { ...r.nlinear, mse: 0.36 } } : r));
  assert.equal(claimA13(flipped).verdict, "not reproduced");
  assert.throws(() => checkA9([]), /no ETTh1 OLS row/);
});

test("A15: the notes' trace holds; an off-by-one lr schedule (val moved by 1e-3) fails", () => {
  const trace: TraceResult[] = (["Linear", "NLinear", "DLinear"] as ModelName[]).map((model) => ({
    model,
    log: TRACE_REF[model].map((v, i) => ({
      epoch: i + 1,
      lr: 0.005,
      train: v[0]!,
      val: v[1]!,
      test: { mse: v[2]!, mae: v[3]!, n: 2785 },
      seconds: 1,
    })),
  }));
  assert.equal(checkA15(trace).verdict, "holds");
  trace[0]!.log[2]!.val += 1e-3;
  assert.equal(checkA15(trace).verdict, "fails");
});

function cell(data: EttName, H: number, model: ModelName, mse: number[], mae?: number[]): CellSummary {
  const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const se = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - m(xs)) ** 2, 0) / (xs.length - 1) / xs.length);
  const maes = mae ?? mse.map((v) => v + 0.02);
  return {
    data,
    H,
    model,
    seeds: mse.map((_, i) => 2021 + i),
    mse,
    mae: maes,
    mseFull: mse,
    maeFull: maes,
    meanMse: m(mse),
    seMse: se(mse),
    meanMae: m(maes),
    seMae: se(maes),
    epochs: mse.map(() => 10),
    bestEpochs: mse.map(() => 8),
    wallSeconds: mse.map(() => 100),
    results: [],
  };
}

/** The notes' two-seed runs (§3.3), with MAE near Table 2's. */
function etth1Cells(o: { linear336?: number[] } = {}): CellSummary[] {
  return [
    cell("ETTh1", 96, "Linear", [0.3733, 0.3737], [0.3953, 0.3957]),
    cell("ETTh1", 96, "NLinear", [0.3722, 0.3878], [0.3934, 0.4041]),
    cell("ETTh1", 96, "DLinear", [0.3709, 0.3734], [0.3925, 0.3955]),
    cell("ETTh1", 336, "Linear", o.linear336 ?? [0.4672, 0.4632], [0.4663, 0.4642]),
    cell("ETTh1", 336, "NLinear", [0.4275, 0.4308], [0.4263, 0.429]),
    cell("ETTh1", 336, "DLinear", [0.4479, 0.443], [0.4481, 0.4452]),
  ];
}

test("A10, A11, A12: the notes' seed runs reproduce; a model 0.05 above Table 2 does not; a lost ranking is 'partly'", () => {
  const cells = etth1Cells();
  assert.equal(claimA10(cells).verdict, "reproduced");
  assert.equal(claimA11(cells).verdict, "reproduced");
  assert.equal(claimA12(cells).verdict, "reproduced");
  const bad = cells.map((c) => (c.H === 96 && c.model === "NLinear" ? cell("ETTh1", 96, "NLinear", [0.42, 0.43], [0.43, 0.44]) : c));
  assert.equal(claimA10(bad).verdict, "not reproduced");
  // each model within tolerance of Table 2, but DLinear below NLinear: only the ranking breaks
  const swapped = cells.map((c) =>
    c.H === 336 && c.model === "DLinear"
      ? cell("ETTh1", 336, "DLinear", [0.426, 0.4262], [0.443, 0.4432])
      : c.H === 336 && c.model === "NLinear"
        ? cell("ETTh1", 336, "NLinear", [0.443, 0.4432], [0.427, 0.4272])
        : c,
  );
  assert.equal(claimA11(swapped).verdict, "partly");
  // no linear model below FEDformer's 0.459 at 336
  const worse = cells.map((c) => (c.H === 336 ? cell("ETTh1", 336, c.model, [0.47, 0.471]) : c));
  assert.equal(claimA12(worse).verdict, "not reproduced");
  assert.throws(() => claimA10(cells.slice(1)), /make grid STUDY=ltsf-linear/);
});

test("A12 over the table: asserted where Table 2's margin is ≥ 0.03 (ETTh2 H=720: NLinear .394 vs FEDformer .463), listed otherwise", () => {
  const h2 = (nlin: number[]) => [
    cell("ETTh2", 720, "Linear", [0.7, 0.71]),
    cell("ETTh2", 720, "NLinear", nlin),
    cell("ETTh2", 720, "DLinear", [0.62, 0.63]),
  ];
  const ok = [...etth1Cells(), ...h2([0.395, 0.396])];
  const r = claimA12(ok);
  assert.equal(r.verdict, "reproduced");
  assert.equal(r.parts[0]!.checks.length, 2); // ETTh1 H=336 and ETTh2 H=720; ETTh1 H=96 (margin 0.002) is not asserted
  assert.match(r.note, /ETTh1 H=96 \(paper margin 0\.002/);
  // NLinear no better than FEDformer on ETTh2 H=720: the table-wide claim fails
  assert.equal(claimA12([...etth1Cells(), ...h2([0.47, 0.48])]).verdict, "not reproduced");
});

test("the cell tolerance: floor 0.015, widened by a noisy seed pair", () => {
  assert.equal(cellTolerance([0.373, 0.374]), 0.015);
  const wide = cellTolerance([0.37, 0.4]);
  assert.ok(Math.abs(wide - 3 * Math.sqrt(0.00045) * Math.sqrt(1.5)) < 1e-12);
});

test("Table 2 per dataset and A2-shift: pass on the paper's values, fail 0.1 above; NLinear above Linear fails the shift claim", () => {
  const t2 = [cell("ETTh2", 336, "Linear", [0.452, 0.453], [0.461, 0.462]), cell("ETTh2", 336, "NLinear", [0.357, 0.358], [0.4, 0.401])];
  assert.equal(claimTable2Dataset("ETTh2", t2).verdict, "reproduced");
  assert.equal(claimTable2Dataset("ETTh2", [cell("ETTh2", 336, "Linear", [0.552, 0.553])]).verdict, "not reproduced");
  assert.throws(() => claimTable2Dataset("ETTm1", t2), /no trained ETTm1 cell/);
  const ols: OlsRow[] = [
    { data: "ETTh1", L: 336, H: 720, linear: { mse: 0.471, mae: 0.49, n: 1 }, nlinear: { mse: 0.4344, mae: 0.45, n: 1 } },
  ];
  assert.equal(claimShift(t2, ols).verdict, "reproduced");
  const flipped = [cell("ETTh2", 336, "Linear", [0.35, 0.351]), cell("ETTh2", 336, "NLinear", [0.357, 0.358])];
  assert.equal(claimShift(flipped, ols).verdict, "not reproduced");
  // smoke computes no OLS optimum at H ≥ 336: the claim stands on its headline alone
  assert.equal(claimShift(t2, []).verdict, "reproduced");
});

test("A14: the notes' ETTm1 H=96 band holds on Table 2's values and fails 0.02 above; missing cells name the grid command", () => {
  const m1 = (d: number) => [
    cell("ETTm1", 96, "Linear", [0.308 + d, 0.309 + d]),
    cell("ETTm1", 96, "NLinear", [0.306 + d, 0.305 + d]),
    cell("ETTm1", 96, "DLinear", [0.299 + d, 0.3 + d]),
  ];
  assert.equal(checkA14(m1(0)).verdict, "holds");
  assert.equal(checkA14(m1(0.02)).verdict, "fails");
  assert.throws(() => checkA14(m1(0).slice(1)), /ONLY="ETTm1 H=96"/);
});

function arChecks(o: { gammaOff?: number } = {}): ArChecksResult {
  return {
    hankel: [
      [1, 2, 3, 4],
      [2, 3, 4, 5],
      [3, 4, 5, 0],
    ],
    lsaForwardRelErr: 3e-7,
    gamma: GAMMA_REF.map((g) => g + (o.gammaOff ?? 0)),
    gammaMc: GAMMA_REF.map((g) => g + 0.001),
    decayRate: 0.587856,
    bayes: [1, 2, 3, 5, 10, 20].map((k) => ({ k, mse: BAYES_REF[k]! })),
    rolloutRate: 0.5879,
    bayesMc: [1, 2, 3, 5, 10, 20].map((k) => ({ k, mse: BAYES_REF[k]! + 0.002, se: 0.01 })),
  };
}

test("B1–B4 and B5: the notes' values hold; a wrong γ (σ² dropped) and an excess 3× off fail", () => {
  assert.equal(checkB1to4(arChecks()).verdict, "holds");
  assert.equal(checkB1to4(arChecks({ gammaOff: 0.01 })).verdict, "fails");
  const rows: ExcessRow[] = Object.entries(EXCESS_REF).flatMap(([method, byN]) =>
    Object.entries(byN).map(([n, [v, se]]) => ({ n: Number(n), method, excess: v, se })),
  );
  assert.equal(checkB5(rows).verdict, "holds");
  assert.equal(checkB5(rows.map((r) => (r.method === "LSA construction" && r.n === 25 ? { ...r, excess: 0.7 } : r))).verdict, "fails");
});

function trainedRow(n: number, seed: number, excess: number, se = 0.001): TrainedLsaRow {
  return {
    n,
    seed,
    epochs: 40,
    testMse: 1 + excess,
    oracleMse: 1,
    excess,
    se,
    globalOlsExcess: 0.0003,
    globalOlsSe: 0.0002,
    inContextOlsExcess: 0.1,
    epochLoss: [1.1, 1.02],
    a: [0, 0, 0, 1],
    B: GD_PATTERN_B,
    olsBeta: [0.2, -0.3, 0.5],
  };
}
const BEST: ExcessRow[] = [5, 25, 100].map((n) => ({
  n,
  method: "best LSA (ALS)",
  excess: EXCESS_REF["best LSA (ALS)"]![n]![0],
  se: EXCESS_REF["best LSA (ALS)"]![n]![1],
}));

test("B6, B7: a trained LSA above the oracle, shrinking with n, reproduces; one below the oracle or growing with n does not", () => {
  const ok = [trainedRow(5, 7, 0.09), trainedRow(25, 7, 0.023), trainedRow(100, 7, 0.008)];
  assert.equal(claimB6(ok, BEST).verdict, "reproduced");
  assert.equal(claimB7(ok, BEST).verdict, "reproduced");
  assert.equal(claimB6([trainedRow(25, 7, -0.01)], BEST).verdict, "not reproduced");
  assert.equal(claimB6([trainedRow(25, 7, 0.05)], BEST).verdict, "partly");
  assert.equal(claimB7([trainedRow(5, 7, 0.02), trainedRow(25, 7, 0.023), trainedRow(100, 7, 0.03)], BEST).verdict, "not reproduced");
});

function cot(o: { lsaStuck?: boolean; lsaBetter?: boolean } = {}): CotResult {
  const K = 100;
  const ks = Array.from({ length: K }, (_, k) => k + 1);
  const curve = (scale: number) => ks.map((k) => 1.27193 * (1 - 0.2 * 0.35 ** k) * scale);
  const decay = (rate: number) => ks.map((k) => 0.8 * rate ** (k - 1));
  const ser = { mse: curve(1), se: ks.map(() => 0.02) };
  return {
    n: 25,
    ks,
    mse: { LSA: o.lsaStuck ? { mse: curve(1.5), se: ser.se } : ser, "global OLS": ser, "Bayes (true φ)": ser },
    lsaMinusOls: { mean: ks.map(() => (o.lsaBetter ? -0.05 : 0.01)), se: ks.map(() => 0.005) },
    single: { LSA: ks.map(() => 0), "global OLS": ks.map(() => 0), "Bayes (true φ)": ks.map(() => 0), truth: ks.map(() => 0) },
    gamma0: 1.27193,
    meanAbs: { LSA: decay(o.lsaStuck ? 0.999 : 0.6), "global OLS": decay(0.6), "Bayes (true φ)": decay(0.59) },
    diverged: { LSA: 0, "global OLS": 0, "Bayes (true φ)": 0 },
    mseBounded: { LSA: ser.mse, "global OLS": ser.mse, "Bayes (true φ)": ser.mse },
    rollouts: 400,
  };
}

test("B8: rollouts that decay to the mean reproduce; a rollout that does not decay fails; an LSA beating OLS is 'partly'", () => {
  assert.equal(claimB8(cot()).verdict, "reproduced");
  assert.equal(claimB8(cot({ lsaStuck: true })).verdict, "not reproduced");
  assert.equal(claimB8(cot({ lsaBetter: true })).verdict, "partly");
});

/** B = [I; 0]: the GD step's pattern at p = 3. */
const GD_PATTERN_B = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [0, 0, 0],
];

/** A B9 row: the GD step's excess g, the trained LSA's g·(1 + dTrained), OLS's given; SEs 1% of g. */
function b9Row(n: number, o: { g: number; ols: number; dTrained?: number; fitTrained?: number }): TaskDistributionRow {
  const se = 0.01 * o.g;
  const lsa = o.g * (1 + (o.dTrained ?? 0.03));
  const als = o.g * 0.97;
  return {
    n,
    excess: {
      "in-context OLS": { excess: o.ols, se: 0.05 * o.ols },
      "best GD step": { excess: o.g, se },
      "best LSA (ALS)": { excess: als, se },
      "trained LSA (Adam)": { excess: lsa, se },
    },
    trainedMinusGd: { excess: lsa - o.g, se },
    alsMinusGd: { excess: als - o.g, se },
    fitMse: { gd: 1.3, als: 1.29, trained: o.fitTrained ?? 1.292 },
    a: [0, 0, 0, 1],
    B: GD_PATTERN_B,
    epochLoss: [1.5, 1.3],
  };
}

test("B9: an LSA within 3% of the GD step reproduces; 20% above it does not; an under-trained layer or OLS winning at n = 5 is 'partly'", () => {
  const good = [b9Row(5, { g: 0.5, ols: 3 }), b9Row(25, { g: 0.3, ols: 0.15 }), b9Row(100, { g: 0.25, ols: 0.03 })];
  assert.equal(claimB9(good).verdict, "reproduced");
  const far = [b9Row(5, { g: 0.5, ols: 3 }), b9Row(25, { g: 0.3, ols: 0.15, dTrained: 0.2 }), b9Row(100, { g: 0.25, ols: 0.03 })];
  assert.equal(claimB9(far).verdict, "not reproduced");
  const underTrained = good.map((r) => (r.n === 25 ? b9Row(25, { g: 0.3, ols: 0.15, fitTrained: 1.35 }) : r));
  assert.equal(claimB9(underTrained).verdict, "partly");
  const olsWinsEarly = good.map((r) => (r.n === 5 ? b9Row(5, { g: 0.5, ols: 0.2 }) : r));
  assert.equal(claimB9(olsWinsEarly).verdict, "partly");
  assert.throws(() => claimB9([]), /at least one n/);
});
