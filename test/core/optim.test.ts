/**
 * lib/core/optim.ts: Adam/AdamW against a float64 reference written here (with clipping and decay
 * masks), the hand-worked first step (m̂ = g, v̂ = g², so Δ = lr·g/(|g| + ε)), tf.train.adam, the
 * three float32 op orders of the former study copies transcribed as specs (bit-identical), NaN
 * isolation, and both warmup-cosine schedule forms against hand-computed values.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../lib/core/tf";
import { Adam, learningRate, type AdamArithmetic } from "../../lib/core/optim";

before(async () => {
  await initTf({ quiet: true });
});

interface RefOptions { lr: number; beta1: number; beta2: number; eps: number; clip?: number; wd?: number; decays?: boolean[] }

/** Float64 Adam/AdamW on a flat vector: torch.optim.AdamW semantics (decay applied to p before the step). */
function referenceAdam(p0: number[], gradOf: (p: number[]) => number[], steps: number, o: RefOptions): number[] {
  const p = p0.slice();
  const m = p.map(() => 0), v = p.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    let g = gradOf(p);
    if (o.clip !== undefined) {
      const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
      if (norm > o.clip) g = g.map((x) => (x * o.clip!) / norm);
    }
    for (let i = 0; i < p.length; i++) {
      m[i] = o.beta1 * m[i]! + (1 - o.beta1) * g[i]!;
      v[i] = o.beta2 * v[i]! + (1 - o.beta2) * g[i]! ** 2;
      const mh = m[i]! / (1 - o.beta1 ** t), vh = v[i]! / (1 - o.beta2 ** t);
      if (o.wd && o.decays?.[i]) p[i] = p[i]! * (1 - o.lr * o.wd);
      p[i] = p[i]! - (o.lr * mh) / (Math.sqrt(vh) + o.eps);
    }
  }
  return p;
}

// quadratic ½Σ c_i (p_i − target_i)², gradient c ⊙ (p − target)
const target = [1, -2, 3, 0.5, -1, 0.25];
const curv = [1, 10, 0.1, 3, 0.5, 2];
const quadGrad = (p: number[]) => p.map((x, i) => curv[i]! * (x - target[i]!));
const p0 = [0.3, 0.1, -0.4, 2, 0.7, -0.2];

/** Runs core Adam on vars = [W (2×2) = p[0..3], b (2) = p[4..5]] for `steps` steps. */
function runCore(steps: number, o: ConstructorParameters<typeof Adam>[1], lr = 0.05): number[] {
  const W = tf.variable(tf.tensor2d(p0.slice(0, 4), [2, 2]));
  const b = tf.variable(tf.tensor1d(p0.slice(4)));
  const adam = new Adam([W, b], o);
  for (let s = 0; s < steps; s++) {
    const p = [...W.dataSync(), ...b.dataSync()];
    const g = quadGrad(p);
    const gW = tf.tensor2d(g.slice(0, 4), [2, 2]), gb = tf.tensor1d(g.slice(4));
    adam.step([gW, gb], lr);
    tf.dispose([gW, gb]);
  }
  const out = [...W.dataSync(), ...b.dataSync()];
  tf.dispose([W, b]);
  adam.dispose();
  return out;
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test("first step is lr·g/(|g| + ε) per coordinate (hand-worked: m̂ = g, v̂ = g²)", () => {
  const x = tf.variable(tf.tensor1d([1, 1, 1]));
  const adam = new Adam([x], { lr: 0.1, eps: 1e-8 });
  const g = tf.tensor1d([2, -0.5, 0]);
  adam.step([g]);
  assertClose(x.dataSync(), [1 - 0.1, 1 + 0.1, 1], 1e-7, "x");
  assert.equal(adam.steps, 1);
  tf.dispose([x, g]);
  adam.dispose();
});

test("every arithmetic matches the float64 reference over 30 steps (Adam, AdamW, clipping)", () => {
  const base = { beta1: 0.8, beta2: 0.95, eps: 1e-6 };
  for (const arithmetic of ["textbook", "reciprocal", "folded"] as AdamArithmetic[]) {
    assertClose(runCore(30, { ...base, arithmetic }), referenceAdam(p0, quadGrad, 30, { lr: 0.05, ...base }), 2e-5, `adam ${arithmetic}`);
    // AdamW: W (2-D) decays, b (1-D) exempt
    const decays = [true, true, true, true, false, false];
    assertClose(runCore(30, { ...base, arithmetic, weightDecay: 0.5 }), referenceAdam(p0, quadGrad, 30, { lr: 0.05, ...base, wd: 0.5, decays }), 2e-5, `adamw ${arithmetic}`);
    assertClose(runCore(30, { ...base, arithmetic, clipGlobalNorm: 0.3 }), referenceAdam(p0, quadGrad, 30, { lr: 0.05, ...base, clip: 0.3 }), 2e-5, `clipped ${arithmetic}`);
  }
});

test("decay masks: noDecay exempts a matrix, decayVectors includes 1-D variables", () => {
  const base = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.3 };
  const W = tf.variable(tf.tensor2d(p0.slice(0, 4), [2, 2]));
  const b = tf.variable(tf.tensor1d(p0.slice(4)));
  const ref = (decays: boolean[]) => referenceAdam(p0, quadGrad, 10, { lr: 0.05, ...base, wd: 0.3, decays });
  const run = (o: ConstructorParameters<typeof Adam>[1]) => {
    W.assign(tf.tensor2d(p0.slice(0, 4), [2, 2]));
    b.assign(tf.tensor1d(p0.slice(4)));
    const adam = new Adam([W, b], o);
    for (let s = 0; s < 10; s++) {
      const g = quadGrad([...W.dataSync(), ...b.dataSync()]);
      const gs = [tf.tensor2d(g.slice(0, 4), [2, 2]), tf.tensor1d(g.slice(4))];
      adam.step(gs, 0.05);
      tf.dispose(gs);
    }
    adam.dispose();
    return [...W.dataSync(), ...b.dataSync()];
  };
  assertClose(run({ ...base, noDecay: new Set([W]) }), ref([false, false, false, false, false, false]), 2e-5, "W exempt");
  assertClose(run({ ...base, decayVectors: true }), ref([true, true, true, true, true, true]), 2e-5, "all decay");
  assertClose(run({ ...base, decayVectors: true, noDecay: new Set([W]) }), ref([false, false, false, false, true, true]), 2e-5, "only b");
  tf.dispose([W, b]);
});

