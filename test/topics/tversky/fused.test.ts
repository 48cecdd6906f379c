import { test, before } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import {
  BatchedClassifier,
  DIFFERENCES,
  INTERSECTIONS,
  TverskyProjection,
  batchedCrossEntropy,
  drawKinkFree,
  gradientCheck,
  resolveOptions,
  trainXorBatch,
  tverskySimilarity,
  type TverskyOptions,
} from "../../../lib/topics/tversky/index";
import { reference } from "./reference";

before(async () => {
  await initTf({ quiet: true });
});

const MODELS = ["contrast", "ratio"] as const;
const rows = (a: ArrayLike<number>, r: number, c: number) =>
  Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => a[i * c + j]!));

interface Problem {
  R: number;
  n: number;
  m: number;
  K: number;
  d: number;
  x: Float32Array;
  y: Float32Array;
  F: Float32Array;
  th: number[];
  al: number[];
  be: number[];
}

function problem(rng: Rng, R: number, n = 4, m = 3, K = 6, d = 3): Problem {
  return {
    R,
    n,
    m,
    K,
    d,
    x: rng.normals(R * n * d),
    y: rng.normals(R * m * d),
    F: rng.normals(R * K * d),
    th: Array.from(rng.uniforms(R, -1.5, 1.5)),
    al: Array.from(rng.uniforms(R, 0.1, 1)),
    be: Array.from(rng.uniforms(R, 0.1, 1)),
  };
}

/** Value and the gradients (x, Π, Ω, θ, α, β) of Σ w ⊙ S, with per-run coefficients [R,1,1]. */
function valueAndGrads(p: Problem, o: TverskyOptions, w: Float32Array): { S: Float32Array; g: Float32Array[] } {
  return tf.tidy(() => {
    const { R, n, m, K, d } = p;
    const args = [
      tf.tensor3d(p.x, [R, n, d]),
      tf.tensor3d(p.y, [R, m, d]),
      tf.tensor3d(p.F, [R, K, d]),
      tf.tensor3d(p.th, [R, 1, 1]),
      tf.tensor3d(p.al, [R, 1, 1]),
      tf.tensor3d(p.be, [R, 1, 1]),
    ];
    const S = (...a: tf.Tensor[]) =>
      tverskySimilarity({ ...o, x: a[0]!, prototypes: a[1]!, features: a[2]!, theta: a[3]!, alpha: a[4]!, beta: a[5]! });
    const wt = tf.tensor3d(w, [R, n, m]);
    // + 0·θ: the ratio model ignores θ, and tf.grads needs every argument on the path
    const g = tf.grads((...a: tf.Tensor[]) => tf.add(tf.sum(tf.mul(S(...a), wt)), tf.mul(tf.sum(a[3]!), 0)))(args);
    return { S: S(...args).dataSync() as Float32Array, g: g.map((t) => t.dataSync() as Float32Array) };
  });
}

/** max |a − b| / (1 + max |b|), NaN-aware: a NaN on one side only is a mismatch (Infinity). */
function scaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) if (Number.isFinite(b[i]!)) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!) || Number.isNaN(b[i]!)) {
      if (Number.isNaN(a[i]!) !== Number.isNaN(b[i]!)) return Number.POSITIVE_INFINITY;
      continue;
    }
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + scale));
  }
  return worst;
}

