/**
 * The chunked forms on tfjs matmuls (float32) against the float64 recurrences. Tolerances are
 * float32 forward-error bounds derived here, fixed before the first run: a sum evaluated in float32
 * along a chain of at most m additions is within m·u·Σ|terms| of the exact sum (u = 2⁻²⁴, first
 * order, any summation order), plus the rounding of the float64 inputs to float32.
 *   - Linear attention: Σ|terms| of every output is the recurrence run on |q|, |k|, |v|, |S0| (all
 *     weights λ^… are positive); the longest chain is q·k (dk) → Σ over the chunk (C) → the state sum
 *     over chunks (n) → Q Sᵀ (dk), plus the products by D, λ^{r+1} and the final add: m = 2dk + C + n + 8.
 *   - DeltaNet: the triangular solve amplifies rounding by at most κ = max ‖T‖_∞ over chunks (from
 *     the float64 UT transform), and the transition I − β k kᵀ (unit keys, β ∈ [0, 2]) does not
 *     grow errors; m = 2dk + 2C + n + 8 on the scale max|o| (resp. max|S|), times κ.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { initTf } from "../../../lib/core/tf";
import {
  deltaChunkMatmul,
  deltaRecurrent,
  l2normRows,
  laChunkMatmul,
  laRecurrent,
  maxAbs,
  sigmoid,
  utTransform,
} from "../../../lib/topics/sequence-memory";

const U32 = 2 ** -24;

function inputs(o: { L: number; d: number; seed: number }) {
  const rng = new Rng(o.seed);
  const g = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
  return {
    q: l2normRows(g(o.L * o.d), o.d) as Float64Array,
    k: l2normRows(g(o.L * o.d), o.d) as Float64Array,
    v: g(o.L * o.d),
    beta: Float64Array.from({ length: o.L }, () => sigmoid(rng.normal())),
    S0: g(o.d * o.d).map((x) => 0.3 * x),
  };
}
const abs = (a: Float64Array) => a.map(Math.abs);

/** Largest |a − b| / bound over elements (≤ 1: within the bound everywhere). */
function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, bound: ArrayLike<number> | number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const tol = typeof bound === "number" ? bound : bound[i]!;
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / tol);
  }
  return worst;
}

const CASES = [
  { L: 1, d: 8, C: 4 },
  { L: 64, d: 16, C: 64 },
  { L: 100, d: 32, C: 16 },
  { L: 257, d: 64, C: 64 },
  { L: 130, d: 16, C: 1 },
];

test("laChunkMatmul = the float64 recurrence within the float32 bound (λ = 1 and 0.9, with and without S0, ragged last chunk)", async () => {
  await initTf({ quiet: true });
  for (const { L, d, C } of CASES)
    for (const lambda of [1, 0.9])
      for (const withS0 of [false, true]) {
        const x = inputs({ L, d, seed: 7 * L + d + C });
        const dims = { L, dk: d, dv: d, lambda, S0: withS0 ? x.S0 : undefined };
        const ref = laRecurrent(x.q, x.k, x.v, dims);
        const absRef = laRecurrent(abs(x.q), abs(x.k), abs(x.v), { ...dims, S0: withS0 ? abs(x.S0) : undefined });
        const n = Math.ceil(L / C);
        const got = laChunkMatmul(Float32Array.from(x.q), Float32Array.from(x.k), Float32Array.from(x.v), { ...dims, C });
        assert.ok(got.o instanceof Float32Array && got.o.length === L * d);
        const mo = (2 * d + C + n + 8) * U32;
        const ms = (C + n + 8) * U32;
        const ro = worstRatio(
          got.o,
          ref.o,
          Array.from(absRef.o, (a) => mo * a + 1e-30),
        );
        const rs = worstRatio(
          got.S,
          ref.S,
          Array.from(absRef.S, (a) => ms * a + 1e-30),
        );
        const what = `L=${L} d=${d} C=${C} λ=${lambda} S0=${withS0}`;
        assert.ok(ro <= 1, `${what}: outputs at ${ro.toFixed(2)}× the bound`);
        assert.ok(rs <= 1, `${what}: final state at ${rs.toFixed(2)}× the bound`);
      }
});

