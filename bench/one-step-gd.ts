/**
 * LSA training throughput (lib/topics/icl) on the selected tfjs backend, for (d, n, batch) = (5, 20, 2048)
 * and (10, 10, 2048):
 *   end-to-end    trainLSA: fresh tasks sampled, per-task statistics, reduced loss + gradient, Adam
 *   model only    the tfjs part of a step (upload statistics, loss, gradient, Adam, read the loss)
 *   sampling      tasks + statistics in JS (the rest of the end-to-end step)
 *   tokens        the straightforward formulation: batched (n+1) x (d+1) token products,
 *                 tf.grad through the layer, tf.train.adam (few steps: it is slow)
 * The "same loss" column is |L_reduced − L_tokens| / L_tokens at the same parameters and batch.
 * Reference on this machine (the issue): PyTorch 1.13 CPU, one thread, ~3.3 ms per Adam step at
 * (5, 20, 2048). Timings are wall-clock and noisy when other jobs share the 2 cores.
 */
import { describeBackend, initTf, tf } from "../lib/core/tf";
import { Rng } from "../lib/core/rng";
import { Adam } from "../lib/core/optim";
import { buildTokens, lsaForward, paramsToTensors, disposeLsaTensors } from "../lib/topics/icl/lsa";
import { NormalStream } from "../lib/core/normal";
import { reducedLossAndGrads } from "../lib/topics/icl/reduced-loss";
import { computeStats, disposeStatsTensors, statsTensors } from "../lib/topics/icl/task-stats";
import { batchTensors, prepareSpec, sampleTasks, type TaskSpec } from "../lib/topics/icl/tasks";
import { initParams, trainLSA, trainLSADirect } from "../lib/topics/icl/train";

/** Wall-clock and CPU (user + system) milliseconds of `work`, best of `repeats` runs by wall time. */
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
  config: string;
  what: string;
  /** Wall-clock ms per step (best of 3). */
  msPerStep: number;
  /** CPU ms per step of the same run (less sensitive to other jobs on the machine). */
  cpuPerStep: number;
  note: string;
}

