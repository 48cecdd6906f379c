/**
 * The training loop: the hand-written gradient against finite differences, the deterministic trace
 * of the official protocol (A15, one epoch per model to keep the test short), and argument errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { initTf, tf } from "../../../lib/core/tf";
import { Rng } from "../../../lib/core/rng";
import {
  ettWindows,
  gatherBatch,
  initParams,
  lossAndGrad,
  prepareEtt,
  trainOfficial,
  type FeatureBatch,
} from "../../../lib/topics/timeseries";

/** The batch loss in float64 from the batch's float32 features. */
function loss64(theta: Float64Array, b: FeatureBatch, layers: number): number {
  const { F, H, rows } = b;
  let s = 0;
  for (let r = 0; r < rows; r++)
    for (let h = 0; h < H; h++) {
      let y = 0;
      for (let l = 0; l < layers; l++) y += theta[F * H + l * H + h]!;
      for (let f = 0; f < F; f++) y += b.Z[r * F + f]! * theta[f * H + h]!;
      s += (y - b.T[r * H + h]!) ** 2;
    }
  return s / (rows * H);
}

test("lossAndGrad equals central finite differences of the float64 loss (Linear, NLinear, DLinear)", async () => {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: 24, H: 6 });
  for (const model of ["Linear", "NLinear", "DLinear"] as const) {
    const p = initParams({ model, L: 24, H: 6, init: "torch", rng: new Rng(9) });
    const b = gatherBatch(model, w.train, [3, 50, 400, 1200]);
    const th = tf.tensor1d(p.theta);
    const { loss, grad } = lossAndGrad(th, b, p.layers);
    const g = grad.dataSync();
    const theta64 = Float64Array.from(p.theta);
    assert.ok(Math.abs(loss.dataSync()[0]! - loss64(theta64, b, p.layers)) < 1e-5);
    const eps = 1e-4;
    for (const i of [0, 5, 37, p.F * 6 - 1, p.F * 6, p.theta.length - 1]) {
      const up = Float64Array.from(theta64);
      const dn = Float64Array.from(theta64);
      up[i]! += eps;
      dn[i]! -= eps;
      const fd = (loss64(up, b, p.layers) - loss64(dn, b, p.layers)) / (2 * eps);
      assert.ok(Math.abs(g[i]! - fd) < 1e-4 + 1e-3 * Math.abs(fd), `${model} θ[${i}]: ${g[i]} vs ${fd}`);
    }
    tf.dispose([th, loss, grad]);
  }
});

test("A15: one epoch of the deterministic trace (zero init, no shuffle) matches the notes' torch values (±2e-4)", async () => {
  await initTf({ quiet: true });
  const d = prepareEtt("ETTh1");
  const w = ettWindows(d, { L: 336, H: 96 });
  const ref = { Linear: [0.46725, 1.30878, 0.56127, 0.54191], DLinear: [0.62263, 1.50869, 0.72457, 0.61379] };
  for (const model of ["Linear", "DLinear"] as const) {
    const r = trainOfficial(d, { model, L: 336, H: 96, lr: 0.005, batch: 32, deterministic: true, maxEpochs: 1 }, w);
    const e = r.log[0]!;
    const got = [e.train, e.val, e.test!.mse, e.test!.mae];
    got.forEach((v, i) => assert.ok(Math.abs(v - ref[model][i]!) < 2e-4, `${model} value ${i}: ${v} vs ${ref[model][i]}`));
    assert.equal(r.bestEpoch, 1);
  }
});

test("trainOfficial refuses a random run without an rng and a bad lr", () => {
  const d = prepareEtt("ETTh1");
  assert.throws(() => trainOfficial(d, { model: "Linear", L: 48, H: 12, lr: 0.01, batch: 32 }), /pass an rng/);
  assert.throws(() => trainOfficial(d, { model: "Linear", L: 48, H: 12, lr: 0, batch: 32, rng: new Rng(1) }), /lr must be positive/);
  assert.throws(() => initParams({ model: "Linear", L: 4, H: 2, init: "torch" }), /pass an rng/);
});