test("agrees with tf.train.adam (same eps) step by step", () => {
  const tgt = tf.tensor1d(target.slice(0, 4)), c = tf.tensor1d(curv.slice(0, 4));
  const mine = tf.variable(tf.tensor1d(p0.slice(0, 4)));
  const ref = tf.variable(tf.tensor1d(p0.slice(0, 4)));
  const adam = new Adam([mine], { beta1: 0.8, beta2: 0.95, eps: 1e-6 });
  const opt = tf.train.adam(0.05, 0.8, 0.95, 1e-6);
  for (let s = 0; s < 25; s++) {
    const g = tf.tidy(() => tf.mul(tf.sub(mine, tgt), c));
    adam.step([g], 0.05);
    g.dispose();
    opt.minimize(() => tf.sum(tf.mul(tf.mul(tf.square(tf.sub(ref, tgt)), c), 0.5)) as tf.Scalar);
  }
  assertClose(mine.dataSync(), ref.dataSync(), 1e-5, "vs tf.train.adam");
  tf.dispose([mine, ref, tgt, c]);
  opt.dispose();
  adam.dispose();
});

/**
 * The former study copies' float32 update expressions, transcribed (the copies are being deleted):
 * each `arithmetic` must reproduce its copy bit for bit.
 */
function studyStep(kind: AdamArithmetic, p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, t: number, lr: number, b1: number, b2: number, eps: number, wdMask?: tf.Tensor, wd = 0): tf.Tensor {
  const c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
  return tf.tidy(() => {
    let delta: tf.Tensor;
    if (kind === "textbook") delta = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), eps)); // icl FlatAdam
    else if (kind === "reciprocal") delta = tf.div(tf.mul(m, lr / (1 - b1 ** t)), tf.add(tf.sqrt(tf.mul(v, 1 / (1 - b2 ** t))), eps)); // tversky BatchedAdam
    else delta = tf.div(tf.mul(m, (lr * Math.sqrt(c2)) / c1), tf.add(tf.sqrt(v), eps * Math.sqrt(c2))); // probing AdamW
    if (wdMask) delta = tf.add(delta, tf.mul(p, tf.mul(wdMask, lr * wd)));
    return tf.sub(p, delta);
  });
}

test("each arithmetic is bit-identical to its former study copy over 20 steps", () => {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 0.013;
  for (const kind of ["textbook", "reciprocal", "folded"] as AdamArithmetic[]) {
    const wd = kind === "folded" ? 0.05 : 0;
    const W = tf.variable(tf.tensor2d(p0.slice(0, 4), [2, 2]));
    const b = tf.variable(tf.tensor1d(p0.slice(4)));
    const adam = new Adam([W, b], { arithmetic: kind, weightDecay: wd });
    let p: tf.Tensor = tf.tensor1d(p0), m: tf.Tensor = tf.zeros([6]), v: tf.Tensor = tf.zeros([6]);
    const mask = tf.tensor1d([1, 1, 1, 1, 0, 0]);
    for (let t = 1; t <= 20; t++) {
      const g = tf.tensor1d(quadGrad(Array.from(p.dataSync())).map((x, i) => x * (1 + 0.37 * Math.sin(t * (i + 1)))));
      adam.step([tf.reshape(tf.slice(g, 0, 4), [2, 2]), tf.slice(g, 4, 2)], lr);
      const m2 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)), v2 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
      const p2 = studyStep(kind, p, m2, v2, t, lr, b1, b2, eps, wd > 0 ? mask : undefined, wd);
      tf.dispose([p, m, v, g]);
      [p, m, v] = [p2, m2, v2];
    }
    assert.deepEqual(Array.from(p.dataSync()), [...W.dataSync(), ...b.dataSync()], `${kind} bit-identical`);
    tf.dispose([p, m, v, W, b, mask]);
    adam.dispose();
  }
});

