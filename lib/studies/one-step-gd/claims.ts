/**
 * The claims of the one-step-gd study: one function per claim, from an experiment's result to a
 * ClaimRecord. Every expected value, tolerance and provenance lives here (the notebook only calls
 * these); test/studies/one-step-gd/claims.test.ts gives each a passing and a failing fixture.
 *
 * What counts as what (docs/notes/one-step-gd.md, "Claims and their kind"). The paper's body could
 * not be read (notes §0), so none of its formulas or numbers is transcribed: every expected value is
 * `derived` here (notes §1.1–1.2, lib/topics/icl closed forms); the tolerances are our choices,
 * each next to the noise of its measurement.
 *   - claims (the paper's statements, T1–T3 of the abstract and Thm 2's σ² dependence from the
 *     reviews): M3 (T1), M4 (T2), M5 (T2's premise: the weight prior), M6 (σ²), M7 (T3);
 *   - checks (never counted as a reproduction): the von Oswald construction (true by construction
 *     here: it tests our layer code), M1 and M2 (Monte Carlo confirmations of our derivation of η*
 *     and of the GD risk, which the claims use as their expected values).
 */
import {
  atMost,
  claim,
  close,
  derived,
  design,
  equals,
  monotone,
  monteCarlo,
  pct,
  fmt,
  sanityCheck,
  type Check,
  type ClaimRecord,
} from "../../core/claims";
import { diagMatrix, diagOf, type Matrix } from "../../core/linalg";
import type { TrainedLsa } from "../../topics/icl/evaluate";
import { diagRatio, diagSpread, maxDiagRelErr, meanDiag, offDiagRel } from "../../topics/icl/metrics";
import type { ConstructionResult } from "./experiments/construction";
import { pooledSd, type NoiseSweepResult } from "./experiments/noise-sweep";
import type { NonlinearResult } from "./experiments/nonlinear";
import type { OptimalStepResult } from "./experiments/optimal-step";
import type { PreconditionerResult } from "./experiments/preconditioner";
import type { TrainingResult } from "./experiments/training";

// ---------------------------------------------------------------------------------------------
// Provenances and tolerances, each stated once

const ETA_STAR = derived("η* = n/(n+d+1+σ²): notes §1.2 (isotropic case), §2a T1; exact.ts derives it as the root of dR/dη");
const RISK_STAR = derived("MSE of GD(η*) = d(d+1+σ²)/(n+d+1+σ²) + σ²: notes §1.2, §2a");
const NUISANCE_ZERO = derived(
  "notes §1.1: under w → −w symmetry the label-free and y² parts of ŷ are uncorrelated with y_q, so the minimizer sets them to 0",
);
const ETA_SIGMA_INV = derived("G* = η*Σ⁻¹ for x ~ N(0,Σ), w ~ N(0,Σ⁻¹): whitening maps it to the isotropic case (notes §1.2)");
const GAMMA_SIGMA_INV = derived(
  "G* = Γ_σ⁻¹, Γ_σ = (1+1/n)Σ + ((tr Σ + σ²)/n)I for w ~ N(0,I) (notes §1.2, pitfall 4; σ = 0 is Zhang et al. Thm 4.1)",
);
const RATIO_FORMULA = derived(
  "for a nonlinear teacher the best scalar step is the ratio formula η* = n E[y_q g]/E[g²] (notes §1.2), estimated by Monte Carlo",
);
const ROTATION = derived(
  "a rotation-invariant teacher distribution makes the optimal G a multiple of I (notes §2a T3; our reading of Assumption 1, unverified)",
);

/** Monte Carlo against a closed form: 4 SE (batch-means SEs with 19 df; up to 8 tests per check). */
const MC_K = 4;
/** Trained Γ_eff against η*·I (M3): the notes' 1% (seed-to-seed sd ≈ 0.2%). */
const TOL_M3 = 0.01;
/** Preconditioners (M4, M5), trained and fitted: the notes' 2% per diagonal entry and, whitened, off the diagonal. */
const TOL_G = 0.02;
/** M5's ratio G₁₁/G₄₄: two 2% errors. Any multiple of Σ⁻¹ has ratio 8, Γ_σ⁻¹ 4.39. */
const TOL_RATIO = 0.04;
/** M6: the notes' 2% per trained step. */
const TOL_M6 = 0.02;
/** M7: loss within 2% of GD(η*_MC), c within 2% of η*_MC, spread and off-diagonal below 3% (notes M7). */
const TOL_M7_LOSS = 0.02;
const TOL_M7_STEP = 0.02;
const TOL_M7_SHAPE = 0.03;