test("laChunkMatmul fails the same bound against a recurrence with another decay (the check can fail)", async () => {
  await initTf({ quiet: true });
  const L = 100;
  const d = 16;
  const x = inputs({ L, d, seed: 3 });
  const got = laChunkMatmul(Float32Array.from(x.q), Float32Array.from(x.k), Float32Array.from(x.v), {
    L,
    dk: d,
    dv: d,
    lambda: 0.9,
    C: 16,
  });
  const other = laRecurrent(x.q, x.k, x.v, { L, dk: d, dv: d, lambda: 0.95 });
  const absRef = laRecurrent(abs(x.q), abs(x.k), abs(x.v), { L, dk: d, dv: d, lambda: 0.95 });
  const mo = (2 * d + 16 + 7 + 8) * U32;
  assert.ok(
    worstRatio(
      got.o,
      other.o,
      Array.from(absRef.o, (a) => mo * a + 1e-30),
    ) > 100,
  );
});

test("deltaChunkMatmul = the float64 recurrence within the float32 bound (with and without S0, ragged last chunk, β up to 2)", async () => {
  await initTf({ quiet: true });
  for (const { L, d, C } of CASES)
    for (const withS0 of [false, true])
      for (const betaScale of [1, 2]) {
        const x = inputs({ L, d, seed: 11 * L + d + C });
        const beta = x.beta.map((b) => betaScale * b);
        const dims = { L, dk: d, dv: d, S0: withS0 ? x.S0 : undefined };
        const ref = deltaRecurrent(x.q, x.k, x.v, beta, dims);
        const n = Math.ceil(L / C);
        let kappa = 1;
        for (let s = 0; s < L; s += C) {
          const B = Math.min(C, L - s);
          const T = utTransform(x.k, beta, { start: s, B, dk: d });
          for (let r = 0; r < B; r++) {
            let row = 0;
            for (let c = 0; c < B; c++) row += Math.abs(T[r * B + c]!);
            kappa = Math.max(kappa, row);
          }
        }
        const m = (2 * d + 2 * C + n + 8) * U32 * kappa;
        const got = deltaChunkMatmul(Float32Array.from(x.q), Float32Array.from(x.k), Float32Array.from(x.v), Float32Array.from(beta), {
          ...dims,
          C,
        });
        const ro = worstRatio(got.o, ref.o, m * maxAbs(ref.o));
        const rs = worstRatio(got.S, ref.S, m * maxAbs(ref.S));
        const what = `L=${L} d=${d} C=${C} S0=${withS0} β×${betaScale} (κ = ${kappa.toFixed(2)})`;
        assert.ok(ro <= 1, `${what}: outputs at ${ro.toFixed(2)}× the bound`);
        assert.ok(rs <= 1, `${what}: final state at ${rs.toFixed(2)}× the bound`);
      }
});

test("deltaChunkMatmul fails the bound against the recurrence with other β (the check can fail)", async () => {
  await initTf({ quiet: true });
  const L = 100;
  const d = 16;
  const x = inputs({ L, d, seed: 5 });
  const got = deltaChunkMatmul(Float32Array.from(x.q), Float32Array.from(x.k), Float32Array.from(x.v), Float32Array.from(x.beta), {
    L,
    dk: d,
    dv: d,
    C: 16,
  });
  const other = deltaRecurrent(
    x.q,
    x.k,
    x.v,
    x.beta.map((b) => 0.9 * b),
    { L, dk: d, dv: d },
  );
  assert.ok(worstRatio(got.o, other.o, (2 * d + 32 + 7 + 8) * U32 * 4 * maxAbs(other.o)) > 100);
});

test("matmul forms: bad chunk size, lengths and β are named", async () => {
  await initTf({ quiet: true });
  const x = inputs({ L: 8, d: 4, seed: 1 });
  const f = (a: Float64Array) => Float32Array.from(a);
  assert.throws(
    () => laChunkMatmul(f(x.q), f(x.k), f(x.v), { L: 8, dk: 4, dv: 4, C: 0 }),
    /laChunkMatmul: chunk size C must be a positive integer/,
  );
  assert.throws(() => laChunkMatmul(f(x.q), f(x.k), f(x.v), { L: 9, dk: 4, dv: 4, C: 4 }), /laChunkMatmul: q: expected 36 numbers/);
  assert.throws(
    () => deltaChunkMatmul(f(x.q), f(x.k), f(x.v), [...x.beta.slice(0, 7), 2.5], { L: 8, dk: 4, dv: 4, C: 4 }),
    /deltaChunkMatmul: beta\[7\] = 2.5 is outside \[0, 2\]/,
  );
});
