/**
 * computeStats (four entries of C per pass over the tokens) against the one-entry-at-a-time loop
 * it replaced, kept here verbatim as the reference: every entry must be bit-identical (===), for
 * dimensions on both sides of the block of four and with and without the query token, so the
 * speed-up cannot change any trained model. Also against C = (1/n) Σ z zᵀ from its definition.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { computeStats } from "../../../lib/topics/icl/task-stats";
import { sampleTasks, type TaskBatch } from "../../../lib/topics/icl/tasks";
import { statsKernel } from "../../../lib/topics/icl/wasm-stats";

/** The previous computeStats loop (lib/topics/icl/task-stats.ts before the four-entry blocks). */
function referenceC(batch: TaskBatch, includeQuery: boolean): Float32Array {
  const { B, n, d, X, y, xq } = batch;
  const D = d + 1;
  const rows = includeQuery ? n + 1 : n;
  const C = new Float32Array(B * D * D);
  const Z = new Float64Array(rows * D);
  const inv = 1 / n;
  for (let b = 0; b < B; b++) {
    const xo = b * n * d;
    for (let i = 0; i < n; i++) {
      const xi = xo + i * d;
      for (let j = 0; j < d; j++) Z[j * rows + i] = X[xi + j]!;
      Z[d * rows + i] = y[b * n + i]!;
    }
    if (includeQuery) {
      for (let j = 0; j < d; j++) Z[j * rows + n] = xq[b * d + j]!;
      Z[d * rows + n] = 0;
    }
    const o = b * D * D;
    for (let j = 0; j < D; j++) {
      const jo = j * rows;
      for (let k = j; k < D; k++) {
        const ko = k * rows;
        let s = 0;
        for (let i = 0; i < rows; i++) s += Z[jo + i]! * Z[ko + i]!;
        s *= inv;
        C[o + j * D + k] = s;
        C[o + k * D + j] = s;
      }
    }
  }
  return C;
}

test("computeStats, on the WebAssembly kernel and in JavaScript: bit-identical to the one-entry-at-a-time loop for d = 1..11, several n, with and without the query", () => {
  assert.ok(statsKernel() !== null, "Node 20 has WebAssembly SIMD; the kernel must be active");
  let checked = 0;
  for (const d of [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]) {
    for (const n of [1, 2, 7, 20]) {
      for (const includeQuery of [false, true]) {
        const batch = sampleTasks({ d, n, x: { kind: "gauss" }, w: { kind: "iso" }, sigma2: 0.5 }, 37, new Rng(d * 100 + n));
        const want = referenceC(batch, includeQuery);
        for (const wasm of [true, false]) {
          const got = computeStats(batch, { includeQuery, wasm }).C;
          assert.equal(got.length, want.length);
          for (let t = 0; t < want.length; t++) {
            if (got[t] !== want[t])
              assert.fail(`d=${d} n=${n} includeQuery=${includeQuery} wasm=${wasm}: C[${t}] = ${got[t]} vs ${want[t]}`);
          }
        }
        checked += want.length;
      }
    }
  }
  assert.ok(checked > 10000);
});

test("computeStats: C = (1/n) Σ_i z_i z_iᵀ (+ z_q z_qᵀ with the query, label slot 0) from the definition", () => {
  const d = 5;
  const n = 4;
  const batch = sampleTasks({ d, n, x: { kind: "gauss" }, w: { kind: "iso" } }, 3, new Rng(9));
  for (const includeQuery of [false, true]) {
    const C = computeStats(batch, { includeQuery }).C;
    const D = d + 1;
    for (let b = 0; b < 3; b++) {
      const tokens: number[][] = [];
      for (let i = 0; i < n; i++) tokens.push([...batch.X.subarray((b * n + i) * d, (b * n + i + 1) * d), batch.y[b * n + i]!]);
      if (includeQuery) tokens.push([...batch.xq.subarray(b * d, (b + 1) * d), 0]);
      for (let j = 0; j < D; j++) {
        for (let k = 0; k < D; k++) {
          const want = tokens.reduce((s, z) => s + z[j]! * z[k]!, 0) / n;
          const got = C[b * D * D + j * D + k]!;
          assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `C[${b}][${j}][${k}] = ${got}, expected ${want}`);
        }
      }
    }
  }
});
