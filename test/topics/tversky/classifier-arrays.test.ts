/**
 * lib/topics/tversky/classifier-arrays.ts, a BatchedClassifier's step on arrays: its loss and every
 * gradient against the tensor step (tfjs autodiff) on each kind of layer and head, against float64
 * central differences of a loss written here for the dense path, and whole fits against the
 * tensor engine.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import { ArrayClassifierTrainer, trainableArrays } from "../../../lib/topics/tversky/classifier-arrays";
import { BatchedClassifier, batchedCrossEntropy, type ClassifierSpec, type Examples } from "../../../lib/topics/tversky/index";

before(async () => {
  await initTf({ quiet: true });
});

const D = 12,
  C = 4,
  B = 16;

/** A batch per run: x [R, B, D] (some exact zeros, as ReLU features have), one-hot y. */
function batch(rng: Rng, R: number): { x: Float32Array; y: Float32Array } {
  const x = rng.normals(R * B * D).map((v) => (v < -1 ? 0 : v));
  const y = new Float32Array(R * B * C);
  for (let q = 0; q < R * B; q++) y[q * C + rng.int(0, C)] = 1;
  return { x, y };
}

const SPECS: [string, ClassifierSpec][] = [
  ["raw inputs, linear head", { inputDim: D, classes: C, encoder: [], head: { kind: "linear" } }],
  ["trained encoder, MLP head", { inputDim: D, classes: C, encoder: [8], head: { kind: "mlp", hidden: 6 } }],
  ["two layers, no last ReLU, linear head", { inputDim: D, classes: C, encoder: [9, 7], encoderLastRelu: false, head: { kind: "linear" } }],
  ["raw inputs, Tversky head", { inputDim: D, classes: C, encoder: [], head: { kind: "tversky", K: 10, init: "symmetric" } }],
  [
    "frozen encoder, Tversky substractmatch",
    {
      inputDim: D,
      classes: C,
      encoder: [8],
      frozenEncoder: true,
      head: { kind: "tversky", K: 7, init: "normal", difference: "substractmatch" },
    },
  ],
  [
    "trained encoder, normalised Tversky min_pf",
    {
      inputDim: D,
      classes: C,
      encoder: [8],
      head: { kind: "tversky", K: 6, init: "normal", normalize: true, intersection: "min_pf", difference: "substractmatch_pf_plus" },
    },
  ],
  [
    "raw inputs, ratio-model Tversky",
    { inputDim: D, classes: C, encoder: [], head: { kind: "tversky", K: 5, init: "uniform", model: "ratio" } },
  ],
];

for (const [label, spec] of SPECS) {
  test(`arrays step: loss and every gradient = the tensor step's (${label})`, () => {
    const seeds = [3, 4];
    const m = new BatchedClassifier(spec, seeds);
    const { x, y } = batch(new Rng(9), seeds.length);
    const vars = m.trainableVariables();
    const ref = tf.tidy(() => {
      const xt = tf.tensor3d(x, [seeds.length, B, D]);
      const yt = tf.tensor3d(y, [seeds.length, B, C]);
      const { value, grads } = tf.variableGrads(() => batchedCrossEntropy(m.logits(xt), yt), vars);
      // the ratio model does not use θ: no gradient from tfjs, zeros from the arrays step
      return { loss: value.dataSync()[0]!, grads: vars.map((v) => grads[v.name]?.dataSync().slice() ?? new Float32Array(v.size)) };
    });
    const trainer = new ArrayClassifierTrainer(m.toArrays(), 0.01);
    const loss = trainer.lossAndGradient(x, y, B);
    const grads = trainer.gradArrays();
    assert.equal(grads.length, vars.length);
    assert.ok(Math.abs(loss - ref.loss) <= 1e-5 * Math.abs(ref.loss), `loss ${loss} vs ${ref.loss}`);
    grads.forEach((g, i) => {
      const r = ref.grads[i]!;
      const scale = Math.max(1e-6, ...Array.from(r, Math.abs));
      g.forEach((v, k) => assert.ok(Math.abs(v - r[k]!) <= 1e-5 * scale, `${vars[i]!.name}[${k}]: ${v} vs ${r[k]}`));
    });
    m.dispose();
  });
}

