/**
 * MHC³ against an independent float64 re-implementation of the official forward (notes §2.4),
 * its tfjs gradient against central finite differences of that reference, the strided
 * convolution against tf.conv2d, the output-size formula (U1), the parameter counts (U2),
 * permutation invariance (U6), the branch combination (U7), option errors and tensor hygiene.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { initTf, tf } from "../../../lib/core/tf";
import { strideConv3x3, strideConv3x3Reference } from "../../../lib/topics/moments/conv";
import { LinearProbe, MomentProbe, momentProbeParamCount } from "../../../lib/topics/moments/heads";
import { MHC3, mhc3OutputDim, type MHC3Config } from "../../../lib/topics/moments/mhc3";
import { PSRP, psrpParamCount } from "../../../lib/topics/moments/psrp";
import { vitParamCount } from "../../../lib/topics/moments/vit";

before(async () => {
  await initTf({ quiet: true });
});

/** erf by its Maclaurin series (|x| ≤ 5; float64, ~1e-10 there), ±1 beyond. */
function erf(x: number): number {
  if (Math.abs(x) > 5) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

interface RefWeights {
  wp: number[][];
  bp: number[];
  gamma: number[];
  beta: number[];
  conv1: number[][][][];
  conv2: number[][][][];
}

/** The official forward in float64 loops: proj, contiguous heads, shared LN, centring, pairs, col-L2, conv-GELU-conv. */
function refMHC3(
  x: number[][][],
  w: RefWeights,
  cfg: { heads: number; center: "scalar" | "channel" | "none"; pairs: [number, number][]; conv: boolean; eps: number },
): number[][] {
  const hidden = w.bp.length;
  const h = hidden / cfg.heads;
  return x.map((tokens) => {
    const N = tokens.length;
    const z = tokens.map((t) => w.bp.map((b, j) => b + t.reduce((s, v, i) => s + v * w.wp[i]![j]!, 0)));
    const heads = Array.from({ length: cfg.heads }, (_, k) =>
      z.map((row) => {
        const seg = row.slice(k * h, (k + 1) * h);
        const mu = seg.reduce((a, b) => a + b, 0) / h;
        const vr = seg.reduce((a, b) => a + (b - mu) ** 2, 0) / h;
        return seg.map((v, c) => ((v - mu) / Math.sqrt(vr + cfg.eps)) * w.gamma[c]! + w.beta[c]!);
      }),
    );
    const centred = heads.map((H) => {
      if (cfg.center === "none") return H;
      if (cfg.center === "scalar") {
        const m = H.flat().reduce((a, b) => a + b, 0) / (N * h);
        return H.map((r) => r.map((v) => v - m));
      }
      const cm = Array.from({ length: h }, (_, c) => H.reduce((a, r) => a + r[c]!, 0) / N);
      return H.map((r) => r.map((v, c) => v - cm[c]!));
    });
    const maps = cfg.pairs.map(([p, q]) => {
      const A = centred[p]!;
      const B = centred[q]!;
      const M = Array.from({ length: h }, (_, i) =>
        Array.from({ length: h }, (_, j) => A.reduce((s, r, n) => s + r[i]! * B[n]![j]!, 0) / N),
      );
      for (let j = 0; j < h; j++) {
        const norm = Math.sqrt(M.reduce((s, r) => s + r[j]! ** 2, 0));
        for (let i = 0; i < h; i++) M[i]![j] = M[i]![j]! / Math.max(norm, 1e-12);
      }
      return M;
    });
    if (!cfg.conv) return maps.flat(2);
    const conv = (inp: number[][][], wt: number[][][][], gelu: boolean) => {
      const side = inp[0]!.length;
      const s = Math.floor((side - 3) / 2) + 1;
      return wt.map((wo) =>
        Array.from({ length: s }, (_, i) =>
          Array.from({ length: s }, (_, j) => {
            let v = 0;
            wo.forEach((wc, c) => wc.forEach((wa, a) => wa.forEach((wab, b) => (v += wab * inp[c]![2 * i + a]![2 * j + b]!))));
            return gelu ? 0.5 * v * (1 + erf(v / Math.SQRT2)) : v;
          }),
        ),
      );
    };
    return conv(conv(maps, w.conv1, true), w.conv2, false).flat(2);
  });
}

function readWeights(layer: MHC3): RefWeights {
  const ws = layer.allWeights().map((v) => v.read().arraySync());
  return {
    wp: ws[0] as number[][],
    bp: ws[1] as number[],
    gamma: ws[2] as number[],
    beta: ws[3] as number[],
    conv1: ws[4] as number[][][][],
    conv2: ws[5] as number[][][][],
  };
}

function randArray(rng: Rng, shape: number[], std = 1, mean = 0): number[] {
  return Array.from(
    rng.normals(
      shape.reduce((a, b) => a * b, 1),
      mean,
      std,
    ),
  );
}

function nest(flat: number[], shape: number[]): unknown {
  if (shape.length === 1) return flat.slice(0, shape[0]);
  const step = flat.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
}

test("strided conv: custom-gradient version = slices+matmul reference = tf.conv2d, values and gradients", () => {
  const rng = new Rng(1);
  for (const h of [7, 8, 15, 16, 32]) {
    tf.tidy(() => {
      const x = tf.tensor4d(rng.normals(2 * h * h * 3), [2, h, h, 3]);
      const f = tf.tensor4d(rng.normals(54), [3, 3, 3, 2]);
      const direct = tf.conv2d(x, f, 2, "valid");
      const a = strideConv3x3(x, f);
      const b = strideConv3x3Reference(x, f);
      assert.deepEqual(a.shape, direct.shape);
      assert.ok(tf.max(tf.abs(tf.sub(a, direct))).dataSync()[0]! < 1e-4);
      assert.ok(tf.max(tf.abs(tf.sub(b, direct))).dataSync()[0]! < 1e-4);
      const r = tf.tensor(rng.normals(a.size), a.shape);
      const ga = tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(strideConv3x3(xx as tf.Tensor4D, ff as tf.Tensor4D), r)))([x, f]);
      const gb = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
        tf.sum(tf.mul(strideConv3x3Reference(xx as tf.Tensor4D, ff as tf.Tensor4D), r)),
      )([x, f]);
      for (let i = 0; i < 2; i++) {
        const scale = tf.max(tf.abs(gb[i]!)).dataSync()[0]!;
        assert.ok(tf.max(tf.abs(tf.sub(ga[i]!, gb[i]!))).dataSync()[0]! <= 1e-5 * Math.max(1, scale), `h=${h}, gradient ${i}`);
      }
    });
  }
  assert.throws(() => strideConv3x3(tf.zeros([1, 2, 2, 3]) as tf.Tensor4D, tf.zeros([3, 3, 3, 3]) as tf.Tensor4D), /too small/);
});

