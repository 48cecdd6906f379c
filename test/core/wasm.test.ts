/**
 * The WebAssembly assembler (lib/core/wasm.ts) against hand-worked encodings: the LEB128 examples
 * of the DWARF specification (appendix C) and a module small enough to follow by hand, whose
 * exported function and memory must behave as written. The kernels built on it are tested against
 * JavaScript references in their own topics.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { body, f64add, f64load, f64store, get, I32, i32c, instantiate, mul, sleb, uleb } from "../../lib/core/wasm";

test("LEB128: DWARF's worked examples, unsigned and signed", () => {
  assert.deepEqual(uleb(0), [0x00]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(12857), [0xb9, 0x64]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(sleb(2), [0x02]);
  assert.deepEqual(sleb(-2), [0x7e]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-127), [0x81, 0x7f]);
  assert.deepEqual(sleb(-128), [0x80, 0x7f]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
});

test("a hand-written module: mem[i] += mem[j] * 3 + i, through the builder and instantiate", () => {
  // f(i, j): f64 at byte 8i gets f64 at byte 8j plus the integer 3 i (converted), exported with memory
  const f64ConvertI32S = [0xb7];
  const code = [
    ...[...get(0), ...i32c(8), ...mul], // address of mem[i]
    ...[...get(0), ...i32c(8), ...mul, ...f64load],
    ...[...get(1), ...i32c(8), ...mul, ...f64load, ...f64add],
    ...[...get(0), ...i32c(3), ...mul, ...f64ConvertI32S, ...f64add],
    ...f64store,
  ];
  const inst = instantiate("test module", { funcs: [{ name: "f", params: [I32, I32], body: body([], code) }] });
  assert.ok(inst !== null, "Node 20 has WebAssembly; the module must validate");
  inst.reserve(1 << 20);
  const mem = inst.f64();
  mem.set([1.5, 2.25, -4], 0);
  (inst.exports.f as (i: number, j: number) => void)(2, 1);
  assert.deepEqual(Array.from(inst.f64().subarray(0, 3)), [1.5, 2.25, -4 + 2.25 + 6]);
  // growth keeps the contents and refreshes the view
  inst.reserve(3 << 20);
  assert.equal(inst.f64().length, (3 << 20) / 8);
  assert.equal(inst.f64()[2], 4.25);
});
