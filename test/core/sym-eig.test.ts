/** The Jacobi symmetric eigensolver against hand-worked cases and its defining identities. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { symEig, symEigFlat } from "../../lib/core/sym-eig";

test("symEig: [[2,1],[1,2]] has eigenvalues 3, 1 with eigenvectors (1,1)/√2, (1,−1)/√2", () => {
  const e = symEig([
    [2, 1],
    [1, 2],
  ]);
  assert.ok(Math.abs(e.values[0]! - 3) < 1e-14 && Math.abs(e.values[1]! - 1) < 1e-14, `${e.values}`);
  assert.ok(Math.abs(Math.abs(e.vectors[0]![0]!) - Math.SQRT1_2) < 1e-14);
  assert.ok(Math.abs(e.vectors[0]![0]! * e.vectors[1]![0]! - 0.5) < 1e-14, "first eigenvector ∝ (1, 1)");
});

test("symEig: random symmetric 9×9 satisfies A V = V Λ and VᵀV = I, values descending, trace preserved", () => {
  const rng = new Rng(3);
  const n = 9;
  const B = Array.from({ length: n * n }, () => rng.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = B[i * n + j]! + B[j * n + i]!;
  const { values, vectors: V } = symEigFlat(A, n);
  for (let k = 1; k < n; k++) assert.ok(values[k - 1]! >= values[k]!);
  let tr = 0;
  for (let i = 0; i < n; i++) tr += A[i * n + i]!;
  assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) - tr) < 1e-12);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += A[i * n + j]! * V[j * n + k]!;
      assert.ok(Math.abs(av - values[k]! * V[i * n + k]!) < 1e-12, `residual (${i}, ${k})`);
    }
  for (let k = 0; k < n; k++)
    for (let l = 0; l < n; l++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += V[i * n + k]! * V[i * n + l]!;
      assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-13);
    }
});

test("symEig: rejects non-symmetric and mis-sized input with a clear error", () => {
  assert.throws(
    () =>
      symEig([
        [1, 2],
        [0, 1],
      ]),
    /not symmetric/,
  );
  assert.throws(() => symEigFlat([1, 2, 3], 2), /expected 4 entries/);
});