test("fused similarity equals the float64 reference for every reduction pair and model (rank 2, and rank 3 with per-run θ, α, β)", () => {
  const rng = new Rng(11);
  for (const intersection of INTERSECTIONS) {
    for (const difference of DIFFERENCES) {
      for (const model of MODELS) {
        const o = { intersection, difference, model, fused: true };
        const p = problem(rng, 2);
        const { S } = valueAndGrads(p, o, new Float32Array(p.R * p.n * p.m));
        for (let r = 0; r < p.R; r++) {
          const at = (v: Float32Array, k: number) => rows(v.subarray(r * k * p.d, (r + 1) * k * p.d), k, p.d);
          const want = reference(at(p.x, p.n), at(p.y, p.m), at(p.F, p.K), p.th[r]!, p.al[r]!, p.be[r]!, o);
          const single = tf.tidy(() =>
            tverskySimilarity({
              ...o,
              x: tf.tensor2d(at(p.x, p.n)),
              prototypes: tf.tensor2d(at(p.y, p.m)),
              features: tf.tensor2d(at(p.F, p.K)),
              theta: p.th[r]!,
              alpha: p.al[r]!,
              beta: p.be[r]!,
            }).dataSync(),
          );
          for (let i = 0; i < p.n; i++)
            for (let j = 0; j < p.m; j++) {
              const ref = want[i]![j]!;
              for (const [label, got] of [
                ["rank 3", S[(r * p.n + i) * p.m + j]!],
                ["rank 2", single[i * p.m + j]!],
              ] as const) {
                if (Number.isNaN(ref))
                  assert.ok(Number.isNaN(got), `${intersection}+${difference} ${model} ${label}: reference NaN, got ${got}`);
                // float64 arithmetic rounded once to float32
                else
                  assert.ok(
                    Math.abs(got - ref) <= 1e-6 * (1 + Math.abs(ref)),
                    `${intersection}+${difference} ${model} ${label}: ${got} vs ${ref}`,
                  );
              }
            }
        }
      }
    }
  }
});

test("fused gradients equal float64 central differences of the reference at kink-free points (every pair and model; x, Π, Ω, θ, α, β)", () => {
  const rng = new Rng(12);
  const n = 3,
    m = 2,
    K = 5,
    d = 3,
    h = 1e-6;
  for (const intersection of INTERSECTIONS) {
    for (const difference of DIFFERENCES) {
      for (const model of MODELS) {
        const o = { intersection, difference, model, fused: true };
        const { x, y, F } = drawKinkFree(resolveOptions(o), rng, n, m, K, d, 0.05);
        const coefs = [1.1, 0.7, 0.3];
        const w = Array.from(rng.normals(n * m));
        // L = Σ w ⊙ S in float64, parameters as one flat list: x, Π, Ω, θ, α, β
        const flat = [...x, ...y, ...F, ...coefs];
        const loss = (v: number[]) => {
          const S = reference(
            rows(v, n, d),
            rows(v.slice(n * d), m, d),
            rows(v.slice((n + m) * d), K, d),
            v[v.length - 3]!,
            v[v.length - 2]!,
            v[v.length - 1]!,
            o,
          );
          return S.flat().reduce((s, sij, k) => s + sij * w[k]!, 0);
        };
        const fd = flat.map((_, i) => {
          const up = flat.slice(),
            down = flat.slice();
          up[i]! += h;
          down[i]! -= h;
          return (loss(up) - loss(down)) / (2 * h);
        });
        const got = tf.tidy(() => {
          const g = tf.grads((...a: tf.Tensor[]) =>
            tf.sum(
              tf.mul(
                tverskySimilarity({ ...o, x: a[0]!, prototypes: a[1]!, features: a[2]!, theta: a[3]!, alpha: a[4]!, beta: a[5]! }),
                tf.tensor2d(w, [n, m]),
              ),
            ),
          )([tf.tensor2d(x, [n, d]), tf.tensor2d(y, [m, d]), tf.tensor2d(F, [K, d]), ...coefs.map((c) => tf.scalar(c))]);
          return g.flatMap((t) => Array.from(t.dataSync()));
        });
        // the kernel's inputs are float32 (x, Π, Ω, θ, α, β rounded), its outputs rounded to float32
        const norm = Math.max(1, Math.hypot(...fd));
        const err = Math.hypot(...fd.map((v, i) => v - got[i]!)) / norm;
        assert.ok(err <= 2e-5, `${intersection}+${difference} ${model}: relative gradient error ${err}`);
      }
    }
  }
});

