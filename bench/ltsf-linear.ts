/**
 * Training throughput of the linear forecasters (lib/topics/timeseries) on the selected tfjs
 * backend, ETTh1 L = 336, batch 32 (224 rows of 7 channels), H = 96 and 336:
 *   step          one official training step: gather the batch (JS), loss + hand-written gradient
 *                 (two WASM matmuls), Adam; in windows per second
 *   evaluate      the full val set forward (2785 windows at H = 96)
 * Reference: the notes (§3.3) report 1.1–2.5 CPU-s per ETTh1 H = 96 epoch (256 steps) for torch 1.13
 * CPU on one thread; Debian's python3-torch is not installed here, so the ratio is against those
 * figures, not a run on this machine. Timings are wall-clock and noisy on a shared machine.
 */
import { describeBackend, initTf, tf } from "../lib/core/tf";
import { Adam } from "../lib/core/optim";
import { Rng } from "../lib/core/rng";
import { ettWindows, evaluateModel, gatherBatch, initParams, lossAndGrad, prepareEtt, type ModelName } from "../lib/topics/timeseries";

const TORCH_CPU_S_PER_EPOCH: Record<ModelName, number> = { Linear: 1.35, NLinear: 1.15, DLinear: 2.4 }; // notes §3.3, H = 96, mean of two seeds

async function main(): Promise<void> {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh1");
  const rows: string[] = [];
  for (const H of [96, 336]) {
    const w = ettWindows(d, { L: 336, H });
    for (const model of ["Linear", "NLinear", "DLinear"] as ModelName[]) {
      const p = initParams({ model, L: 336, H, init: "torch", rng: new Rng(1) });
      const theta = tf.variable(tf.tensor1d(p.theta));
      const adam = new Adam([theta]);
      const rng = new Rng(2);
      const steps = 40;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let s = 0; s < steps; s++) {
        const idx = Array.from({ length: 32 }, () => rng.int(0, w.train.n - 1));
        const { loss, grad } = lossAndGrad(theta, gatherBatch(model, w.train, idx), p.layers);
        adam.step([grad], 0.005);
        loss.dataSync();
        tf.dispose([loss, grad]);
      }
      const wall = Number(process.hrtime.bigint() - t0) / 1e9 / steps;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6 / steps;
      const e0 = process.hrtime.bigint();
      evaluateModel({ model, layers: p.layers, theta }, w.val);
      const evalS = Number(process.hrtime.bigint() - e0) / 1e9;
      const epochCpu = cpu * Math.floor(w.train.n / 32);
      rows.push(
        `| ${H} | ${model} | ${(wall * 1000).toFixed(1)} | ${(cpu * 1000).toFixed(1)} | ${Math.round(32 / wall)} | ${evalS.toFixed(2)} | ${epochCpu.toFixed(1)} | ${H === 96 ? (epochCpu / TORCH_CPU_S_PER_EPOCH[model]).toFixed(1) : "–"} |`,
      );
      theta.dispose();
      adam.dispose();
    }
  }
  console.log(`ltsf-linear: official training step, ETTh1 L = 336, batch 32, backend ${describeBackend()}`);
  console.log(
    "| H | model | wall ms/step | CPU ms/step | windows/s | val forward s | CPU s/epoch (est.) | ratio to torch CPU s/epoch (notes §3.3) |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}

void main();
