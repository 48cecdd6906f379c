/**
 * The deterministic unit/property checks U1-U9 of notes §6.1, as functions returning measured
 * values (the notebook turns them into claims; test/probing-*.test.ts asserts the same properties
 * against independent references).
 */
import { Rng } from "../../../core/rng";
import { tf } from "../../../core/tf";
import { LinearProbe, MomentProbe, momentProbeParamCount } from "../../../topics/moments/heads";
import { MHC3, mhc3OutputDim, type MHC3Config } from "../../../topics/moments/mhc3";
import { crossCovariance, centre, geluExact, l2NormalizeAxis } from "../../../topics/moments/moments";
import { PSRP, psrpParamCount } from "../../../topics/moments/psrp";
import { ViTBlock, vitParamCount } from "../../../topics/moments/vit";
import { symmetricEigenvalues } from "../../../topics/moments/eigen";

const PAPER_MHC3: MHC3Config = { inDim: 768, hiddenDim: 512, numHeads: 4, pairing: "near" };

function randn(rng: Rng, shape: number[], mean = 0): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.normals(n, mean, 1), shape);
}

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** U1: feature sizes from the formula and from running the layer. */
export function checkU1(rng: Rng): { label: string; formula: number; layer: number; expected: number }[] {
  const cases: [string, MHC3Config, number, number][] = [
    ["768→512, 4 heads (paper)", PAPER_MHC3, 2883, 196],
    ["hidden 128, 4 heads", { ...PAPER_MHC3, inDim: 32, hiddenDim: 128 }, 147, 16],
    ["hidden 64, 4 heads", { ...PAPER_MHC3, inDim: 32, hiddenDim: 64 }, 27, 16],
  ];
  return cases.map(([label, cfg, expected, N]) => {
    const layer = new MHC3({ ...cfg, seed: rng.nextSeed() });
    const out = tf.tidy(() => layer.forward(randn(rng, [2, N, cfg.inDim]) as tf.Tensor3D).shape[1]);
    layer.dispose();
    return { label, formula: mhc3OutputDim(cfg), layer: out, expected };
  });
}

/** U2: parameter counts of built layers and of the formulas, ViT-B/16 with K = 1000. */
export function checkU2(): Record<string, number> {
  const mpCfg = { inDim: 768, numClasses: 1000, mhc3: { hiddenDim: 512, numHeads: 4 }, firstOrder: "cls" as const, secondOrder: true };
  const mp = new MomentProbe({ ...mpCfg, seed: 1 });
  const lp = new LinearProbe({ inDim: 768, numClasses: 1000, seed: 2 });
  const psrp = new PSRP({ dim: 768, bottleneck: 16, seed: 3 });
  const out = {
    lpLayer: lp.countParams(),
    mpLayer: mp.countParams(),
    mpFormula: momentProbeParamCount(mpCfg),
    mpClassifiersLayer: mp.paramCount({ classifiersOnly: true }),
    mpClassifiersFormula: momentProbeParamCount(mpCfg, { classifiersOnly: true }),
    psrpLayer: psrp.countParams(),
    psrpFormula: psrpParamCount(768, 16),
    psrp12: 12 * psrp.countParams(),
    vitBBackbone: vitParamCount({ numPatches: 196, patchDim: 768, dim: 768, depth: 12, heads: 12, mlpRatio: 4 }),
  };
  mp.dispose();
  lp.dispose();
  psrp.dispose();
  return out;
}

/** U3: crossCov(A,B) = crossCov(B,A)ᵀ (scalar centring); crossCov(A,A) with channel centring symmetric PSD. */
export function checkU3(rng: Rng): { transposeErr: number; symmetryErr: number; minEig: number } {
  const a = randn(rng, [3, 20, 6], 0.5) as tf.Tensor3D;
  const b = randn(rng, [3, 20, 6], -0.3) as tf.Tensor3D;
  const ab = crossCovariance(a, b, { center: "scalar" });
  const ba = crossCovariance(b, a, { center: "scalar" });
  const transposeErr = maxAbs(ab, tf.transpose(ba, [0, 2, 1]));
  const aa = crossCovariance(a, a, { center: "channel" });
  const symmetryErr = maxAbs(aa, tf.transpose(aa, [0, 2, 1]));
  const mats = aa.arraySync() as number[][][];
  const minEig = Math.min(...mats.map((m) => Math.min(...symmetricEigenvalues(m))));
  tf.dispose([a, b, ab, ba, aa]);
  return { transposeErr, symmetryErr, minEig };
}

/** U4: column norms after the column L2 normalisation (non-zero columns), and zero columns. */
export function checkU4(rng: Rng): { maxNormDeviation: number; zeroColumnMax: number } {
  return tf.tidy(() => {
    const m = randn(rng, [2, 3, 8, 8]).arraySync() as number[][][][];
    // make column 5 of map (0,1) exactly zero
    for (let i = 0; i < 8; i++) m[0]![1]![i]![5] = 0;
    const x = tf.tensor4d(m);
    const y = l2NormalizeAxis(x, 2);
    const norms = tf.sqrt(tf.sum(tf.square(y), 2)).arraySync() as number[][][];
    let dev = 0;
    norms.forEach((b, bi) =>
      b.forEach((row, mi) =>
        row.forEach((v, j) => {
          if (!(bi === 0 && mi === 1 && j === 5)) dev = Math.max(dev, Math.abs(v - 1));
        }),
      ),
    );
    const zero = tf.max(tf.abs(tf.slice(y, [0, 1, 0, 5], [1, 1, 8, 1]))).dataSync()[0]!;
    return { maxNormDeviation: dev, zeroColumnMax: zero };
  });
}

