/**
 * A passing and a failing fixture for every claim of the icl-algorithms study (claims.ts): the
 * verdict must follow the evidence, and a result that contradicts the paper must not pass.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { claimA1, claimA2, claimA3, claimA4, claimA5, claimA6 } from "../../../lib/studies/icl-algorithms/claims";
import type { DistanceToOls, MetricIdentities, RidgeScan, RiskResult } from "../../../lib/studies/icl-algorithms/experiments/baselines";
import type { PhaseStudy, RunAnalysis } from "../../../lib/studies/icl-algorithms/experiments/phases";

const risk = (mse: number, theory: number, n = 4): RiskResult => ({ label: "x", d: 8, n, sigma2: 0, tasks: 1e5, mse, se: 0.01, theory });

test("A1/A2: pass at the closed form, fail 10% away", () => {
  assert.equal(claimA1(risk(4.01, 4)).verdict, "reproduced");
  assert.equal(claimA1(risk(4.4, 4)).verdict, "not reproduced");
  assert.equal(claimA2(risk(0.679, 0.6786, 20)).verdict, "reproduced");
  assert.equal(claimA2(risk(0.75, 0.6786, 20)).verdict, "not reproduced");
});

function scan(best: number): RidgeScan {
  const lambdas = [0.0625, 0.125, 0.25, 0.5, 1, 2];
  // per-task errors: a common part plus a λ-dependent offset, minimal at `best`
  const errors = lambdas.map((l) =>
    Array.from({ length: 200 }, (_, t) => 1 + ((t * 37) % 11) / 10 + 0.05 * Math.abs(Math.log2(l / best)) + ((t * 13) % 7) / 1000),
  );
  const mse = errors.map((e) => e.reduce((a, b) => a + b, 0) / e.length);
  return { d: 4, n: 6, tau2: 2, sigma2: 0.5, tasks: 200, lambdas, mse, se: mse.map(() => 0.01), bayes: 0.25, errors };
}

test("A3: pass when the Bayes λ minimises, fail otherwise", () => {
  assert.equal(claimA3(scan(0.25)).verdict, "reproduced");
  assert.equal(claimA3(scan(1)).verdict, "not reproduced");
});

test("A4: pass on identical ILWDs, fail when the probe fit is off", () => {
  const ok: MetricIdentities = { prefixes: [1, 3], viaProbes: [0.2, 0.1], exact: [0.2, 0.1], selfSpd: [0, 0] };
  assert.ok(claimA4(ok).parts.every((p) => p.pass));
  const bad: MetricIdentities = { ...ok, viaProbes: [0.2, 0.11] };
  assert.ok(!claimA4(bad).parts.every((p) => p.pass));
  assert.equal(claimA4(ok).kind, "check");
});

test("A6: pass when k-NN is ≥ 2x further, fail when it is comparable", () => {
  const rows = (knn: number): DistanceToOls[] => [
    { name: "3-NN", mspd: knn, se: 0.01 },
    { name: "3-NN (weighted)", mspd: knn * 0.9, se: 0.01 },
    { name: "GD(α*)", mspd: 0.2, se: 0.01 },
    { name: "ridge(λ=0.5)", mspd: 0.1, se: 0.01 },
  ];
  assert.equal(claimA6(rows(0.8)).verdict, "reproduced");
  assert.equal(claimA6(rows(0.3)).verdict, "not reproduced");
});

const curve = (v: number, n: number) => ({ mean: Array.from({ length: n }, () => v), se: Array.from({ length: n }, () => 0) });
function run(layers: number, seed: number, m: Record<string, number>): RunAnalysis {
  const jitter = 1 + 0.05 * (seed - 2);
  const mspd = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { mean: v * jitter, se: 0.001 }]));
  return {
    layers,
    seed,
    label: `L=${layers} seed ${seed}`,
    lossCurve: [4, 2],
    lossEvery: 50,
    spd: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, curve(v, 10)])),
    mspd,
    error: curve(1, 10),
    ilwd: Object.fromEntries(["GD(α*)", "ridge(λ=0.5)", "OLS"].map((k) => [k, curve(m[k]!, 3)])),
    r2: [1, 1, 1],
  };
}
function study(bySize: Record<number, Record<string, number>>): PhaseStudy {
  const runs = Object.entries(bySize).flatMap(([L, m]) => [1, 2, 3].map((s) => run(Number(L), s, m)));
  return {
    job: {
      d: 4,
      n: 10,
      sigma2: 0,
      width: 32,
      heads: 4,
      steps: 500,
      batch: 64,
      lr: 2e-3,
      warmup: 50,
      evalSeed: 1,
      evalTasks: 1000,
      probeTasks: 200,
      probeK: 8,
      prefixes: [1, 2, 3],
    },
    runs,
    sizes: Object.keys(bySize).map(Number),
    referenceError: {},
  };
}

test("A5: the paper's phases pass; every size closest to GD fails the headline", () => {
  const paperLike = study({
    1: { "GD(α*)": 0.01, "ridge(λ=0.5)": 0.05, OLS: 0.1, "3-NN": 0.5 },
    2: { "GD(α*)": 0.05, "ridge(λ=0.5)": 0.03, OLS: 0.06, "3-NN": 0.5 },
    4: { "GD(α*)": 0.1, "ridge(λ=0.5)": 0.02, OLS: 0.03, "3-NN": 0.5 },
  });
  assert.equal(claimA5(paperLike).verdict, "reproduced");
  const allGd = study({
    1: { "GD(α*)": 0.01, "ridge(λ=0.5)": 0.05, OLS: 0.1, "3-NN": 0.5 },
    2: { "GD(α*)": 0.01, "ridge(λ=0.5)": 0.04, OLS: 0.09, "3-NN": 0.5 },
    4: { "GD(α*)": 0.01, "ridge(λ=0.5)": 0.03, OLS: 0.08, "3-NN": 0.5 },
  });
  assert.equal(claimA5(allGd).verdict, "not reproduced");
});
