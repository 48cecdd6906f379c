/**
 * The float64 kernels of the classifiers as a small WebAssembly module with 128-bit SIMD (two
 * float64 lanes), assembled here byte by byte so there is no build step and no dependency:
 *   xwt: Z[i*K + k] = B[k] + sum_j X[i*n + j] W[k*n + j]
 *   rtx: G[k*n + j] += sum_i R[i*K + k] X[i*n + j]
 *   softmaxResidual: the per-row softmax of logistic-loss.ts on scores already in memory
 *   expInPlace: exp of an array, bit-identical to Math.exp
 *   nbq: the naive Bayes quadratic forms sum_j (x_j - mu_kj)^2 / v_kj, two classes per lane pair
 * The products walk rows four at a time (each weight or residual load serves four rows) and
 * features two at a time; plain IEEE float64 adds and multiplies (no fused multiply-add), so results
 * are deterministic and only the summation order differs from the JavaScript loops (tests compare
 * them). The other kernels keep the JavaScript order exactly (each lane runs the scalar code's
 * operations in the scalar code's order), so they give the JavaScript results bit for bit.
 * `wasmKernels()` returns null where WebAssembly SIMD is unavailable; callers then use JavaScript.
 */

import {
  F64,
  I32,
  V128,
  add,
  allTrue64,
  bitselect,
  body,
  call,
  elseOp,
  end,
  f64add,
  f64c,
  f64div,
  f64gt,
  f64load,
  f64mul,
  f64store,
  f64sub,
  f64x2c,
  geS,
  get,
  gtS,
  i32and,
  i32c,
  i32load,
  i32x4truncSatF64Zero,
  i64x2add,
  i64x2c,
  i64x2extendLowI32,
  i64x2gtS,
  i64x2ltS,
  i64x2shl,
  ifOpen,
  instantiate,
  lane,
  ltS,
  mul,
  select,
  set,
  splat,
  vabs,
  vadd,
  vand,
  vdiv,
  veq,
  vle,
  vload,
  vmul,
  vor,
  vstore,
  vsub,
  vtrunc,
  vzero,
  whileNot,
} from "../../core/wasm";

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

/**
 * fdlibm's e_exp.c, which V8's Math.exp is (src/base/ieee754.cc), on two lanes at once. Lanes with
 * |x| <= 707 take the vector path: the same reduction x = k ln2 + r (ln2 split in hi and lo parts),
 * the same degree-5 polynomial and the same scaling by 2^k, with fdlibm's branches (|x| < 2^-28,
 * |x| <= ln2/2: k = 0, |x| < 1.5 ln2: k = +-1, and V8's own exp(1) = Math.E) turned into lane
 * masks that select the value the scalar code returns. Every operation is the scalar code's, in
 * its order, so each lane equals Math.exp(x) bit for bit (tested against Math.exp on Node 20's V8;
 * a V8 that changed its exp would fail that test). A pair with a lane outside that range
 * (overflow, underflow, subnormal results, NaN, infinities) calls the imported Math.exp for both.
 * expInPlace(p, count): params 0..1. Locals: 2 end (i32), 3 x, 4 t, 5 hi, 6 lo, 7 r, 8 rr, 9 c,
 * 10 y, 11 sign (v128).
 */
// fdlibm's constants, as the shortest decimals of the same doubles (bit patterns in the comments)
const LN2_HI = 0.6931471803691238; // 3fe62e42 fee00000
const LN2_LO = 1.9082149292705877e-10; // 3dea39ef 35793c76
// biome-ignore lint/suspicious/noApproximativeNumericConstant: fdlibm's invln2, kept beside its kin (equal to Math.LOG2E)
const INV_LN2 = 1.4426950408889634; // 3ff71547 652b82fe
const EXP_P = [
  0.16666666666666602, // P1 3fc55555 5555553e
  -0.0027777777777015593, // P2 bf66c16c 16bebd93
  0.00006613756321437934, // P3 3f11566a af25de2c
  -0.0000016533902205465252, // P4 bebbbd41 c5d26bf1
  4.1381367970572385e-8, // P5 3e663769 72bea4d0
];
/** The imported Math.exp's function index. */
const EXP_IMPORT = 0;

