/**
 * The LSA layer: the token formulation against the reduction of notes §1.1 (every option), the
 * von Oswald construction against explicit GD, the fast reduced loss against the token loss, its
 * hand-written gradient against tf.grad and float64 finite differences, the flat Adam against
 * tf.train.adam, and the fast trainer against the token-formulation trainer.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { initTf, tf } from "../../../lib/core/tf";
import { constructGD } from "../../../lib/topics/icl/construct";
import { diagMatrix, maxAbsDiff, type Matrix } from "../../../lib/core/linalg";
import {
  buildTokens,
  disposeLsaTensors,
  lsaForward,
  mergeParams,
  paramsToTensors,
  type LsaOptions,
  type LsaParams,
  type MergedParams,
} from "../../../lib/topics/icl/lsa";
import { gdPredictor } from "../../../lib/topics/icl/predictors";
import { decomposePrediction, reducedPredict, reduceLSA } from "../../../lib/topics/icl/reduce";
import { reducedForward, reducedLossAndGrads } from "../../../lib/topics/icl/reduced-loss";
import { computeStats, disposeStatsTensors, statsTensors } from "../../../lib/topics/icl/task-stats";
import { batchTensors, sampleTasks, type TaskBatch, type TaskSpec } from "../../../lib/topics/icl/tasks";
import { initParams, trainLSA, trainLSADirect } from "../../../lib/topics/icl/train";

before(async () => {
  await initTf({ quiet: true });
});

const spec: TaskSpec = { d: 3, n: 7, x: { kind: "gauss", Lambda: [0.5, 1, 2] }, w: { kind: "iso" }, sigma2: 0.3 };

function randomMatrix(rng: Rng, r: number, c: number, std = 1): Matrix {
  return Array.from({ length: r }, () => Array.from({ length: c }, () => rng.normal(0, std)));
}

/** ‖a − b‖ / ‖b‖ over all entries. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** Token-formulation predictions (float32, tfjs). */
function tokenPredict(
  params: LsaParams | LsaParams[],
  batch: TaskBatch,
  options: LsaOptions,
  queryLabel?: Float32Array,
): { yhat: Float32Array; tokens: Float32Array } {
  const list = Array.isArray(params) ? params : [params];
  const heads = list.map(paramsToTensors);
  const t = batchTensors(batch);
  const ql = queryLabel ? tf.tensor1d(queryLabel) : undefined;
  const E = buildTokens(t.X, t.y, t.xq, ql);
  const out = lsaForward(heads, E, options);
  const res = { yhat: out.yhat.dataSync() as Float32Array, tokens: out.tokens.dataSync() as Float32Array };
  tf.dispose([out.yhat, out.tokens, E, t.X, t.y, t.xq, t.yq]);
  if (ql) ql.dispose();
  heads.forEach(disposeLsaTensors);
  return res;
}

test("token formulation = reduction aᵀCBx_q for every option (merged, separate, two heads)", () => {
  const rng = new Rng(1);
  const batch = sampleTasks(spec, 64, rng);
  const D = 4;
  const merged: MergedParams = { kind: "merged", Wkq: randomMatrix(rng, D, D), Wpv: randomMatrix(rng, D, D) };
  const separate: LsaParams = {
    kind: "separate",
    Wk: randomMatrix(rng, 5, D),
    Wq: randomMatrix(rng, 5, D),
    Wv: randomMatrix(rng, 2, D),
    P: randomMatrix(rng, D, 2),
  };
  const before = tf.memory().numTensors;
  for (const includeQuery of [false, true]) {
    for (const normalize of ["n", "none"] as const) {
      for (const readout of ["plus", "minus"] as const) {
        const options = { includeQuery, normalize, readout };
        for (const p of [merged, separate, [merged, separate]] as (LsaParams | LsaParams[])[]) {
          const direct = tokenPredict(p, batch, options).yhat;
          const red = reduceLSA(p, options, spec.n);
          const reduced = reducedPredict(red, computeStats(batch, { includeQuery }));
          const e = relErr(direct, reduced);
          assert.ok(e < 2e-5, `${JSON.stringify(options)} ${Array.isArray(p) ? "2 heads" : p.kind}: rel err ${e}`);
        }
      }
    }
  }
  assert.equal(tf.memory().numTensors, before, "lsaForward leaks tensors");
  // merge: W_KQ = W_Kᵀ W_Q, W_PV = P W_V
  const m = mergeParams(separate);
  assert.equal(m.Wkq.length, D);
  assert.throws(() => reduceLSA(merged, { normalize: "none" }), /needs the context length n/);
  assert.throws(() => reduceLSA({ kind: "merged", Wkq: randomMatrix(rng, 4, 4), Wpv: randomMatrix(rng, 3, 3) }), /Wpv must have 4 rows/);
  assert.throws(() => lsaForward([], tf.zeros([1, 2, 4]) as tf.Tensor3D), /at least one head/);
  assert.throws(() => reduceLSA(merged, { readout: "up" as never }), /readout must be "plus" or "minus"/);
});

