/**
 * Throughput of the Tversky study's training code on this machine's tfjs backend:
 *   - XOR: runs per second (1,000 Adam steps each) batched as one computation, against one run
 *     at a time;
 *   - digits: training samples per second for a linear and a Tversky head (R = 1 and R = 5 seeds
 *     batched), and for the Fashion-MNIST encoder;
 *   - the similarity's forward + backward for a classifier-sized head.
 *
 * Usage: node dist/bench/tversky.js
 */
import { initTf, tf, describeBackend } from "../lib/core/tf";
import { Rng } from "../lib/core/rng";
import { BatchedClassifier, trainXorBatch, tverskySimilarity, type ClassifierSpec, type Examples } from "../lib/topics/tversky/index";
import { gridRuns, loadDigits, splitDigits } from "../lib/studies/tversky/index";

const STEPS = 1000;

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, (performance.now() - t0) / 1000];
}

function xorRows(): string[][] {
  const grid = gridRuns({
    intersections: ["product"],
    differences: ["substractmatch"],
    normalize: [false, true],
    Ks: [1, 2, 4, 8, 16, 32],
    protoInits: ["uniform", "normal", "orthogonal"],
    featureInits: ["uniform", "normal", "orthogonal"],
    runsPerCell: 9,
    lr: 0.01,
    steps: STEPS,
    seedBase: 1,
  });
  const rows: string[][] = [];
  const measure = (label: string, runs: typeof grid, steps: number, one: boolean) => {
    const [, s] = time(() => {
      if (one) for (const r of runs) trainXorBatch({ intersection: "product", difference: "substractmatch", lr: 0.01, steps }, [r]);
      else trainXorBatch({ intersection: "product", difference: "substractmatch", lr: 0.01, steps }, runs);
    });
    const perRun = (s / runs.length) * (STEPS / steps);
    rows.push([label, `${runs.length} runs × ${steps} steps`, s.toFixed(2), (1 / perRun).toFixed(1)]);
  };
  measure("XOR product+substractmatch, all 972 grid runs batched (K padded to 32)", grid, 200, false);
  measure(
    "XOR, 162 runs of K = 8 batched",
    grid.filter((r) => r.K === 8),
    200,
    false,
  );
  measure("XOR, one run at a time (K = 8)", grid.filter((r) => r.K === 8).slice(0, 6), 200, true);
  return rows;
}

function classifierRows(): string[][] {
  const split = splitDigits({ data: loadDigits(), seed: 2024 });
  const rows: string[][] = [];
  const measure = (label: string, spec: ClassifierSpec, seeds: number[], data: Examples, epochs: number, batchSize: number) => {
    const m = new BatchedClassifier(spec, seeds);
    const [, s] = time(() => m.fit(data, { epochs, batchSize, lr: 0.01 }));
    m.dispose();
    const samples = data.nSamples * epochs * seeds.length;
    rows.push([label, `${seeds.length} seed(s) × ${epochs} epochs × ${data.nSamples}`, s.toFixed(2), Math.round(samples / s).toString()]);
  };
  const raw = { inputDim: 64, classes: 10, encoder: [] as number[] };
  measure("digits linear head, batch 64", { ...raw, head: { kind: "linear" } }, [1], split.train, 5, 64);
  measure("digits Tversky K=16 head, batch 64", { ...raw, head: { kind: "tversky", K: 16, init: "symmetric" } }, [1], split.train, 5, 64);
  measure(
    "digits Tversky K=16 head, 5 seeds batched",
    { ...raw, head: { kind: "tversky", K: 16, init: "symmetric" } },
    [1, 2, 3, 4, 5],
    split.train,
    5,
    64,
  );
  measure(
    "digits MLP 64→32 + Tversky K=32, 5 seeds batched",
    { ...raw, encoder: [32], head: { kind: "tversky", K: 32, init: "symmetric" } },
    [1, 2, 3, 4, 5],
    split.train,
    5,
    64,
  );
  const rng = new Rng(1);
  const fake: Examples = { X: rng.uniforms(4096 * 784), y: Int32Array.from({ length: 4096 }, () => rng.int(0, 10)), nSamples: 4096 };
  measure(
    "Fashion-size 784→64→36 + Tversky K=36, batch 128",
    { inputDim: 784, classes: 10, encoder: [64, 36], encoderLastRelu: false, head: { kind: "tversky", K: 36, init: "symmetric" } },
    [1],
    fake,
    2,
    128,
  );
  measure(
    "Fashion-size 784→64→36 + linear, batch 128",
    { inputDim: 784, classes: 10, encoder: [64, 36], encoderLastRelu: false, head: { kind: "linear" } },
    [1],
    fake,
    2,
    128,
  );
  return rows;
}

function similarityRows(): string[][] {
  const rng = new Rng(2);
  const rows: string[][] = [];
  for (const [label, o] of [
    ["product+ignorematch", {}],
    ["product+substractmatch", { difference: "substractmatch" }],
    ["min_pf+substractmatch_pf (per-feature)", { intersection: "min_pf", difference: "substractmatch_pf" }],
  ] as const) {
    const x = tf.tensor2d(rng.normals(256 * 64), [256, 64]),
      P = tf.variable(tf.tensor2d(rng.normals(10 * 64), [10, 64])),
      F = tf.variable(tf.tensor2d(rng.normals(64 * 64), [64, 64]));
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tverskySimilarity({ ...o, x, prototypes: P, features: F, theta: 1, alpha: 0.5, beta: 0.5 })) as tf.Scalar,
          [P, F],
        );
        return [value, ...Object.values(grads)];
      });
    tf.dispose(step());
    const reps = 30;
    const [, s] = time(() => {
      for (let i = 0; i < reps; i++) tf.dispose(step());
    });
    rows.push([`similarity fwd+bwd ${label}`, "n=256, p=10, K=64, d=64", `${((s / reps) * 1000).toFixed(2)} ms`, "–"]);
    tf.dispose([x, P, F]);
  }
  return rows;
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  const rows = [...xorRows(), ...classifierRows(), ...similarityRows()];
  console.log(`\nTversky study benchmarks (backend: ${describeBackend()}; timings are noisy when other jobs share the CPU)`);
  const head = ["what", "size", "seconds", "runs/s (XOR, per 1,000 steps) or samples/s"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(" | ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const r of rows) console.log(line(r));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
