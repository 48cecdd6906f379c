/**
 * lib/topics/tversky/xor-arrays.ts, the XOR batch's whole step on arrays: its loss and gradient
 * against float64 central differences of a loss written here from the float64 reference similarity
 * (every intersection × difference pair), against the tensor engine (loss, gradient, a few Adam
 * steps), batch independence bit for bit, and NaN isolation for the official gmean.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { initTf } from "../../../lib/core/tf";
import {
  DIFFERENCES,
  INTERSECTIONS,
  trainXorArrays,
  trainXorBatch,
  xorLayout,
  xorLossAndGradient,
  type DifferenceReduction,
  type IntersectionReduction,
  type XorLayout,
  type XorRun,
} from "../../../lib/topics/tversky/index";
import { reference } from "./reference";

before(async () => {
  await initTf({ quiet: true });
});

const INIT = { thetaInit: 1, alphaInit: 0.5, betaInit: 0.5 };

/** Runs of mixed K (so the bank is padded), normalisation and inits. */
function mixedRuns(seedBase: number, count: number): XorRun[] {
  const inits = ["uniform", "normal", "orthogonal"] as const;
  return Array.from({ length: count }, (_, i) => ({
    K: 1 + ((i * 3) % 7),
    normalize: i % 2 === 1,
    protoInit: inits[i % 3]!,
    featureInit: inits[(i + 1) % 3]!,
    seed: seedBase + i,
  }));
}

/**
 * Σ_runs mean_i CE in float64 from the reference similarity; `p` is the parameter vector in the
 * engines' order (F, Π, θ, α, β). Prototypes are normalised as torch F.normalize, x/max(‖x‖, 1e-12).
 */
function referenceLoss(
  lay: XorLayout,
  o: { intersection: IntersectionReduction; difference: DifferenceReduction },
  p: Float64Array,
): number {
  const { R, Kmax } = lay;
  const nF = R * Kmax * 2;
  let loss = 0;
  for (let r = 0; r < R; r++) {
    const F: number[][] = [];
    for (let k = 0; k < Kmax; k++) {
      const mask = lay.fmask[r * Kmax + k]!;
      F.push([p[(r * Kmax + k) * 2]! * mask, p[(r * Kmax + k) * 2 + 1]! * mask]);
    }
    const P = [0, 1].map((j) => {
      const v = [p[nF + r * 4 + 2 * j]!, p[nF + r * 4 + 2 * j + 1]!];
      const norm = lay.nflag[r] === 1 ? Math.max(Math.hypot(v[0]!, v[1]!), 1e-12) : 1;
      return v.map((c) => c / norm);
    });
    const X = [0, 1, 2, 3].map((i) => [lay.X[r * 8 + 2 * i]!, lay.X[r * 8 + 2 * i + 1]!]);
    const S = reference(X, P, F, p[nF + 4 * R + r]!, p[nF + 5 * R + r]!, p[nF + 6 * R + r]!, o);
    S.forEach((row, i) => {
      const top = Math.max(row[0]!, row[1]!);
      const lse = top + Math.log(Math.exp(row[0]! - top) + Math.exp(row[1]! - top));
      const y = lay.onehot[2 * i]! === 1 ? 0 : 1;
      loss -= (row[y]! - lse) / 4;
    });
  }
  return loss;
}

function initialVector(lay: XorLayout): Float64Array {
  const p = new Float64Array(lay.F0.length + lay.P0.length + 3 * lay.R);
  p.set(lay.F0);
  p.set(lay.P0, lay.F0.length);
  const off = lay.F0.length + lay.P0.length;
  p.fill(INIT.thetaInit, off, off + lay.R);
  p.fill(INIT.alphaInit, off + lay.R, off + 2 * lay.R);
  p.fill(INIT.betaInit, off + 2 * lay.R);
  return p;
}

