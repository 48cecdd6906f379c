/**
 * The linear BYOL flow (byol.ts) against independent routes: finite differences of the population
 * loss (the flow is −∂J/∂W with the target frozen, or the full gradient without stop-gradient), the
 * model's conservation law (the balancing matrix C), closed-form decays (A1, A1b of the notes), the
 * fixed points p* (a root of p(x − px') = η), and DirectPred's predictor on a known spectrum.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import {
  balancingC,
  byolLoss,
  byolMetrics,
  byolModel,
  byolRhs,
  directPredFromF,
  frob,
  initState,
  noPredictorDecayRate,
  parts,
  pStar,
  rk4,
  survives,
  type ByolParams,
} from "../../../lib/topics/linear-ssl";

const X = [3, 2, 1.2, 0.8, 0.3, 0.2];
const Xp = X.map((x) => x + 0.5);
const d = 6;

function fdCheck(params: ByolParams, slot: "W" | "Wp", scaleRate: number, tol: number): void {
  const m = byolModel(params);
  const y = initState(new Rng(7), { d, s0: 0.8 });
  // a distinct target so that the frozen-target gradient is not the SimSiam one
  if (m.beta !== null) for (let i = 2 * d * d; i < 3 * d * d; i++) y[i] = y[i]! + 0.1 * Math.sin(i);
  const dy = new Float64Array(y.length);
  byolRhs(m)(0, y, dy);
  const off = slot === "W" ? 0 : d * d;
  const h = 1e-6;
  for (const k of [0, 7, 13, 35]) {
    const yp = Float64Array.from(y);
    const ym = Float64Array.from(y);
    yp[off + k] = yp[off + k]! + h;
    ym[off + k] = ym[off + k]! - h;
    const grad = (byolLoss(m, yp) - byolLoss(m, ym)) / (2 * h);
    const decay = (slot === "W" ? m.eta : m.etaP) * y[off + k]!;
    assert.ok(
      Math.abs(dy[off + k]! - (-scaleRate * grad - decay)) < tol,
      `${slot}[${k}]: flow ${dy[off + k]} vs −∂J ${-scaleRate * grad - decay}`,
    );
  }
}

test("byolRhs with stop-gradient is −∂J/∂W (target frozen) and −α_p ∂J/∂W_p, minus weight decay", () => {
  const p: ByolParams = { X, Xp, alphaP: 2, eta: 0.05, beta: 1 };
  fdCheck(p, "W", 1, 1e-7);
  fdCheck(p, "Wp", 2, 1e-7);
});

test("byolRhs without stop-gradient (SimSiam form) is the full gradient of J with W_a ≡ W", () => {
  const p: ByolParams = { X, Xp, alphaP: 1, eta: 0, beta: null, stopGrad: false };
  fdCheck(p, "W", 1, 1e-7);
  fdCheck(p, "Wp", 1, 1e-7);
});

test("balancing law: C = WWᵀ − W_pᵀW_p/α_p is conserved at η = 0 and decays as e^{−2ηt} (EMA or SimSiam)", () => {
  for (const beta of [null, 1]) {
    for (const eta of [0, 0.05]) {
      const m = byolModel({ X, Xp, alphaP: 1.5, eta, beta });
      const y0 = initState(new Rng(11), { d, s0: 0.5 });
      const C0 = balancingC(m, y0);
      const { y } = rk4(byolRhs(m), y0, { dt: 0.01, T: 20 });
      const C = balancingC(m, y);
      const f = Math.exp(-2 * eta * 20);
      let err = 0;
      for (let i = 0; i < C.length; i++) err = Math.max(err, Math.abs(C[i]! - f * C0[i]!));
      assert.ok(err < 1e-8 * frob(C0), `beta ${beta} eta ${eta}: max |C(t) − e^{−2ηt}C(0)| = ${err}`);
    }
  }
  // η_p ≠ η breaks it (the law is not a tautology of the code)
  const m = byolModel({ X, Xp, alphaP: 1, eta: 0.05, etaP: 0.2 });
  const y0 = initState(new Rng(11), { d, s0: 0.5 });
  const { y } = rk4(byolRhs(m), y0, { dt: 0.01, T: 20 });
  assert.ok(Math.abs(frob(balancingC(m, y)) / frob(balancingC(m, y0)) - Math.exp(-2)) > 1e-3);
});

test("no predictor, SimSiam target: ‖W(t)‖ = e^{−(σ²+η)t}‖W(0)‖ (A1: 4.5400e-5 at t = 20)", () => {
  const m = byolModel({ X, Xp, predictor: "identity", eta: 0 });
  const y0 = initState(new Rng(1), { d, s0: 0.5 });
  const { y } = rk4(byolRhs(m), y0, { dt: 0.01, T: 20 });
  const ratio = frob(parts(y, d).W) / frob(parts(y0, d).W);
  assert.ok(Math.abs(ratio / Math.exp(-10) - 1) < 1e-8, `${ratio}`);
  assert.ok(Math.abs(Math.exp(-10) - 4.54e-5) < 1e-8);
});

test("no predictor with EMA: decay rates are the slowest eigenvalues of [[−(x'+η), x], [β, −β]] (notes A1b)", () => {
  const r = X.map((x, j) => noPredictorDecayRate({ x, xPrime: Xp[j]!, eta: 0, beta: 1 }));
  [-0.114, -0.1492, -0.2, -0.2431, -0.3432, -0.3783].forEach((v, j) => assert.ok(Math.abs(r[j]! - v) < 1e-4, `${j}: ${r[j]}`));
  // r is an eigenvalue: det(M − rI) = 0
  const [x, xp, b] = [3, 3.5, 1];
  const rr = r[0]!;
  assert.ok(Math.abs((-(xp + 0) - rr) * (-b - rr) - x * b) < 1e-12);
});

test("p*: the stable root of p(x − px') = η; exists iff x² ≥ 4ηx'; η = 0 gives x/x'", () => {
  const ps = X.map((x, j) => pStar({ x, xPrime: Xp[j]!, eta: 0.05 }));
  [0.8401, 0.7742, 0.6614, 0.5448].forEach((v, j) => assert.ok(Math.abs(ps[j]! - v) < 1e-4, `${j}: ${ps[j]}`));
  assert.ok(Number.isNaN(ps[4]!) && Number.isNaN(ps[5]!));
  ps.slice(0, 4).forEach((p, j) => assert.ok(Math.abs(p * (X[j]! - p * Xp[j]!) - 0.05) < 1e-12));
  assert.equal(pStar({ x: 3, xPrime: 3.5, eta: 0 }), 3 / 3.5);
  assert.equal(survives({ x: 2, xPrime: 1, eta: 1 }), true); // boundary x² = 4ηx'
  assert.equal(survives({ x: 2, xPrime: 1, eta: 1.0001 }), false);
  assert.throws(() => pStar({ x: -1, xPrime: 1, eta: 0 }), /must be > 0/);
});

test("DirectPred: F = diag(4, 1, 0) gives W_p = diag(2, 1, 0) + ε (none) or diag(1, ½, 0) + ε (max), in F's eigenbasis", () => {
  const F = Float64Array.of(4, 0, 0, 0, 1, 0, 0, 0, 0);
  const out = new Float64Array(9);
  const p = directPredFromF(F, 3, { eps: 0.1, normalize: "none" }, out);
  assert.deepEqual(
    Array.from(p, (v) => Math.round(v * 1e12) / 1e12),
    [2.1, 1.1, 0.1],
  );
  [2.1, 1.1, 0.1].forEach((v, i) => assert.ok(Math.abs(out[i * 3 + i]! - v) < 1e-12));
  directPredFromF(F, 3, { eps: 0, normalize: "max" }, out);
  [1, 0.5, 0].forEach((v, i) => assert.ok(Math.abs(out[i * 3 + i]! - v) < 1e-12));
  // rotated F: W_p shares F's eigenvectors, so they commute
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  const Fr = Float64Array.of(4 * c * c + s * s, (4 - 1) * c * s, 0, (4 - 1) * c * s, 4 * s * s + c * c, 0, 0, 0, 0);
  directPredFromF(Fr, 3, { eps: 0, normalize: "none" }, out);
  assert.ok(Math.abs(out[0]! - (2 * c * c + s * s)) < 1e-12 && Math.abs(out[1]! - c * s) < 1e-12);
});

test("metrics: commuting symmetric W_p and F give κ = 0, θ = 0; a rotated W_p does not", () => {
  const W = new Float64Array(9);
  [1, 0.5, 0.2].forEach((v, i) => (W[i * 3 + i] = v));
  const Xp3 = Float64Array.of(2, 0, 0, 0, 1, 0, 0, 0, 1);
  const Wp = Float64Array.of(0.9, 0, 0, 0, 0.4, 0, 0, 0, 0.1);
  const a = byolMetrics({ W, Wp, Xp: Xp3, d: 3 });
  assert.ok(a.commutator < 1e-15 && a.asymmetry === 0 && a.angleDeg < 1e-6 && a.live === 3);
  assert.deepEqual(
    a.svW.map((v) => Math.round(v * 1e12) / 1e12),
    [1, 0.5, 0.2],
  );
  const Wr = Float64Array.of(0.9, 0.3, 0, -0.1, 0.4, 0, 0, 0, 0.1);
  const b = byolMetrics({ W, Wp: Wr, Xp: Xp3, d: 3 });
  assert.ok(b.commutator > 0.05 && b.asymmetry > 0.3 && b.angleDeg > 5);
});

test("byolModel: invalid combinations get errors naming the fix", () => {
  assert.throws(() => byolModel({ X, Xp, beta: 1, stopGrad: false }), /SimSiam form/);
  assert.throws(() => byolModel({ X, Xp: [1, 2] }), /same input dimension/);
  assert.throws(() => byolModel({ X, Xp, alphaP: 0 }), /alphaP/);
});