const setting = (r: { d: number; n: number; sigma2: number }) => `(d,n,σ²)=(${r.d},${r.n},${r.sigma2})`;

/**
 * Seed-to-seed sd of the relative diagonal error G_ii/G*_ii − 1 of trained layers, pooled over the
 * coordinates (deviations from each coordinate's mean over seeds); undefined with one seed.
 */
export function seedSdOfDiag(runs: TrainedLsa[], target: Matrix): number | undefined {
  if (runs.length < 2) return undefined;
  const t = diagOf(target);
  return pooledSd(t.map((ti, i) => runs.map((r) => r.diag[i]! / ti - 1))).sd;
}

/** The two "is this G the target" checks: worst diagonal entry and whitened off-diagonal. */
function preconditionerChecks(
  label: string,
  G: Matrix,
  target: Matrix,
  tol: number,
  from: ReturnType<typeof derived>,
  se?: number,
): Check[] {
  return [
    atMost({ label: `${label}: max |G_ii/G*_ii − 1|`, measured: maxDiagRelErr(G, target), bound: tol, se, from }),
    atMost({ label: `${label}: max |G_ij|/√(G*_ii G*_jj)`, measured: offDiagRel(G, target), bound: tol, from }),
  ];
}

/** Each fitted diagonal entry against the target, with the fit's batch-means SE. */
function fitDiagChecks(
  label: string,
  fit: { G: Matrix; se: Matrix },
  target: Matrix,
  tol: number,
  from: ReturnType<typeof derived>,
): Check[] {
  return diagOf(target).map((t, i) =>
    close({ label: `${label}: G_${i + 1}${i + 1}`, measured: fit.G[i]![i]!, expected: t, rel: tol, se: fit.se[i]![i]!, from }),
  );
}

// ---------------------------------------------------------------------------------------------
// The construction (check)

