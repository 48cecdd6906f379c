/**
 * lib/core/linalg.ts against hand-worked examples (a 2×2 inverse, the classic 3×3 Cholesky factor),
 * identities in float64 (A·solve(A, b) = b, L·Lᵀ = A, A·A⁻¹ = I, QᵀQ = I), and golden values of
 * the former study copies (probing randomOrthogonal, tversky orthogonal init) taken before their
 * deletion, which the options named in each test reproduce bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import {
  add, asCovariance, assertMatrix, cholesky, choleskySolveInPlace, diagMatrix, diagOf, eye, fromEigen, inverse, linspace,
  matMul, matVec, maxAbsDiff, maxAbsOffDiag, randomOrthogonal, scaleMatrix, solve, sub, trace, transpose, zeros, type Matrix,
} from "../../lib/core/linalg";

function randomMatrix(rng: Rng, r: number, c: number): Matrix {
  return Array.from({ length: r }, () => Array.from({ length: c }, () => rng.normal()));
}

test("hand-worked products, transpose, trace and elementwise helpers", () => {
  assert.deepEqual(matMul([[1, 2], [3, 4]], [[5, 6], [7, 8]]), [[19, 22], [43, 50]]);
  assert.deepEqual(matVec([[1, 2, 3], [4, 5, 6]], [1, 0, -1]), [-2, -2]);
  assert.deepEqual(transpose([[1, 2, 3], [4, 5, 6]]), [[1, 4], [2, 5], [3, 6]]);
  assert.equal(trace([[1, 9], [9, 4]]), 5);
  assert.deepEqual(add(eye(2), scaleMatrix([[1, 2], [3, 4]], 2)), [[3, 4], [6, 9]]);
  assert.deepEqual(sub([[1, 2]], [[1, 1]]), [[0, 1]]);
  assert.deepEqual(diagOf(diagMatrix([2, 3])), [2, 3]);
  assert.equal(maxAbsOffDiag([[100, -3], [2, 100]]), 3);
  assert.equal(maxAbsDiff([[1, 2], [3, 4]], [[1, 2.5], [3, 3]]), 1);
  assert.throws(() => maxAbsDiff([[1, 2]], [[1], [2]]), /shapes differ/);
  assert.throws(() => matMul([[1, 2]], [[1, 2]]), /do not chain/);
  assert.deepEqual(zeros(1, 2), [[0, 0]]);
});

test("inverse of [[4, 7], [2, 6]] is [[0.6, −0.7], [−0.2, 0.4]]; A·A⁻¹ = I and A·solve(A, b) = b on random systems", () => {
  assert.ok(maxAbsDiff(inverse([[4, 7], [2, 6]]), [[0.6, -0.7], [-0.2, 0.4]]) < 1e-15);
  const rng = new Rng(1);
  for (const d of [1, 3, 10, 40]) {
    const A = add(randomMatrix(rng, d, d), scaleMatrix(eye(d), 3)); // well conditioned
    assert.ok(maxAbsDiff(matMul(A, inverse(A)), eye(d)) < 1e-12, `A A⁻¹, d = ${d}`);
    const b = Array.from({ length: d }, () => rng.normal());
    const x = solve(A, b);
    assert.ok(maxAbsDiff([matVec(A, x)], [b]) < 1e-12, `A x = b, d = ${d}`);
  }
  assert.throws(() => inverse([[1, 2], [2, 4]], "Σ"), /Σ is singular/);
  assert.throws(() => inverse([[1, 2, 3], [4, 5, 6]]), /must be square/);
});

test("Cholesky of the classic 3×3 example and L·Lᵀ = A; SPD in-place solve agrees with solve", () => {
  const A = [[4, 12, -16], [12, 37, -43], [-16, -43, 98]];
  const L = cholesky(A);
  assert.deepEqual(L, [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]);
  assert.ok(maxAbsDiff(matMul(L, transpose(L)), A) === 0);
  const rng = new Rng(2);
  const G = randomMatrix(rng, 12, 8);
  const S = add(matMul(transpose(G), G), eye(8)); // SPD
  const b = Array.from({ length: 8 }, () => rng.normal());
  const Af = Float64Array.from(S.flat()), bf = Float64Array.from(b);
  assert.equal(choleskySolveInPlace(Af, bf, 8), true);
  assert.ok(maxAbsDiff([Array.from(bf)], [solve(S, b)]) < 1e-12);
  assert.equal(choleskySolveInPlace(Float64Array.from([1, 2, 2, 1]), new Float64Array(2), 2), false);
  assert.throws(() => cholesky([[1, 2], [2, 1]], "Λ"), /Λ must be positive definite/);
  assert.throws(() => cholesky([[1, 0.5], [0, 1]], "Λ"), /Λ must be symmetric/);
});

test("randomOrthogonal: QᵀQ = I (tall) and QQᵀ = I (wide) for both draw orders and pass counts", () => {
  const rng = new Rng(3);
  for (const [rows, cols] of [[5, 5], [40, 40], [9, 4], [4, 9], [1, 1]] as const) {
    for (const draw of ["by-vector", "row-major"] as const) {
      for (const passes of [1, 2] as const) {
        const Q = randomOrthogonal(rng, { rows, cols, draw, passes });
        const G = rows >= cols ? matMul(transpose(Q), Q) : matMul(Q, transpose(Q));
        assert.ok(maxAbsDiff(G, eye(Math.min(rows, cols))) < 1e-13, `${rows}x${cols} ${draw} ${passes}`);
      }
    }
  }
  assert.throws(() => randomOrthogonal(rng, { rows: 0, cols: 3 }), /positive integers/);
});

test("randomOrthogonal is Haar: E[Q₁₁²] = 1/d within 5 standard errors", () => {
  const rng = new Rng(4);
  const d = 6, R = 4000;
  let s = 0, s2 = 0;
  for (let r = 0; r < R; r++) {
    const q = randomOrthogonal(rng, { rows: d, cols: d })[2]![3]! ** 2;
    s += q;
    s2 += q * q;
  }
  const m = s / R, se = Math.sqrt((s2 / R - m * m) / R);
  assert.ok(Math.abs(m - 1 / d) < 5 * se, `E[Q²] = ${m}, expected ${1 / d} ± ${5 * se}`);
});

test("golden values of the former study copies", () => {
  // lib/probing/linalg.ts randomOrthogonal(new Rng(4), 3)
  assert.deepEqual(randomOrthogonal(new Rng(4), { rows: 3, cols: 3, draw: "row-major", passes: 1 }), [
    [-0.5393107692622701, -0.6906491223496264, -0.48181706482380776],
    [-0.1395789846579536, -0.49092934094625623, 0.8599453989875921],
    [0.8304586691699914, -0.5310293513505305, -0.16836337726667722],
  ]);
  // lib/tversky/init.ts orthogonal(3, 2, new Rng(6)) (float32)
  assert.deepEqual(Array.from(Float32Array.from(randomOrthogonal(new Rng(6), { rows: 3, cols: 2 }).flat())),
    [0.5233432650566101, -0.00893058069050312, -0.7535327672958374, 0.4620402753353119, 0.3978695273399353, 0.8868139982223511]);
});

test("fromEigen, linspace, asCovariance and assertMatrix", () => {
  const Q = randomOrthogonal(new Rng(5), { rows: 4, cols: 4 });
  const S = fromEigen(Q, [1, 2, 3, 4]);
  assert.ok(Math.abs(trace(S) - 10) < 1e-14);
  assert.ok(maxAbsDiff(matMul(S, Q.map((r) => [r[2]!])), Q.map((r) => [3 * r[2]!])) < 1e-14); // S q₃ = 3 q₃
  assert.deepEqual(linspace({ from: 0, to: 1, count: 5 }), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(linspace({ from: 2, to: 9, count: 1 }), [2]);
  assert.deepEqual(asCovariance([1, 2], 2, "Λ"), [[1, 0], [0, 2]]);
  assert.throws(() => asCovariance([1, -2], 2, "Λ"), /Λ\[1\] = -2/);
  assert.throws(() => assertMatrix([[1, NaN]], "W"), /W\[0\]\[1\] is not a finite number/);
  assert.throws(() => assertMatrix([[1, 2]], "W", 2), /W must have 2 rows/);
});
