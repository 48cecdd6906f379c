/**
 * Hot loop of the icl-algorithms study: one Adam training step of the causal transformer
 * (lib/topics/icl/gpt.ts, gpt-train.ts) at the sizes the grid trains (L = 1, 2, 4; H = 32, M = 4;
 * d = 4, 10 pairs = 19 tokens; batch 64), plus the d = 8, H = 64, 16-pair size the issue suggested.
 * ms per step, wall and CPU, best of 3 runs of 10 steps after 2 warm-up steps; noisy on shared cores.
 * Measured 2026-12-03 22:31 (load ~4), ms/step wall, this file vs bench/reference/icl_algorithms.py
 * (Debian's torch 1.13, 1 thread, the same model and Adam; run with /usr/bin/python3):
 *   L = 1, H = 32, d = 4, 19 tokens   tfjs-wasm 54.4   torch 19.5
 *   L = 2                             tfjs-wasm 96.0   torch 35.9
 *   L = 4                             tfjs-wasm 209.2  torch 67.9
 *   L = 1, H = 64, d = 8, 31 tokens   tfjs-wasm 177.1  torch 53.6
 */
import { Rng } from "../lib/core/rng";
import { describeBackend, initTf } from "../lib/core/tf";
import { disposeGpt, initGpt, type GptConfig } from "../lib/topics/icl/gpt";
import { gptStepper } from "../lib/topics/icl/gpt-train";
import { prepareSpec, sampleTasks } from "../lib/topics/icl/tasks";

function stepRow(model: GptConfig, n: number, batch: number): { what: string; wall: number; cpu: number } {
  const rng = new Rng(1);
  const m = initGpt(model, rng);
  const stepper = gptStepper(m, {});
  const spec = prepareSpec({ d: model.d, n, x: { kind: "gauss" }, w: { kind: "iso" } });
  const batches = Array.from({ length: 12 }, () => sampleTasks(spec, batch, rng));
  stepper.step(batches[0]!, 1e-3);
  stepper.step(batches[1]!, 1e-3);
  let best = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let s = 2; s < 12; s++) stepper.step(batches[s]!, 1e-3);
    const wall = Number(process.hrtime.bigint() - t0) / 1e6 / 10;
    const c = process.cpuUsage(c0);
    if (wall < best.wall) best = { wall, cpu: (c.user + c.system) / 1000 / 10 };
  }
  stepper.dispose();
  disposeGpt(m);
  return { what: `transformer step L = ${model.layers}, H = ${model.width}, d = ${model.d}, ${2 * n - 1} tokens, B = ${batch}`, ...best };
}

async function main(): Promise<void> {
  const backend = await initTf({ quiet: true });
  console.log(`\nicl-algorithms transformer training step, tfjs backend: ${describeBackend(backend)}`);
  console.log("what                                                            ms/step (wall)  ms/step (CPU)");
  const rows = [
    ...[1, 2, 4].map((layers) => stepRow({ d: 4, layers, width: 32, heads: 4, maxPairs: 10 }, 10, 64)),
    stepRow({ d: 8, layers: 1, width: 64, heads: 4, maxPairs: 16 }, 16, 64),
  ];
  for (const r of rows) console.log(`${r.what.padEnd(64)} ${r.wall.toFixed(1).padStart(12)} ${r.cpu.toFixed(1).padStart(14)}`);
  console.log("wall: best of 3 runs of 10 steps; CPU: user + system time of this process in that run.");
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
