/**
 * NormalStream.fillNormal (core/normal.ts) as a WebAssembly kernel (assembled by core/wasm.ts):
 * the same xoshiro128** words, the same ZIGNOR ziggurat, the same float64 operations in the same
 * order (only the fast path's acceptance test is done on integers, with the same outcome: fillBody),
 * and the wedge and tail through JavaScript's own Math.log and Math.exp (imported), so it
 * returns the JavaScript stream draw for draw and bit for bit (test/core/normal.test.ts) and leaves
 * the stream in the same state. Why: an icl training step draws ~2.7e5 normals, and at ~4.7 ns a
 * draw the JavaScript loop was the largest part of the step (docs/performance.md). Here a draw
 * takes ~2.6 ns on average: ~1.5 ns on the fast path, ~39 ns for each of the 2.8% of draws that
 * reach a wedge or the tail (measured; their two calls out to Math.exp are not what costs: a
 * WebAssembly port of V8's exp, bit-identical on 2.4e6 arguments, was no faster, so it was dropped).
 *
 * Memory: bytes 0-15 the stream's four state words, then the layer edges x_0..x_128 (float64, from
 * normal.ts's tables), the acceptance test's integer pairs, then the output chunk.
 */
import {
  add,
  brIf,
  body,
  call,
  elseOp,
  eqz,
  end,
  F64,
  f32DemoteF64,
  f32store,
  f64add,
  f64c,
  f64ConvertI32S,
  f64ConvertI32U,
  f64div,
  f64eq,
  f64loadAt,
  f64lt,
  f64mul,
  f64store,
  f64sub,
  geU,
  ltU,
  get,
  I32,
  i32and,
  i32c,
  i32loadAt,
  i32storeAt,
  i32xor,
  ifF64,
  ifOpen,
  instantiate,
  loop,
  mul,
  rotl,
  select,
  set,
  shl,
  shrS,
  shrU,
  tee,
  whileNot,
} from "./wasm";

const X_AT = 16;
/** Pairs (T_i - 1, 2T_i - 1) of int32 for the fast path's acceptance test (fillBody). */
const ACCEPT_AT = X_AT + 129 * 8;
/** Byte offset and length (in draws) of the output chunk; 8192 float64 stay in L2 for the copy out. */
const OUT_AT = ACCEPT_AT + 128 * 8;
const CHUNK = 8192;

/** Function indices: the two imports, then next, uniform and slow (fill32 and fill64 follow, called only from JavaScript). */
const [LOG, EXP, NEXT, UNIFORM, SLOW] = [0, 1, 2, 3, 4];

/** The state words s0..s3 at bytes 0, 4, 8, 12 into locals (and back). */
const loadState = (s: number[]) => s.flatMap((v, w) => [...i32c(0), ...i32loadAt(4 * w), ...set(v)]);
const storeState = (s: number[]) => s.flatMap((v, w) => [...i32c(0), ...get(v), ...i32storeAt(4 * w)]);

/** One xoshiro128** step on locals s0..s3, leaving the 32-bit output in `r` (t: scratch). */
function xoshiro([s0, s1, s2, s3]: number[], r: number, t: number): number[] {
  const xorInto = (a: number, b: number) => [...get(a), ...get(b), ...i32xor, ...set(a)];
  return [
    ...get(s1),
    ...i32c(5),
    ...mul,
    ...i32c(7),
    ...rotl,
    ...i32c(9),
    ...mul,
    ...set(r),
    ...get(s1),
    ...i32c(9),
    ...shl,
    ...set(t),
    ...xorInto(s2, s0),
    ...xorInto(s3, s1),
    ...xorInto(s1, s2),
    ...xorInto(s0, s3),
    ...xorInto(s2, t),
    ...get(s3),
    ...i32c(11),
    ...rotl,
    ...set(s3),
  ];
}

/** next() -> i32: one word from the state in memory (the wedge and tail's uniforms). */
function nextBody(): number[] {
  const s = [0, 1, 2, 3];
  const [r, t] = [4, 5];
  return body([[6, I32]], [...loadState(s), ...xoshiro(s, r, t), ...storeState(s), ...get(r)]);
}

/** uniform() -> f64: NormalStream.uniform, (a·2^26 + b + 0.5) / 2^53 from two words, a first. */
function uniformBody(): number[] {
  return body(
    [],
    [
      ...call(NEXT),
      ...i32c(5),
      ...shrU,
      ...f64ConvertI32U,
      ...f64c(67108864),
      ...f64mul,
      ...call(NEXT),
      ...i32c(6),
      ...shrU,
      ...f64ConvertI32U,
      ...f64add,
      ...f64c(0.5),
      ...f64add,
      ...f64c(9007199254740992),
      ...f64div,
    ],
  );
}

