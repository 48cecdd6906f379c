/**
 * Float64 integrators for small ODE systems y' = f(t, y), y a flat Float64Array (a few matrices laid
 * end to end). Two are needed: a fixed-step RK4 (the BYOL/SimSiam matrix flows of (A), where the
 * notes' reference values were made with RK4 at a given dt, so the same dt reproduces them), and an
 * adaptive Dormand-Prince 5(4) with a crossing-time event (the deep linear JEPA/MAE features of (B),
 * whose timescales run from 1 to 1e6 in one system, hopeless for a fixed step).
 *
 * They live in the topic library, not lib/core: no other study integrates ODEs on Float64Array
 * yet (trained-transformers-icl has its own Matrix RK4 for one flow). Move them to core when a
 * second topic needs them.
 */

/** The right-hand side: writes f(t, y) into dy (same length as y); must not keep y or dy. */
export type Rhs = (t: number, y: Float64Array, dy: Float64Array) => void;

export interface Rk4Options {
  dt: number;
  /** End time (integrates from t0 to T in round(T/dt) steps; T must be a multiple of dt). */
  T: number;
  t0?: number;
  /** Called at t0 and then every `every` steps (and at T) with the current state (do not keep it: copy). */
  observe?: (t: number, y: Float64Array) => void;
  every?: number;
}

function checkState(y0: Float64Array, name: string): void {
  if (!(y0 instanceof Float64Array) || y0.length === 0) throw new Error(`${name}: the state must be a non-empty Float64Array`);
  for (let i = 0; i < y0.length; i++)
    if (!Number.isFinite(y0[i]!)) throw new Error(`${name}: the initial state has a non-finite entry at ${i}`);
}

/**
 * Classical fixed-step RK4 from y0 (not modified). Returns the final state and the step count.
 * Throws when the state stops being finite (a step size too large for the system).
 */
