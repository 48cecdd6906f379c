/**
 * Hot loops of the icl-by-gd study (lib/topics/icl lsa-stack.ts, train-stack.ts, gd-plus.ts):
 *   training step   one Adam step of the code's protocol (sampling, float64 forward/backward through
 *                   the stack, core Adam) at d = N = 10: 1-layer LSA (batch 1024), recurrent 2-layer
 *                   LSA (batch 256), 2-head softmax layer (batch 256)
 *   evaluation      predictions and ∂ŷ/∂x_q of a 1-layer stack on 10⁴ tasks
 *   GD++ fit        per-task coefficients and the (η, γ) fit on 10⁴ tasks
 * Timings are wall-clock and CPU, best of 3; noisy when other jobs share the cores.
 */
import { describeBackend, initTf } from "../lib/core/tf";
import { Rng } from "../lib/core/rng";
import { fitGdPlusPlus, gdppCoefficients, gdStack } from "../lib/topics/icl/gd-plus";
import { stackPredict } from "../lib/topics/icl/lsa-stack";
import { sampleTasks } from "../lib/topics/icl/tasks";
import { trainStack, type StackShape } from "../lib/topics/icl/train-stack";
import { voSpec } from "../lib/topics/icl/vo-data";

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

const spec = voSpec({ d: 10, n: 10 });

function stepRow(shape: StackShape, batch: number, what: string): Row {
  const steps = 10;
  const t = timeIt(() => trainStack({ spec, shape, steps, batch, rng: new Rng(1), lr: 1e-3, beta2: 0.98, clipGlobalNorm: 0.001 }));
  return {
    what: `training step, ${what}, batch ${batch}`,
    unit: "steps",
    perSecond: (steps * 1000) / t.wall,
    cpuPerSecond: (steps * 1000) / t.cpu,
  };
}

function evalRow(): Row {
  const tasks = 10_000;
  const batch = sampleTasks(spec, tasks, new Rng(2));
  const m = gdStack({ d: 10, n: 10, eta: 6 });
  const t = timeIt(() => stackPredict(m, batch, { grad: true }));
  return { what: "1-layer stack: ŷ and ∂ŷ/∂x_q", unit: "tasks", perSecond: (tasks * 1000) / t.wall, cpuPerSecond: (tasks * 1000) / t.cpu };
}

function gdppRow(): Row {
  const tasks = 10_000;
  const batch = sampleTasks(spec, tasks, new Rng(3));
  const t = timeIt(() => fitGdPlusPlus(gdppCoefficients(batch)), 1);
  return {
    what: "GD++ coefficients + (η, γ) fit",
    unit: "tasks",
    perSecond: (tasks * 1000) / t.wall,
    cpuPerSecond: (tasks * 1000) / t.cpu,
  };
}

async function main(): Promise<void> {
  const backend = await initTf({ quiet: true });
  const rows = [
    stepRow({ attention: "linear", depth: 1, recurrent: true, heads: 1 }, 1024, "1-layer LSA"),
    stepRow({ attention: "linear", depth: 2, recurrent: true, heads: 1 }, 256, "recurrent 2-layer LSA"),
    stepRow({ attention: "softmax", depth: 1, recurrent: true, heads: 2 }, 256, "2-head softmax"),
    evalRow(),
    gdppRow(),
  ];
  console.log(`\nicl-by-gd hot loops (float64 JS; core Adam on tfjs backend ${describeBackend(backend)})`);
  console.log("what                                                          per s (wall)   per s (CPU)");
  for (const r of rows)
    console.log(`${r.what.padEnd(62)} ${r.perSecond.toFixed(1).padStart(9)} ${r.unit.padEnd(5)} ${r.cpuPerSecond.toFixed(1).padStart(9)}`);
  console.log("wall: best of 3 runs; CPU: user + system time of this process in that run.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
