/**
 * One-step-GD study (lib/topics/icl): merged-LSA training steps against PyTorch
 * (bench/reference/icl.py), at (d, n, batch) = (5, 20, 2048) and (10, 10, 2048), σ² = 0.5:
 *   - the project's trainLSA (fresh tasks, per-task statistics, reduced loss and hand-written
 *     gradient, Adam) against PyTorch running the same reduced algorithm, and against PyTorch's
 *     straightforward token formulation (autograd through the batched token products);
 *   - project-only profile rows: the JS sampling + statistics and the tfjs part of a step.
 * Same work: on the project's tasks and initial parameters both sides give the same statistics C,
 * loss, gradient and parameters after one Adam step (and the token formulation the same loss and
 * gradient of the reduced parameters). Usage: node dist/bench/one-step-gd.js
 */
import * as path from "node:path";
import { Adam } from "../lib/core/optim";
import { NormalStream } from "../lib/core/normal";
import { Rng } from "../lib/core/rng";
import { initTf, tf } from "../lib/core/tf";
import { reducedLossAndGrads } from "../lib/topics/icl/reduced-loss";
import { computeStats, disposeStatsTensors, statsTensors } from "../lib/topics/icl/task-stats";
import { normalsPerTask, prepareSpec, sampleTasks, type TaskSpec } from "../lib/topics/icl/tasks";
import { initParams, trainLSA } from "../lib/topics/icl/train";
import { benchDir, expectClose, maxRelDiff, maxScaledDiff, refArray, refNumber, runBench, writeNpy, type Workload } from "./harness";

const STEPS = 20; // Adam steps per timed call (times are reported per step)
const TOKEN_STEPS = 5; // the token formulation is slower: fewer steps per call
const BATCH = 2048;
const LR = 1e-2;

