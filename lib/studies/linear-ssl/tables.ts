/**
 * The rows of the notebook's tables (flat objects; numbers stay numbers so results.csv keeps full
 * precision).
 */
import type { Row } from "../../core/results";
import type { DigitsSummary } from "./claims";
import type { CollapseResult } from "./experiments/collapse";
import type { DirectPredResult } from "./experiments/directpred";
import { liveErrorToPStar, type FixedPointResult } from "./experiments/fixed-points";
import type { B1Row, B2Row, B3Row, B5Run } from "./experiments/jepa-mae";
import type { BasinCell, SweepRow } from "./experiments/sweep";

const list = (xs: readonly number[], d = 5) => xs.map((x) => (Number.isFinite(x) ? x.toFixed(d) : "–")).join(" ");

export function collapseRows(r: CollapseResult): Row[] {
  return r.seeds.flatMap((seed, i) => [
    { check: "A1 no predictor, SimSiam", seed, quantity: "‖W(20)‖/‖W(0)‖", measured: r.a1.ratios[i]!, expected: r.a1.expected },
    {
      check: "A1b no predictor, EMA β=1",
      seed,
      quantity: "log-slope ‖W‖ on [100,200]",
      measured: r.a1b.slopes[i]!,
      expected: r.a1b.expected,
    },
    { check: "A1b", seed, quantity: "log-slope ‖W‖ on [20,40]", measured: r.a1b.earlySlopes[i]!, expected: null },
    { check: "A2 no stop-gradient", seed, quantity: "‖W(50)‖", measured: r.a2.normW50[i]!, expected: 0 },
    { check: "A2 no stop-gradient", seed, quantity: "J(50)", measured: r.a2.loss50[i]!, expected: 0 },
    { check: "A2 contrast: with stop-gradient", seed, quantity: "‖W(50)‖", measured: r.a2.withStopGrad[i]!, expected: null },
  ]);
}

export function fixedPointRows(r: FixedPointResult): Row[] {
  const one = (label: string, run: FixedPointResult["runs"][number], pStar: number[]) => ({
    run: label,
    seed: run.seed,
    live: run.final.live,
    eig_Wp: list(run.final.eigWp),
    sv_W: list(run.final.svW),
    max_err_to_pstar: liveErrorToPStar(run.final.eigWp, run.final.live, pStar),
    asymmetry: run.final.asymmetry,
    commutator: run.final.commutator,
    angle_deg: run.final.angleDeg,
    target_gap: run.final.targetGap,
  });
  return [
    ...r.runs.map((run) => one(`η = ${r.eta}`, run, r.pStar)),
    ...r.runsNoDecay.map((run) => one("η = 0", run, r.pStar)),
    ...r.ema.flatMap((e) => e.runs.map((run) => one(`EMA β = ${e.beta}, η = ${r.eta}, T = ${e.T}`, run, r.pStar))),
  ];
}

export function balanceRows(r: FixedPointResult): Row[] {
  return r.balance.map((b) => ({
    target: b.target,
    eta: b.eta,
    t: b.t,
    C_ratio: b.ratio,
    exp_minus_2eta_t: b.expected,
    rel_err: b.ratio / b.expected - 1,
  }));
}

export function sweepRows(rows: SweepRow[]): Row[] {
  return rows.map((r) => ({
    eta: r.eta,
    modes_with_fixed_point: r.theory,
    live_min: Math.min(...r.live),
    live_max: Math.max(...r.live),
    live_mean: r.live.reduce((s, v) => s + v, 0) / r.live.length,
    top_eig_Wp_mean: r.topP.reduce((s, v) => s + v, 0) / r.topP.length,
    top_pstar: r.topPStar,
    max_err_to_pstar: r.eta > 0 ? Math.max(...r.pErr) : null,
  }));
}

export function basinRows(cells: BasinCell[]): Row[] {
  return cells.map((c) => ({ alpha_p: c.alphaP, s0: c.s0, mean_live: c.mean, se: c.se, live: c.live.join(" ") }));
}