test("fused gradients pass the library's float32 finite-difference check (gradientCheck) for every reduction", () => {
  const rng = new Rng(13);
  for (const intersection of INTERSECTIONS) {
    for (const difference of DIFFERENCES) {
      for (const e of gradientCheck({ intersection, difference, fused: true }, rng)) {
        assert.ok(e.relErr <= 1e-2, `${intersection}+${difference}, ${e.param}: relative error ${e.relErr}`);
      }
    }
  }
  for (const e of gradientCheck({ normalize: true, intersection: "softmin", fused: true }, rng))
    assert.ok(e.relErr <= 1e-2, `normalize, ${e.param}: ${e.relErr}`);
});

test("fused and composed similarity agree in values and in all six gradients (every pair, both models, normalize, a threshold), batched", () => {
  const rng = new Rng(14);
  const variants: TverskyOptions[] = [];
  for (const intersection of INTERSECTIONS)
    for (const difference of DIFFERENCES) for (const model of MODELS) variants.push({ intersection, difference, model, gmeanEps: 1e-8 });
  variants.push(
    { normalize: true, difference: "substractmatch" },
    { threshold: 0.3, intersection: "min", difference: "substractmatch_pf_plus" },
  );
  for (const o of variants) {
    const p = problem(rng, 3, 5, 4, 7, 4);
    const w = rng.normals(p.R * p.n * p.m);
    const old = valueAndGrads(p, { ...o, fused: false }, w);
    const neu = valueAndGrads(p, { ...o, fused: true }, w);
    const label = JSON.stringify(o);
    assert.ok(scaledDiff(neu.S, old.S) <= 1e-5, `${label}: values differ by ${scaledDiff(neu.S, old.S)}`);
    ["x", "prototypes", "bank", "theta", "alpha", "beta"].forEach((name, i) => {
      const e = scaledDiff(neu.g[i]!, old.g[i]!);
      assert.ok(e <= 1e-5, `${label}: gradient of ${name} differs by ${e}`);
    });
  }
});

test("official gmean (eps 0) on an empty intersection: NaN gradients exactly where the composition has them, and only in that run", () => {
  // run 0: x has no feature in common with Π (x·f ≤ 0 wherever Π·f > 0); run 1: everything shared
  const p: Problem = {
    R: 2,
    n: 1,
    m: 1,
    K: 2,
    d: 2,
    x: Float32Array.from([1, -1, 1, 1]),
    y: Float32Array.from([-1, 1, 1, 1]),
    F: Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1]),
    th: [1, 1],
    al: [0.5, 0.5],
    be: [0.5, 0.5],
  };
  const w = Float32Array.from([1, 1]);
  const old = valueAndGrads(p, { intersection: "gmean", fused: false }, w);
  const neu = valueAndGrads(p, { intersection: "gmean", fused: true }, w);
  assert.ok(scaledDiff(neu.S, old.S) <= 1e-6);
  assert.ok(
    old.g.some((g) => Number.isNaN(g[0]!)),
    "the composition has NaN gradients in run 0 (the premise)",
  );
  old.g.forEach((g, i) => {
    assert.ok(
      scaledDiff(neu.g[i]!, g) <= 1e-6,
      `gradient ${i}: NaN pattern or values differ (${Array.from(neu.g[i]!)} vs ${Array.from(g)})`,
    );
    const perRun = g.length / 2;
    for (let k = perRun; k < g.length; k++) assert.ok(Number.isFinite(neu.g[i]![k]!), `gradient ${i}: run 1 must stay finite`);
  });
});

test("coefficients of another shape (per pair) fall back to the composition with the same result", () => {
  const rng = new Rng(15);
  const x = tf.tensor2d(rng.normals(8), [4, 2]),
    y = tf.tensor2d(rng.normals(6), [3, 2]),
    F = tf.tensor2d(rng.normals(10), [5, 2]),
    theta = tf.tensor2d(rng.uniforms(12), [4, 3]);
  const S = (fused: boolean) =>
    tf.tidy(() => tverskySimilarity({ x, prototypes: y, features: F, theta, alpha: 0.5, beta: 0.5, fused }).dataSync());
  assert.deepEqual(Array.from(S(true)), Array.from(S(false)));
  tf.dispose([x, y, F, theta]);
});

