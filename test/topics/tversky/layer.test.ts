import { test, before } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import { Adam } from "../../../lib/core/optim";
import {
  TverskyProjection,
  initMatrix,
  linearAsPrototypes,
  linearParams,
  mlpParams,
  sharedBankParams,
  tverskyParams,
  tverskySimilarity,
} from "../../../lib/topics/tversky/index";

before(async () => {
  await initTf({ quiet: true });
});

test("parameter formulas (notes §2) against hand counts: linear p·d + p, Tversky p·d + K·d + 3", () => {
  // hand counts of notes §10 item 8 (digits head d = 64, p = 10)
  assert.equal(linearParams({ d: 64, p: 10 }), 650);
  assert.equal(linearParams({ d: 64, p: 10, bias: false }), 640);
  assert.deepEqual(
    [1, 16, 64].map((K) => tverskyParams({ d: 64, p: 10, K })),
    [707, 1667, 4739],
  );
  // the official MNIST head 36 → 10, K = 36: 360 + 1296 + 3
  assert.equal(tverskyParams({ d: 36, p: 10, K: 36 }), 1659);
  assert.equal(sharedBankParams({ d: 64, ps: [64, 64], K: 32 }), 10_246);
  assert.equal(tverskyParams({ d: 768, p: 50_257, K: 64, tiedPrototypes: true, sharedBank: true }), 3);
  assert.equal(mlpParams([16, 44, 10]), 1198);
  assert.throws(() => tverskyParams({ d: 0, p: 10, K: 4 }), /d must be a positive integer/);
  assert.throws(() => linearParams({ d: 4, p: 2.5 }), /p must be a positive integer/);
});

test("parameter formulas equal tfjs's countParams of built layers, for several (d, p, K) and shared banks", () => {
  for (const [d, p, K] of [
    [2, 2, 1],
    [5, 3, 7],
    [12, 9, 4],
  ] as const) {
    const dense = tf.sequential({ layers: [tf.layers.dense({ units: p, inputShape: [d] })] });
    assert.equal(dense.countParams(), linearParams({ d, p }), `dense ${d}→${p}`);
    dense.dispose();
    const one = new TverskyProjection({ units: p, featureCount: K, seed: 1 });
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [d] }), one] });
    assert.equal(model.countParams(), tverskyParams({ d, p, K }), `Tversky ${d}→${p}, K = ${K}`);
    model.dispose();
    // L = 3 layers d → d on one bank
    const first = new TverskyProjection({ units: d, featureCount: K, seed: 2 });
    const rest = [3, 4].map((seed) => new TverskyProjection({ units: d, seed, featureBankFrom: first }));
    const stack = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [d] }), first, ...rest] });
    assert.equal(stack.countParams(), sharedBankParams({ d, ps: [d, d, d], K }), `3 shared layers d = ${d}, K = ${K}`);
    stack.dispose();
  }
});

test("TverskyProjection: forward equals the functional core, 3-D inputs, output shape and count", () => {
  const layer = new TverskyProjection({ units: 3, featureCount: 5, seed: 9, difference: "substractmatch" });
  const rng = new Rng(1);
  const x = tf.tensor3d(rng.normals(2 * 4 * 6), [2, 4, 6]);
  const y = layer.apply(x) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 4, 3]);
  const want = tf.tidy(() =>
    tverskySimilarity({
      x: tf.reshape(x, [8, 6]),
      prototypes: layer.prototypes(),
      features: layer.featureBank(),
      theta: 1,
      alpha: 0.5,
      beta: 0.5,
      difference: "substractmatch",
    }),
  );
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.reshape(y, [8, 3]), want))).dataSync()[0]!);
  assert.ok(diff <= 1e-6, `layer vs functional: ${diff}`);
  assert.equal(layer.countParams(), 3 * 6 + 5 * 6 + 3);
  assert.deepEqual(layer.computeOutputShape([null, 4, 6]), [null, 4, 3]);
  assert.deepEqual(layer.scalars(), { theta: 1, alpha: 0.5, beta: 0.5 });
  const cfg = layer.getConfig();
  assert.equal(cfg.units, 3);
  assert.equal(cfg.difference, "substractmatch");
  tf.dispose([x, y, want]);
  layer.dispose();
});