for (const intersection of INTERSECTIONS) {
  for (const difference of DIFFERENCES) {
    test(`arrays engine gradient = float64 central differences of the reference loss (${intersection} + ${difference})`, () => {
      const lay = xorLayout(mixedRuns(40, 6));
      // ε = 1e-18 inside gmean's logs keeps its gradient finite on an empty intersection; the reference
      // has no ε, which moves the loss by O(√ε) = 1e-9, far below the tolerance
      const { loss, grad } = xorLossAndGradient(lay, { intersection, difference, gmeanEps: 1e-18, ...INIT }, "arrays");
      const p = initialVector(lay);
      const f = (q: Float64Array) => referenceLoss(lay, { intersection, difference }, q);
      assert.ok(Math.abs(loss - f(p)) <= 1e-6 * Math.abs(f(p)), `loss ${loss} vs reference ${f(p)}`);
      // a coordinate whose differences at h and h/10 disagree sits within h of a kink (a membership or
      // a max switching): skipped, and at most 5% may be
      const fd = (i: number, h: number) => {
        const up = p.slice(),
          down = p.slice();
        up[i] += h;
        down[i] -= h;
        return (f(up) - f(down)) / (2 * h);
      };
      let skipped = 0;
      for (let i = 0; i < p.length; i++) {
        const a = fd(i, 1e-5),
          b = fd(i, 1e-6);
        if (Math.abs(a - b) > 1e-6 * Math.max(1, Math.abs(a))) {
          skipped++;
          continue;
        }
        assert.ok(
          Math.abs(grad[i]! - a) <= 1e-5 * Math.max(1, Math.abs(a)),
          `coordinate ${i}: arrays ${grad[i]} vs finite differences ${a}`,
        );
      }
      assert.ok(skipped <= 0.05 * p.length, `${skipped} of ${p.length} coordinates near a kink`);
    });
  }
}

test("arrays engine loss and gradient = the tensor engine's to float32 rounding (every pair, mixed batch)", () => {
  const lay = xorLayout(mixedRuns(7, 12));
  for (const intersection of INTERSECTIONS) {
    for (const difference of DIFFERENCES) {
      const s = { intersection, difference, gmeanEps: 1e-8, ...INIT };
      const a = xorLossAndGradient(lay, s, "arrays");
      const t = xorLossAndGradient(lay, s, "tensors");
      assert.ok(Math.abs(a.loss - t.loss) <= 1e-6 * Math.abs(t.loss), `${intersection}+${difference}: loss ${a.loss} vs ${t.loss}`);
      // float32 rounding relative to each parameter block's own scale (F, Π, θ, α, β), so the small
      // blocks are checked at their size, not at the largest gradient's
      const blocks = [lay.F0.length, lay.P0.length, lay.R, lay.R, lay.R];
      let off = 0;
      for (const [b, n] of blocks.entries()) {
        const ref = t.grad.subarray(off, off + n);
        const scale = Math.max(1e-6, ...Array.from(ref, Math.abs));
        a.grad
          .subarray(off, off + n)
          .forEach((g, i) =>
            assert.ok(Math.abs(g - ref[i]!) <= 1e-5 * scale, `${intersection}+${difference} block ${b} coordinate ${i}: ${g} vs ${ref[i]}`),
          );
        off += n;
      }
    }
  }
});

test("arrays engine follows the tensor engine over a few Adam steps", () => {
  const runs = mixedRuns(21, 8);
  const cfg = { intersection: "product", difference: "substractmatch", lr: 0.01, steps: 5 } as const;
  const a = trainXorBatch({ ...cfg, engine: "arrays" }, runs, { keepWeights: true });
  const t = trainXorBatch(cfg, runs, { keepWeights: true });
  // A gradient that is mathematically 0 comes out as float noise (1e-18 here, 4e-9 through tfjs), and
  // Adam's first steps move such a parameter by ±lr whatever its size: those may part by steps·lr.
  // Parameters with a real gradient at the start (|g| > 1e-6) must agree to float32 rounding.
  const lay = xorLayout(runs);
  const g0 = xorLossAndGradient(lay, { ...cfg, gmeanEps: 0, ...INIT }, "tensors").grad;
  let real = 0;
  a.forEach((r, i) => {
    const o = t[i]!;
    const K = runs[i]!.K;
    const at = (k: number) => (k < 2 * K ? i * lay.Kmax * 2 + k : lay.F0.length + i * 4 + (k - 2 * K));
    [...r.weights!.F, ...r.weights!.P].forEach((u, k) => {
      const v = [...o.weights!.F, ...o.weights!.P][k]!;
      if (Math.abs(g0[at(k)]!) > 1e-6) {
        real++;
        assert.ok(Math.abs(u - v) <= 1e-5, `run ${i} weight ${k} (gradient ${g0[at(k)]}): ${u} vs ${v}`);
      } else assert.ok(Math.abs(u - v) <= cfg.steps * cfg.lr, `run ${i}: weight ${k} moved apart by ${Math.abs(u - v)}`);
    });
    for (const k of ["theta", "alpha", "beta"] as const) assert.ok(Math.abs(r[k] - o[k]) <= 1e-5, `run ${i}: ${k} ${r[k]} vs ${o[k]}`);
  });
  assert.ok(real >= 40, `only ${real} weights with a real gradient`);
});