test("decomposition: GD part + label-free part + y² part = ŷ; Γ_eff = a_y B_x + a_x b_yᵀ", () => {
  const rng = new Rng(2);
  const batch = sampleTasks(spec, 100, rng);
  const p: MergedParams = { kind: "merged", Wkq: randomMatrix(rng, 4, 4), Wpv: randomMatrix(rng, 4, 4) };
  for (const includeQuery of [false, true]) {
    const red = reduceLSA(p);
    const stats = computeStats(batch, { includeQuery });
    const parts = decomposePrediction(red, stats);
    const total = reducedPredict(red, stats);
    assert.ok(relErr(parts.total, total) < 1e-12);
    // the GD part is a preconditioned GD step with G = Γ_eff
    const gd = gdPredictor({ G: red.gammaEff })(batch);
    assert.ok(relErr(parts.gd, gd) < 1e-6, "GD part = one GD step with G = Γ_eff");
    const ay = p.Wpv[3]![3]!;
    const g01 = ay * p.Wkq[0]![1]! + p.Wpv[3]![0]! * p.Wkq[3]![1]!;
    assert.ok(Math.abs(red.gammaEff[0]![1]! - g01) < 1e-12);
  }
  // with a_x = 0, b_y = 0 the layer is exactly GD: the nuisance parts vanish
  const q: MergedParams = { kind: "merged", Wkq: p.Wkq.map((r) => r.slice()), Wpv: p.Wpv.map((r) => r.slice()) };
  for (let j = 0; j < 3; j++) {
    q.Wpv[3]![j] = 0;
    q.Wkq[3]![j] = 0;
  }
  const parts = decomposePrediction(reduceLSA(q), computeStats(batch, { includeQuery: true }));
  assert.ok(parts.labelFree.every((v) => v === 0) && parts.ySquared.every((v) => v === 0));
});

test("von Oswald Prop. 1: the constructed layer is one GD step (1e-5 relative, float32), all tokens", () => {
  const rng = new Rng(3);
  const s: TaskSpec = { d: 5, n: 20, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.5 };
  const batch = sampleTasks(s, 256, rng);
  const W0 = Array.from({ length: 5 }, () => rng.normal());
  const eta = 0.7547;
  const c = constructGD({ d: 5, n: 20, eta, W0 });
  const ql = new Float32Array(batch.B);
  for (let b = 0; b < batch.B; b++) ql[b] = -W0.reduce((acc, w, j) => acc + w * batch.xq[b * 5 + j]!, 0);
  const { yhat, tokens } = tokenPredict(c.params, batch, c.options, ql);
  const gd = gdPredictor({ eta }, W0)(batch);
  const e = relErr(yhat, gd);
  assert.ok(e < 1e-5, `construction vs GD: rel err ${e}`);
  // every context token: x unchanged, y-slot = y_j − ΔW x_j (ΔW = (η/n) Σ (y_i − W₀x_i) x_iᵀ)
  let maxErr = 0;
  for (let b = 0; b < 8; b++) {
    const dW = new Float64Array(5);
    for (let i = 0; i < 20; i++) {
      let r = batch.y[b * 20 + i]!;
      for (let j = 0; j < 5; j++) r -= W0[j]! * batch.X[(b * 20 + i) * 5 + j]!;
      for (let j = 0; j < 5; j++) dW[j]! += (eta / 20) * r * batch.X[(b * 20 + i) * 5 + j]!;
    }
    for (let i = 0; i < 20; i++) {
      let dx = 0;
      for (let j = 0; j < 5; j++) {
        dx += dW[j]! * batch.X[(b * 20 + i) * 5 + j]!;
        maxErr = Math.max(maxErr, Math.abs(tokens[(b * 21 + i) * 6 + j]! - batch.X[(b * 20 + i) * 5 + j]!));
      }
      maxErr = Math.max(maxErr, Math.abs(tokens[(b * 21 + i) * 6 + 5]! - (batch.y[b * 20 + i]! - dx)));
    }
  }
  assert.ok(maxErr < 1e-4, `token updates: max abs err ${maxErr}`);
  // reduction of the construction: Γ_eff = η I, no nuisance
  const red = reduceLSA(c.params, c.options, 20);
  assert.ok(maxAbsDiff(red.gammaEff, diagMatrix([eta, eta, eta, eta, eta])) < 1e-12);
  // with W₀ ≠ 0 the "label-free" part carries the −W₀ᵀx_i of the gradient: a = (−W₀, 1), B_x = ηI
  assert.ok(Math.abs(red.axNorm - Math.hypot(...W0)) < 1e-6 * red.axNorm, `‖a_x‖ = ${red.axNorm}`);
  assert.equal(red.byNorm, 0);
  const red0 = reduceLSA(constructGD({ d: 5, n: 20, eta }).params, c.options, 20);
  assert.equal(red0.axNorm, 0);
  // preconditioned version
  const G = randomMatrix(rng, 5, 5, 0.3);
  const cg = constructGD({ d: 5, n: 20, G });
  const yg = tokenPredict(cg.params, batch, cg.options).yhat;
  assert.ok(relErr(yg, gdPredictor({ G })(batch)) < 1e-5);
  assert.throws(() => constructGD({ d: 5, n: 20 }), /exactly one of eta/);
});