export function claimConstruction(c: ConstructionResult): ClaimRecord {
  const from = design("float32 rounding over sums of n = 20 tokens gives ~1e-7–1e-6 relative; a wrong weight gives O(1)");
  return sanityCheck({
    id: "construction",
    statement:
      "One LSA layer with von Oswald's Prop. 1 weights computes one GD step: the prediction and every context token's update (true by construction: this checks our layer code)",
    source: "von Oswald et al. 2023, Prop. 1 (App. A.1); notes §4b V1",
    parts: [
      {
        label: "prediction ŷ = (W₀ + ΔW) x_q",
        checks: [
          atMost({ label: "random W₀, ‖ŷ_LSA − ŷ_GD‖/‖ŷ_GD‖", measured: c.predRelErr, bound: 1e-5, from }),
          atMost({ label: "W₀ = 0, ‖ŷ_LSA − ŷ_GD‖/‖ŷ_GD‖", measured: c.predRelErrW0zero, bound: 1e-5, from }),
        ],
      },
      {
        label: "context tokens move by −ΔW xⱼ",
        checks: [atMost({ label: "relative error of the label-slot updates", measured: c.tokenRelErr, bound: 1e-5, from })],
      },
      {
        label: "the weights' Γ_eff is ηI",
        checks: [
          equals({
            label: "max |Γ_eff − ηI|",
            measured: c.gammaEffErr,
            expected: 0,
            from: derived("Prop. 1: W_K = W_Q = [[I,0],[0,0]], P = (η/n)I give Γ_eff = ηI exactly"),
          }),
        ],
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// M1/M2 (checks of the derivation the claims use)

export function claimM1(r: OptimalStepResult): ClaimRecord {
  const s = r.symbolic;
  return sanityCheck({
    id: "M1",
    statement:
      "Our derivation of the optimal one-step size is right: the Monte Carlo optimum (ratio formula) equals η* = n/(n+d+1+σ²), and mathjs finds η* as the root of dR/dη",
    source: "notes §1.2, §2a, §2b M1 (derived here; the paper's printed formula was not read); lib/topics/icl/exact.ts",
    parts: [
      {
        label: "Monte Carlo ratio formula, 4 settings",
        checks: r.rows.map((row) =>
          monteCarlo({
            label: `${setting(row)}, η* = ${row.etaExact}`,
            estimate: row.etaMC,
            se: row.etaSE,
            expected: row.etaClosed,
            k: MC_K,
            from: ETA_STAR,
          }),
        ),
      },
      {
        label: "symbolic: R(η) from the iid moments, d/dη by mathjs",
        checks: [
          equals({
            label: `root −R'(0)/R'' = ${s.derivation.root} equals n/(n+d+1+σ²) (exact, 64 grid points)`,
            measured: s.rootMatches,
            expected: true,
            from: ETA_STAR,
          }),
          equals({ label: "R(root) equals the risk closed form (exact)", measured: s.riskMatches, expected: true, from: RISK_STAR }),
          equals({ label: `R'' = ${s.derivation.curvature} > 0 (a minimum)`, measured: s.convex, expected: true, from: ETA_STAR }),
        ],
      },
    ],
    note: `${MC_K} SE: batch-means standard errors (20 groups) and up to 8 simultaneous tests; dropping σ² or the +1 from η* moves it by ≥ 1.9%, more than 10 SE here`,
  });
}

export function claimM2(r: OptimalStepResult): ClaimRecord {
  return sanityCheck({
    id: "M2",
    statement: "Our derivation of the GD risk is right: the Monte Carlo MSE of GD at η* equals d(d+1+σ²)/(n+d+1+σ²) + σ²",
    source: "notes §1.2, §2a, §2b M2 (derived here)",
    parts: [
      {
        label: "Monte Carlo MSE of GD(η*), 4 settings",
        checks: r.rows.map((row) =>
          monteCarlo({
            label: `${setting(row)}, MSE* = ${row.riskExact}`,
            estimate: row.riskMC,
            se: row.riskSE,
            expected: row.riskClosed,
            k: MC_K,
            from: RISK_STAR,
          }),
        ),
      },
    ],
    note: `${MC_K} SE over 8 simultaneous tests (with M1)`,
  });
}

// ---------------------------------------------------------------------------------------------
// M3 (T1)

export function claimM3(r: TrainingResult): ClaimRecord {
  const se = seedSdOfDiag(r.runs, r.target);
  const halfOpt = 0.5 * r.riskGD;
  return claim({
    id: "M3",
    statement: `T1: one LSA layer trained by Adam from random init on isotropic Gaussian noisy regression (d=${r.d}, n=${r.n}, σ²=${r.sigma2}) is one GD step with η* = ${fmt(r.eta)}: Γ_eff = η*·I and no non-GD part`,
    source: "Mahankali et al., abstract (T1: the global minimizer implements one GD step); η* derived here (notes §1.2); notes §2b M3",
    headline: {
      label: "the trained layer is GD(η*)",
      checks: r.runs.flatMap((run) => [
        ...preconditionerChecks(`seed ${run.seed}`, run.gammaEff, r.target, TOL_M3, ETA_STAR, se),
        atMost({ label: `seed ${run.seed}: RMS(non-GD parts)/RMS(ŷ)`, measured: run.nuisanceFinal, bound: 0.01, from: NUISANCE_ZERO }),
      ]),
    },
    supporting: [
      {
        label: `its loss is the optimal ½MSE ${fmt(halfOpt)}`,
        // control variate: ½(closed-form GD risk + paired MC difference LSA − GD on shared tasks)
        checks: r.runs.map((run) =>
          close({
            label: `seed ${run.seed}: ½MSE`,
            measured: 0.5 * (r.riskGD + run.risk.diff),
            expected: halfOpt,
            rel: TOL_M3,
            se: 0.5 * run.risk.diffSe,
            from: RISK_STAR,
          }),
        ),
      },
    ],
    note: `off-diagonal in units of η* (whitened), the same 1% as the diagonal; the non-GD share starts at ${r.runs.map((x) => fmt(x.nuisanceInit, 2)).join(", ")}. The loss is the closed-form GD risk plus the paired Monte Carlo difference on ${r.runs[0]?.risk.tasks ?? 0} shared tasks; SE is the paired SE${se !== undefined ? `; diagonal SE = seed-to-seed sd ${pct(se)}` : ""}`,
  });
}

// ---------------------------------------------------------------------------------------------
// M4, M5 (T2 and its premise)

export function claimM4(r: PreconditionerResult): ClaimRecord {
  if (r.prior !== "invCov") throw new Error(`claimM4 takes the w ~ N(0, Σ⁻¹) study, got prior ${r.prior}`);
  const se = seedSdOfDiag(r.trained, r.etaSigmaInv);
  return claim({
    id: "M4",
    statement: `T2: with x ~ N(0,Σ), w ~ N(0,Σ⁻¹) (Σ = diag(${r.Sigma.join(", ")}), n = ${r.n}, σ² = ${r.sigma2}) the trained layer is one preconditioned GD step with G = η*Σ⁻¹ = diag(${diagOf(
      r.etaSigmaInv,
    )
      .map((v) => fmt(v))
      .join(", ")})`,
    source:
      "Mahankali et al., abstract (T2: preconditioned GD for non-isotropic covariates and weights); reviews: §4 uses w ~ N(0,Σ⁻¹); η*Σ⁻¹ derived here (notes §1.2); notes §2b M4",
    headline: {
      label: "trained Γ_eff = η*Σ⁻¹",
      checks: r.trained.flatMap((t) => preconditionerChecks(`seed ${t.seed}`, t.gammaEff, r.etaSigmaInv, TOL_G, ETA_SIGMA_INV, se)),
    },
    supporting: [
      {
        label: "the Monte Carlo optimum of the GD family is η*Σ⁻¹",
        checks: [
          ...fitDiagChecks("MC fit", r.fit, r.etaSigmaInv, TOL_G, ETA_SIGMA_INV),
          atMost({
            label: "MC fit: max |G_ij|/√(G*_ii G*_jj)",
            measured: offDiagRel(r.fit.G, r.etaSigmaInv),
            bound: TOL_G,
            from: ETA_SIGMA_INV,
          }),
        ],
      },
    ],
    note: `least-squares fit on ${r.fit.tasks} tasks (SE per entry from 20 batch means)${se !== undefined ? `; trained diagonal SE = seed-to-seed sd ${pct(se)}` : ""}`,
  });
}

export function claimM5(r: PreconditionerResult): ClaimRecord {
  if (r.prior !== "iso") throw new Error(`claimM5 takes the w ~ N(0, I) study, got prior ${r.prior}`);
  const se = seedSdOfDiag(r.trained, r.gammaSigmaInv);
  const ratio = diagRatio(r.gammaSigmaInv);
  const sigmaRatio = r.Sigma[r.Sigma.length - 1]! / r.Sigma[0]!;
  return claim({
    id: "M5",
    statement: `T2 needs the weight prior: with the same Σ but w ~ N(0,I) the trained layer's preconditioner is Γ_σ⁻¹ = diag(${diagOf(
      r.gammaSigmaInv,
    )
      .map((v) => fmt(v))
      .join(", ")}), which contains tr Σ, not a multiple of Σ⁻¹ (G₁₁/G₄₄ = ${fmt(ratio)}, not ${fmt(sigmaRatio)})`,
    source:
      "Mahankali et al., abstract ('covariates and weight vector' non-isotropic); Γ_σ⁻¹ derived here (notes §1.2, pitfall 4; σ = 0: Zhang et al. Thm 4.1); notes §2b M5",
    headline: {
      label: "trained Γ_eff = Γ_σ⁻¹, not ∝ Σ⁻¹",
      checks: r.trained.flatMap((t) => [
        ...preconditionerChecks(`seed ${t.seed}`, t.gammaEff, r.gammaSigmaInv, TOL_G, GAMMA_SIGMA_INV, se),
        close({
          label: `seed ${t.seed}: G₁₁/G₄₄`,
          measured: diagRatio(t.gammaEff),
          expected: ratio,
          rel: TOL_RATIO,
          from: GAMMA_SIGMA_INV,
        }),
      ]),
    },
    supporting: [
      {
        label: "the Monte Carlo optimum of the GD family is Γ_σ⁻¹",
        checks: [
          ...fitDiagChecks("MC fit", r.fit, r.gammaSigmaInv, TOL_G, GAMMA_SIGMA_INV),
          atMost({
            label: "MC fit: max |G_ij|/√(G*_ii G*_jj)",
            measured: offDiagRel(r.fit.G, r.gammaSigmaInv),
            bound: TOL_G,
            from: GAMMA_SIGMA_INV,
          }),
          close({ label: "MC fit: G₁₁/G₄₄", measured: diagRatio(r.fit.G), expected: ratio, rel: TOL_RATIO, from: GAMMA_SIGMA_INV }),
        ],
      },
    ],
    note: `the ratio tolerance is two 2% errors; a multiple of Σ⁻¹ would give ${fmt(sigmaRatio)}${se !== undefined ? `; trained diagonal SE = seed-to-seed sd ${pct(se)}` : ""}`,
  });
}

// ---------------------------------------------------------------------------------------------
// M6 (Thm 2's η depends on σ²)

export function claimM6(r: NoiseSweepResult): ClaimRecord {
  const levelSe = r.rows.map((row) => r.seedSd / Math.sqrt(row.trained.length));
  return claim({
    id: "M6",
    statement: `The trained layer's step follows η* = n/(n+d+1+σ²) across σ² ∈ {${r.rows.map((x) => x.sigma2).join(", ")}} (d=${r.d}, n=${r.n})`,
    source: "Mahankali et al., Thm 2's η depends on σ² (OpenReview reviews); the formula derived here (notes §1.2); notes §2b M6",
    headline: {
      label: "each trained step = n/(n+d+1+σ²)",
      checks: r.rows.flatMap((row) =>
        row.trained.map((t) =>
          close({
            label: `σ²=${row.sigma2} seed ${t.seed}`,
            measured: t.step,
            expected: row.closed,
            rel: TOL_M6,
            se: r.seedSd,
            from: ETA_STAR,
          }),
        ),
      ),
    },
    supporting: [
      {
        label: "the step decreases with σ²",
        checks: [
          monotone({
            label: "mean step over seeds",
            values: r.rows.map((row) => row.meanStep),
            direction: "decreasing",
            se: levelSe,
            from: ETA_STAR,
          }),
        ],
      },
      {
        label: "the Monte Carlo optimum (ratio formula) = n/(n+d+1+σ²)",
        checks: r.rows.map((row) =>
          monteCarlo({ label: `σ²=${row.sigma2}`, estimate: row.mc, se: row.mcSe, expected: row.closed, k: MC_K, from: ETA_STAR }),
        ),
      },
    ],
    note: `SE of a trained step = seed-to-seed sd ${fmt(r.seedSd, 2)} pooled over the σ² levels (${r.seedSdDf} df); consecutive closed-form steps differ by ≥ ${pct(Math.min(...r.rows.slice(1).map((row, i) => r.rows[i]!.closed - row.closed)) / r.rows[0]!.closed)} of η*, which the monotone check compares with the level means' SEs`,
  });
}

// ---------------------------------------------------------------------------------------------
// M7 (T3)

export function claimM7(studies: NonlinearResult[]): ClaimRecord {
  const cI = (s: NonlinearResult) => diagMatrix(new Array<number>(s.spec.d).fill(s.etaMC));
  return claim({
    id: "M7",
    statement:
      "T3: with a nonlinear response (tanh(wᵀx); a random two-layer ReLU net) the trained layer is still one GD step, with the Monte Carlo η*: loss equal to GD(η*_MC), Γ_eff = c·I with c = η*_MC",
    source:
      "Mahankali et al., abstract (T3); η* by the ratio formula derived here (notes §1.2); teachers and tolerances ours (notes §2a T3, §2b M7)",
    headline: {
      label: "the trained layer is GD(η*_MC)",
      checks: studies.flatMap((s) =>
        s.trained.flatMap((t) => [
          close({
            label: `${s.name} seed ${t.seed}: (MSE − MSE_GD)/MSE_GD`,
            measured: t.risk.diff / t.risk.reference.mse,
            expected: 0,
            abs: TOL_M7_LOSS,
            se: t.risk.diffSe / t.risk.reference.mse,
            from: RATIO_FORMULA,
          }),
          close({
            label: `${s.name} seed ${t.seed}: c = mean diag Γ_eff`,
            measured: t.step,
            expected: s.etaMC,
            rel: TOL_M7_STEP,
            se: s.etaSe,
            from: RATIO_FORMULA,
          }),
          atMost({
            label: `${s.name} seed ${t.seed}: diagonal spread max/min − 1`,
            measured: diagSpread(t.gammaEff),
            bound: TOL_M7_SHAPE,
            from: RATIO_FORMULA,
          }),
          atMost({
            label: `${s.name} seed ${t.seed}: max |off-diag|/η*_MC`,
            measured: offDiagRel(t.gammaEff, cI(s)),
            bound: TOL_M7_SHAPE,
            from: RATIO_FORMULA,
          }),
        ]),
      ),
    },
    supporting: [
      {
        label: "the Monte Carlo optimum of the GD family is c·I (rotation invariance)",
        checks: studies.flatMap((s) => [
          atMost({
            label: `${s.name}: MC fit diagonal spread`,
            measured: diagSpread(s.fit.G),
            bound: TOL_M7_SHAPE,
            se: Math.max(...diagOf(s.fit.se)) / s.etaMC,
            from: ROTATION,
          }),
          atMost({
            label: `${s.name}: MC fit max |off-diag|/η*_MC`,
            measured: offDiagRel(s.fit.G, cI(s)),
            bound: TOL_M7_SHAPE,
            from: ROTATION,
          }),
          close({
            label: `${s.name}: MC fit mean diagonal`,
            measured: meanDiag(s.fit.G),
            expected: s.etaMC,
            rel: TOL_M7_STEP,
            se: s.etaSe,
            from: ROTATION,
          }),
        ]),
      },
    ],
    note: `η*_MC: ${studies.map((s) => `${s.name} ${fmt(s.etaMC)} ± ${fmt(s.etaSe, 2)}`).join(", ")}; the loss is paired with GD(η*_MC) on shared tasks (paired SE); the teachers are our reading of Assumption 1 (rotation invariant, symmetric under f → −f), unverified`,
  });
}
