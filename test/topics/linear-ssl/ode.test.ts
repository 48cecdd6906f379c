/** The integrators against closed-form solutions: order of convergence, conservation, event times. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { dopri5, rk4 } from "../../../lib/topics/linear-ssl/ode";

test("rk4: y' = −y is fourth order (error ratio ≈ 16 when dt halves)", () => {
  const f = (_t: number, y: Float64Array, dy: Float64Array) => {
    dy[0] = -y[0]!;
  };
  const err = (dt: number) => Math.abs(rk4(f, Float64Array.of(1), { dt, T: 2 }).y[0]! - Math.exp(-2));
  const r = err(0.2) / err(0.1);
  assert.ok(r > 14 && r < 18, `ratio ${r}`);
  assert.ok(err(0.01) < 1e-10);
});

test("rk4: harmonic oscillator keeps its energy to O(dt⁴) and observes every k steps", () => {
  const f = (_t: number, y: Float64Array, dy: Float64Array) => {
    dy[0] = y[1]!;
    dy[1] = -y[0]!;
  };
  const seen: number[] = [];
  const r = rk4(f, Float64Array.of(1, 0), { dt: 0.01, T: 10, every: 250, observe: (t) => seen.push(t) });
  assert.deepEqual(
    seen.map((t) => Math.round(t * 100) / 100),
    [0, 2.5, 5, 7.5, 10],
  );
  assert.ok(Math.abs(r.y[0]! ** 2 + r.y[1]! ** 2 - 1) < 1e-9);
  assert.ok(Math.abs(r.y[0]! - Math.cos(10)) < 1e-9);
  assert.throws(() => rk4(f, Float64Array.of(1, 0), { dt: 0.03, T: 1 }), /whole number of steps/);
});

test("dopri5: logistic growth reaches y = ½ at t = ln 99 (event), and matches the closed form", () => {
  const f = (_t: number, y: Float64Array, dy: Float64Array) => {
    dy[0] = y[0]! * (1 - y[0]!);
  };
  const r = dopri5(f, Float64Array.of(0.01), { T: 50, rtol: 1e-11, atol: 1e-14, event: (y) => y[0]! - 0.5 });
  assert.ok(Math.abs(r.eventTime! - Math.log(99)) < 1e-8, `event ${r.eventTime} vs ${Math.log(99)}`);
  const full = dopri5(f, Float64Array.of(0.01), { T: 8, rtol: 1e-11, atol: 1e-14 });
  const exact = 1 / (1 + 99 * Math.exp(-8));
  assert.ok(Math.abs(full.y[0]! - exact) < 1e-10);
  assert.ok(full.accepted < 2000, `${full.accepted} steps`);
});

test("dopri5: stiff-ish scales: y' = −1000(y − cos t) stays accurate; bad input errors name the fix", () => {
  const f = (t: number, y: Float64Array, dy: Float64Array) => {
    dy[0] = -1000 * (y[0]! - Math.cos(t));
  };
  const r = dopri5(f, Float64Array.of(1), { T: 1, rtol: 1e-9, atol: 1e-12 });
  // exact: y = (1000²cos t + 1000 sin t)/(1000² + 1) + C e^{−1000t}
  const ex = (1e6 * Math.cos(1) + 1000 * Math.sin(1)) / (1e6 + 1);
  assert.ok(Math.abs(r.y[0]! - ex) < 1e-7);
  assert.throws(() => dopri5(f, Float64Array.of(Number.NaN), { T: 1 }), /non-finite/);
  assert.throws(() => dopri5(f, Float64Array.of(1), { T: 0 }), /T must exceed/);
});