const SMALL: MHC3Config = { inDim: 6, hiddenDim: 32, numHeads: 4 };

for (const [fused, center] of [false, true].flatMap((f) => (["scalar", "channel", "none"] as const).map((c) => [f, c] as const))) {
  test(`MHC3 forward = float64 reference (center ${center}, near, conv2x${fused ? ", fused moments" : ""})`, () => {
    const rng = new Rng(2);
    const layer = new MHC3({ ...SMALL, center, fused, seed: 3 });
    // perturb LN affine so γ, β matter
    const [, , g, b] = layer.allWeights();
    g!.write(tf.tensor1d(rng.uniforms(8, 0.5, 1.5)));
    b!.write(tf.tensor1d(rng.normals(8, 0, 0.3)));
    const xs = nest(randArray(rng, [3, 5, 6], 1, 0.4), [3, 5, 6]) as number[][][];
    const got = tf.tidy(() => layer.forward(tf.tensor3d(xs)).arraySync());
    const want = refMHC3(xs, readWeights(layer), {
      heads: 4,
      center,
      pairs: [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
      conv: true,
      eps: 1e-5,
    });
    assert.equal(got[0]!.length, 3); // h = 8 -> s1 = 3 -> s2 = 1, 3 maps
    got.forEach((row, i) =>
      row.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) < 1e-4, `${center} [${i},${j}] ${v} vs ${want[i]![j]}`)),
    );
    layer.dispose();
  });
}

