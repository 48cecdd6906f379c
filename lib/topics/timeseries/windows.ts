/**
 * Sliding windows of the official pipeline (notes §1.2): sample i of a split slice d is
 * x = d[i : i+L], y = d[i+L : i+L+H], stride 1, i = 0 … len(d) − L − H. Because the val and test
 * slices reach back L rows into the previous split, N_val = N_test = b − H + 1 whatever L is.
 */
import type { EttData, RowRange } from "./ett";
import { splitRanges } from "./ett";

/** Number of windows of a slice of `len` rows. */
export function windowCount(o: { len: number; L: number; H: number }): number {
  const n = o.len - o.L - o.H + 1;
  if (!(n > 0)) throw new Error(`a slice of ${o.len} rows has no window of look-back ${o.L} and horizon ${o.H}`);
  return n;
}

/** One split's windows: rows of the normalised series and the window geometry. */
export interface WindowSet {
  /** rows × C normalised (the whole file; `range` says which rows the split may touch). */
  data: Float64Array;
  channels: number;
  range: RowRange;
  /** The same rows channel by channel (byChannel[c][row]), so a look-back is a contiguous subarray. */
  byChannel: Float64Array[];
  L: number;
  H: number;
  /** Number of windows. */
  n: number;
}

export interface EttWindows {
  train: WindowSet;
  val: WindowSet;
  test: WindowSet;
}

/** The three window sets for look-back L and horizon H. */
export function ettWindows(d: EttData, o: { L: number; H: number }): EttWindows {
  if (!(Number.isInteger(o.H) && o.H >= 1)) throw new Error(`horizon H must be a positive integer, got ${o.H}`);
  const r = splitRanges(d.name, o.L);
  const byChannel = channelMajor(d);
  const make = (range: RowRange): WindowSet => ({
    data: d.data,
    channels: d.channels,
    range,
    byChannel,
    L: o.L,
    H: o.H,
    n: windowCount({ len: range.end - range.start, L: o.L, H: o.H }),
  });
  return { train: make(r.train), val: make(r.val), test: make(r.test) };
}

const channelCache = new WeakMap<Float64Array, Float64Array[]>();

/** Channel-major copies of a normalised series (cached per series). */
export function channelMajor(d: { data: Float64Array; channels: number }): Float64Array[] {
  const hit = channelCache.get(d.data);
  if (hit) return hit;
  const rows = d.data.length / d.channels;
  const out = Array.from({ length: d.channels }, (_, c) => {
    const s = new Float64Array(rows);
    for (let i = 0; i < rows; i++) s[i] = d.data[i * d.channels + c]!;
    return s;
  });
  channelCache.set(d.data, out);
  return out;
}

/** First row (in the whole file) of window i's look-back. */
export function windowStart(w: WindowSet, i: number): number {
  if (!(Number.isInteger(i) && i >= 0 && i < w.n)) throw new Error(`window ${i} outside 0..${w.n - 1}`);
  return w.range.start + i;
}

/** Windows kept by a loader with `drop_last` at batch size bs: the first n − n mod bs (in order). */
export function keptByDropLast(n: number, bs: number): number {
  if (!(Number.isInteger(bs) && bs >= 1)) throw new Error(`batch size must be a positive integer, got ${bs}`);
  return n - (n % bs);
}

/** Steps per epoch of the shuffled training loader with drop_last (notes §1.5). */
export function stepsPerEpoch(nTrain: number, bs: number): number {
  return Math.floor(nTrain / bs);
}

/**
 * Look-back x of window i, channel c, into out[o .. o+L) (float64 source; out may be float32,
 * which is the cast of the official DataLoader).
 */
export function readLookback(w: WindowSet, i: number, c: number, out: Float32Array | Float64Array, o = 0): void {
  const s = w.range.start + i;
  out.set(w.byChannel[c]!.subarray(s, s + w.L), o);
}

/** Target y of window i, channel c, into out[o .. o+H). */
export function readTarget(w: WindowSet, i: number, c: number, out: Float32Array | Float64Array, o = 0): void {
  const s = w.range.start + i + w.L;
  out.set(w.byChannel[c]!.subarray(s, s + w.H), o);
}
