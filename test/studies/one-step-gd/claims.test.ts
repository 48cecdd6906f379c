/**
 * Every claim of the study on hand-made results: one that passes, one whose headline fails
 * ("not reproduced" / a failing check), and "partly" where a supporting part can fail alone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { diagMatrix, inverse, type Matrix } from "../../../lib/core/linalg";
import { etaSigmaInverse, etaStar, gammaSigma, riskStar } from "../../../lib/topics/icl/closed-forms";
import type { TrainedLsa } from "../../../lib/topics/icl/evaluate";
import type { TaskSpec } from "../../../lib/topics/icl/tasks";
import {
  claimConstruction,
  claimM1,
  claimM2,
  claimM3,
  claimM4,
  claimM5,
  claimM6,
  claimM7,
  seedSdOfDiag,
  type ConstructionResult,
  type NoiseSweepResult,
  type NonlinearResult,
  type OptimalStepResult,
  type PreconditionerResult,
  type TrainingResult,
} from "../../../lib/studies/one-step-gd";

const SPEC: TaskSpec = { d: 5, n: 20, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.5 };

/** A trained layer with the given Γ_eff; everything else at "converged" values unless overridden. */
function run(seed: number, G: Matrix, o: { nuisance?: number; diff?: number; diffSe?: number; ref?: number } = {}): TrainedLsa {
  const diag = G.map((r, i) => r[i]!);
  const ref = o.ref ?? 1.7264;
  const diff = o.diff ?? 0.0005;
  return {
    label: `seed ${seed}`,
    seed,
    spec: SPEC,
    gammaEff: G,
    diag,
    step: diag.reduce((s, v) => s + v, 0) / diag.length,
    offDiagMax: 0,
    axNorm: 0.003,
    byNorm: 0.001,
    nuisanceInit: 0.9,
    nuisanceFinal: o.nuisance ?? 0.003,
    checkpoints: [],
    risk: { lsa: { mse: ref + diff, se: 0.007 }, reference: { mse: ref, se: 0.007 }, diff, diffSe: o.diffSe ?? 0.0004, tasks: 200_000 },
  };
}

/** G* scaled entrywise on the diagonal by (1 + e_i), plus a small symmetric off-diagonal. */
function perturb(target: Matrix, e: number[], off = 0): Matrix {
  return target.map((r, i) => r.map((v, j) => (i === j ? v * (1 + e[i]!) : off * Math.sqrt(target[i]![i]! * target[j]![j]!))));
}

const E1 = [0.002, -0.001, 0.003, -0.002, 0.001];
const E2 = [-0.001, 0.002, -0.002, 0.001, 0.0];

test("construction check: holds at float32 rounding, fails on an O(1) error", () => {
  const ok: ConstructionResult = {
    d: 5,
    n: 20,
    eta: 0.7547,
    tasks: 4096,
    predRelErr: 1.4e-7,
    predRelErrW0zero: 9e-8,
    tokenRelErr: 1e-7,
    gammaEffErr: 0,
  };
  const r = claimConstruction(ok);
  assert.equal(r.kind, "check");
  assert.equal(r.verdict, "holds");
  assert.equal(claimConstruction({ ...ok, tokenRelErr: 0.3 }).verdict, "fails");
  assert.equal(claimConstruction({ ...ok, gammaEffErr: 1e-3 }).verdict, "fails");
});

function optimalStep(shift = 0, symbolic = true): OptimalStepResult {
  const rows = [
    { d: 5, n: 10, sigma2: 0 },
    { d: 5, n: 20, sigma2: 0.5 },
  ].map((s) => {
    const eta = etaStar(s);
    const risk = riskStar(s);
    return {
      ...s,
      etaExact: "x",
      etaClosed: eta,
      etaMC: eta + 0.001 + shift,
      etaSE: 0.0012,
      riskExact: "y",
      riskClosed: risk,
      riskMC: risk - 0.01,
      riskSE: 0.008,
    };
  });
  return {
    rows,
    symbolic: {
      derivation: { risk: "", derivative: "", curvature: "2", root: "n/(n+d+1+g)", rootGeneral: "" },
      rootMatches: symbolic,
      riskMatches: true,
      convex: true,
    },
  };
}

test("M1/M2 checks: hold within 4 SE; fail when the estimate is 10 SE away or the symbolic root differs", () => {
  assert.equal(claimM1(optimalStep()).verdict, "holds");
  assert.equal(claimM1(optimalStep()).kind, "check");
  assert.equal(claimM1(optimalStep(0.012)).verdict, "fails"); // 0.013 / 0.0012 ≈ 11 SE
  assert.equal(claimM1(optimalStep(0, false)).verdict, "fails");
  assert.equal(claimM2(optimalStep()).verdict, "holds");
  const bad = optimalStep();
  bad.rows[1]!.riskMC = bad.rows[1]!.riskClosed * 1.03; // 0.05 / 0.008 ≈ 6.5 SE
  assert.equal(claimM2(bad).verdict, "fails");
});

