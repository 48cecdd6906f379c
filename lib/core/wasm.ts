/**
 * A small WebAssembly assembler for hand-written kernels (lib/topics/classifiers/wasm-simd.ts,
 * lib/topics/icl/wasm-stats.ts, the scalar normal sampler in lib/core/normal-wasm.ts): LEB128
 * encodings, the instructions the kernels use, structured loops, and a module builder that exports
 * every function and one growable memory, with optional imported JavaScript functions. Kernels are
 * assembled byte by byte at run time, so there is no build step and no dependency; WebAssembly's
 * validator checks every module before it runs, and each kernel is tested against a JavaScript
 * reference. `instantiate` returns null where a module does not validate (a SIMD module on a host
 * without SIMD), where WebAssembly is missing, or when LS_NO_WASM is set; callers then run their
 * JavaScript loops.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
declare const WebAssembly: WasmApi;

export const I32 = 0x7f;
export const V128 = 0x7b;
export const F64 = 0x7c;
export const F32 = 0x7d;

export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload];
export const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
export const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// instructions
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32c = (v: number) => [0x41, ...sleb(v)];
export const add = [0x6a];
export const mul = [0x6c];
export const gtS = [0x4a];
export const geS = [0x4e];
export const ltS = [0x48];
export const f64store = [0x39, 3, 0];
export const f64add = [0xa0];
export const f64mul = [0xa2];
export const vload = [0xfd, 0x00, 3, 0];
export const vstore = [0xfd, 0x0b, 3, 0];
export const splat = [0xfd, 0x14];
export const lane = (l: number) => [0xfd, 0x21, l];
export const vadd = [0xfd, 0xf0, 0x01];
export const vmul = [0xfd, 0xf2, 0x01];
export const vzero = [0xfd, 0x0c, ...new Array(16).fill(0)];
export const block = [0x02, 0x40];
export const loop = [0x03, 0x40];
export const end = [0x0b];
export const brIf = (l: number) => [0x0d, ...uleb(l)];
export const br = (l: number) => [0x0c, ...uleb(l)];
export const ifOpen = [0x04, 0x40];
export const elseOp = [0x05];
export const call = (f: number) => [0x10, ...uleb(f)];
export const select = [0x1b];
export const i32and = [0x71];
export const sub = [0x6b];
export const eqz = [0x45];
export const tee = (i: number) => [0x22, ...uleb(i)];
export const f32load = [0x2a, 2, 0];
export const f32store = [0x38, 2, 0];
export const f64PromoteF32 = [0xbb];
export const f32DemoteF64 = [0xb6];
export const f64sub = [0xa1];
export const f64div = [0xa3];
export const f64gt = [0x64];
export const f64c = (v: number) => [0x44, ...f64bytes(v)];
export const vsub = [0xfd, 0xf1, 0x01];
export const vdiv = [0xfd, 0xf3, 0x01];
export const vabs = [0xfd, 0xec, 0x01];
export const vle = [0xfd, 0x4b];
export const veq = [0xfd, 0x47];
export const vand = [0xfd, 0x4e];
export const vor = [0xfd, 0x50];
export const bitselect = [0xfd, 0x52]; // (a, b, mask) -> a where mask bits are set, b elsewhere
export const vtrunc = [0xfd, 0x7a];
export const allTrue64 = [0xfd, 0xc3, 0x01];
export const i64x2gtS = [0xfd, 0xd9, 0x01];
export const i64x2ltS = [0xfd, 0xd8, 0x01];
export const i64x2shl = [0xfd, 0xcb, 0x01];
export const i64x2add = [0xfd, 0xce, 0x01];
export const i64x2extendLowI32 = [0xfd, 0xc7, 0x01];
export const i32x4truncSatF64Zero = [0xfd, 0xfc, 0x01];
export const i32xor = [0x73];
export const shl = [0x74];
export const shrS = [0x75];
export const shrU = [0x76];
export const rotl = [0x77];
export const geU = [0x4f];
export const ltU = [0x49];
export const f64ConvertI32S = [0xb7];
export const f64ConvertI32U = [0xb8];
export const f64lt = [0x63];
export const f64eq = [0x61];
/** Loads and stores at a constant byte offset from the address on the stack. */
export const i32loadAt = (offset: number) => [0x28, 2, ...uleb(offset)];
export const i32storeAt = (offset: number) => [0x36, 2, ...uleb(offset)];
export const f64loadAt = (offset: number) => [0x2b, 3, ...uleb(offset)];
export const i32load = i32loadAt(0);
export const f64load = f64loadAt(0);
/** `if` whose two arms leave one float64 on the stack. */
export const ifF64 = [0x04, F64];

