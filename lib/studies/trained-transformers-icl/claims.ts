/**
 * The claims of the trained-transformers-icl study (Zhang, Frei, Bartlett): one function per claim,
 * from an experiment's result to a ClaimRecord. Every expected value, tolerance and provenance lives
 * here; test/studies/trained-transformers-icl/claims.test.ts gives each a passing and a failing fixture.
 *
 * Expected values are the closed forms of the paper's theorems (Γ⁻¹ of Thm 4.1, the error of Thm 4.2,
 * the scalar of Thm 4.5, ŷ = 0 of §4.2), computed in lib/topics/icl/zhang.ts: `derived`, since the
 * numbers are ours even though the formulas are the paper's. The paper's only numbers (the GPT-2 runs
 * of Appendix E) are out of CPU scope and not compared. Tolerances (docs/notes/trained-transformers-icl.md,
 * "Tolerances"), fixed before the full run: the notes' table (±2%, ±3% for Z8) where the measurement
 * resolves it (each check carries its standard error, so a tolerance under 2 SE is flagged), 4 SE for
 * Monte Carlo confirmations of a formula, numerical-analysis bounds for the ODE.
 */
import {
  atMost,
  claim,
  close,
  derived,
  design,
  monotone,
  monteCarlo,
  ordered,
  prototype,
  type Check,
  type ClaimRecord,
} from "../../core/claims";
import { diagOf, type Matrix } from "../../core/linalg";
import { maxDiagRelErr, offDiagRel } from "../../topics/icl/metrics";
import type { FitResult } from "./experiments/fit";
import type { FlowStudy } from "./experiments/flow";
import type { LengthRow, PromptLengthResult } from "./experiments/prompt-length";
import type { RandomCovResult } from "./experiments/random-cov";
import type { OrthogonalResult, ScaleRow, TaskShiftRow } from "./experiments/shifts";

// ---------------------------------------------------------------------------------------------
// Provenances and tolerances, each stated once

const GAMMA_INV = derived("Thm 4.1 / Lemma 5.3: every global minimum has uU = Γ⁻¹, Γ = (1+1/N)Λ + tr(Λ)/N·I (lib/topics/icl/zhang.ts)");
const LIMIT_U = derived("Lemma 5.4: u(∞) = ‖Γ⁻¹‖_F^{1/2} = tr(Γ⁻²)^{1/4}, U(∞) = Γ⁻¹/u(∞)");
const THM42 = derived("Thm 4.2 (exact for Gaussian x; isotropic form d(d+1)/γ²·(1/M + (d+1)/N²)), zhang.ts");
const THM42_TASK = derived("Thm 4.2 for a fixed task y = ⟨w,x⟩ + ε: a = w, Σ = (‖w‖²_Λ + σ²)Λ + Λwwᵀ Λ, best error σ² (zhang.ts)");
const SLOPE_43 = derived(
  "eq. (4.3): E[ŷ | x_q, w] = x_qᵀ Γ⁻¹ Λ_test w, so the slope on ⟨w, x_q⟩ is c²/γ for Λ_test = c²I, γ = 1 + (d+1)/N",
);
const THM45 = derived("Thm 4.5 with iid Exponential(1) entries: G = Eλ²/((N+1)/N·Eλ³ + E[tr Λ λ²]/N) = 2/7 at d = 5, N = 20 (→ 1/3)");
const ZERO = derived("§4.2: ŷ = x_qᵀΓ⁻¹(1/M)Σ y_i x_i = 0 when x_q ⊥ span{x_i} and Γ⁻¹ ∝ I (Λ = I)");
const OLS_ONE = derived("OLS recovers w exactly from M > d noiseless pairs at any covariate scale: slope 1");