export function directPredRows(r: DirectPredResult): Row[] {
  return r.cases.flatMap((c) =>
    c.runs.map((run) => ({
      case: c.label,
      seed: run.seed,
      T: c.T,
      live: run.final.live,
      eig_Wp: list(run.final.eigWp),
      sv_W: list(run.final.svW),
      norm_W: run.final.normW,
    })),
  );
}

export function digitsRows(s: DigitsSummary): Row[] {
  const rows: Row[] = [];
  const add = (run: string, seed: number, r: DigitsSummary["learned"][number]) =>
    rows.push({
      run,
      seed,
      probe_h: r.eval!.probe,
      probe_C: r.eval!.probeC,
      knn_h: r.eval!.knn,
      probe_z: r.eval!.probeZ,
      zstd: r.eval!.zstd,
      erank_z: r.eval!.erankZ,
      erank_h: r.eval!.erankH,
      final_loss: r.losses.length ? r.losses[r.losses.length - 1]! : null,
    });
  s.learned.forEach((r, i) => add("learned W_p", i, r));
  s.directpred.forEach((r, i) => add("DirectPred", i, r));
  s.identity.forEach((r, i) => add("no predictor (W_p = I)", i, r));
  s.untrained.forEach((r, i) => add("untrained encoder", i, r));
  if (s.pixels?.pixels)
    rows.push({
      run: "raw pixels",
      seed: null,
      probe_h: s.pixels.pixels.probe,
      probe_C: null,
      knn_h: s.pixels.pixels.knn,
      probe_z: null,
      zstd: null,
      erank_z: null,
      erank_h: null,
      final_loss: null,
    });
  return rows;
}

export function b1Rows(rows: B1Row[]): Row[] {
  return rows.map((r) => ({
    kind: r.kind,
    L: r.L,
    t_star_quadrature: r.quadrature,
    t_star_layered: r.layered,
    drift: r.drift,
    wbar_star: r.wbarStar,
    v_star: r.vStar,
    wbar_end: r.wbarEnd,
    v_end: r.vEnd,
  }));
}

export function b2Rows(rows: B2Row[]): Row[] {
  return rows.map((r) => ({
    kind: r.kind,
    L: r.L,
    t_rho_02: r.tStar[0]!,
    t_rho_04: r.tStar[1]!,
    t_rho_06: r.tStar[2]!,
    t_rho_08: r.tStar[3]!,
    ratio_02_over_08: r.ratio,
  }));
}

export function b3Rows(rows: B3Row[]): Row[] {
  return rows.map((r) => ({
    kind: r.kind,
    L: r.L,
    t_feature0_lam1_rho08: r.tStar[0],
    t_feature1_lam15_rho04: r.tStar[1],
    first: r.first === 0 ? "higher ρ" : "higher λ",
    series_0: r.series?.[0] ?? null,
    series_1: r.series?.[1] ?? null,
    series_err_0: r.series ? r.series[0] / r.tStar[0] - 1 : null,
    series_err_1: r.series ? r.series[1] / r.tStar[1] - 1 : null,
    init_over_rho_0: r.initOverRho?.[0] ?? null,
    init_over_rho_1: r.initOverRho?.[1] ?? null,
  }));
}

export function flipRows(flips: { eps: number; flip: number }[]): Row[] {
  return flips.map((f) => ({ eps: f.eps, flip_depth: f.flip }));
}

export function b5Rows(runs: B5Run[]): Row[] {
  return runs.map((r) => ({
    kind: r.kind,
    L: r.L,
    init: r.init,
    seed: r.seed,
    t_gd_0: r.tStar[0]!,
    t_scalar_0: r.scalar[0]!,
    t_gd_1: r.tStar[1]!,
    t_scalar_1: r.scalar[1]!,
    rel_err_0: r.tStar[0]! / r.scalar[0]! - 1,
    rel_err_1: r.tStar[1]! / r.scalar[1]! - 1,
    both_learned_at_end: r.learnedAtEnd.every(Boolean),
    T: r.T,
  }));
}
