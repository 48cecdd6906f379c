/**
 * Hot loop of the icl-algorithms study: one Adam training step of the causal transformer
 * (lib/topics/icl/gpt.ts, gpt-train.ts) at the sizes the grid trains (L = 1, 2, 4; H = 32, M = 4;
 * d = 4, 10 pairs = 19 tokens; batch 64), plus the d = 8, H = 64, 16-pair size the issue suggested,
 * against the same model in PyTorch (bench/reference/icl_algorithms.py, float32, explicit parameters).
 * Same work: at the project's initial weights, on the project's batch, both sides give the same loss
 * and the same gradient of every parameter. The timed unit is one Adam step on a fixed batch; the
 * project's step also builds the interleaved tokens from the batch (a few µs).
 * Usage: node dist/bench/icl-algorithms.js (or make bench BENCH=icl-algorithms).
 */
import * as path from "node:path";
import { Rng } from "../lib/core/rng";
import { initTf, tf } from "../lib/core/tf";
import { gptLoss, gptWeights, initGpt, type GptConfig } from "../lib/topics/icl/gpt";
import { gptBatchTensors, gptStepper } from "../lib/topics/icl/gpt-train";
import { prepareSpec, sampleTasks } from "../lib/topics/icl/tasks";
import { benchDir, expectClose, expectSameLossAndGradient, maxScaledDiff, runBench, writeNpy, type Workload } from "./harness";

const LR = 1e-3;
const BATCH = 64;

function stepWorkload(model: GptConfig, n: number): Workload {
  const tag = `L = ${model.layers}, H = ${model.width}, d = ${model.d}, ${2 * n - 1} tokens, B = ${BATCH}`;
  const rng = new Rng(1);
  const m = initGpt(model, rng);
  const batch = sampleTasks(prepareSpec({ d: model.d, n, x: { kind: "gauss" }, w: { kind: "iso" } }), BATCH, rng);
  const dir = benchDir("icl-algorithms");
  const key = `L${model.layers}-H${model.width}-d${model.d}`;
  const file = (k: string) => path.join(dir, `${k}-${key}.npy`);
  const { tokens, y } = gptBatchTensors(batch);
  const args = {
    layers: model.layers,
    width: model.width,
    heads: model.heads,
    lr: LR,
    tokens: writeNpy(file("tokens"), tokens.dataSync() as Float32Array, tokens.shape),
    y: writeNpy(file("y"), y.dataSync() as Float32Array, y.shape),
    weights: gptWeights(m).map((w, i) => writeNpy(file(`w${String(i).padStart(3, "0")}`), w, m.vars[i]!.shape)),
  };
  // the check's numbers: loss and gradients at the initial weights, before any timed step moves them
  const { value, grads } = tf.variableGrads(() => gptLoss(m, tokens, y), m.vars);
  const loss = value.dataSync()[0]!;
  const g = m.vars.flatMap((v) => Array.from(grads[v.name]!.dataSync()));
  value.dispose();
  for (const t of Object.values(grads)) t.dispose();
  tokens.dispose();
  y.dispose();
  const stepper = gptStepper(m, {});
  return {
    name: `Adam step, ${tag}`,
    run: () => stepper.step(batch, LR),
    reps: 5,
    reference: { workload: "gpt_step", args, reps: 5 },
    check: (ref) => expectSameLossAndGradient(tag, { loss, grad: g }, ref, { loss: 1e-5, grad: 1e-4 }, "gradients"),
  };
}

/**
 * One float32 matmul of the step's largest shape (the MLP's read-in at H = 64: 64·31 rows × 64 × 256)
 * and a square-ish larger one: the ceiling of matmul-bound work on each side (XNNPACK on 128-bit WASM
 * SIMD without FMA vs the reference's BLAS on AVX2 + FMA).
 */
function matmulWorkload(m: number, k: number, n: number): Workload {
  const rng = new Rng(3);
  const a = Float32Array.from(rng.normals(m * k));
  const b = Float32Array.from(rng.normals(k * n));
  const A = tf.tensor2d(a, [m, k]);
  const B = tf.tensor2d(b, [k, n]);
  const dir = benchDir("icl-algorithms");
  const args = {
    a: writeNpy(path.join(dir, `mm-a-${m}x${k}.npy`), a, [m, k]),
    b: writeNpy(path.join(dir, `mm-b-${k}x${n}.npy`), b, [k, n]),
  };
  const product = () => {
    const C = tf.matMul(A, B);
    const out = C.dataSync() as Float32Array;
    C.dispose();
    return out;
  };
  return {
    name: `of which the ceiling: one float32 matmul ${m}x${k} @ ${k}x${n}`,
    run: () => void product(),
    reps: 10,
    reference: { workload: "matmul", args, reps: 10 },
    check: (ref) => expectClose(`matmul ${m}x${k}x${n}`, "product (scaled)", maxScaledDiff(product(), ref.c as number[]), 1e-5),
  };
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  await runBench({
    title: "icl-algorithms: causal transformer, ms per Adam step, project vs PyTorch",
    slug: "icl-algorithms",
    module: "icl_algorithms",
    workloads: [
      ...[1, 2, 4].map((layers) => stepWorkload({ d: 4, layers, width: 32, heads: 4, maxPairs: 10 }, 10)),
      stepWorkload({ d: 8, layers: 1, width: 64, heads: 4, maxPairs: 16 }, 16),
      matmulWorkload(64 * 31, 64, 256),
      matmulWorkload(2048, 512, 512),
    ],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
