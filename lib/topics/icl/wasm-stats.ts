/**
 * The per-task statistics C = (1/n) Σ_i z_i z_iᵀ of task-stats.ts as a WebAssembly SIMD kernel
 * (assembled by core/wasm.ts). Each task's tokens are packed row-major in float64, padded to an
 * even width, so the pair C[j][k], C[j][k+1] is one two-lane accumulator over i: each lane adds
 * z_ij z_ik for i = 0, 1, … in order, exactly the sum the JavaScript loop forms, then multiplies by
 * 1/n and rounds to float32 as the Float32Array store does. So the kernel returns the JavaScript
 * values bit for bit (test/topics/icl/task-stats.test.ts), about twice as fast: the statistics were
 * a quarter of a one-step-gd training step (docs/performance.md).
 */
import {
  add,
  body,
  end,
  F64,
  f32DemoteF64,
  f32load,
  f32store,
  f64c,
  f64loadAt,
  f64mul,
  f64PromoteF32,
  f64store,
  geS,
  gtS,
  get,
  I32,
  i32and,
  i32c,
  ifOpen,
  instantiate,
  lane,
  ltS,
  mul,
  set,
  splat,
  tee,
  V128,
  vadd,
  vload,
  vmul,
  vzero,
  whileNot,
} from "../../core/wasm";

/**
 * stats(X, Y, XQ, B, n, d, q, inv, C, T): params 0..9 (inv float64, the rest i32; X, Y, XQ and C
 * float32 arrays, T a float64 scratch of (n + q) × Dp). Locals: 10 b, 11 i, 12 j, 13 k, 14 D,
 * 15 Dp, 16 rows, 17 src, 18 trow, 19 o, 20 pj, 21 pk, 22 pend, 23 stride (i32); 24 acc (v128);
 * 25 s (f64); 26 acc2 (v128).
 */
function statsBody(): number[] {
  const [X, Y, XQ, B, n, d, q, inv, C, T] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [b, i, j, k, D, Dp, rows, src, trow, o, pj, pk, pend, stride, acc, s, acc2] = [
    10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
  ];
  const inc = (v: number, by = 1) => [...get(v), ...i32c(by), ...add, ...set(v)];
  const loopTo = (v: number, from: number[], limit: number[], code: number[], step = 1) => [
    ...from,
    ...set(v),
    ...whileNot([...get(v), ...limit, ...geS], [...code, ...inc(v, step)]),
  ];
  /** Byte address base + index * bytes (index: code leaving an i32). */
  const at = (base: number, index: number[], bytes: number) => [...get(base), ...index, ...i32c(bytes), ...mul, ...add];
  const times = (u: number, v: number) => [...get(u), ...get(v), ...mul];
  // row i of T: d float32 covariates from `src`, then the label (or 0), then the pad column
  const packRow = (label: number[]) => [
    ...at(T, times(i, Dp), 8),
    ...set(trow),
    // pk walks the float32 source, pj the float64 row (both free until the sums)
    ...[...get(src), ...tee(pk), ...get(d), ...i32c(4), ...mul, ...add, ...set(pend), ...get(trow), ...set(pj)],
    ...whileNot(
      [...get(pk), ...get(pend), ...geS],
      [...get(pj), ...get(pk), ...f32load, ...f64PromoteF32, ...f64store, ...inc(pj, 8), ...inc(pk, 4)],
    ),
    ...at(trow, get(d), 8),
    ...label,
    ...f64store,
    ...[...get(Dp), ...get(D), ...gtS, ...ifOpen, ...at(trow, get(D), 8), ...f64c(0), ...f64store, ...end],
  ];
  const pack = [
    ...loopTo(i, i32c(0), get(n), [
      ...at(X, [...times(b, n), ...get(i), ...add, ...get(d), ...mul], 4),
      ...set(src),
      ...packRow([...at(Y, [...times(b, n), ...get(i), ...add], 4), ...f32load, ...f64PromoteF32]),
    ]),
    // the query token (x_q, 0) when it enters the statistics; here i = n
    ...[...get(q), ...ifOpen, ...at(XQ, times(b, d), 4), ...set(src), ...packRow(f64c(0)), ...end],
  ];
  // C[o + row D + col] = C[o + col D + row] = float32(s) for entry (row, k + l), row = j + dj, when
  // row <= k + l < D (row < D follows: rows j + 1 = D only read the zero pad column)
  const storeLane = (sum: number, dj: number, l: number) => {
    const kl = [...get(k), ...i32c(l), ...add];
    const row = [...get(j), ...i32c(dj), ...add];
    return [
      ...[...kl, ...row, ...geS, ...kl, ...get(D), ...ltS, ...i32and, ...ifOpen],
      ...[...get(sum), ...lane(l), ...get(inv), ...f64mul, ...set(s)],
      ...[...at(C, [...get(o), ...row, ...get(D), ...mul, ...add, ...kl, ...add], 4), ...get(s), ...f32DemoteF64, ...f32store],
      ...[...at(C, [...get(o), ...kl, ...get(D), ...mul, ...add, ...row, ...add], 4), ...get(s), ...f32DemoteF64, ...f32store],
      ...end,
    ];
  };
  // pointers to T[0][j] and T[0][k], stepped one row (Dp float64) at a time; rows j and j + 1 share
  // each row's load of columns k, k + 1 (T[i][j + 1] is at pj + 8), and each lane still sums over
  // i in order, so the entries are the one-row-at-a-time sums bit for bit
  const stepBy = (v: number) => [...get(v), ...get(stride), ...add, ...set(v)];
  const accumulate = (sum: number, offset: number) => [
    ...get(sum),
    ...get(pj),
    ...f64loadAt(offset),
    ...splat,
    ...get(pk),
    ...vload,
    ...vmul,
    ...vadd,
    ...set(sum),
  ];
  const pairSum = [
    ...vzero,
    ...set(acc),
    ...vzero,
    ...set(acc2),
    ...[...at(T, get(j), 8), ...set(pj), ...at(T, get(k), 8), ...set(pk), ...get(pj), ...times(rows, stride), ...add, ...set(pend)],
    ...whileNot([...get(pj), ...get(pend), ...geS], [...accumulate(acc, 0), ...accumulate(acc2, 8), ...stepBy(pj), ...stepBy(pk)]),
  ];
  // rows j, j + 1 (j even) against columns k, k + 1 from j on
  const entries = loopTo(
    j,
    i32c(0),
    get(D),
    loopTo(
      k,
      get(j),
      get(D),
      [...pairSum, ...storeLane(acc, 0, 0), ...storeLane(acc, 0, 1), ...storeLane(acc2, 1, 0), ...storeLane(acc2, 1, 1)],
      2,
    ),
    2,
  );
  const code = [
    ...[...get(d), ...i32c(1), ...add, ...set(D)],
    ...[...get(D), ...get(D), ...i32c(1), ...i32and, ...add, ...set(Dp)], // D rounded up to even
    ...[...get(n), ...get(q), ...add, ...set(rows)],
    ...[...get(Dp), ...i32c(8), ...mul, ...set(stride)],
    ...loopTo(b, i32c(0), get(B), [...times(b, D), ...get(D), ...mul, ...set(o), ...pack, ...entries]),
  ];
  return body(
    [
      [14, I32],
      [1, V128],
      [1, F64],
      [1, V128],
    ],
    code,
  );
}

