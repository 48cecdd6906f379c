/**
 * The ETT pipeline against the notes' reference values (A1–A4, A8, A9) and hand-worked examples
 * (windows, drop_last, the moving average A5, NLinear equivariance A6, parameter counts A7).
 * Reads data/ett/ (checksummed), as the notebook does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { initTf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import {
  ettBorders,
  ettWindows,
  evaluateBaseline,
  evaluateModel,
  features,
  fitOls,
  fitScaler,
  gatherBatch,
  initParams,
  keptByDropLast,
  laggedMoments,
  loadEtt,
  movingAverage,
  parameterCount,
  parseEttCsv,
  predictBatch,
  predictOne,
  predictWindows,
  prepareEtt,
  splitRanges,
  stepsPerEpoch,
  windowCount,
} from "../../../lib/topics/timeseries";

test("A1: the four ETT files load with their rows and dates; a changed or unlisted file is refused with the fix", () => {
  for (const [name, rows] of [
    ["ETTh1", 17420],
    ["ETTh2", 17420],
    ["ETTm1", 69680],
    ["ETTm2", 69680],
  ] as const) {
    const s = loadEtt(name);
    assert.equal(s.rows, rows);
    assert.equal(s.dates[0], "2016-07-01 00:00:00");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ett-"));
  fs.mkdirSync(path.join(dir, "ett"));
  fs.writeFileSync(path.join(dir, "ett", "ETTh1.csv.gz"), "not the file");
  fs.writeFileSync(
    path.join(dir, "PROVENANCE.md"),
    "    3c56c865b8f6fc9b760a07f055ff8a993d3cf2a747235dc382b98821ed35f029  ett/ETTh1.csv.gz\n",
  );
  const { readDataFile } = require("../../../lib/core/data") as typeof import("../../../lib/core/data");
  const old = process.env.LS_DATA_DIR;
  process.env.LS_DATA_DIR = dir;
  try {
    assert.throws(() => readDataFile("ett/ETTh1.csv.gz"), /corrupt or changed.*git checkout/);
    assert.throws(() => readDataFile("ett/ETTh2.csv.gz"), /not listed in data\/PROVENANCE.md/);
  } finally {
    if (old === undefined) delete process.env.LS_DATA_DIR;
    else process.env.LS_DATA_DIR = old;
  }
  assert.throws(() => parseEttCsv("date,a\n1,2\n", "x.csv", "ETTh1"), /header/);
  assert.throws(() => parseEttCsv("date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT\nd,1,2,3,4,5,6,x\n", "x.csv", "ETTh1"), /line 2, column OT/);
});

test("A2: 12/4/4-month borders and split slices; the first test target row 11520 normalised", () => {
  assert.deepEqual(ettBorders("ETTh1"), { a: 8640, b: 2880 });
  assert.deepEqual(ettBorders("ETTm2"), { a: 34560, b: 11520 });
  assert.deepEqual(splitRanges("ETTh1", 336), {
    train: { start: 0, end: 8640 },
    val: { start: 8304, end: 11520 },
    test: { start: 11184, end: 14400 },
  });
  const d = prepareEtt("ETTh1");
  assert.equal(d.dates[11520], "2017-10-24 00:00:00");
  const ref = [0.351341, 0.699468, 0.463911, 0.553273, -0.396437, 0.246807, -0.862341];
  ref.forEach((v, c) => assert.ok(Math.abs(d.data[11520 * 7 + c]! - v) < 1e-5, `channel ${c}`));
});

test("A3: window counts (N_val = N_test = b − H + 1 whatever L) and steps per epoch", () => {
  const d = prepareEtt("ETTh1");
  const expected: Record<number, [number, number, number]> = {
    96: [8209, 2785, 256],
    192: [8113, 2689, 253],
    336: [7969, 2545, 249],
    720: [7585, 2161, 237],
  };
  for (const [H, [tr, te, steps]] of Object.entries(expected)) {
    const w = ettWindows(d, { L: 336, H: Number(H) });
    assert.deepEqual([w.train.n, w.val.n, w.test.n], [tr, te, te]);
    assert.equal(stepsPerEpoch(w.train.n, 32), steps);
  }
  assert.equal(ettWindows(d, { L: 96, H: 96 }).test.n, 2785);
  assert.equal(windowCount({ len: 10, L: 3, H: 2 }), 6);
  assert.throws(() => windowCount({ len: 4, L: 3, H: 2 }), /no window/);
  assert.equal(keptByDropLast(2545, 32), 2528);
  assert.equal(ettWindows(prepareEtt("ETTm1"), { L: 336, H: 720 }).test.n, 10801);
});

test("A4: the train-only scaler with the population sd; a hand-worked two-channel example", () => {
  // rows (1, 10), (3, 20) fit; row (5, 40) is outside the fit range and must not move the scaler
  const s = fitScaler(new Float64Array([1, 10, 3, 20, 5, 40]), 2, { start: 0, end: 2 });
  assert.deepEqual(Array.from(s.mean), [2, 15]);
  assert.deepEqual(Array.from(s.std), [1, 5]);
  assert.throws(() => fitScaler(new Float64Array([1, 10, 3, 10]), 2, { start: 0, end: 2 }), /channel 1 is constant/);
  const s2 = fitScaler(new Float64Array([1, 0, 3, 2, 5, 4]), 2, { start: 0, end: 3 });
  assert.ok(Math.abs(s2.std[0]! - Math.sqrt(8 / 3)) < 1e-15, "ddof 0");
  const d = prepareEtt("ETTh1");
  const mean = [7.937742, 2.021039, 5.079771, 0.746186, 2.781762, 0.788453, 17.128262];
  const std = [5.812749, 2.090105, 5.518794, 1.926379, 1.023523, 0.630237, 9.176491];
  mean.forEach((v, c) => assert.ok(Math.abs(d.scaler.mean[c]! - v) < 1e-6));
  std.forEach((v, c) => assert.ok(Math.abs(d.scaler.std[c]! - v) < 1e-6));
});

test("A5: the moving average repeats the end values (ramp, L = 336, k = 25; and a short hand example)", () => {
  const ma = movingAverage(
    Float64Array.from({ length: 336 }, (_, t) => t),
    25,
  );
  for (const [t, v] of [
    [0, 3.12],
    [1, 3.64],
    [100, 100],
    [335, 331.88],
  ] as const)
    assert.ok(Math.abs(ma[t]! - v) < 1e-9, `trend[${t}]`);
  // k = 3 on [1, 2, 4]: padded [1, 1, 2, 4, 4] → [4/3, 7/3, 10/3]
  const m3 = movingAverage([1, 2, 4], 3);
  assert.deepEqual(
    Array.from(m3).map((v) => Number(v.toFixed(12))),
    [1.333333333333, 2.333333333333, 3.333333333333],
  );
  assert.throws(() => movingAverage([1, 2, 3], 4), /odd/);
});

test("A6, A7: NLinear is level-equivariant; DLinear with W_s = W_t equals Linear; parameter counts", async () => {
  await initTf({ quiet: true });
  const rng = new Rng(3);
  const L = 30;
  const H = 5;
  const p = initParams({ model: "NLinear", L, H, init: "torch", rng });
  const x = Float64Array.from({ length: L }, () => rng.normal());
  const a = predictOne(p, x);
  const b = predictOne(
    p,
    x.map((v) => v + 2.5),
  );
  a.forEach((v, i) => assert.ok(Math.abs(b[i]! - v - 2.5) < 1e-12));
  // DLinear with both weight matrices equal to Linear's W and biases summing to Linear's b
  const lin = initParams({ model: "Linear", L, H, init: "torch", rng });
  const dl = initParams({ model: "DLinear", L, H, init: "zeros" });
  for (let l = 0; l < 2; l++) for (let t = 0; t < L * H; t++) dl.theta[l * L * H + t] = lin.theta[t]!;
  for (let h = 0; h < H; h++) dl.theta[2 * L * H + h] = lin.theta[L * H + h]!; // b_s = b, b_t = 0
  const ya = predictOne(lin, x);
  const yb = predictOne(dl, x);
  ya.forEach((v, i) => assert.ok(Math.abs(yb[i]! - v) < 1e-5, "same function class"));
  assert.equal(parameterCount({ model: "Linear", L: 336, H: 96 }), 32352);
  assert.equal(parameterCount({ model: "DLinear", L: 336, H: 96 }), 64704);
  assert.equal(parameterCount({ model: "NLinear", L: 336, H: 96, individual: true }), 226464);
  assert.equal(parameterCount({ model: "DLinear", L: 336, H: 96, individual: true }), 452928);
  // torch init bound 1/√L
  const big = initParams({ model: "Linear", L: 336, H: 96, init: "torch", rng });
  const bound = 1 / Math.sqrt(336);
  assert.ok(big.theta.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...big.theta) > 0.95 * bound);
});

test("gatherBatch and predictBatch (float32, tfjs) agree with the float64 reference forward", async () => {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: 48, H: 12 });
  for (const model of ["Linear", "NLinear", "DLinear"] as const) {
    const p = initParams({ model, L: 48, H: 12, init: "torch", rng: new Rng(4) });
    const b = gatherBatch(model, w.test, [0, 7, 100]);
    const yhat = predictBatch(p.theta, b, p.layers);
    const x = new Float64Array(48);
    for (let c = 0; c < 7; c++) {
      for (let t = 0; t < 48; t++) x[t] = d.data[(w.test.range.start + 7 + t) * 7 + c]!;
      const ref = predictOne(p, x);
      for (let h = 0; h < 12; h++) assert.ok(Math.abs(yhat[(1 * 7 + c) * 12 + h]! - ref[h]!) < 1e-4, `${model} c${c} h${h}`);
      // Zt is the transpose of Z
      const z = new Float64Array(b.F);
      features(model, x, z);
      assert.ok(Math.abs(b.Z[(7 + c) * b.F + 3]! - z[3]!) < 1e-6);
      assert.equal(b.Zt[3 * b.rows + 7 + c], b.Z[(7 + c) * b.F + 3]);
    }
  }
});

test("gatherBatch: Z is each window's features rounded to float32, Zt its exact transpose (sizes off the 32-tile)", () => {
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: 45, H: 5 }).val;
  for (const model of ["Linear", "NLinear", "DLinear"] as const) {
    const idx = [0, 1, 2, 90, 33, 1000];
    const b = gatherBatch(model, w, idx);
    const z = new Float64Array(b.F);
    for (let j = 0; j < idx.length; j++)
      for (let c = 0; c < 7; c++) {
        const r = j * 7 + c;
        const series = w.byChannel[c]!;
        const s = w.range.start + idx[j]!;
        features(model, series.subarray(s, s + 45), z);
        for (let f = 0; f < b.F; f++) {
          assert.equal(b.Z[r * b.F + f], Math.fround(z[f]!), `${model} row ${r} feature ${f}`);
          assert.equal(b.Zt[f * b.rows + r], b.Z[r * b.F + f], `${model} Zt[${f}, ${r}]`);
        }
        for (let h = 0; h < 5; h++) assert.equal(b.Y[r * 5 + h], Math.fround(series[s + 45 + h]!));
      }
  }
});

test("predictWindows gives each window, bit for bit, what predictBatch gives it in any batch", async () => {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh2");
  const w = ettWindows(d, { L: 40, H: 9 }).test;
  for (const model of ["NLinear", "DLinear"] as const) {
    const p = initParams({ model, L: 40, H: 9, init: "torch", rng: new Rng(12) });
    const n = 300;
    const all = predictWindows(p, w, n, 128);
    assert.equal(all.length, n * 7 * 9);
    // batches of other sizes, in shuffled order: the matmul sees different row counts and neighbours
    for (const idx of [[5], [299, 0, 17, 128], Array.from({ length: 37 }, (_, k) => (k * 53) % n)]) {
      const yhat = predictBatch(p.theta, gatherBatch(model, w, idx, false), p.layers);
      idx.forEach((i, j) => {
        for (let k = 0; k < 7 * 9; k++) assert.equal(all[i * 63 + k], yhat[j * 63 + k], `${model} window ${i} entry ${k}`);
      });
    }
  }
  assert.throws(
    () => predictWindows({ model: "Linear", layers: 1, theta: new Float32Array(41 * 9) }, w, w.n + 1),
    /n must be an integer in 0\.\./,
  );
});

test("A8: Repeat and seasonal naive on ETTh1 equal the notes' values; dl32 equals Table 2's Repeat to 3 decimals", () => {
  const d = prepareEtt("ETTh1");
  const w96 = ettWindows(d, { L: 336, H: 96 }).test;
  const w336 = ettWindows(d, { L: 336, H: 336 }).test;
  const r = evaluateBaseline({ kind: "repeat" }, w96);
  assert.ok(Math.abs(r.mse - 1.2944) < 2e-4 && Math.abs(r.mae - 0.7132) < 2e-4);
  const dl = evaluateBaseline({ kind: "repeat" }, w336, { dropLastBatch: 32 });
  assert.equal(dl.n, 2528);
  assert.ok(Math.abs(dl.mse - 1.323) < 6e-4, `dl32 ${dl.mse} vs Table 2 1.323`);
  assert.ok(Math.abs(evaluateBaseline({ kind: "repeat" }, w336).mse - 1.3299) < 2e-4, "full set differs from the paper at H = 336");
  const s = evaluateBaseline({ kind: "seasonal", period: 24 }, w96);
  assert.ok(Math.abs(s.mse - 0.5122) < 2e-4 && Math.abs(s.mae - 0.4333) < 2e-4);
  assert.throws(() => evaluateBaseline({ kind: "seasonal", period: 400 }, w96), /period/);
});

test("laggedMoments' diagonal recurrence equals the direct sums (float64, small example)", () => {
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: 6, H: 3 }).train;
  const small = { ...w, n: 40 };
  const m = laggedMoments(small);
  for (const [a, b] of [
    [0, 0],
    [2, 5],
    [8, 8],
    [4, 7],
  ] as const) {
    let s = 0;
    for (let c = 0; c < 7; c++) for (let i = 0; i < 40; i++) s += w.byChannel[c]![i + a]! * w.byChannel[c]![i + b]!;
    assert.ok(Math.abs(m.M[a * 9 + b]! - s) < 1e-9 * Math.max(1, Math.abs(s)), `M[${a}][${b}]`);
  }
});

test("A9: Linear-OLS and NLinear-OLS on ETTh1 L = 336, H = 96 match the notes (±1e-3 relative)", async () => {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: 336, H: 96 });
  const mom = laggedMoments(w.train);
  const lin = evaluateModel({ model: "Linear", layers: 1, theta: fitOls("Linear", w.train, mom).theta }, w.test);
  const nlin = evaluateModel({ model: "NLinear", layers: 1, theta: fitOls("NLinear", w.train, mom).theta }, w.test);
  assert.ok(Math.abs(lin.mse / 0.37024 - 1) < 1e-3 && Math.abs(lin.mae / 0.39154 - 1) < 1e-3, `Linear-OLS ${lin.mse}/${lin.mae}`);
  assert.ok(Math.abs(nlin.mse / 0.3702 - 1) < 1e-3 && Math.abs(nlin.mae / 0.39151 - 1) < 1e-3, `NLinear-OLS ${nlin.mse}/${nlin.mae}`);
  assert.throws(() => fitOls("DLinear", w.train), /same functions as Linear/);
});
