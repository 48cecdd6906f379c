/**
 * Bulk N(0, 1) and U(lo, hi) draws, seeded from an `Rng`.
 *
 * Why not `Rng.normal`: a training step of the icl study needs ~2.7e5 normals and a simulation row
 * of gen-vs-disc 640; the polar method costs ~45 ns a draw, the ziggurat below ~2-3x less.
 *
 * Algorithm: Doornik's ZIGNOR ziggurat (128 layers, Marsaglia-Tsang's R and V), one 32-bit draw
 * per normal on the fast path (97.2% of 32-bit words): the layer index is the low 7 bits and the uniform
 * the top 25 bits of the same draw, disjoint bits, which avoids the correlation Doornik (2005)
 * found in Marsaglia-Tsang's original. The base strip uses Marsaglia's exact tail beyond R.
 *
 * The stream forks its generator: the constructor takes four 32-bit words from the caller's `Rng`
 * and runs an independent xoshiro128** from them, so the caller's own later draws do not depend on
 * how many normals were taken. The generator is inlined with its state in locals, not called as
 * `Rng.nextUint32`: a method call per draw made the fill 2-3x slower (44-80 vs 25-28 ns a draw on
 * the 2-core CI machine); test/core/normal.test.ts checks its words equal `Rng.fromState`'s. This is exactly the stream of the former
 * lib/icl/normal.ts NormalStream (bit-identical). The former lib/classifiers/gaussian.ts
 * (Marsaglia-Tsang layout, layer bits from a separate draw, drawing on the caller's Rng directly)
 * gives a different, statistically equivalent stream.
 *
 * Fills of KERNEL_MIN_DRAWS or more run in WebAssembly (core/normal-wasm.ts): the same draws bit for
 * bit and the same end state, in about half the time (docs/performance.md, 2026-12-05). The
 * JavaScript loop here stays the reference the kernel is tested against, and serves short fills and
 * hosts without WebAssembly (or LS_NO_WASM).
 */
import { zigguratKernel } from "./normal-wasm";
import type { Rng } from "./rng";

const ZIG_C = 128;
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
/** Layer right edges x_i (x_0 is the base strip's pseudo-width V/f(R), x_128 = 0). */
const ZIG_X = new Float64Array(ZIG_C + 1);
/** x_{i+1}/x_i: a uniform with |u| below this lies inside layer i's rectangle. */
const ZIG_RATIO = new Float64Array(ZIG_C);
(() => {
  let f = Math.exp(-0.5 * ZIG_R * ZIG_R);
  ZIG_X[0] = ZIG_V / f;
  ZIG_X[1] = ZIG_R;
  ZIG_X[ZIG_C] = 0;
  for (let i = 2; i < ZIG_C; i++) {
    ZIG_X[i] = Math.sqrt(-2 * Math.log(ZIG_V / ZIG_X[i - 1]! + f));
    f = Math.exp(-0.5 * ZIG_X[i]! * ZIG_X[i]!);
  }
  for (let i = 0; i < ZIG_C; i++) ZIG_RATIO[i] = ZIG_X[i + 1]! / ZIG_X[i]!;
})();
const ZIG_TABLES = { R: ZIG_R, x: ZIG_X, ratio: ZIG_RATIO };

/**
 * Both paths give the same draws, so this only trades speed: the kernel's call and copy out cost
 * ~80 ns, against ~2 ns a draw saved, so it breaks even near 32-40 draws (measured).
 */
export const KERNEL_MIN_DRAWS = 64;

/** Whether fills of KERNEL_MIN_DRAWS or more run in WebAssembly on this thread (for tests). */
export function kernelActive(): boolean {
  return zigguratKernel(ZIG_TABLES) !== null;
}

const TWO_M24 = 2 ** -24;

/** Where in `out` to write: `offset` (0) and `count` (to the end) elements. */
export interface FillRange {
  offset?: number;
  count?: number;
}