interface StatsKernel {
  /** C (B × D × D float32) of tasks X [B, n, d], y [B, n], xq [B, d]; the result is a fresh array. */
  stats(o: { X: Float32Array; y: Float32Array; xq: Float32Array; B: number; n: number; d: number; includeQuery: boolean }): Float32Array;
}

let cached: StatsKernel | null | undefined;

/** The kernel of this thread, or null where WebAssembly SIMD is unavailable (or LS_NO_WASM is set). */
export function statsKernel(): StatsKernel | null {
  if (cached !== undefined) return cached;
  const inst = instantiate("icl statistics kernel", {
    funcs: [{ name: "stats", params: [I32, I32, I32, I32, I32, I32, I32, F64, I32, I32], body: statsBody() }],
  });
  if (inst === null) return (cached = null);
  const run = inst.exports.stats as (...a: number[]) => void;
  // byte offsets rounded up to 8 so every float64 region is aligned
  const up8 = (v: number) => Math.ceil(v / 8) * 8;
  cached = {
    stats({ X, y, xq, B, n, d, includeQuery }) {
      const D = d + 1;
      const rows = includeQuery ? n + 1 : n;
      const xAt = 0;
      const yAt = up8(xAt + X.length * 4);
      const qAt = up8(yAt + y.length * 4);
      const cAt = up8(qAt + xq.length * 4);
      const tAt = up8(cAt + B * D * D * 4);
      inst.reserve(tAt + rows * (D + 1) * 8);
      const f32 = inst.f32();
      f32.set(X, xAt / 4);
      f32.set(y, yAt / 4);
      f32.set(xq, qAt / 4);
      run(xAt, yAt, qAt, B, n, d, includeQuery ? 1 : 0, 1 / n, cAt, tAt);
      return inst.f32().slice(cAt / 4, cAt / 4 + B * D * D);
    },
  };
  return cached;
}
