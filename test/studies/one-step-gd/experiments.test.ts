/**
 * The study's experiment functions, table rows and figure specs at toy sizes: they return what the
 * notebook and the claims read, agree with the closed forms where those are exact, and build
 * figures without NaN. (The full-scale numbers are the notebook's claims.)
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { etaStar, riskStar } from "../../../lib/topics/icl/closed-forms";
import { diagSpread, maxDiagRelErr } from "../../../lib/topics/icl/metrics";
import { logCheckpoints } from "../../../lib/topics/icl/train";
import {
  constructionRows,
  gammaEffHeatmapFigure,
  lossCurvesFigure,
  noiseSweepRows,
  nonlinearRows,
  nonlinearTeacherFigure,
  optimalStepRows,
  pooledSd,
  preconditionerFigure,
  preconditionerRows,
  runConstruction,
  runNoiseSweep,
  runNonlinear,
  runOptimalStep,
  runPreconditioner,
  runStalls,
  runTraining,
  stepVsNoiseFigure,
  trainedRows,
} from "../../../lib/studies/one-step-gd";

before(async () => {
  await initTf({ quiet: true });
});

const tiny = { steps: 40, batch: 128, lr: 0.02, evalTasks: 256, riskTasks: 2000, nuisanceTasks: 500 };

/** Throws if any number in a figure spec is not finite (the renderer would reject it too). */
function assertFinite(x: unknown, where = "fig"): void {
  if (typeof x === "number") assert.ok(Number.isFinite(x), `${where} is ${x}`);
  else if (Array.isArray(x)) x.forEach((v, i) => assertFinite(v, `${where}[${i}]`));
  else if (x && typeof x === "object") Object.entries(x).forEach(([k, v]) => assertFinite(v, `${where}.${k}`));
}

test("runConstruction: float32 layer = GD to ~1e-7, no leaked tensors, rows carry the errors", () => {
  const before = tf.memory().numTensors;
  const c = runConstruction({ d: 3, n: 6, sigma2: 0.2, tasks: 300, seed: 1 });
  assert.ok(c.predRelErr < 1e-5 && c.predRelErrW0zero < 1e-5 && c.tokenRelErr < 1e-5, JSON.stringify(c));
  assert.equal(c.gammaEffErr, 0);
  assert.equal(tf.memory().numTensors, before);
  const rows = constructionRows(c);
  assert.equal(rows.find((r) => r.quantity === "same, W₀ = 0")!.value, c.predRelErrW0zero);
});

test("runOptimalStep: closed forms, exact fractions and estimates with standard errors", () => {
  const result = runOptimalStep([{ d: 3, n: 8, sigma2: 0.5 }], { etaTasks: 20_000, riskTasks: 20_000, seed: 2 });
  const r = result.rows[0]!;
  assert.ok(result.symbolic.rootMatches && result.symbolic.riskMatches && result.symbolic.convex);
  assert.equal(r.etaClosed, etaStar({ n: 8, d: 3, sigma2: 0.5 }));
  assert.equal(r.etaExact, "16/25"); // 8/12.5
  assert.equal(r.riskExact, "79/50"); // 3·4.5/12.5 + 0.5 = 1.08 + 0.5 = 1.58
  assert.equal(r.riskClosed, riskStar({ n: 8, d: 3, sigma2: 0.5 }));
  assert.ok(Math.abs(r.etaMC - r.etaClosed) < 5 * r.etaSE);
  assert.ok(Math.abs(r.riskMC - r.riskClosed) < 5 * r.riskSE);
  const row = optimalStepRows(result)[0]!;
  assert.equal(row.eta_exact, "16/25");
  assert.equal(row.eta_mc_se, r.etaSE);
});

