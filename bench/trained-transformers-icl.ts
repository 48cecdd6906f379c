/**
 * Hot loops of the trained-transformers-icl study (lib/topics/icl zhang-flow.ts, shift.ts, train.ts):
 *   flow integrator   RK4 steps of the Lemma 5.2 flow (float64, d x d matrices) per second, d = 3 and 10
 *   evaluation        trained-layer predictions on fresh prompts (sampling + per-task statistics +
 *                     ŷ = aᵀCBx_q, evaluateMC), tasks per second at d = 5, M = 20 and 80
 *   SGD step          one plain gradient step of the full layer (trainLSA optimizer "sgd") at (3, 10, 2048)
 * Timings are wall-clock and CPU, best of 3; noisy when other jobs share the cores.
 */
import { describeBackend, initTf } from "../lib/core/tf";
import { Rng } from "../lib/core/rng";
import { lsaPredictor } from "../lib/topics/icl/predictors";
import { reduceLSA } from "../lib/topics/icl/reduce";
import { evaluateMC } from "../lib/topics/icl/shift";
import { initParams, trainLSA } from "../lib/topics/icl/train";
import { zhangCoordinates, zhangGlobalMin } from "../lib/topics/icl/zhang";
import { integrateZhangFlow } from "../lib/topics/icl/zhang-flow";

function timeIt(work: () => void, repeats = 3): { wall: number; cpu: number } {
  let best = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    work();
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    if (wall < best.wall) best = { wall, cpu: (c.user + c.system) / 1000 };
  }
  return best;
}

interface Row {
  what: string;
  unit: string;
  perSecond: number;
  cpuPerSecond: number;
}

function flowRow(d: number): Row {
  const Lambda = Array.from({ length: d }, (_, i) => 0.5 + (1.5 * i) / Math.max(1, d - 1));
  const start = zhangCoordinates(initParams({ kind: "zhang", sigma: 0.5 }, d, new Rng(1)));
  const steps = 2000;
  const t = timeIt(() => integrateZhangFlow({ Lambda, N: 10, start, dt: 0.01, times: [steps * 0.01] }));
  return {
    what: `flow integrator, RK4, d = ${d}`,
    unit: "steps",
    perSecond: (steps * 1000) / t.wall,
    cpuPerSecond: (steps * 1000) / t.cpu,
  };
}

function evalRow(M: number): Row {
  const d = 5;
  const red = reduceLSA(zhangGlobalMin({ Lambda: [1, 1, 1, 1, 1], N: 20 }).params, { includeQuery: true });
  const pred = lsaPredictor(red, { includeQuery: true });
  const tasks = 20_000;
  const spec = { d, n: M, x: { kind: "gauss" as const }, w: { kind: "iso" as const } };
  const t = timeIt(() => evaluateMC(spec, { lsa: pred }, { tasks, rng: new Rng(2) }));
  return {
    what: `trained-layer evaluation (evaluateMC), d = ${d}, M = ${M}`,
    unit: "tasks",
    perSecond: (tasks * 1000) / t.wall,
    cpuPerSecond: (tasks * 1000) / t.cpu,
  };
}

function sgdRow(): Row {
  const steps = 100;
  const spec = { d: 3, n: 10, x: { kind: "gauss" as const, Lambda: [0.5, 1, 2] }, w: { kind: "iso" as const } };
  const run = () =>
    trainLSA({
      spec,
      steps,
      batch: 2048,
      rng: new Rng(3),
      lr: 0.02,
      optimizer: "sgd",
      init: { kind: "zhang", sigma: 0.5 },
      includeQuery: true,
      checkpoints: [],
    });
  run();
  const t = timeIt(run);
  return {
    what: "SGD step of the full layer, (d, N, batch) = (3, 10, 2048)",
    unit: "steps",
    perSecond: (steps * 1000) / t.wall,
    cpuPerSecond: (steps * 1000) / t.cpu,
  };
}

async function main(): Promise<void> {
  const backend = await initTf({ quiet: true });
  const rows = [flowRow(3), flowRow(10), evalRow(20), evalRow(80), sgdRow()];
  console.log(`\ntrained-transformers-icl hot loops, tfjs backend: ${describeBackend(backend)}`);
  console.log("what                                                          per s (wall)   per s (CPU)");
  for (const r of rows)
    console.log(`${r.what.padEnd(62)} ${r.perSecond.toFixed(0).padStart(9)} ${r.unit.padEnd(5)} ${r.cpuPerSecond.toFixed(0).padStart(9)}`);
  console.log("wall: best of 3 runs; CPU: user + system time of this process in that run.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