test("initialisations: official U(0,1), zero-centred U(±√(3/d)), seeded and reproducible", () => {
  const make = (init: "uniform" | "symmetric", seed: number) => {
    const l = new TverskyProjection({ units: 4, featureCount: 7, seed, init });
    l.apply(tf.zeros([1, 12]));
    const w = { P: Array.from(l.prototypes().dataSync()), F: Array.from(l.featureBank().dataSync()) };
    l.dispose();
    return w;
  };
  const u = make("uniform", 3);
  assert.ok([...u.P, ...u.F].every((v) => v >= 0 && v < 1));
  const s = make("symmetric", 3),
    a = Math.sqrt(3 / 12);
  assert.ok([...s.P, ...s.F].every((v) => v >= -a && v < a));
  assert.ok(Math.min(...s.F) < 0 && Math.max(...s.F) > 0);
  assert.deepEqual(make("symmetric", 3), s);
  assert.notDeepEqual(make("symmetric", 4), s);
  assert.throws(() => new TverskyProjection({ units: 2, featureCount: 3 } as never), /seed must be an integer/);
  assert.throws(() => new TverskyProjection({ units: 2, seed: 1 }), /featureCount \(K\) must be a positive integer/);
  assert.throws(() => new TverskyProjection({ units: 2, featureCount: 3, seed: 1, init: "xavier" as never }), /unknown init/);
});

test("orthogonal init: orthonormal columns (tall) or rows (wide), as torch.nn.init.orthogonal_", () => {
  const rng = new Rng(2);
  for (const [r, c] of [
    [6, 2],
    [2, 2],
    [1, 2],
    [2, 5],
  ]) {
    const q = initMatrix({ init: "orthogonal", rows: r!, cols: c!, rng });
    const tall = r! >= c!;
    const k = tall ? c! : r!;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let t = 0; t < (tall ? r! : c!); t++) s += tall ? q[t * c! + i]! * q[t * c! + j]! : q[i * c! + t]! * q[j * c! + t]!;
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) <= 1e-6, `[${r}, ${c}] gram[${i}][${j}] = ${s}`);
      }
  }
  assert.equal(initMatrix({ init: "normal", rows: 3, cols: 3, rng: new Rng(1) }).length, 9);
});

test("feature-bank sharing: counted once, gradients from both layers add up, one update per step", () => {
  const d = 6,
    K = 4;
  const first = new TverskyProjection({ units: d, featureCount: K, seed: 1 });
  const second = new TverskyProjection({ units: 3, seed: 2, featureBankFrom: first });
  const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [d] }), first, second] });
  assert.equal(model.countParams(), d * d + 3 + (3 * d + 3) + K * d);
  const names = model.trainableWeights.map((w) => w.originalName);
  assert.equal(names.filter((n) => n.endsWith("feature_bank")).length, 1);
  assert.ok(!second.ownsBank() && first.ownsBank());
  const rng = new Rng(3);
  const x = tf.tensor2d(rng.normals(5 * d), [5, d]);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const bank = first.bankVariable().read() as tf.Variable;
  const loss = () => tf.sum(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar;
  // reference: the same network written with the functional core and an explicit shared bank
  const g = tf.tidy(() => {
    const viaModel = tf.variableGrads(loss, [bank]).grads[bank.name]!;
    const ref = tf.grad((F: tf.Tensor) => {
      const h = tverskySimilarity({ x, prototypes: first.prototypes(), features: F, theta: 1, alpha: 0.5, beta: 0.5 });
      return tf.sum(tf.square(tverskySimilarity({ x: h, prototypes: second.prototypes(), features: F, theta: 1, alpha: 0.5, beta: 0.5 })));
    })(first.featureBank());
    return tf.max(tf.abs(tf.sub(viaModel, ref))).dataSync()[0]! / Math.max(1e-6, tf.max(tf.abs(ref)).dataSync()[0]!);
  });
  assert.ok(g <= 1e-4, `bank gradient through the model vs two explicit uses: relative ${g}`);
  const before = bank.dataSync().slice();
  const adam = new Adam(vars, { lr: 0.01, arithmetic: "reciprocal" });
  const { grads, value } = tf.variableGrads(loss, vars);
  adam.step(vars.map((v) => grads[v.name]!));
  tf.dispose([value, ...Object.values(grads)]);
  // Adam's first step moves each entry by lr·g/(|g| + eps) ≤ lr: a second update would show as 2·lr
  const moved = Math.max(...Array.from(bank.dataSync(), (v, i) => Math.abs(v - before[i]!)));
  assert.ok(moved > 0.009 && moved <= 0.01 * (1 + 1e-4), `bank moved by ${moved}`);
  adam.dispose();
  x.dispose();
  model.dispose();
});

test("linearAsPrototypes: the rows of Wᵀ give the dense layer's logits as dot products", () => {
  const dense = tf.layers.dense({
    units: 3,
    useBias: false,
    inputShape: [4],
    kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 5 }),
  });
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const y = dense.apply(x) as tf.Tensor;
  const P = linearAsPrototypes(dense);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(y, tf.matMul(x, P, false, true)))).dataSync()[0]!);
  assert.ok(diff <= 1e-6);
  tf.dispose([x, y, P]);
  dense.dispose();
});
