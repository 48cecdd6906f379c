/**
 * Exactness of the sequence-memory kernels (notes §2c DN1-DN8, LA1; §3b P1-P2): every algorithm
 * equals the float64 recurrence, which is itself checked against a hand-worked case, at the notes'
 * tolerances, fixed before the full run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import {
  deltaChunk,
  deltaParallel,
  deltaProduct,
  deltaProductRecurrent,
  deltaRecurrent,
  householderSteps,
  l2normRows,
  laChunk,
  laQuadratic,
  laRecurrent,
  maxAbs,
  maxAbsDiff,
  permCompose,
  permMatrix,
  sigmoid,
  toF32,
  utTransform,
  utTransformDoubling,
  wyChunk,
  type Arr,
} from "../../../lib/topics/sequence-memory";

function inputs(o: { L: number; dk: number; dv: number; seed: number; betaScale?: number; unit?: boolean }) {
  const rng = new Rng(o.seed);
  const g = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
  const unit = o.unit ?? true;
  const q = unit ? l2normRows(g(o.L * o.dk), o.dk) : g(o.L * o.dk);
  const k = unit ? l2normRows(g(o.L * o.dk), o.dk) : g(o.L * o.dk);
  const v = g(o.L * o.dv);
  const beta = Float64Array.from({ length: o.L }, () => (o.betaScale ?? 1) * sigmoid(rng.normal()));
  const S0 = g(o.dv * o.dk).map((x) => 0.3 * x);
  return { q, k, v, beta, S0 };
}
const f32 = (x: { q: Arr; k: Arr; v: Arr; beta: Arr; S0: Arr }) => ({
  q: toF32(x.q),
  k: toF32(x.k),
  v: toF32(x.v),
  beta: toF32(x.beta),
  S0: toF32(x.S0),
});

test("deltaRecurrent: a hand-worked two-step case (d = 2)", () => {
  // S0 = 0; t=0: k=e1, v=[1,2], β=1 → S = [[1,0],[2,0]]; o0 = S e1 = [1,2]
  // t=1: k=e1 again, v=[3,4], β=0.5 → u = 0.5([3,4] − [1,2]) = [1,1]; S = [[2,0],[3,0]]; q=e2 → o1 = 0
  const r = deltaRecurrent(Float64Array.of(1, 0, 0, 1), Float64Array.of(1, 0, 1, 0), Float64Array.of(1, 2, 3, 4), [1, 0.5], {
    L: 2,
    dk: 2,
    dv: 2,
  });
  assert.deepEqual(Array.from(r.o), [1, 2, 0, 0]);
  assert.deepEqual(Array.from(r.S), [2, 0, 3, 0]);
});

test("DN1/DN2: recurrent = chunk (C = 16, 32, 64, ragged last chunk) = parallel, f64 1e-12 and f32 5e-6, with and without S0", () => {
  for (const d of [32, 64]) {
    for (const L of [64, 100, 257]) {
      const x = inputs({ L, dk: d, dv: d, seed: L + d });
      for (const S0 of [undefined, x.S0]) {
        const ref = deltaRecurrent(x.q, x.k, x.v, x.beta, { L, dk: d, dv: d, S0 });
        const forms = [16, 32, 64].map((C) => deltaChunk(x.q, x.k, x.v, x.beta, { L, dk: d, dv: d, S0, C }));
        forms.push(deltaParallel(x.q, x.k, x.v, x.beta, { L, dk: d, dv: d, S0 }));
        for (const f of forms) {
          assert.ok(maxAbsDiff(f.o, ref.o) <= 1e-12, `d=${d} L=${L}: o ${maxAbsDiff(f.o, ref.o)}`);
          assert.ok(maxAbsDiff(f.S, ref.S) <= 1e-12, `d=${d} L=${L}: S ${maxAbsDiff(f.S, ref.S)}`);
        }
        const y = f32(x);
        const S0f = S0 === undefined ? undefined : y.S0;
        for (const C of [16, 64, L]) {
          const f =
            C === L
              ? deltaRecurrent(y.q, y.k, y.v, y.beta, { L, dk: d, dv: d, S0: S0f })
              : deltaChunk(y.q, y.k, y.v, y.beta, { L, dk: d, dv: d, S0: S0f, C });
          assert.ok(f.o instanceof Float32Array);
          assert.ok(maxAbsDiff(f.o, ref.o) <= 5e-6, `f32 d=${d} L=${L} C=${C}: ${maxAbsDiff(f.o, ref.o)}`);
          assert.ok(maxAbsDiff(f.S, ref.S) <= 5e-6);
        }
      }
    }
  }
});

test("DN3: β ≡ 0 leaves S0 untouched and reads o_t = S0 q_t exactly", () => {
  const L = 50;
  const d = 16;
  const x = inputs({ L, dk: d, dv: d, seed: 3 });
  const zero = new Float64Array(L);
  for (const r of [
    deltaRecurrent(x.q, x.k, x.v, zero, { L, dk: d, dv: d, S0: x.S0 }),
    deltaChunk(x.q, x.k, x.v, zero, { L, dk: d, dv: d, S0: x.S0, C: 16 }),
  ]) {
    assert.equal(maxAbsDiff(r.S, x.S0), 0);
    for (let t = 0; t < L; t++)
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x.S0[i * d + j]! * x.q[t * d + j]!;
        assert.ok(Math.abs(r.o[t * d + i]! - s) <= 1e-15);
      }
  }
});

test("DN4: β = 1 writes exactly: right after writing (k, v), S k = v (also when k was written before)", () => {
  const L = 40;
  const d = 32;
  const x = inputs({ L, dk: d, dv: d, seed: 4 });
  // repeat key 5 at t = 30 with a new value; query each step with its own key
  x.k.set(x.k.subarray(5 * d, 6 * d), 30 * d);
  const beta = new Float64Array(L).fill(1);
  const r = deltaChunk(x.k, x.k, x.v, beta, { L, dk: d, dv: d, C: 16 });
  for (const t of [5, 30, L - 1])
    assert.ok(maxAbsDiff(r.o.subarray(t * d, (t + 1) * d), x.v.subarray(t * d, (t + 1) * d)) <= 1e-12, `t=${t}`);
});

test("DN5: β = 2·sigmoid and β ≡ 2 (reflections): chunk = recurrent, f32 relative 2e-6", () => {
  const L = 257;
  const d = 64;
  for (const pure of [false, true]) {
    const x = inputs({ L, dk: d, dv: d, seed: 5, betaScale: 2 });
    if (pure) x.beta.fill(2);
    const ref = deltaRecurrent(x.q, x.k, x.v, x.beta, { L, dk: d, dv: d });
    const c = deltaChunk(x.q, x.k, x.v, x.beta, { L, dk: d, dv: d, C: 64 });
    assert.ok(maxAbsDiff(c.o, ref.o) <= 1e-12 * maxAbs(ref.o));
    const y = f32(x);
    const c32 = deltaChunk(y.q, y.k, y.v, y.beta, { L, dk: d, dv: d, C: 64 });
    assert.ok(maxAbsDiff(c32.o, ref.o) <= 2e-6 * maxAbs(ref.o), `pure=${pure}: ${maxAbsDiff(c32.o, ref.o)} at max ${maxAbs(ref.o)}`);
  }
  // a reflection is an involution: writing the same key twice with β = 2 and v = 0 restores the state
  const d2 = 8;
  const x = inputs({ L: 2, dk: d2, dv: d2, seed: 55 });
  x.k.set(x.k.subarray(0, d2), d2);
  const r = deltaRecurrent(x.q, x.k, new Float64Array(2 * d2), [2, 2], { L: 2, dk: d2, dv: d2, S0: x.S0 });
  assert.ok(maxAbsDiff(r.S, x.S0) <= 1e-14);
});

test("DN7: the UT transform is bounded with unit keys and explodes with raw N(0,1) keys (C = d = 64, β = 0.5)", () => {
  const d = 64;
  const x = inputs({ L: 64, dk: d, dv: 1, seed: 7 });
  const raw = inputs({ L: 64, dk: d, dv: 1, seed: 7, unit: false });
  const half = new Float64Array(64).fill(0.5);
  const Tu = utTransform(x.k, half, { start: 0, B: 64, dk: d });
  const Tr = utTransform(raw.k, half, { start: 0, B: 64, dk: d });
  assert.ok(maxAbs(Tu) <= 2, `unit keys: ${maxAbs(Tu)}`);
  assert.ok(maxAbs(Tr) >= 1e20, `raw keys: ${maxAbs(Tr)}`);
  // T is the exact inverse: (I + A) T = diag(β)
  const y = wyChunk(x.k, x.v, half, { start: 0, B: 64, dk: d, dv: 1 });
  const Tv = new Float64Array(64);
  for (let r = 0; r < 64; r++) for (let c = 0; c <= r; c++) Tv[r] = Tv[r]! + Tu[r * 64 + c]! * x.v[c]!;
  assert.ok(maxAbsDiff(Tv, y.U) <= 1e-12);
});

test("DN8: DeltaNet/β → LA as β → 0 (error ∝ β) and DeltaNet ≡ LA for orthonormal keys and β = 1", () => {
  const L = 200;
  const d = 32;
  const x = inputs({ L, dk: d, dv: d, seed: 8 });
  const la = laRecurrent(x.q, x.k, x.v, { L, dk: d, dv: d }).o;
  const rel = [1e-2, 1e-3, 1e-4].map((b) => {
    const o = deltaRecurrent(x.q, x.k, x.v, new Float64Array(L).fill(b), { L, dk: d, dv: d }).o.map((y) => y / b);
    return maxAbsDiff(o, la) / maxAbs(la);
  });
  for (let i = 1; i < 3; i++) assert.ok(Math.abs(rel[i - 1]! / rel[i]! - 10) <= 1, `ratios ${rel}`);
  // orthonormal keys: the rows of the identity (L = d)
  const e = new Float64Array(d * d);
  for (let i = 0; i < d; i++) e[i * d + i] = 1;
  const qd = x.q.subarray(0, d * d);
  const vd = x.v.subarray(0, d * d);
  const dn = deltaRecurrent(qd, e, vd, new Float64Array(d).fill(1), { L: d, dk: d, dv: d }).o;
  assert.ok(maxAbsDiff(dn, laRecurrent(qd, e, vd, { L: d, dk: d, dv: d }).o) <= 1e-14);
});

test("DN9: forward substitution stays accurate in float32; the doubling product does not at C = 64", () => {
  const d = 64;
  const C = 64;
  const rng = new Rng(9);
  const shared = Float64Array.from({ length: d }, () => rng.normal());
  const raw = Float64Array.from({ length: C * d }, (_, i) => rng.normal() + 1.5 * shared[i % d]!);
  const k = l2normRows(raw, d);
  const beta = Float64Array.from({ length: C }, () => sigmoid(rng.normal()));
  const ref = utTransform(k, beta, { start: 0, B: C, dk: d });
  const sub32 = utTransform(toF32(k), toF32(beta), { start: 0, B: C, dk: d });
  const dbl64 = utTransformDoubling(k, beta, { start: 0, B: C, dk: d });
  assert.ok(maxAbsDiff(dbl64.T, ref) <= 1e-6 * Math.max(1, dbl64.maxPower), "doubling is exact in float64 up to rounding of its powers");
  assert.ok(maxAbsDiff(sub32, ref) <= 1e-6, `substitution f32: ${maxAbsDiff(sub32, ref)}`);
});

test("LA1: linear attention recurrent = chunked (C = 16, 64, ragged) = quadratic, λ ∈ {1, 0.9}, with S0", () => {
  const L = 300;
  const d = 32;
  const x = inputs({ L, dk: d, dv: d, seed: 11 });
  for (const lambda of [1, 0.9]) {
    for (const S0 of [undefined, x.S0]) {
      const ref = laRecurrent(x.q, x.k, x.v, { L, dk: d, dv: d, lambda, S0 });
      for (const C of [16, 64]) {
        const c = laChunk(x.q, x.k, x.v, { L, dk: d, dv: d, lambda, S0, C });
        assert.ok(maxAbsDiff(c.o, ref.o) <= 1e-12 * Math.max(1, maxAbs(ref.o)));
        assert.ok(maxAbsDiff(c.S, ref.S) <= 1e-12 * Math.max(1, maxAbs(ref.S)));
      }
      const qd = laQuadratic(x.q, x.k, x.v, { L, dk: d, dv: d, lambda, S0 });
      assert.ok(maxAbsDiff(qd.o, ref.o) <= 1e-12 * Math.max(1, maxAbs(ref.o)), `λ=${lambda}: ${maxAbsDiff(qd.o, ref.o)}`);
      const y = f32(x);
      const c32 = laChunk(y.q, y.k, y.v, { L, dk: d, dv: d, lambda, S0: S0 && y.S0, C: 64 });
      assert.ok(maxAbsDiff(c32.o, ref.o) <= 1e-6 * maxAbs(ref.o), `f32 λ=${lambda}`);
    }
  }
  // hand-worked: λ = 0.5, d = 1: S = 0.5S + v k; o = S q
  const h = laChunk(Float64Array.of(1, 1, 1), Float64Array.of(1, 1, 1), Float64Array.of(4, 0, 0), {
    L: 3,
    dk: 1,
    dv: 1,
    lambda: 0.5,
    C: 2,
  });
  assert.deepEqual(Array.from(h.o), [4, 2, 1]);
});

test("P1: DeltaProduct recurrence = DeltaNet on the interleaved sequence (parallel and chunk-16), n_h = 3, β = 2·sigmoid", () => {
  const L = 40;
  const d = 8;
  const nh = 3;
  const x = inputs({ L: L * nh, dk: d, dv: d, seed: 13, betaScale: 2 });
  const q = x.q.subarray(0, L * d);
  const ref = deltaProductRecurrent(q, x.k, x.v, x.beta, { L, dk: d, dv: d, nh, S0: x.S0 });
  for (const C of [undefined, 16]) {
    const r = deltaProduct(q, x.k, x.v, x.beta, { L, dk: d, dv: d, nh, S0: x.S0, C });
    assert.ok(maxAbsDiff(r.o, ref.o) <= 1e-12);
    assert.ok(maxAbsDiff(r.S, ref.S) <= 1e-12);
  }
  // n_h = 1 is DeltaNet
  const one = deltaProductRecurrent(q, x.k.subarray(0, L * d), x.v.subarray(0, L * d), x.beta.subarray(0, L), { L, dk: d, dv: d, nh: 1 });
  assert.ok(
    maxAbsDiff(one.o, deltaRecurrent(q, x.k.subarray(0, L * d), x.v.subarray(0, L * d), x.beta.subarray(0, L), { L, dk: d, dv: d }).o) ===
      0,
  );
});

test("P2: two Householder reflections per token carry any S₃ word exactly: S_L = (P_{w_L}⋯P_{w_1})ᵀ", () => {
  const d = 3;
  const nh = 2;
  const rng = new Rng(14);
  const L = 200;
  const words = Array.from({ length: L }, () => rng.int(0, 6));
  const k = new Float64Array(L * nh * d);
  const beta = new Float64Array(L * nh);
  words.forEach((g, t) =>
    householderSteps(g, d, nh).forEach((s, j) => {
      k.set(s.k, (t * nh + j) * d);
      beta[t * nh + j] = s.beta;
    }),
  );
  const I = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const r = deltaProduct(new Float64Array(L * d), k, new Float64Array(L * nh * d), beta, { L, dk: d, dv: d, nh, S0: I, C: 32 });
  let prod = 0;
  for (const w of words) prod = permCompose(w, prod);
  const P = permMatrix(prod);
  const PT = Float64Array.from({ length: 9 }, (_, i) => P[(i % 3) * 3 + Math.floor(i / 3)]!);
  assert.ok(maxAbsDiff(r.S, PT) <= 1e-12, `${maxAbsDiff(r.S, PT)}`);
});

test("kernels reject bad input with a message naming the fix", () => {
  assert.throws(
    () => deltaRecurrent(new Float64Array(4), new Float64Array(4), new Float64Array(4), [0.5, 3], { L: 2, dk: 2, dv: 2 }),
    /beta\[1\] = 3.*2·sigmoid/,
  );
  assert.throws(
    () => deltaChunk(new Float64Array(4), new Float64Array(4), new Float64Array(4), [0.5, 0.5], { L: 2, dk: 2, dv: 2, C: 0 }),
    /chunk size C/,
  );
  assert.throws(() => laRecurrent(new Float64Array(3), new Float64Array(4), new Float64Array(4), { L: 2, dk: 2, dv: 2 }), /q: expected 4/);
  assert.throws(
    () => laRecurrent(new Float64Array(4), new Float64Array(4), new Float64Array(4), { L: 2, dk: 2, dv: 2, lambda: 1.5 }),
    /lambda/,
  );
});
