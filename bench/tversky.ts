/**
 * Tversky study (lib/topics/tversky) against PyTorch (bench/reference/tversky.py):
 *   - XOR with one Tversky layer (product intersection, substractmatch difference), all 972 runs of
 *     the study's grid trained as one batched computation (K padded to 32), and the 162 runs of
 *     K = 8: ms per full-batch Adam step of the whole batch;
 *   - the digits heads on the raw 64 inputs (linear; Tversky K = 16, one seed and 5 seeds batched):
 *     ms per epoch of mini-batch Adam (batch 64, lr 0.01) over the study's training split.
 * Same work: at the project's initial parameters both sides give the same loss and the same
 * gradient of every parameter (XOR: the full batch; heads: each run's first mini-batch in the
 * project's data order). Parameters after Adam steps are no check: Adam's first steps move a
 * parameter by ±lr whatever its gradient's size, so float noise on a zero gradient shows as lr.
 * Each row has two project lines: the tensor engine (tfjs ops, the baseline) and, indented,
 * the arrays engine, which the study trains XOR on and not its digits classifiers
 * (lib/studies/tversky/kernel.ts). On XOR the arrays engine trains each K without padding (same
 * numbers, tested) while the reference trains the padded batch, so a third line times the arrays
 * engine on the padded batch too: the like-for-like ratio.
 * Usage: node dist/bench/tversky.js
 */
import * as path from "node:path";
import { Rng } from "../lib/core/rng";
import { initTf, tf } from "../lib/core/tf";
import {
  BatchedClassifier,
  batchedCrossEntropy,
  trainXorArrays,
  trainXorBatch,
  xorLayout,
  xorLossAndGradient,
  type ClassifierSpec,
  type XorEngine,
  type XorRun,
} from "../lib/topics/tversky/index";
import { gridRuns, loadDigits, splitDigits } from "../lib/studies/tversky/index";
import { ArrayClassifierTrainer } from "../lib/topics/tversky/classifier-arrays";
import {
  benchDir,
  expectClose,
  maxRelDiff,
  maxScaledDiff,
  refArray,
  refNumber,
  runBench,
  writeNpy,
  type RefOutputs,
  type Workload,
} from "./harness";

const dir = benchDir("tversky");
const XOR_STEPS = 20;
const LR = 0.01;

/** Loss and gradients (one array per parameter) of `loss` at the current values of `vars`. */
function lossAndGrads(vars: tf.Variable[], loss: () => tf.Scalar): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, vars);
    return { loss: value.dataSync()[0]!, grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  });
}

function sameLossAndGrads(name: string, mine: { loss: number; grads: Float32Array[] }, ref: RefOutputs): string {
  return [
    expectClose(name, "loss", maxRelDiff([mine.loss], [refNumber(ref, "loss")]), 1e-5),
    expectClose(name, "gradients", Math.max(...mine.grads.map((g, i) => maxScaledDiff(g, refArray(ref, `g${i}`)))), 1e-5),
  ].join(", ");
}

/** Largest absolute difference over matching arrays. */
function maxAbs(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - b[i]![k]!));
  });
  return worst;
}

/** A variant's row note: same work as the reference, and its max |Δ| from the tensor engine. */
function variantNote(
  name: string,
  fused: { loss: number; grads: Float32Array[] },
  old: { loss: number; grads: Float32Array[] },
  ref: RefOutputs,
): string {
  const same = sameLossAndGrads(name, fused, ref);
  return `${same}; vs tensor engine max |Δ| loss ${Math.abs(fused.loss - old.loss).toExponential(1)}, grads ${maxAbs(fused.grads, old.grads).toExponential(1)}`;
}

function xorRows(label: string, runs: XorRun[]): Workload[] {
  // the batch exactly as trainXorBatch lays it out
  const lay = xorLayout(runs);
  const { R, Kmax } = lay;
  const tag = `${R}-${Kmax}`;
  const file = (k: string, v: Float32Array, shape: number[]) => writeNpy(path.join(dir, `xor-${k}-${tag}.npy`), v, shape);
  const args = {
    F: file("F", lay.F0, [R, Kmax, 2]),
    P: file("P", lay.P0, [R, 2, 2]),
    fmask: file("fmask", lay.fmask, [R, Kmax, 1]),
    nflag: file("nflag", lay.nflag, [R, 1, 1]),
    X: file("X", lay.X, [R, 4, 2]),
    steps: XOR_STEPS,
    lr: LR,
  };
  const cfg = { intersection: "product", difference: "substractmatch", lr: LR } as const;
  // the project's loss and gradients at the initial parameters, per variable (F, Π, θ, α, β)
  const at = { ...cfg, gmeanEps: 0, thetaInit: 1, alphaInit: 0.5, betaInit: 0.5 };
  const sizes = [R * Kmax * 2, R * 4, R, R, R];
  const perVariable = (engine: XorEngine) => {
    const { loss, grad } = xorLossAndGradient(lay, at, engine);
    let off = 0;
    return { loss, grads: sizes.map((n) => grad.subarray(off, (off += n))) };
  };
  const mine = perVariable("tensors");
  const arrays = perVariable("arrays");
  const name = `Tversky XOR ${label}`;
  const rows: Workload[] = [
    {
      name,
      run: () => void trainXorBatch({ ...cfg, steps: XOR_STEPS }, runs),
      per: XOR_STEPS,
      reps: 1,
      reference: { workload: "xor", args },
      check: (ref) => sameLossAndGrads(name, mine, ref),
      variant: {
        // the study trains XOR on this engine (lib/studies/tversky/kernel.ts, XOR_ENGINE); it trains
        // each K alone, without the padding the reference computes (same numbers per run, tested)
        name: "  the same, whole step on arrays (the study's XOR engine, each K unpadded)",
        run: () => void trainXorBatch({ ...cfg, steps: XOR_STEPS, engine: "arrays" }, runs),
        check: (ref) => variantNote(`${name} (arrays)`, arrays, mine, ref),
      },
    },
  ];
  if (runs.some((r) => r.K !== Kmax)) {
    // the same engine on the padded batch: the reference's amount of work, for a like-for-like ratio
    rows.push({
      name: `  the same on arrays, bank padded to K = ${Kmax} as the reference's (like-for-like work)`,
      run: () => void trainXorArrays(lay, { ...at, steps: XOR_STEPS }),
      per: XOR_STEPS,
      reps: 1,
      reference: { workload: "xor", args },
      check: (ref) => variantNote(`${name} (arrays, padded)`, arrays, mine, ref),
    });
  }
  return rows;
}

