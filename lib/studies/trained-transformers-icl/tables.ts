/**
 * The rows of the notebook's tables (flat objects; numbers stay numbers so results.csv keeps full
 * precision and a reader can filter or pivot them).
 */
import type { Row } from "../../core/results";
import { diagOf } from "../../core/linalg";
import type { FitResult } from "./experiments/fit";
import type { FlowStudy } from "./experiments/flow";
import type { LengthRow } from "./experiments/prompt-length";
import type { RandomCovResult } from "./experiments/random-cov";
import type { OrthogonalResult, ScaleRow, TaskShiftRow } from "./experiments/shifts";
import type { TrainedModel } from "./experiments/trained";

export function fitRows(r: FitResult): Row[] {
  const t = diagOf(r.target);
  return t.map((ti, i) => ({
    entry: `G_${i + 1}${i + 1}`,
    lambda: r.Lambda[i]!,
    gamma_inv_exact: r.exact[i]!,
    gamma_inv: ti,
    fitted: r.fit.G[i]![i]!,
    fitted_se: r.fit.se[i]![i]!,
    rel_err: r.fit.G[i]![i]! / ti - 1,
  }));
}

/** Z2/Z3: the flow (RK4) and both SGD runs at the SGD checkpoints, then the Adam endpoint. */
export function flowRows(r: FlowStudy): Row[] {
  const rows: Row[] = [];
  const sgdTimes = new Set(r.sgd[0]!.points.map((p) => p.t));
  for (const p of r.rk4.points.filter((q) => sgdTimes.has(q.t) || q.t === r.rk4.points[r.rk4.points.length - 1]!.t)) {
    rows.push({
      run: "flow (RK4)",
      t: p.t,
      step: null,
      u: p.u,
      dist_to_opt: p.distance,
      from_flow: 0,
      off_manifold: 0,
      balance: p.balance,
      loss: p.loss,
    });
  }
  for (const s of r.sgd)
    for (const p of s.points)
      rows.push({
        run: `SGD h=${r.h}, data seed ${s.seed}`,
        t: p.t,
        step: p.step,
        u: null,
        dist_to_opt: p.distance,
        from_flow: p.fromFlow,
        off_manifold: p.offManifold,
        balance: p.balance,
        loss: null,
      });
  rows.push({
    run: "Adam (endpoint)",
    t: null,
    step: r.adam.steps,
    u: null,
    dist_to_opt: r.adam.distance,
    from_flow: null,
    off_manifold: r.adam.offManifold,
    balance: r.adam.balance,
    loss: null,
  });
  return rows;
}

export function trainedRows(models: TrainedModel[]): Row[] {
  return models.map((m) => {
    const last = m.checkpoints[m.checkpoints.length - 1];
    return {
      model: m.label,
      seed: m.seed,
      d: m.spec.d,
      N: m.spec.n,
      covariates: m.spec.x.kind,
      step_mean_diag: m.step,
      diag: `(${diagOf(m.G)
        .map((v) => v.toFixed(4))
        .join(", ")})`,
      off_diag_max: m.offDiagMax,
      off_manifold: m.offManifold,
      final_eval_half_mse: last ? last.evalLoss : null,
    };
  });
}

export function lengthRows(rows: LengthRow[], seeds: number[]): Row[] {
  return rows.flatMap((r) => [
    ...r.trained.map((t, i) => ({
      N: r.N,
      M: r.M,
      predictor: `trained (seed ${seeds[i]})`,
      mse: t.mse,
      se: t.mseSe,
      thm42: r.theory,
      thm42_exact: r.exact,
      rel_err: t.mse / r.theory - 1,
    })),
    {
      N: r.N,
      M: r.M,
      predictor: "GD(Γ⁻¹) (Thm 4.1 optimum)",
      mse: r.optimum.mse,
      se: r.optimum.mseSe,
      thm42: r.theory,
      thm42_exact: r.exact,
      rel_err: r.optimum.mse / r.theory - 1,
    },
    ...(r.ols
      ? [{ N: r.N, M: r.M, predictor: "OLS", mse: r.ols.mse, se: r.ols.mseSe, thm42: r.theory, thm42_exact: r.exact, rel_err: null }]
      : []),
  ]);
}