test("arrays step: one seed and a short last batch (buffers longer than R·B rows, as fit passes them)", () => {
  const spec = SPECS[5]![1];
  const m = new BatchedClassifier(spec, [8]);
  const { x, y } = batch(new Rng(13), 1);
  const short = 11;
  // fit's buffers hold the short batch compactly at the front and stale rows behind it
  const xBig = Float32Array.from(x).fill(Number.NaN, short * D),
    yBig = Float32Array.from(y).fill(Number.NaN, short * C);
  const exact = new ArrayClassifierTrainer(m.toArrays(), 0.01);
  const lossExact = exact.lossAndGradient(x.slice(0, short * D), y.slice(0, short * C), short);
  const big = new ArrayClassifierTrainer(m.toArrays(), 0.01);
  assert.ok(Object.is(big.lossAndGradient(xBig, yBig, short), lossExact));
  big.gradArrays().forEach((g, i) =>
    assert.ok(
      g.every((v, k) => Object.is(v, exact.gradArrays()[i]![k])),
      `gradient ${i}`,
    ),
  );
  const vars = m.trainableVariables();
  const ref = tf.tidy(() => {
    const xt = tf.tensor3d(x.slice(0, short * D), [1, short, D]);
    const yt = tf.tensor3d(y.slice(0, short * C), [1, short, C]);
    const { value, grads } = tf.variableGrads(() => batchedCrossEntropy(m.logits(xt), yt), vars);
    return { loss: value.dataSync()[0]!, grads: vars.map((v) => grads[v.name]!.dataSync().slice()) };
  });
  assert.ok(Math.abs(lossExact - ref.loss) <= 1e-5 * Math.abs(ref.loss), `loss ${lossExact} vs ${ref.loss}`);
  exact.gradArrays().forEach((g, i) => {
    const r = ref.grads[i]!;
    const scale = Math.max(1e-6, ...Array.from(r, Math.abs));
    g.forEach((v, k) => assert.ok(Math.abs(v - r[k]!) <= 1e-5 * scale, `${vars[i]!.name}[${k}]: ${v} vs ${r[k]}`));
  });
  m.dispose();
});

/** Float64 Σ_runs mean CE of a dense stack (weights from `p`, laid out as trainableArrays). */
function denseReferenceLoss(spec: ClassifierSpec, R: number, p: Float64Array[], x: Float32Array, y: Float32Array): number {
  const widths = [spec.inputDim, ...spec.encoder, ...(spec.head.kind === "mlp" ? [spec.head.hidden] : []), spec.classes];
  const encoderLayers = spec.encoder.length;
  let loss = 0;
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < B; i++) {
      let h = Array.from(x.subarray((r * B + i) * D, (r * B + i + 1) * D));
      for (let l = 0; l + 1 < widths.length; l++) {
        const [nIn, nOut] = [widths[l]!, widths[l + 1]!];
        const W = p[2 * l]!,
          b = p[2 * l + 1]!;
        const z = Array.from({ length: nOut }, (_, j) => h.reduce((s, v, k) => s + v * W[(r * nIn + k) * nOut + j]!, b[r * nOut + j]!));
        const last = l + 1 === widths.length - 1;
        const relu = l < encoderLayers ? l < encoderLayers - 1 || (spec.encoderLastRelu ?? true) : !last;
        h = relu ? z.map((v) => Math.max(v, 0)) : z;
      }
      const top = Math.max(...h);
      const lse = top + Math.log(h.reduce((s, v) => s + Math.exp(v - top), 0));
      h.forEach((v, c) => (loss -= (y[(r * B + i) * C + c]! * (v - lse)) / B));
    }
  }
  return loss;
}

