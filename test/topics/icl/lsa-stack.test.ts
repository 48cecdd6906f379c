/**
 * The float64 attention stacks (lsa-stack.ts), the GD/GD++ constructions and line searches
 * (gd-plus.ts), the alignment metrics (alignment.ts) and the code's data (vo-data.ts), against
 * independent references: the token formulation, the explicit algorithms, finite differences,
 * closed forms and hand-worked examples.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { eye } from "../../../lib/core/linalg";
import {
  flattenStack,
  stackLoss,
  stackLossAndGrads,
  stackPredict,
  tokenForward,
  unflattenStack,
  mergedOf,
  mmOp,
  mmt,
  mv,
  type LsaStack,
} from "../../../lib/topics/icl/lsa-stack";
import {
  codeEtaGrid,
  fitGdPlusPlus,
  gdOneStep,
  gdPlusPlusExplicit,
  gdppCoefficients,
  gdppLoss,
  gdStack,
  goldenMin,
  lineSearchEta,
  stackFromMerged,
} from "../../../lib/topics/icl/gd-plus";
import { alignment, halfMse, interpolateMerged } from "../../../lib/topics/icl/alignment";
import { initStack } from "../../../lib/topics/icl/train-stack";
import { sampleOodTasks, voSpec } from "../../../lib/topics/icl/vo-data";
import { sampleTasks, type TaskBatch } from "../../../lib/topics/icl/tasks";
import { constructGD } from "../../../lib/topics/icl/construct";

const batch = (B: number, d = 4, n = 6, seed = 1): TaskBatch => sampleTasks(voSpec({ d, n }), B, new Rng(seed));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

test("stacks agree with the token formulation (linear: 1 layer, 3 layers with 2 heads, dampened; softmax with 2 heads)", () => {
  const tb = batch(4);
  const rng = new Rng(2);
  const shapes = [
    { attention: "linear" as const, depth: 1, recurrent: true, heads: 1 },
    { attention: "linear" as const, depth: 3, recurrent: false, heads: 2 },
    { attention: "linear" as const, depth: 4, recurrent: true, heads: 1 },
    { attention: "softmax" as const, depth: 1, recurrent: true, heads: 2 },
  ];
  for (const shape of shapes) {
    const m = initStack(shape, 4, 0.5, rng);
    for (const damp of [1, 0.7]) {
      const p = stackPredict(m, tb, { trace: true, damp });
      for (let b = 0; b < tb.B; b++) {
        const ref = tokenForward(m, tb, b, { damp });
        ref.forEach((v, k) =>
          assert.ok(
            Math.abs(v - p.trace![b * shape.depth + k]!) <= 1e-12 * (1 + Math.abs(v)),
            `${JSON.stringify(shape)} λ=${damp} task ${b} layer ${k}`,
          ),
        );
        assert.equal(p.yhat[b], p.trace![b * shape.depth + shape.depth - 1]);
      }
    }
  }
});

test("weight gradients equal central finite differences (linear 1 and 3 layers, recurrent 2 layers, softmax)", () => {
  const tb = batch(3);
  const rng = new Rng(3);
  for (const shape of [
    { attention: "linear" as const, depth: 1, recurrent: true, heads: 2 },
    { attention: "linear" as const, depth: 3, recurrent: false, heads: 1 },
    { attention: "linear" as const, depth: 2, recurrent: true, heads: 1 },
    { attention: "softmax" as const, depth: 1, recurrent: true, heads: 2 },
  ]) {
    const m = initStack(shape, 4, 0.3, rng);
    const { loss, grads } = stackLossAndGrads(m, tb);
    assert.ok(Math.abs(loss - stackLoss(m, tb)) < 1e-15);
    const flat = flattenStack(m, 5);
    const g = flattenStack(grads, 5);
    const gmax = Math.max(...Array.from(g, Math.abs));
    for (let i = 0; i < flat.length; i += 5) {
      const h = 1e-6;
      const up = flat.slice();
      up[i]! += h;
      const dn = flat.slice();
      dn[i]! -= h;
      const fd = (stackLoss(unflattenStack(m, up), tb) - stackLoss(unflattenStack(m, dn), tb)) / (2 * h);
      assert.ok(Math.abs(fd - g[i]!) <= 1e-6 * gmax + 1e-9, `${JSON.stringify(shape)} entry ${i}: fd ${fd} vs ${g[i]}`);
    }
  }
});

test("∂ŷ/∂x_q equals finite differences in the query (2-layer linear, softmax)", () => {
  const tb = batch(2);
  const rng = new Rng(4);
  for (const shape of [
    { attention: "linear" as const, depth: 2, recurrent: false, heads: 2 },
    { attention: "softmax" as const, depth: 1, recurrent: true, heads: 1 },
  ]) {
    const m = initStack(shape, 4, 0.5, rng);
    const p = stackPredict(m, tb, { grad: true });
    for (let b = 0; b < tb.B; b++)
      for (let j = 0; j < 4; j++) {
        const h = 1e-4;
        const shift = (s: number) => {
          const xq = Float32Array.from(tb.xq);
          xq[b * 4 + j]! += s;
          return stackPredict(m, { ...tb, xq: xq }).yhat[b]!;
        };
        // float32 storage of the shifted query: use the shift that was actually applied
        const xp = Math.fround(tb.xq[b * 4 + j]! + h) - tb.xq[b * 4 + j]!;
        const xm = Math.fround(tb.xq[b * 4 + j]! - h) - tb.xq[b * 4 + j]!;
        const fd = (shift(h) - shift(-h)) / (xp - xm);
        assert.ok(Math.abs(fd - p.grad![b * 4 + j]!) < 1e-5 * (1 + Math.abs(fd)), `${shape.attention} task ${b} coord ${j}`);
      }
  }
});

test("V1: the Prop. 1 construction is one GD step, K recurrent layers are K GD steps, A.10 is GD++ (float64)", () => {
  const tb = batch(20, 5, 7, 9);
  const closeRel = (a: ArrayLike<number>, b: ArrayLike<number>) => maxAbs(a, b) / Math.max(...Array.from(b, Math.abs));
  // one step against the closed form (η/N) Σ y_i x_iᵀ x_q
  const one = stackPredict(gdStack({ d: 5, n: 7, eta: 2.5 }), tb, { grad: true });
  const gd = gdOneStep(tb, 2.5);
  assert.ok(closeRel(one.yhat, gd.yhat) < 1e-14);
  assert.ok(closeRel(one.grad!, gd.grad) < 1e-14);
  // the existing Prop. 1 weights (construct.ts) give the same layer
  const c = constructGD({ d: 5, n: 7, eta: 2.5 });
  const fromConstruct: LsaStack = { attention: "linear", depth: 1, recurrent: true, layers: [[c.params as never]] };
  assert.ok(closeRel(stackPredict(fromConstruct, tb).yhat, gd.yhat) < 1e-14);
  for (const [eta, gamma, K] of [
    [1.5, undefined, 6],
    [3, 0.1, 3],
    [2, 0.3, 2],
  ] as const) {
    const tr = stackPredict(gdStack({ d: 5, n: 7, eta, gamma, depth: K }), tb, { trace: true }).trace!;
    const ex = gdPlusPlusExplicit(tb, { eta, gamma, steps: K });
    assert.ok(closeRel(tr, ex) < 1e-12, `η=${eta} γ=${gamma} K=${K}: ${closeRel(tr, ex)}`);
  }
  // dampening scales every update of the explicit algorithm
  const tr = stackPredict(gdStack({ d: 5, n: 7, eta: 3, gamma: 0.2, depth: 4 }), tb, { trace: true, damp: 0.6 }).trace!;
  assert.ok(closeRel(tr, gdPlusPlusExplicit(tb, { eta: 3, gamma: 0.2, steps: 4, damp: 0.6 })) < 1e-12);
});

test("explicit GD: K steps from 0 equal the weight-space recursion W ← W + (η/N) Σ (y_i − W x_i) x_i", () => {
  const tb = batch(3, 3, 5, 11);
  const ex = gdPlusPlusExplicit(tb, { eta: 0.8, steps: 4 });
  for (let b = 0; b < 3; b++) {
    let W = [0, 0, 0];
    for (let k = 0; k < 4; k++) {
      const g = [0, 0, 0];
      for (let i = 0; i < 5; i++) {
        const x = Array.from(tb.X.subarray((b * 5 + i) * 3, (b * 5 + i + 1) * 3));
        const r = tb.y[b * 5 + i]! - x.reduce((s, v, j) => s + v * W[j]!, 0);
        x.forEach((v, j) => (g[j]! += (0.8 / 5) * r * v));
      }
      W = W.map((w, j) => w + g[j]!);
      const pred = W.reduce((s, w, j) => s + w * tb.xq[b * 3 + j]!, 0);
      assert.ok(Math.abs(pred - ex[b * 4 + k]!) < 1e-13);
    }
  }
});

test("the two-step GD++ polynomial equals the explicit algorithm at any (η, γ)", () => {
  const tb = batch(30, 4, 6, 5);
  const c = gdppCoefficients(tb);
  for (const [eta, gamma] of [
    [1, 0],
    [4.2, 0.15],
    [7, 0.5],
  ] as const) {
    const ex = gdPlusPlusExplicit(tb, { eta, gamma, steps: 2 });
    const loss = (k: number) =>
      halfMse(
        Array.from({ length: tb.B }, (_, t) => ex[t * 2 + k]!),
        tb.yq,
      ).loss;
    assert.ok(Math.abs(gdppLoss(c, { eta, gamma, steps: 2 }) - loss(1)) < 1e-12 * loss(1));
    assert.ok(Math.abs(gdppLoss(c, { eta, steps: 1 }) - loss(0)) < 1e-12 * loss(0));
  }
});

test("line search: the code's grid, the refined minimiser equals the quadratic's closed form N·E[y g]/E[g²]", () => {
  const grid = codeEtaGrid();
  assert.equal(grid.length, 250);
  assert.ok(Math.abs(grid[0]! - 0.001) < 1e-15 && Math.abs(grid[249]! - 24.901) < 1e-9);
  const tb = batch(2000, 10, 10, 6);
  const c = gdppCoefficients(tb);
  let yg = 0;
  let gg = 0;
  for (let t = 0; t < c.B; t++) {
    yg += c.y[t]! * c.g[t]!;
    gg += c.g[t]! ** 2;
  }
  const r = lineSearchEta(c, { steps: 1 });
  assert.ok(Math.abs(r.etaRefined - yg / gg) < 1e-5);
  assert.ok(Math.abs(r.eta - r.etaRefined) <= 0.05 + 1e-12);
  assert.ok(r.lossRefined <= r.loss);
  // golden section on a parabola
  assert.ok(Math.abs(goldenMin((x) => (x - 1.234) ** 2, 0, 3).x - 1.234) < 1e-6);
});

test("GD++ fit: never worse than plain two-step GD, and recovers a planted γ on its own predictions", () => {
  const tb = batch(400, 4, 8, 8);
  const c = gdppCoefficients(tb);
  const fit = fitGdPlusPlus(c);
  const gd2 = lineSearchEta(c, { steps: 2 });
  assert.ok(fit.loss <= gd2.lossRefined + 1e-15);
  // targets made by GD++ itself: the fit must find (η, γ) with ~0 loss
  const planted = gdPlusPlusExplicit(tb, { eta: 3, gamma: 0.12, steps: 2 });
  const yq = Float32Array.from({ length: tb.B }, (_, t) => planted[t * 2 + 1]!);
  const f2 = fitGdPlusPlus(gdppCoefficients({ ...tb, yq: yq }));
  assert.ok(Math.abs(f2.gamma - 0.12) < 2e-3, `γ ${f2.gamma}`);
  assert.ok(Math.abs(f2.eta - 3) < 2e-2, `η ${f2.eta}`);
});

test("alignment metrics on a hand-worked example (means of unsquared norms, 1e-8 in the cosine)", () => {
  // task 1: grads (3, 4) vs (3, 4): cos 1, diff 0; task 2: (1, 0) vs (0, 2): cos 0, diff √5
  const a = { yhat: [1, 2], grad: [3, 4, 1, 0] };
  const b = { yhat: [1.5, 1], grad: [3, 4, 0, 2] };
  const r = alignment(a, b, 2);
  assert.ok(Math.abs(r.predsDiff - 0.75) < 1e-15);
  assert.ok(Math.abs(r.modelCos - (25 / (25 + 1e-8) + 0) / 2) < 1e-15);
  assert.ok(Math.abs(r.modelDiff - Math.sqrt(5) / 2) < 1e-15);
  assert.throws(() => alignment(a, { yhat: [1], grad: [1, 1] }, 2), /predictions/);
  assert.equal(halfMse([1, 3], [0, 1]).loss, (0.5 * (1 + 4)) / 2);
});

test("interpolation: β rescaling leaves the function unchanged; θ_I of GD with itself is GD", () => {
  const tb = batch(10, 3, 5, 2);
  const gd = mergedOf(gdStack({ d: 3, n: 5, eta: 2 }).layers[0]![0]!);
  const same = interpolateMerged(gd, gd);
  assert.equal(same.beta, 1);
  assert.ok(maxAbs(stackPredict(stackFromMerged([same]), tb).yhat, gdOneStep(tb, 2).yhat) < 1e-14);
  // a trained-like layer: GD's function with W_KQ scaled by 4 and W_PV by 1/4 → β = 4, θ_I = GD
  const scaled = { Wkq: gd.Wkq.map((r) => r.map((v) => 4 * v)), Wpv: gd.Wpv.map((r) => r.map((v) => v / 4)) };
  const i2 = interpolateMerged(scaled, gd);
  assert.equal(i2.beta, 4);
  assert.ok(maxAbs(i2.Wkq.flat(), gd.Wkq.flat()) < 1e-15 && maxAbs(i2.Wpv.flat(), gd.Wpv.flat()) < 1e-15);
  assert.ok(maxAbs(stackPredict(stackFromMerged([scaled]), tb).yhat, gdOneStep(tb, 2).yhat) < 1e-14);
  assert.throws(
    () =>
      interpolateMerged(
        {
          Wkq: [
            [0, 0],
            [0, 0],
          ],
          Wpv: eye(2),
        },
        { Wkq: eye(2), Wpv: eye(2) },
      ),
    /zero mean diagonal/,
  );
});

test("the code's data: U(−r/2, r/2) inputs; OOD contexts have Frobenius norm r; labels are linear", () => {
  const tb = sampleTasks(voSpec({ d: 3, n: 4, inputRange: 1 }), 500, new Rng(1));
  assert.ok(Math.max(...Array.from(tb.X, Math.abs)) <= 0.5);
  const ood = sampleOodTasks({ d: 3, n: 4, inputRange: 2, B: 50, rng: new Rng(2) });
  for (let b = 0; b < 50; b++) {
    const ctx = ood.X.subarray(b * 12, (b + 1) * 12);
    assert.ok(Math.abs(Math.sqrt(ctx.reduce((s, v) => s + v * v, 0)) - 2) < 1e-5);
    const y0 = ood.X.subarray(b * 12, b * 12 + 3).reduce((s, v, j) => s + v * ood.w[b * 3 + j]!, 0);
    assert.ok(Math.abs(y0 - ood.y[b * 4]!) < 1e-5);
  }
  assert.throws(() => voSpec({ d: 3, n: 4, inputRange: -1 }), /inputRange/);
});

test("bad stacks are rejected with a message naming the problem", () => {
  const m = gdStack({ d: 2, n: 3, eta: 1 });
  assert.throws(() => stackPredict({ ...m, depth: 2, recurrent: false }, batch(1, 2, 3)), /depth 2 needs 2 layers/);
  assert.throws(() => stackPredict(m, batch(1, 4, 3)), /\(d = 2\), tasks have d = 4/);
  assert.throws(
    () => stackPredict({ ...m, attention: "softmax", depth: 2 }, batch(1, 2, 3)),
    /softmax attention is implemented for depth 1/,
  );
  assert.throws(() => gdStack({ d: 2, n: 3, eta: Number.NaN }), /eta/);
});

test("mmOp, mmt and mv: the register-blocked kernels = the plain loops they replaced, bit for bit (D = 1..13)", () => {
  const rng = new Rng(21);
  // exact zeros in A exercise the skipped terms; D from 1 to 13 covers every leftover column count
  const mat = (D: number) => Float64Array.from({ length: D * D }, () => (rng.uniform() < 0.2 ? 0 : rng.normal() * 2));
  const same = (what: string, a: Float64Array, b: Float64Array) =>
    a.forEach((v, i) => assert.ok(Object.is(v, b[i]), `${what}[${i}]: ${v} vs ${b[i]}`));
  for (let D = 1; D <= 13; D++) {
    const A = mat(D),
      B = mat(D),
      x = mat(D).subarray(0, D);
    for (const aT of [false, true]) {
      // the former mm / mtm: C starts at 0 and takes a·B[l][j] for l ascending, skipping a = 0
      const plain = new Float64Array(D * D);
      for (let i = 0; i < D; i++)
        for (let l = 0; l < D; l++) {
          const a = aT ? A[l * D + i]! : A[i * D + l]!;
          if (a === 0) continue;
          for (let j = 0; j < D; j++) plain[i * D + j] += a * B[l * D + j]!;
        }
      const C = new Float64Array(D * D).fill(Number.NaN); // every output must be written
      mmOp(A, aT, B, C, D);
      same(`mmOp D=${D} aT=${aT}`, C, plain);
    }
    const plainT = new Float64Array(D * D);
    for (let i = 0; i < D; i++)
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let l = 0; l < D; l++) s += A[i * D + l]! * B[j * D + l]!;
        plainT[i * D + j] = s;
      }
    const CT = new Float64Array(D * D).fill(Number.NaN);
    mmt(A, B, CT, D);
    same(`mmt D=${D}`, CT, plainT);
    const plainV = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      let s = 0;
      for (let l = 0; l < D; l++) s += A[i * D + l]! * x[l]!;
      plainV[i] = s;
    }
    const y = new Float64Array(D).fill(Number.NaN);
    mv(A, x, y, D);
    same(`mv D=${D}`, y, plainV);
  }
});