function training(runs: TrainedLsa[]): TrainingResult {
  const eta = etaStar({ n: 20, d: 5, sigma2: 0.5 });
  return {
    d: 5,
    n: 20,
    sigma2: 0.5,
    eta,
    target: diagMatrix([eta, eta, eta, eta, eta]),
    riskGD: riskStar({ n: 20, d: 5, sigma2: 0.5 }),
    riskOLS: 0.6786,
    riskZero: 5.5,
    runs,
  };
}

test("M3: reproduced at Γ_eff = η*I; not reproduced off by 3% or with a non-GD part; partly when only the loss misses", () => {
  const eta = etaStar({ n: 20, d: 5, sigma2: 0.5 });
  const T = diagMatrix([eta, eta, eta, eta, eta]);
  const good = training([run(11, perturb(T, E1, 0.004)), run(12, perturb(T, E2, -0.003))]);
  const r = claimM3(good);
  assert.equal(r.kind, "claim");
  assert.equal(r.basis, "derived");
  assert.equal(r.verdict, "reproduced");
  assert.equal(claimM3(training([run(11, perturb(T, [0.03, 0, 0, 0, 0])), run(12, perturb(T, E2))])).verdict, "not reproduced");
  assert.equal(
    claimM3(training([run(11, perturb(T, E1, 0.02)), run(12, perturb(T, E2))])).verdict,
    "not reproduced",
    "off-diagonal 2% of η*",
  );
  assert.equal(claimM3(training([run(11, perturb(T, E1), { nuisance: 0.05 }), run(12, perturb(T, E2))])).verdict, "not reproduced");
  // the layer is GD(η*) but its measured loss is 3% above the optimum: a supporting part fails
  assert.equal(claimM3(training([run(11, perturb(T, E1), { diff: 0.05 }), run(12, perturb(T, E2))])).verdict, "partly");
});

test("seedSdOfDiag: pooled sd of the relative diagonal errors (hand-worked)", () => {
  const T = diagMatrix([2, 1]);
  // coordinate 1: errors 0.01, 0.03 (SS 2e-4); coordinate 2: −0.02, 0 (SS 2e-4); df 2 → sd 0.01·√2
  const sd = seedSdOfDiag([run(1, diagMatrix([2.02, 0.98])), run(2, diagMatrix([2.06, 1]))], T)!;
  assert.ok(Math.abs(sd - 0.01 * Math.SQRT2) < 1e-12, String(sd));
  assert.equal(seedSdOfDiag([run(1, T)], T), undefined);
});

const SIGMA = [0.25, 0.5, 1, 2];
function preconditioner(prior: "invCov" | "iso", trained: Matrix[], fitG?: Matrix): PreconditionerResult {
  const etaSigmaInv = etaSigmaInverse({ Sigma: SIGMA, n: 15, sigma2: 0.5 });
  const gammaSigmaInv = inverse(gammaSigma({ Lambda: SIGMA, n: 15, sigma2: 0.5 }));
  const theory = prior === "invCov" ? etaSigmaInv : gammaSigmaInv;
  const G = fitG ?? perturb(theory, [0.004, -0.003, 0.002, -0.001], 0.003);
  const se = G.map((r, i) => r.map((_, j) => (i === j ? 0.004 * G[i]![i]! : 0.002)));
  return {
    prior,
    Sigma: SIGMA,
    n: 15,
    sigma2: 0.5,
    etaSigmaInv,
    gammaSigmaInv,
    theory,
    fit: { G, se, tasks: 400_000 },
    trained: trained.map((g, k) => run(21 + k, g)),
  };
}

test("M4: reproduced at η*Σ⁻¹; not reproduced when the layer learns Γ_σ⁻¹; partly when only the fit misses", () => {
  const A = etaSigmaInverse({ Sigma: SIGMA, n: 15, sigma2: 0.5 });
  const B = inverse(gammaSigma({ Lambda: SIGMA, n: 15, sigma2: 0.5 }));
  const ok = [perturb(A, [0.005, -0.002, 0.001, 0.003], 0.006), perturb(A, [-0.002, 0.001, 0.004, -0.003], -0.005)];
  assert.equal(claimM4(preconditioner("invCov", ok)).verdict, "reproduced");
  assert.equal(claimM4(preconditioner("invCov", [B, B])).verdict, "not reproduced");
  assert.equal(claimM4(preconditioner("invCov", ok, perturb(A, [0.05, 0, 0, 0]))).verdict, "partly");
  assert.throws(() => claimM4(preconditioner("iso", ok)), /w ~ N\(0, Σ⁻¹\)/);
});

