/**
 * The study-level experiment functions and figure specs at toy sizes: they run, return what the
 * notebook reads, agree with the closed forms where those are exact, and build figures without
 * NaN. (The full-scale numbers are the notebook's claims.)
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../lib/core/tf";
import { etaStarIso, riskStarIso } from "../lib/icl/closedForms";
import {
  checkConstruction,
  diagSpread,
  gdMonteCarloTable,
  maxDiagRelErr,
  nonlinearStudy,
  preconditionerStudy,
  sigmaSweep,
  trainAndEvaluate,
} from "../lib/icl/experiments";
import { gammaHeatmapFigure, lossCurvesFigure, nonlinearFigure, preconditionerFigure, stepVsSigmaFigure } from "../lib/icl/figures";
import { diagMatrix } from "../lib/icl/linalg";
import { gdPredictor } from "../lib/icl/predictors";
import { constructionTable, gdMonteCarloTableHtml, nonlinearTable, preconditionerTable, sigmaTable, trainedTable } from "../lib/icl/tables";
import { logCheckpoints } from "../lib/icl/train";

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

test("checkConstruction: float32 layer = GD to ~1e-7", () => {
  const before = tf.memory().numTensors;
  const c = checkConstruction({ d: 3, n: 6, sigma2: 0.2, tasks: 300, seed: 1 });
  assert.ok(c.predRelErr < 1e-5 && c.predRelErrW0zero < 1e-5 && c.tokenRelErr < 1e-5, JSON.stringify(c));
  assert.equal(c.gammaEffErr, 0);
  assert.equal(tf.memory().numTensors, before);
  assert.match(constructionTable(c), /<table>/);
});

test("gdMonteCarloTable: rows carry the closed forms and estimates with standard errors", () => {
  const rows = gdMonteCarloTable([{ d: 3, n: 8, sigma2: 0.5 }], { etaTasks: 20_000, riskTasks: 20_000, seed: 2 });
  assert.equal(rows[0]!.etaClosed, etaStarIso(8, 3, 0.5));
  assert.equal(rows[0]!.riskClosed, riskStarIso(8, 3, 0.5));
  assert.ok(Math.abs(rows[0]!.etaMC - rows[0]!.etaClosed) < 5 * rows[0]!.etaSE);
  assert.ok(Math.abs(rows[0]!.riskMC - rows[0]!.riskClosed) < 5 * rows[0]!.riskSE);
  assert.match(gdMonteCarloTableHtml(rows), /<td>0\.64<\/td>/); // η* = 8/12.5
});

test("trainAndEvaluate / sweeps / nonlinear study at toy size, with tables and figure specs", () => {
  const spec = { d: 3, n: 8, x: { kind: "gauss" as const }, w: { kind: "iso" as const }, sigma2: 0.5 };
  const eta = etaStarIso(8, 3, 0.5);
  const run = trainAndEvaluate({ ...tiny, spec, seed: 3, reference: gdPredictor({ eta }), label: "toy", progress: false });
  assert.equal(run.diag.length, 3);
  assert.ok(run.nuisanceInit > run.nuisanceFinal, "training reduces the nuisance share");
  assert.ok(run.checkpoints.length >= 8 && run.checkpoints.every((c) => Number.isFinite(c.evalLoss)));
  // paired difference is consistent with the two MSEs
  assert.ok(Math.abs(run.risk.lsa.mse - run.risk.reference.mse - run.risk.diff) < 1e-9);
  assert.match(trainedTable([run], diagMatrix([eta, eta, eta])), /toy/);

  const rows = sigmaSweep({ d: 3, n: 8, sigma2s: [0, 1], etaTasks: 5000, seed: 4, seeds: [5], train: tiny, reuse: { sigma2: 1, runs: [run] } });
  assert.equal(rows[1]!.trained[0], run, "reuse returns the given runs");
  assert.equal(rows[0]!.closed, etaStarIso(8, 3, 0));
  assert.match(sigmaTable(rows), /<table>/);

  const pre = preconditionerStudy({ Sigma: [0.5, 2], n: 6, sigma2: 0.1, prior: "invCov", fitTasks: 20_000, seed: 6, seeds: [7], train: tiny });
  assert.ok(maxDiagRelErr(pre.fit.G, pre.etaSigmaInv) < 0.1, "fit near η*Σ⁻¹ even at 2e4 tasks");
  assert.match(preconditionerTable([pre]), /N\(0, Σ⁻¹\)/);

  const nl = nonlinearStudy({ name: "tanh", spec: { d: 3, n: 8, x: { kind: "gauss" }, w: { kind: "iso" }, teacher: { kind: "tanh" } }, etaTasks: 20_000, fitTasks: 20_000, seed: 8, seeds: [9], train: tiny });
  assert.ok(nl.etaMC > 0 && nl.zeroRisk > 0 && diagSpread(nl.fit.G) >= 0);
  assert.match(nonlinearTable([nl]), /tanh/);

  const figs = [
    gammaHeatmapFigure(run.gammaEff, eta, "t"),
    lossCurvesFigure([run], [{ name: "GD", value: 0.5 * riskStarIso(8, 3, 0.5) }], "t"),
    stepVsSigmaFigure(rows, (s) => etaStarIso(8, 3, s), "t"),
    preconditionerFigure([pre], "t"),
    nonlinearFigure([nl], "t"),
  ];
  for (const f of figs) {
    assert.ok(Array.isArray(f.data) && f.data.length > 0);
    assertFinite(f);
  }
});

test("logCheckpoints: 0, log-spaced, the last step; validated", () => {
  assert.deepEqual(logCheckpoints(100, 1), [0, 1, 10, 100]);
  assert.deepEqual(logCheckpoints(25, 3), [0, 1, 2, 5, 10, 22, 25]);
  assert.deepEqual(logCheckpoints(0), [0]);
  assert.throws(() => logCheckpoints(-1), /non-negative integer/);
});
