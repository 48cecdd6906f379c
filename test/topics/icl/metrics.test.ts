/**
 * The metrics that decide the preconditioner verdicts (M3-M7), on hand-worked matrices: each
 * value below is computed by hand in the comment beside it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { diagRatio, diagSpread, maxDiagRelErr, meanDiag, offDiagRel } from "../../../lib/topics/icl/metrics";

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test("maxDiagRelErr: worst |G_ii/G*_ii − 1|, signs and off-diagonals ignored", () => {
  const target = [
    [2, 0],
    [0, 0.5],
  ];
  // 2.04/2 − 1 = 0.02; 0.49/0.5 − 1 = −0.02 → 0.02; the 9 off the diagonal does not count
  close(
    maxDiagRelErr(
      [
        [2.04, 9],
        [0, 0.49],
      ],
      target,
    ),
    0.02,
    "±2%",
  );
  // 1.9/2 − 1 = −0.05 beats 0.51/0.5 − 1 = 0.02
  close(
    maxDiagRelErr(
      [
        [1.9, 0],
        [0, 0.51],
      ],
      target,
    ),
    0.05,
    "−5%",
  );
  close(maxDiagRelErr(target, target), 0, "exact");
  assert.throws(
    () =>
      maxDiagRelErr(
        [
          [1, 0],
          [0, 1],
        ],
        [[1]],
      ),
    /rows/,
  );
});

test("diagSpread: max/min − 1 of the diagonal", () => {
  // diag (0.75, 0.78, 0.76): 0.78/0.75 − 1 = 0.04
  close(
    diagSpread([
      [0.75, 0.3, 0],
      [0, 0.78, 0],
      [0, 0, 0.76],
    ]),
    0.04,
    "spread",
  );
  close(
    diagSpread([
      [3, -1],
      [2, 3],
    ]),
    0,
    "constant diagonal",
  );
  assert.throws(
    () =>
      diagSpread([
        [1, 0],
        [0, -1],
      ]),
    /positive/,
  );
});

test("offDiagRel: max |G_ij|/√(G*_ii G*_jj) over i ≠ j", () => {
  const target = [
    [4, 0, 0],
    [0, 1, 0],
    [0, 0, 0.25],
  ];
  // G_12 = 0.04: 0.04/√(4·1) = 0.02; G_31 = −0.03: 0.03/√(0.25·4) = 0.03; G_23 = 0.01: 0.01/√0.25 = 0.02
  const G = [
    [4.1, 0.04, 0],
    [0, 1, 0.01],
    [-0.03, 0, 0.25],
  ];
  close(offDiagRel(G, target), 0.03, "worst pair is (3, 1)");
  // for G* = c·I it is max |G_ij| / c: 0.006 / 0.75 = 0.008
  close(
    offDiagRel(
      [
        [0.75, 0.006],
        [-0.003, 0.76],
      ],
      [
        [0.75, 0],
        [0, 0.75],
      ],
    ),
    0.008,
    "c·I target",
  );
  close(offDiagRel(target, target), 0, "diagonal G");
  assert.throws(
    () =>
      offDiagRel(G, [
        [1, 0, 0],
        [0, 0, 0],
        [0, 0, 1],
      ]),
    /positive/,
  );
});

test("meanDiag and diagRatio", () => {
  close(
    meanDiag([
      [1, 5],
      [5, 2],
    ]),
    1.5,
    "mean of (1, 2)",
  );
  // Σ⁻¹ for Σ = diag(.25, .5, 1, 2): 4/0.5 = 8
  close(
    diagRatio([
      [4, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0.5],
    ]),
    8,
    "Σ⁻¹ ratio",
  );
});