test("a fused TverskyProjection layer and a fused classifier head give the composition's outputs and gradients", () => {
  const rng = new Rng(16);
  const input = tf.tensor2d(rng.normals(6 * 5), [6, 5]);
  const out = (fused: boolean) => {
    const layer = new TverskyProjection({ units: 3, featureCount: 4, seed: 3, fused, difference: "substractmatch" });
    const v = tf.tidy(() => (layer.apply(input) as tf.Tensor).dataSync());
    assert.equal(layer.getConfig().fused, fused);
    layer.dispose();
    return v;
  };
  assert.ok(scaledDiff(out(true), out(false)) <= 1e-6);
  input.dispose();

  // the head inside BatchedClassifier: logits and every gradient of a batch's loss at the initial weights
  const x = tf.tensor3d(rng.normals(2 * 32 * 8), [2, 32, 8]);
  const onehot = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 3),
        "int32",
      ),
      3,
    )
    .reshape([2, 32, 3]);
  const headOf = (fused: boolean) => {
    const m = new BatchedClassifier(
      { inputDim: 8, classes: 3, encoder: [6], head: { kind: "tversky", K: 5, init: "symmetric", fused } },
      [1, 2],
    );
    const vars = m.trainableVariables();
    const out = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => batchedCrossEntropy(m.logits(x), onehot), vars);
      return { loss: value.dataSync()[0]!, grads: vars.map((v) => grads[v.name]!.dataSync().slice()), logits: m.logits(x).dataSync() };
    });
    m.dispose();
    return out;
  };
  const a = headOf(true),
    b = headOf(false);
  assert.ok(Math.abs(a.loss - b.loss) <= 1e-5 * Math.abs(b.loss));
  assert.ok(scaledDiff(a.logits, b.logits) <= 1e-5);
  a.grads.forEach((g, i) => assert.ok(scaledDiff(g, b.grads[i]!) <= 1e-5, `gradient ${i} differs by ${scaledDiff(g, b.grads[i]!)}`));
  tf.dispose([x, onehot]);
});

test("XOR batch trained with the fused kernel follows the composition over a few steps", () => {
  const runs = [1, 2, 3, 4].map((seed) => ({
    K: 2 + seed,
    normalize: seed % 2 === 0,
    protoInit: "uniform" as const,
    featureInit: "normal" as const,
    seed,
  }));
  const cfg = { intersection: "product", difference: "substractmatch", lr: 0.01, steps: 5 } as const;
  const a = trainXorBatch({ ...cfg, engine: "fused-similarity" }, runs, { keepWeights: true });
  const b = trainXorBatch(cfg, runs, { keepWeights: true });
  // Adam moves a parameter whose gradient is mathematically 0 by up to lr per step on float noise
  // alone (the two paths round differently), so weights agree to 1e-5 or, at worst, to steps·lr
  let close = 0,
    all = 0;
  a.forEach((r, i) => {
    const o = b[i]!;
    const pairs: [number, number][] = [
      ...r.weights!.F.map((v, k) => [v, o.weights!.F[k]!] as [number, number]),
      ...r.weights!.P.map((v, k) => [v, o.weights!.P[k]!] as [number, number]),
    ];
    for (const [u, v] of pairs) {
      all++;
      if (Math.abs(u - v) <= 1e-5) close++;
      assert.ok(Math.abs(u - v) <= cfg.steps * cfg.lr, `run ${i}: a weight moved apart by ${Math.abs(u - v)}`);
    }
    for (const k of ["theta", "alpha", "beta"] as const) assert.ok(Math.abs(r[k] - o[k]) <= 1e-5, `run ${i}: ${k} ${r[k]} vs ${o[k]}`);
  });
  assert.ok(close >= 0.8 * all, `only ${close} of ${all} weights agree to 1e-5`);
});
