/**
 * The benchmark harness's pieces that decide "same work" and hand inputs to Python: the .npy
 * writer (byte layout of numpy's format 1.0, read back here by hand) and the comparisons that
 * must throw NotSameWork (never a timing: no test here measures time).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expectClose, expectSameLossAndGradient, maxRelDiff, maxScaledDiff, NotSameWork, writeNpy } from "../../bench/harness";

function readNpy(file: string): { header: string; body: Buffer; headerLength: number } {
  const buf = fs.readFileSync(file);
  assert.equal(buf.subarray(0, 6).toString("latin1"), "\x93NUMPY");
  assert.equal(buf[6], 1);
  assert.equal(buf[7], 0);
  const len = buf.readUInt16LE(8);
  return { header: buf.subarray(10, 10 + len).toString("latin1"), body: buf.subarray(10 + len), headerLength: 10 + len };
}

test("writeNpy: numpy format 1.0 header (dtype, shape, C order, 64-byte aligned) and the raw little-endian values", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-npy-"));
  try {
    const f32 = readNpy(writeNpy(path.join(dir, "a.npy"), Float32Array.from([1.5, -2, 3, 4, 5, 6]), [2, 3]));
    assert.equal(f32.headerLength % 64, 0);
    assert.ok(f32.header.endsWith("\n"));
    assert.match(f32.header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    assert.deepEqual(
      Array.from(new Float32Array(f32.body.buffer.slice(f32.body.byteOffset, f32.body.byteOffset + 24))),
      [1.5, -2, 3, 4, 5, 6],
    );
    const i32 = readNpy(writeNpy(path.join(dir, "b.npy"), Int32Array.from([7, -1]), [2]));
    assert.match(i32.header, /'descr': '<i4'.*'shape': \(2,\)/);
    assert.equal(i32.body.readInt32LE(4), -1);
    const f64 = readNpy(writeNpy(path.join(dir, "c.npy"), Float64Array.from([Math.PI]), [1, 1]));
    assert.match(f64.header, /'descr': '<f8'.*'shape': \(1, 1\)/);
    assert.equal(f64.body.readDoubleLE(0), Math.PI);
    assert.throws(() => writeNpy(path.join(dir, "d.npy"), new Float32Array(5), [2, 3]), /shape \[2,3\] holds 6 values, got 5/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("comparisons: relative and scaled differences, NaN and length mismatches count as different", () => {
  assert.equal(maxRelDiff([1, 2], [1, 2]), 0);
  assert.ok(Math.abs(maxRelDiff([1.1, 2], [1, 2]) - 0.1) < 1e-12);
  assert.equal(maxRelDiff([1e-9], [0], 1e-6), 1e-3); // below the floor, the floor scales
  assert.ok(Number.isNaN(maxRelDiff([Number.NaN, 1], [1, 1])));
  assert.ok(Number.isNaN(maxScaledDiff([1, Number.NaN, 1], [1, 1, 1])));
  assert.equal(maxRelDiff([1], [1, 2]), Number.POSITIVE_INFINITY);
  assert.equal(maxScaledDiff([0.5, 10], [0, 10]), 0.05); // scaled by the largest |reference|
});

test("expectClose: passes within the tolerance with a note, throws NotSameWork naming the workload beyond it", () => {
  assert.equal(expectClose("w", "loss", 1e-8, 1e-6), "loss 1e-8");
  assert.throws(
    () => expectClose("LR digits", "objective", 1e-3, 1e-7),
    (e: unknown) => e instanceof NotSameWork && /LR digits: .*objective differ by 1\.00e-3/.test((e as Error).message),
  );
  assert.throws(() => expectClose("w", "grad", Number.NaN, 1), NotSameWork);
});

test("expectSameLossAndGradient: the loss relative, the gradient scaled by its largest entry, against the reference's loss and grad", () => {
  // hand-worked: loss 2 vs 2.002 is 1e-3 relative; gradient [4, 1] vs [4, 1.04] differs by 0.04 / 4 = 1e-2 scaled
  const ref = { loss: 2.002, grad: [[4], [1.04]] };
  assert.equal(expectSameLossAndGradient("step", { loss: 2, grad: [4, 1] }, ref, { loss: 2e-3, grad: 2e-2 }), "loss 1e-3, gradient 1e-2");
  assert.throws(
    () => expectSameLossAndGradient("step", { loss: 2, grad: [4, 1] }, ref, { loss: 2e-3, grad: 5e-3 }, "grads"),
    (e: unknown) => e instanceof NotSameWork && /step: .*grads differ by 1\.00e-2/.test((e as Error).message),
  );
  assert.throws(() => expectSameLossAndGradient("step", { loss: 2, grad: [4, 1] }, ref, { loss: 1e-4, grad: 1 }), NotSameWork);
});