test("arrays step: dense-path gradient = float64 central differences", () => {
  const spec: ClassifierSpec = { inputDim: D, classes: C, encoder: [8], head: { kind: "mlp", hidden: 6 } };
  const m = new BatchedClassifier(spec, [5, 6]);
  const { x, y } = batch(new Rng(10), 2);
  const trainer = new ArrayClassifierTrainer(m.toArrays(), 0.01);
  trainer.lossAndGradient(x, y, B);
  const grads = trainer.gradArrays();
  const p = trainableArrays(m.toArrays()).map((a) => Float64Array.from(a));
  const h = 1e-6;
  let checked = 0,
    skipped = 0;
  p.forEach((arr, a) => {
    for (let k = 0; k < arr.length; k += 3) {
      const at = (delta: number) => {
        const q = p.map((v) => v.slice());
        q[a]![k] += delta;
        return denseReferenceLoss(spec, 2, q, x, y);
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      const fd2 = (at(h / 10) - at(-h / 10)) / (h / 5);
      // a ReLU kink within h of the point: skipped (at most 5%)
      if (Math.abs(fd - fd2) > 1e-6 * Math.max(1, Math.abs(fd))) {
        skipped++;
        continue;
      }
      checked++;
      assert.ok(Math.abs(grads[a]![k]! - fd) <= 1e-5 * Math.max(1, Math.abs(fd)), `parameter ${a}[${k}]: ${grads[a]![k]} vs ${fd}`);
    }
  });
  assert.ok(skipped <= 0.05 * (checked + skipped), `${skipped} kinks of ${checked + skipped}`);
  m.dispose();
});

test("a fit on the arrays engine follows the tensor engine (same data order, accuracies within a few points)", () => {
  const rng = new Rng(11);
  const n = 200;
  // four Gaussian classes: learnable in a few epochs by every head
  const X = new Float32Array(n * D);
  const yl = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    yl[i] = i % C;
    for (let j = 0; j < D; j++) X[i * D + j] = rng.normal() + (j % C === yl[i] ? 3 : 0);
  }
  const data: Examples = { X, y: yl, nSamples: n };
  for (const [label, spec] of [SPECS[1]!, SPECS[3]!]) {
    const a = new BatchedClassifier(spec, [1, 2]);
    const t = new BatchedClassifier(spec, [1, 2]);
    a.fit(data, { epochs: 5, batchSize: 32, lr: 0.01, engine: "arrays" });
    t.fit(data, { epochs: 5, batchSize: 32, lr: 0.01 });
    const accA = a.accuracy(data),
      accT = t.accuracy(data);
    accA.forEach((v, r) => assert.ok(Math.abs(v - accT[r]!) <= 0.05, `${label} run ${r}: accuracy ${v} vs ${accT[r]}`));
    assert.ok(Math.min(...accA) > 0.6, `${label}: accuracies ${accA}`);
    a.dispose();
    t.dispose();
  }
});

test("a ratio-model head (θ unused) trains on both engines, θ unchanged", () => {
  const spec = SPECS[6]![1];
  const rng = new Rng(12);
  const n = 64;
  const X = rng.normals(n * D);
  const data: Examples = { X, y: Int32Array.from({ length: n }, (_, i) => i % C), nSamples: n };
  for (const engine of ["tensors", "arrays"] as const) {
    const m = new BatchedClassifier(spec, [1, 2]);
    m.fit(data, { epochs: 2, batchSize: 16, lr: 0.01, engine });
    for (const s of m.scalars()) assert.equal(s.theta, 1, `${engine}: θ moved to ${s.theta}`);
    // U(0,1) prototypes and bank: Π·f > 0, so D_ab = 0 and α has no gradient; β does
    assert.ok(
      m.scalars().some((s) => s.beta !== 0.5),
      `${engine}: β did not train`,
    );
    m.dispose();
  }
});

test("fit names an unknown engine", () => {
  const m = new BatchedClassifier(SPECS[0]![1], [1]);
  const data: Examples = { X: new Float32Array(2 * D), y: Int32Array.of(0, 1), nSamples: 2 };
  assert.throws(
    () => m.fit(data, { epochs: 1, batchSize: 2, lr: 0.01, engine: "gpu" as "arrays" }),
    /unknown engine "gpu"; use "tensors" or "arrays"/,
  );
  m.dispose();
});