/** The notes' tolerance for trained preconditioners and errors (Z1, Z3, Z4-Z7). */
const TOL = 0.02;
/** Z8 (random covariances: heavier-tailed data, the notes' ±3%). */
const TOL_Z8 = 0.03;
/** Monte Carlo confirmations of a formula: 4 SE (batch-means or sample SE; up to ~10 tests per claim). */
const MC_K = 4;
/** Z2: the RK4 flow at t = T against the limit (transient ~1e-9 at T = 60; a wrong Γ moves it ≥ 1e-2). */
const TOL_FLOW = 1e-6;
/** Z2: RK4 at dt vs dt/2 must be 10x below the headline tolerance, so the integrator cannot decide the verdict. */
const TOL_HALVING = TOL_FLOW / 10;
/** Z2: conservation of u² − ‖U‖²_F by RK4 (not exact for RK4: O(dt⁴) drift; resolved at the headline's 1e-6). */
const TOL_BALANCE = TOL_FLOW;
/**
 * Z3 SGD vs flow: max over t of ‖G_SGD(t) − G_flow(t)‖_F/‖Γ⁻¹‖_F, and SGD's final distance to Γ⁻¹.
 * Set from a prototype run at these settings (h = 0.02, batch 2048, two data seeds): the SGD noise
 * floor reached 1.6% and 1.9% (max over 21 times); the Euler part is 0.55%. 4%, about twice the
 * prototype, still far below the distance the flow travels (90% → 0).
 */
const TOL_SGD = 0.04;
/** Off-manifold blocks a_x, b_y (0 in the population flow; sampled batches move them). */
const TOL_OFF = 0.05;
/** Z9: RMS(ŷ) for orthogonal queries over RMS(ŷ) for ordinary ones, trained layer. */
const TOL_ORTH = 0.05;

// ---------------------------------------------------------------------------------------------
// Z1: the least-squares optimum of the GD family is Γ⁻¹

export function claimZ1(r: FitResult): ClaimRecord {
  const t = diagOf(r.target);
  return claim({
    id: "Z1",
    statement:
      "The global minimum of the population loss implements one preconditioned GD step with G = Γ⁻¹, Γ = (1+1/N)Λ + tr(Λ)/N·I (a least-squares fit of G over all d x d matrices finds it)",
    source: "Zhang et al. Thm 4.1, Lemma 5.3; notes §3b Z1",
    headline: {
      label: `fitted G vs Γ⁻¹ = diag(${r.exact.join(", ")}), Λ = diag(${r.Lambda.join(", ")}), N = ${r.N}`,
      checks: t.map((ti, i) =>
        close({ label: `G_${i + 1}${i + 1}`, measured: r.fit.G[i]![i]!, expected: ti, rel: TOL, se: r.fit.se[i]![i]!, from: GAMMA_INV }),
      ),
    },
    supporting: [
      {
        label: `Monte Carlo: each diagonal entry within ${MC_K} SE; off-diagonal below 0.01`,
        checks: [
          ...t.map((ti, i) =>
            monteCarlo({
              label: `G_${i + 1}${i + 1} (${MC_K} SE)`,
              estimate: r.fit.G[i]![i]!,
              se: r.fit.se[i]![i]!,
              expected: ti,
              k: MC_K,
              from: GAMMA_INV,
            }),
          ),
          atMost({
            label: "max |G_ij|, i ≠ j",
            measured: Math.max(...r.fit.G.flatMap((row, i) => row.filter((_, j) => j !== i).map(Math.abs))),
            bound: 0.01,
            from: GAMMA_INV,
          }),
        ],
      },
    ],
    note: `${r.fit.tasks} tasks; batch-means SEs (20 groups)`,
  });
}

// ---------------------------------------------------------------------------------------------
// Z2: the reduced gradient flow converges to the global minimum