for (const fused of [false, true]) {
  test(`MHC3 pairings and reduction none match the reference; interleaved split differs from contiguous${fused ? " (fused moments)" : ""}`, () => {
    const rng = new Rng(4);
    const xs = nest(randArray(rng, [2, 7, 6]), [2, 7, 6]) as number[][][];
    for (const [pairing, pairs] of [
      [
        "cn2",
        [
          [0, 1],
          [0, 2],
          [0, 3],
          [1, 2],
          [1, 3],
          [2, 3],
        ],
      ],
      [
        "half",
        [
          [0, 2],
          [1, 3],
        ],
      ],
      [
        "first",
        [
          [0, 1],
          [0, 2],
          [0, 3],
        ],
      ],
    ] as const) {
      const layer = new MHC3({ ...SMALL, pairing, reduction: "none", fused, seed: 5 });
      const got = tf.tidy(() => layer.forward(tf.tensor3d(xs)).arraySync());
      const want = refMHC3(xs, readWeights(layer), {
        heads: 4,
        center: "scalar",
        pairs: pairs as unknown as [number, number][],
        conv: false,
        eps: 1e-5,
      });
      assert.equal(got[0]!.length, pairs.length * 64);
      got.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) < 1e-4, `${pairing} [${i},${j}]`)));
      layer.dispose();
    }
    const c = new MHC3({ ...SMALL, reduction: "none", fused, seed: 6 });
    const il = new MHC3({ ...SMALL, reduction: "none", split: "interleaved", fused, seed: 6 });
    const d = tf.tidy(() => {
      const x = tf.tensor3d(xs);
      return tf.max(tf.abs(tf.sub(c.forward(x), il.forward(x)))).dataSync()[0]!;
    });
    assert.ok(d > 1e-3, "the interleaved split must give different maps");
    c.dispose();
    il.dispose();
  });
}

for (const fused of [false, true]) {
  test(`MHC3 gradients (proj, LN, both convs, input) = central differences of the float64 reference${fused ? " (fused moments)" : ""}`, () => {
    const rng = new Rng(7);
    const layer = new MHC3({ ...SMALL, fused, seed: 8 });
    const B = 2;
    const N = 5;
    const xs = nest(randArray(rng, [B, N, 6], 1, 0.3), [B, N, 6]) as number[][][];
    const r = randArray(rng, [B, 3]);
    const cfg = {
      heads: 4,
      center: "scalar" as const,
      pairs: [
        [0, 1],
        [1, 2],
        [2, 3],
      ] as [number, number][],
      conv: true,
      eps: 1e-5,
    };
    const lossRef = (x: number[][][], w: RefWeights) =>
      refMHC3(x, w, cfg)
        .flat()
        .reduce((s, v, i) => s + v * r[i]!, 0);
    const vars = layer.trainableVariables();
    const x = tf.tensor3d(xs);
    const rt = tf.tensor2d(r, [B, 3]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), rt)), vars);
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.forward(xx as tf.Tensor3D), rt)))(x);
    const w0 = readWeights(layer);
    const eps = 1e-6;
    const keys = ["wp", "bp", "gamma", "beta", "conv1", "conv2"] as const;
    keys.forEach((k, vi) => {
      const flat = (w0[k] as unknown as number[]).flat(3) as number[];
      const g = grads[vars[vi]!.name]!.dataSync();
      const scale = Math.max(...Array.from(g, Math.abs), 1e-3);
      // check a deterministic subset of coordinates
      for (let t = 0; t < Math.min(flat.length, 24); t++) {
        const idx = Math.floor((t * flat.length) / Math.min(flat.length, 24));
        const shift = (d: number) => {
          const f2 = flat.slice();
          f2[idx] = f2[idx]! + d;
          const shape = vars[vi]!.shape;
          return lossRef(xs, { ...w0, [k]: nest(f2, shape) });
        };
        const fd = (shift(eps) - shift(-eps)) / (2 * eps);
        assert.ok(Math.abs(fd - g[idx]!) <= 2e-3 * scale + 1e-5, `${k}[${idx}]: finite difference ${fd} vs tfjs ${g[idx]}`);
      }
    });
    const gxs = gx.dataSync();
    const xflat = xs.flat(2);
    const scaleX = Math.max(...Array.from(gxs, Math.abs));
    for (let idx = 0; idx < xflat.length; idx += 3) {
      const at = (d: number) => {
        const f2 = xflat.slice();
        f2[idx] = f2[idx]! + d;
        return lossRef(nest(f2, [B, N, 6]) as number[][][], w0);
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(fd - gxs[idx]!) <= 2e-3 * scaleX + 1e-5, `x[${idx}]: ${fd} vs ${gxs[idx]}`);
    }
    tf.dispose([x, rt, gx, ...Object.values(grads)]);
    layer.dispose();
  });
}

