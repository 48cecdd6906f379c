import { test, before } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import {
  DIFFERENCES,
  INTERSECTIONS,
  OFFICIAL_DIFFERENCES,
  OFFICIAL_INTERSECTIONS,
  salience,
  tverskySimilarity,
  tverskyTerms,
  gradientCheck,
  type DifferenceReduction,
  type IntersectionReduction,
  type TverskyOptions,
} from "../../../lib/topics/tversky/index";

import { reference } from "./reference";

before(async () => {
  await initTf({ quiet: true });
});

const rows = (a: Float32Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(a.subarray(i * c, (i + 1) * c)));

test("hand example of notes §10 item 1: every variant within 1e-5, saliences 3 and 4", () => {
  // S(a,b), S(b,a) hand-worked in the notes for F = [[1,0],[0,1],[1,1]], a = [2,−1], b = [1,1], θ = 1, α = 0.8, β = 0.2
  const want: [IntersectionReduction, DifferenceReduction, number, number][] = [
    ["product", "ignorematch", 3.8, 3.2],
    ["product", "substractmatch", 3.8, 3.2],
    ["product", "substractmatch_pf", 3.0, 3.0],
    ["product", "substractmatch_pf_plus", 2.8, 2.2],
    ["min", "ignorematch", 2.8, 2.2],
    ["max", "ignorematch", 2.8, 2.2],
    ["mean", "ignorematch", 2.8, 2.2],
    ["gmean", "ignorematch", 2.8, 2.2],
    ["softmin", "ignorematch", 3 - Math.LN2 - 0.2, 3 - Math.LN2 - 0.8],
    ["min_pf", "ignorematch", 1.8, 1.2],
    ["max_pf", "ignorematch", 3.8, 3.2],
  ];
  const features = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]),
    a = tf.tensor2d([[2, -1]]),
    b = tf.tensor2d([[1, 1]]);
  for (const [intersection, difference, ab, ba] of want) {
    const S = (x: tf.Tensor, prototypes: tf.Tensor) =>
      tf.tidy(
        () => tverskySimilarity({ x, prototypes, features, theta: 1, alpha: 0.8, beta: 0.2, intersection, difference }).dataSync()[0]!,
      );
    assert.ok(Math.abs(S(a, b) - ab) <= 1e-5, `${intersection}+${difference}: S(a,b) = ${S(a, b)}, notes ${ab}`);
    assert.ok(Math.abs(S(b, a) - ba) <= 1e-5, `${intersection}+${difference}: S(b,a) = ${S(b, a)}, notes ${ba}`);
  }
  const s = tf.tidy(() =>
    Array.from(
      salience({
        x: tf.tensor2d([
          [2, -1],
          [1, 1],
        ]),
        features,
      }).dataSync(),
    ),
  );
  assert.deepEqual(s, [3, 4]);
  tf.dispose([features, a, b]);
});

test("hand example: per-feature gmean and softmin, ratio model and a non-zero threshold (worked by hand)", () => {
  const F = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]),
    a = tf.tensor2d([[2, -1]]),
    b = tf.tensor2d([[1, 1]]);
  const S = (o: TverskyOptions, x = a, y = b) =>
    tf.tidy(() => tverskySimilarity({ ...o, x, prototypes: y, features: F, theta: 1, alpha: 0.8, beta: 0.2 }).dataSync()[0]!);
  // common features k = 0 (2, 1) and k = 2 (1, 2); b alone has k = 1 (1)
  assert.ok(Math.abs(S({ intersection: "gmean_pf" }) - (2 * Math.SQRT2 - 0.2)) <= 1e-5);
  assert.ok(Math.abs(S({ intersection: "softmin_pf" }) - (2 * (1 - Math.log(1 + Math.exp(-1))) - 0.2)) <= 1e-5);
  assert.ok(Math.abs(S({ model: "ratio" }) - 4 / (4 + 0 + 0.2 + 1)) <= 1e-6);
  // threshold 1.5: a has {k0: 2}, b has {k2: 2}; nothing shared: S = −0.8·2 − 0.2·2
  assert.ok(Math.abs(S({ threshold: 1.5 }) - -2) <= 1e-6);
  tf.dispose([F, a, b]);
});