/** slow(i, u) -> f64: NormalStream.slowPath, with NaN for "reject, draw again". */
function slowBody(R: number): number[] {
  // locals 2 x, 3 y (tail) or f0 (wedge), 4 x², 5 f1
  const [i, u, x, y, xx] = [0, 1, 2, 3, 4];
  const edge = (layer: number[]) => [...layer, ...i32c(3), ...shl, ...f64loadAt(X_AT)];
  // exp(-0.5 * (edge² - x²)), the density at x relative to the layer edge
  const density = (layer: number[]) => [
    ...f64c(-0.5),
    ...edge(layer),
    ...edge(layer),
    ...f64mul,
    ...get(xx),
    ...f64sub,
    ...f64mul,
    ...call(EXP),
  ];
  const f0 = 3;
  const f1 = 5;
  return body(
    [[4, F64]],
    [
      ...get(i),
      ...eqz,
      ...ifF64,
      // the base strip: Marsaglia's exact tail beyond R
      ...loop,
      ...call(UNIFORM),
      ...call(LOG),
      ...f64c(R),
      ...f64div,
      ...set(x),
      ...call(UNIFORM),
      ...call(LOG),
      ...set(y),
      ...f64c(-2),
      ...get(y),
      ...f64mul,
      ...get(x),
      ...get(x),
      ...f64mul,
      ...f64lt,
      ...brIf(0),
      ...end,
      ...get(x),
      ...f64c(R),
      ...f64sub,
      ...f64c(R),
      ...get(x),
      ...f64sub,
      ...get(u),
      ...f64c(0),
      ...f64lt,
      ...select,
      ...elseOp,
      // a wedge: accept x under the density between the two edges
      ...get(u),
      ...edge(get(i)),
      ...f64mul,
      ...tee(x),
      ...get(x),
      ...f64mul,
      ...set(xx),
      ...density(get(i)),
      ...set(f0),
      ...density([...get(i), ...i32c(1), ...add]),
      ...set(f1),
      ...get(f1),
      ...call(UNIFORM),
      ...get(f0),
      ...get(f1),
      ...f64sub,
      ...f64mul,
      ...f64add,
      ...f64c(1),
      ...f64lt,
      ...ifF64,
      ...get(x),
      ...elseOp,
      ...f64c(Number.NaN),
      ...end,
      ...end,
    ],
  );
}

/**
 * fill(n, std): n draws into the output chunk, float32 (rounded as a Float32Array store rounds) or
 * float64. Params 0 n (i32), 1 std (f64); locals 2-5 s0..s3, 6 r, 7 i, 8 t, 9 p, 10 pEnd, 11 a,
 * 12 8i (i32), 13 u, 14 z (f64).
 *
 * One step differs from JavaScript's and gives the same decisions: with a = r >> 7 (the top 25 bits,
 * signed), u = a·2^-24 exactly, so |u| < ratio_i is the integer test |a| < T_i = ceil(ratio_i·2^24),
 * done as one unsigned compare, a + T_i - 1 < 2T_i - 1 (width 0 where T_i = 0: the top layer never
 * accepts). Checked on all 2^32 words (cold review, 2026-12-05) and at every layer's boundaries by
 * test/core/normal.test.ts. The value is JavaScript's (std·u)·x_i in that order: the shortcut
 * (std·a)·(x_i·2^-24) rounds differently where std·a overflows or std·u is subnormal.
 */
function fillBody(f32: boolean): number[] {
  const [n, std] = [0, 1];
  const s = [2, 3, 4, 5];
  const [r, i, t, p, pEnd, a, i8, u, z] = [6, 7, 8, 9, 10, 11, 12, 13, 14];
  const size = f32 ? 4 : 8;
  const store = f32 ? [...f32DemoteF64, ...f32store] : f64store;
  const put = (value: number[]) => [...get(p), ...value, ...store, ...get(p), ...i32c(size), ...add, ...set(p)];
  const draw = [
    ...xoshiro(s, r, t),
    ...[...get(r), ...i32c(127), ...i32and, ...tee(i), ...i32c(3), ...shl, ...set(i8)],
    ...[...get(r), ...i32c(7), ...shrS, ...tee(a), ...f64ConvertI32S, ...f64c(2 ** -24), ...f64mul, ...set(u)],
    // the acceptance test on a
    ...[...get(a), ...get(i8), ...i32loadAt(ACCEPT_AT), ...add, ...get(i8), ...i32loadAt(ACCEPT_AT + 4), ...ltU],
    ...ifOpen,
    ...put([...get(std), ...get(u), ...f64mul, ...get(i8), ...f64loadAt(X_AT), ...f64mul]),
    ...elseOp,
    // a wedge or the tail, on the state in memory; NaN means "rejected, draw again"
    ...[...storeState(s), ...get(i), ...get(u), ...call(SLOW), ...set(z), ...loadState(s)],
    ...[...get(z), ...get(z), ...f64eq, ...ifOpen, ...put([...get(std), ...get(z), ...f64mul]), ...end],
    ...end,
  ];
  return body(
    [
      [11, I32],
      [2, F64],
    ],
    [
      ...loadState(s),
      ...[...i32c(OUT_AT), ...set(p), ...get(n), ...i32c(size), ...mul, ...i32c(OUT_AT), ...add, ...set(pEnd)],
      ...whileNot([...get(p), ...get(pEnd), ...geU], draw),
      ...storeState(s),
    ],
  );
}

