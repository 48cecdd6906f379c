/**
 * Training step of the linear forecasters (lib/topics/timeseries) against the official models in
 * PyTorch (bench/reference/ltsf_linear.py: cure-lab/LTSF-Linear's Linear, NLinear, DLinear with
 * individual = False), ETTh1 L = 336, batch 32 windows (224 rows of 7 channels), H = 96 and 336:
 *   step       gather 32 random training windows, loss and gradient, Adam (lr 0.005); the project
 *              computes the models as one matmul over features (models.ts), the reference as the
 *              official modules (DLinear's moving average by avg_pool1d)
 *   evaluate   the full validation set forward, project only
 * Same work: at the project's initial θ, on the project's first batch, both sides give the same
 * loss and the same gradient of θ. Usage: node dist/bench/ltsf-linear.js (make bench BENCH=ltsf-linear).
 */
import * as path from "node:path";
import { Adam } from "../lib/core/optim";
import { Rng } from "../lib/core/rng";
import { initTf, tf } from "../lib/core/tf";
import {
  ettWindows,
  evaluateModel,
  gatherBatch,
  initParams,
  lossAndGrad,
  prepareEtt,
  trainOfficial,
  type ModelName,
} from "../lib/topics/timeseries";
import { benchDir, expectClose, expectSameLossAndGradient, refArray, refNumber, runBench, writeNpy, type Workload } from "./harness";

const L = 336;
const BATCH = 32;
const LR = 0.005;

function workloads(d: ReturnType<typeof prepareEtt>, H: number, model: ModelName): Workload[] {
  const w = ettWindows(d, { L, H });
  const tag = `${model}, H = ${H}`;
  const p = initParams({ model, L, H, init: "torch", rng: new Rng(1) });
  const theta = tf.variable(tf.tensor1d(p.theta));
  const adam = new Adam([theta]);
  const rng = new Rng(2);
  const draw = () => Array.from({ length: BATCH }, () => rng.int(0, w.train.n - 1));
  const first = draw();
  const dir = benchDir("ltsf-linear");
  const file = (k: string) => path.join(dir, `${k}-${model}-H${H}.npy`);
  const C = d.channels;
  const { start } = w.train.range;
  const rows = w.train.n + L + H - 1;
  const args = {
    model,
    L,
    H,
    batch: BATCH,
    windows: w.train.n,
    series: writeNpy(file("series"), d.data.subarray(start * C, (start + rows) * C), [rows, C]),
    idx: writeNpy(file("idx"), Int32Array.from(first), [BATCH]),
    theta: writeNpy(file("theta"), p.theta, [p.theta.length]),
  };
  const mine = lossAndGrad(theta, gatherBatch(model, w.train, first), p.layers);
  const loss = mine.loss.dataSync()[0]!;
  const grad = mine.grad.dataSync() as Float32Array;
  tf.dispose([mine.loss, mine.grad]);
  return [
    {
      name: `training step, ${tag}`,
      run: () => {
        const { loss, grad } = lossAndGrad(theta, gatherBatch(model, w.train, draw()), p.layers);
        adam.step([grad], LR);
        loss.dataSync();
        tf.dispose([loss, grad]);
      },
      reps: 20,
      reference: { workload: "ltsf_step", args, reps: 20 },
      // loss: float32 means over 32·7·H ≈ 10⁵ terms, summed in different orders: ~√N·ε ≈ 2e-5
      check: (ref) => expectSameLossAndGradient(tag, { loss, grad }, ref, { loss: 1e-4, grad: 1e-4 }),
    },
    {
      name: `  validation forward (${w.val.n} windows), ${tag}`,
      run: () => evaluateModel({ model, layers: p.layers, theta }, w.val),
      reps: 1,
      warmup: 1,
      note: "project only",
    },
  ];
}

/**
 * A full ETTh1 H = 96 fit by the official protocol in its deterministic form (zero init, batches in
 * order: the trace of notes §3.4 run to its early stop), against the same loop around the official
 * modules in PyTorch. Same work: the per-epoch train, val and test MSEs and the final test MSEs agree.
 */
function fitWorkload(d: ReturnType<typeof prepareEtt>, model: ModelName): Workload {
  const H = 96;
  const w = ettWindows(d, { L, H });
  const dir = benchDir("ltsf-linear");
  const range = (s: { range: { start: number; end: number } }) => [s.range.start, s.range.end];
  const args = {
    model,
    L,
    H,
    batch: BATCH,
    lr: LR,
    maxEpochs: 10,
    data: writeNpy(path.join(dir, "ETTh1-normalised.npy"), d.data, [d.data.length / d.channels, d.channels]),
    train: range(w.train),
    val: range(w.val),
    test: range(w.test),
  };
  const fit = () => trainOfficial(d, { model, L, H, lr: LR, batch: BATCH, deterministic: true }, w);
  return {
    name: `full fit (deterministic official protocol to its early stop), ${model}, H = ${H}`,
    run: () => void fit(),
    reps: 1,
    rounds: 2,
    warmup: 0,
    reference: { workload: "ltsf_fit", args, reps: 1 },
    // float32 trajectories over up to 2560 Adam steps: A15's ±2e-4 (3 epochs) is the agreement of two float32 implementations
    check: (ref) => {
      const r = fit();
      const mine = r.log.flatMap((e) => [e.train, e.val, e.test!.mse]);
      const theirs = refArray(ref, "log");
      if (mine.length !== theirs.length)
        throw new Error(`${model} fit: ${r.log.length} epochs here, ${theirs.length / 3} in the reference`);
      return [
        expectClose(
          `${model} fit`,
          `per-epoch MSEs (${r.log.length} epochs; 2 rounds)`,
          Math.max(...mine.map((v, i) => Math.abs(v - theirs[i]!))),
          2e-4,
        ),
        expectClose(`${model} fit`, "final test MSE", Math.abs(r.test.full.mse - refNumber(ref, "full")), 2e-4),
      ].join(", ");
    },
  };
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh1");
  const models: ModelName[] = ["Linear", "NLinear", "DLinear"];
  await runBench({
    title: `ltsf-linear: ms per training step (ETTh1, L = ${L}, batch ${BATCH} windows × 7 channels), project vs official models in PyTorch`,
    slug: "ltsf-linear",
    module: "ltsf_linear",
    workloads: [...[96, 336].flatMap((H) => models.flatMap((m) => workloads(d, H, m))), ...models.map((m) => fitWorkload(d, m))],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