test("every reduction pair matches the float64 reference on random inputs (rank 2 and batched rank 3)", () => {
  const rng = new Rng(1);
  const n = 4,
    m = 3,
    K = 6,
    d = 3,
    R = 2;
  const draw = (k: number) => Array.from({ length: R }, () => rows(rng.normals(k * d), k, d));
  const xs = draw(n),
    ys = draw(m),
    Fs = draw(K);
  const ths = [1.1, -0.7],
    als = [0.6, 0.3],
    bes = [0.2, 0.9];
  for (const intersection of INTERSECTIONS) {
    for (const difference of DIFFERENCES) {
      for (const model of ["contrast", "ratio"] as const) {
        const o = { intersection, difference, model, gmeanEps: 0 };
        // rank 3: both runs at once, per-run scalars [R, 1, 1]
        const batched = tf.tidy(
          () =>
            tverskySimilarity({
              ...o,
              x: tf.tensor3d(xs),
              prototypes: tf.tensor3d(ys),
              features: tf.tensor3d(Fs),
              theta: tf.tensor3d(ths, [R, 1, 1]),
              alpha: tf.tensor3d(als, [R, 1, 1]),
              beta: tf.tensor3d(bes, [R, 1, 1]),
            }).arraySync() as number[][][],
        );
        for (let r = 0; r < R; r++) {
          const ref = reference(xs[r]!, ys[r]!, Fs[r]!, ths[r]!, als[r]!, bes[r]!, o);
          const single = tf.tidy(
            () =>
              tverskySimilarity({
                ...o,
                x: tf.tensor2d(xs[r]!),
                prototypes: tf.tensor2d(ys[r]!),
                features: tf.tensor2d(Fs[r]!),
                theta: ths[r]!,
                alpha: als[r]!,
                beta: bes[r]!,
              }).arraySync() as number[][],
          );
          for (let i = 0; i < n; i++)
            for (let j = 0; j < m; j++) {
              const want = ref[i]![j]!;
              for (const [label, got] of [
                ["2-D", single[i]![j]!],
                ["batched", batched[r]![i]![j]!],
              ] as const) {
                if (Number.isNaN(want))
                  assert.ok(Number.isNaN(got), `${intersection}+${difference} ${model} ${label}: reference NaN, got ${got}`);
                else
                  assert.ok(
                    Math.abs(got - want) <= 1e-4 * (1 + Math.abs(want)),
                    `${intersection}+${difference} ${model} ${label} [${r},${i},${j}]: ${got} vs ${want}`,
                  );
              }
            }
        }
      }
    }
  }
});

test("normalize L2-normalises inputs and prototypes (not the bank) before projecting", () => {
  const rng = new Rng(2);
  const x = rows(rng.normals(12), 4, 3),
    y = rows(rng.normals(6), 2, 3),
    F = rows(rng.normals(15), 5, 3);
  const unit = (v: number[][]) => v.map((r) => r.map((c) => c / Math.hypot(...r)));
  const o = { intersection: "max" as const, difference: "substractmatch" as const };
  const got = tf.tidy(
    () =>
      tverskySimilarity({
        x: tf.tensor2d(x),
        prototypes: tf.tensor2d(y),
        features: tf.tensor2d(F),
        theta: 1,
        alpha: 0.5,
        beta: 0.5,
        ...o,
        normalize: true,
      }).arraySync() as number[][],
  );
  const want = reference(unit(x), unit(y), F, 1, 0.5, 0.5, o);
  got.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) <= 1e-5, `${v} vs ${want[i]![j]}`)));
  // a zero input stays zero (torch F.normalize with eps), and its gradient is finite
  const g = tf.tidy(() =>
    Array.from(
      tf
        .grad((z: tf.Tensor) =>
          tf.sum(
            tverskySimilarity({
              x: z,
              prototypes: tf.tensor2d(y),
              features: tf.tensor2d(F),
              theta: 1,
              alpha: 0.5,
              beta: 0.5,
              normalize: true,
            }),
          ),
        )(tf.zeros([1, 3]))
        .dataSync(),
    ),
  );
  assert.ok(
    g.every((v) => Number.isFinite(v)),
    `gradient at x = 0: ${g}`,
  );
});

