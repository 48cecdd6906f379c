/**
 * The causal transformer of gpt.ts / gpt-train.ts: gradients against central finite differences (in
 * float64 arithmetic on the loss, float32 model, so a loose but discriminating tolerance), causality
 * (a prediction never reads later tokens), the probe path agreeing with the every-position path, the
 * token layout, and byte-identical training from one seed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { initTf, tf } from "../../../lib/core/tf";
import {
  disposeGpt,
  gelu,
  gptLoss,
  gptParamCount,
  gptWeights,
  initGpt,
  interleavedTokens,
  type GptConfig,
} from "../../../lib/topics/icl/gpt";
import { gptBatchTensors, gptPredictAll, gptProbePredictions, trainGpt } from "../../../lib/topics/icl/gpt-train";
import { sampleTasks, type TaskSpec } from "../../../lib/topics/icl/tasks";

const cfg: GptConfig = { d: 3, layers: 2, width: 8, heads: 2, maxPairs: 5 };
const spec: TaskSpec = { d: 3, n: 5, x: { kind: "gauss" }, w: { kind: "iso" } };

test("interleaved tokens: [0, x_i] then [y_i, 0], the last ỹ dropped", () => {
  const t = interleavedTokens({ X: Float32Array.from([1, 2, 3, 4]), y: Float32Array.from([5, 6]), B: 1, n: 2, d: 2 });
  assert.deepEqual(Array.from(t), [0, 1, 2, 5, 0, 0, 0, 3, 4]);
  assert.throws(() => interleavedTokens({ X: new Float32Array(3), y: new Float32Array(2), B: 1, n: 2, d: 2 }), /B·n·d/);
});

test("gelu is the tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) to float32 rounding (float64 reference)", async () => {
  await initTf({ quiet: true });
  const xs = [-8, -3, -1.5, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 2, 4, 8];
  const got = tf.tidy(() => gelu(tf.tensor1d(xs)).dataSync());
  xs.forEach((x, i) => {
    const ref = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    // a handful of float32 roundings of |x|-sized terms; the reference at x = −8 is −1e-15-ish
    assert.ok(Math.abs(got[i]! - ref) <= 4e-7 * Math.max(1, Math.abs(x)), `x = ${x}: ${got[i]} vs ${ref}`);
  });
  // the erf GeLU differs from the tanh form by up to ~5e-4 near |x| ≈ 2: the check can tell them apart
  const erfGelu = tf.tidy(
    () => tf.mul(tf.mul(tf.tensor1d([2]), 0.5), tf.add(1, tf.erf(tf.div(tf.tensor1d([2]), Math.SQRT2)))).dataSync()[0]!,
  );
  assert.ok(Math.abs(erfGelu - got[xs.indexOf(2)]!) > 4e-7 * 2);
});

test("parameter count matches the variables", async () => {
  await initTf({ quiet: true });
  const m = initGpt(cfg, new Rng(1));
  assert.equal(
    m.vars.reduce((s, v) => s + v.size, 0),
    gptParamCount(cfg),
  );
  disposeGpt(m);
  assert.throws(() => initGpt({ ...cfg, heads: 3 }, new Rng(1)), /multiple of heads/);
});

test("gradients match central finite differences of the loss", async () => {
  await initTf({ quiet: true });
  const m = initGpt(cfg, new Rng(2));
  const { tokens, y } = gptBatchTensors(sampleTasks(spec, 4, new Rng(3)));
  const loss = () => tf.tidy(() => gptLoss(m, tokens, y).dataSync()[0]!);
  const { grads, value } = tf.variableGrads(() => gptLoss(m, tokens, y), m.vars);
  value.dispose();
  const rng = new Rng(4);
  let checked = 0;
  for (const v of m.vars) {
    const g = grads[v.name]!.dataSync();
    const w0 = v.dataSync().slice() as Float32Array;
    for (let t = 0; t < 2; t++) {
      const k = rng.int(0, v.size);
      const h = 1e-2;
      const at = (delta: number) => {
        const w = w0.slice();
        w[k] = w0[k]! + delta;
        tf.tidy(() => v.assign(tf.tensor(w, v.shape)));
        return loss();
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      tf.tidy(() => v.assign(tf.tensor(w0, v.shape)));
      const tol = 2e-3 + 2e-2 * Math.abs(fd);
      assert.ok(Math.abs(fd - g[k]!) < tol, `${v.name}[${k}]: autodiff ${g[k]} vs finite difference ${fd}`);
      checked++;
    }
  }
  assert.ok(checked >= 2 * m.vars.length);
  for (const g of Object.values(grads)) g.dispose();
  tokens.dispose();
  y.dispose();
  disposeGpt(m);
});

test("causal: changing pair i+1 onward leaves the predictions at positions ≤ i unchanged; probes agree with positions", async () => {
  await initTf({ quiet: true });
  const m = initGpt(cfg, new Rng(5));
  const a = sampleTasks(spec, 3, new Rng(6));
  const b = { ...a, X: a.X.slice(), y: a.y.slice() };
  for (let k = 3 * 3 * 3; k < b.X.length; k++) if (k % 15 >= 9) b.X[k] = 7;
  for (let t = 0; t < 3; t++) b.y[t * 5 + 3] = -9;
  const pa = gptPredictAll(m, a);
  const pb = gptPredictAll(m, b);
  for (let t = 0; t < 3; t++)
    for (let i = 0; i < 5; i++) {
      if (i <= 2) assert.equal(pa[t * 5 + i], pb[t * 5 + i], `prompt ${t} position ${i}`);
    }
  assert.notEqual(pa[4], pb[4]);
  // the probe path with probe = x_{i+1} reproduces the every-position prediction at i
  const prefixes = [0, 2, 4];
  const probes = new Float32Array(3 * 3 * 3);
  for (let t = 0; t < 3; t++) prefixes.forEach((i, p) => probes.set(a.X.subarray((t * 5 + i) * 3, (t * 5 + i + 1) * 3), (t * 3 + p) * 3));
  // K = 3 probes per prompt: probe p of prompt t is x_{prefixes[p]+1}; read the matching (prefix p, probe p) entries
  const out = gptProbePredictions(m, { batch: a, prefixes, probes, K: 3 });
  for (let t = 0; t < 3; t++)
    prefixes.forEach((i, p) => assert.ok(Math.abs(out[(t * 3 + p) * 3 + p]! - pa[t * 5 + i]!) < 1e-5, `prompt ${t} prefix ${i}`));
  disposeGpt(m);
});

test("training is byte-identical from one seed and differs across seeds", async () => {
  await initTf({ quiet: true });
  const run = (seed: number) => {
    const r = trainGpt({ model: cfg, spec, steps: 4, batch: 8, lr: 1e-2, warmup: 1, rng: new Rng(seed), lossEvery: 1 });
    const w = gptWeights(r.model).map((a) => Array.from(a));
    disposeGpt(r.model);
    return { w, loss: r.lossCurve };
  };
  const a = run(11);
  const b = run(11);
  const c = run(12);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.w, c.w);
  assert.equal(a.loss.length, 4);
  assert.throws(() => trainGpt({ model: { ...cfg, d: 4 }, spec, steps: 1, batch: 2, lr: 1e-3, warmup: 0, rng: new Rng(1) }), /must match/);
});