export function claimZ2(r: FlowStudy): ClaimRecord {
  const end = r.rk4.points[r.rk4.points.length - 1]!;
  const uStar = diagOf(r.target.U);
  return claim({
    id: "Z2",
    statement:
      "Gradient flow from the balanced initialisation (σ²‖Γ‖√d < 2) converges to the global minimum: uU → Γ⁻¹, u → tr(Γ⁻²)^{1/4}, U → Γ⁻¹/u (Lemma 5.2 flow integrated by RK4)",
    source: "Zhang et al. Thm 4.1, Lemmas 5.2, 5.4; notes §3b Z2",
    headline: {
      label: `RK4 (dt = ${r.rk4.dt}) at t = ${end.t}, Λ = diag(${r.Lambda.join(", ")}), N = ${r.N}, σ = ${r.sigmaInit}`,
      checks: [
        atMost({ label: "‖uU − Γ⁻¹‖_F/‖Γ⁻¹‖_F", measured: end.distance, bound: TOL_FLOW, from: GAMMA_INV }),
        close({ label: "u(T)", measured: end.u, expected: r.target.u, rel: TOL_FLOW, from: LIMIT_U }),
        ...uStar.map((v, i) =>
          close({ label: `U_${i + 1}${i + 1}(T)`, measured: end.U[i]![i]!, expected: v, rel: TOL_FLOW, from: LIMIT_U }),
        ),
      ],
    },
    supporting: [
      {
        label: "the integration is accurate and the flow's invariants hold",
        checks: [
          atMost({
            label: `max |ΔG|, RK4 dt = ${r.rk4.dt} vs ${r.rk4Half.dt}`,
            measured: r.halvingError,
            bound: TOL_HALVING,
            from: design("the discretisation error must sit 10x below the headline tolerance so that it cannot decide the verdict"),
          }),
          atMost({
            label: "max |u² − ‖U‖²_F| over t",
            measured: Math.max(...r.rk4.points.map((p) => Math.abs(p.balance))),
            bound: TOL_BALANCE,
            from: derived("d/dt(u² − ‖U‖²_F) = 0 along the flow, 0 at the balanced init (notes §3a)"),
          }),
          atMost({
            label: "σ²‖Γ‖_op√d (the theorem's premise)",
            measured: r.initCondition,
            bound: 2,
            strict: true,
            from: derived("Thm 4.1's initialisation condition"),
          }),
          monotone({
            // once uU is within 1e-6 of Γ⁻¹ the loss sits at its minimum up to float64 rounding, where "decreasing" is noise
            label: "loss decreases along the flow (until ‖uU − Γ⁻¹‖/‖Γ⁻¹‖ < 1e-6)",
            values: r.rk4.points.filter((p, k) => k % 10 === 0 && p.distance > TOL_FLOW).map((p) => p.loss),
            direction: "decreasing",
            strict: false,
            from: derived("gradient flow never increases the loss"),
          }),
        ],
      },
    ],
    note: `Euler at the SGD step h = ${r.h} differs from RK4 by at most ${r.eulerError.toExponential(2)} in G (the discretisation part of Z3's SGD error)`,
  });
}

// ---------------------------------------------------------------------------------------------
// Z3: the trained layer

export function claimZ3(r: FlowStudy): ClaimRecord {
  const whiten = offDiagRel(r.adam.G, r.target.G);
  const maxFromFlow = (s: { points: { fromFlow: number }[] }) => Math.max(...s.points.map((p) => p.fromFlow).filter(Number.isFinite));
  return claim({
    id: "Z3",
    statement:
      "The full LSA (both matrices, every block that reaches ŷ) trained from the balanced initialisation reaches uU = Γ⁻¹ with the off-diagonal blocks at 0",
    source: "Zhang et al. Thm 4.1, Lemma 5.2; notes §3b Z3",
    headline: {
      label: `Adam, ${r.adam.steps} steps, from the same initial matrices as the flow`,
      checks: [
        atMost({ label: "max |G_ii/(Γ⁻¹)_ii − 1|", measured: maxDiagRelErr(r.adam.G, r.target.G), bound: TOL, from: GAMMA_INV }),
        atMost({ label: "max |G_ij|/√(Γ⁻¹_ii Γ⁻¹_jj), i ≠ j", measured: whiten, bound: TOL, from: GAMMA_INV }),
      ],
    },
    supporting: [
      {
        label: `plain SGD (step h = ${r.h}, fresh batches) follows the flow: step k at t = k·h`,
        checks: [
          ...r.sgd.map((s) =>
            atMost({
              label: `data seed ${s.seed}: max over t of ‖G_SGD − G_flow‖_F/‖Γ⁻¹‖_F`,
              measured: maxFromFlow(s),
              bound: TOL_SGD,
              from: prototype(
                "docs/notes/trained-transformers-icl.md, Tolerances: the SGD noise floor of a prototype run at these settings",
              ),
            }),
          ),
          ...r.sgd.map((s) =>
            atMost({
              label: `data seed ${s.seed}: ‖uU − Γ⁻¹‖_F/‖Γ⁻¹‖_F at t = ${s.points[s.points.length - 1]!.t}`,
              measured: s.points[s.points.length - 1]!.distance,
              bound: TOL_SGD,
              from: prototype(
                "docs/notes/trained-transformers-icl.md, Tolerances: the SGD noise floor of a prototype run at these settings",
              ),
            }),
          ),
        ],
      },
      {
        label: "the off-diagonal blocks (a_x = w^PV_21, b_y = w^KQ_21) stay near 0",
        checks: [
          atMost({
            label: "Adam: max(‖a_x‖, ‖b_y‖)",
            measured: r.adam.offManifold,
            bound: TOL_OFF,
            from: design("0 in the population flow; batch noise moves them, 0.05 is 5% of u"),
          }),
          ...r.sgd.map((s) =>
            atMost({
              label: `SGD seed ${s.seed}: max over t of max(‖a_x‖, ‖b_y‖)`,
              measured: Math.max(...s.points.map((p) => p.offManifold)),
              bound: TOL_OFF,
              from: design("0 in the population flow; batch noise moves them, 0.05 is 5% of u"),
            }),
          ),
        ],
      },
    ],
    note: "the paper's a_x = b_y = 0 holds for the population flow; with sampled batches these blocks get mean-zero gradient noise (odd in w), so they are small but not exactly 0",
  });
}