export function rk4(f: Rhs, y0: Float64Array, o: Rk4Options): { y: Float64Array; steps: number; t: number } {
  checkState(y0, "rk4");
  if (!(o.dt > 0)) throw new Error(`rk4: dt must be > 0, got ${o.dt}`);
  const t0 = o.t0 ?? 0;
  const steps = Math.round((o.T - t0) / o.dt);
  if (!(steps >= 0) || Math.abs(steps * o.dt - (o.T - t0)) > 1e-9 * Math.max(1, Math.abs(o.T)))
    throw new Error(`rk4: T − t0 = ${o.T - t0} is not a whole number of steps of dt = ${o.dt}; choose dt dividing it`);
  const every = o.every ?? 1;
  if (!(Number.isInteger(every) && every >= 1)) throw new Error(`rk4: every must be an integer ≥ 1, got ${every}`);
  const n = y0.length;
  const y = Float64Array.from(y0);
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const tmp = new Float64Array(n);
  const h = o.dt;
  o.observe?.(t0, y);
  for (let s = 0; s < steps; s++) {
    const t = t0 + s * h;
    f(t, y, k1);
    for (let i = 0; i < n; i++) tmp[i] = y[i]! + 0.5 * h * k1[i]!;
    f(t + 0.5 * h, tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = y[i]! + 0.5 * h * k2[i]!;
    f(t + 0.5 * h, tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = y[i]! + h * k3[i]!;
    f(t + h, tmp, k4);
    for (let i = 0; i < n; i++) y[i] = y[i]! + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
    if (!Number.isFinite(y[0]!) || !Number.isFinite(y[n - 1]!))
      throw new Error(`rk4: the state diverged at t = ${t + h} (dt = ${h} too large for this system?)`);
    if (o.observe && ((s + 1) % every === 0 || s + 1 === steps)) o.observe(t0 + (s + 1) * h, y);
  }
  return { y, steps, t: t0 + steps * h };
}

// Dormand-Prince 5(4) coefficients (Dormand & Prince 1980; the tableau of MATLAB's ode45 and scipy's RK45).
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
// The 5th-order weights are the last row of A (first same as last), so y_new is the 7th stage.
const A: number[][] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
/** B5 − B4: the embedded error estimate. */
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

export interface AdaptiveOptions {
  T: number;
  t0?: number;
  rtol?: number;
  atol?: number;
  /** First step (default: 1e-3·max(1,|T−t0|)·rtol^{1/5}, then adapted). */
  h0?: number;
  maxSteps?: number;
  /**
   * Stop at the first t where event(t, y) changes sign from negative to ≥ 0; the crossing time is
   * located by bisection on the cubic Hermite interpolant of the accepted step (error O(h⁴), far
   * below the step's own tolerance for the smooth flows here).
   */
  event?: (y: Float64Array) => number;
  observe?: (t: number, y: Float64Array) => void;
}

export interface AdaptiveResult {
  y: Float64Array;
  t: number;
  accepted: number;
  rejected: number;
  /** The event time, when an event was given and it occurred before T. */
  eventTime?: number;
}

/**
 * Adaptive Dormand-Prince 5(4) with the standard controller (error norm: RMS of err_i/(atol +
 * rtol·max(|y_i|, |y_new,i|)), safety 0.9, step factor in [0.2, 5]), local extrapolation.
 */
export function dopri5(f: Rhs, y0: Float64Array, o: AdaptiveOptions): AdaptiveResult {
  checkState(y0, "dopri5");
  const t0 = o.t0 ?? 0;
  if (!(o.T > t0)) throw new Error(`dopri5: T must exceed t0 (${t0}), got ${o.T}`);
  const rtol = o.rtol ?? 1e-10;
  const atol = o.atol ?? 1e-14;
  if (!(rtol > 0 && atol > 0)) throw new Error(`dopri5: rtol and atol must be > 0, got ${rtol}, ${atol}`);
  const maxSteps = o.maxSteps ?? 1_000_000;
  const n = y0.length;
  let y = Float64Array.from(y0);
  let yNew = new Float64Array(n);
  const k = Array.from({ length: 7 }, () => new Float64Array(n));
  const tmp = new Float64Array(n);
  const err = new Float64Array(n);
  let t = t0;
  let h = o.h0 ?? 1e-3 * Math.max(1, o.T - t0) * rtol ** 0.2;
  let accepted = 0;
  let rejected = 0;
  f(t, y, k[0]!);
  let g0 = o.event ? o.event(y) : 0;
  if (o.event && g0 >= 0) return { y, t, accepted, rejected, eventTime: t };
  o.observe?.(t, y);
  while (t < o.T) {
    if (accepted + rejected >= maxSteps)
      throw new Error(`dopri5: more than ${maxSteps} steps before T = ${o.T} (stiff system or tolerance too tight)`);
    if (t + h > o.T) h = o.T - t;
    for (let s = 1; s < 7; s++) {
      const a = A[s]!;
      for (let i = 0; i < n; i++) {
        let acc = y[i]!;
        for (let j = 0; j < s; j++) acc += h * a[j]! * k[j]![i]!;
        tmp[i] = acc;
      }
      f(t + C[s]! * h, tmp, k[s]!);
      if (s === 6) yNew.set(tmp);
    }
    let sq = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < 7; j++) e += E[j]! * k[j]![i]!;
      err[i] = h * e;
      const sc = atol + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
      sq += (err[i]! / sc) ** 2;
    }
    const norm = Math.sqrt(sq / n);
    if (!Number.isFinite(norm)) {
      h *= 0.2;
      rejected++;
      if (h < 1e-300) throw new Error(`dopri5: the step size underflowed at t = ${t}`);
      continue;
    }
    const factor = norm === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * norm ** -0.2));
    if (norm > 1) {
      h *= Math.max(0.2, factor);
      rejected++;
      continue;
    }
    // accepted: k[6] = f(t+h, yNew) (first same as last)
    const tNew = t + h;
    if (o.event) {
      const g1 = o.event(yNew);
      if (g1 >= 0 && g0 < 0) {
        const te = locateEvent(o.event, { t, h, y, yNew, f0: k[0]!, f1: k[6]! });
        return { y: hermite(y, yNew, k[0]!, k[6]!, h, (te - t) / h), t: te, accepted: accepted + 1, rejected, eventTime: te };
      }
      g0 = g1;
    }
    const swap = y;
    y = yNew;
    yNew = swap;
    k[0]!.set(k[6]!);
    t = tNew;
    accepted++;
    o.observe?.(t, y);
    h *= factor;
  }
  return { y, t, accepted, rejected };
}

/** The cubic Hermite interpolant on [t, t+h] at fraction θ (values and derivatives at both ends). */
function hermite(y0: Float64Array, y1: Float64Array, f0: Float64Array, f1: Float64Array, h: number, th: number): Float64Array {
  const h00 = (1 + 2 * th) * (1 - th) ** 2;
  const h10 = th * (1 - th) ** 2;
  const h01 = th * th * (3 - 2 * th);
  const h11 = th * th * (th - 1);
  const out = new Float64Array(y0.length);
  for (let i = 0; i < y0.length; i++) out[i] = h00 * y0[i]! + h10 * h * f0[i]! + h01 * y1[i]! + h11 * h * f1[i]!;
  return out;
}

function locateEvent(
  g: (y: Float64Array) => number,
  s: { t: number; h: number; y: Float64Array; yNew: Float64Array; f0: Float64Array; f1: Float64Array },
): number {
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 100 && hi - lo > 1e-15; it++) {
    const mid = 0.5 * (lo + hi);
    if (g(hermite(s.y, s.yNew, s.f0, s.f1, s.h, mid)) >= 0) hi = mid;
    else lo = mid;
  }
  return s.t + hi * s.h;
}
