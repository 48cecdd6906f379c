/**
 * Z2/Z3: gradient flow from the balanced initialisation (Assumption 3.3) and the trained layer.
 *   - the reduced flow of Lemma 5.2 integrated by RK4 at dt and dt/2 (step halving bounds the
 *     discretisation error) and by Euler at the SGD step h (the population version of SGD);
 *   - the full LSA (every entry of W^KQ, W^PV that reaches ŷ, including a_x and b_y, which the
 *     flow keeps at 0) trained from the same initial matrices by plain SGD with step h on fresh
 *     batches, so step k sits at flow time t = k·h; two data seeds with the same initialisation;
 *   - the same initial matrices trained by Adam (no time correspondence: only the endpoint counts).
 */
import type { Matrix } from "../../../core/linalg";
import { Rng } from "../../../core/rng";
import type { TaskSpec } from "../../../topics/icl/tasks";
import { initParams, trainLSA } from "../../../topics/icl/train";
import { relFrobenius, zhangCoordinates, zhangGlobalMin, zhangInitCondition } from "../../../topics/icl/zhang";
import { flowDifference, integrateZhangFlow, type FlowResult } from "../../../topics/icl/zhang-flow";

export interface TrainedPoint {
  t: number;
  step: number;
  G: Matrix;
  /** ‖G − Γ⁻¹‖_F/‖Γ⁻¹‖_F. */
  distance: number;
  /** ‖G − G_flow(t)‖_F/‖Γ⁻¹‖_F, G_flow from RK4. */
  fromFlow: number;
  /** max(‖a_x‖, ‖b_y‖). */
  offManifold: number;
  /** u² − ‖U‖²_F. */
  balance: number;
}

export interface FlowStudy {
  Lambda: number[];
  N: number;
  sigmaInit: number;
  initCondition: number;
  target: { G: Matrix; u: number; U: Matrix };
  rk4: FlowResult;
  rk4Half: FlowResult;
  eulerH: FlowResult;
  /** Largest |ΔG| between RK4 at dt and dt/2 over the recorded times. */
  halvingError: number;
  /** Largest |ΔG| between Euler at h and RK4. */
  eulerError: number;
  /** The SGD runs (one per data seed), at their checkpoints. */
  sgd: { seed: number; points: TrainedPoint[] }[];
  h: number;
  /** Adam endpoint. */
  adam: TrainedPoint & { steps: number };
}

function point(
  red: { heads: { ay: number; Bx: Matrix }[]; gammaEff: Matrix; axNorm: number; byNorm: number },
  t: number,
  step: number,
  target: Matrix,
  flowG: Matrix | undefined,
): TrainedPoint {
  const U = red.heads[0]!.Bx;
  const u = red.heads[0]!.ay;
  const fro2 = U.flat().reduce((s, v) => s + v * v, 0);
  const tf = Math.sqrt(target.flat().reduce((s, v) => s + v * v, 0));
  const fromFlow = flowG ? relFrobenius(red.gammaEff, flowG) * (Math.sqrt(flowG.flat().reduce((s, v) => s + v * v, 0)) / tf) : Number.NaN;
  return {
    t,
    step,
    G: red.gammaEff,
    distance: relFrobenius(red.gammaEff, target),
    fromFlow,
    offManifold: Math.max(red.axNorm, red.byNorm),
    balance: u * u - fro2,
  };
}

export function runFlow(o: {
  Lambda: number[];
  N: number;
  sigmaInit: number;
  seed: number;
  dt: number;
  T: number;
  sgd: { h: number; T: number; batch: number; seeds: number[] };
  adam: { steps: number; batch: number; lr: number };
}): FlowStudy {
  const d = o.Lambda.length;
  const spec: TaskSpec = { d, n: o.N, x: { kind: "gauss", Lambda: o.Lambda }, w: { kind: "iso" } };
  const init = initParams({ kind: "zhang", sigma: o.sigmaInit }, d, new Rng(o.seed));
  const c = zhangCoordinates(init);
  const opt = zhangGlobalMin({ Lambda: o.Lambda, N: o.N });
  const sgdSteps = Math.round(o.sgd.T / o.sgd.h);
  // SGD checkpoints: about 6 per decade of steps; the flow is recorded at the same times
  const ck = new Set<number>([0, sgdSteps]);
  for (let k = 0; 10 ** (k / 6) <= sgdSteps; k++) ck.add(Math.round(10 ** (k / 6)));
  const ckSteps = [...ck].sort((a, b) => a - b);
  const at = (s: number) => Number((s * o.sgd.h).toFixed(9));
  const times = [...new Set([...ckSteps.map(at), ...Array.from({ length: 121 }, (_, k) => (o.T * k) / 120)])];
  const flow = (dt: number, method: "rk4" | "euler") =>
    integrateZhangFlow({ Lambda: o.Lambda, N: o.N, start: { U: c.U, u: c.u }, dt, times, method });
  const rk4 = flow(o.dt, "rk4");
  const rk4Half = flow(o.dt / 2, "rk4");
  const eulerH = flow(o.sgd.h, "euler");
  const flowAt = (t: number) => rk4.points.find((p) => Math.abs(p.t - t) < 1e-9)?.G;
  const sgd = o.sgd.seeds.map((seed) => {
    const r = trainLSA({
      spec,
      steps: sgdSteps,
      batch: o.sgd.batch,
      rng: new Rng(seed),
      lr: o.sgd.h,
      optimizer: "sgd",
      init: { kind: "params", params: init },
      includeQuery: true,
      checkpoints: ckSteps,
      label: `Z3 SGD, data seed ${seed}`,
    });
    return { seed, points: r.checkpoints.map((k) => point(k.reduction!, at(k.step), k.step, opt.G, flowAt(at(k.step)))) };
  });
  const a = trainLSA({
    spec,
    steps: o.adam.steps,
    batch: o.adam.batch,
    rng: new Rng(o.seed + 1000),
    lr: o.adam.lr,
    schedule: "cosine",
    init: { kind: "params", params: init },
    includeQuery: true,
    checkpoints: [o.adam.steps],
    label: "Z3 Adam",
  });
  return {
    Lambda: o.Lambda,
    N: o.N,
    sigmaInit: o.sigmaInit,
    initCondition: zhangInitCondition({ Lambda: o.Lambda, N: o.N, sigma: o.sigmaInit }),
    target: { G: opt.G, u: opt.u, U: opt.U },
    rk4,
    rk4Half,
    eulerH,
    halvingError: flowDifference(rk4, rk4Half),
    eulerError: flowDifference(eulerH, rk4),
    sgd,
    h: o.sgd.h,
    adam: { ...point(a.reduction, Number.NaN, o.adam.steps, opt.G, undefined), steps: o.adam.steps },
  };
}