/** φ = (a, Bᵀ) from merged params, readout plus, normalize n. */
function reducedTensors(p: MergedParams): { a: tf.Tensor2D; BT: tf.Tensor2D } {
  const D = p.Wkq.length;
  const d = D - 1;
  const a = tf.tensor2d(p.Wpv[d]!.map((v) => [v]));
  const BT = tf.tensor2d(Array.from({ length: d }, (_, l) => Array.from({ length: D }, (_, j) => p.Wkq[j]![l]!)));
  return { a, BT };
}

test("reduced loss = token-formulation loss; its gradient = tf.grad of the token loss = finite differences", () => {
  const rng = new Rng(4);
  const batch = sampleTasks(spec, 128, rng);
  const p: MergedParams = { kind: "merged", Wkq: randomMatrix(rng, 4, 4, 0.5), Wpv: randomMatrix(rng, 4, 4, 0.5) };
  for (const includeQuery of [false, true]) {
    const st = statsTensors(computeStats(batch, { includeQuery }));
    const { a, BT } = reducedTensors(p);
    const fast = reducedLossAndGrads(a, BT, st, "half");
    const fastLoss = fast.loss.dataSync()[0]!;
    const ga = Array.from(fast.ga.dataSync());
    const gBT = Array.from(fast.gBT.dataSync());
    // token formulation, autodiff through full W_KQ, W_PV
    const t = batchTensors(batch);
    const E = buildTokens(t.X, t.y, t.xq);
    const Wkq = tf.tensor2d(p.Wkq);
    const Wpv = tf.tensor2d(p.Wpv);
    const lossFn = (kq: tf.Tensor2D, pv: tf.Tensor2D) => {
      const { yhat, tokens } = lsaForward({ kind: "merged", Wkq: kq, Wpv: pv }, E, { includeQuery });
      tokens.dispose();
      return tf.mul(tf.mean(tf.square(tf.sub(yhat, t.yq))), 0.5) as tf.Scalar;
    };
    const directLoss = tf.tidy(() => lossFn(Wkq, Wpv).dataSync()[0]!);
    assert.ok(Math.abs(fastLoss - directLoss) < 1e-5 * directLoss, `loss: fast ${fastLoss} vs token ${directLoss}`);
    const [gKq, gPv] = tf.grads((kq: tf.Tensor, pv: tf.Tensor) => lossFn(kq as tf.Tensor2D, pv as tf.Tensor2D))([Wkq, Wpv]);
    const GK = gKq!.arraySync() as Matrix;
    const GP = gPv!.arraySync() as Matrix;
    const scaleG = Math.max(...ga.map(Math.abs), ...gBT.map(Math.abs));
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(GP[3]![j]! - ga[j]!) < 1e-4 * scaleG, `∂L/∂a[${j}]`);
    for (let l = 0; l < 3; l++)
      for (let j = 0; j < 4; j++) assert.ok(Math.abs(GK[j]![l]! - gBT[l * 4 + j]!) < 1e-4 * scaleG, `∂L/∂B[${j}][${l}]`);
    // entries that cannot reach ŷ have exactly zero gradient (so Adam never moves them)
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) assert.equal(GP[i]![j], 0);
    for (let j = 0; j < 4; j++) assert.equal(GK[j]![3], 0);
    // float64 central differences of the reduced loss
    const stats = computeStats(batch, { includeQuery });
    const loss64 = (q: MergedParams) => {
      const pred = reducedPredict(reduceLSA(q), stats);
      let s = 0;
      for (let b = 0; b < batch.B; b++) s += (pred[b]! - batch.yq[b]!) ** 2;
      return (0.5 * s) / batch.B;
    };
    const h = 1e-6;
    const bump = (which: "a" | "B", j: number, l: number, delta: number): MergedParams => {
      const q: MergedParams = { kind: "merged", Wkq: p.Wkq.map((r) => r.slice()), Wpv: p.Wpv.map((r) => r.slice()) };
      if (which === "a") q.Wpv[3]![j]! += delta;
      else q.Wkq[j]![l]! += delta;
      return q;
    };
    for (let j = 0; j < 4; j++) {
      const fd = (loss64(bump("a", j, 0, h)) - loss64(bump("a", j, 0, -h))) / (2 * h);
      assert.ok(Math.abs(fd - ga[j]!) < 2e-4 * scaleG + 1e-6, `FD ∂L/∂a[${j}]: ${fd} vs ${ga[j]}`);
      for (let l = 0; l < 3; l++) {
        const fdB = (loss64(bump("B", j, l, h)) - loss64(bump("B", j, l, -h))) / (2 * h);
        assert.ok(Math.abs(fdB - gBT[l * 4 + j]!) < 2e-4 * scaleG + 1e-6, `FD ∂L/∂B[${j}][${l}]: ${fdB} vs ${gBT[l * 4 + j]}`);
      }
    }
    // reducedForward agrees with the float64 reduction
    const yf = reducedForward(a, BT, st);
    assert.ok(relErr(yf.dataSync(), reducedPredict(reduceLSA(p), stats)) < 1e-5);
    tf.dispose([fast.loss, fast.ga, fast.gBT, a, BT, E, t.X, t.y, t.xq, t.yq, Wkq, Wpv, gKq!, gPv!, yf]);
    disposeStatsTensors(st);
  }
  assert.throws(
    () => reducedLossAndGrads(tf.zeros([3, 1]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D, { B: 1, d: 3 } as never),
    /a must be \[4, 1\]/,
  );
});