function workloads(d: number, n: number): Workload[] {
  const spec: TaskSpec = { d, n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.5 };
  const D = d + 1;
  const tag = `d=${d} n=${n} batch ${BATCH}`;
  const dir = benchDir("one-step-gd");
  const prepared = prepareSpec(spec);
  const draws = new Float32Array(BATCH * normalsPerTask(spec));

  // shared inputs: the project's tasks and initial parameters
  const batch = sampleTasks(prepared, BATCH, new Rng(6));
  const p0 = initParams({ kind: "gaussian", std: 0.1 }, d, new Rng(5));
  const phi0 = new Float32Array(D + d * D);
  for (let j = 0; j < D; j++) phi0[j] = p0.Wpv[d]![j]!;
  for (let l = 0; l < d; l++) for (let j = 0; j < D; j++) phi0[D + l * D + j] = p0.Wkq[j]![l]!;
  const file = (k: string) => path.join(dir, `${k}-d${d}-n${n}.npy`);
  const args = {
    d,
    n,
    batch: BATCH,
    sigma2: 0.5,
    lr: LR,
    steps: STEPS,
    X: writeNpy(file("X"), batch.X, [BATCH, n, d]),
    y: writeNpy(file("y"), batch.y, [BATCH, n]),
    xq: writeNpy(file("xq"), batch.xq, [BATCH, d]),
    yq: writeNpy(file("yq"), batch.yq, [BATCH]),
    phi: writeNpy(file("phi"), phi0, [phi0.length]),
    Wkq: writeNpy(file("Wkq"), Float32Array.from(p0.Wkq.flat()), [D, D]),
    Wpv: writeNpy(file("Wpv"), Float32Array.from(p0.Wpv.flat()), [D, D]),
  };

  // the project's side of the check: statistics, loss, gradient, one Adam step
  const stats = computeStats(batch);
  const st = statsTensors(stats);
  const phi = tf.variable(tf.tensor1d(phi0), true);
  const adam = new Adam([phi], { arithmetic: "textbook" });
  const mine = tf.tidy(() => {
    const a = tf.reshape(tf.slice(phi, 0, D), [D, 1]) as tf.Tensor2D;
    const BT = tf.reshape(tf.slice(phi, D, d * D), [d, D]) as tf.Tensor2D;
    const r = reducedLossAndGrads(a, BT, st);
    const g = tf.concat([tf.reshape(r.ga, [-1]), tf.reshape(r.gBT, [-1])]);
    const out = { loss: r.loss.dataSync()[0]!, grad: g.dataSync().slice() };
    adam.step([g], LR);
    return out;
  });
  const phi1 = phi.dataSync().slice();
  tf.dispose([phi]);
  adam.dispose();
  disposeStatsTensors(st);

  const trainSteps = (steps: number) => () => {
    trainLSA({ spec, steps, batch: BATCH, rng: new Rng(2), checkpoints: [] });
  };
  const name = `ICL one LSA Adam step, ${tag}`;
  const stream = new NormalStream(new Rng(3));
  const pool = Array.from({ length: 4 }, () => computeStats(sampleTasks(prepared, BATCH, stream)));
  const modelPhi = tf.variable(tf.tensor1d(phi0), true);
  const modelAdam = new Adam([modelPhi], { arithmetic: "textbook" });
  let k = 0;
  const modelStep = () => {
    const s = statsTensors(pool[k++ % pool.length]!);
    const loss = tf.tidy(() => {
      const a = tf.reshape(tf.slice(modelPhi, 0, D), [D, 1]) as tf.Tensor2D;
      const BT = tf.reshape(tf.slice(modelPhi, D, d * D), [d, D]) as tf.Tensor2D;
      const r = reducedLossAndGrads(a, BT, s);
      modelAdam.step([tf.concat([tf.reshape(r.ga, [-1]), tf.reshape(r.gBT, [-1])])], LR);
      return r.loss;
    });
    loss.dataSync();
    loss.dispose();
    disposeStatsTensors(s);
  };
  return [
    {
      name: `${name}: vs PyTorch, same reduced algorithm`,
      run: trainSteps(STEPS),
      per: STEPS,
      reps: 1,
      reference: { workload: "reduced", args },
      check: (ref) =>
        [
          expectClose(name, "C", maxScaledDiff(stats.C, refArray(ref, "C")), 1e-5),
          expectClose(name, "loss", maxRelDiff([mine.loss], [refNumber(ref, "loss")]), 1e-5),
          expectClose(name, "grad", maxScaledDiff(mine.grad, refArray(ref, "grad")), 1e-5),
          expectClose(name, "φ after 1 step", maxScaledDiff(phi1, refArray(ref, "phi1")), 1e-6),
        ].join(", "),
    },
    {
      name: `${name}: vs PyTorch, token formulation`,
      run: trainSteps(TOKEN_STEPS),
      per: TOKEN_STEPS,
      reps: 1,
      reference: { workload: "tokens", args: { ...args, steps: TOKEN_STEPS } },
      check: (ref) =>
        [
          expectClose(name, "loss", maxRelDiff([mine.loss], [refNumber(ref, "loss")]), 1e-5),
          expectClose(name, "grad", maxScaledDiff(mine.grad, refArray(ref, "grad")), 1e-5),
        ].join(", "),
    },
    {
      name: `  of which: sampling + statistics (JS), ${tag}`,
      run: () => void computeStats(sampleTasks(prepared, BATCH, stream)),
      reps: 10,
      note: "project only (profile)",
    },
    {
      name: `    of which: the step's ${draws.length} N(0, 1) draws (core/normal.ts)`,
      run: () => stream.fillNormal(draws),
      reps: 20,
      note: "project only (profile)",
    },
    {
      name: `  of which: tfjs reduced loss, gradient, Adam, ${tag}`,
      run: modelStep,
      reps: 20,
      note: "project only (profile)",
    },
  ];
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  await runBench({
    title: "one-step-gd (lib/topics/icl): ms per Adam step",
    slug: "one-step-gd",
    module: "icl",
    workloads: [...workloads(5, 20), ...workloads(10, 10)],
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
