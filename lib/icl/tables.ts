/**
 * HTML summary tables of the one-step-GD experiments (shown in the notebook with showHtml).
 * Numbers go through core's fmt so the executed notebook is byte-stable.
 */
import { fmt } from "../core/claims";
import { htmlTable } from "../core/display";
import { diagOf, type Matrix } from "./linalg";
import type { ConstructionCheck, GdMcRow, NonlinearStudy, PreconditionerStudy, SigmaRow, TrainedLsa } from "./experiments";

const vec = (v: number[]) => `(${v.map((x) => fmt(x)).join(", ")})`;

export function constructionTable(c: ConstructionCheck): string {
  return htmlTable(
    ["quantity", "value"],
    [
      ["d, n, η", `${c.d}, ${c.n}, ${fmt(c.eta)}`],
      ["tasks", c.tasks],
      ["‖ŷ_LSA − ŷ_GD‖/‖ŷ_GD‖, random W₀", fmt(c.predRelErr)],
      ["same, W₀ = 0", fmt(c.predRelErrW0zero)],
      ["context label-slot updates vs −ΔW x_j (relative)", fmt(c.tokenRelErr)],
      ["max |Γ_eff − ηI| of the weights", fmt(c.gammaEffErr)],
    ],
  );
}

export function gdMonteCarloTableHtml(rows: GdMcRow[]): string {
  return htmlTable(
    ["d", "n", "σ²", "η* closed form [D]", "η* Monte Carlo ± SE", "MSE at η* closed form [D]", "MSE Monte Carlo ± SE"],
    rows.map((r) => [r.d, r.n, r.sigma2, fmt(r.etaClosed), `${fmt(r.etaMC)} ± ${fmt(r.etaSE, 2)}`, fmt(r.riskClosed), `${fmt(r.riskMC)} ± ${fmt(r.riskSE, 2)}`]),
  );
}

/** One row per trained layer: Γ_eff summary, nuisance share, risks. `target` is the expected preconditioner. */
export function trainedTable(runs: TrainedLsa[], target: Matrix): string {
  return htmlTable(
    ["run", "diag Γ_eff", "target diag", "max |off-diag|", "‖a_x‖, ‖b_y‖", "nuisance share init → final", "MSE LSA", "MSE reference", "LSA − reference (paired ± SE)"],
    runs.map((r) => [
      r.label,
      vec(r.diag),
      vec(diagOf(target)),
      fmt(r.offDiagMax),
      `${fmt(r.axNorm)}, ${fmt(r.byNorm)}`,
      `${fmt(r.nuisanceInit)} → ${fmt(r.nuisanceFinal)}`,
      `${fmt(r.risk.lsa.mse)} ± ${fmt(r.risk.lsa.se, 2)}`,
      `${fmt(r.risk.reference.mse)} ± ${fmt(r.risk.reference.se, 2)}`,
      `${fmt(r.risk.diff, 2)} ± ${fmt(r.risk.diffSe, 2)}`,
    ]),
  );
}

export function preconditionerTable(studies: PreconditionerStudy[]): string {
  return htmlTable(
    ["prior on w", "η*Σ⁻¹ diag [D]", "Γ_σ⁻¹ diag [D]", "LS fit diag ± SE (Monte Carlo)", "max |fit off-diag|", "trained Γ_eff diag (per seed)"],
    studies.map((s) => [
      s.prior === "invCov" ? "N(0, Σ⁻¹)" : "N(0, I)",
      vec(diagOf(s.etaSigmaInv)),
      vec(diagOf(s.gammaSigmaInv)),
      `${vec(diagOf(s.fit.G))} ± ${vec(diagOf(s.fit.se))}`,
      fmt(Math.max(...s.fit.G.flatMap((r, i) => r.filter((_, j) => j !== i).map(Math.abs)))),
      s.trained.map((t) => vec(t.diag)).join("; "),
    ]),
  );
}

export function sigmaTable(rows: SigmaRow[]): string {
  return htmlTable(
    ["σ²", "n/(n+d+1+σ²) [D]", "ratio formula ± SE", "trained mean diag Γ_eff (per seed)", "trained / closed form − 1"],
    rows.map((r) => [r.sigma2, fmt(r.closed), `${fmt(r.mc)} ± ${fmt(r.mcSe, 2)}`, r.trained.map((t) => fmt(t.step)).join(", "), r.trained.map((t) => fmt(t.step / r.closed - 1, 2)).join(", ")]),
  );
}

export function nonlinearTable(studies: NonlinearStudy[]): string {
  return htmlTable(
    ["teacher", "η* ratio formula ± SE", "LS fit diag", "trained diag Γ_eff (per seed)", "MSE LSA / GD(η*_MC) − 1 (paired ± SE)", "zero-predictor MSE"],
    studies.map((s) => [
      s.name,
      `${fmt(s.etaMC)} ± ${fmt(s.etaSe, 2)}`,
      vec(diagOf(s.fit.G)),
      s.trained.map((t) => vec(t.diag)).join("; "),
      s.trained.map((t) => `${fmt(t.risk.diff / t.risk.reference.mse, 2)} ± ${fmt(t.risk.diffSe / t.risk.reference.mse, 2)}`).join("; "),
      fmt(s.zeroRisk),
    ]),
  );
}
