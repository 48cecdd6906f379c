/**
 * Every claim of the study with hand-made results: one that reproduces, one whose headline fails
 * (not reproduced) and, where a claim has supporting parts, one where only those fail (partly). The
 * per-seed fixtures are small arrays with a little spread so the t-intervals are finite.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as C from "../../../lib/studies/moment-probing/claims";
import type { UnitResults } from "../../../lib/studies/moment-probing/experiments/units";

/** Five seeds around `m` (spread ±0.01). */
const around = (m: number) => [m - 0.01, m + 0.005, m, m + 0.01, m - 0.005];
const verdict = (r: { verdict: string }) => r.verdict;

function units(overrides: Partial<UnitResults> = {}): UnitResults {
  return {
    u1: [
      { label: "paper", formula: 2883, layer: 2883, expected: 2883 },
      { label: "h128", formula: 147, layer: 147, expected: 147 },
    ],
    u2: {
      lpLayer: 769_000,
      mpLayer: 4_047_146,
      mpFormula: 4_047_146,
      mpClassifiersLayer: 3_653_000,
      mpClassifiersFormula: 3_653_000,
      psrpLayer: 36_864,
      psrpFormula: 36_864,
      psrp12: 442_368,
      vitBBackbone: 85_798_656,
    },
    u3: { transposeErr: 0, symmetryErr: 0, minEig: 0.1 },
    u4: { maxNormDeviation: 1e-7, zeroColumnMax: 0 },
    u5: { scalarGrandMean: 1e-8, scalarChannelMeanMax: 0.8, channelChannelMeanMax: 1e-7 },
    u6: { maxDiff: 1e-8, scale: 2 },
    u7: { firstOnlyVsLp: 0, avgVsBranches: 0, avgVsConcat: 3e-8 },
    u8: { blockMaxDiff: 0 },
    u9: { x: [-3, -1, 0, 1, 3], value: [-0.00405, -0.15866, 0, 0.84134, 2.99595] },
    ...overrides,
  };
}

test("U2: the README counts reproduce from exact layer counts; a wrong count fails", () => {
  assert.equal(verdict(C.claimU2(units().u2)), "reproduced");
  assert.equal(C.claimU2(units().u2).basis, "paper");
  assert.equal(verdict(C.claimU2({ ...units().u2, mpClassifiersLayer: 3_700_000 })), "not reproduced");
  // the README's rounding still holds but the exact formula disagrees: supporting fails
  assert.equal(verdict(C.claimU2({ ...units().u2, mpFormula: 4_047_000 })), "partly");
});

test("U1, U3-U9 are sanity checks that hold for a correct implementation and fail otherwise", () => {
  const ok = C.unitChecks(units());
  assert.deepEqual(
    ok.map((r) => r.id),
    ["U1", "U3", "U4", "U5", "U6", "U7", "U8", "U9"],
  );
  assert.ok(ok.every((r) => r.kind === "check" && r.verdict === "holds"));
  const bad = C.unitChecks(
    units({
      u5: { scalarGrandMean: 1e-8, scalarChannelMeanMax: 0.01, channelChannelMeanMax: 1e-7 },
      u8: { blockMaxDiff: 1e-7 },
      u9: { x: [0], value: [0.01] },
    }),
  );
  assert.deepEqual(
    bad.filter((r) => r.verdict === "fails").map((r) => r.id),
    ["U5", "U8", "U9"],
  );
});

test("S0: LP at chance holds for 1/4 and fails for a leak", () => {
  assert.equal(verdict(C.checkLpAtChance({ settings: [{ label: "a", successes: 630, trials: 2500 }] })), "holds");
  assert.equal(verdict(C.checkLpAtChance({ settings: [{ label: "a", successes: 800, trials: 2500 }] })), "fails");
});

test("LP-conv: holds when every fit converged", () => {
  assert.equal(verdict(C.checkProbeConvergence({ sections: [{ label: "x", fits: 10, converged: 10, maxIterations: 40 }] })), "holds");
  assert.equal(verdict(C.checkProbeConvergence({ sections: [{ label: "x", fits: 10, converged: 9, maxIterations: 500 }] })), "fails");
});