test("U1: output sizes 2883 / 147 / 27 from the formula and from the layer", () => {
  const cases: [MHC3Config, number, number][] = [
    [{ inDim: 768, hiddenDim: 512, numHeads: 4 }, 2883, 196],
    [{ inDim: 32, hiddenDim: 128, numHeads: 4 }, 147, 17],
    [{ inDim: 32, hiddenDim: 64, numHeads: 4 }, 27, 17],
    [{ inDim: 32, hiddenDim: 128, numHeads: 4, pairing: "cn2" }, 6 * 49, 17],
    [{ inDim: 32, hiddenDim: 128, numHeads: 8 }, 7 * 9, 17],
    [{ inDim: 16, hiddenDim: 16, numHeads: 4, proj: "identity", reduction: "none", withinHead: true }, 7 * 16, 9],
  ];
  for (const [cfg, want, N] of cases) {
    assert.equal(mhc3OutputDim(cfg), want);
    const layer = new MHC3({ ...cfg, seed: 1 });
    const shape = tf.tidy(() => layer.forward(tf.ones([2, N, cfg.inDim]) as tf.Tensor3D).shape);
    assert.deepEqual(shape, [2, want]);
    assert.deepEqual(layer.computeOutputShape([null, N, cfg.inDim]), [null, want]);
    layer.dispose();
  }
});

test("U2: ViT-B/16 head counts 769,000 / 4,047,146 / 3,653,000; PSRP 36,864 and 442,368; backbone 85,798,656", () => {
  const cfg = { inDim: 768, numClasses: 1000, mhc3: { hiddenDim: 512, numHeads: 4 }, firstOrder: "cls" as const, secondOrder: true };
  // hand count: proj 768·512+512, LN 2·128, convs 2·81, classifiers (768+1)·1000 + (2883+1)·1000
  assert.equal(768 * 512 + 512 + 256 + 162 + 769 * 1000 + 2884 * 1000, 4047146);
  assert.equal(momentProbeParamCount(cfg), 4047146);
  assert.equal(momentProbeParamCount(cfg, { classifiersOnly: true }), 3653000);
  const mp = new MomentProbe({ ...cfg, seed: 1 });
  assert.equal(mp.countParams(), 4047146);
  assert.equal(mp.paramCount({ classifiersOnly: true }), 3653000);
  mp.dispose();
  const lp = new LinearProbe({ inDim: 768, numClasses: 1000 });
  assert.equal(lp.countParams(), 769000);
  lp.dispose();
  const p = new PSRP({ dim: 768, bottleneck: 16 });
  assert.equal(p.countParams(), 36864);
  assert.equal(12 * psrpParamCount(768, 16), 442368);
  p.dispose();
  assert.equal(vitParamCount({ numPatches: 196, patchDim: 768, dim: 768, depth: 12, heads: 12, mlpRatio: 4 }), 85798656);
  assert.equal((85798656 + 769000) / 1e6 > 86.565 && (85798656 + 769000) / 1e6 < 86.575, true);
});

