/**
 * Hot loops of the icl-by-gd study (lib/topics/icl lsa-stack.ts, train-stack.ts, gd-plus.ts):
 *   loss + gradient   the project's float64 per-task matrix form (lsa-stack.ts stackLossAndGrads)
 *                     against PyTorch autograd through the batched token products, float64
 *                     (bench/reference/icl_by_gd.py), at d = N = 10: 1-layer LSA (batch 1024),
 *                     recurrent 2-layer LSA (batch 256), 2-head softmax layer (batch 256)
 *   training step     one full Adam step of the code's protocol (sampling, loss and gradient, core
 *                     Adam), project only
 *   GD++ fit          per-task coefficients and the (η, γ) fit on 10⁴ tasks, project only
 * Same work: on the project's tasks and weights both sides give the same loss and gradient.
 * Usage: node dist/bench/icl-by-gd.js (or make bench BENCH=icl-by-gd).
 */
import * as path from "node:path";
import { Rng } from "../lib/core/rng";
import { initTf } from "../lib/core/tf";
import { fitGdPlusPlus, gdppCoefficients } from "../lib/topics/icl/gd-plus";
import { flattenStack, stackLossAndGrads } from "../lib/topics/icl/lsa-stack";
import { sampleTasks } from "../lib/topics/icl/tasks";
import { initStack, trainStack, type StackShape } from "../lib/topics/icl/train-stack";
import { voSpec } from "../lib/topics/icl/vo-data";
import { benchDir, expectSameLossAndGradient, runBench, writeNpy, type Workload } from "./harness";

const d = 10;
const n = 10;
const spec = voSpec({ d, n });

function workloads(shape: StackShape, batch: number, what: string): Workload[] {
  const dir = benchDir("icl-by-gd");
  const tag = `${what}, d = N = 10, batch ${batch}`;
  const tasks = sampleTasks(spec, batch, new Rng(6));
  // weights of a partly trained scale (init scale 1): gradients of every block are non-trivial
  const stack = initStack(shape, d, 1, new Rng(5));
  const weights = flattenStack(stack, d + 1);
  const key = `${shape.attention}-${shape.depth}-${shape.heads}`;
  const file = (k: string) => path.join(dir, `${k}-${key}.npy`);
  const args = {
    d,
    attention: shape.attention,
    depth: shape.depth,
    recurrent: shape.recurrent,
    heads: shape.heads,
    X: writeNpy(file("X"), tasks.X, [batch, n, d]),
    y: writeNpy(file("y"), tasks.y, [batch, n]),
    xq: writeNpy(file("xq"), tasks.xq, [batch, d]),
    yq: writeNpy(file("yq"), tasks.yq, [batch]),
    weights: writeNpy(file("weights"), weights, [weights.length]),
  };
  const mine = stackLossAndGrads(stack, tasks);
  const g = flattenStack(mine.grads, d + 1);
  const steps = 5;
  return [
    {
      name: `loss + gradient, ${tag}: vs PyTorch autograd on tokens (float64)`,
      run: () => stackLossAndGrads(stack, tasks),
      reps: 3,
      reference: { workload: "stack_grad", args },
      check: (ref) => expectSameLossAndGradient(tag, { loss: mine.loss, grad: g }, ref, { loss: 1e-10, grad: 1e-9 }, "grad"),
    },
    {
      name: `  training step (sampling + loss/gradient + Adam), ${tag}`,
      run: () => trainStack({ spec, shape, steps, batch, rng: new Rng(1), lr: 1e-3, beta2: 0.98, clipGlobalNorm: 0.001 }),
      per: steps,
      reps: 1,
      note: "project only (profile)",
    },
  ];
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  const fitTasks = sampleTasks(spec, 10_000, new Rng(3));
  await runBench({
    title: "icl-by-gd: attention stacks (float64), project vs PyTorch",
    slug: "icl-by-gd",
    module: "icl_by_gd",
    workloads: [
      ...workloads({ attention: "linear", depth: 1, recurrent: true, heads: 1 }, 1024, "1-layer LSA"),
      ...workloads({ attention: "linear", depth: 2, recurrent: true, heads: 1 }, 256, "recurrent 2-layer LSA"),
      ...workloads({ attention: "softmax", depth: 1, recurrent: true, heads: 2 }, 256, "2-head softmax"),
      {
        name: "GD++ coefficients + (η, γ) fit, 10⁴ tasks",
        run: () => fitGdPlusPlus(gdppCoefficients(fitTasks)),
        reps: 1,
        warmup: 0,
        note: "project only (profile)",
      },
    ],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