test("arrays engine: a run's numbers do not depend on its batch or the bank's padding (bit for bit)", () => {
  // trainXorBatch relies on this to train the arrays engine in groups of one K, without padding
  const runs = mixedRuns(90, 9);
  const s = { intersection: "product", difference: "substractmatch", gmeanEps: 0, lr: 0.01, steps: 300, ...INIT } as const;
  const lay = xorLayout(runs);
  const padded = trainXorArrays(lay, s);
  const grouped = trainXorBatch({ ...s, engine: "arrays" }, runs, { keepWeights: true });
  runs.forEach((run, i) => {
    const alone = trainXorArrays(xorLayout([run]), s);
    const same = (what: string, x: Float32Array, y: Float32Array) =>
      assert.ok(x.length === y.length && x.every((v, k) => Object.is(v, y[k])), `run ${i}: ${what} differs`);
    same("logits", alone.logits, padded.logits.subarray(i * 8, i * 8 + 8));
    same("bank", alone.F, padded.F.subarray(i * lay.Kmax * 2, i * lay.Kmax * 2 + run.K * 2));
    same("prototypes", alone.P, padded.P.subarray(i * 4, i * 4 + 4));
    same(
      "coefficients",
      Float32Array.of(alone.theta[0]!, alone.alpha[0]!, alone.beta[0]!),
      Float32Array.of(padded.theta[i]!, padded.alpha[i]!, padded.beta[i]!),
    );
    same("grouped bank", alone.F, Float32Array.from(grouped[i]!.weights!.F));
    assert.equal(grouped[i]!.theta, alone.theta[0]);
  });
});

test("arrays engine: a run that goes NaN does not touch the other runs of its batch", () => {
  // one padded batch (trainXorArrays, not trainXorBatch, which would train each K alone): the runs
  // share the arrays, so a NaN that leaked would reach the other runs' numbers. Run 2 starts with a
  // NaN in its bank.
  const runs = mixedRuns(3, 6);
  const s = { intersection: "product", difference: "substractmatch", gmeanEps: 0, lr: 0.01, steps: 20, ...INIT } as const;
  const lay = xorLayout(runs);
  lay.F0[2 * lay.Kmax * 2] = Number.NaN;
  const batch = trainXorArrays(lay, s);
  runs.forEach((run, i) => {
    const mine = Float32Array.of(
      ...batch.F.subarray(i * lay.Kmax * 2, i * lay.Kmax * 2 + run.K * 2),
      ...batch.P.subarray(i * 4, i * 4 + 4),
    );
    if (i === 2) {
      assert.ok(
        mine.every((v) => Number.isNaN(v)),
        "the NaN run's weights are all NaN",
      );
      return;
    }
    const alone = trainXorArrays(xorLayout([run]), s);
    const ref = Float32Array.of(...alone.F, ...alone.P);
    assert.ok(
      mine.every((v, k) => Object.is(v, ref[k])),
      `run ${i}: its weights changed beside a NaN run`,
    );
  });
});

test("arrays engine: official gmean goes NaN (the input [0, 0] has no common feature) and is reported", () => {
  const gm = trainXorBatch({ intersection: "gmean", difference: "ignorematch", lr: 0.01, steps: 5, engine: "arrays" }, mixedRuns(3, 6));
  assert.ok(gm.every((r) => !r.finite && !r.converged && r.accuracy === 0));
});

test("trainXorBatch names an unknown engine and the valid ones", () => {
  assert.throws(
    () =>
      trainXorBatch(
        { intersection: "product", difference: "substractmatch", lr: 0.01, steps: 1, engine: "gpu" as "arrays" },
        mixedRuns(1, 1),
      ),
    /unknown engine "gpu"; use one of tensors, fused-similarity, arrays/,
  );
});