test("S(x,x) is symmetric for α = β and asymmetric for α ≠ β, for every official pair", () => {
  const rng = new Rng(3);
  const x = tf.tensor2d(rng.normals(24), [6, 4]),
    F = tf.tensor2d(rng.normals(32), [8, 4]);
  for (const intersection of OFFICIAL_INTERSECTIONS) {
    for (const difference of OFFICIAL_DIFFERENCES) {
      const gap = (al: number, be: number) =>
        tf.tidy(() => {
          const S = tverskySimilarity({
            x,
            prototypes: x,
            features: F,
            theta: 1,
            alpha: al,
            beta: be,
            intersection,
            difference,
            gmeanEps: 1e-8,
          });
          return tf.max(tf.abs(tf.sub(S, tf.transpose(S)))).dataSync()[0]!;
        });
      assert.ok(gap(0.5, 0.5) <= 1e-6, `${intersection}+${difference}: symmetric gap ${gap(0.5, 0.5)}`);
      assert.ok(gap(0.8, 0.2) > 1e-3, `${intersection}+${difference}: no asymmetry`);
    }
  }
  tf.dispose([x, F]);
});

test("autodiff gradients match central differences for every reduction (relative 1e-2)", () => {
  const rng = new Rng(7);
  for (const intersection of INTERSECTIONS) {
    for (const difference of DIFFERENCES) {
      for (const e of gradientCheck({ intersection, difference }, rng)) {
        assert.ok(e.relErr <= 1e-2, `${intersection}+${difference}, ${e.param}: relative error ${e.relErr}`);
      }
    }
  }
  for (const e of gradientCheck({ normalize: true, intersection: "softmin" }, rng))
    assert.ok(e.relErr <= 1e-2, `normalize, ${e.param}: ${e.relErr}`);
});

test("the membership indicator has zero gradient; α's gradient is exactly 0 when D(x,Π) is empty", () => {
  const g = tf.tidy(() =>
    Array.from(
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.step(x)))(tf.tensor1d([-1, 0, 0.5, 3]))
        .dataSync(),
    ),
  );
  assert.deepEqual(g, [0, 0, 0, 0]);
  // all entries positive: every x·f_k > 0 and Π·f_k > 0, so D_ab ≡ 0 (notes §4)
  const rng = new Rng(4);
  const x = tf.tensor2d(rng.uniforms(20), [5, 4]),
    P = tf.tensor2d(rng.uniforms(12), [3, 4]),
    F = tf.tensor2d(rng.uniforms(24), [6, 4]);
  const ga = tf.tidy(
    () =>
      tf
        .grad((al: tf.Tensor) => tf.sum(tverskySimilarity({ x, prototypes: P, features: F, theta: 1, alpha: al, beta: 0.5 })))(
          tf.scalar(0.5),
        )
        .dataSync()[0],
  );
  assert.equal(ga, 0);
  tf.dispose([x, P, F]);
});

test("per-feature min/max backprop under broadcasting (the tfjs pitfall of notes §9.10), rank 2 and 3", () => {
  const rng = new Rng(5);
  for (const intersection of ["min_pf", "max_pf"] as const) {
    for (const shape of [
      [4, 2],
      [3, 4, 2],
    ]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(rng.normals(size), shape),
        y = tf.tensor(rng.normals(size / 2), shape.length === 2 ? [2, 2] : [3, 2, 2]);
      const F = tf.tensor(rng.normals((size / 2) * 3), shape.length === 2 ? [6, 2] : [3, 6, 2]);
      const g = tf.tidy(() =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tverskySimilarity({ x: a, prototypes: y, features: b, theta: 1, alpha: 0.5, beta: 0.5, intersection })),
        )([x, F]),
      );
      assert.deepEqual(g[0]!.shape, x.shape);
      assert.deepEqual(g[1]!.shape, F.shape);
      tf.dispose([...g, x, y, F]);
    }
  }
});

