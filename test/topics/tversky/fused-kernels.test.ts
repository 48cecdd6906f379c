/**
 * fused.ts's blocked inner kernels against the plain one-at-a-time loops they replaced, and the
 * forward's two-prototype pass against one prototype at a time, bit for bit
 * (Object.is on every output): the XOR grid's convergence counts depend on the last bit, so a kernel
 * that sums in another order is a change of results, not a speed-up. Shapes cover the blocked and
 * the leftover paths (K not a multiple of 4, d below and above the pairing threshold of 8), exact
 * zeros (absent features), negative zeros, and float32 and float64 inputs.
 */
import { createHash } from "node:crypto";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { SimilarityWork, accumulate, dots, memberships, similarityBackward, similarityForward } from "../../../lib/topics/tversky/fused";
import { DIFFERENCES, INTERSECTIONS, resolveOptions } from "../../../lib/topics/tversky/index";

/** Data with exact zeros and negative zeros mixed in, as masked features produce. */
function data(rng: Rng, n: number, f64: boolean): Float32Array | Float64Array {
  const out = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    out[i] = u < 0.15 ? 0 : u < 0.2 ? -0 : rng.normal() * 3;
  }
  return out;
}

function sameBits(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

const SHAPES = [
  { R: 3, rows: 4, K: 1, d: 2 },
  { R: 2, rows: 5, K: 7, d: 2 },
  { R: 2, rows: 3, K: 9, d: 7 },
  { R: 2, rows: 6, K: 16, d: 8 },
  { R: 1, rows: 4, K: 13, d: 65 },
];

test("dots: four features a pass = one at a time, bit for bit", () => {
  const rng = new Rng(1);
  for (const { R, rows, K, d } of SHAPES) {
    for (const f64 of [false, true]) {
      const v = data(rng, R * rows * d, f64),
        F = data(rng, R * K * d, false);
      const plain = new Float64Array(R * rows * K);
      for (let r = 0; r < R; r++)
        for (let i = 0; i < rows; i++)
          for (let k = 0; k < K; k++) {
            let s = 0;
            for (let t = 0; t < d; t++) s += v[(r * rows + i) * d + t]! * F[(r * K + k) * d + t]!;
            plain[(r * rows + i) * K + k] = s;
          }
      sameBits(`dots R=${R} rows=${rows} K=${K} d=${d}`, dots(v, F, R, rows, K, d), plain);
    }
  }
});

test("memberships: 1[v > t] and v·1[v > t], NaN kept in the measure", () => {
  const v = Float64Array.of(-1, 0, -0, 0.5, 2, Number.NaN);
  const [mask, measure] = memberships(v, 0);
  sameBits("mask", mask, [0, 0, 0, 1, 1, 0]);
  sameBits("measure", measure, [-0, 0, -0, 0.5, 2, Number.NaN]);
  const [m1] = memberships(v, 0.5);
  sameBits("mask at t = 0.5", m1, [0, 0, 0, 0, 1, 0]);
});

test("accumulate: two features a pass (d ≥ 8) = one at a time, zeros skipped, bit for bit", () => {
  const rng = new Rng(2);
  for (const { R, rows, K, d } of SHAPES) {
    const g = data(rng, R * rows * K, true) as Float64Array;
    const v = data(rng, R * rows * d, false),
      F = data(rng, R * K * d, false);
    const dv = new Float32Array(R * rows * d),
      dF = new Float64Array(R * K * d);
    accumulate(g, v, F, R, rows, K, d, dv, dF);
    const pv = new Float32Array(R * rows * d),
      pF = new Float64Array(R * K * d);
    const row = new Float64Array(d);
    for (let r = 0; r < R; r++)
      for (let i = 0; i < rows; i++) {
        row.fill(0);
        for (let k = 0; k < K; k++) {
          const gk = g[(r * rows + i) * K + k]!;
          if (gk === 0) continue;
          for (let s = 0; s < d; s++) {
            row[s] += gk * F[(r * K + k) * d + s]!;
            pF[(r * K + k) * d + s] += gk * v[(r * rows + i) * d + s]!;
          }
        }
        for (let s = 0; s < d; s++) pv[(r * rows + i) * d + s] = row[s]!;
      }
    sameBits(`accumulate dv R=${R} K=${K} d=${d}`, dv, pv);
    sameBits(`accumulate dF R=${R} K=${K} d=${d}`, dF, pF);
  }
});

test("similarityForward: two prototypes a pass = each prototype alone, bit for bit (every reduction pair)", () => {
  const rng = new Rng(3);
  for (const intersection of INTERSECTIONS) {
    for (const difference of DIFFERENCES) {
      const o = resolveOptions({ intersection, difference, gmeanEps: 1e-8 });
      const [R, n, m, K, d] = [2, 3, 5, 6, 3];
      const x = data(rng, R * n * d, true),
        y = data(rng, R * m * d, true),
        F = data(rng, R * K * d, false);
      const th = Float64Array.of(1, -0.5),
        al = Float64Array.of(0.5, 0.3),
        be = Float64Array.of(0.5, 0.9);
      const all = similarityForward(o, { R, n, m, K, d }, x, y, F, th, al, be);
      for (let j = 0; j < m; j++) {
        // prototype j of every run alone: m = 1 takes the one-prototype path
        const yj = new Float64Array(R * d);
        for (let r = 0; r < R; r++) for (let t = 0; t < d; t++) yj[r * d + t] = y[(r * m + j) * d + t]!;
        const one = similarityForward(o, { R, n, m: 1, K, d }, x, yj, F, th, al, be);
        for (const key of ["S", "I", "Ia", "Ib", "Dab", "Dba"] as const) {
          const column = Array.from({ length: R * n }, (_, q) => all[key][q * m + j]!);
          sameBits(`${intersection}+${difference} ${key} prototype ${j}`, column, one[key]);
        }
      }
    }
  }
});

test("similarityBackward: two prototypes a pass gives the bits of one prototype a pass (pinned hash, 80 option sets)", () => {
  // The hash was computed with the one-prototype-a-pass backward of 3bbbee7 on these inputs (every
  // intersection × difference, both models; m = 5, so the paired and the leftover path both run).
  // It pins bits, so a change that sums in another order fails here, as it should: the XOR grid's
  // convergence counts depend on the last bit. Math.exp/log enter through softmin and gmean; they are
  // V8's fdlibm ports, deterministic across machines. The float64 scratch (the measures' gradients
  // ga, gb and the bank's dF before rounding) is hashed too: a reordered float64 sum mostly vanishes
  // in the float32 outputs, and would go unseen without it.
  const rng = new Rng(5);
  const input = (n: number, f64: boolean) => {
    const out = f64 ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = rng.uniform() < 0.15 ? 0 : rng.normal() * 2;
    return out;
  };
  const hash = createHash("sha256");
  for (const intersection of INTERSECTIONS) {
    for (const difference of DIFFERENCES) {
      for (const model of ["contrast", "ratio"] as const) {
        const o = resolveOptions({ intersection, difference, model, gmeanEps: 1e-8 });
        const dm = { R: 2, n: 3, m: 5, K: 6, d: 3 };
        const x = input(2 * 3 * 3, true),
          y = input(2 * 5 * 3, true),
          F = input(2 * 6 * 3, false),
          G = input(2 * 3 * 5, true);
        const th = Float64Array.of(1, -0.5),
          al = Float64Array.of(0.5, 0.3),
          be = Float64Array.of(0.5, 0.9);
        const work = new SimilarityWork();
        const fw = similarityForward(o, dm, x, y, F, th, al, be, work);
        const g = similarityBackward(o, dm, fw, x, y, F, th, al, be, G, work);
        const scratch = [work.f64("ga", 36), work.f64("gb", 60), work.f64("dF64", 36)];
        for (const a of [g.dx, g.dy, g.dF, g.dth, g.dal, g.dbe, ...scratch])
          hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      }
    }
  }
  assert.equal(hash.digest("hex"), "2c3332d7ec70cc52cae336ca97a3767b8a8465f58655e0410cae06d6c1df2020");
});
