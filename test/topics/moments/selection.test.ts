/** Choosing on validation: stratified carving, per-class pools, the winner and its ties; probe convergence report. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { initTf } from "../../../lib/core/tf";
import { fitProbe, fitSoftmaxRegression } from "../../../lib/topics/moments/linear";
import { carveValidation, samplePerClass, selectByValidation } from "../../../lib/topics/moments/selection";

test("carveValidation: stratified, disjoint, covers the rows, never empties a class", () => {
  const y = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2];
  const rows = y.map((_, i) => i);
  const { fit, val } = carveValidation({ y, rows, valFraction: 0.25, rng: new Rng(3) });
  assert.deepEqual(
    [...fit, ...val].sort((a, b) => a - b),
    rows,
  );
  assert.equal(new Set([...fit, ...val]).size, rows.length);
  const count = (idx: number[], c: number) => idx.filter((i) => y[i] === c).length;
  assert.deepEqual(
    [0, 1, 2].map((c) => count(val, c)),
    [1, 2, 1],
  );
  assert.deepEqual(
    [0, 1, 2].map((c) => count(fit, c)),
    [3, 6, 1],
  );
  // a subset of rows: only those are split
  const sub = carveValidation({ y, rows: [0, 1, 4, 5, 12, 13], valFraction: 0.5, rng: new Rng(3) });
  assert.deepEqual(
    [...sub.fit, ...sub.val].sort((a, b) => a - b),
    [0, 1, 4, 5, 12, 13],
  );
  assert.throws(() => carveValidation({ y, rows: [0, 4, 5], valFraction: 0.5, rng: new Rng(1) }), /class 0 has 1 training sample/);
  // deterministic given the seed
  assert.deepEqual(carveValidation({ y, rows, valFraction: 0.25, rng: new Rng(3) }), { fit, val });
});

test("samplePerClass: exactly perClass rows of every class, all from the pool", () => {
  const y = Array.from({ length: 40 }, (_, i) => i % 4);
  const pool = y.map((_, i) => i).filter((i) => i % 5 !== 0);
  const v = samplePerClass({ y, pool, perClass: 3, rng: new Rng(2) });
  assert.equal(v.length, 12);
  assert.ok(v.every((i) => pool.includes(i)));
  for (let c = 0; c < 4; c++) assert.equal(v.filter((i) => y[i] === c).length, 3);
  assert.throws(() => samplePerClass({ y, pool, perClass: 9, rng: new Rng(2) }), /fewer than 9/);
});

test("selectByValidation: the highest score wins, ties go to the earlier candidate, every score is kept", () => {
  const s = selectByValidation({ candidates: [1, 2, 3, 4], score: (c) => ({ 1: 0.5, 2: 0.8, 3: 0.8, 4: 0.1 })[c]! });
  assert.equal(s.best, 2);
  assert.deepEqual(
    s.scores.map((x) => x.score),
    [0.5, 0.8, 0.8, 0.1],
  );
  assert.throws(() => selectByValidation({ candidates: [], score: () => 0 }), /no candidates/);
});

test("fitSoftmaxRegression reports its stop and convergence: converged at the optimum, not after one iteration", async () => {
  await initTf();
  const rng = new Rng(5);
  const n = 60;
  const F = 3;
  const X = new Float32Array(n * F);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y.push(c);
    for (let j = 0; j < F; j++) X[i * F + j] = rng.normal(j === c ? 1 : 0, 1);
  }
  const full = fitSoftmaxRegression(X, n, F, y, 3, { l2: 1e-2 });
  assert.equal(full.converged, true);
  assert.ok(full.gradMax <= 1e-4, `gradMax ${full.gradMax}`);
  const one = fitSoftmaxRegression(X, n, F, y, 3, { l2: 1e-2, maxIter: 1 });
  assert.equal(one.stop, "maxIter");
  assert.equal(one.converged, false);
  const p = fitProbe({ train: { X, n, y }, test: { X, n, y }, F, K: 3, opts: { l2: 1e-2 } });
  assert.equal(p.converged, true);
  assert.equal(p.iterations, full.iterations);
  assert.ok(p.acc > 0.5);
});