test("official gmean: finite forward, NaN gradient on an empty intersection (log 0); finite with eps", () => {
  // x = [0, 0] has no feature: Ia = Ib = 0 for every prototype, and d/dF exp(½(log Ia + log Ib)) is 0·∞
  const x = tf.tensor2d([
      [0, 0],
      [1, 0.5],
    ]),
    prototypes = tf.tensor2d([
      [0.4, 0.9],
      [0.7, 0.2],
    ]),
    F = tf.tensor2d([
      [1, 0.2],
      [0.3, 1],
    ]);
  const S = (gmeanEps: number) => (features: tf.Tensor) =>
    tf.sum(tverskySimilarity({ x, prototypes, features, theta: 1, alpha: 0.5, beta: 0.5, intersection: "gmean", gmeanEps }));
  const forward = tf.tidy(() => S(0)(F).dataSync()[0]!);
  const finite = (eps: number) =>
    tf.tidy(() =>
      tf
        .grad(S(eps))(F)
        .dataSync()
        .every((v) => Number.isFinite(v)),
    );
  assert.ok(Number.isFinite(forward));
  assert.equal(finite(0), false);
  assert.equal(finite(1e-8), true);
  tf.dispose([x, prototypes, F]);
});

test("terms are oriented [n, m] and Dba is the prototype's distinctive part", () => {
  const t = tf.tidy(() => {
    const r = tverskyTerms({
      x: tf.tensor2d([[2, -1]]),
      prototypes: tf.tensor2d([[1, 1]]),
      features: tf.tensor2d([
        [1, 0],
        [0, 1],
        [1, 1],
      ]),
    });
    return { I: r.I.arraySync(), Dab: r.Dab.arraySync(), Dba: r.Dba.arraySync() };
  });
  assert.deepEqual(t, { I: [[4]], Dab: [[0]], Dba: [[1]] });
});

test("bad input: shapes, dtypes and option names are rejected with the thing to fix", () => {
  const x = tf.zeros([2, 3]),
    y = tf.zeros([2, 4]),
    F = tf.zeros([5, 3]);
  assert.throws(() => tverskySimilarity({ x, prototypes: y, features: F, theta: 1, alpha: 0.5, beta: 0.5 }), /last dimensions differ/);
  assert.throws(
    () => tverskySimilarity({ x: tf.zeros([3]), prototypes: x, features: F, theta: 1, alpha: 0.5, beta: 0.5 }),
    /must be \[n, d\]/,
  );
  assert.throws(
    () =>
      tverskySimilarity({
        x,
        prototypes: x,
        features: F,
        theta: 1,
        alpha: 0.5,
        beta: 0.5,
        intersection: "median" as IntersectionReduction,
      }),
    /unknown intersection reduction "median"; pick one of product/,
  );
  assert.throws(
    () =>
      tverskySimilarity({
        x,
        prototypes: x,
        features: F,
        theta: 1,
        alpha: 0.5,
        beta: 0.5,
        difference: "subtractmatch" as DifferenceReduction,
      }),
    /unknown difference reduction/,
  );
  assert.throws(
    () => tverskySimilarity({ x, prototypes: x, features: F, theta: 1, alpha: 0.5, beta: 0.5, model: "index" as "ratio" }),
    /unknown similarity model/,
  );
  assert.throws(
    () =>
      tverskySimilarity({
        x: tf.zeros([2, 2, 3]),
        prototypes: tf.zeros([3, 2, 3]),
        features: tf.zeros([2, 5, 3]),
        theta: 1,
        alpha: 0.5,
        beta: 0.5,
      }),
    /run counts differ/,
  );
  assert.throws(
    () => tverskySimilarity({ x: tf.zeros([2, 3], "int32"), prototypes: x, features: F, theta: 1, alpha: 0.5, beta: 0.5 }),
    /must be float32/,
  );
  tf.dispose([x, y, F]);
});

test("no tensors leak from the similarity in a loop", () => {
  const x = tf.ones([3, 2]),
    F = tf.ones([4, 2]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) {
    for (const intersection of INTERSECTIONS)
      tverskySimilarity({
        x,
        prototypes: x,
        features: F,
        theta: 1,
        alpha: 0.5,
        beta: 0.5,
        intersection,
        difference: "substractmatch_pf_plus",
      }).dispose();
    salience({ x, features: F }).dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, F]);
});
