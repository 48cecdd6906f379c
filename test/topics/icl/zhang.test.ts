/**
 * The Zhang, Frei, Bartlett closed forms (zhang.ts), the reduced flow (zhang-flow.ts) and the shift
 * evaluators (shift.ts), each against an independent route: the notes' reference values (§3b),
 * exact fractions, the direct second-moment formula, Monte Carlo on the sampler (4-5 SE), the token
 * formulation of the layer, and finite differences of the population loss.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { initTf, tf } from "../../../lib/core/tf";
import { NormalStream } from "../../../lib/core/normal";
import { diagMatrix, diagOf, eye, inverse, matMul, maxAbsDiff, scaleMatrix, trace, type Matrix } from "../../../lib/core/linalg";
import { exponentialMoments, gammaSigma, riskGD } from "../../../lib/topics/icl/closed-forms";
import { formatFraction } from "../../../lib/topics/icl/exact";
import { buildTokens, lsaForward, paramsToTensors, disposeLsaTensors } from "../../../lib/topics/icl/lsa";
import { fitPreconditionerMC } from "../../../lib/topics/icl/monte-carlo";
import { gdPredictor, lsaPredictor, olsPredictor } from "../../../lib/topics/icl/predictors";
import { reduceLSA } from "../../../lib/topics/icl/reduce";
import { evaluateMC, shiftQueries } from "../../../lib/topics/icl/shift";
import { batchTensors, sampleTasks, type TaskSpec } from "../../../lib/topics/icl/tasks";
import { initParams, trainLSA } from "../../../lib/topics/icl/train";
import {
  fromZhangCoordinates,
  gdRiskFixedTask,
  spectralNorm,
  thm42Error,
  thm42FixedTask,
  thm42RandomTask,
  zhangCoordinates,
  zhangGamma,
  zhangGammaInverseExact,
  zhangGlobalMin,
  zhangInitCondition,
  zhangIsoError,
  zhangIsoErrorExact,
  zhangLoss,
  zhangRandomCov,
} from "../../../lib/topics/icl/zhang";
import { flowDerivative, flowDifference, integrateZhangFlow } from "../../../lib/topics/icl/zhang-flow";

function within(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (|diff| ${Math.abs(actual - expected)} > ${tol})`);
}

test("Γ and the Thm 4.1 minimum: notes Z1/Z2 values, exact fractions, balanced factors", () => {
  // Z1: Λ = diag(.25, .5, 1, 2), N = 12 → Γ⁻¹ = diag(1.7143, 1.1707, 0.7164, 0.4034)
  const z1 = zhangGlobalMin({ Lambda: [0.25, 0.5, 1, 2], N: 12 });
  [1.7143, 1.1707, 0.7164, 0.4034].forEach((v, i) => within(z1.G[i]![i]!, v, 1e-4, `Z1 Γ⁻¹_${i}`));
  assert.deepEqual(zhangGammaInverseExact({ Lambda: ["1/4", "1/2", 1, 2], N: 12 }).map(formatFraction), [
    "12/7",
    "48/41",
    "48/67",
    "48/119",
  ]);
  // Γ = gammaSigma at σ = 0, and (1+1/N)Λ + tr Λ/N I by hand
  assert.ok(maxAbsDiff(zhangGamma({ Lambda: [0.5, 1, 2], N: 10 }), diagMatrix([0.9, 1.45, 2.55])) < 1e-12);
  // Z2: d = 3, N = 10, Λ = diag(.5, 1, 2): u* = 1.1685, U* diag (0.9509, 0.5902, 0.3356), init condition 1.10 at σ = 0.5
  const z2 = zhangGlobalMin({ Lambda: [0.5, 1, 2], N: 10 });
  within(z2.u, 1.1685, 1e-4, "u*");
  [0.9509, 0.5902, 0.3356].forEach((v, i) => within(z2.U[i]![i]!, v, 1e-4, `U*_${i}`));
  within(zhangInitCondition({ Lambda: [0.5, 1, 2], N: 10, sigma: 0.5 }), 0.25 * 2.55 * Math.sqrt(3), 1e-12, "σ²‖Γ‖√d");
  // balanced: u² = ‖U‖²_F, uU = Γ⁻¹, and the merged matrices reduce to Γ_eff = Γ⁻¹ with a_x = b_y = 0
  within(z2.u, Math.sqrt(trace(matMul(z2.U, z2.U))), 1e-12, "u = ‖U‖_F (balanced: u² − ‖U‖²_F = 0)");
  const red = reduceLSA(z2.params, { includeQuery: true });
  assert.ok(maxAbsDiff(red.gammaEff, z2.G) < 1e-12);
  assert.equal(red.axNorm, 0);
  assert.equal(red.byNorm, 0);
  const back = zhangCoordinates(fromZhangCoordinates({ U: z2.U, u: z2.u }));
  assert.equal(back.u, z2.u);
  assert.equal(back.offManifold, 0);
  // the Assumption 3.3 initialisation is on the manifold with u = σ and ‖U‖_F = σ
  const init = zhangCoordinates(initParams({ kind: "zhang", sigma: 0.5 }, 3, new Rng(4)));
  assert.equal(init.offManifold, 0);
  within(init.u, 0.5, 0, "u(0)");
  within(Math.sqrt(trace(matMul(init.U, init.U))), 0.5, 1e-12, "‖U(0)‖_F");
  // power iteration on a non-diagonal SPD matrix: [[2,1],[1,2]] has top eigenvalue 3
  within(
    spectralNorm([
      [2, 1],
      [1, 2],
    ]),
    3,
    1e-10,
    "spectral norm",
  );
});

test("the global minimum through the token layer: ŷ = x_qᵀΓ⁻¹(1/M)Σ y_i x_i on prompts of any length M (eq. 4.2)", async () => {
  await initTf();
  const Lambda = [0.5, 1, 2];
  const opt = zhangGlobalMin({ Lambda, N: 10 });
  for (const M of [4, 25]) {
    const batch = sampleTasks({ d: 3, n: M, x: { kind: "gauss", Lambda }, w: { kind: "iso" }, sigma2: 0.3 }, 64, new Rng(M));
    const t = batchTensors(batch);
    const E = buildTokens(t.X, t.y, t.xq);
    const p = paramsToTensors(opt.params);
    const { tokens, yhat } = lsaForward(p, E, { includeQuery: true, normalize: "n", readout: "plus" });
    const got = yhat.dataSync();
    const want = gdPredictor({ G: opt.G })(batch);
    let err = 0;
    let scale = 0;
    for (let b = 0; b < 64; b++) {
      err = Math.max(err, Math.abs(got[b]! - want[b]!));
      scale = Math.max(scale, Math.abs(want[b]!));
    }
    assert.ok(err <= 1e-5 * scale, `M = ${M}: token layer vs GD(Γ⁻¹): ${err} (scale ${scale})`);
    tf.dispose([tokens, yhat, E, t.X, t.y, t.xq, t.yq]);
    disposeLsaTensors(p);
  }
});

test("Thm 4.2 equals the direct second-moment risk for fixed tasks, and its w-average for random tasks", () => {
  const Lambda = [0.25, 0.5, 1, 2];
  const L = diagMatrix(Lambda);
  const N = 12;
  const G = inverse(zhangGamma({ Lambda, N }));
  for (const [w, sigma2, M] of [
    [[1, -2, 0.5, 3], 0, 7],
    [[0.3, 0.1, -1, 2], 0.7, 40],
  ] as [number[], number, number][]) {
    const thm = thm42FixedTask({ Lambda, N, M, w, sigma2 });
    within(thm.total, gdRiskFixedTask({ Lambda, G, M, w, sigma2 }), 1e-10 * thm.total, `fixed w, M = ${M}`);
    within(thm.best, sigma2, 0, "best linear error");
  }
  // random w ~ N(0, I): riskGD (Wishart moments of one-step-gd) with n = M
  for (const M of [3, 12, 100]) {
    const avg = thm42RandomTask({ Lambda, N, M });
    within(avg.total, riskGD(G, { Lambda, Omega: eye(4), n: M }), 1e-10, `random w, M = ${M}`);
  }
  // the general form with a = w, Σ = Cov(xy) given by hand (σ = 0, Λ = I, w = e₁·2): Σ = 4I + 4e₁e₁ᵀ
  const gen = thm42Error({
    Lambda: [1, 1],
    N: 5,
    M: 10,
    a: [2, 0],
    Sigma: [
      [8, 0],
      [0, 4],
    ],
    best: 0,
  });
  within(gen.total, thm42FixedTask({ Lambda: [1, 1], N: 5, M: 10, w: [2, 0] }).total, 1e-12, "general vs fixed-task form");
  void L;
});

test("isotropic Thm 4.2: notes Z4/Z5 values, the exact fraction, and d(d+1)/(N+d+1) at M = N", () => {
  // d = 5, N = 20: M = 5 → 3.8166, M = 20 → 1.1538, M = 80 → 0.4882
  within(zhangIsoError({ d: 5, N: 20, M: 5 }), 3.8166, 1e-4, "M = 5");
  within(zhangIsoError({ d: 5, N: 20, M: 20 }), 1.1538, 1e-4, "M = 20");
  within(zhangIsoError({ d: 5, N: 20, M: 80 }), 0.4882, 1e-4, "M = 80");
  assert.equal(formatFraction(zhangIsoErrorExact({ d: 5, N: 20, M: 20 })), "15/13");
  for (const N of [7, 10, 40, 80]) {
    within(zhangIsoError({ d: 5, N, M: N }), 30 / (N + 6), 1e-12, `M = N = ${N}`);
    within(thm42RandomTask({ Lambda: [1, 1, 1, 1, 1], N, M: 3 }).total, zhangIsoError({ d: 5, N, M: 3 }), 1e-12, "general vs iso");
  }
});

test("Thm 4.2 against Monte Carlo: GD(Γ⁻¹) on fresh prompts of length M, random and fixed tasks (4 SE)", () => {
  const Lambda = [0.5, 1, 2];
  const N = 10;
  const G = zhangGlobalMin({ Lambda, N }).G;
  const spec = (M: number): TaskSpec => ({ d: 3, n: M, x: { kind: "gauss", Lambda }, w: { kind: "iso" } });
  for (const M of [5, 40]) {
    const r = evaluateMC(spec(M), { opt: gdPredictor({ G }) }, { tasks: 60_000, rng: new Rng(10 + M) }).opt!;
    const th = thm42RandomTask({ Lambda, N, M }).total;
    assert.ok(Math.abs(r.mse - th) <= 4 * r.mseSe, `random w, M = ${M}: MC ${r.mse} ± ${r.mseSe} vs ${th}`);
  }
  const w = [2, -1, 1];
  const r = evaluateMC(
    { d: 3, n: 20, x: { kind: "gauss", Lambda }, w: { kind: "fixed", w }, sigma2: 0.5 },
    { opt: gdPredictor({ G }) },
    { tasks: 60_000, rng: new Rng(3) },
  ).opt!;
  const th = thm42FixedTask({ Lambda, N, M: 20, w, sigma2: 0.5 }).total;
  assert.ok(Math.abs(r.mse - th) <= 4 * r.mseSe, `fixed w: MC ${r.mse} ± ${r.mseSe} vs ${th}`);
  // (4.3): the slope of ŷ on ⟨w, x_q⟩ for Λ = I is 1/γ
  const iso = evaluateMC(
    { d: 3, n: 30, x: { kind: "gauss" }, w: { kind: "fixed", w } },
    { opt: gdPredictor({ G: zhangGlobalMin({ Lambda: [1, 1, 1], N }).G }) },
    { tasks: 40_000, rng: new Rng(5) },
  ).opt!;
  within(iso.slope, 1 / 1.4, 4 * iso.slopeSe, "slope 1/γ");
});

test("Thm 4.5: the random-covariance scalar (notes Z8: 2/7 at d = 5, N = 20; → 1/3) and its Monte Carlo fit", () => {
  const th = zhangRandomCov({ N: 20, d: 5, ...exponentialMoments(1) });
  within(th.G, 2 / 7, 1e-12, "G");
  within(th.limit, 1 / 3, 1e-12, "N → ∞");
  within(th.slopeQueryFromLambda, 4 / 7, 1e-12, "slope with x_q ~ N(0, Λ_new)");
  within(zhangRandomCov({ N: 1e9, d: 5, ...exponentialMoments(1) }).G, 1 / 3, 1e-8, "large N");
  const fit = fitPreconditionerMC({ d: 3, n: 10, x: { kind: "gaussDiagRandom" }, w: { kind: "iso" } }, { tasks: 200_000, rng: new Rng(8) });
  const g = zhangRandomCov({ N: 10, d: 3, ...exponentialMoments(1) }).G;
  diagOf(fit.G).forEach((v, i) => assert.ok(Math.abs(v - g) <= 5 * fit.se[i]![i]!, `fit G_${i}: ${v} ± ${fit.se[i]![i]} vs ${g}`));
});

test("Lemma 5.2 flow: its right-hand side is −∇ℓ (finite differences), RK4 converges at order 4, u² − ‖U‖² is conserved", () => {
  const Lambda = [0.5, 1, 2];
  const N = 10;
  const L = diagMatrix(Lambda);
  const GL = matMul(zhangGamma({ Lambda, N }), L);
  const L2 = matMul(L, L);
  const U: Matrix = [
    [0.3, 0.1, -0.2],
    [0.05, 0.4, 0.1],
    [-0.1, 0.2, 0.25],
  ];
  const u = 0.7;
  const d = flowDerivative({ U, u }, GL, L, L2);
  const loss = (UU: Matrix, uu: number) => zhangLoss({ Lambda, N }, scaleMatrix(UU, uu));
  const h = 1e-6;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const P = U.map((r) => r.slice());
      const Mn = U.map((r) => r.slice());
      P[i]![j]! += h;
      Mn[i]![j]! -= h;
      within(-(loss(P, u) - loss(Mn, u)) / (2 * h), d.U[i]![j]!, 1e-7, `dU/dt[${i}][${j}]`);
    }
  within(-(loss(U, u + h) - loss(U, u - h)) / (2 * h), d.u, 1e-7, "du/dt");
  // the population loss is ½ riskGD of G = uU (an independent formula)
  within(loss(U, u), 0.5 * riskGD(scaleMatrix(U, u), { Lambda, Omega: eye(3), n: N }), 1e-12, "ℓ + ½trΛ");

  const start = zhangCoordinates(initParams({ kind: "zhang", sigma: 0.5 }, 3, new Rng(1)));
  const times = [0, 1, 2, 5, 10];
  const run = (dt: number, method: "rk4" | "euler") => integrateZhangFlow({ Lambda, N, start, dt, times, method });
  const ref = run(0.0025, "rk4");
  const e1 = flowDifference(run(0.04, "rk4"), ref);
  const e2 = flowDifference(run(0.02, "rk4"), ref);
  assert.ok(e1 / e2 > 12 && e1 / e2 < 20, `RK4 error ratio on halving ${e1 / e2} (order 4 gives 16)`);
  const eu1 = flowDifference(run(0.02, "euler"), ref);
  const eu2 = flowDifference(run(0.01, "euler"), ref);
  assert.ok(eu1 / eu2 > 1.8 && eu1 / eu2 < 2.2, `Euler error ratio ${eu1 / eu2} (order 1 gives 2)`);
  for (const p of ref.points) within(p.balance, 0, 1e-10, `u² − ‖U‖² at t = ${p.t}`);
  const long = integrateZhangFlow({ Lambda, N, start, dt: 0.01, times: [60], method: "rk4" }).points[0]!;
  assert.ok(long.distance < 1e-8, `uU → Γ⁻¹ by t = 60: ${long.distance}`);
  within(long.u, zhangGlobalMin({ Lambda, N }).u, 1e-8, "u(∞)");
  assert.throws(() => integrateZhangFlow({ Lambda, N, start, dt: 0, times }), /dt must be a positive/);
});

test("SGD on the full LSA from the balanced init follows the flow (small steps, large batches)", async () => {
  await initTf();
  const Lambda = [0.5, 1, 2];
  const init = initParams({ kind: "zhang", sigma: 0.5 }, 3, new Rng(1));
  const c = zhangCoordinates(init);
  // h = 0.05 is too large: the off-manifold blocks (a_x, b_y) have a stiffer curvature than (U, u) and drift
  const h = 0.02;
  const steps = 100;
  const r = trainLSA({
    spec: { d: 3, n: 10, x: { kind: "gauss", Lambda }, w: { kind: "iso" } },
    steps,
    batch: 4096,
    rng: new Rng(2),
    lr: h,
    optimizer: "sgd",
    init: { kind: "params", params: init },
    includeQuery: true,
    checkpoints: [steps],
  });
  const flow = integrateZhangFlow({ Lambda, N: 10, start: c, dt: h, times: [steps * h], method: "euler" }).points[0]!;
  const G = r.checkpoints[0]!.reduction!.gammaEff;
  const fro = Math.sqrt(flow.G.flat().reduce((s, v) => s + v * v, 0));
  const diff = Math.sqrt(G.flat().reduce((s, v, k) => s + (v - flow.G.flat()[k]!) ** 2, 0)) / fro;
  assert.ok(diff < 0.03, `SGD vs Euler flow at t = ${steps * h}: ${diff}`);
  // and it moved: the flow itself travelled much further than that
  assert.ok(flow.distance < 0.7 * relStart(c, Lambda), "the flow moved toward Γ⁻¹");
  assert.throws(
    () =>
      trainLSA({
        spec: { d: 2, n: 4, x: { kind: "gauss" }, w: { kind: "iso" } },
        steps: 1,
        batch: 2,
        rng: new Rng(1),
        optimizer: "sgdx" as "sgd",
      }),
    /optimizer must be/,
  );
});

function relStart(c: { U: Matrix; u: number }, Lambda: number[]): number {
  return integrateZhangFlow({ Lambda, N: 10, start: c, dt: 0.01, times: [0] }).points[0]!.distance;
}

test("shiftQueries: orthogonal queries are orthogonal and give ŷ = 0 for an isotropic GD layer; Gaussian queries rescale", () => {
  const spec: TaskSpec = { d: 5, n: 3, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.2 };
  const batch = sampleTasks(spec, 200, new Rng(3));
  const s = shiftQueries(batch, { kind: "orthogonal" }, new NormalStream(new Rng(4)));
  let maxDot = 0;
  for (let b = 0; b < 200; b++)
    for (let i = 0; i < 3; i++) {
      let dot = 0;
      let nx = 0;
      let nq = 0;
      for (let j = 0; j < 5; j++) {
        dot += s.X[(b * 3 + i) * 5 + j]! * s.xq[b * 5 + j]!;
        nx += s.X[(b * 3 + i) * 5 + j]! ** 2;
        nq += s.xq[b * 5 + j]! ** 2;
      }
      maxDot = Math.max(maxDot, Math.abs(dot) / Math.sqrt(nx * nq));
    }
  assert.ok(maxDot < 1e-6, `cos(x_i, x_q) ≤ ${maxDot}`);
  // labels follow the new query; the noise is kept
  for (let b = 0; b < 5; b++) {
    let f = 0;
    for (let j = 0; j < 5; j++) f += s.w[b * 5 + j]! * s.xq[b * 5 + j]!;
    within(s.fq[b]!, f, 1e-5, "f(x_q)");
    within(s.yq[b]! - s.fq[b]!, batch.yq[b]! - batch.fq[b]!, 1e-5, "noise kept");
  }
  const yhat = lsaPredictor(reduceLSA(zhangGlobalMin({ Lambda: [1, 1, 1, 1, 1], N: 20 }).params, { includeQuery: true }), {
    includeQuery: true,
  })(s);
  assert.ok(Math.max(...Array.from(yhat, Math.abs)) < 1e-5, "ŷ = 0 for Γ⁻¹ ∝ I");
  // an anisotropic G does not give 0
  const aniso = gdPredictor({ G: diagMatrix([1, 0.5, 2, 1, 1]) })(s);
  assert.ok(Math.max(...Array.from(aniso, Math.abs)) > 0.1);
  assert.throws(
    () => shiftQueries(sampleTasks({ ...spec, n: 5 }, 2, new Rng(1)), { kind: "orthogonal" }, new NormalStream(new Rng(1))),
    /n < d/,
  );
  const g = shiftQueries(batch, { kind: "gauss", scale: [2, 2, 2, 2, 2] }, new NormalStream(new Rng(5)));
  const rms = Math.sqrt(Array.from(g.xq).reduce((a, v) => a + v * v, 0) / g.xq.length);
  within(rms, 2, 0.15, "scaled queries");
});

test("evaluateMC: OLS slope 1 under covariate scaling, GD(Γ⁻¹) slope c²/γ (4 SE), MSE matches riskMC conventions", () => {
  const d = 3;
  const N = 10;
  const G = zhangGlobalMin({ Lambda: [1, 1, 1], N }).G;
  const c = 2;
  const r = evaluateMC(
    { d, n: 60, x: { kind: "gauss", Lambda: [c * c, c * c, c * c] }, w: { kind: "iso" } },
    { lsa: gdPredictor({ G }), ols: olsPredictor() },
    { tasks: 20_000, rng: new Rng(6) },
  );
  within(r.ols!.slope, 1, 1e-4, "OLS slope");
  within(r.lsa!.slope, (c * c) / 1.4, 4 * r.lsa!.slopeSe, "LSA slope c²/γ");
  within(r.ols!.mse, 0, 1e-6, "OLS noiseless");
  assert.throws(
    () => evaluateMC({ d, n: 5, x: { kind: "gauss" }, w: { kind: "iso" } }, {}, { tasks: 10, rng: new Rng(1) }),
    /at least one predictor/,
  );
  void gammaSigma;
});
