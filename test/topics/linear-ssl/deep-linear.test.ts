/**
 * Deep linear JEPA/MAE (deep-linear.ts) against closed forms: the L = 1 solutions in elementary
 * functions, the layered system (adaptive integrator) against the quadrature, the conserved
 * v² − a_l², the small-init series as ε → 0, and the full-matrix gradients against finite differences.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import {
  asymptote,
  criticalTime,
  endToEnd,
  flipDepth,
  jepaLeading,
  jepaSeries,
  layeredCriticalTime,
  learningOrder,
  matrixGrads,
  matrixInit,
  maeLeading,
  onlineLoss,
  runMatrixGD,
} from "../../../lib/topics/linear-ssl";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test("L = 1 closed forms: MAE is logistic in u², JEPA integrates to −1/u + ln(u/(ρ−u))/ρ", () => {
  const lam = 1.3;
  const rho = 0.6;
  const eps = 0.01;
  // MAE: z = u², dz/dt = 2λz(1 − z/ρ); w̄ = u reaches ½√ρ at z_f = ρ/4
  const logit = (z: number) => Math.log(z / (rho - z));
  const maeExact = (logit(rho / 4) - logit(eps * eps)) / (2 * lam);
  assert.ok(rel(criticalTime("mae", { lam, rho, eps, L: 1 }), maeExact) < 1e-10);
  // JEPA: ∫ ρ du/(λu²(ρ−u)) = (1/λ)[−1/u + (1/ρ) ln(u/(ρ−u))], from ε to ρ/2
  const F = (u: number) => (-1 / u + Math.log(u / (rho - u)) / rho) / lam;
  assert.ok(rel(criticalTime("jepa", { lam, rho, eps, L: 1 }), F(rho / 2) - F(eps)) < 1e-10);
});

test("notes B1: t* JEPA 103.4626, 440.4342, 776.0933 and MAE 3.8004, 8.6658, 10.1873 (λ = 1, ρ = 0.6, ε = 1e-2)", () => {
  const jepa = [103.4626, 440.4342, 776.0933];
  const mae = [3.8004, 8.6658, 10.1873];
  for (let L = 1; L <= 3; L++) {
    // the notes quote 5-7 significant digits: half a unit of the last one
    assert.ok(Math.abs(criticalTime("jepa", { lam: 1, rho: 0.6, eps: 1e-2, L }) - jepa[L - 1]!) <= 5e-5);
    assert.ok(Math.abs(criticalTime("mae", { lam: 1, rho: 0.6, eps: 1e-2, L }) - mae[L - 1]!) <= 5e-5);
  }
  assert.ok(Math.abs(asymptote("mae", { rho: 0.6, L: 2 }).u - 0.843433) < 1e-6);
  assert.ok(Math.abs(asymptote("mae", { rho: 0.6, L: 2 }).wbar - 0.711379) < 1e-6);
});

test("layered system (Dormand-Prince, event) matches the quadrature and conserves v² − a_l²", () => {
  for (const kind of ["jepa", "mae"] as const) {
    for (const L of [1, 2, 3]) {
      const q = criticalTime(kind, { lam: 1, rho: 0.6, eps: 1e-2, L });
      const r = layeredCriticalTime(kind, { lam: 1, rho: 0.6, eps: 1e-2, L });
      assert.ok(rel(r.tStar, q) < 1e-7, `${kind} L=${L}: ${r.tStar} vs ${q}`);
      assert.ok(r.balanceDrift < 1e-12, `${kind} L=${L}: drift ${r.balanceDrift}`);
    }
  }
});

test("small-init series: → exact t* as ε → 0 (O(log ε) gap), and the leading term is ρ-free", () => {
  const f = { lam: 1, rho: 0.4 };
  const gap = (eps: number) => rel(jepaSeries({ ...f, eps, L: 2 }), criticalTime("jepa", { ...f, eps, L: 2 }));
  // the dropped terms are O(log ε) against a leading ε^{−3/2}: the relative gap vanishes
  assert.ok(gap(1e-8) < gap(1e-6) && gap(1e-6) < gap(1e-4), `${gap(1e-4)}, ${gap(1e-6)}, ${gap(1e-8)}`);
  assert.ok(gap(1e-8) < 1e-9);
  // notes B4: L = 2, ε = 1e-3, λ = 1, ρ = 0.8: 11215.3 vs 11216.7
  assert.ok(Math.abs(jepaSeries({ lam: 1, rho: 0.8, eps: 1e-3, L: 2 }) - 11215.3) < 0.1);
  assert.equal(jepaLeading({ lam: 2, eps: 1e-3, L: 2 }), 1e-3 ** -1.5 / 6);
  assert.ok(rel(maeLeading({ lam: 1, eps: 1e-8, L: 3 }), criticalTime("mae", { lam: 1, rho: 0.5, eps: 1e-8, L: 3 })) < 1e-3);
});

test("degenerate regime (ε^{1/L} ≥ u_f) gives NaN; learningOrder and flipDepth (notes B3: 4 at ε = 1e-3)", () => {
  assert.ok(Number.isNaN(criticalTime("jepa", { lam: 1, rho: 0.2, eps: 0.5, L: 1 })));
  assert.deepEqual(learningOrder([5, Number.NaN, 1, 3]), [2, 3, 0, 1]);
  const feats: [{ lam: number; rho: number }, { lam: number; rho: number }] = [
    { lam: 1, rho: 0.8 },
    { lam: 1.5, rho: 0.4 },
  ];
  assert.equal(flipDepth({ features: feats, eps: 1e-3, Lmax: 8 }), 4);
  assert.equal(flipDepth({ features: feats, eps: 1e-4, Lmax: 8 }), 6);
});

test("matrixGrads = finite differences of the online loss (JEPA target frozen; MAE)", () => {
  const rng = new Rng(5);
  const data = { Sxx: [1.25, 3.75], Syx: [1, 1.5] };
  for (const kind of ["jepa", "mae"] as const) {
    const s = matrixInit({ d: 2, L: 3, eps: 0.3, init: "orthogonal", rng });
    const target = endToEnd(s);
    const g = matrixGrads(kind, s, data);
    const h = 1e-6;
    const probe = (M: Float64Array, k: number) => {
      const x = M[k]!;
      M[k] = x + h;
      const up = onlineLoss(kind, s, data, target);
      M[k] = x - h;
      const dn = onlineLoss(kind, s, data, target);
      M[k] = x;
      return (up - dn) / (2 * h);
    };
    for (let l = 0; l < 3; l++)
      for (let k = 0; k < 4; k++) assert.ok(Math.abs(g.Ws[l]![k]! - probe(s.Ws[l]!, k)) < 1e-8, `${kind} W${l + 1}[${k}]`);
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(g.V[k]! - probe(s.V, k)) < 1e-8, `${kind} V[${k}]`);
  }
});

test("full-matrix gradient descent from the identity init follows the scalar t* (small step)", () => {
  const features = [
    { lam: 1, rho: 0.8 },
    { lam: 1.5, rho: 0.4 },
  ];
  const init = matrixInit({ d: 2, L: 2, eps: 1e-2, init: "identity" });
  const r = runMatrixGD("mae", init, { features, steps: 4000, dt: 0.005 });
  features.forEach((f, i) => {
    const q = criticalTime("mae", { ...f, eps: 1e-2, L: 2 });
    assert.ok(rel(r.tStar[i]!, q) < 5e-3, `feature ${i}: ${r.tStar[i]} vs ${q}`);
  });
  assert.deepEqual(r.learnedAtEnd, [true, true]);
});
