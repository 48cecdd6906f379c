import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../lib/core/rng";

/** Reference xoshiro128** written independently with BigInt, from Blackman & Vigna's C code. */
function referenceXoshiro(state: bigint[], n: number): number[] {
  const M = 0xffffffffn;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const s = state.slice();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1]! * 5n) & M, 7n) * 9n) & M));
    const t = (s[1]! << 9n) & M;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

test("xoshiro128** matches an independent BigInt implementation", () => {
  const state: [number, number, number, number] = [1, 2, 3, 4];
  const rng = Rng.fromState(state);
  const ours = Array.from({ length: 1000 }, () => rng.nextUint32());
  assert.deepEqual(ours, referenceXoshiro(state.map(BigInt), 1000));
  assert.equal(ours[0], 11520); // hand-worked: rotl(2*5, 7) * 9
});

test("same seed gives the same stream; different seeds differ", () => {
  const a = new Rng(42),
    b = new Rng(42),
    c = new Rng(43);
  const xa = Array.from({ length: 50 }, () => a.uniform());
  assert.deepEqual(
    xa,
    Array.from({ length: 50 }, () => b.uniform()),
  );
  assert.notDeepEqual(
    xa,
    Array.from({ length: 50 }, () => c.uniform()),
  );
  assert.notEqual(new Rng(2 ** 40).uniform(), new Rng(0).uniform());
});

test("uniform and normal moments are within 5 standard errors", () => {
  const rng = new Rng(7);
  const n = 200_000;
  const u = rng.uniforms(n);
  const mean = u.reduce((s, x) => s + x, 0) / n;
  assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n), `uniform mean ${mean}`);
  assert.ok(u.every((x) => x >= 0 && x < 1));
  const z = Array.from({ length: n }, () => rng.normal(2, 3));
  const m = z.reduce((s, x) => s + x, 0) / n;
  const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
  const k = z.reduce((s, x) => s + ((x - m) / 3) ** 4, 0) / n;
  assert.ok(Math.abs(m - 2) < (5 * 3) / Math.sqrt(n), `normal mean ${m}`);
  assert.ok(Math.abs(v / 9 - 1) < 5 * Math.sqrt(2 / n), `normal variance ${v}`);
  assert.ok(Math.abs(k - 3) < 5 * Math.sqrt(96 / n), `normal kurtosis ${k}`);
});

test("int is uniform over its range (chi-square) and validates bounds", () => {
  const rng = new Rng(3);
  const counts = new Array(7).fill(0);
  const n = 70_000;
  for (let i = 0; i < n; i++) counts[rng.int(-3, 4) + 3]++;
  const chi2 = counts.reduce((s, c) => s + (c - n / 7) ** 2 / (n / 7), 0);
  assert.ok(chi2 < 22.46, `chi2 ${chi2} (6 dof, p = 0.001 critical value 22.46)`);
  assert.throws(() => rng.int(3, 3), /lo < hi/);
  assert.throws(() => rng.int(0, 1.5), /integers/);
});

test("shuffle, permutation, sample and choice", () => {
  const rng = new Rng(11);
  const p = rng.permutation(100);
  assert.deepEqual(
    [...p].sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.notDeepEqual(
    p,
    Array.from({ length: 100 }, (_, i) => i),
  );
  const s = rng.sample(["a", "b", "c", "d", "e"], 3);
  assert.equal(new Set(s).size, 3);
  assert.throws(() => rng.sample([1, 2], 3), /cannot draw 3/);
  assert.throws(() => rng.choice([]), /empty/);
  // every position of a 3-element shuffle is equally likely
  const firsts = [0, 0, 0];
  for (let i = 0; i < 30_000; i++) firsts[rng.shuffle([0, 1, 2])[0]!]++;
  for (const f of firsts) assert.ok(Math.abs(f - 10_000) < 5 * Math.sqrt(30_000 * (1 / 3) * (2 / 3)));
});

test("split streams are reproducible and uncorrelated with the parent", () => {
  const a = new Rng(5),
    b = new Rng(5);
  const ca = a.split(),
    cb = b.split();
  const xs = Array.from({ length: 5000 }, () => ca.normal());
  assert.deepEqual(
    xs,
    Array.from({ length: 5000 }, () => cb.normal()),
  );
  const ys = Array.from({ length: 5000 }, () => a.normal());
  const corr = xs.reduce((s, x, i) => s + x * ys[i]!, 0) / 5000;
  assert.ok(Math.abs(corr) < 5 / Math.sqrt(5000), `correlation ${corr}`);
});

test("seeds must be safe integers", () => {
  assert.throws(() => new Rng(1.5), /safe integer/);
  assert.throws(() => new Rng(Number.NaN), /safe integer/);
});