// ---------------------------------------------------------------------------------------------
// Z4/Z5: test error against prompt length (Thm 4.2)

function optimumChecks(rows: LengthRow[]): Check[] {
  return rows.map((row) =>
    monteCarlo({
      label: `GD(Γ⁻¹), N = ${row.N}, M = ${row.M}`,
      estimate: row.optimum.mse,
      se: row.optimum.mseSe,
      expected: row.theory,
      k: MC_K,
      from: THM42,
    }),
  );
}

export function claimZ4(r: PromptLengthResult, headlineMs: number[]): ClaimRecord {
  const rows = r.rows.filter((row) => headlineMs.includes(row.M));
  const last = r.rows[r.rows.length - 1]!;
  const seeds = r.models.map((m) => m.seed);
  return claim({
    id: "Z4",
    statement: `The trained layer's test error on prompts of length M follows Thm 4.2: d(d+1)/γ²·(1/M + (d+1)/N²) for Λ = I (d = ${r.d}, N = ${r.N}), O(1/M + 1/N²)`,
    source: "Zhang et al. Thm 4.2, Cor. 4.3; notes §3b Z4",
    headline: {
      label: `trained layers (seeds ${seeds.join(", ")}), MSE vs Thm 4.2 at M ∈ {${headlineMs.join(", ")}}`,
      checks: rows.flatMap((row) =>
        row.trained.map((t, i) =>
          close({
            label: `seed ${seeds[i]}, M = ${row.M} (${row.exact})`,
            measured: t.mse,
            expected: row.theory,
            rel: TOL,
            se: t.mseSe,
            from: THM42,
          }),
        ),
      ),
    },
    supporting: [
      { label: `the formula: GD with G = Γ⁻¹ on the same tasks, within ${MC_K} SE at every M`, checks: optimumChecks(r.rows) },
      {
        label: `the gap to the best linear predictor does not vanish as M → ∞ at fixed N: at M = ${last.M} OLS beats the trained layer`,
        checks: last.ols
          ? last.trained.map((t, i) =>
              ordered({
                label: `seed ${seeds[i]}, M = ${last.M}`,
                larger: { name: "trained", value: t.mse, se: t.mseSe },
                smaller: { name: "OLS", value: last.ols!.mse, se: last.ols!.mseSe },
                from: THM42,
              }),
            )
          : [atMost({ label: "OLS evaluated", measured: 1, bound: 0, from: THM42 })],
      },
    ],
    note: "all M of the table are shown in the figure; the headline uses the three lengths of the notes' table, fixed before the run",
  });
}

