/** Modern Hopfield update, energy and retrieval against hand-worked cases and the derived bounds. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import {
  corrupt,
  hopfieldEnergy,
  hopfieldUpdate,
  iterateToFixedPoint,
  maxNorm,
  participation,
  patterns,
  retrievalStudy,
} from "../../../lib/topics/sequence-memory";

test("hopfieldUpdate: two orthogonal patterns, a hand-worked softmax", () => {
  const P = patterns([1, 0, 0, 1], { N: 2, d: 2 });
  // ξ = (1, 0): scores (1, 0), β = ln 3 → p = (3/4, 1/4), ξ_new = (3/4, 1/4)
  const r = hopfieldUpdate(P, [1, 0], Math.log(3));
  assert.ok(Math.abs(r.xi[0]! - 0.75) < 1e-15 && Math.abs(r.xi[1]! - 0.25) < 1e-15);
  assert.ok(Math.abs(participation(r.p) - 1 / (0.5625 + 0.0625)) < 1e-12);
});

test("the energy never increases along the update and stays ≥ ½(‖ξ‖ − M)² ≥ 0", () => {
  const rng = new Rng(1);
  const P = patterns(
    Array.from({ length: 30 * 8 }, () => rng.normal()),
    { N: 30, d: 8 },
  );
  const M = maxNorm(P);
  for (const beta of [0.1, 1, 10]) {
    let xi = Float64Array.from({ length: 8 }, () => rng.normal());
    let e = hopfieldEnergy(P, xi, beta, M);
    for (let i = 0; i < 20; i++) {
      xi = hopfieldUpdate(P, xi, beta).xi;
      const e2 = hopfieldEnergy(P, xi, beta, M);
      assert.ok(e2 <= e + 1e-12);
      const n = Math.sqrt(xi.reduce((a, x) => a + x * x, 0));
      assert.ok(e2 >= 0.5 * (n - M) ** 2 - 1e-12);
      e = e2;
    }
  }
  const fp = iterateToFixedPoint(P, P.X.subarray(0, 8), 50);
  assert.ok(fp.converged);
});

test("retrievalStudy: the derived one-step bound is never violated; small β averages, large β retrieves", () => {
  const r = retrievalStudy({
    d: 32,
    N: 50,
    kind: "pm1",
    corruption: { kind: "flip", rho: 0.1 },
    betas: [0.01, 1],
    queries: 200,
    queriesPerSet: 50,
    rng: new Rng(2),
  });
  assert.equal(r.rows[0]!.boundViolations + r.rows[1]!.boundViolations, 0);
  assert.ok(r.rows[0]!.relErr > 0.8, `${r.rows[0]!.relErr}`);
  assert.ok(r.rows[1]!.relErr < 0.05, `${r.rows[1]!.relErr}`);
});

test("corrupt: exact count flips exactly round(ρd) signs; masks zero", () => {
  const x = new Float64Array(20).fill(1);
  const f = corrupt(x, { kind: "flip", rho: 0.25, rng: new Rng(3), count: "exact" });
  assert.equal(f.filter((v) => v < 0).length, 5);
  const m = corrupt(x, { kind: "mask", rho: 1, rng: new Rng(3) });
  assert.ok(m.every((v) => v === 0));
  assert.throws(() => corrupt(x, { kind: "flip", rho: 2, rng: new Rng(3) }), /rho/);
});