/** A fast stream of N(0,1) and U(0,1) draws whose state comes from a seeded `Rng`. */
export class NormalStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Takes four 32-bit words from `rng`; the stream is then independent of `rng`'s later draws. */
  constructor(rng: Rng) {
    this.s0 = rng.nextUint32() | 0;
    this.s1 = rng.nextUint32() | 0;
    this.s2 = rng.nextUint32() | 0;
    this.s3 = rng.nextUint32() | 0;
    // xoshiro's one forbidden state
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The four state words, unsigned, as `Rng.fromState` takes them (for tests). */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Next raw 32-bit draw, unsigned (xoshiro128**, the same words as `Rng.nextUint32`). */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  private nextInt32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const r = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return r;
  }

  /** Uniform on the open interval (0, 1) with 53 bits (never 0, so log() is safe). */
  uniform(): number {
    const a = this.nextInt32() >>> 5;
    const b = this.nextInt32() >>> 6;
    return (a * 67108864 + b + 0.5) / 9007199254740992;
  }

  /** One N(0, 1) draw. */
  normal(): number {
    for (;;) {
      const r = this.nextInt32();
      const i = r & 127;
      const u = (r >> 7) * TWO_M24; // the top 25 bits, signed: uniform on [-1, 1)
      if (Math.abs(u) < ZIG_RATIO[i]!) return u * ZIG_X[i]!;
      const x = this.slowPath(i, u);
      if (x !== null) return x;
    }
  }

  /** Fills `out[offset, offset + count)` with N(0, std²) draws (std 1 by default). */
  fillNormal(out: Float32Array | Float64Array, o: FillRange & { std?: number } = {}): void {
    const { offset, end } = range("fillNormal", out, o);
    const std = o.std ?? 1;
    const kernel = end - offset >= KERNEL_MIN_DRAWS ? zigguratKernel(ZIG_TABLES) : null;
    if (kernel !== null) {
      [this.s0, this.s1, this.s2, this.s3] = kernel.fill([this.s0, this.s1, this.s2, this.s3], out, { offset, count: end - offset, std });
      return;
    }
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let k = offset; k < end; ) {
      // nextInt32 inlined with the state in locals: this loop is the sampler's hot path
      const x = Math.imul(s1, 5);
      const r = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const i = r & 127;
      const u = (r >> 7) * TWO_M24;
      if (Math.abs(u) < ZIG_RATIO[i]!) {
        out[k++] = std * u * ZIG_X[i]!;
        continue;
      }
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
      const z = this.slowPath(i, u);
      s0 = this.s0;
      s1 = this.s1;
      s2 = this.s2;
      s3 = this.s3;
      if (z !== null) out[k++] = std * z;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Fills `out[offset, offset + count)` with U(lo, hi) draws (24-bit resolution, enough for float32). */
  fillUniform(out: Float32Array | Float64Array, o: FillRange & { lo: number; hi: number }): void {
    if (!(o.hi > o.lo)) throw new Error(`NormalStream.fillUniform needs lo < hi, got [${o.lo}, ${o.hi})`);
    const { offset, end } = range("fillUniform", out, o);
    const span = (o.hi - o.lo) * TWO_M24;
    for (let k = offset; k < end; k++) out[k] = o.lo + ((this.nextInt32() >>> 8) + 0.5) * span;
  }

  /** Wedge or tail of the ziggurat (2.8% of words); null means "reject, draw again". */
  private slowPath(i: number, u: number): number | null {
    if (i === 0) {
      let x: number;
      let y: number;
      do {
        x = Math.log(this.uniform()) / ZIG_R;
        y = Math.log(this.uniform());
      } while (-2 * y < x * x);
      return u < 0 ? x - ZIG_R : ZIG_R - x;
    }
    const x = u * ZIG_X[i]!;
    const f0 = Math.exp(-0.5 * (ZIG_X[i]! * ZIG_X[i]! - x * x));
    const f1 = Math.exp(-0.5 * (ZIG_X[i + 1]! * ZIG_X[i + 1]! - x * x));
    return f1 + this.uniform() * (f0 - f1) < 1 ? x : null;
  }
}

/** Fills `out` (or a range of it) with N(0, std²) draws from a stream forked off `rng` (four words). */
export function fillNormal(rng: Rng, out: Float32Array | Float64Array, o: FillRange & { std?: number } = {}): void {
  new NormalStream(rng).fillNormal(out, o);
}

function range(what: string, out: ArrayLike<number>, o: FillRange): { offset: number; end: number } {
  const offset = o.offset ?? 0;
  const count = o.count ?? out.length - offset;
  if (!(Number.isInteger(offset) && Number.isInteger(count) && offset >= 0 && count >= 0 && offset + count <= out.length)) {
    throw new Error(`NormalStream.${what}: range [${offset}, ${offset + count}) outside an array of length ${out.length}`);
  }
  return { offset, end: offset + count };
}