/** U5: grand mean after scalar centring, channel means after scalar and after channel centring. */
export function checkU5(rng: Rng): { scalarGrandMean: number; scalarChannelMeanMax: number; channelChannelMeanMax: number } {
  return tf.tidy(() => {
    const mu = tf.tensor(rng.normals(8, 0, 1), [1, 1, 8]);
    const x = tf.add(randn(rng, [4, 30, 8]), mu) as tf.Tensor3D;
    const s = centre(x, "scalar");
    const c = centre(x, "channel");
    return {
      scalarGrandMean: tf.max(tf.abs(tf.mean(s, [1, 2]))).dataSync()[0]!,
      scalarChannelMeanMax: tf.max(tf.abs(tf.mean(s, 1))).dataSync()[0]!,
      channelChannelMeanMax: tf.max(tf.abs(tf.mean(c, 1))).dataSync()[0]!,
    };
  });
}

/** U6: MP logits under a random permutation of the patch tokens (class token kept first). */
export function checkU6(rng: Rng): { maxDiff: number; scale: number } {
  const mp = new MomentProbe({
    inDim: 32,
    numClasses: 5,
    mhc3: { hiddenDim: 128, numHeads: 4 },
    firstOrder: "cls",
    secondOrder: true,
    seed: rng.nextSeed(),
  });
  const out = tf.tidy(() => {
    const x = randn(rng, [3, 17, 32]) as tf.Tensor3D;
    const perm = [0, ...rng.permutation(16).map((i) => i + 1)];
    const xp = tf.gather(x, tf.tensor1d(perm, "int32"), 1) as tf.Tensor3D;
    const a = mp.forward(x);
    return { maxDiff: maxAbs(a, mp.forward(xp)), scale: tf.max(tf.abs(a)).dataSync()[0]! };
  });
  mp.dispose();
  return out;
}

/** U7: MP(first order only) = LP; MP = (y1+y2)/2 = one linear layer on [c; v] with [W1 W2]/2. */
export function checkU7(rng: Rng): { firstOnlyVsLp: number; avgVsBranches: number; avgVsConcat: number } {
  const seed = rng.nextSeed();
  const cfg = { inDim: 32, numClasses: 5, mhc3: { hiddenDim: 128, numHeads: 4 }, firstOrder: "cls" as const };
  const first = new MomentProbe({ ...cfg, secondOrder: false, seed });
  const mp = new MomentProbe({ ...cfg, secondOrder: true, seed });
  const lp = new LinearProbe({ inDim: 32, numClasses: 5, seed: 9 });
  // LP with MP's first-order classifier weights
  const w1 = first.w1!.read().clone();
  const b1 = first.b1!.read().clone();
  lp.w.write(w1);
  lp.b.write(b1);
  w1.dispose();
  b1.dispose();
  const out = tf.tidy(() => {
    const x = randn(rng, [4, 17, 32]) as tf.Tensor3D;
    const firstOnlyVsLp = maxAbs(first.forward(x), lp.forward(x));
    const { y1, y2 } = mp.branches(x);
    const logits = mp.forward(x);
    const avgVsBranches = maxAbs(logits, tf.div(tf.add(y1!, y2!), 2));
    const c = tf.reshape(tf.slice(x, [0, 0, 0], [4, 1, 32]), [4, 32]);
    const v = mp.secondOrderFeatures(x);
    const W = tf.div(tf.concat([mp.w1!.read(), mp.w2!.read()], 0), 2);
    const b = tf.div(tf.add(mp.b1!.read(), mp.b2!.read()), 2);
    const avgVsConcat = maxAbs(logits, tf.add(tf.matMul(tf.concat([c, v], 1), W), b));
    return { firstOnlyVsLp, avgVsBranches, avgVsConcat };
  });
  first.dispose();
  mp.dispose();
  lp.dispose();
  return out;
}

/** U8: a ViT block with a zero-up PSRP equals the plain block (max |difference|; exact means 0). */
export function checkU8(rng: Rng): { blockMaxDiff: number } {
  const seed = rng.nextSeed();
  const plain = new ViTBlock({ dim: 32, heads: 4, mlpRatio: 2, lnEps: 1e-6, seed });
  const withPsrp = new ViTBlock({ dim: 32, heads: 4, mlpRatio: 2, lnEps: 1e-6, seed, psrpBottleneck: 8 });
  // same block weights (same seed), PSRP up-projections zeroed
  const zeroPsrp = new PSRP({ dim: 32, bottleneck: 8, init: "zero-up", seed: 5 });
  withPsrp.psrp!.restore(zeroPsrp.snapshot());
  const out = tf.tidy(() => {
    const x = randn(rng, [3, 17, 32]) as tf.Tensor3D;
    return { blockMaxDiff: maxAbs(plain.forward(x), withPsrp.forward(x)) };
  });
  plain.dispose();
  withPsrp.dispose();
  zeroPsrp.dispose();
  return out;
}

/** U9: exact GELU at −3, −1, 0, 1, 3. */
export function checkU9(): { x: number[]; value: number[] } {
  const x = [-3, -1, 0, 1, 3];
  const value = tf.tidy(() => Array.from(geluExact(tf.tensor1d(x)).dataSync()));
  return { x, value };
}

/** All unit checks U1-U9 (deterministic given the seed). */
export function runUnits(seed: number) {
  const rng = new Rng(seed);
  return {
    u1: checkU1(rng),
    u2: checkU2(),
    u3: checkU3(rng),
    u4: checkU4(rng),
    u5: checkU5(rng),
    u6: checkU6(rng),
    u7: checkU7(rng),
    u8: checkU8(rng),
    u9: checkU9(),
  };
}

export type UnitResults = ReturnType<typeof runUnits>;
