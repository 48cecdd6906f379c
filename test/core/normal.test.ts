/**
 * lib/core/normal.ts: the distribution against Φ (moments, Kolmogorov-Smirnov, tail and wedge
 * probabilities, each with a tolerance of a few standard errors), its generator against
 * `Rng.fromState`, reproducibility, and golden values of the former lib/icl NormalStream (which this
 * stream reproduces bit for bit; the values were taken from that copy before its deletion).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { fillNormal, NormalStream } from "../../lib/core/normal";
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

test("the WebAssembly fill returns the JavaScript stream draw for draw and leaves it in the same state", (t) => {
  if (process.env.LS_NO_WASM) return t.skip("LS_NO_WASM is set: fillNormal runs its JavaScript loop only");
  // the JavaScript loop serves fills shorter than 64; one fill of the whole array goes to the kernel
  const viaJs = (s: NormalStream, out: Float32Array | Float64Array, std: number) => {
    for (let k = 0; k < out.length; k += 50) s.fillNormal(out, { offset: k, count: Math.min(50, out.length - k), std });
  };
  const n = 100_000; // ~2800 wedge and ~60 tail draws at this length, and 13 chunks of the kernel
  for (const [Type, std] of [
    [Float32Array, 1],
    [Float32Array, 0.37],
    [Float64Array, 1],
    [Float64Array, -2.5],
  ] as const) {
    const a = new NormalStream(new Rng(23));
    const b = new NormalStream(new Rng(23));
    const wasm = new Type(n + 7);
    const js = new Type(n + 7);
    a.fillNormal(wasm, { offset: 3, count: n, std });
    viaJs(b, js.subarray(3, 3 + n), std);
    let differ = 0;
    for (let k = 0; k < wasm.length; k++) if (!Object.is(wasm[k], js[k])) differ++;
    assert.equal(differ, 0, `${Type.name} std ${std}: ${differ} of ${n} draws differ`);
    assert.deepEqual(a.state(), b.state(), `${Type.name} std ${std}: stream states differ after the fill`);
    // the tail beyond R = 3.44 was reached, so the kernel's slow path ran
    assert.ok(
      wasm.some((x) => Math.abs(x) > 3.45 * Math.abs(std)),
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