function headRow(
  label: string,
  spec: ClassifierSpec,
  seeds: number[],
  train: { X: Float32Array; y: Int32Array; nSamples: number },
): Workload {
  const R = seeds.length;
  const D = spec.inputDim;
  const B = 64;
  const C = spec.classes;
  // each run's first mini-batch in the project's data order (BatchedClassifier: the third split
  // of Rng(seeds[r]) permutes the training set every epoch)
  const first = new Int32Array(R * B);
  seeds.forEach((s, r) => {
    const root = new Rng(s);
    root.split();
    root.split();
    first.set(root.split().permutation(train.nSamples).slice(0, B), r * B);
  });
  const xb = new Float32Array(R * B * D);
  const yb = new Float32Array(R * B * C);
  first.forEach((row, k) => {
    xb.set(train.X.subarray(row * D, (row + 1) * D), k * D);
    yb[k * C + train.y[row]!] = 1;
  });
  const model = new BatchedClassifier(spec, seeds);
  const arraysModel = new BatchedClassifier(spec, seeds); // same seeds: same initial weights
  const tag = `${spec.head.kind}-${R}`;
  const vars = model.trainableVariables();
  const init = vars.map((v, i) => writeNpy(path.join(dir, `head-${tag}-p${i}.npy`), v.dataSync() as Float32Array, v.shape));
  const xt = tf.tensor3d(xb, [R, B, D]);
  const yt = tf.tensor3d(yb, [R, B, C]);
  const mine = lossAndGrads(vars, () => batchedCrossEntropy(model.logits(xt), yt));
  tf.dispose([xt, yt]);
  const trainer = new ArrayClassifierTrainer(arraysModel.toArrays(), LR);
  const arrays = { loss: trainer.lossAndGradient(xb, yb, B), grads: trainer.gradArrays().map((g) => Float32Array.from(g)) };
  const name = `digits ${label}`;
  return {
    name,
    run: () => model.fit(train, { epochs: 1, batchSize: 64, lr: LR }),
    variant: {
      // a library option; the study keeps the tensor engine for digits (lib/studies/tversky/kernel.ts, DIGITS_ENGINE)
      name: "  the same, whole step on arrays (option; not the study's)",
      run: () => arraysModel.fit(train, { epochs: 1, batchSize: 64, lr: LR, engine: "arrays" }),
      check: (ref) => variantNote(`${name} (arrays)`, arrays, mine, ref),
    },
    reps: 2,
    reference: {
      workload: "classifier",
      args: {
        X: writeNpy(path.join(dir, "digits-X.npy"), train.X, [train.nSamples, D]),
        y: writeNpy(path.join(dir, "digits-y.npy"), train.y, [train.nSamples]),
        init,
        head: spec.head.kind,
        batch: 64,
        lr: LR,
        first_batch: writeNpy(path.join(dir, `head-${tag}-first.npy`), first, [R, B]),
      },
    },
    check: (ref) => sameLossAndGrads(name, mine, ref),
  };
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  const grid = gridRuns({
    intersections: ["product"],
    differences: ["substractmatch"],
    normalize: [false, true],
    Ks: [1, 2, 4, 8, 16, 32],
    protoInits: ["uniform", "normal", "orthogonal"],
    featureInits: ["uniform", "normal", "orthogonal"],
    runsPerCell: 9,
    lr: LR,
    steps: 1000,
    seedBase: 1,
  });
  const split = splitDigits({ data: loadDigits(), seed: 2024 });
  const raw = { inputDim: 64, classes: 10, encoder: [] as number[] };
  const tv = { ...raw, head: { kind: "tversky", K: 16, init: "symmetric" } } as const;
  await runBench({
    title: "tversky (lib/topics/tversky): XOR ms per Adam step of the whole batch; digits heads ms per epoch (1437 samples, batch 64)",
    slug: "tversky",
    module: "tversky",
    workloads: [
      ...xorRows("product+substractmatch, 972 grid runs batched (K padded to 32)", grid),
      ...xorRows(
        "product+substractmatch, 162 runs of K = 8 batched",
        grid.filter((r) => r.K === 8),
      ),
      headRow("linear head, 1 seed", { ...raw, head: { kind: "linear" } }, [1], split.train),
      headRow("Tversky K=16 head, 1 seed", tv, [1], split.train),
      headRow("Tversky K=16 head, 5 seeds batched", tv, [1, 2, 3, 4, 5], split.train),
    ],
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