export function taskShiftRows(rows: TaskShiftRow[], seeds: number[], sigma2: number): Row[] {
  return rows.flatMap((r) => [
    ...r.trained.map((t, i) => ({
      M: r.M,
      predictor: `trained (seed ${seeds[i]})`,
      mse: t.mse,
      se: t.mseSe,
      thm42: r.theory.total,
      best_linear: sigma2,
      slope: t.slope,
      slope_theory: r.slopeTheory,
    })),
    {
      M: r.M,
      predictor: "GD(Γ⁻¹)",
      mse: r.optimum.mse,
      se: r.optimum.mseSe,
      thm42: r.theory.total,
      best_linear: sigma2,
      slope: r.optimum.slope,
      slope_theory: r.slopeTheory,
    },
    { M: r.M, predictor: "OLS", mse: r.ols.mse, se: r.ols.mseSe, thm42: null, best_linear: sigma2, slope: r.ols.slope, slope_theory: 1 },
  ]);
}

export function scaleRows(rows: ScaleRow[], seeds: number[]): Row[] {
  return rows.flatMap((r) => [
    ...r.trained.map((t, i) => ({
      c: r.c,
      predictor: `trained (seed ${seeds[i]})`,
      slope: t.slope,
      slope_se: t.slopeSe,
      expected: r.slopeTheory,
      mse: t.mse,
    })),
    { c: r.c, predictor: "OLS", slope: r.ols.slope, slope_se: r.ols.slopeSe, expected: 1, mse: r.ols.mse },
  ]);
}

export function orthogonalRows(r: OrthogonalResult, seeds: number[]): Row[] {
  return [
    ...r.trainedRatio.map((v, i) => ({ layer: `trained (seed ${seeds[i]})`, M: r.M, rms_ratio: v, anisotropy: r.anisotropy[i]! })),
    { layer: "Thm 4.1 global minimum", M: r.M, rms_ratio: r.optimumRatio, anisotropy: 0 },
  ];
}

export function randomCovRows(r: RandomCovResult): Row[] {
  const th = r.theory;
  const rows: Row[] = r.models.map((m, i) => ({
    predictor: `trained (seed ${m.seed})`,
    G: m.step,
    G_theory: th.G,
    slope_indep_query: r.independent[`trained${i}`]!.slope,
    slope_indep_se: r.independent[`trained${i}`]!.slopeSe,
    slope_indep_theory: th.slopeIndependentQuery,
    slope_on_yq: r.fromLambda[`trained${i}`]!.slope,
    slope_on_yq_se: r.fromLambda[`trained${i}`]!.slopeSe,
    slope_on_yq_theory: th.slopeQueryFromLambda,
    limit_N_inf: th.limit,
  }));
  const fd = diagOf(r.fit.G);
  rows.push({
    predictor: "least-squares fit (MC)",
    G: fd.reduce((s, v) => s + v, 0) / fd.length,
    G_theory: th.G,
    slope_indep_query: null,
    slope_indep_se: null,
    slope_indep_theory: null,
    slope_on_yq: null,
    slope_on_yq_se: null,
    slope_on_yq_theory: null,
    limit_N_inf: th.limit,
  });
  rows.push({
    predictor: "OLS",
    G: null,
    G_theory: null,
    slope_indep_query: r.independent.ols!.slope,
    slope_indep_se: r.independent.ols!.slopeSe,
    slope_indep_theory: 1,
    slope_on_yq: r.fromLambda.ols!.slope,
    slope_on_yq_se: r.fromLambda.ols!.slopeSe,
    slope_on_yq_theory: 1,
    limit_N_inf: null,
  });
  return rows;
}
