/**
 * One trajectory of the linear BYOL flow: RK4 from a seeded init, with snapshot metrics (the
 * alignment metrics of byol-theory.ts, the balancing matrix, the target gap and the loss).
 */
import { Rng } from "../../core/rng";
import { balancingC, byolLoss, byolModel, byolRhs, effectivePredictor, initState, parts, type ByolParams } from "./byol";
import { byolMetrics, type ByolMetrics } from "./byol-theory";
import { frob } from "./flat";
import { rk4 } from "./ode";

export interface ByolSnapshot extends ByolMetrics {
  t: number;
  /** ‖C(t)‖_F / ‖C(0)‖_F. */
  cRatio: number;
  /** ‖W − W_a‖_F / ‖W‖_F (0 for SimSiam). */
  targetGap: number;
  loss: number;
}

export interface ByolRunOptions {
  seed: number;
  /** Init scale: W, W_p ~ N(0, s0²/d) (default 0.5, the notes' S_A). */
  s0?: number;
  T: number;
  dt: number;
  /** Snapshot times: every `every` steps (default: ~100 snapshots). */
  every?: number;
}

export interface ByolRun {
  params: ByolParams;
  seed: number;
  s0: number;
  snapshots: ByolSnapshot[];
  final: ByolSnapshot;
  /** ‖W(0)‖_F. */
  normW0: number;
  steps: number;
}

export function runByol(params: ByolParams, o: ByolRunOptions): ByolRun {
  const m = byolModel(params);
  const s0 = o.s0 ?? 0.5;
  const y0 = initState(new Rng(o.seed), { d: m.d, s0 });
  const C0 = frob(balancingC(m, y0));
  const steps = Math.round(o.T / o.dt);
  const every = o.every ?? Math.max(1, Math.floor(steps / 100));
  const snapshots: ByolSnapshot[] = [];
  const observe = (t: number, y: Float64Array) => {
    const { W, Wa } = parts(y, m.d);
    const Wp = effectivePredictor(m, y);
    const met = byolMetrics({ W, Wp, Xp: m.Xp, d: m.d });
    let gap = 0;
    if (m.beta !== null) {
      const diff = new Float64Array(W.length);
      for (let i = 0; i < W.length; i++) diff[i] = W[i]! - Wa[i]!;
      gap = met.normW > 0 ? frob(diff) / met.normW : 0;
    }
    snapshots.push({ t, ...met, cRatio: C0 > 0 ? frob(balancingC(m, y)) / C0 : Number.NaN, targetGap: gap, loss: byolLoss(m, y) });
  };
  const r = rk4(byolRhs(m), y0, { dt: o.dt, T: o.T, every, observe });
  return { params, seed: o.seed, s0, snapshots, final: snapshots[snapshots.length - 1]!, normW0: frob(parts(y0, m.d).W), steps: r.steps };
}

/** The snapshot nearest to time t. */
export function snapshotAt(run: ByolRun, t: number): ByolSnapshot {
  let best = run.snapshots[0]!;
  for (const s of run.snapshots) if (Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
  if (Math.abs(best.t - t) > 1e-6 * Math.max(1, t))
    throw new Error(`snapshotAt: no snapshot at t = ${t} (nearest ${best.t}); choose every to hit it`);
  return best;
}