test("a NaN gradient stays on its own elements (no clipping)", () => {
  const x = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
  const adam = new Adam([x], { lr: 0.1 });
  const g = tf.tensor2d([[NaN, 1], [1, 1]]);
  adam.step([g]);
  adam.step([g]);
  const out = x.dataSync();
  assert.ok(Number.isNaN(out[0]!));
  assert.ok([1, 2, 3].every((i) => Number.isFinite(out[i]!)));
  tf.dispose([x, g]);
  adam.dispose();
});

test("clear errors for bad options and calls", () => {
  const x = tf.variable(tf.zeros([2]));
  assert.throws(() => new Adam([x], { beta1: 1 }), /beta1 must be in \[0, 1\)/);
  assert.throws(() => new Adam([]), /at least one variable/);
  assert.throws(() => new Adam([x], { clipGlobalNorm: 0 }), /clipGlobalNorm must be positive/);
  const adam = new Adam([x]);
  const g = tf.zeros([2]);
  assert.throws(() => adam.step([g]), /no learning rate/);
  assert.throws(() => adam.step([g, g], 0.1), /2 gradients for 1 variables/);
  assert.throws(() => adam.step([tf.zeros([3])], 0.1), /gradient 0 has 3 elements/);
  tf.dispose([x, g]);
  adam.dispose();
});

test("schedule, icl form: warmup from step+1, cosine to a fraction of base", () => {
  const s = { base: 1, total: 14, warmup: 4, warmupOffset: 1 as const, finalFraction: 0.1 };
  assert.deepEqual([0, 1, 2, 3].map((k) => learningRate(k, s)), [0.25, 0.5, 0.75, 1]);
  assert.equal(learningRate(4, s), 1); // t = 0
  assert.ok(Math.abs(learningRate(9, s) - 0.55) < 1e-15); // t = ½: 0.1 + 0.9·½
  assert.ok(Math.abs(learningRate(14, s) - 0.1) < 1e-15);
  assert.ok(Math.abs(learningRate(99, s) - 0.1) < 1e-15); // clamped past total
  assert.equal(learningRate(7, { ...s, decay: "constant" }), 1);
});

test("schedule, probing (timm) form: warmup from warmupStart, cosine to an absolute min", () => {
  const s = { base: 1e-3, total: 110, warmup: 10, warmupStart: 1e-7, min: 1e-8 };
  assert.equal(learningRate(0, s), 1e-7);
  assert.ok(Math.abs(learningRate(5, s) - (1e-7 + (1e-3 - 1e-7) / 2)) < 1e-18);
  assert.equal(learningRate(10, s), 1e-3);
  assert.ok(Math.abs(learningRate(60, s) - (1e-8 + 0.5 * (1e-3 - 1e-8))) < 1e-18);
  assert.ok(Math.abs(learningRate(110, s) - 1e-8) < 1e-20);
  assert.throws(() => learningRate(0, { base: 1, total: 10, min: 0, finalFraction: 0 }), /either as finalFraction/);
  assert.throws(() => learningRate(-1, s), /step must be an integer ≥ 0/);
});

test("schedule is bit-identical to both former formulas (transcribed) over a grid of steps", () => {
  // lib/icl/adam.ts learningRate(step, total, {lr, schedule, warmup, final})
  const icl = (step: number, total: number, lr: number, schedule: "constant" | "cosine", warmup: number, final: number) => {
    if (warmup > 0 && step < warmup) return (lr * (step + 1)) / warmup;
    if (schedule === "constant") return lr;
    const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
    return lr * (final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  };
  // lib/probing/optim.ts cosineWithWarmup(step, total, warmup, base, 1e-7, 1e-8)
  const probing = (step: number, total: number, warmup: number, base: number, warmupStart = 1e-7, min = 1e-8) => {
    if (warmup > 0 && step < warmup) return warmupStart + ((base - warmupStart) * step) / warmup;
    const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
    return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t));
  };
  for (const total of [1, 7, 1000]) {
    for (const warmup of [0, 3, 100]) {
      for (let step = 0; step <= total + 2; step += total > 100 ? 37 : 1) {
        for (const schedule of ["constant", "cosine"] as const) {
          assert.equal(learningRate(step, { base: 3e-3, total, warmup, warmupOffset: 1, decay: schedule, finalFraction: 0.07 }), icl(step, total, 3e-3, schedule, warmup, 0.07));
        }
        assert.equal(learningRate(step, { base: 3e-3, total, warmup, warmupOffset: 1, finalFraction: 0 }), icl(step, total, 3e-3, "cosine", warmup, 0));
        assert.equal(learningRate(step, { base: 5e-4, total, warmup, warmupStart: 1e-7, min: 1e-8 }), probing(step, total, warmup, 5e-4));
      }
    }
  }
});