test("runTraining / runNoiseSweep / runPreconditioner / runNonlinear / runStalls at toy size", () => {
  const m3 = runTraining({ d: 3, n: 8, sigma2: 0.5, seeds: [3], train: { ...tiny } });
  const run = m3.runs[0]!;
  assert.equal(m3.eta, etaStar({ n: 8, d: 3, sigma2: 0.5 }));
  assert.equal(m3.riskZero, 3.5);
  assert.equal(run.diag.length, 3);
  assert.ok(run.nuisanceInit > run.nuisanceFinal, "training reduces the nuisance share");
  assert.ok(run.checkpoints.length >= 8 && run.checkpoints.every((c) => Number.isFinite(c.evalLoss)));
  // the paired difference is consistent with the two MSEs
  assert.ok(Math.abs(run.risk.lsa.mse - run.risk.reference.mse - run.risk.diff) < 1e-9);
  assert.equal(trainedRows(m3.runs, m3.target)[0]!.mse_lsa, run.risk.lsa.mse);

  const sweep = runNoiseSweep({
    d: 3,
    n: 8,
    sigma2s: [0, 0.5],
    etaTasks: 5000,
    seed: 4,
    seeds: [5, 6],
    train: tiny,
    reuse: { sigma2: 0.5, runs: m3.runs },
  });
  assert.equal(sweep.rows[1]!.trained[0], run, "reuse returns the given runs");
  assert.equal(sweep.rows[0]!.closed, etaStar({ n: 8, d: 3, sigma2: 0 }));
  assert.equal(sweep.seedSdDf, 1, "two seeds at σ² = 0, one reused run at σ² = 0.5");
  assert.equal(noiseSweepRows(sweep).length, 3);

  const pre = runPreconditioner({
    Sigma: [0.5, 2],
    n: 6,
    sigma2: 0.1,
    prior: "invCov",
    fitTasks: 20_000,
    seed: 6,
    seeds: [7],
    train: tiny,
  });
  assert.equal(pre.theory, pre.etaSigmaInv);
  assert.ok(maxDiagRelErr(pre.fit.G, pre.etaSigmaInv) < 0.1, "fit near η*Σ⁻¹ even at 2e4 tasks");
  assert.equal(preconditionerRows([pre]).length, 4, "2 coordinates x (fit + 1 seed)");

  const nl = runNonlinear({
    name: "tanh",
    spec: { d: 3, n: 8, x: { kind: "gauss" }, w: { kind: "iso" }, teacher: { kind: "tanh" } },
    etaTasks: 20_000,
    fitTasks: 20_000,
    seed: 8,
    seeds: [9],
    train: tiny,
  });
  assert.ok(nl.etaMC > 0 && nl.zeroRisk > 0);
  assert.ok(diagSpread(nl.fit.G) < 0.5, `a rotation-invariant teacher's fit is near c·I even at 2e4 tasks: spread ${diagSpread(nl.fit.G)}`);
  assert.equal(nonlinearRows([nl]).length, 2);

  const st = runStalls({ d: 2, n: 10, seeds: [61], train: tiny });
  assert.equal(st.runs.length, 1);
  assert.equal(st.stalled, st.runs.filter((r) => r.risk.lsa.mse > 1.5 * riskStar({ n: 10, d: 2 })).length);

  const figs = [
    gammaEffHeatmapFigure(run.gammaEff, m3.eta, "t"),
    lossCurvesFigure(m3.runs, [{ name: "GD", value: 0.5 * m3.riskGD }], "t"),
    stepVsNoiseFigure(sweep, (s) => etaStar({ n: 8, d: 3, sigma2: s }), "t"),
    preconditionerFigure([pre], "t"),
    nonlinearTeacherFigure([nl], "t"),
  ];
  for (const f of figs) {
    assert.ok(Array.isArray(f.data) && f.data.length > 0);
    assertFinite(f);
  }
});

test("pooledSd: hand-worked groups", () => {
  // groups (1, 3) and (2, 4, 6): SS = 2 + 8 = 10 over df = 1 + 2 = 3
  const r = pooledSd([[1, 3], [2, 4, 6], [5]]);
  assert.equal(r.df, 3);
  assert.ok(Math.abs(r.sd - Math.sqrt(10 / 3)) < 1e-15);
  assert.throws(() => pooledSd([[1], [2]]), /at least two values/);
});

test("logCheckpoints: 0, log-spaced, the last step; validated", () => {
  assert.deepEqual(logCheckpoints(100, 1), [0, 1, 10, 100]);
  assert.deepEqual(logCheckpoints(25, 3), [0, 1, 2, 5, 10, 22, 25]);
  assert.deepEqual(logCheckpoints(0), [0]);
  assert.throws(() => logCheckpoints(-1), /non-negative integer/);
});
