/**
 * Section "17: Fashion-MNIST from scratch". The MNIST-from-scratch analogue on Fashion-MNIST (notes §6.1 row "MNIST, ResNet-50 from
 * scratch": 99.54 vs 99.56, parity): one small dense encoder, trained from scratch with a linear
 * head and with a Tversky head, several seeds, test on t10k. Each seed is its own R = 1 run (the
 * 784-wide first layer is fastest as a plain 2-D matmul on wasm).
 */
import { progress } from "../../../core/progress";
import { BatchedClassifier, type ClassifierSpec, type Examples, type HeadSpec, type TrainOptions } from "../../../topics/tversky/index";
import { FASHION_ENGINE, withKernel } from "../kernel";
import type { HeadResult } from "./digits";

/** Training and model settings of the Fashion-MNIST comparison. */
export interface FashionSpec extends TrainOptions {
  seeds: readonly number[];
  /** Encoder widths, e.g. [64, 36]; the last layer has no ReLU (as the official MNIST encoder). */
  encoder: readonly number[];
  /** Tversky bank size K. */
  K: number;
}

/** One result per head, each over all seeds. */
export interface FashionResults {
  linear: HeadResult;
  tversky: HeadResult;
}

/** Trains the encoder with each head for every seed; test accuracy on t10k, parameter counts, θ/α/β. */
export function runFashion(train: Examples, test: Examples, spec: FashionSpec, options: { quiet?: boolean } = {}): FashionResults {
  const base = { inputDim: 784, classes: 10, encoder: spec.encoder, encoderLastRelu: false };
  const heads: [string, HeadSpec][] = [
    ["linear", { kind: "linear" }],
    [`Tversky K=${spec.K} ignorematch, U(±√(3/d))`, { kind: "tversky", K: spec.K, init: "symmetric" }],
  ];
  const bar = progress("Fashion-MNIST runs", heads.length * spec.seeds.length, {
    steps: heads.length * spec.seeds.length,
    quiet: options.quiet,
  });
  let done = 0;
  const results = heads.map(([label, head]) => {
    const cs: ClassifierSpec = { ...base, head };
    const acc: number[] = [];
    const scalars: NonNullable<HeadResult["scalars"]> = [];
    let params = { total: 0, trainable: 0 };
    for (const seed of spec.seeds) {
      const m = new BatchedClassifier(withKernel(cs), [seed]);
      try {
        m.fit(train, { ...spec, engine: FASHION_ENGINE });
        const a = m.accuracy(test)[0]!;
        acc.push(a);
        params = m.paramCounts();
        if (head.kind === "tversky") scalars.push(m.scalars()[0]!);
        bar.update(++done, `${label}, seed ${seed}: test accuracy ${a.toFixed(4)}`);
      } finally {
        m.dispose();
      }
    }
    const r: HeadResult = { setting: `Fashion-MNIST, dense encoder 784→${spec.encoder.join("→")}`, head: label, params, acc };
    if (scalars.length) r.scalars = scalars;
    return r;
  });
  return { linear: results[0]!, tversky: results[1]! };
}