function bench(d: number, n: number, batch: number): Row[] {
  const spec: TaskSpec = { d, n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.5 };
  const config = `(${d}, ${n}, ${batch})`;
  const rows: Row[] = [];

  // end-to-end
  trainLSA({ spec, steps: 20, batch, rng: new Rng(1), checkpoints: [] }); // warm-up (JIT, wasm kernels)
  const steps = 300;
  let t = timeIt(() => trainLSA({ spec, steps, batch, rng: new Rng(2), checkpoints: [] }));
  rows.push({
    config,
    what: "end-to-end trainLSA (fresh tasks every step)",
    msPerStep: t.wall / steps,
    cpuPerStep: t.cpu / steps,
    note: "",
  });

  // sampling + statistics alone
  const prepared = prepareSpec(spec);
  const stream = new NormalStream(new Rng(3));
  for (let k = 0; k < 10; k++) computeStats(sampleTasks(prepared, batch, stream));
  const reps = 100;
  t = timeIt(() => {
    for (let k = 0; k < reps; k++) computeStats(sampleTasks(prepared, batch, stream));
  });
  rows.push({ config, what: "  of which: sampling + statistics (JS)", msPerStep: t.wall / reps, cpuPerStep: t.cpu / reps, note: "" });

  // model only: precomputed statistics, cycled
  const pool = Array.from({ length: 8 }, () => computeStats(sampleTasks(prepared, batch, stream)));
  const D = d + 1;
  const init = tf.tensor1d(new Rng(4).normals(D + d * D, 0, 0.1));
  const phi = tf.variable(init, true);
  init.dispose();
  const adam = new Adam([phi], { arithmetic: "textbook" });
  const modelStep = (k: number) => {
    const st = statsTensors(pool[k % pool.length]!);
    const loss = tf.tidy(() => {
      const a = tf.reshape(tf.slice(phi, 0, D), [D, 1]) as tf.Tensor2D;
      const BT = tf.reshape(tf.slice(phi, D, d * D), [d, D]) as tf.Tensor2D;
      const r = reducedLossAndGrads(a, BT, st);
      adam.step([tf.concat([tf.reshape(r.ga, [-1]), tf.reshape(r.gBT, [-1])])], 1e-3);
      return r.loss;
    });
    loss.dataSync();
    loss.dispose();
    disposeStatsTensors(st);
  };
  for (let k = 0; k < 20; k++) modelStep(k);
  t = timeIt(() => {
    for (let k = 0; k < steps; k++) modelStep(k);
  });
  rows.push({
    config,
    what: "  of which: model only (reduced loss, gradient, Adam in tfjs)",
    msPerStep: t.wall / steps,
    cpuPerStep: t.cpu / steps,
    note: "",
  });
  phi.dispose();
  adam.dispose();

  // straightforward token formulation, and the loss cross-check
  const p0 = initParams({ kind: "gaussian", std: 0.1 }, d, new Rng(5));
  const check = sampleTasks(prepared, batch, new Rng(6));
  const st = statsTensors(computeStats(check));
  const tt = batchTensors(check);
  const E = buildTokens(tt.X, tt.y, tt.xq);
  const heads = paramsToTensors(p0);
  const a = tf.tensor2d(p0.Wpv[d]!.map((v) => [v]));
  const BT = tf.tensor2d(Array.from({ length: d }, (_, l) => Array.from({ length: D }, (_, j) => p0.Wkq[j]![l]!)));
  const fast = reducedLossAndGrads(a, BT, st);
  const lFast = fast.loss.dataSync()[0]!;
  const lTok = tf.tidy(() => {
    const { yhat } = lsaForward(heads, E);
    return tf.mul(tf.mean(tf.square(tf.sub(yhat, tt.yq))), 0.5).dataSync()[0]!;
  });
  tf.dispose([fast.loss, fast.ga, fast.gBT, a, BT, E, tt.X, tt.y, tt.xq, tt.yq]);
  disposeLsaTensors(heads);
  disposeStatsTensors(st);
  trainLSADirect({ spec, steps: 2, batch, rng: new Rng(7), params: p0 });
  const slowSteps = 10;
  t = timeIt(() => trainLSADirect({ spec, steps: slowSteps, batch, rng: new Rng(8), params: p0 }), 2);
  rows.push({
    config,
    what: "tokens: batched token products + tf.grad + tf.train.adam",
    msPerStep: t.wall / slowSteps,
    cpuPerStep: t.cpu / slowSteps,
    note: `same loss: rel diff ${(Math.abs(lFast - lTok) / lTok).toExponential(1)}`,
  });
  return rows;
}

async function main(): Promise<void> {
  const backend = await initTf({ quiet: true });
  const rows = [...bench(5, 20, 2048), ...bench(10, 10, 2048)];
  const batchOf = 2048;
  console.log(`\nLSA training throughput, tfjs backend: ${describeBackend(backend)}`);
  console.log("(d, n, batch)    what                                                          ms/step  CPU ms/step   steps/s    tasks/s");
  for (const r of rows) {
    const perStep = r.msPerStep;
    const stepsPerS = 1000 / perStep;
    const tasks = (r.what.includes("of which") ? "" : (stepsPerS * batchOf).toFixed(0)).padStart(10);
    console.log(
      `${r.config.padEnd(16)} ${r.what.padEnd(62)} ${perStep.toFixed(2).padStart(7)} ${r.cpuPerStep.toFixed(2).padStart(12)} ${stepsPerS.toFixed(1).padStart(9)} ${tasks}  ${r.note}`,
    );
  }
  console.log("ms/step: wall clock, best of 3 runs; CPU ms/step: user + system time of this process in that run.");
  console.log(
    "reference (issue): PyTorch 1.13 CPU 1 thread ≈ 3.3 ms per Adam step at (5, 20, 2048); tfjs token formulation 58 ms (cpu), 370 ms (wasm)",
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