export interface ZigguratKernel {
  /**
   * Writes `count` draws times `std` into out[offset...] and returns the advanced state.
   * `state` is the stream's four words (signed int32, as NormalStream holds them).
   */
  fill(
    state: [number, number, number, number],
    out: Float32Array | Float64Array,
    o: { offset: number; count: number; std: number },
  ): [number, number, number, number];
}

export interface ZigguratTables {
  /** The base strip's edge R. */
  R: number;
  /** Layer edges x_0..x_128. */
  x: Float64Array;
  /** x_{i+1}/x_i, i = 0..127. */
  ratio: Float64Array;
}

let cached: { tables: ZigguratTables; kernel: ZigguratKernel | null } | undefined;

/**
 * The kernel of this thread for normal.ts's tables, or null where WebAssembly is unavailable or
 * LS_NO_WASM is set (normal.ts then runs its JavaScript loop, which gives the same draws).
 */
export function zigguratKernel(tables: ZigguratTables): ZigguratKernel | null {
  if (cached !== undefined) {
    if (cached.tables !== tables) throw new Error("zigguratKernel: built for other tables; pass normal.ts's one table object");
    return cached.kernel;
  }
  const inst = instantiate("normal sampler kernel", {
    imports: [
      { module: "m", field: "log", params: [F64], results: [F64], fn: Math.log },
      { module: "m", field: "exp", params: [F64], results: [F64], fn: Math.exp },
    ],
    funcs: [
      { name: "next", params: [], results: [I32], body: nextBody() },
      { name: "uniform", params: [], results: [F64], body: uniformBody() },
      { name: "slow", params: [I32, F64], results: [F64], body: slowBody(tables.R) },
      { name: "fill32", params: [I32, F64], body: fillBody(true) },
      { name: "fill64", params: [I32, F64], body: fillBody(false) },
    ],
  });
  if (inst === null) {
    // the module uses no SIMD, so where WebAssembly runs it must validate: a failure is a bug here
    if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === "object" && !process.env.LS_NO_WASM) {
      throw new Error(
        "normal sampler kernel: the module failed WebAssembly validation (a bug in lib/core/normal-wasm.ts); LS_NO_WASM=1 runs the JavaScript sampler",
      );
    }
    cached = { tables, kernel: null };
    return null;
  }
  inst.f64().set(tables.x, X_AT / 8);
  const accept = new Int32Array(inst.f64().buffer, ACCEPT_AT, 2 * 128);
  for (let i = 0; i < 128; i++) {
    const T = Math.ceil(tables.ratio[i]! * 2 ** 24);
    accept[2 * i] = T - 1;
    accept[2 * i + 1] = T === 0 ? 0 : 2 * T - 1;
  }
  const fill32 = inst.exports.fill32 as (n: number, std: number) => void;
  const fill64 = inst.exports.fill64 as (n: number, std: number) => void;
  const words = new Int32Array(inst.f64().buffer, 0, 4);
  const kernel: ZigguratKernel = {
    fill(state, out, { offset, count, std }) {
      words.set(state);
      const f32 = out instanceof Float32Array;
      const view = f32 ? inst.f32() : inst.f64();
      const at = OUT_AT / (f32 ? 4 : 8);
      for (let done = 0; done < count; ) {
        const m = Math.min(CHUNK, count - done);
        (f32 ? fill32 : fill64)(m, std);
        out.set(view.subarray(at, at + m), offset + done);
        done += m;
      }
      return [words[0]!, words[1]!, words[2]!, words[3]!];
    },
  };
  cached = { tables, kernel };
  return kernel;
}