test("S1: MP ≥ 0.90 decides; the covariance probe is supporting", () => {
  assert.equal(verdict(C.claimS1({ mp: around(0.95), fullcov: around(0.98), bayes: around(0.99) })), "reproduced");
  assert.equal(verdict(C.claimS1({ mp: around(0.8), fullcov: around(0.98), bayes: around(0.99) })), "not reproduced");
  assert.equal(verdict(C.claimS1({ mp: around(0.95), fullcov: around(0.9), bayes: around(0.99) })), "partly");
});

function s2(mpAt: (N: number, a: number) => number, lp = 0.25): C.S2Setting[] {
  const grid = [
    [16, 0.3, 0.6],
    [16, 0.5, 0.9],
    [32, 0.3, 0.8],
    [32, 0.5, 0.99],
  ] as const;
  return grid.map(([N, alpha, cov]) => ({
    label: `N=${N} α=${alpha}`,
    N,
    alpha,
    acc: {
      bayes: around(Math.min(1, cov + 0.01)),
      lp: around(lp),
      fullcov: around(cov),
      moment2: around(cov),
      mhc3rand: around(cov - 0.1),
      mp: around(mpAt(N, alpha)),
    },
  }));
}

test("S2: monotone rise decides; the method ordering is supporting", () => {
  const good = (N: number, a: number) =>
    (({ "16,0.3": 0.6, "16,0.5": 0.89, "32,0.3": 0.79, "32,0.5": 0.98 }) as Record<string, number>)[`${N},${a}`]!;
  assert.equal(verdict(C.claimS2({ settings: s2(good) })), "reproduced");
  // MP falls from N=16 to N=32 at α = 0.3: the rise fails
  const flat = (N: number, a: number) =>
    (({ "16,0.3": 0.85, "16,0.5": 0.89, "32,0.3": 0.7, "32,0.5": 0.98 }) as Record<string, number>)[`${N},${a}`]!;
  assert.equal(verdict(C.claimS2({ settings: s2(flat) })), "not reproduced");
  // MHC³-rand − LP is only 0.1 somewhere: a supporting ordering fails
  assert.equal(verdict(C.claimS2({ settings: s2(good, 0.45) })), "partly");
});

test("S3: the fixed-projection leak decides; the learned head and LP are supporting", () => {
  const base = {
    lp: around(0.95),
    mp: around(0.94),
    randChannel: around(0.24),
    randScalar: around(0.42),
    learnedScalar: around(0.9),
    learnedChannel: around(0.65),
    learnedChannelNoLN: around(0.25),
  };
  assert.equal(verdict(C.claimS3(base)), "reproduced");
  assert.match(C.claimS3(base).note, /finding: a learned projection/);
  assert.equal(verdict(C.claimS3({ ...base, randChannel: around(0.4) })), "not reproduced");
  assert.equal(verdict(C.claimS3({ ...base, mp: around(0.8) })), "partly");
});

test("S4: the blind spot decides; full covariance and within-head maps are supporting", () => {
  const base = {
    projI: around(0.26),
    projLearned: around(0.9),
    within: around(0.8),
    fullcov: around(0.93),
    fixedProjI: around(0.27),
    fixedWithin: around(0.75),
  };
  assert.equal(verdict(C.claimS4(base)), "reproduced");
  assert.equal(verdict(C.claimS4({ ...base, projI: around(0.6) })), "not reproduced");
  assert.equal(verdict(C.claimS4({ ...base, within: around(0.56) })), "partly");
});

test("S5: both branches not worse than the better single branch by 0.02", () => {
  const g = (both: number) => ({ label: "G", both: around(both), first: around(0.25), second: around(0.77) });
  assert.equal(verdict(C.claimS5({ generators: [g(0.78)] })), "reproduced");
  assert.equal(verdict(C.claimS5({ generators: [g(0.7)] })), "not reproduced");
});

test("D1: MP ≥ 0.85 decides; LP near chance is supporting", () => {
  assert.equal(verdict(C.claimD1({ k: 20, lp: around(0.2), mp: around(0.9) })), "reproduced");
  assert.equal(verdict(C.claimD1({ k: 20, lp: around(0.2), mp: around(0.8) })), "not reproduced");
  assert.equal(verdict(C.claimD1({ k: 20, lp: around(0.4), mp: around(0.9) })), "partly");
});