function expBody(): number[] {
  const [p, count, endp, x, t, hi, lo, r, rr, c, y, sign] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  // |x| compared on its bit pattern as fdlibm compares the high word
  const absBits = [...get(x), ...vabs];
  const big = [...absBits, ...i64x2c(0x3fd62e42ffffffffn), ...i64x2gtS]; // |x| > ln2/2
  const mid = [...absBits, ...i64x2c(0x3ff0a2b200000000n), ...i64x2ltS]; // |x| < 1.5 ln2
  const tiny = [...absBits, ...i64x2c(0x3e30000000000000n), ...i64x2ltS]; // |x| < 2^-28
  const vectorPath = [
    ...get(x),
    ...i64x2c(-0x8000000000000000n),
    ...vand,
    ...set(sign),
    // k = (int)(x / ln2 +- 1/2), or +-1, or 0
    ...f64x2c(INV_LN2),
    ...get(x),
    ...vmul,
    ...f64x2c(0.5),
    ...get(sign),
    ...vor,
    ...vadd,
    ...vtrunc,
    ...set(t),
    ...f64x2c(1),
    ...get(sign),
    ...vor,
    ...get(t),
    ...mid,
    ...bitselect,
    ...set(t),
    ...get(t),
    ...f64x2c(0),
    ...big,
    ...bitselect,
    ...set(t),
    ...get(x),
    ...get(t),
    ...f64x2c(LN2_HI),
    ...vmul,
    ...vsub,
    ...set(hi),
    ...get(t),
    ...f64x2c(LN2_LO),
    ...vmul,
    ...set(lo),
    ...get(hi),
    ...get(lo),
    ...vsub,
    ...set(r),
    ...get(r),
    ...get(r),
    ...vmul,
    ...set(rr),
    // c = r - rr (P1 + rr (P2 + rr (P3 + rr (P4 + rr P5))))
    ...get(rr),
    ...f64x2c(EXP_P[4]!),
    ...vmul,
    ...f64x2c(EXP_P[3]!),
    ...vadd,
    ...get(rr),
    ...vmul,
    ...f64x2c(EXP_P[2]!),
    ...vadd,
    ...get(rr),
    ...vmul,
    ...f64x2c(EXP_P[1]!),
    ...vadd,
    ...get(rr),
    ...vmul,
    ...f64x2c(EXP_P[0]!),
    ...vadd,
    ...get(rr),
    ...vmul,
    ...set(c),
    ...get(r),
    ...get(c),
    ...vsub,
    ...set(c),
    // y = 1 - ((lo - r c / (2 - c)) - hi), then 2^k y by adding k to the exponent field
    ...f64x2c(1),
    ...get(lo),
    ...get(r),
    ...get(c),
    ...vmul,
    ...f64x2c(2),
    ...get(c),
    ...vsub,
    ...vdiv,
    ...vsub,
    ...get(hi),
    ...vsub,
    ...vsub,
    ...get(t),
    ...i32x4truncSatF64Zero,
    ...i64x2extendLowI32,
    ...i32c(52),
    ...i64x2shl,
    ...i64x2add,
    ...set(y),
    ...f64x2c(Math.E),
    ...get(y),
    ...get(x),
    ...f64x2c(1),
    ...veq,
    ...bitselect,
    ...set(y),
    ...get(p),
    ...f64x2c(1),
    ...get(x),
    ...vadd,
    ...get(y),
    ...tiny,
    ...bitselect,
    ...vstore,
  ];
  const scalarLane = (off: number) => [
    ...get(p),
    ...i32c(off),
    ...add,
    ...get(p),
    ...i32c(off),
    ...add,
    ...f64load,
    ...call(EXP_IMPORT),
    ...f64store,
  ];
  const pair = [
    ...get(p),
    ...vload,
    ...set(x),
    ...get(x),
    ...vabs,
    ...f64x2c(707),
    ...vle,
    ...allTrue64,
    ...ifOpen,
    ...vectorPath,
    ...elseOp,
    ...scalarLane(0),
    ...scalarLane(8),
    ...end,
    ...get(p),
    ...i32c(16),
    ...add,
    ...set(p),
  ];
  const code = [
    ...get(p),
    ...get(count),
    ...i32c(-2),
    ...i32and,
    ...i32c(8),
    ...mul,
    ...add,
    ...set(endp),
    ...whileNot([...get(p), ...get(endp), ...geS], pair),
    ...get(count),
    ...i32c(1),
    ...i32and,
    ...ifOpen,
    ...scalarLane(0),
    ...end,
  ];
  return body(
    [
      [1, I32],
      [9, V128],
    ],
    code,
  );
}