test("U6/U7: token-permutation invariance; MP = (y1+y2)/2 = linear on [c; v]; first-order-only MP = LP; sum combine", () => {
  const rng = new Rng(9);
  const cfg = { inDim: 8, numClasses: 3, mhc3: { hiddenDim: 32, numHeads: 4 }, firstOrder: "cls" as const };
  const mp = new MomentProbe({ ...cfg, secondOrder: true, seed: 4 });
  const first = new MomentProbe({ ...cfg, secondOrder: false, seed: 4 });
  const sum = new MomentProbe({ ...cfg, secondOrder: true, combine: "sum", seed: 4 });
  tf.tidy(() => {
    const x = tf.tensor3d(rng.normals(2 * 9 * 8), [2, 9, 8]);
    const perm = [0, ...rng.permutation(8).map((i) => i + 1)];
    const xp = tf.gather(x, tf.tensor1d(perm, "int32"), 1) as tf.Tensor3D;
    const y = mp.forward(x);
    assert.ok(tf.max(tf.abs(tf.sub(y, mp.forward(xp)))).dataSync()[0]! < 1e-5);
    const { y1, y2 } = mp.branches(x);
    assert.ok(tf.max(tf.abs(tf.sub(y, tf.div(tf.add(y1!, y2!), 2)))).dataSync()[0]! < 1e-6);
    assert.ok(tf.max(tf.abs(tf.sub(sum.forward(x), tf.add(y1!, y2!)))).dataSync()[0]! < 1e-6);
    // the same seed gives the first-order branch the same weights with the second branch on or off
    assert.ok(tf.max(tf.abs(tf.sub(first.forward(x), y1!))).dataSync()[0]! === 0);
    // by hand: logits = [c, v]·[W1; W2]/2 + (b1 + b2)/2
    const c = x.arraySync()[0]![0]!;
    const v = mp.secondOrderFeatures(x).arraySync()[0]!;
    const W1 = mp.w1!.read().arraySync() as number[][];
    const W2 = mp.w2!.read().arraySync() as number[][];
    const b1 = mp.b1!.read().arraySync() as number[];
    const b2 = mp.b2!.read().arraySync() as number[];
    const yh = [0, 1, 2].map(
      (k) => (c.reduce((s, ci, i) => s + ci * W1[i]![k]!, 0) + v.reduce((s, vi, i) => s + vi * W2[i]![k]!, 0) + b1[k]! + b2[k]!) / 2,
    );
    const y0 = y.arraySync()[0]!;
    yh.forEach((val, k) => assert.ok(Math.abs(val - y0[k]!) < 1e-5));
  });
  // LP with copied weights equals first-order-only MP
  const lp = new LinearProbe({ inDim: 8, numClasses: 3, seed: 99 });
  lp.restore(first.snapshot());
  tf.tidy(() => {
    const x = tf.tensor3d(rng.normals(2 * 9 * 8), [2, 9, 8]);
    assert.equal(tf.max(tf.abs(tf.sub(lp.forward(x), first.forward(x)))).dataSync()[0], 0);
  });
  for (const l of [mp, first, sum, lp]) l.dispose();
});