test("trainLSA (reduced) follows the same trajectory as trainLSADirect (tokens, full matrices)", () => {
  const s: TaskSpec = { d: 3, n: 8, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.5 };
  const init = initParams({ kind: "gaussian", std: 0.3 }, 3, new Rng(5));
  const before = tf.memory().numTensors;
  for (const includeQuery of [false, true]) {
    const fast = trainLSA({
      spec: s,
      steps: 6,
      batch: 256,
      rng: new Rng(6),
      lr: 0.01,
      eps: 1e-8,
      init: { kind: "params", params: init },
      includeQuery,
      checkpoints: [],
    });
    const slow = trainLSADirect({
      spec: s,
      steps: 6,
      batch: 256,
      rng: new Rng(6),
      lr: 0.01,
      eps: 1e-8,
      params: init,
      options: { includeQuery },
    });
    const sp = slow.params[0] as MergedParams;
    const diff = Math.max(maxAbsDiff(fast.params.Wkq, sp.Wkq), maxAbsDiff(fast.params.Wpv, sp.Wpv));
    assert.ok(diff < 2e-5, `parameters differ by ${diff} after 6 steps`);
    for (let k = 0; k < 6; k++)
      assert.ok(Math.abs(fast.trainLoss[k]! - slow.trainLoss[k]!) < 1e-5 * slow.trainLoss[k]!, `loss at step ${k}`);
    // the entries outside a and B never move
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) assert.equal(fast.params.Wpv[i]![j], init.Wpv[i]![j]);
    for (let j = 0; j < 4; j++) assert.equal(fast.params.Wkq[j]![3], init.Wkq[j]![3]);
  }
  assert.equal(tf.memory().numTensors, before, "training leaks tensors");
});

test("trainLSA: deterministic, learns toward η*·I on a small problem, checks its inputs", () => {
  const s: TaskSpec = { d: 3, n: 10, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.5 };
  const run = () => trainLSA({ spec: s, steps: 300, batch: 512, rng: new Rng(7), lr: 0.02, schedule: "cosine", evalTasks: 1000 });
  const a = run();
  const b = run();
  assert.deepEqual(a.trainLoss, b.trainLoss);
  assert.deepEqual(a.params, b.params);
  // η* = 10/14.5 = 0.690; 300 small steps get within a few percent (the full-scale claim is in the notebook)
  const g = a.reduction.gammaEff;
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(g[i]![i]! / (10 / 14.5) - 1) < 0.05, `Γ_eff[${i}][${i}] = ${g[i]![i]}`);
  const ck = a.checkpoints;
  assert.equal(ck[0]!.step, 0);
  assert.equal(ck[ck.length - 1]!.step, 300);
  assert.ok(ck[ck.length - 1]!.evalLoss < ck[0]!.evalLoss);
  assert.throws(() => trainLSA({ spec: s, steps: 10, batch: 0, rng: new Rng(1) }), /batch must be an integer/);
  assert.throws(() => trainLSA({ spec: s, steps: 10, batch: 8, rng: new Rng(1), lr: -1 }), /lr must be positive/);
});