export function claimZ5(r: { d: number; rows: LengthRow[]; models: { seed: number }[] }): ClaimRecord {
  return claim({
    id: "Z5",
    statement: `At M = N the trained layer's error is d(d+1)/(N+d+1) (Thm 4.2, Λ = I, d = ${r.d})`,
    source: "Zhang et al. Thm 4.2; notes §3b Z5",
    headline: {
      label: "one trained layer per N, evaluated at M = N",
      checks: r.rows.map((row) =>
        close({
          label: `N = M = ${row.N} (${row.exact})`,
          measured: row.trained[0]!.mse,
          expected: row.theory,
          rel: TOL,
          se: row.trained[0]!.mseSe,
          from: THM42,
        }),
      ),
    },
    supporting: [{ label: `the formula: GD with G = Γ⁻¹ within ${MC_K} SE`, checks: optimumChecks(r.rows) }],
  });
}

// ---------------------------------------------------------------------------------------------
// Z6: task shift is tolerated

export function claimZ6(r: { w: number[]; sigma2: number; rows: TaskShiftRow[] }, seeds: number[]): ClaimRecord {
  const wn = Math.hypot(...r.w);
  return claim({
    id: "Z6",
    statement:
      "Task shift is tolerated: on a fixed task y = ⟨w, x⟩ + ε outside the training prior, the trained layer's error is the best linear error plus O(1/M + 1/N²), as Thm 4.2 gives it",
    source: "Zhang et al. §4.2 (task shift), Thm 4.2; notes §3b Z6",
    headline: {
      label: `fixed w (‖w‖ = ${wn.toFixed(2)}), σ² = ${r.sigma2}: MSE vs Thm 4.2 for that task`,
      checks: r.rows.flatMap((row) =>
        row.trained.map((t, i) =>
          close({
            label: `seed ${seeds[i]}, M = ${row.M}`,
            measured: t.mse,
            expected: row.theory.total,
            rel: TOL,
            se: t.mseSe,
            from: THM42_TASK,
          }),
        ),
      ),
    },
    supporting: [
      {
        label: "ŷ tracks ⟨w, x_q⟩ with the slope 1/γ of (4.3), and the excess error over σ² shrinks with M",
        checks: [
          ...r.rows.flatMap((row) =>
            row.trained.map((t, i) =>
              close({
                label: `seed ${seeds[i]}, M = ${row.M}: slope`,
                measured: t.slope,
                expected: row.slopeTheory,
                rel: TOL,
                se: t.slopeSe,
                from: SLOPE_43,
              }),
            ),
          ),
          ...seeds.map((s, i) =>
            monotone({
              label: `seed ${s}: MSE − σ² over M = ${r.rows.map((row) => row.M).join(", ")}`,
              values: r.rows.map((row) => row.trained[i]!.mse - r.sigma2),
              direction: "decreasing",
              se: r.rows.map((row) => row.trained[i]!.mseSe),
              from: THM42_TASK,
            }),
          ),
        ],
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Z7: covariate scaling is not tolerated

export function claimZ7(r: { M: number; rows: ScaleRow[] }, seeds: number[]): ClaimRecord {
  return claim({
    id: "Z7",
    statement:
      "Covariate shift is not tolerated: with test covariates scaled by c the prediction scales as c²·⟨w, x_q⟩/γ, while OLS is scale-invariant",
    source: "Zhang et al. §4.2 (covariate shift); notes §3b Z7",
    headline: {
      label: `slope of ŷ on ⟨w, x_q⟩ vs c²/γ, M = ${r.M}`,
      checks: r.rows.flatMap((row) =>
        row.trained.map((t, i) =>
          close({
            label: `seed ${seeds[i]}, c = ${row.c}`,
            measured: t.slope,
            expected: row.slopeTheory,
            rel: TOL,
            se: t.slopeSe,
            from: SLOPE_43,
          }),
        ),
      ),
    },
    supporting: [
      {
        label: "OLS on the same tasks keeps slope 1",
        checks: r.rows.map((row) => close({ label: `OLS, c = ${row.c}`, measured: row.ols.slope, expected: 1, abs: 1e-3, from: OLS_ONE })),
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Z8: random covariances

export function claimZ8(r: RandomCovResult): ClaimRecord {
  const th = r.theory;
  const seeds = r.models.map((m) => m.seed);
  return claim({
    id: "Z8",
    statement: `Trained on random diagonal Exponential(1) covariances, the layer learns the scalar G = ${th.G.toFixed(4)} of Thm 4.5 (→ 1/3 as N → ∞), not the linear model: ŷ ≈ G·x_qᵀΛ_new w`,
    source: "Zhang et al. §4.3, Thm 4.5; notes §3b Z8 (with its caveat on how x_q is drawn)",
    headline: {
      label: `trained preconditioner (mean of diag Γ_eff), d = ${r.d}, N = ${r.N}`,
      checks: r.models.map((m) => close({ label: `seed ${m.seed}`, measured: m.step, expected: th.G, rel: TOL_Z8, from: THM45 })),
    },
    supporting: [
      {
        label: "the predictions: slope G with x_q independent of Λ_new, 2G on y_q with x_q ~ N(0, Λ_new); OLS slope 1",
        checks: [
          ...seeds.map((s, i) => {
            const e = r.independent[`trained${i}`]!;
            return close({
              label: `seed ${s}: slope on ⟨w, x_q⟩, x_q ~ N(0, I)`,
              measured: e.slope,
              expected: th.slopeIndependentQuery,
              rel: TOL_Z8,
              se: e.slopeSe,
              from: THM45,
            });
          }),
          ...seeds.map((s, i) => {
            const e = r.fromLambda[`trained${i}`]!;
            return close({
              label: `seed ${s}: slope on y_q, x_q ~ N(0, Λ_new)`,
              measured: e.slope,
              expected: th.slopeQueryFromLambda,
              rel: TOL_Z8,
              se: e.slopeSe,
              from: THM45,
            });
          }),
          close({ label: "OLS slope on ⟨w, x_q⟩", measured: r.independent.ols!.slope, expected: 1, abs: 1e-3, from: OLS_ONE }),
        ],
      },
      {
        label: `the optimum itself: least-squares fit of G on the training distribution, within ${MC_K} SE`,
        checks: diagOf(r.fit.G).map((g, i) =>
          monteCarlo({ label: `G_${i + 1}${i + 1}`, estimate: g, se: r.fit.se[i]![i]!, expected: th.G, k: MC_K, from: THM45 }),
        ),
      },
    ],
    note: `N → ∞ limit 1/3 is not reachable at N = ${r.N} (G = ${th.G.toFixed(4)}); the paper's "1/3" is the slope for a fixed x_q, so x_q must be drawn independently of Λ_new (with x_q ~ N(0, Λ_new) the slope on y_q is 2G)`,
  });
}

// ---------------------------------------------------------------------------------------------
// Z9: a query orthogonal to the context

export function claimZ9(r: OrthogonalResult, seeds: number[]): ClaimRecord {
  return claim({
    id: "Z9",
    statement: "If the query is orthogonal to every context covariate (M < d, Λ = I), the trained layer predicts ŷ = 0",
    source: "Zhang et al. §4.2 (query shift); notes §3b Z9",
    headline: {
      label: `trained layers, M = ${r.M}: RMS(ŷ) for orthogonal queries / RMS(ŷ) for ordinary queries`,
      checks: r.trainedRatio.map((v, i) =>
        atMost({
          label: `seed ${seeds[i]} (its Γ_eff anisotropy ${r.anisotropy[i]!.toExponential(1)})`,
          measured: v,
          bound: TOL_ORTH,
          from: design("0 at the global minimum; a trained Γ_eff within 2% of Γ⁻¹ leaves ≲ 2%, an anisotropic G gives O(1)"),
        }),
      ),
    },
    supporting: [
      {
        label: "the global minimum of Thm 4.1 (the layer's exact form): ŷ = 0 up to float32",
        checks: [atMost({ label: "RMS(ŷ)/RMS(y_q)", measured: r.optimumAbs, bound: 1e-5, from: ZERO })],
      },
    ],
  });
}

/** A helper for tables: Γ⁻¹'s diagonal. */
export function targetDiag(G: Matrix): number[] {
  return diagOf(G);
}