test("D2: MP − LP ≥ 0.1 decides; the LP level and the prototype values are supporting", () => {
  const act = (lp20: number, mp: number) => ({
    activation: "tanh",
    lp: { 5: around(0.47), 20: around(lp20), 100: around(0.81) },
    mp: around(mp),
  });
  assert.equal(verdict(C.claimD2({ k: 20, lpLinear: around(0.2), activations: [act(0.72, 0.9)] })), "reproduced");
  assert.equal(verdict(C.claimD2({ k: 20, lpLinear: around(0.2), activations: [act(0.72, 0.75)] })), "not reproduced");
  // LP at k = 20 far from the prototype's 0.72 (beyond 2·sd·√(1 + 1/n) ≈ 0.02) but MP still 0.2 above it
  assert.equal(verdict(C.claimD2({ k: 20, lpLinear: around(0.2), activations: [act(0.6, 0.85)] })), "partly");
});

test("D3: mean + cov equivalent to cov within ±0.02", () => {
  assert.equal(
    verdict(C.claimD3({ cells: [{ activation: "linear", k: 20, meancov: around(0.9), fullcov: around(0.9).map((x) => x + 0.002) }] })),
    "reproduced",
  );
  assert.equal(
    verdict(C.claimD3({ cells: [{ activation: "linear", k: 20, meancov: around(0.95), fullcov: around(0.9) }] })),
    "not reproduced",
  );
});

test("P1: MP > LP decides; MP+ not worse than MP is supporting", () => {
  assert.equal(verdict(C.claimP1({ lp: around(0.8), mp: around(0.9), mpPlus: around(0.91) })), "reproduced");
  assert.equal(verdict(C.claimP1({ lp: around(0.9), mp: around(0.9), mpPlus: around(0.91) })), "not reproduced");
  assert.equal(verdict(C.claimP1({ lp: around(0.8), mp: around(0.9), mpPlus: around(0.85) })), "partly");
  assert.equal(C.claimP1({ lp: around(0.8), mp: around(0.9), mpPlus: around(0.91) }).basis, "design");
});

test("P2: MP > LP at k ≤ 4 decides; FT worst at one shot is supporting", () => {
  const shot = (k: number, mp: number, ft: number) => ({ k, lp: around(0.4), mp: around(mp), mpPlus: around(mp + 0.01), ft: around(ft) });
  assert.equal(verdict(C.claimP2({ shots: [shot(1, 0.5, 0.3), shot(4, 0.7, 0.6), shot(8, 0.8, 0.8)] })), "reproduced");
  assert.equal(verdict(C.claimP2({ shots: [shot(1, 0.4, 0.3), shot(4, 0.7, 0.6)] })), "not reproduced");
  assert.equal(verdict(C.claimP2({ shots: [shot(1, 0.5, 0.45), shot(4, 0.7, 0.6)] })), "partly");
});

test("P3: MP+ > MP > LP on the shifted task", () => {
  assert.equal(verdict(C.claimP3({ shift: "invert", lp: around(0.5), mp: around(0.8), mpPlus: around(0.85) })), "reproduced");
  assert.equal(verdict(C.claimP3({ shift: "invert", lp: around(0.5), mp: around(0.85), mpPlus: around(0.84) })), "not reproduced");
});

test("P4, P4-paper, P4-scale: the MP ratio decides, MP+ and FT are supporting", () => {
  const r = (MP: number, plus: number, FT: number) => ({ LP: 1, MP, "MP+": plus, FT });
  assert.equal(verdict(C.claimP4({ cached: r(2, 6, 7) })), "reproduced");
  assert.equal(verdict(C.claimP4({ cached: r(1086, 3039, 2972) })), "not reproduced");
  assert.equal(verdict(C.claimP4({ cached: r(2, 4, 7) })), "partly");
  assert.equal(verdict(C.claimP4Paper({ uncached: r(1.2, 2.3, 2.6) })), "reproduced");
  assert.equal(verdict(C.claimP4Paper({ uncached: r(2.09, 3.06, 2.99) })), "not reproduced");
  assert.equal(verdict(C.claimP4Scale({ paperScale: r(1.01, 1.98, 2.99) })), "partly");
});
