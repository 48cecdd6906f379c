/**
 * The two products of matmul.ts as a small WebAssembly module with 128-bit SIMD (two float64
 * lanes), assembled here byte by byte so there is no build step and no dependency:
 *   xwt: Z[i*K + k] = B[k] + sum_j X[i*n + j] W[k*n + j]
 *   rtx: G[k*n + j] += sum_i R[i*K + k] X[i*n + j]
 * Both walk rows four at a time (each weight or residual load serves four rows) and features two
 * at a time. Plain IEEE float64 adds and multiplies (no fused multiply-add), so results are
 * deterministic; only the summation order differs from the JavaScript loops (tests compare them).
 * `wasmKernels()` returns null where WebAssembly SIMD is unavailable; callers then use matmul.ts.
 */

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
declare const WebAssembly: WasmApi;

const I32 = 0x7f;
const V128 = 0x7b;
const F64 = 0x7c;

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
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

const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// instructions
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const add = [0x6a];
const mul = [0x6c];
const gtS = [0x4a];
const geS = [0x4e];
const ltS = [0x48];
const f64load = [0x2b, 3, 0];
const f64store = [0x39, 3, 0];
const f64add = [0xa0];
const f64mul = [0xa2];
const vload = [0xfd, 0x00, 3, 0];
const vstore = [0xfd, 0x0b, 3, 0];
const splat = [0xfd, 0x14];
const lane = (l: number) => [0xfd, 0x21, l];
const vadd = [0xfd, 0xf0, 0x01];
const vmul = [0xfd, 0xf2, 0x01];
const vzero = [0xfd, 0x0c, ...new Array(16).fill(0)];
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const end = [0x0b];
const brIf = (l: number) => [0x0d, ...uleb(l)];
const br = (l: number) => [0x0c, ...uleb(l)];
const ifOpen = [0x04, 0x40];

/** `while (!exitCond) { body }` */
const whileNot = (exitCond: number[], body: number[]) => [...block, ...loop, ...exitCond, ...brIf(1), ...body, ...br(0), ...end, ...end];

/** A function body with local declarations (params are not listed). */
function body(locals: [number, number][], code: number[]): number[] {
  const decl = vec(locals.map(([count, type]) => [...uleb(count), type]));
  const all = [...decl, ...code, ...end];
  return [...uleb(all.length), ...all];
}

/**
 * xwt(X, m, n, W, K, B, Z): params 0..6. Row blocks of R rows (R = 4, then R = 1 for the rest).
 * Locals: 7 i, 8 k, 9 jb, 10 nb, 11 wRow, 12..15 x row pointers, 16 zAddr,
 * 17..20 accumulators (v128), 21 w (v128), 22..25 scalar sums (f64), 26 bk (f64)
 */
function xwtBody(): number[] {
  const [X, , n, W, K, B, Z] = [0, 1, 2, 3, 4, 5, 6];
  const [i, k, jb, nb, wRow, xp, zAddr, acc, w, s, bk] = [7, 8, 9, 10, 11, 12, 16, 17, 21, 22, 26];
  const rowsBlock = (R: number): number[] => {
    const code: number[] = [];
    // exit when i + R > m
    const exit = [...get(i), ...i32c(R), ...add, ...get(1), ...gtS];
    const inner: number[] = [];
    // row pointers
    for (let r = 0; r < R; r++) inner.push(...get(X), ...get(i), ...i32c(r), ...add, ...get(nb), ...mul, ...add, ...set(xp + r));
    inner.push(...i32c(0), ...set(k));
    const perK: number[] = [];
    perK.push(...get(W), ...get(k), ...get(nb), ...mul, ...add, ...set(wRow));
    for (let r = 0; r < R; r++) perK.push(...vzero, ...set(acc + r));
    perK.push(...i32c(0), ...set(jb));
    const jLoop: number[] = [];
    jLoop.push(...get(wRow), ...get(jb), ...add, ...vload, ...set(w));
    for (let r = 0; r < R; r++)
      jLoop.push(...get(acc + r), ...get(w), ...get(xp + r), ...get(jb), ...add, ...vload, ...vmul, ...vadd, ...set(acc + r));
    jLoop.push(...get(jb), ...i32c(16), ...add, ...set(jb));
    perK.push(...whileNot([...get(jb), ...i32c(16), ...add, ...get(nb), ...gtS], jLoop));
    for (let r = 0; r < R; r++) perK.push(...get(acc + r), ...lane(0), ...get(acc + r), ...lane(1), ...f64add, ...set(s + r));
    // odd n: one scalar term left
    const tail: number[] = [];
    for (let r = 0; r < R; r++)
      tail.push(
        ...get(s + r),
        ...get(wRow),
        ...get(jb),
        ...add,
        ...f64load,
        ...get(xp + r),
        ...get(jb),
        ...add,
        ...f64load,
        ...f64mul,
        ...f64add,
        ...set(s + r),
      );
    perK.push(...get(jb), ...get(nb), ...ltS, ...ifOpen, ...tail, ...end);
    perK.push(...get(B), ...get(k), ...i32c(8), ...mul, ...add, ...f64load, ...set(bk));
    for (let r = 0; r < R; r++) {
      // Z[(i + r) * K + k]
      perK.push(...get(Z), ...get(i), ...i32c(r), ...add, ...get(K), ...mul, ...get(k), ...add, ...i32c(8), ...mul, ...add, ...set(zAddr));
      perK.push(...get(zAddr), ...get(s + r), ...get(bk), ...f64add, ...f64store);
    }
    perK.push(...get(k), ...i32c(1), ...add, ...set(k));
    inner.push(...whileNot([...get(k), ...get(K), ...geS], perK));
    inner.push(...get(i), ...i32c(R), ...add, ...set(i));
    code.push(...whileNot(exit, inner));
    return code;
  };
  const code = [...get(n), ...i32c(8), ...mul, ...set(nb), ...i32c(0), ...set(i), ...rowsBlock(4), ...rowsBlock(1)];
  return body(
    [
      [10, I32],
      [5, V128],
      [5, F64],
    ],
    code,
  );
}

