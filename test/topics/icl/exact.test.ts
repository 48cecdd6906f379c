/**
 * Exact values (mathjs fractions) against the float closed forms, and the symbolic derivation of
 * η* as the root of the derivative of the one-step risk.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { etaStar, etaStarIid, riskStar } from "../../../lib/topics/icl/closed-forms";
import {
  checkEtaStarDerivation,
  deriveEtaStar,
  etaStarExact,
  ETA_STAR_CLOSED_FORM,
  formatFraction,
  riskStarExact,
  sameOnGrid,
} from "../../../lib/topics/icl/exact";
import * as math from "mathjs";

test("η* and the GD risk as fractions, equal to the float closed forms", () => {
  // hand-worked: 20/(20+5+1+1/2) = 40/53; 5·6.5/26.5 + 1/2 = 65/53 + 1/2 = 183/106
  assert.equal(formatFraction(etaStarExact({ n: 20, d: 5, sigma2: 0.5 })), "40/53");
  assert.equal(formatFraction(riskStarExact({ n: 20, d: 5, sigma2: 0.5 })), "183/106");
  assert.equal(formatFraction(etaStarExact({ n: 10, d: 5, sigma2: 0 })), "5/8");
  assert.equal(formatFraction(riskStarExact({ n: 40, d: 8, sigma2: 1 })), "13/5");
  assert.equal(formatFraction(etaStarExact({ n: 40, d: 8, sigma2: "1" })), "4/5");
  for (const [n, d, s] of [
    [10, 5, 0],
    [20, 5, 0.5],
    [10, 10, 0],
    [40, 8, 1],
    [20, 5, 4],
  ] as const) {
    assert.ok(Math.abs(math.number(etaStarExact({ n, d, sigma2: s })) - etaStar({ n, d, sigma2: s })) < 1e-15);
    assert.ok(Math.abs(math.number(riskStarExact({ n, d, sigma2: s })) - riskStar({ n, d, sigma2: s })) < 1e-14);
  }
  assert.throws(() => etaStarExact({ n: 20, d: 5, sigma2: -1 }), /non-negative/);
  assert.throws(() => riskStarExact({ n: 0, d: 5, sigma2: 0 }), /positive integer/);
});

test("symbolic: dR/dη = 0 at η* = n/(n+d+1+σ²), R(η*) is the closed-form risk, R is convex", () => {
  const c = checkEtaStarDerivation();
  assert.ok(c.rootMatches, `root ${c.derivation.root}`);
  assert.ok(c.riskMatches, "R at the root");
  assert.ok(c.convex, `curvature ${c.derivation.curvature}`);
  // the derivative really is mathjs's: linear in eta, with the Gaussian moments substituted
  assert.match(c.derivation.derivative, /eta/);
  assert.doesNotMatch(c.derivation.root, /eta/);
});

test("the symbolic root agrees with the general iid formula and the check can fail", () => {
  const dv = deriveEtaStar();
  // the general root (s, m, t, g symbols) is closed-forms' etaStarIid: compare at one exact point
  const mf = math.create(math.all, { number: "Fraction" });
  const v = mf.evaluate(dv.rootGeneral, {
    n: mf.fraction(10),
    d: mf.fraction(10),
    s: mf.fraction(1, 12),
    m: mf.fraction(1, 80),
    t: mf.fraction(1),
    g: mf.fraction(0),
  }) as math.Fraction;
  assert.ok(Math.abs(math.number(v) - etaStarIid({ n: 10, d: 10, s: 1 / 12, mu4: 1 / 80 })) < 1e-12, "uniform U(−½, ½): η* = 6.0606");
  // a wrong closed form (the σ = 0 formula, or n/(n+d)) is rejected
  assert.equal(sameOnGrid(dv.root, "n / (n + d + 1)").equal, false);
  assert.equal(sameOnGrid(dv.root, "n / (n + d + g)").equal, false);
  assert.equal(sameOnGrid(dv.root, ETA_STAR_CLOSED_FORM).equal, true);
});
