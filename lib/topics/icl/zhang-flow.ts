/**
 * The reduced gradient flow of Zhang, Frei, Bartlett, Lemma 5.2 (notes §3a "Proof structure"): from
 * the balanced initialisation of Assumption 3.3 the off-diagonal blocks stay zero and the flow on
 * the population loss is, with U = W^KQ_11 and u = w^PV_22,
 *   dU/dt = −u² ΓΛUΛ + uΛ²,    du/dt = −tr[uΓΛUΛUᵀ − Λ²Uᵀ],
 * gradient flow on ℓ(U, u) = tr[½u²ΓΛUΛUᵀ − uΛ²Uᵀ] (= L − ½ tr Λ). It conserves u² − ‖U‖²_F
 * (0 at the balanced start) and converges to uU = Γ⁻¹ when σ²‖Γ‖_op √d < 2 (Thm 4.1).
 * Integrated in float64 by classical RK4 (or explicit Euler, to measure discretisation error).
 */
import { add, asCovariance, matMul, scaleMatrix, sub, trace, transpose, type Matrix } from "../../core/linalg";
import { relFrobenius, zhangGamma, zhangGlobalMin, zhangLoss } from "./zhang";

export interface FlowState {
  U: Matrix;
  u: number;
}

export interface FlowOptions {
  Lambda: number[] | Matrix;
  /** Training context length (enters Γ). */
  N: number;
  /** Initial state (e.g. zhangCoordinates of initParams({kind: "zhang"})). */
  start: FlowState;
  /** Step of the integrator, in units of gradient-flow time. */
  dt: number;
  /** Times at which the state is recorded (any order; 0 allowed); the run ends at the largest. */
  times: number[];
  method?: "rk4" | "euler";
}

export interface FlowPoint {
  t: number;
  u: number;
  U: Matrix;
  /** G = uU, the layer's preconditioner. */
  G: Matrix;
  /** Population loss L = ½E(ŷ − y_q)². */
  loss: number;
  /** u² − ‖U‖²_F (conserved). */
  balance: number;
  /** ‖uU − Γ⁻¹‖_F / ‖Γ⁻¹‖_F. */
  distance: number;
}

export interface FlowResult {
  points: FlowPoint[];
  /** Γ⁻¹ and the balanced limit (u*, U*) of Lemma 5.4. */
  target: { G: Matrix; u: number; U: Matrix };
  steps: number;
  dt: number;
  method: "rk4" | "euler";
}

/** The right-hand side (dU/dt, du/dt) of Lemma 5.2. */
export function flowDerivative(state: FlowState, GL: Matrix, L: Matrix, L2: Matrix): FlowState {
  const { U, u } = state;
  const ULam = matMul(U, L);
  const dU = add(scaleMatrix(matMul(GL, ULam), -u * u), scaleMatrix(L2, u));
  // tr[uΓΛUΛUᵀ − Λ²Uᵀ]
  const du = -(u * trace(matMul(matMul(GL, ULam), transpose(U))) - trace(matMul(L2, transpose(U))));
  return { U: dU, u: du };
}

const axpy = (s: FlowState, k: FlowState, h: number): FlowState => ({ U: add(s.U, scaleMatrix(k.U, h)), u: s.u + h * k.u });

/** Integrates the flow and records it at `times`. */
export function integrateZhangFlow(o: FlowOptions): FlowResult {
  const method = o.method ?? "rk4";
  if (method !== "rk4" && method !== "euler") throw new Error(`integrateZhangFlow: method must be "rk4" or "euler", got ${String(method)}`);
  if (!(o.dt > 0 && Number.isFinite(o.dt))) throw new Error(`integrateZhangFlow: dt must be a positive number, got ${String(o.dt)}`);
  if (!o.times.length || !o.times.every((t) => Number.isFinite(t) && t >= 0))
    throw new Error("integrateZhangFlow: times must be a non-empty list of non-negative numbers");
  const d = o.Lambda.length;
  const L = asCovariance(o.Lambda, d, "integrateZhangFlow Lambda");
  if (o.start.U.length !== d) throw new Error(`integrateZhangFlow: start.U must be ${d} x ${d}`);
  const Gamma = zhangGamma({ Lambda: L, N: o.N });
  const GL = matMul(Gamma, L);
  const L2 = matMul(L, L);
  const opt = zhangGlobalMin({ Lambda: L, N: o.N });
  const record = (t: number, s: FlowState): FlowPoint => {
    const G = scaleMatrix(s.U, s.u);
    const fro2 = s.U.flat().reduce((a, v) => a + v * v, 0);
    return { t, u: s.u, U: s.U, G, loss: zhangLoss({ Lambda: L, N: o.N }, G), balance: s.u * s.u - fro2, distance: relFrobenius(G, opt.G) };
  };
  const times = [...new Set(o.times)].sort((a, b) => a - b);
  // step counts are rounded so that a recorded time is hit exactly for any dt dividing it
  const targets = times.map((t) => Math.round(t / o.dt));
  let s: FlowState = { U: o.start.U.map((r) => r.slice()), u: o.start.u };
  const points: FlowPoint[] = [];
  let k = 0;
  let next = 0;
  const h = o.dt;
  while (next < targets.length) {
    while (next < targets.length && targets[next] === k) points.push(record(times[next++]!, s));
    if (next >= targets.length) break;
    if (method === "euler") {
      s = axpy(s, flowDerivative(s, GL, L, L2), h);
    } else {
      const k1 = flowDerivative(s, GL, L, L2);
      const k2 = flowDerivative(axpy(s, k1, h / 2), GL, L, L2);
      const k3 = flowDerivative(axpy(s, k2, h / 2), GL, L, L2);
      const k4 = flowDerivative(axpy(s, k3, h), GL, L, L2);
      s = {
        U: add(s.U, scaleMatrix(add(add(k1.U, scaleMatrix(add(k2.U, k3.U), 2)), k4.U), h / 6)),
        u: s.u + (h / 6) * (k1.u + 2 * k2.u + 2 * k3.u + k4.u),
      };
    }
    k++;
    if (!Number.isFinite(s.u)) throw new Error(`integrateZhangFlow: the flow diverged at t = ${k * h}; lower dt (now ${h})`);
  }
  return { points, target: { G: opt.G, u: opt.u, U: opt.U }, steps: k, dt: h, method };
}

/** Largest |difference| over recorded points of G = uU between two runs at the same times (step halving). */
export function flowDifference(a: FlowResult, b: FlowResult): number {
  if (a.points.length !== b.points.length) throw new Error("flowDifference: the runs recorded different times");
  let m = 0;
  a.points.forEach((p, i) => {
    const q = b.points[i]!;
    if (p.t !== q.t) throw new Error(`flowDifference: time ${p.t} vs ${q.t}`);
    for (const row of sub(p.G, q.G)) for (const v of row) m = Math.max(m, Math.abs(v));
  });
  return m;
}
