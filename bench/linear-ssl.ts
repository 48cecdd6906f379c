/**
 * Hot loops of the linear-ssl study (lib/topics/linear-ssl):
 *   BYOL flow      RK4 steps of the 6×6 linear BYOL flow (learned predictor; DirectPred, with a Jacobi
 *                  eigen-decomposition per right-hand side) per second
 *   JEPA/MAE       adaptive Dormand-Prince steps of the layered per-feature system, and t* quadratures per second
 *   digits epoch   one BYOL epoch on digits (11 steps of batch 128, both views, online + target), width 128 and 256
 * Timings are wall-clock and CPU, best of 3 (1 for the epoch); noisy when other jobs share the cores.
 * No PyTorch/scipy reference is run here: the notes' numpy/scipy/torch timings were made on a
 * different load (notes §1.7: one 100-epoch torch run took 40-415 s).
 */
import { loadDigits } from "../lib/core/data";
import { Rng } from "../lib/core/rng";
import { describeBackend, initTf } from "../lib/core/tf";
import { byolModel, byolRhs, criticalTime, initState, layeredCriticalTime, rk4 } from "../lib/topics/linear-ssl";
import { splitDigits, trainDigitsByol } from "../lib/topics/linear-ssl/digits-ssl";

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

const X = [3, 2, 1.2, 0.8, 0.3, 0.2];
const XP = X.map((x) => x + 0.5);

function byolRow(predictor: "learned" | "directpred"): Row {
  const m = byolModel({ X, Xp: XP, eta: 0.05, predictor });
  const y0 = initState(new Rng(1), { d: 6, s0: 0.5 });
  const steps = 2000;
  const t = timeIt(() => rk4(byolRhs(m), y0, { dt: 0.05, T: steps * 0.05 }));
  return {
    what: `BYOL flow RK4, d = 6, ${predictor} predictor`,
    unit: "steps",
    perSecond: (steps * 1000) / t.wall,
    cpuPerSecond: (steps * 1000) / t.cpu,
  };
}

function layeredRow(): Row {
  let steps = 0;
  const t = timeIt(() => {
    steps = layeredCriticalTime("jepa", { lam: 1, rho: 0.6, eps: 1e-2, L: 3 }).steps;
  });
  return {
    what: "layered JEPA system, Dormand-Prince, L = 3, to t*",
    unit: "steps",
    perSecond: (steps * 1000) / t.wall,
    cpuPerSecond: (steps * 1000) / t.cpu,
  };
}

function quadRow(): Row {
  const n = 20;
  const t = timeIt(() => {
    for (let L = 1; L <= n / 4; L++) for (const rho of [0.2, 0.4, 0.6, 0.8]) criticalTime("jepa", { lam: 1, rho, eps: 1e-4, L });
  });
  return {
    what: "t* quadrature (Simpson in ln u to 1e-12), ε = 1e-4",
    unit: "t*",
    perSecond: (n * 1000) / t.wall,
    cpuPerSecond: (n * 1000) / t.cpu,
  };
}

function epochRow(width: number): Row {
  const data = loadDigits();
  const split = splitDigits(data);
  const t = timeIt(() => {
    trainDigitsByol(data, split.train, { predictor: "directpred", epochs: 1, seed: 0, width }).dispose();
  }, 1);
  return { what: `digits BYOL epoch (DirectPred), width ${width}`, unit: "epoch", perSecond: 1000 / t.wall, cpuPerSecond: 1000 / t.cpu };
}

async function main(): Promise<void> {
  const backend = await initTf({ quiet: true });
  const rows = [byolRow("learned"), byolRow("directpred"), layeredRow(), quadRow(), epochRow(128), epochRow(256)];
  console.log(`\nlinear-ssl hot loops, tfjs backend: ${describeBackend(backend)}`);
  console.log("what                                                          per s (wall)   per s (CPU)");
  for (const r of rows)
    console.log(
      `${r.what.padEnd(62)} ${r.perSecond.toPrecision(4).padStart(9)} ${r.unit.padEnd(5)} ${r.cpuPerSecond.toPrecision(4).padStart(9)}`,
    );
  console.log("wall: best of 3 runs (1 for the epoch); CPU: user + system time of this process in that run.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
