/**
 * The weight-free moments (U3-U5, U9) against float64 hand computations; the fast matmul ops
 * against tfjs autodiff; the study's AdamW configuration against a hand-written update; the schedule and the loss; PSRP
 * and the ViT block (U8); the L-BFGS probe at its optimum; the synthetic generators' moments and
 * Bayes rule; the digits helpers; the FLOP model against a hand count.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { initTf, tf } from "../../../lib/core/tf";
import { symmetricEigenvalues } from "../../../lib/topics/moments/eigen";
import { patchify, rotate90, corrupt } from "../../../lib/topics/moments/digits";
import { addBias, batchedGram, matmul2d } from "../../../lib/topics/moments/fastops";
import { meanFeatures, secondMomentFeatures } from "../../../lib/topics/moments/features";
import { partFlops, trainFlopsPerSample } from "../../../lib/topics/moments/flops";
import { fitSoftmaxRegression, linearAccuracy } from "../../../lib/topics/moments/linear";
import { centre, crossCovariance, geluExact, l2NormalizeAxis, layerNorm, meanPool, triuVec } from "../../../lib/topics/moments/moments";
import { Adam, learningRate } from "../../../lib/core/optim";
import { PSRP } from "../../../lib/topics/moments/psrp";
import { bayesAccuracy, drawTask, sampleTokenSets } from "../../../lib/topics/moments/synthetic";
import { planSteps, softmaxCE, trainClassifier } from "../../../lib/topics/moments/train";
import { TinyViT, ViTBlock, vitParamCount } from "../../../lib/topics/moments/vit";
import { trainHead } from "../../../lib/topics/moments/head-runs";
import { buildMethod, makeBackbone } from "../../../lib/topics/moments/transfer";

before(async () => {
  await initTf({ quiet: true });
});

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("U3/U5: cross-covariance by hand (scalar, channel, none centring; N and N−1), transpose identity, PSD", () => {
  // one sample, 3 tokens, 2 channels each
  const A = [
    [1, 2],
    [3, 5],
    [2, -1],
  ];
  const B = [
    [0, 1],
    [4, 2],
    [-2, 3],
  ];
  const hand = (center: string, div: number) => {
    const cen = (X: number[][]) => {
      if (center === "none") return X;
      if (center === "scalar") {
        const m = X.flat().reduce((a, b) => a + b, 0) / 6;
        return X.map((r) => r.map((v) => v - m));
      }
      const cm = [0, 1].map((c) => X.reduce((a, r) => a + r[c]!, 0) / 3);
      return X.map((r) => r.map((v, c) => v - cm[c]!));
    };
    const a = cen(A);
    const b = cen(B);
    return [0, 1].map((i) => [0, 1].map((j) => a.reduce((s, r, n) => s + r[i]! * b[n]![j]!, 0) / div));
  };
  for (const center of ["scalar", "channel", "none"] as const) {
    for (const [divisor, div] of [
      ["N", 3],
      ["N-1", 2],
    ] as const) {
      const got = tf.tidy(() => crossCovariance(tf.tensor3d([A]), tf.tensor3d([B]), { center, divisor }).arraySync()[0]!);
      const want = hand(center, div);
      got.forEach((r, i) => r.forEach((v, j) => close(v, want[i]![j]!, 1e-5, `${center}/${divisor} [${i},${j}]`)));
    }
  }
  const rng = new Rng(3);
  tf.tidy(() => {
    const a = tf.tensor3d(rng.normals(2 * 11 * 5, 0.7), [2, 11, 5]);
    const b = tf.tensor3d(rng.normals(2 * 11 * 4, -0.2), [2, 11, 4]);
    const ab = crossCovariance(a, b);
    const ba = crossCovariance(b, a);
    assert.ok(tf.max(tf.abs(tf.sub(ab, tf.transpose(ba, [0, 2, 1])))).dataSync()[0]! < 1e-6);
    const aa = crossCovariance(a, a, { center: "channel" }).arraySync();
    for (const m of aa) assert.ok(Math.min(...symmetricEigenvalues(m)) > -1e-6);
    // scalar centring keeps channel means, channel centring removes them
    const s = centre(a, "scalar");
    const c = centre(a, "channel");
    assert.ok(Math.abs(tf.mean(s).dataSync()[0]!) < 1e-6);
    assert.ok(tf.max(tf.abs(tf.mean(s, 1))).dataSync()[0]! > 0.1);
    assert.ok(tf.max(tf.abs(tf.mean(c, 1))).dataSync()[0]! < 1e-6);
  });
  assert.deepEqual(
    symmetricEigenvalues([
      [2, 1],
      [1, 2],
    ])
      .map((v) => Math.round(v * 1e9) / 1e9)
      .sort(),
    [1, 3],
  );
});

test("U4: column L2 normalisation by hand, zero columns stay zero with a finite gradient", () => {
  tf.tidy(() => {
    const m = tf.tensor3d([
      [
        [3, 0],
        [4, 0],
      ],
    ]); // columns (3,4) and (0,0)
    const y = l2NormalizeAxis(m, 1).arraySync()[0]!;
    close(y[0]![0]!, 0.6, 1e-6, "0,0");
    close(y[1]![0]!, 0.8, 1e-6, "1,0");
    assert.equal(y[0]![1], 0);
    assert.equal(y[1]![1], 0);
    const g = tf.grad((x: tf.Tensor) => tf.sum(l2NormalizeAxis(x, 1)))(m);
    assert.ok(g.dataSync().every(Number.isFinite));
  });
});

test("U9: exact GELU at −3, −1, 0, 1, 3; meanPool, triuVec and layerNorm by hand", () => {
  const want = [-0.0040496, -0.1586553, 0, 0.8413447, 2.9959504];
  const got = tf.tidy(() => Array.from(geluExact(tf.tensor1d([-3, -1, 0, 1, 3])).dataSync()));
  got.forEach((v, i) => close(v, want[i]!, 2e-6, `gelu ${i}`));
  tf.tidy(() => {
    const x = tf.tensor3d([
      [
        [1, 2],
        [3, 6],
      ],
    ]);
    assert.deepEqual(meanPool(x).arraySync(), [[2, 4]]);
    assert.deepEqual(
      triuVec(
        tf.tensor3d([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
      ).arraySync(),
      [[1, 2, 4]],
    );
    assert.deepEqual(
      triuVec(
        tf.tensor3d([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
        false,
      ).arraySync(),
      [[2]],
    );
    const ln = layerNorm(tf.tensor2d([[1, 3]]), tf.tensor1d([2, 2]), tf.tensor1d([1, 1]), 0).arraySync()[0]!;
    close(ln[0]!, -1, 1e-6, "ln0");
    close(ln[1]!, 3, 1e-6, "ln1");
  });
});

test("fast ops: matmul2d, addBias, batchedGram values and gradients equal tf.matMul's", () => {
  const rng = new Rng(4);
  tf.tidy(() => {
    const a = tf.tensor2d(rng.normals(7 * 5), [7, 5]);
    const b = tf.tensor2d(rng.normals(5 * 3), [5, 3]);
    const bias = tf.tensor1d(rng.normals(3));
    const r = tf.tensor2d(rng.normals(21), [7, 3]);
    const f1 = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
      tf.sum(tf.mul(addBias(matmul2d(x as tf.Tensor2D, y as tf.Tensor2D), z as tf.Tensor1D), r));
    const f2 = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D), z), r));
    const g1 = tf.grads(f1)([a, b, bias]);
    const g2 = tf.grads(f2)([a, b, bias]);
    g1.forEach((g, i) => assert.ok(tf.max(tf.abs(tf.sub(g, g2[i]!))).dataSync()[0]! < 1e-5, `grad ${i}`));
    const p = tf.tensor3d(rng.normals(2 * 6 * 4), [2, 6, 4]);
    const q = tf.tensor3d(rng.normals(2 * 6 * 3), [2, 6, 3]);
    const rr = tf.tensor3d(rng.normals(2 * 4 * 3), [2, 4, 3]);
    assert.ok(tf.max(tf.abs(tf.sub(batchedGram(p, q), tf.matMul(p, q, true, false)))).dataSync()[0]! < 1e-5);
    const h1 = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(batchedGram(x as tf.Tensor3D, y as tf.Tensor3D), rr)))([p, q]);
    const h2 = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, true, false), rr)))([
      p,
      q,
    ]);
    h1.forEach((g, i) => assert.ok(tf.max(tf.abs(tf.sub(g, h2[i]!))).dataSync()[0]! < 1e-5, `gram grad ${i}`));
  });
  assert.throws(() => matmul2d(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D), /do not chain/);
});

test("the study's AdamW (core Adam, folded op order): two steps equal the hand-written torch.optim.AdamW update (decay on ≥2-D only)", () => {
  const w = tf.variable(tf.tensor2d([[1, -2]]));
  const b = tf.variable(tf.tensor1d([0.5]));
  const opt = new Adam([w, b], { weightDecay: 0.1, arithmetic: "folded" });
  const grads = [[[0.3, -0.1]], [[-0.2, 0.4]]];
  const gb = [0.2, -0.5];
  const st = { w: [1, -2], b: 0.5, mw: [0, 0], vw: [0, 0], mb: 0, vb: 0 };
  const lr = 0.01;
  for (let t = 1; t <= 2; t++) {
    opt.step([tf.tensor2d(grads[t - 1]!), tf.tensor1d([gb[t - 1]!])], lr);
    const c1 = 1 - 0.9 ** t;
    const c2 = 1 - 0.999 ** t;
    st.w = st.w.map((p, i) => {
      const g = grads[t - 1]![0]![i]!;
      st.mw[i] = 0.9 * st.mw[i]! + 0.1 * g;
      st.vw[i] = 0.999 * st.vw[i]! + 0.001 * g * g;
      return p * (1 - lr * 0.1) - (lr * (st.mw[i]! / c1)) / (Math.sqrt(st.vw[i]! / c2) + 1e-8);
    });
    st.mb = 0.9 * st.mb + 0.1 * gb[t - 1]!;
    st.vb = 0.999 * st.vb + 0.001 * gb[t - 1]! ** 2;
    st.b = st.b - (lr * (st.mb / c1)) / (Math.sqrt(st.vb / c2) + 1e-8);
  }
  const wv = w.dataSync();
  st.w.forEach((v, i) => close(wv[i]!, v, 1e-6, `w${i}`));
  close(b.dataSync()[0]!, st.b, 1e-6, "b");
  opt.dispose();
  w.dispose();
  b.dispose();
});

test("schedule, loss, step planning", () => {
  // the study's schedule: warmup from 1e-7, cosine down to 1e-8 (timm)
  const lr = (step: number) => learningRate(step, { base: 1, total: 100, warmup: 10, warmupStart: 1e-7, min: 1e-8 });
  close(lr(0), 1e-7, 1e-12, "warmup start");
  close(lr(5), 1e-7 + (1 - 1e-7) * 0.5, 1e-12, "mid warmup");
  close(lr(10), 1, 1e-12, "peak");
  close(lr(55), 1e-8 + 0.5 * (1 - 1e-8), 1e-9, "half-way cosine");
  close(lr(100), 1e-8, 1e-12, "floor");
  const l = tf.tidy(
    () =>
      softmaxCE(
        tf.tensor1d([0, 1], "int32"),
        tf.tensor2d([
          [1, 0],
          [0, 0],
        ]),
      ).dataSync()[0]!,
  );
  close(l, (Math.log(1 + Math.exp(-1)) + Math.log(2)) / 2, 1e-6, "CE");
  const ls = tf.tidy(() => softmaxCE(tf.tensor1d([0], "int32"), tf.tensor2d([[1, 0]]), 0.2).dataSync()[0]!);
  const lp0 = -Math.log(1 + Math.exp(-1));
  const lp1 = -1 - Math.log(1 + Math.exp(-1));
  close(ls, -(0.9 * lp0 + 0.1 * lp1), 1e-6, "smoothed CE");
  assert.deepEqual(planSteps(10, { epochs: 3, batchSize: 4, lr: 1, weightDecay: 0, warmupEpochs: 0 }), {
    steps: 9,
    epochs: 3,
    perEpoch: 3,
  });
  assert.deepEqual(planSteps(5, { epochs: 3, batchSize: 64, lr: 1, weightDecay: 0, warmupEpochs: 0, minSteps: 10 }), {
    steps: 10,
    epochs: 10,
    perEpoch: 1,
  });
});

test("U8: PSRP with zero up-projections leaves a ViT block unchanged exactly; PSRP output shapes; ViT counts", () => {
  const rng = new Rng(5);
  const plain = new ViTBlock({ dim: 16, heads: 4, mlpRatio: 2, lnEps: 1e-6, seed: 3 });
  const withP = new ViTBlock({ dim: 16, heads: 4, mlpRatio: 2, lnEps: 1e-6, seed: 3, psrpBottleneck: 4 });
  const zero = new PSRP({ dim: 16, bottleneck: 4, init: "zero-up", seed: 1 });
  withP.psrp!.restore(zero.snapshot());
  tf.tidy(() => {
    const x = tf.tensor3d(rng.normals(2 * 5 * 16), [2, 5, 16]);
    assert.equal(tf.max(tf.abs(tf.sub(plain.forward(x), withP.forward(x)))).dataSync()[0], 0);
    const { weight, bias } = zero.forward(x);
    assert.deepEqual(weight.shape, [2, 5, 16]);
    assert.equal(tf.max(tf.abs(bias)).dataSync()[0], 0);
    // a non-zero PSRP changes the block
    const other = new PSRP({ dim: 16, bottleneck: 4, seed: 2 });
    withP.psrp!.restore(other.snapshot());
    assert.ok(tf.max(tf.abs(tf.sub(plain.forward(x), withP.forward(x)))).dataSync()[0]! > 0);
    other.dispose();
  });
  const vit = new TinyViT({ numPatches: 16, patchDim: 4, dim: 16, depth: 2, heads: 4, mlpRatio: 2, psrpBottleneck: 4, seed: 1 });
  assert.equal(vit.countParams(), vitParamCount(vit.cfg));
  assert.equal(vit.psrpVariables().length, 6);
  assert.equal(vit.backboneVariables().length + 6, vit.trainableVariables().length);
  const y = tf.tidy(() => vit.forward(tf.ones([3, 16, 4]) as tf.Tensor3D).shape);
  assert.deepEqual(y, [3, 17, 16]);
  // loading a backbone copies every non-PSRP weight
  const src = new TinyViT({ numPatches: 16, patchDim: 4, dim: 16, depth: 2, heads: 4, mlpRatio: 2, seed: 9 });
  vit.loadBackbone(src);
  src.backboneWeights().forEach((w, i) =>
    assert.equal(
      tf.tidy(() => tf.max(tf.abs(tf.sub(w.read(), vit.backboneWeights()[i]!.read()))).dataSync()[0]),
      0,
    ),
  );
  for (const l of [plain, withP, zero, vit, src]) l.dispose();
});

test("L-BFGS softmax regression reaches a stationary point and separates separable data", () => {
  const rng = new Rng(6);
  const n = 120;
  const F = 5;
  const X = new Float32Array(n * F);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y.push(c);
    for (let j = 0; j < F; j++) X[i * F + j] = rng.normal(j === c ? 2 : 0, 1);
  }
  const l2 = 0.01;
  const m = fitSoftmaxRegression(X, n, F, y, 3, { l2, gradTol: 1e-6 });
  // recompute the gradient of the objective in float64 at the solution
  const gW = new Float64Array(F * 3);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: F }, (_, j) => (X[i * F + j]! - m.mean[j]!) / m.scale[j]!);
    const s = [0, 1, 2].map((k) => m.b[k]! + z.reduce((a, v, j) => a + v * m.W[j * 3 + k]!, 0));
    const mx = Math.max(...s);
    const e = s.map((v) => Math.exp(v - mx));
    const tot = e.reduce((a, b) => a + b, 0);
    for (let k = 0; k < 3; k++) for (let j = 0; j < F; j++) gW[j * 3 + k]! += ((e[k]! / tot - (y[i] === k ? 1 : 0)) * z[j]!) / n;
  }
  for (let q = 0; q < gW.length; q++) assert.ok(Math.abs(gW[q]! + l2 * m.W[q]!) < 1e-4, `gradient ${q}`);
  assert.ok(linearAccuracy(m, X, n, y) >= 0.8);
  assert.throws(() => fitSoftmaxRegression(new Float32Array([Number.NaN, 1]), 1, 2, [0], 2, { l2: 0 }), /not finite/);
});

test("generators: G-cov classes share mean 0 and spectrum; sample covariance ≈ Σ_c; Bayes beats chance; G-mean means", () => {
  const rng = new Rng(8);
  const task = drawTask({ kind: "cov", N: 400, alpha: 0.5 }, rng);
  const tr = task.eigvals.map((e) => e.reduce((a, b) => a + b, 0));
  tr.forEach((t) => close(t, 16, 1e-9, "trace"));
  const set = sampleTokenSets(task, 3, rng);
  const cov = secondMomentFeatures({ x: set.x, n: set.n, N: set.N, d: set.d }, "none");
  // entry (0,0) of the sample second moment vs Σ_c[0][0] = Σ_k Q[0][k]² e_k
  for (let s = 0; s < set.n; s++) {
    const c = set.y[s]!;
    const sigma00 = task.eigvecs[c]![0]!.reduce((a, q, k) => a + q * q * task.eigvals[c]![k]!, 0);
    close(cov.X[s * cov.F]!, sigma00, 0.35 * sigma00 + 0.1, "Σ00");
  }
  assert.ok(bayesAccuracy(task, set) > 0.9);
  const tm = drawTask({ kind: "mean", N: 50 }, rng);
  tm.means.forEach((m) => close(Math.hypot(...m), 0.6, 1e-9, "|μ|"));
  const sm = sampleTokenSets(tm, 2, rng);
  const mf = meanFeatures({ x: sm.x, n: sm.n, N: sm.N, d: sm.d });
  assert.equal(mf.F, 16);
  assert.throws(() => drawTask({ kind: "cov", N: 1 }, rng), /N \(tokens per sample\)/);
});

test("digits helpers: patch order, rotation, corruptions", () => {
  const img = { X: Float32Array.from({ length: 64 }, (_, i) => i / 64), y: Int32Array.from([3]), nSamples: 1 };
  const p = patchify(img);
  assert.deepEqual(
    Array.from(p.subarray(0, 4)).map((v) => v * 64),
    [0, 1, 8, 9],
  );
  assert.deepEqual(
    Array.from(p.subarray(4, 8)).map((v) => v * 64),
    [2, 3, 10, 11],
  );
  const r = rotate90(img.X);
  assert.equal(r[0]! * 64, 7); // top-left takes the old top-right
  assert.deepEqual(rotate90(rotate90(rotate90(rotate90(img.X)))), img.X);
  const shifted = corrupt(img, { kind: "shift" }, new Rng(3));
  assert.equal(shifted.X[0], 0);
  assert.equal(shifted.X[1], img.X[0]);
  const cont = corrupt(img, { kind: "contrast", factor: 0.5 }, new Rng(3));
  close(
    cont.X.reduce((a, b) => a + b, 0),
    img.X.reduce((a, b) => a + b, 0),
    1e-4,
    "contrast keeps the mean",
  );
});

test("FLOP model: hand count for a small configuration", () => {
  const cfg = {
    vit: { numPatches: 4, patchDim: 4, dim: 8, depth: 2, heads: 2, mlpRatio: 2, psrpBottleneck: 2 },
    numClasses: 3,
    mhc3: { hiddenDim: 32, numHeads: 4 },
  };
  const p = partFlops(cfg);
  assert.equal(p.patchEmbed, 2 * 4 * 4 * 8);
  assert.equal(p.blockLinear, 2 * 5 * (4 * 64 + 2 * 8 * 16));
  assert.equal(p.blockAttention, 4 * 25 * 8);
  assert.equal(p.blockPsrp, 2 * 5 * 3 * 8 * 2);
  assert.equal(p.mpProj, 2 * 4 * 8 * 32);
  assert.equal(p.mpCov, 2 * 3 * 64 * 4);
  assert.equal(p.mpConv, 2 * 9 * 9 * (9 + 1)); // h = 8: s1 = 3, s2 = 1
  assert.equal(p.classifier2, 2 * 3 * 3);
  assert.equal(trainFlopsPerSample(cfg, "LP", true), 2 * p.classifier1);
  const fwd = p.patchEmbed + 2 * (p.blockLinear + p.blockAttention);
  assert.equal(trainFlopsPerSample(cfg, "LP", false), 2 * p.classifier1 + fwd);
  assert.equal(
    trainFlopsPerSample(cfg, "FT", false),
    fwd + p.classifier1 + (p.patchEmbed + 2 * p.blockLinear + p.classifier1) + (2 * (p.blockLinear + 2 * p.blockAttention) + p.classifier1),
  );
  assert.ok(trainFlopsPerSample(cfg, "MP+", false) > trainFlopsPerSample(cfg, "MP", false));
});

test("training is deterministic given the seed and leaks no tensors", () => {
  const rng = new Rng(10);
  const n = 24;
  const x = rng.normals(n * 6 * 8);
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const data = { x, y, n, T: 6, d: 8 };
  const recipe = { epochs: 2, batchSize: 8, lr: 1e-2, weightDecay: 0.05, warmupEpochs: 0 };
  const variant = { firstOrder: "mean" as const, secondOrder: true, mhc3: { hiddenDim: 32, numHeads: 4 }, hasClsToken: false };
  const before = tf.memory().numTensors;
  const a = trainHead(variant, 2, data, [data], recipe, 3);
  const b = trainHead(variant, 2, data, [data], recipe, 3);
  assert.deepEqual(a, b);
  assert.equal(tf.memory().numTensors, before);
  const v = tf.variable(tf.zeros([2, 2]));
  assert.throws(
    () => trainClassifier({ ...recipe, epochs: 0, vars: [v], forward: (t) => t as tf.Tensor2D, x: tf.zeros([2, 2]), y: [0, 1], rng }),
    /epochs must be a positive integer/,
  );
  v.dispose();
});

test("ViT attention (batched products through depthwise convolutions) = plain tf.matMul attention", () => {
  const rng = new Rng(11);
  const blk = new ViTBlock({ dim: 16, heads: 4, mlpRatio: 2, lnEps: 1e-6, seed: 12 });
  tf.tidy(() => {
    const x = tf.tensor3d(rng.normals(2 * 5 * 16), [2, 5, 16]);
    const w = Object.fromEntries(blk.blockWeights().map((v) => [v.originalName.split("/").pop()!.replace(/_\d+$/, ""), v.read()]));
    const y = layerNorm(x, w.ln1_gamma!, w.ln1_beta!, 1e-6);
    const proj = (p: string) =>
      tf.transpose(
        tf.reshape(tf.add(tf.matMul(tf.reshape(y, [10, 16]), w[`${p}_kernel`] as tf.Tensor2D), w[`${p}_bias`]!), [2, 5, 4, 4]),
        [0, 2, 1, 3],
      );
    const att = tf.softmax(tf.div(tf.matMul(proj("q"), proj("k"), false, true), 2));
    const o = tf.reshape(tf.transpose(tf.matMul(att, proj("v")), [0, 2, 1, 3]), [10, 16]);
    const want = tf.reshape(tf.add(tf.matMul(o, w.o_kernel as tf.Tensor2D), w.o_bias!), [2, 5, 16]);
    assert.ok(tf.max(tf.abs(tf.sub(blk.attention(x), want))).dataSync()[0]! < 1e-5);
  });
  blk.dispose();
});

test("MP+ training moves the PSRP weights and the head but leaves the frozen backbone untouched; FT moves the backbone", () => {
  const backbone = { dim: 16, depth: 2, heads: 4, mlpRatio: 2, seed: 0 };
  const pre = { vit: makeBackbone({ backbone }), trainAcc: 0, testAcc: 0, nTrain: 0, nTest: 0, steps: 0 };
  const spec = { pre, backbone, numClasses: 2, mp: { hiddenDim: 32, numHeads: 4 }, psrpBottleneck: 4 };
  const rng = new Rng(13);
  const x = tf.tensor3d(rng.normals(12 * 16 * 4), [12, 16, 4]);
  const y = Array.from({ length: 12 }, (_, i) => i % 2);
  for (const method of ["MP+", "FT"] as const) {
    const built = buildMethod({ method, spec, seed: 5, cached: false });
    const before = built.vars.map((v) => v.clone());
    const frozenBefore = pre.vit.backboneVariables().map((v) => v.clone());
    trainClassifier({
      epochs: 3,
      batchSize: 6,
      lr: 1e-2,
      weightDecay: 0.05,
      warmupEpochs: 0,
      vars: built.vars,
      noDecay: built.noDecay,
      forward: built.forward,
      x,
      y,
      rng,
    });
    const moved = built.vars.map((v, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(v, before[i]!))).dataSync()[0]!));
    assert.ok(
      moved.every((d) => d > 0),
      `${method}: every trained variable moves`,
    );
    if (method === "MP+") assert.equal(built.vars.filter((v) => /down|up_/.test(v.name)).length, 6);
    else assert.ok(built.vars.length > 30);
    // the pretrained backbone itself is never modified (MP+ and FT train copies)
    pre.vit.backboneVariables().forEach((v, i) =>
      assert.equal(
        tf.tidy(() => tf.max(tf.abs(tf.sub(v, frozenBefore[i]!))).dataSync()[0]),
        0,
      ),
    );
    tf.dispose([...before, ...frozenBefore]);
    built.dispose();
  }
  x.dispose();
  pre.vit.dispose();
});
