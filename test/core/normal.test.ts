/**
 * lib/core/normal.ts: the distribution against Φ (moments, Kolmogorov-Smirnov, tail and wedge
 * probabilities, each with a tolerance of a few standard errors), its generator against
 * `Rng.fromState`, reproducibility, golden values of the former lib/icl NormalStream (which this
 * stream reproduces bit for bit; the values were taken from that copy before its deletion), and the
 * WebAssembly fill (core/normal-wasm.ts) against the JavaScript loop, on random streams and on
 * crafted ones at every layer's acceptance boundary.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { fillNormal, KERNEL_MIN_DRAWS, kernelActive, NormalStream } from "../../lib/core/normal";
import { normalCdf } from "../../lib/core/stats";

const N = 400_000;
const z = new Float64Array(N);
new NormalStream(new Rng(11)).fillNormal(z);

test("moments within 5 standard errors of N(0, 1)", () => {
  let s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0;
  for (const x of z) {
    s1 += x;
    s2 += x * x;
    s3 += x ** 3;
    s4 += x ** 4;
  }
  const m = s1 / N,
    v = s2 / N;
  assert.ok(Math.abs(m) < 5 / Math.sqrt(N), `mean ${m}`);
  assert.ok(Math.abs(v - 1) < 5 * Math.sqrt(2 / N), `variance ${v}`);
  assert.ok(Math.abs(s3 / N) < 5 * Math.sqrt(15 / N), `third moment ${s3 / N}`); // Var(Z³) = 15
  assert.ok(Math.abs(s4 / N - 3) < 5 * Math.sqrt(96 / N), `fourth moment ${s4 / N}`); // Var(Z⁴) = 105 − 9
});

test("Kolmogorov-Smirnov distance to Φ below the 0.1% critical value 1.95/√N", () => {
  const s = Float64Array.from(z).sort();
  let d = 0;
  for (let i = 0; i < N; i++) {
    const F = normalCdf(s[i]!);
    d = Math.max(d, Math.abs(F - i / N), Math.abs((i + 1) / N - F));
  }
  assert.ok(d < 1.95 / Math.sqrt(N), `KS D = ${d}`);
});

test("tail and wedge probabilities match Φ within 5 binomial standard errors", () => {
  // 3.4426 is the ziggurat's R (the exact-tail branch); 1.0 and 2.2 fall in wedges
  for (const c of [1, 2.2, 3, 3.4426, 4]) {
    const p = 2 * normalCdf(-c);
    let k = 0;
    for (const x of z) if (Math.abs(x) > c) k++;
    const se = Math.sqrt((p * (1 - p)) / N);
    assert.ok(Math.abs(k / N - p) < 5 * se + 1 / N, `P(|Z| > ${c}): ${k / N} vs ${p}`);
  }
  let pos = 0;
  for (const x of z) if (x > 0) pos++;
  assert.ok(Math.abs(pos / N - 0.5) < 5 * Math.sqrt(0.25 / N), "symmetry");
});

test("the inlined generator is xoshiro128** as in Rng; the stream forks four words off the caller", () => {
  const parent = new Rng(3);
  const copy = new Rng(3);
  const s = new NormalStream(parent);
  const ref = Rng.fromState([copy.nextUint32(), copy.nextUint32(), copy.nextUint32(), copy.nextUint32()]);
  assert.deepEqual(
    Array.from({ length: 100 }, () => s.nextUint32()),
    Array.from({ length: 100 }, () => ref.nextUint32()),
  );
  // the parent advanced by exactly four draws
  assert.equal(parent.nextUint32(), copy.nextUint32());
  // state() round-trips through Rng.fromState, including after a fill with slow paths
  s.fillNormal(new Float64Array(5000));
  const r2 = Rng.fromState(s.state());
  assert.equal(s.nextUint32(), r2.nextUint32());
});

test("reproducible given the seed; golden values of the former icl NormalStream (seed 11)", () => {
  const s = new NormalStream(new Rng(11));
  assert.deepEqual(
    Array.from({ length: 6 }, () => s.normal()),
    [1.783764714937177, 0.6015836760878321, 1.980921707757045, -2.6939154429025645, 2.221660709590051, 2.318011103158588],
  );
  const a = new Float32Array(1000),
    b = new Float32Array(1000);
  fillNormal(new Rng(5), a, { std: 2 });
  fillNormal(new Rng(5), b, { std: 2 });
  assert.deepEqual(a, b);
  fillNormal(new Rng(6), b, { std: 2 });
  assert.notDeepEqual(a, b);
  // same words whichever entry point: normal() and fillNormal agree
  const c = new Float64Array(50);
  new NormalStream(new Rng(11)).fillNormal(c, { offset: 10, count: 6 });
  assert.deepEqual(
    Array.from(c.subarray(10, 16)),
    [1.783764714937177, 0.6015836760878321, 1.980921707757045, -2.6939154429025645, 2.221660709590051, 2.318011103158588],
  );
  assert.equal(c[9], 0);
  assert.equal(c[16], 0);
});

test("uniform fill covers [lo, hi) evenly; ranges are checked", () => {
  const u = new Float64Array(100_000);
  new NormalStream(new Rng(7)).fillUniform(u, { lo: -2, hi: 3 });
  let m = 0,
    lo = Number.POSITIVE_INFINITY,
    hi = Number.NEGATIVE_INFINITY;
  for (const x of u) {
    m += x;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  m /= u.length;
  assert.ok(Math.abs(m - 0.5) < (5 * (5 / Math.sqrt(12))) / Math.sqrt(u.length), `mean ${m}`);
  assert.ok(lo >= -2 && hi < 3);
  const s = new NormalStream(new Rng(1));
  for (let i = 0; i < 1000; i++) {
    const x = s.uniform();
    assert.ok(x > 0 && x < 1);
  }
  assert.throws(() => s.fillNormal(new Float64Array(1000), { offset: 990, count: 20 }), /outside an array of length 1000/);
  assert.throws(() => s.fillUniform(u, { lo: 1, hi: 1 }), /needs lo < hi/);
});

// The kernel (core/normal-wasm.ts) against the JavaScript loop, which serves fills shorter than
// KERNEL_MIN_DRAWS: value for value (Object.is, so ±0 count) and the end state.
const viaJs = (s: NormalStream, out: Float32Array | Float64Array, std: number) => {
  const step = KERNEL_MIN_DRAWS - 1;
  for (let k = 0; k < out.length; k += step) s.fillNormal(out, { offset: k, count: Math.min(step, out.length - k), std });
};
const differing = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) => {
  let n = 0;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) n++;
  return n;
};

test("the WebAssembly fill returns the JavaScript stream draw for draw and leaves it in the same state", (t) => {
  if (process.env.LS_NO_WASM) return t.skip("LS_NO_WASM is set: fillNormal runs its JavaScript loop only");
  assert.ok(kernelActive(), "the sampler kernel did not load although WebAssembly is available");
  const n = 100_000; // ~2800 wedge and ~60 tail draws at this length, and 13 chunks of the kernel
  for (const [Type, std] of [
    [Float32Array, 1],
    [Float32Array, 0.37],
    [Float64Array, 1],
    [Float64Array, -2.5],
    // where std·u overflows or is subnormal, only JavaScript's order (std·u)·x_i gives its bits
    [Float64Array, 1e308],
    [Float64Array, 1e-310],
    [Float64Array, 5e-324],
  ] as const) {
    const a = new NormalStream(new Rng(23));
    const b = new NormalStream(new Rng(23));
    const wasm = new Type(n + 7);
    const js = new Type(n + 7);
    a.fillNormal(wasm, { offset: 3, count: n, std });
    viaJs(b, js.subarray(3, 3 + n), std);
    const d = differing(wasm, js);
    assert.equal(d, 0, `${Type.name} std ${std}: ${d} of ${n} draws differ`);
    assert.deepEqual(a.state(), b.state(), `${Type.name} std ${std}: stream states differ after the fill`);
    // the tail beyond R = 3.44 was reached, so the kernel's slow path ran (seen at the ordinary scales)
    if (Math.abs(std) > 0.1 && Math.abs(std) < 10)
      assert.ok(
        wasm.some((v) => Math.abs(v) > 3.45 * Math.abs(std)),
        "no tail draw in the sample",
      );
  }
  // std 1 against the scalar normal(), a third code path
  const c = new Float64Array(20_000);
  new NormalStream(new Rng(5)).fillNormal(c);
  const s = new NormalStream(new Rng(5));
  assert.deepEqual(
    c,
    Float64Array.from({ length: c.length }, () => s.normal()),
  );
});

test("the kernel's integer acceptance test decides as JavaScript's at every layer's boundaries", (t) => {
  if (process.env.LS_NO_WASM) return t.skip("LS_NO_WASM is set: fillNormal runs its JavaScript loop only");
  // ZIGNOR's tables from the published constants (an independent copy of normal.ts's)
  const R = 3.442619855899;
  const V = 9.91256303526217e-3;
  const x = new Float64Array(129);
  let f = Math.exp(-0.5 * R * R);
  x[0] = V / f;
  x[1] = R;
  for (let i = 2; i < 128; i++) {
    x[i] = Math.sqrt(-2 * Math.log(V / x[i - 1]! + f));
    f = Math.exp(-0.5 * x[i]! * x[i]!);
  }
  // xoshiro128**'s first output depends on s1 only: r = rotl(5 s1, 7)·9, so s1 = rotr(r·9⁻¹, 7)·5⁻¹
  // (mod 2^32) starts the stream with any word r we choose
  const inverse = (m: bigint) => {
    let v = 1n;
    for (let k = 0; k < 6; k++) v = (v * (2n - m * v)) % 2n ** 32n; // Newton: doubles the correct bits
    return Number(BigInt.asUintN(32, v)) | 0;
  };
  const [inv9, inv5] = [inverse(9n), inverse(5n)];
  const s1For = (r: number) => {
    const y = Math.imul(r, inv9);
    return Math.imul((y >>> 7) | (y << 25), inv5);
  };
  const words = new Rng(99);
  const streamFrom = (state: number[]) => {
    const w = [...state];
    return new NormalStream({ nextUint32: () => w.shift()! } as unknown as Rng);
  };
  let cases = 0;
  for (let i = 0; i < 128; i++) {
    const T = Math.ceil((x[i + 1]! / x[i]!) * 2 ** 24);
    const as = [-(2 ** 24), -(2 ** 24) + 1, -T - 1, -T, -T + 1, -1, 0, 1, T - 2, T - 1, T, T + 1, 2 ** 24 - 1];
    for (const a of as.filter((v) => v >= -(2 ** 24) && v < 2 ** 24)) {
      const r = (a << 7) | i; // layer i, top 25 bits a
      for (const [Type, std] of [
        [Float64Array, 1],
        [Float32Array, 0.37],
      ] as const) {
        const state = [words.nextUint32(), s1For(r) >>> 0, words.nextUint32(), words.nextUint32()];
        assert.equal(streamFrom(state).nextUint32(), r >>> 0, "the crafted state does not start with the chosen word");
        const [k, j] = [streamFrom(state), streamFrom(state)];
        const wasm = new Type(KERNEL_MIN_DRAWS);
        const js = new Type(KERNEL_MIN_DRAWS);
        k.fillNormal(wasm, { std });
        viaJs(j, js, std);
        assert.equal(differing(wasm, js), 0, `layer ${i}, a = ${a}, ${Type.name}: draws differ`);
        assert.deepEqual(k.state(), j.state(), `layer ${i}, a = ${a}, ${Type.name}: states differ`);
        cases++;
      }
    }
  }
  assert.ok(cases > 3000, `only ${cases} boundary cases`);
});