/** Function indices: the import, then the functions in wasmKernels' order. */
const FN = { exp: 3 };

/**
 * softmaxResidual(Z, Y, m, K, ce, S, GB): params 0..6 (ce float64, the rest i32; Y int32 labels).
 * For each row of scores z (m x K, in place) as softmaxObjective's loop: zmax, z - zmax, exp (the
 * whole array in one expInPlace), sum, then the residual ce (softmax - onehot); S[3i..3i+2] =
 * (zmax, sum, z_y) for the loss, GB[k] = sum over rows of the residual (the intercept gradient).
 * Locals: 7 i, 8 k, 9 row, 10 yi (i32), 11 zmax, 12 v, 13 sum (f64).
 */
function softmaxBody(): number[] {
  const [Z, Y, m, K, ce, S, GB] = [0, 1, 2, 3, 4, 5, 6];
  const [i, k, row, yi, zmax, v, sum] = [7, 8, 9, 10, 11, 12, 13];
  const at = (base: number, idx: number) => [...get(base), ...get(idx), ...i32c(8), ...mul, ...add];
  const overK = (bodyCode: number[]) => [
    ...i32c(0),
    ...set(k),
    ...whileNot([...get(k), ...get(K), ...geS], [...bodyCode, ...get(k), ...i32c(1), ...add, ...set(k)]),
  ];
  const overRows = (bodyCode: number[]) => [
    ...i32c(0),
    ...set(i),
    ...whileNot(
      [...get(i), ...get(m), ...geS],
      [
        ...get(Z),
        ...get(i),
        ...get(K),
        ...mul,
        ...i32c(8),
        ...mul,
        ...add,
        ...set(row),
        ...get(Y),
        ...get(i),
        ...i32c(4),
        ...mul,
        ...add,
        ...i32load,
        ...set(yi),
        ...bodyCode,
        ...get(i),
        ...i32c(1),
        ...add,
        ...set(i),
      ],
    ),
  ];
  const stat = (slot: number) => [...get(S), ...get(i), ...i32c(3), ...mul, ...i32c(slot), ...add, ...i32c(8), ...mul, ...add];
  const passA = overRows([
    ...f64c(Number.NEGATIVE_INFINITY),
    ...set(zmax),
    ...overK([...at(row, k), ...f64load, ...set(v), ...get(v), ...get(zmax), ...get(v), ...get(zmax), ...f64gt, ...select, ...set(zmax)]),
    ...stat(0),
    ...get(zmax),
    ...f64store,
    ...stat(2),
    ...at(row, yi),
    ...f64load,
    ...f64store,
    ...overK([...at(row, k), ...at(row, k), ...f64load, ...get(zmax), ...f64sub, ...f64store]),
  ]);
  const passB = [...get(Z), ...get(m), ...get(K), ...mul, ...call(FN.exp)];
  const passC = [
    ...overK([...at(GB, k), ...f64c(0), ...f64store]),
    ...overRows([
      ...f64c(0),
      ...set(sum),
      ...overK([...get(sum), ...at(row, k), ...f64load, ...f64add, ...set(sum)]),
      ...stat(1),
      ...get(sum),
      ...f64store,
      ...get(ce),
      ...get(sum),
      ...f64div,
      ...set(v),
      ...overK([...at(row, k), ...at(row, k), ...f64load, ...get(v), ...f64mul, ...f64store]),
      ...at(row, yi),
      ...at(row, yi),
      ...f64load,
      ...get(ce),
      ...f64sub,
      ...f64store,
      ...overK([...at(GB, k), ...at(GB, k), ...f64load, ...at(row, k), ...f64load, ...f64add, ...f64store]),
    ]),
  ];
  return body(
    [
      [4, I32],
      [3, F64],
    ],
    [...passA, ...passB, ...passC],
  );
}

/**
 * nbq(X, m, n, MU, IV, Kp, Q): params 0..6. MU and IV are [n, Kp] (class index fastest, Kp even),
 * Q [m, Kp]: Q[i, k] = sum_j ((x_ij - mu_kj)^2) iv_kj, summed over j in order like the scalar loop.
 * Locals: 7 i, 8 kp, 9 j, 10 xRow, 11 mp, 12 ip, 13 stride (i32), 14 acc, 15 d (v128).
 */