export function f64bytes(v: number): number[] {
  return Array.from(new Uint8Array(Float64Array.of(v).buffer));
}
/** v128.const with both float64 lanes = v. */
export const f64x2c = (v: number) => [0xfd, 0x0c, ...f64bytes(v), ...f64bytes(v)];
/** v128.const with both int64 lanes = v. */
export const i64x2c = (v: bigint) => {
  const b = Array.from(new Uint8Array(BigInt64Array.of(v).buffer));
  return [0xfd, 0x0c, ...b, ...b];
};

/** `while (!exitCond) { body }` */
export const whileNot = (exitCond: number[], body: number[]) => [
  ...block,
  ...loop,
  ...exitCond,
  ...brIf(1),
  ...body,
  ...br(0),
  ...end,
  ...end,
];

/** A function body with local declarations (params are not listed). */
export function body(locals: [number, number][], code: number[]): number[] {
  const decl = vec(locals.map(([count, type]) => [...uleb(count), type]));
  const all = [...decl, ...code, ...end];
  return [...uleb(all.length), ...all];
}

/** One exported function: parameter and result types (I32, F64, ...) and its body (`body`). */
export interface FuncDef {
  name: string;
  params: number[];
  results?: number[];
  body: number[];
}

/** A JavaScript function the module calls (function index = its position in `imports`). */
export interface ImportDef {
  module: string;
  field: string;
  params: number[];
  results?: number[];
  fn: (...args: number[]) => number;
}

const funcType = (params: number[], results: number[] = []) => [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];

/** Module bytes: imports first (indices 0..), then `funcs` (indices imports.length..), memory "memory". */
export function moduleBytes(o: { imports?: ImportDef[]; funcs: FuncDef[] }): Uint8Array {
  const imports = o.imports ?? [];
  const types = [...imports.map((f) => funcType(f.params, f.results)), ...o.funcs.map((f) => funcType(f.params, f.results))];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec(imports.map((f, t) => [...name(f.module), ...name(f.field), 0x00, ...uleb(t)]))),
    ...section(3, vec(o.funcs.map((_, t) => uleb(imports.length + t)))),
    ...section(5, vec([[0x00, ...uleb(16)]])), // memory: min 16 pages (1 MiB), no max
    ...section(7, vec([[...name("memory"), 0x02, 0], ...o.funcs.map((f, t) => [...name(f.name), 0x00, ...uleb(imports.length + t)])])),
    ...section(10, vec(o.funcs.map((f) => f.body))),
  ];
  return Uint8Array.from(bytes);
}

/** An instantiated module: typed views of its memory (refreshed after growth) and its exports. */
export interface WasmInstance {
  f64(): Float64Array;
  f32(): Float32Array;
  /** Makes the memory at least `bytes` long. */
  reserve(bytes: number): void;
  exports: Record<string, unknown>;
}

/** Assembles and instantiates a module, or returns null where WebAssembly SIMD is unavailable (or LS_NO_WASM is set). */
export function instantiate(who: string, o: { imports?: ImportDef[]; funcs: FuncDef[] }): WasmInstance | null {
  if (process.env.LS_NO_WASM) return null;
  if (typeof WebAssembly === "undefined") return null;
  const bytes = moduleBytes(o);
  if (!WebAssembly.validate(bytes)) return null;
  const env: Record<string, Record<string, unknown>> = {};
  for (const f of o.imports ?? []) (env[f.module] ??= {})[f.field] = f.fn;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), env);
  const memory = inst.exports.memory as WasmMemory;
  let v64 = new Float64Array(memory.buffer);
  let v32 = new Float32Array(memory.buffer);
  return {
    f64: () => (v64.buffer === memory.buffer ? v64 : (v64 = new Float64Array(memory.buffer))),
    f32: () => (v32.buffer === memory.buffer ? v32 : (v32 = new Float32Array(memory.buffer))),
    reserve(bytes: number) {
      const have = memory.buffer.byteLength;
      if (bytes > have) {
        if (bytes > 2 ** 31 - 1) throw new Error(`${who}: ${bytes} bytes exceed the 2 GiB this module addresses; use smaller problems`);
        memory.grow(Math.ceil((bytes - have) / 65536));
      }
    },
    exports: inst.exports,
  };
}
