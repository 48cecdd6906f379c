/**
 * lib/core/lbfgs.ts and line-search.ts: iteration and evaluation counts equal to scipy's L-BFGS-B
 * (scipy 1.17.1, `minimize(..., method="L-BFGS-B")`, values recorded below, run on this project's
 * machine), a strictly convex quadratic against its closed-form minimiser (Thomas algorithm), the
 * strong Wolfe conditions of the Moré–Thuente step, and the clear errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { lbfgs, type ObjectiveFn } from "../../lib/core/lbfgs";
import { LBFGSB_LINE_SEARCH, moreThuente } from "../../lib/core/line-search";

/** Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², scipy.optimize.rosen, with its gradient. */
const rosen: ObjectiveFn = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i]!, c = x[i + 1]!;
    f += 100 * (c - a * a) ** 2 + (1 - a) ** 2;
    g[i]! += -400 * a * (c - a * a) - 2 * (1 - a);
    g[i + 1]! += 200 * (c - a * a);
  }
  return f;
};

test("Rosenbrock: same iterations and evaluations as scipy's L-BFGS-B", () => {
  // scipy: minimize(rosen, [-1.2, 1], jac=rosen_der, method="L-BFGS-B") -> nit 36, nfev 44, x = (0.99999895, 0.99999802)
  const a = lbfgs(rosen, Float64Array.of(-1.2, 1));
  assert.deepEqual([a.iterations, a.evaluations, a.status], [36, 44, "ftol"]);
  assert.ok(Math.abs(a.x[0]! - 0.9999989453492792) < 1e-12 && Math.abs(a.x[1]! - 0.9999980209057279) < 1e-12, `x = ${a.x}`);
  // options gtol=1e-10, ftol=0 -> nit 39, nfev 47, "NORM OF PROJECTED GRADIENT <= PGTOL"
  const b = lbfgs(rosen, Float64Array.of(-1.2, 1), { gtol: 1e-10, ftol: 0 });
  assert.deepEqual([b.iterations, b.evaluations, b.status], [39, 47, "gtol"]);
  assert.ok(Math.abs(b.x[0]! - 1) < 1e-14 && Math.abs(b.x[1]! - 1) < 1e-14);
  // 5-d from the origin -> nit 35, nfev 46
  const c = lbfgs(rosen, new Float64Array(5));
  assert.deepEqual([c.iterations, c.evaluations, c.converged], [35, 46, true]);
});

test("a strictly convex quadratic reaches its closed-form minimiser (scipy: nit 8, nfev 10 at defaults)", () => {
  // f = ½x'Ax − b'x, A = tridiag(−1, 4, −1), n = 20
  const n = 20;
  const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const Ax = (x: Float64Array) => Float64Array.from(x, (v, i) => 4 * v - (i > 0 ? x[i - 1]! : 0) - (i < n - 1 ? x[i + 1]! : 0));
  const fg: ObjectiveFn = (x, g) => {
    const a = Ax(x);
    let f = 0;
    for (let i = 0; i < n; i++) {
      g[i] = a[i]! - b[i]!;
      f += 0.5 * x[i]! * a[i]! - b[i]! * x[i]!;
    }
    return f;
  };
  // x* = A⁻¹b by the Thomas algorithm
  const c = new Float64Array(n), d = new Float64Array(n), xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const denom = 4 + (i > 0 ? c[i - 1]! : 0);
    c[i] = -1 / denom;
    d[i] = (b[i]! + (i > 0 ? d[i - 1]! : 0)) / denom;
  }
  for (let i = n - 1; i >= 0; i--) xs[i] = d[i]! - c[i]! * (i < n - 1 ? xs[i + 1]! : 0);
  const dflt = lbfgs(fg, new Float64Array(n));
  assert.deepEqual([dflt.iterations, dflt.evaluations], [8, 10]);
  assert.ok(Math.abs(dflt.f - -1.72976518127608) < 1e-13);
  const tight = lbfgs(fg, new Float64Array(n), { gtol: 1e-12, ftol: 0 });
  const err = Math.max(...tight.x.map((v, i) => Math.abs(v - xs[i]!)));
  assert.ok(err < 1e-7 && tight.converged, `|x − x*| = ${err}`);
  // x0 is not modified; a start at the optimum returns at once
  const x0 = new Float64Array(n);
  lbfgs(fg, x0);
  assert.ok(x0.every((v) => v === 0));
  const at = lbfgs(fg, xs, { gtol: 1e-8 });
  assert.deepEqual([at.iterations, at.evaluations, at.status], [0, 1, "gtol"]);
});

test("Moré–Thuente returns a step satisfying the strong Wolfe conditions", () => {
  // phi(t) = (t − 3)² + 0.1t⁴ − 9, phi(0) = 0, phi'(0) = −6
  const phi = (t: number) => ({ f: (t - 3) ** 2 + 0.1 * t ** 4 - 9, g: 2 * (t - 3) + 0.4 * t ** 3 });
  for (const stp0 of [1e-4, 0.01, 1, 50, 1e4]) {
    const r = moreThuente(phi, { f0: 0, g0: -6, stp0 });
    assert.equal(r.status, "converged", `stp0 ${stp0}: ${r.message}`);
    assert.ok(r.f <= 0 + LBFGSB_LINE_SEARCH.ftol * r.stp * -6, "sufficient decrease");
    assert.ok(Math.abs(r.g) <= LBFGSB_LINE_SEARCH.gtol * 6, "curvature");
  }
  // a tight curvature constant lands near the exact line minimiser (phi' = 0 at t ≈ 1.6)
  const tight = moreThuente(phi, { f0: 0, g0: -6, stp0: 1 }, { ...LBFGSB_LINE_SEARCH, gtol: 1e-3 });
  assert.ok(Math.abs(tight.g) <= 6e-3);
  assert.throws(() => moreThuente(phi, { f0: 0, g0: 1, stp0: 1 }), /descent direction/);
  assert.throws(() => moreThuente(phi, { f0: 0, g0: -6, stp0: -1 }), /initial step -1 outside/);
  // a budget of 1 evaluation on a step far too long fails
  assert.equal(moreThuente(phi, { f0: 0, g0: -6, stp0: 100 }, { ...LBFGSB_LINE_SEARCH, maxEvals: 1 }).status, "failed");
});

test("lbfgs errors name the option and the fix", () => {
  const q: ObjectiveFn = (x, g) => {
    g[0] = 2 * x[0]!;
    return x[0]! ** 2;
  };
  assert.throws(() => lbfgs(q, Float64Array.of(1), { memory: 0 }), /memory must be a positive integer/);
  assert.throws(() => lbfgs(q, Float64Array.of(1), { gtol: -1 }), /gtol and ftol must be >= 0/);
  assert.throws(() => lbfgs(() => NaN, Float64Array.of(1)), /objective is NaN at the starting point/);
  const r = lbfgs(q, Float64Array.of(1), { maxIter: 0 });
  assert.equal(r.status, "maxIter");
});