function nbqBody(): number[] {
  const [X, m, n, MU, IV, Kp, Q] = [0, 1, 2, 3, 4, 5, 6];
  const [i, kp, j, xRow, mp, ip, stride, acc, d] = [7, 8, 9, 10, 11, 12, 13, 14, 15];
  const jLoop = [
    ...get(xRow),
    ...get(j),
    ...i32c(8),
    ...mul,
    ...add,
    ...f64load,
    ...splat,
    ...get(mp),
    ...vload,
    ...vsub,
    ...set(d),
    ...get(acc),
    ...get(d),
    ...get(d),
    ...vmul,
    ...get(ip),
    ...vload,
    ...vmul,
    ...vadd,
    ...set(acc),
    ...get(mp),
    ...get(stride),
    ...add,
    ...set(mp),
    ...get(ip),
    ...get(stride),
    ...add,
    ...set(ip),
    ...get(j),
    ...i32c(1),
    ...add,
    ...set(j),
  ];
  const kLoop = [
    ...vzero,
    ...set(acc),
    ...get(MU),
    ...get(kp),
    ...i32c(8),
    ...mul,
    ...add,
    ...set(mp),
    ...get(IV),
    ...get(kp),
    ...i32c(8),
    ...mul,
    ...add,
    ...set(ip),
    ...i32c(0),
    ...set(j),
    ...whileNot([...get(j), ...get(n), ...geS], jLoop),
    ...get(Q),
    ...get(i),
    ...get(Kp),
    ...mul,
    ...get(kp),
    ...add,
    ...i32c(8),
    ...mul,
    ...add,
    ...get(acc),
    ...vstore,
    ...get(kp),
    ...i32c(2),
    ...add,
    ...set(kp),
  ];
  const iLoop = [
    ...get(X),
    ...get(i),
    ...get(n),
    ...mul,
    ...i32c(8),
    ...mul,
    ...add,
    ...set(xRow),
    ...i32c(0),
    ...set(kp),
    ...whileNot([...get(kp), ...get(Kp), ...geS], kLoop),
    ...get(i),
    ...i32c(1),
    ...add,
    ...set(i),
  ];
  const code = [...get(Kp), ...i32c(8), ...mul, ...set(stride), ...i32c(0), ...set(i), ...whileNot([...get(i), ...get(m), ...geS], iLoop)];
  return body(
    [
      [7, I32],
      [2, V128],
    ],
    code,
  );
}

/** The instantiated module: its memory and the two products (addresses are byte offsets). */
export interface WasmKernels {
  /** Float64 view of the module memory (refreshed after growth). */
  f64(): Float64Array;
  /** Makes the memory at least `bytes` long. */
  reserve(bytes: number): void;
  xwt(X: number, m: number, n: number, W: number, K: number, B: number, Z: number): void;
  rtx(R: number, X: number, m: number, n: number, K: number, G: number): void;
  /** a[t] = Math.exp(a[t]) for `count` float64 values at byte address `a` (bit-identical). */
  expInPlace(a: number, count: number): void;
  softmaxResidual(Z: number, Y: number, m: number, K: number, ce: number, S: number, GB: number): void;
  nbq(X: number, m: number, n: number, MU: number, IV: number, Kp: number, Q: number): void;
}

let cached: WasmKernels | null | undefined;

/** The SIMD kernels of this thread, or null where WebAssembly SIMD is unavailable (or LS_NO_WASM is set). */
export function wasmKernels(): WasmKernels | null {
  if (cached !== undefined) return cached;
  const i32s = (k: number) => new Array(k).fill(I32);
  const inst = instantiate("classifier kernels", {
    imports: [{ module: "Math", field: "exp", params: [F64], results: [F64], fn: Math.exp }],
    funcs: [
      { name: "xwt", params: i32s(7), body: xwtBody() },
      { name: "rtx", params: i32s(6), body: rtxBody() },
      { name: "expInPlace", params: i32s(2), body: expBody() },
      { name: "softmaxResidual", params: [I32, I32, I32, I32, F64, I32, I32], body: softmaxBody() },
      { name: "nbq", params: i32s(7), body: nbqBody() },
    ],
  });
  if (inst === null) return (cached = null);
  const fn = <K extends keyof WasmKernels>(key: K) => inst.exports[key] as WasmKernels[K];
  cached = {
    f64: inst.f64,
    reserve: inst.reserve,
    xwt: fn("xwt"),
    rtx: fn("rtx"),
    expInPlace: fn("expInPlace"),
    softmaxResidual: fn("softmaxResidual"),
    nbq: fn("nbq"),
  };
  return cached;
}