test("M5: reproduced at Γ_σ⁻¹; not reproduced when the layer learns η*Σ⁻¹ (ratio 8)", () => {
  const A = etaSigmaInverse({ Sigma: SIGMA, n: 15, sigma2: 0.5 });
  const B = inverse(gammaSigma({ Lambda: SIGMA, n: 15, sigma2: 0.5 }));
  const ok = [perturb(B, [0.005, -0.002, 0.001, 0.003], 0.006), perturb(B, [-0.002, 0.001, 0.004, -0.003])];
  assert.equal(claimM5(preconditioner("iso", ok)).verdict, "reproduced");
  assert.equal(claimM5(preconditioner("iso", [A, A])).verdict, "not reproduced");
  assert.equal(claimM5(preconditioner("iso", ok, A)).verdict, "partly");
});

function sweep(steps: number[][], mcShift = 0): NoiseSweepResult {
  const sigma2s = [0, 0.5, 1, 2, 4];
  const rows = sigma2s.map((sigma2, k) => {
    const closed = etaStar({ n: 20, d: 5, sigma2 });
    const trained = steps[k]!.map((s, j) => run(31 + j, diagMatrix([s, s, s, s, s])));
    return {
      sigma2,
      closed,
      mc: closed + mcShift,
      mcSe: 0.001,
      trained,
      meanStep: steps[k]!.reduce((a, b) => a + b, 0) / steps[k]!.length,
    };
  });
  return { d: 5, n: 20, rows, seedSd: 0.0011, seedSdDf: 5 };
}

test("M6: reproduced on the closed form; not reproduced for a constant step; partly when only the order fails", () => {
  const closed = [0, 0.5, 1, 2, 4].map((sigma2) => etaStar({ n: 20, d: 5, sigma2 }));
  const good = closed.map((c, k) => [c * (1 + 0.001 * (k % 2)), c * (1 - 0.0015)]);
  assert.equal(claimM6(sweep(good)).verdict, "reproduced");
  assert.equal(claimM6(sweep(closed.map(() => [0.74, 0.741]))).verdict, "not reproduced");
  // σ² = 0 and 0.5 within 2% of their closed forms (0.7692, 0.7547) but in the wrong order
  const swapped = good.map((s) => s.slice());
  swapped[0] = [0.76, 0.76];
  swapped[1] = [0.762, 0.762];
  assert.equal(claimM6(sweep(swapped)).verdict, "partly");
  assert.equal(claimM6(sweep(good, 0.01)).verdict, "partly", "the Monte Carlo optimum 10 SE off");
});

function nonlinear(trained: Matrix[], o: { fit?: Matrix; diff?: number } = {}): NonlinearResult[] {
  const c = 0.7817;
  const T = diagMatrix([c, c, c, c, c]);
  const fit = o.fit ?? perturb(T, [0.002, -0.001, 0.001, 0, -0.002], 0.002);
  return [
    {
      name: "tanh",
      spec: { ...SPEC, sigma2: 0, teacher: { kind: "tanh" } },
      etaMC: c,
      etaSe: 0.0012,
      fit: { G: fit, se: fit.map((r) => r.map(() => 0.001)), tasks: 2_000_000 },
      trained: trained.map((g, k) => run(41 + k, g, { diff: o.diff ?? 0.00001, diffSe: 0.0003, ref: 0.2211 })),
      zeroRisk: 0.5,
    },
  ];
}

test("M7: reproduced at c·I with GD's loss; not reproduced with a 5% spread or 3% worse loss; partly when only the fit misses", () => {
  const c = 0.7817;
  const T = diagMatrix([c, c, c, c, c]);
  const ok = [perturb(T, E1, 0.005), perturb(T, E2, -0.004)];
  assert.equal(claimM7(nonlinear(ok)).verdict, "reproduced");
  assert.equal(claimM7(nonlinear([perturb(T, [0.05, 0, 0, 0, 0]), ok[1]!])).verdict, "not reproduced");
  assert.equal(claimM7(nonlinear(ok, { diff: 0.0066 })).verdict, "not reproduced", "3% above GD(η*_MC)");
  assert.equal(claimM7(nonlinear(ok, { fit: perturb(T, [0.04, -0.02, 0, 0, 0]) })).verdict, "partly");
});
