/**
 * batchedGram (core/batch-matmul.ts): per-sample aᵀ·b through one depthwise convolution. Values and
 * both gradients against tf.matMul on the same inputs (the WASM backend's BatchMatMul, which sums
 * over the contracted axis in the same order), at a hand-worked size and at the attention and
 * covariance shapes the studies use. Exact equality is asserted where the module header claims it
 * (a contraction up to 49); beyond it, as at MHC³'s 196 tokens, agreement to float32 rounding.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { initTf, tf } from "../../lib/core/tf";
import { batchMatmul, batchedGram } from "../../lib/core/batch-matmul";

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

test("batchMatmul: a·b and a·bᵀ per sample equal tf.matMul (batch 3) and pass a single product to it (batch 1)", async () => {
  await initTf({ quiet: true });
  const rng = new Rng(5);
  tf.tidy(() => {
    const a = tf.tensor3d(rng.normals(3 * 4 * 5), [3, 4, 5]);
    const b = tf.tensor3d(rng.normals(3 * 5 * 6), [3, 5, 6]);
    const bt = tf.tensor3d(rng.normals(3 * 6 * 5), [3, 6, 5]);
    assert.ok(maxAbsDiff(batchMatmul(a, b), tf.matMul(a, b)) <= 1e-6);
    assert.ok(maxAbsDiff(batchMatmul(a, bt, { transposeB: true }), tf.matMul(a, bt, false, true)) <= 1e-6);
    const a1 = tf.slice(a, [0, 0, 0], [1, 4, 5]);
    const b1 = tf.slice(b, [0, 0, 0], [1, 5, 6]);
    assert.equal(maxAbsDiff(batchMatmul(a1, b1), tf.matMul(a1, b1)), 0);
  });
});

test("batchedGram: a hand-worked 2-sample case", async () => {
  await initTf({ quiet: true });
  // sample 0: a = [[1,2],[3,4]], b = [[1],[1]] → aᵀb = [[4],[6]]; sample 1: a = I, b = [[5],[7]] → [[5],[7]]
  const a = tf.tensor3d([1, 2, 3, 4, 1, 0, 0, 1], [2, 2, 2]);
  const b = tf.tensor3d([1, 1, 5, 7], [2, 2, 1]);
  assert.deepEqual(Array.from(batchedGram(a, b).dataSync()), [4, 6, 5, 7]);
  tf.dispose([a, b]);
});

test("batchedGram = tf.matMul(aᵀ, b) bit for bit, values and both gradients, at attention and covariance shapes (WASM)", async () => {
  await initTf({ quiet: true });
  const rng = new Rng(12);
  for (const [P, Z, X, Y] of [
    [256, 8, 19, 19], // gpt attention scores q·kᵀ = gram(qᵀ, kᵀ): H = 32, 4 heads, B = 64
    [256, 19, 19, 8], // gpt att·v = gram(attᵀ, v)
    [24, 17, 32, 32], // MHC³ covariance, 64×17×32 with pairs
  ]) {
    tf.tidy(() => {
      const a = tf.tensor3d(rng.normals(P * Z * X), [P, Z, X]);
      const b = tf.tensor3d(rng.normals(P * Z * Y), [P, Z, Y]);
      const r = tf.tensor3d(rng.normals(P * X * Y), [P, X, Y]);
      const mine = batchedGram(a, b);
      const ref = tf.matMul(tf.transpose(a, [0, 2, 1]), b);
      const what = `[${P}, ${Z}, ${X}]ᵀ·[${P}, ${Z}, ${Y}]`;
      const exact = tf.getBackend() === "wasm";
      const tol = exact ? 0 : 1e-5 * Z;
      assert.ok(maxAbsDiff(mine, ref) <= tol, `${what}: values ${maxAbsDiff(mine, ref)}`);
      const g1 = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(batchedGram(x as tf.Tensor3D, y as tf.Tensor3D), r)))([a, b]);
      const g2 = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.transpose(x, [0, 2, 1]), y), r)))([a, b]);
      g1.forEach((g, i) => assert.ok(maxAbsDiff(g, g2[i]!) <= tol * 10, `${what}: gradient ${i} ${maxAbsDiff(g, g2[i]!)}`));
    });
  }
  // the edge of the exact range, and past it: at 50 tf.matMul's BatchMatMul changes its summation order
  for (const [Z, exact] of [
    [49, true],
    [50, false],
    [196, false], // MHC³ covariance at the ViT-B size, 196 patch tokens
  ] as const) {
    tf.tidy(() => {
      const a = tf.tensor3d(rng.normals(6 * Z * 12), [6, Z, 12]);
      const b = tf.tensor3d(rng.normals(6 * Z * 10), [6, Z, 10]);
      const mine = batchedGram(a, b).dataSync();
      const ref = tf.matMul(tf.transpose(a, [0, 2, 1]), b).dataSync();
      let equal = 0;
      let worst = 0;
      for (let i = 0; i < ref.length; i++) {
        if (Object.is(mine[i], ref[i])) equal++;
        worst = Math.max(worst, Math.abs(mine[i]! - ref[i]!));
      }
      // a sum of Z products of N(0, 1) entries is ~√Z in size; two float32 summation orders differ by ≲ Z·2⁻²⁴·√Z
      assert.ok(worst <= Z * 2 ** -24 * Math.sqrt(Z) * 4, `contraction ${Z}: max |Δ| ${worst}`);
      if (tf.getBackend() === "wasm") {
        if (exact) assert.equal(equal, ref.length, `contraction ${Z}: ${equal} of ${ref.length} outputs bit-identical`);
        else assert.ok(equal < ref.length, `contraction ${Z}: all outputs bit-identical; update core/batch-matmul.ts's header`);
      }
    });
  }
  assert.throws(() => batchedGram(tf.zeros([2, 3, 4]) as tf.Tensor3D, tf.zeros([2, 4, 4]) as tf.Tensor3D), /same batch and token axes/);
  assert.throws(() => batchMatmul(tf.zeros([2, 3, 4]), tf.zeros([2, 3, 4])), /batchMatmul: shapes \[2,3,4\] and \[2,3,4\] need/);
  assert.throws(() => batchMatmul(tf.zeros([2, 3, 4]), tf.zeros([3, 5, 4]), { transposeB: true }), /\(b transposed\)/);
});
