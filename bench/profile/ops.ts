/**
 * Where a training step's time goes, kernel by kernel (issue 19: "profile first, then fuse the
 * largest"). Runs one step of each hot workload of the tversky and moment-probing benches under
 * tf.profile and prints, per kernel name, the number of dispatches and their summed time, next to
 * the step's wall time (the gap is JS-side overhead: tape, tidy, tensor bookkeeping).
 * Profile times include the profiler's own overhead and are noisy on a loaded machine: use them to
 * rank ops, not as benchmark numbers (those come from `make bench`).
 * Usage: node dist/bench/profile/ops.js [tversky|moments|gpt] [fused]
 */
import * as os from "node:os";
import { Rng } from "../../lib/core/rng";
import { initTf, tf } from "../../lib/core/tf";
import { initGpt } from "../../lib/topics/icl/gpt";
import { gptStepper } from "../../lib/topics/icl/gpt-train";
import { prepareSpec, sampleTasks } from "../../lib/topics/icl/tasks";
import { MHC3 } from "../../lib/topics/moments/mhc3";
import { BatchedClassifier, trainXorBatch, type XorRun } from "../../lib/topics/tversky/index";
import { gridRuns, loadDigits, splitDigits } from "../../lib/studies/tversky/index";

interface Agg {
  count: number;
  ms: number;
}

async function profileStep(label: string, f: () => void, repeat = 3): Promise<void> {
  f(); // warm
  let best: { wall: number; by: Map<string, Agg>; kernels: number } | undefined;
  for (let r = 0; r < repeat; r++) {
    const t0 = process.hrtime.bigint();
    const info = await tf.profile(() => {
      f();
      return tf.scalar(0);
    });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const by = new Map<string, Agg>();
    for (const k of info.kernels) {
      const a = by.get(k.name) ?? { count: 0, ms: 0 };
      a.count++;
      a.ms += (await k.kernelTimeMs) as number;
      by.set(k.name, a);
    }
    if (!best || wall < best.wall) best = { wall, by, kernels: info.kernels.length };
  }
  const b = best!;
  const inKernels = [...b.by.values()].reduce((s, a) => s + a.ms, 0);
  console.log(
    `\n${label}: ${b.kernels} kernels, ${inKernels.toFixed(2)} ms inside kernels of ${b.wall.toFixed(2)} ms profiled wall (load ${os.loadavg()[0]!.toFixed(1)})`,
  );
  const rows = [...b.by.entries()].sort((x, y) => y[1].ms - x[1].ms);
  for (const [name, a] of rows.slice(0, 14)) {
    console.log(
      `  ${name.padEnd(28)} ${String(a.count).padStart(5)}×  ${a.ms.toFixed(3).padStart(9)} ms  ${((100 * a.ms) / b.wall).toFixed(1).padStart(5)}%`,
    );
  }
}

async function tversky(fused: boolean): Promise<void> {
  const grid = gridRuns({
    intersections: ["product"],
    differences: ["substractmatch"],
    normalize: [false, true],
    Ks: [1, 2, 4, 8, 16, 32],
    protoInits: ["uniform", "normal", "orthogonal"],
    featureInits: ["uniform", "normal", "orthogonal"],
    runsPerCell: 9,
    lr: 0.01,
    steps: 1000,
    seedBase: 1,
  });
  const cfg = { intersection: "product", difference: "substractmatch", lr: 0.01, steps: 1, fused } as const;
  await profileStep("XOR 972 runs, one Adam step", () => void trainXorBatch(cfg, grid as XorRun[]));
  await profileStep("XOR 162 runs K=8, one Adam step", () => void trainXorBatch(cfg, grid.filter((r) => r.K === 8) as XorRun[]));
  const split = splitDigits({ data: loadDigits(), seed: 2024 });
  const tiny = { X: split.train.X.subarray(0, 64 * 64 * 4), y: split.train.y.subarray(0, 64 * 4), nSamples: 64 * 4 };
  for (const [label, spec, seeds] of [
    ["digits linear head, 4 batches of 64", { inputDim: 64, classes: 10, encoder: [], head: { kind: "linear" } }, [1]],
    [
      "digits Tversky K=16, 4 batches of 64",
      { inputDim: 64, classes: 10, encoder: [], head: { kind: "tversky", K: 16, init: "symmetric", fused } },
      [1],
    ],
    [
      "digits Tversky K=16 5 seeds, 4 batches of 64",
      { inputDim: 64, classes: 10, encoder: [], head: { kind: "tversky", K: 16, init: "symmetric", fused } },
      [1, 2, 3, 4, 5],
    ],
  ] as const) {
    const m = new BatchedClassifier(spec as never, seeds as unknown as number[]);
    await profileStep(label, () => m.fit(tiny, { epochs: 1, batchSize: 64, lr: 0.01 }));
    m.dispose();
  }
}

async function moments(fused: boolean): Promise<void> {
  for (const [B, N, D, hidden] of [
    [64, 17, 32, 128],
    [8, 196, 768, 512],
  ] as const) {
    const rng = new Rng(1);
    const layer = new MHC3({ inDim: D, hiddenDim: hidden, numHeads: 4, seed: 2, fused } as never);
    const x = tf.tensor(rng.normals(B * N * D), [B, N, D]) as tf.Tensor3D;
    const r = tf.tensor(rng.normals(B * layer.outputDim), [B, layer.outputDim]);
    const vars = layer.trainableVariables();
    await profileStep(`MHC³ ${B}x${N}x${D} forward`, () => tf.tidy(() => void layer.forward(x).dataSync()));
    await profileStep(`MHC³ ${B}x${N}x${D} forward+backward`, () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), r)) as tf.Scalar, vars);
        grads[vars[0]!.name]!.dataSync();
      }),
    );
    tf.dispose([x, r]);
  }
}

/** The icl-algorithms transformer's Adam step at the bench's sizes (bench/icl-algorithms.ts). */
async function gpt(): Promise<void> {
  for (const [layers, width, d, n] of [
    [1, 32, 4, 10],
    [4, 32, 4, 10],
    [1, 64, 8, 16],
  ] as const) {
    const rng = new Rng(1);
    const m = initGpt({ layers, width, heads: 4, d, maxPairs: n }, rng);
    const batch = sampleTasks(prepareSpec({ d, n, x: { kind: "gauss" }, w: { kind: "iso" } }), 64, rng);
    const stepper = gptStepper(m, {});
    await profileStep(
      `transformer L=${layers} H=${width} d=${d} ${2 * n - 1} tokens B=64, one Adam step`,
      () => void stepper.step(batch, 1e-3),
    );
  }
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  const which = process.argv[2] ?? "tversky";
  const fused = process.argv[3] === "fused";
  if (which === "tversky") await tversky(fused);
  else if (which === "moments") await moments(fused);
  else if (which === "gpt") await gpt();
  else throw new Error(`profile: unknown workload ${which}; use tversky, moments or gpt`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