/**
 * rtx(R, X, m, n, K, G): params 0..5.
 * Locals: 6 i, 7 k, 8 jb, 9 nb, 10 gRow, 11..14 x row pointers, 15 addr, 16..19 r splats (v128),
 * 20..23 scalar r (f64)
 */
function rtxBody(): number[] {
  const [Rp, X, , n, K, G] = [0, 1, 2, 3, 4, 5];
  const [i, k, jb, nb, gRow, xp, addr, rv, rs] = [6, 7, 8, 9, 10, 11, 15, 16, 20];
  const rowsBlock = (R: number): number[] => {
    const exit = [...get(i), ...i32c(R), ...add, ...get(2), ...gtS];
    const inner: number[] = [];
    for (let r = 0; r < R; r++) inner.push(...get(X), ...get(i), ...i32c(r), ...add, ...get(nb), ...mul, ...add, ...set(xp + r));
    inner.push(...i32c(0), ...set(k));
    const perK: number[] = [];
    for (let r = 0; r < R; r++) {
      perK.push(
        ...get(Rp),
        ...get(i),
        ...i32c(r),
        ...add,
        ...get(K),
        ...mul,
        ...get(k),
        ...add,
        ...i32c(8),
        ...mul,
        ...add,
        ...f64load,
        ...set(rs + r),
      );
      perK.push(...get(rs + r), ...splat, ...set(rv + r));
    }
    perK.push(...get(G), ...get(k), ...get(nb), ...mul, ...add, ...set(gRow));
    perK.push(...i32c(0), ...set(jb));
    const jLoop: number[] = [...get(gRow), ...get(jb), ...add, ...set(addr), ...get(addr), ...get(addr), ...vload];
    for (let r = 0; r < R; r++) jLoop.push(...get(rv + r), ...get(xp + r), ...get(jb), ...add, ...vload, ...vmul, ...vadd);
    jLoop.push(...vstore, ...get(jb), ...i32c(16), ...add, ...set(jb));
    perK.push(...whileNot([...get(jb), ...i32c(16), ...add, ...get(nb), ...gtS], jLoop));
    const tail: number[] = [...get(gRow), ...get(jb), ...add, ...set(addr), ...get(addr), ...get(addr), ...f64load];
    for (let r = 0; r < R; r++) tail.push(...get(rs + r), ...get(xp + r), ...get(jb), ...add, ...f64load, ...f64mul, ...f64add);
    tail.push(...f64store);
    perK.push(...get(jb), ...get(nb), ...ltS, ...ifOpen, ...tail, ...end);
    perK.push(...get(k), ...i32c(1), ...add, ...set(k));
    inner.push(...whileNot([...get(k), ...get(K), ...geS], perK));
    inner.push(...get(i), ...i32c(R), ...add, ...set(i));
    return whileNot(exit, inner);
  };
  const code = [...get(n), ...i32c(8), ...mul, ...set(nb), ...i32c(0), ...set(i), ...rowsBlock(4), ...rowsBlock(1)];
  return body(
    [
      [10, I32],
      [4, V128],
      [4, F64],
    ],
    code,
  );
}

function moduleBytes(): Uint8Array {
  const type7 = [0x60, ...vec(new Array(7).fill([I32])), 0];
  const type6 = [0x60, ...vec(new Array(6).fill([I32])), 0];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([type7, type6])),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, ...uleb(16)]])), // memory: min 16 pages (1 MiB), no max
    ...section(
      7,
      vec([
        [...name("memory"), 0x02, 0],
        [...name("xwt"), 0x00, 0],
        [...name("rtx"), 0x00, 1],
      ]),
    ),
    ...section(10, vec([xwtBody(), rtxBody()])),
  ];
  return Uint8Array.from(bytes);
}

/** The instantiated module: its memory and the two products (addresses are byte offsets). */
export interface WasmKernels {
  /** Float64 view of the module memory (refreshed after growth). */
  f64(): Float64Array;
  /** Makes the memory at least `bytes` long. */
  reserve(bytes: number): void;
  xwt(X: number, m: number, n: number, W: number, K: number, B: number, Z: number): void;
  rtx(R: number, X: number, m: number, n: number, K: number, G: number): void;
}

let cached: WasmKernels | null | undefined;

/** The SIMD kernels of this thread, or null where WebAssembly SIMD is unavailable (or LS_NO_WASM is set). */
export function wasmKernels(): WasmKernels | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.env.LS_NO_WASM) return cached;
  if (typeof WebAssembly === "undefined") return cached;
  const bytes = moduleBytes();
  if (!WebAssembly.validate(bytes)) return cached;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const memory = inst.exports.memory as WasmMemory;
  const xwt = inst.exports.xwt as WasmKernels["xwt"];
  const rtx = inst.exports.rtx as WasmKernels["rtx"];
  let view = new Float64Array(memory.buffer);
  cached = {
    f64: () => (view.buffer === memory.buffer ? view : (view = new Float64Array(memory.buffer))),
    reserve(bytes: number) {
      const have = memory.buffer.byteLength;
      if (bytes > have) {
        if (bytes > 2 ** 31 - 1)
          throw new Error(`wasm kernels: ${bytes} bytes exceed the 2 GiB this module addresses; use smaller problems`);
        memory.grow(Math.ceil((bytes - have) / 65536));
      }
    },
    xwt,
    rtx,
  };
  return cached;
}
