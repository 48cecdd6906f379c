/**
 * The rows of the notebook's tables, as data (flat objects; numbers stay numbers so a reader can
 * filter or pivot them and results.csv keeps full precision). The notebook shows them with
 * core's table display and records the sweeps in results.csv.
 */
import type { Row } from "../../core/results";
import type { TrainedLsa } from "../../topics/icl/evaluate";
import { diagOf, type Matrix } from "../../core/linalg";
import { offDiagRel } from "../../topics/icl/metrics";
import type { ConstructionResult } from "./experiments/construction";
import type { NoiseSweepResult } from "./experiments/noise-sweep";
import type { NonlinearResult } from "./experiments/nonlinear";
import type { OptimalStepResult } from "./experiments/optimal-step";
import type { PreconditionerResult } from "./experiments/preconditioner";

const vec = (v: number[], digits = 4) => `(${v.map((x) => Number(x.toPrecision(digits))).join(", ")})`;

export function constructionRows(c: ConstructionResult): Row[] {
  return [
    { quantity: "d", value: c.d },
    { quantity: "n", value: c.n },
    { quantity: "η", value: c.eta },
    { quantity: "tasks", value: c.tasks },
    { quantity: "‖ŷ_LSA − ŷ_GD‖/‖ŷ_GD‖, random W₀", value: c.predRelErr },
    { quantity: "same, W₀ = 0", value: c.predRelErrW0zero },
    { quantity: "context label-slot updates vs −ΔW x_j (relative)", value: c.tokenRelErr },
    { quantity: "max |Γ_eff − ηI| of the weights", value: c.gammaEffErr },
  ];
}

/** M1/M2: one row per setting, exact fraction beside the float and the Monte Carlo estimate. */
export function optimalStepRows(result: OptimalStepResult): Row[] {
  return result.rows.map((r) => ({
    d: r.d,
    n: r.n,
    sigma2: r.sigma2,
    eta_exact: r.etaExact,
    eta_closed: r.etaClosed,
    eta_mc: r.etaMC,
    eta_mc_se: r.etaSE,
    risk_exact: r.riskExact,
    risk_closed: r.riskClosed,
    risk_mc: r.riskMC,
    risk_mc_se: r.riskSE,
  }));
}

/** The symbolic derivation of η* (mathjs): each step's expression, Gaussian moments substituted. */
export function derivationRows(result: OptimalStepResult): Row[] {
  const d = result.symbolic.derivation;
  return [
    { step: "R(η) = E(ŷ − y_q)², ŷ = (η/n) Σ yᵢ xᵢᵀ x_q", expression: d.risk },
    { step: "dR/dη", expression: d.derivative },
    { step: "d²R/dη²", expression: d.curvature },
    { step: "root −R'(0)/R'' (iid moments s, m, τ² = t, σ² = g)", expression: d.rootGeneral },
    { step: "root, Gaussian (s = 1, m = 3, t = 1)", expression: d.root },
    {
      step: "equals n/(n+d+1+σ²) exactly; R(root) equals the risk closed form",
      expression: `${result.symbolic.rootMatches}; ${result.symbolic.riskMatches}`,
    },
  ];
}

/** One row per trained layer: Γ_eff summary, nuisance share, risks against the reference. */
export function trainedRows(runs: TrainedLsa[], target: Matrix): Row[] {
  return runs.map((r) => ({
    run: r.label,
    seed: r.seed,
    diag_gamma_eff: vec(r.diag),
    target_diag: vec(diagOf(target)),
    max_abs_off_diag: r.offDiagMax,
    ax_norm: r.axNorm,
    by_norm: r.byNorm,
    nuisance_init: r.nuisanceInit,
    nuisance_final: r.nuisanceFinal,
    mse_lsa: r.risk.lsa.mse,
    mse_lsa_se: r.risk.lsa.se,
    mse_reference: r.risk.reference.mse,
    lsa_minus_reference: r.risk.diff,
    lsa_minus_reference_se: r.risk.diffSe,
  }));
}

/**
 * M4/M5: one row per (prior, source, coordinate): the two theories, the Monte Carlo fit with its
 * SE and each trained seed, so the whole comparison is one long table.
 */
export function preconditionerRows(studies: PreconditionerResult[]): Row[] {
  const out: Row[] = [];
  for (const s of studies) {
    const prior = s.prior === "invCov" ? "N(0, Σ⁻¹)" : "N(0, I)";
    const sources: { source: string; G: Matrix; se?: Matrix }[] = [
      { source: "MC fit", G: s.fit.G, se: s.fit.se },
      ...s.trained.map((t) => ({ source: `trained seed ${t.seed}`, G: t.gammaEff })),
    ];
    for (const src of sources) {
      const off = offDiagRel(src.G, s.theory);
      s.Sigma.forEach((sig, i) => {
        out.push({
          prior,
          source: src.source,
          i: i + 1,
          Sigma_ii: sig,
          eta_sigma_inv_ii: s.etaSigmaInv[i]![i]!,
          gamma_sigma_inv_ii: s.gammaSigmaInv[i]![i]!,
          G_ii: src.G[i]![i]!,
          G_ii_se: src.se ? src.se[i]![i]! : null,
          rel_err_vs_theory: src.G[i]![i]! / s.theory[i]![i]! - 1,
          off_diag_rel: off,
        });
      });
    }
  }
  return out;
}

/** M6: one row per (σ², seed) with the closed form and the Monte Carlo η*. */
export function noiseSweepRows(sweep: NoiseSweepResult): Row[] {
  return sweep.rows.flatMap((r) =>
    r.trained.map((t) => ({
      sigma2: r.sigma2,
      seed: t.seed,
      eta_closed: r.closed,
      eta_mc: r.mc,
      eta_mc_se: r.mcSe,
      trained_step: t.step,
      trained_rel_err: t.step / r.closed - 1,
      level_mean_step: r.meanStep,
    })),
  );
}

/** M7: one row per (teacher, seed), plus the fit. */
export function nonlinearRows(studies: NonlinearResult[]): Row[] {
  return studies.flatMap((s) => [
    {
      teacher: s.name,
      source: "MC fit",
      eta_mc: s.etaMC,
      eta_mc_se: s.etaSe,
      diag: vec(diagOf(s.fit.G)),
      mse_rel_diff: null,
      mse_rel_diff_se: null,
      zero_mse: s.zeroRisk,
    },
    ...s.trained.map((t) => ({
      teacher: s.name,
      source: `trained seed ${t.seed}`,
      eta_mc: s.etaMC,
      eta_mc_se: s.etaSe,
      diag: vec(t.diag),
      mse_rel_diff: t.risk.diff / t.risk.reference.mse,
      mse_rel_diff_se: t.risk.diffSe / t.risk.reference.mse,
      zero_mse: s.zeroRisk,
    })),
  ]);
}
