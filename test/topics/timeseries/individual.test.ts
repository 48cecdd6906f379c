/**
 * Individual mode: the batched per-channel gradient against finite differences of a float64
 * loss written channel by channel, the parameter count of the official "-I" models, and the
 * training loop against the shared one on data whose channels are all the same series (then
 * every channel's block follows the shared model, up to Adam's ε: the per-channel gradient is
 * the shared one divided by C).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import {
  ettWindows,
  gatherBatch,
  initIndividual,
  lossAndGradIndividual,
  parameterCount,
  prepareEtt,
  trainIndividual,
  trainOfficial,
  type FeatureBatch,
} from "../../../lib/topics/timeseries";

/** Float64 loss: row r = b·C + c uses block c of θ. */
function loss64(theta: Float64Array, b: FeatureBatch, o: { layers: number; C: number }): number {
  const { F, H, rows } = b;
  const block = F * H + o.layers * H;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    const base = (r % o.C) * block;
    for (let h = 0; h < H; h++) {
      let y = 0;
      for (let l = 0; l < o.layers; l++) y += theta[base + F * H + l * H + h]!;
      for (let f = 0; f < F; f++) y += b.Z[r * F + f]! * theta[base + f * H + h]!;
      s += (y - b.T[r * H + h]!) ** 2;
    }
  }
  return s / (rows * H);
}

test("individual lossAndGrad equals central finite differences (Linear, NLinear, DLinear); parameter counts are the official -I counts", async () => {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: 24, H: 6 });
  for (const model of ["Linear", "NLinear", "DLinear"] as const) {
    const p = initIndividual({ model, L: 24, H: 6, channels: 7, init: "torch", rng: new Rng(4) });
    assert.equal(p.theta.length, parameterCount({ model, L: 24, H: 6, individual: true }));
    const b = gatherBatch(model, w.train, [3, 50, 400]);
    const th = tf.tensor1d(p.theta);
    const { loss, grad } = lossAndGradIndividual(th, b, { layers: p.layers, channels: 7 });
    const g = grad.dataSync();
    const theta64 = Float64Array.from(p.theta);
    const o = { layers: p.layers, C: 7 };
    assert.ok(Math.abs(loss.dataSync()[0]! - loss64(theta64, b, o)) < 1e-5);
    const block = p.F * 6 + p.layers * 6;
    const eps = 1e-4;
    // weights and biases of the first, a middle and the last channel
    for (const i of [0, 7, p.F * 6, block + 11, 3 * block + p.F * 6 + 2, 6 * block, 7 * block - 1]) {
      const up = Float64Array.from(theta64);
      const dn = Float64Array.from(theta64);
      up[i]! += eps;
      dn[i]! -= eps;
      const fd = (loss64(up, b, o) - loss64(dn, b, o)) / (2 * eps);
      assert.ok(Math.abs(g[i]! - fd) < 1e-4 + 1e-3 * Math.abs(fd), `${model} θ[${i}]: ${g[i]} vs ${fd}`);
    }
    tf.dispose([th, loss, grad]);
  }
  assert.equal(parameterCount({ model: "DLinear", L: 336, H: 96, individual: true }), 452_928);
});

test("individual training on 7 copies of one series follows the shared model (deterministic trace, 2 epochs)", async () => {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh1");
  const rows = d.data.length / d.channels;
  const same = new Float64Array(d.data.length);
  for (let i = 0; i < rows; i++) for (let c = 0; c < 7; c++) same[i * 7 + c] = d.data[i * 7 + 6]!;
  const d7 = { ...d, data: same };
  const o = { model: "NLinear" as const, L: 96, H: 24, lr: 0.005, batch: 32, deterministic: true, maxEpochs: 2 };
  const w = ettWindows(d7, { L: 96, H: 24 });
  const shared = trainOfficial(d7, o, w);
  const ind = trainIndividual(d7, o, w);
  for (let e = 0; e < 2; e++) {
    const a = shared.log[e]!;
    const b = ind.log[e]!;
    for (const [x, y] of [
      [a.train, b.train],
      [a.val, b.val],
      [a.test!.mse, b.test!.mse],
    ] as const)
      assert.ok(Math.abs(x - y) < 1e-3 * Math.abs(x), `epoch ${e + 1}: shared ${x} vs individual ${y}`);
  }
  // every channel's block is (nearly) the shared θ
  const block = shared.params.theta.length;
  let maxDiff = 0;
  for (let c = 0; c < 7; c++)
    for (let i = 0; i < block; i++) maxDiff = Math.max(maxDiff, Math.abs(ind.params.theta[c * block + i]! - shared.params.theta[i]!));
  assert.ok(maxDiff < 1e-3, `max block difference ${maxDiff}`);
  assert.throws(() => trainIndividual(d, { ...o, deterministic: false }), /pass an rng/);
});