test("MHC3 and MomentProbe reject bad options and inputs with messages naming the fix", () => {
  assert.throws(() => new MHC3({ inDim: 8, hiddenDim: 30, numHeads: 4 }), /divisible by numHeads/);
  assert.throws(() => new MHC3({ inDim: 8, hiddenDim: 16, numHeads: 4 }), /too small for reduction conv2x/);
  assert.throws(() => new MHC3({ inDim: 8, hiddenDim: 16, numHeads: 4, proj: "identity", reduction: "none" }), /needs hiddenDim = inDim/);
  assert.throws(() => new MHC3({ inDim: 8, hiddenDim: 24, numHeads: 3, pairing: "half", reduction: "none" }), /even number of heads/);
  assert.throws(() => new MHC3({ inDim: 8, hiddenDim: 32, numHeads: 1 }), /forms no map/);
  assert.throws(() => new MHC3({ inDim: 8, hiddenDim: 32, numHeads: 4, center: "mean" as never }), /centring must be one of/);
  assert.throws(
    () => new MomentProbe({ inDim: 8, numClasses: 2, mhc3: { hiddenDim: 32, numHeads: 4 }, firstOrder: "none", secondOrder: false }),
    /at least one branch/,
  );
  assert.throws(
    () =>
      new MomentProbe({
        inDim: 8,
        numClasses: 2,
        mhc3: { hiddenDim: 32, numHeads: 4 },
        firstOrder: "cls",
        secondOrder: true,
        hasClsToken: false,
      }),
    /needs hasClsToken/,
  );
  const layer = new MHC3({ inDim: 8, hiddenDim: 32, numHeads: 4 });
  assert.throws(() => layer.forward(tf.zeros([2, 5, 7]) as tf.Tensor3D), /expects patch tokens \[batch, tokens, 8\]/);
  layer.dispose();
});

test("MHC3 works as a tfjs layer inside tf.sequential, and forward/backward leak no tensors", () => {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [9, 8] }));
  model.add(new MHC3({ inDim: 8, hiddenDim: 32, numHeads: 4, seed: 1 }));
  model.add(tf.layers.dense({ units: 3 }));
  const y = model.predict(tf.ones([2, 9, 8])) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 3]);
  y.dispose();
  const mp = new MomentProbe({
    inDim: 8,
    numClasses: 3,
    mhc3: { hiddenDim: 32, numHeads: 4 },
    firstOrder: "cls",
    secondOrder: true,
    seed: 2,
  });
  const x = tf.ones([4, 9, 8]) as tf.Tensor3D;
  const vars = mp.trainableVariables();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(mp.forward(x)) as tf.Scalar, vars);
      void value;
      void grads;
    });
  }
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  mp.dispose();
});

test("fused moments (steps 2-6 as one op) = the tensor composition, values and every gradient (proj, LN, convs, input), over the options", () => {
  const rng = new Rng(21);
  const variants: Partial<MHC3Config>[] = [
    {},
    { split: "interleaved", center: "channel" },
    { center: "none", withinHead: true, pairing: "cn2" },
    { layerNorm: false, divisor: "N-1", pairing: "half" },
    { normalize: "none", reduction: "none", pairing: "first", withinHead: true },
  ];
  for (const v of variants) {
    const B = 3,
      N = 6;
    const x = tf.tensor3d(randArray(rng, [B, N, 6], 1, 0.2), [B, N, 6]);
    const run = (fused: boolean) => {
      const layer = new MHC3({ ...SMALL, ...v, fused, seed: 22 });
      const [, , g, b] = layer.allWeights();
      if (layer.cfg.layerNorm) {
        g!.write(tf.tensor1d(new Rng(23).uniforms(8, 0.5, 1.5)));
        b!.write(tf.tensor1d(new Rng(24).normals(8, 0, 0.3)));
      }
      const vars = layer.trainableVariables();
      const out = tf.tidy(() => {
        const y = layer.forward(x);
        const r = tf.tensor2d(new Rng(25).normals(y.size), y.shape as [number, number]);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), r)), vars);
        const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.forward(xx as tf.Tensor3D), r)))(x);
        return [y.dataSync(), ...vars.map((w) => grads[w.name]!.dataSync()), gx.dataSync()];
      });
      layer.dispose();
      return out;
    };
    const a = run(true),
      b = run(false);
    assert.equal(a.length, b.length);
    a.forEach((arr, k) => {
      const ref = b[k]!;
      // floor 1e-2: some gradients are mathematically 0 (β under per-channel centring) and both sides hold float noise
      const scale = Math.max(1e-2, ...Array.from(ref, Math.abs));
      let worst = 0;
      for (let i = 0; i < arr.length; i++) worst = Math.max(worst, Math.abs(arr[i]! - ref[i]!));
      assert.ok(worst <= 1e-5 * scale, `${JSON.stringify(v)}: output ${k} differs by ${worst} (scale ${scale})`);
    });
    x.dispose();
  }
});
