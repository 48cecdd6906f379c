/**
 * Every closed form of closed-forms.ts against Monte Carlo on the sampler, and against the
 * reference values of notes §6 / §2b / §3b. MC tolerances are 4-5 standard errors as reported by
 * the estimators (batch means), stated per assertion; they are far below the differences the
 * classic mistakes make (1/n vs 1/(n+1) conventions, forgetting tr Λ, the noise term: ≥ 3%).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import {
  etaSigmaInverse,
  etaStarIid,
  etaStar,
  etaStarRandomDiag,
  exponentialMoments,
  gammaSigma,
  optimalPreconditioner,
  riskGD,
  riskGDIid,
  riskOLS,
  riskStar,
  uniformMoments,
} from "../../../lib/topics/icl/closed-forms";
import { diagMatrix, eye, inverse, maxAbsDiff } from "../../../lib/core/linalg";
import { etaStarMC, fitPreconditionerMC, riskMC } from "../../../lib/topics/icl/monte-carlo";
import { gdPredictor, olsPredictor, ridgePredictor, zeroPredictor } from "../../../lib/topics/icl/predictors";
import type { TaskSpec } from "../../../lib/topics/icl/tasks";

function within(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (|diff| ${Math.abs(actual - expected)} > tol ${tol})`);
}

test("notes §6 / M1-M2 closed-form values", () => {
  const cases: [number, number, number, number, number][] = [
    // d, n, σ², η*, MSE*
    [5, 10, 0, 0.625, 1.875],
    [5, 20, 0.5, 0.7547, 1.7264],
    [10, 10, 0, 0.4762, 5.2381],
    [8, 40, 1, 0.8, 2.6],
  ];
  for (const [d, n, s2, eta, mse] of cases) {
    within(etaStar({ n, d, sigma2: s2 }), eta, 5e-5, `η*(${d},${n},${s2})`);
    within(riskStar({ n, d, sigma2: s2 }), mse, 5e-5, `MSE*(${d},${n},${s2})`);
  }
  within(0.5 * riskStar({ n: 20, d: 5, sigma2: 0.5 }), 0.8632, 5e-5, "M3 ½MSE");
  assert.throws(() => etaStar({ n: 0, d: 5 }), /context length n/);
  assert.throws(() => etaStar({ n: 10, d: 5, sigma2: -1 }), /sigma2/);
  // n and d go in by name: the swapped call is a different, valid number, which is why they are named
  assert.notEqual(etaStar({ n: 10, d: 5 }), etaStar({ n: 5, d: 10 }));
});

test("M1/M2 by Monte Carlo: ratio-formula η* and the GD risk at η* (4 settings)", () => {
  const cases: [number, number, number][] = [
    [5, 10, 0],
    [5, 20, 0.5],
    [10, 10, 0],
    [8, 40, 1],
  ];
  let seed = 100;
  for (const [d, n, sigma2] of cases) {
    const spec: TaskSpec = { d, n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2 };
    const eta = etaStar({ n, d, sigma2 });
    const mc = etaStarMC(spec, { tasks: 100_000, rng: new Rng(seed++) });
    // se ≈ 0.2-0.4% of η here; 5 se keeps false alarms < 1e-5
    within(mc.eta, eta, 5 * mc.se, `MC η* (${d},${n},${sigma2}) ± ${mc.se}`);
    assert.ok(mc.se < 0.005 * eta, `η* standard error ${mc.se} too large to test anything`);
    const r = riskMC(spec, { gd: gdPredictor({ eta }) }, { tasks: 100_000, rng: new Rng(seed++) });
    within(r.risks.gd!.mse, riskStar({ n, d, sigma2 }), 5 * r.risks.gd!.se, `MC MSE (${d},${n},${sigma2})`);
  }
});

test("riskGD(G) for an arbitrary preconditioner and anisotropic Λ matches Monte Carlo", () => {
  const Lambda = [0.5, 1, 2];
  const G = [
    [0.9, 0.2, -0.1],
    [0.1, 0.6, 0.05],
    [0, -0.2, 0.3],
  ];
  const spec: TaskSpec = { d: 3, n: 8, x: { kind: "gauss", Lambda }, w: { kind: "iso", tau2: 1.5 }, sigma2: 0.3 };
  const r = riskMC(spec, { gd: gdPredictor({ G }) }, { tasks: 200_000, rng: new Rng(7) });
  const exact = riskGD(G, { Lambda, Omega: [1.5, 1.5, 1.5], n: 8, sigma2: 0.3 });
  within(r.risks.gd!.mse, exact, 5 * r.risks.gd!.se, "riskGD vs MC");
  // the optimum is below any other G, and equals the Γ_σ⁻¹ closed form (notes §1.2)
  const opt = optimalPreconditioner({ Lambda, Omega: [1.5, 1.5, 1.5], n: 8, sigma2: 0.3 });
  assert.ok(opt.risk < exact);
  assert.ok(maxAbsDiff(opt.G, inverse(gammaSigma({ Lambda, n: 8, sigma2: 0.3, tau2: 1.5 }))) < 1e-12);
});

test("Γ_σ⁻¹ fixtures (notes §6 anisotropic row; Z1) and the least-squares preconditioner fit", () => {
  // notes §6: Λ = diag(.25,.5,1,2), N = 12, σ² = .7, τ² = 2: diag G* = 1.633, 1.132, 0.702, 0.399
  const Lambda = [0.25, 0.5, 1, 2];
  const G1 = inverse(gammaSigma({ Lambda, n: 12, sigma2: 0.7, tau2: 2 }));
  [1.633, 1.132, 0.702, 0.399].forEach((v, i) => within(G1[i]![i]!, v, 6e-4, `Γ_σ⁻¹[${i}][${i}]`));
  // Z1 (noiseless, τ = 1): 1.7143, 1.1707, 0.7164, 0.4034
  const G0 = inverse(gammaSigma({ Lambda, n: 12 }));
  [1.7143, 1.1707, 0.7164, 0.4034].forEach((v, i) => within(G0[i]![i]!, v, 6e-5, `Γ⁻¹[${i}][${i}]`));
  const spec: TaskSpec = { d: 4, n: 12, x: { kind: "gauss", Lambda }, w: { kind: "iso", tau2: 2 }, sigma2: 0.7 };
  const fit = fitPreconditionerMC(spec, { tasks: 150_000, rng: new Rng(8) });
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      within(fit.G[i]![j]!, G1[i]![j]!, 5 * fit.se[i]![j]! + 1e-3, `fitted G[${i}][${j}] ± ${fit.se[i]![j]}`);
    }
  }
});

test("M4: with w ~ N(0, Σ⁻¹) the optimum is η*Σ⁻¹ (no tr Σ), by algebra and by fit", () => {
  const Sigma = [0.25, 0.5, 1, 2];
  const target = etaSigmaInverse({ Sigma, n: 15, sigma2: 0.5 });
  [2.927, 1.463, 0.732, 0.366].forEach((v, i) => within(target[i]![i]!, v, 6e-4, `η*Σ⁻¹[${i}][${i}]`));
  const opt = optimalPreconditioner({ Lambda: Sigma, Omega: Sigma.map((s) => 1 / s), n: 15, sigma2: 0.5 });
  assert.ok(maxAbsDiff(opt.G, target) < 1e-12);
  within(opt.risk, riskStar({ n: 15, d: 4, sigma2: 0.5 }), 1e-12, "whitened risk equals the isotropic risk");
  const spec: TaskSpec = { d: 4, n: 15, x: { kind: "gauss", Lambda: Sigma }, w: { kind: "invCov" }, sigma2: 0.5 };
  const fit = fitPreconditionerMC(spec, { tasks: 150_000, rng: new Rng(9) });
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) within(fit.G[i]![j]!, target[i]![j]!, 5 * fit.se[i]![j]! + 1e-3, `fit[${i}][${j}]`);
});

test("uniform covariates (von Oswald data): η* = 6.0606 and ½MSE = 0.2062 (notes §6, V2, V2')", () => {
  const c = { n: 10, d: 10, ...uniformMoments(0.5) };
  within(etaStarIid(c), 6.0606, 5e-5, "η* U(-.5,.5)");
  within(0.5 * riskGDIid({ ...c, eta: etaStarIid(c) }), 0.2062, 5e-5, "½MSE at η*");
  within(0.5 * riskGDIid({ ...c, eta: 0 }), 0.4167, 5e-5, "½MSE of the zero predictor");
  const c1 = { n: 10, d: 10, ...uniformMoments(1) };
  within(etaStarIid(c1), 1.5152, 5e-5, "η* U(-1,1)");
  within(0.5 * riskGDIid({ ...c1, eta: etaStarIid(c1) }), 0.8249, 5e-5, "½MSE U(-1,1)");
  // Gaussian special case reduces to η* = N/(N+d+1+σ²/τ²)
  within(etaStarIid({ n: 20, d: 5, s: 1, mu4: 3, sigma2: 0.5 }), etaStar({ n: 20, d: 5, sigma2: 0.5 }), 1e-14, "Gaussian case");
  const spec: TaskSpec = { d: 10, n: 10, x: { kind: "uniform", halfWidth: 0.5 }, w: { kind: "iso" } };
  const mc = etaStarMC(spec, { tasks: 100_000, rng: new Rng(10) });
  within(mc.eta, 6.0606, 5 * mc.se, `MC η* uniform ± ${mc.se}`);
  const r = riskMC(spec, { gd: gdPredictor({ eta: 6.0606 }), zero: zeroPredictor() }, { tasks: 100_000, rng: new Rng(11) });
  within(0.5 * r.risks.gd!.mse, 0.2062, 5 * 0.5 * r.risks.gd!.se, "MC ½MSE uniform");
  within(0.5 * r.risks.zero!.mse, 0.4167, 5 * 0.5 * r.risks.zero!.se, "MC ½MSE zero");
});

test("random Exponential diagonal covariances (Z8): scalar step 2/7 by formula and by Monte Carlo", () => {
  const m = exponentialMoments(1);
  const { eta, risk } = etaStarRandomDiag({ n: 20, d: 5, ...m });
  within(eta, 0.2857, 5e-5, "Z8 closed form");
  const spec: TaskSpec = { d: 5, n: 20, x: { kind: "gaussDiagRandom" }, w: { kind: "iso" } };
  const mc = etaStarMC(spec, { tasks: 100_000, rng: new Rng(12) });
  within(mc.eta, eta, 5 * mc.se, `MC ratio ± ${mc.se}`);
  const r = riskMC(spec, { gd: gdPredictor({ eta }) }, { tasks: 100_000, rng: new Rng(13) });
  within(r.risks.gd!.mse, risk, 5 * r.risks.gd!.se, "risk at the optimal scalar");
  // with noise
  const noisy = etaStarRandomDiag({ n: 20, d: 5, ...m, sigma2: 1 });
  const mc2 = etaStarMC({ ...spec, sigma2: 1 }, { tasks: 100_000, rng: new Rng(14) });
  within(mc2.eta, noisy.eta, 5 * mc2.se, "noisy random-diagonal ratio");
});

test("OLS and ridge baselines (notes §5b A1/A2): risks and the Bayes ridge", () => {
  // A2: d=5, n=20, σ²=.5: OLS MSE = σ²(1 + d/(n-d-1)) = 0.6786
  within(riskOLS({ n: 20, d: 5, sigma2: 0.5 }), 0.6786, 5e-5, "A2 closed form");
  const spec: TaskSpec = { d: 5, n: 20, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.5 };
  const r = riskMC(
    spec,
    { ols: olsPredictor(), bayes: ridgePredictor(0.5), off: ridgePredictor(5) },
    { tasks: 50_000, rng: new Rng(15), reference: "bayes" },
  );
  within(r.risks.ols!.mse, 0.6786, 5 * r.risks.ols!.se, "A2 MC");
  // the Bayes ridge λ = σ²/τ² beats OLS and a mis-set λ on the same tasks
  assert.ok(r.paired.ols!.diff > 3 * r.paired.ols!.se, `OLS - Bayes ridge = ${r.paired.ols!.diff} ± ${r.paired.ols!.se}`);
  assert.ok(r.paired.off!.diff > 3 * r.paired.off!.se, `ridge(5) - Bayes ridge = ${r.paired.off!.diff} ± ${r.paired.off!.se}`);
  // A1: noiseless, n < d: min-norm OLS has MSE d - n (τ = 1)
  const a1 = riskMC({ d: 8, n: 4, x: { kind: "gauss" }, w: { kind: "iso" } }, { ols: olsPredictor() }, { tasks: 50_000, rng: new Rng(16) });
  within(a1.risks.ols!.mse, 4, 5 * a1.risks.ols!.se, "A1 min-norm OLS");
  // noiseless n ≥ d: OLS interpolates the teacher exactly
  const exact = riskMC(
    { d: 3, n: 6, x: { kind: "gauss" }, w: { kind: "iso" } },
    { ols: olsPredictor() },
    { tasks: 2000, rng: new Rng(17) },
  );
  assert.ok(exact.risks.ols!.mse < 1e-9, `noiseless OLS MSE ${exact.risks.ols!.mse}`);
});

test("GD predictor: G = ηI equals the scalar step; W₀ shifts the start point; Γ_σ algebra", () => {
  const spec: TaskSpec = { d: 3, n: 5, x: { kind: "gauss" }, w: { kind: "iso" } };
  const r = riskMC(
    spec,
    { a: gdPredictor({ eta: 0.7 }), b: gdPredictor({ G: diagMatrix([0.7, 0.7, 0.7]) }) },
    { tasks: 1000, rng: new Rng(18), reference: "a" },
  );
  assert.ok(Math.abs(r.paired.b!.diff) < 1e-12);
  // starting at the true w with η = 0 predicts wᵀx_q exactly: MSE = σ² = 0 here
  const g = gdPredictor({ eta: 0 }, [1, 2, 3]);
  const fixed = riskMC({ ...spec, w: { kind: "fixed", w: [1, 2, 3] } }, { g }, { tasks: 500, rng: new Rng(19) });
  assert.ok(fixed.risks.g!.mse < 1e-9);
  assert.ok(maxAbsDiff(gammaSigma({ Lambda: [1, 1], n: 4, sigma2: 0 }), diagMatrix([1.25 + 0.5, 1.75])) < 1e-15);
  assert.ok(maxAbsDiff(inverse(eye(2)), eye(2)) === 0);
  assert.throws(() => gdPredictor({ eta: Number.NaN }), /eta must be a finite number/);
});
