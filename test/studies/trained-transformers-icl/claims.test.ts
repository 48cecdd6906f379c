/**
 * Every claim of the study on hand-made results: one that passes (reproduced), one whose headline
 * fails (not reproduced), and "partly" where a supporting part can fail alone. The flow fixtures use
 * the real integrator (cheap); everything trained or sampled is made up around the theory values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { diagMatrix, scaleMatrix, type Matrix } from "../../../lib/core/linalg";
import { exponentialMoments } from "../../../lib/topics/icl/closed-forms";
import type { ShiftEstimate } from "../../../lib/topics/icl/shift";
import { thm42FixedTask, zhangCoordinates, zhangGlobalMin, zhangIsoError, zhangRandomCov } from "../../../lib/topics/icl/zhang";
import { integrateZhangFlow } from "../../../lib/topics/icl/zhang-flow";
import { initParams } from "../../../lib/topics/icl/train";
import { Rng } from "../../../lib/core/rng";
import {
  claimZ1,
  claimZ2,
  claimZ3,
  claimZ4,
  claimZ5,
  claimZ6,
  claimZ7,
  claimZ8,
  claimZ9,
  type FitResult,
  type FlowStudy,
  type LengthRow,
  type OrthogonalResult,
  type PromptLengthResult,
  type RandomCovResult,
  type ScaleRow,
  type TaskShiftRow,
  type TrainedModel,
} from "../../../lib/studies/trained-transformers-icl";

const est = (mse: number, slope = 1, seFrac = 0.002): ShiftEstimate => ({
  mse,
  mseSe: seFrac * mse,
  slope,
  slopeSe: seFrac * Math.abs(slope),
  rmsPred: 1,
  rmsTarget: 1,
});
const model = (seed: number, G: Matrix, step: number): TrainedModel =>
  ({
    label: `m${seed}`,
    seed,
    spec: { d: G.length, n: 20, x: { kind: "gauss" }, w: { kind: "iso" } },
    G,
    step,
    offDiagMax: 0,
    offManifold: 0,
    checkpoints: [],
  }) as unknown as TrainedModel;

test("Z1: the fitted G is Γ⁻¹ (pass) or 5% off in one entry (not reproduced)", () => {
  const Lambda = [0.25, 0.5, 1, 2];
  const target = zhangGlobalMin({ Lambda, N: 12 }).G;
  const se = diagMatrix([0.005, 0.004, 0.003, 0.001]);
  const r: FitResult = {
    Lambda,
    N: 12,
    fit: { G: target.map((row) => row.slice()), se, tasks: 1000 },
    target,
    exact: ["12/7", "48/41", "48/67", "48/119"],
  };
  assert.equal(claimZ1(r).verdict, "reproduced");
  const bad = { ...r, fit: { ...r.fit, G: r.fit.G.map((row, i) => row.map((v, j) => (i === 0 && j === 0 ? v * 1.05 : v))) } };
  assert.equal(claimZ1(bad).verdict, "not reproduced");
  // within 2% but 6 SE away: the Monte Carlo part fails alone
  const near = { ...r, fit: { ...r.fit, G: r.fit.G.map((row, i) => row.map((v, j) => (i === 3 && j === 3 ? v + 6 * 0.001 : v))) } };
  assert.equal(claimZ1(near).verdict, "partly");
});

function flowStudy(over: Partial<FlowStudy> = {}): FlowStudy {
  const Lambda = [0.5, 1, 2];
  const c = zhangCoordinates(initParams({ kind: "zhang", sigma: 0.5 }, 3, new Rng(2)));
  const times = [0.02, ...Array.from({ length: 121 }, (_, k) => k / 2)];
  const run = (dt: number, method: "rk4" | "euler") => integrateZhangFlow({ Lambda, N: 10, start: c, dt, times, method });
  const rk4 = run(0.01, "rk4");
  const opt = zhangGlobalMin({ Lambda, N: 10 });
  const pt = (t: number, fromFlow: number, distance: number, off = 0.01) => ({
    t,
    step: Math.round(t / 0.02),
    G: opt.G,
    distance,
    fromFlow,
    offManifold: off,
    balance: 0,
  });
  return {
    Lambda,
    N: 10,
    sigmaInit: 0.5,
    initCondition: 1.104,
    target: { G: opt.G, u: opt.u, U: opt.U },
    rk4,
    rk4Half: run(0.005, "rk4"),
    eulerH: run(0.02, "euler"),
    halvingError: 2e-8,
    eulerError: 5e-3,
    sgd: [3, 4].map((seed) => ({ seed, points: [pt(0, 0, 0.9), pt(1, 0.01, 0.5), pt(40, 0.015, 0.01)] })),
    h: 0.02,
    adam: { ...pt(Number.NaN, Number.NaN, 0.005, 0.004), G: scaleMatrix(opt.G, 1.004), steps: 2000 },
    ...over,
  };
}

test("Z2: the integrated flow reaches the limit (pass); a flow stopped early fails; a coarse integrator is partly", () => {
  const r = flowStudy();
  assert.equal(claimZ2(r).verdict, "reproduced");
  const early = integrateZhangFlow({
    Lambda: r.Lambda,
    N: 10,
    start: { U: r.rk4.points[0]!.U, u: r.rk4.points[0]!.u },
    dt: 0.01,
    times: Array.from({ length: 41 }, (_, k) => k / 8),
  });
  assert.equal(claimZ2({ ...r, rk4: early }).verdict, "not reproduced");
  assert.equal(claimZ2({ ...r, halvingError: 1e-5 }).verdict, "partly");
  assert.equal(claimZ2({ ...r, initCondition: 2.5 }).verdict, "partly");
});

test("Z3: Adam at Γ⁻¹ and SGD on the flow (pass); Adam 5% off (not reproduced); SGD off the flow (partly)", () => {
  const r = flowStudy();
  assert.equal(claimZ3(r).verdict, "reproduced");
  const G = r.target.G.map((row, i) => row.map((v, j) => (i === j && i === 2 ? v * 1.05 : v)));
  assert.equal(claimZ3({ ...r, adam: { ...r.adam, G } }).verdict, "not reproduced");
  const sgd = r.sgd.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, fromFlow: 0.1 })) }));
  assert.equal(claimZ3({ ...r, sgd }).verdict, "partly");
  assert.equal(claimZ3({ ...r, adam: { ...r.adam, offManifold: 0.2 } }).verdict, "partly");
});

function lengthRows(N: number, Ms: number[], factor: number, olsBelow = true): LengthRow[] {
  return Ms.map((M) => {
    const th = zhangIsoError({ d: 5, N, M });
    return {
      N,
      M,
      theory: th,
      exact: "x",
      trained: [est(th * factor), est(th * factor)],
      optimum: est(th),
      ols: M >= 7 ? est(olsBelow ? th / 2 : th * 2) : undefined,
    };
  });
}

test("Z4: trained errors on Thm 4.2 (pass), 5% above (not reproduced), OLS not better at the largest M (partly)", () => {
  const Ms = [5, 20, 80, 320];
  const res = (factor: number, olsBelow = true): PromptLengthResult => ({
    d: 5,
    N: 20,
    models: [model(11, [[1]], 1), model(12, [[1]], 1)],
    rows: lengthRows(20, Ms, factor, olsBelow),
  });
  assert.equal(claimZ4(res(1.005), [5, 20, 80]).verdict, "reproduced");
  assert.equal(claimZ4(res(1.05), [5, 20, 80]).verdict, "not reproduced");
  assert.equal(claimZ4(res(1.005, false), [5, 20, 80]).verdict, "partly");
  // the formula check: GD(Γ⁻¹) 10 SE away
  const r = res(1.005);
  r.rows[1]!.optimum = est(r.rows[1]!.theory * 1.02);
  assert.equal(claimZ4(r, [5, 20, 80]).verdict, "partly");
});

test("Z5: M = N errors (pass / 5% off)", () => {
  const rows = [10, 20, 40].flatMap((N) => lengthRows(N, [N], 1.003));
  assert.equal(claimZ5({ d: 5, rows, models: [model(1, [[1]], 1)] }).verdict, "reproduced");
  const bad = [10, 20, 40].flatMap((N) => lengthRows(N, [N], 0.95));
  assert.equal(claimZ5({ d: 5, rows: bad, models: [model(1, [[1]], 1)] }).verdict, "not reproduced");
});

test("Z6: task shift on Thm 4.2 (pass), off it (not reproduced), slope wrong (partly)", () => {
  const w = [3, 0, 0, 0, 0];
  const rows = (factor: number, slope: number): TaskShiftRow[] =>
    [20, 80, 320].map((M) => {
      const theory = thm42FixedTask({ Lambda: [1, 1, 1, 1, 1], N: 20, M, w, sigma2: 1 });
      return {
        M,
        theory,
        slopeTheory: 1 / 1.3,
        trained: [est(theory.total * factor, slope), est(theory.total * factor, slope)],
        optimum: est(theory.total, 1 / 1.3),
        ols: est(1.1, 1),
      };
    });
  assert.equal(claimZ6({ w, sigma2: 1, rows: rows(1.004, 1 / 1.3) }, [11, 12]).verdict, "reproduced");
  assert.equal(claimZ6({ w, sigma2: 1, rows: rows(1.1, 1 / 1.3) }, [11, 12]).verdict, "not reproduced");
  assert.equal(claimZ6({ w, sigma2: 1, rows: rows(1.004, 1) }, [11, 12]).verdict, "partly");
});

test("Z7: slopes c²/γ (pass), slope 1 at every c as OLS (not reproduced), OLS not 1 (partly)", () => {
  const rows = (f: (c: number) => number, ols = 1): ScaleRow[] =>
    [0.5, 1, 2].map((c) => ({ c, slopeTheory: (c * c) / 1.3, trained: [est(1, f(c)), est(1, f(c))], ols: est(0, ols) }));
  assert.equal(claimZ7({ M: 400, rows: rows((c) => ((c * c) / 1.3) * 1.003) }, [11, 12]).verdict, "reproduced");
  assert.equal(claimZ7({ M: 400, rows: rows(() => 1) }, [11, 12]).verdict, "not reproduced");
  assert.equal(claimZ7({ M: 400, rows: rows((c) => (c * c) / 1.3, 0.9) }, [11, 12]).verdict, "partly");
});

test("Z8: G = 2/7 and its slopes (pass); a layer that learned G = 1 (not reproduced); the wrong query convention (partly)", () => {
  const th = zhangRandomCov({ N: 20, d: 5, ...exponentialMoments(1) });
  const mk = (G: number, yqSlope: number): RandomCovResult => ({
    d: 5,
    N: 20,
    M: 100,
    theory: th,
    models: [model(61, diagMatrix([G, G, G, G, G]), G), model(62, diagMatrix([G, G, G, G, G]), G)],
    fit: { G: diagMatrix([th.G, th.G, th.G, th.G, th.G]), se: diagMatrix([0.003, 0.003, 0.003, 0.003, 0.003]), tasks: 1000 },
    independent: { trained0: est(1, G), trained1: est(1, G), ols: est(0, 1) },
    fromLambda: { trained0: est(1, yqSlope), trained1: est(1, yqSlope), ols: est(0, 1) },
  });
  assert.equal(claimZ8(mk(th.G * 1.01, th.slopeQueryFromLambda)).verdict, "reproduced");
  assert.equal(claimZ8(mk(1, 2)).verdict, "not reproduced");
  // reading the "1/3" as the slope on y_q with x_q ~ N(0, Λ_new) is the caveat of the notes: that slope is 2G, not G
  assert.equal(claimZ8(mk(th.G, th.G)).verdict, "partly");
});

test("Z9: orthogonal queries give ŷ ≈ 0 (pass), an anisotropic layer does not (not reproduced)", () => {
  const r = (ratio: number, opt = 1e-8): OrthogonalResult => ({
    M: 3,
    trainedRatio: [ratio, ratio],
    optimumRatio: opt,
    optimumAbs: opt,
    anisotropy: [0.003, 0.004],
    orth: {},
    plain: {},
  });
  assert.equal(claimZ9(r(0.01), [11, 12]).verdict, "reproduced");
  assert.equal(claimZ9(r(0.4), [11, 12]).verdict, "not reproduced");
  assert.equal(claimZ9(r(0.01, 1e-3), [11, 12]).verdict, "partly");
});
