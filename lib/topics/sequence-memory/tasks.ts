/**
 * Synthetic sequence tasks, seeded from a core Rng.
 *
 * MQAR (multi-query associative recall), simplified from Zoology's generator (notes §2d): vocabulary
 * V, keys in [1, V/2), values in [V/2, V). The sequence starts k1 v1 … kn vn; the rest is filler drawn
 * uniformly from the whole vocabulary, except that each key is queried once, as "k v" at a random
 * even offset of the second part. The label at a query's key position is its value; every other
 * position has label −1 (ignored).
 *
 * S₃ word problem (notes §3b P3): tokens are the 6 elements of S₃ after a BOS token; the label at
 * position t ≥ 1 is the prefix product w_t ∘ … ∘ w_1 (label −1 at BOS).
 */
import type { Rng } from "../../core/rng";

export interface TokenBatch {
  /** Token ids [B, L]. */
  tokens: Int32Array;
  /** Labels [B, L], −1 where there is nothing to predict. */
  labels: Int32Array;
  B: number;
  L: number;
}

export interface MqarSpec {
  L: number;
  /** Key-value pairs per sequence. */
  nkv: number;
  /** Vocabulary size (even). */
  vocab: number;
}

export function checkMqar(s: MqarSpec): void {
  if (!(Number.isInteger(s.vocab) && s.vocab >= 8 && s.vocab % 2 === 0))
    throw new Error(`mqar: vocab must be an even integer ≥ 8, got ${s.vocab}`);
  if (!(Number.isInteger(s.nkv) && s.nkv >= 1)) throw new Error(`mqar: nkv must be a positive integer, got ${s.nkv}`);
  if (s.nkv > s.vocab / 2 - 1) throw new Error(`mqar: ${s.nkv} distinct keys need vocab ≥ ${2 * s.nkv + 2}, got ${s.vocab}`);
  if (s.L < 4 * s.nkv)
    throw new Error(`mqar: L = ${s.L} is too short for ${s.nkv} pairs and their queries (need L ≥ 4·nkv = ${4 * s.nkv})`);
}

export function mqarBatch(o: MqarSpec & { B: number; rng: Rng }): TokenBatch {
  checkMqar(o);
  const { B, L, nkv, vocab, rng } = o;
  const half = vocab / 2;
  const tokens = new Int32Array(B * L);
  const labels = new Int32Array(B * L).fill(-1);
  const keyPool = Array.from({ length: half - 1 }, (_, i) => i + 1);
  const start = 2 * nkv;
  const slots = Math.floor((L - start) / 2);
  for (let b = 0; b < B; b++) {
    const row = b * L;
    const keys = rng.sample(keyPool, nkv);
    const values = keys.map(() => rng.int(half, vocab));
    for (let i = 0; i < nkv; i++) {
      tokens[row + 2 * i] = keys[i]!;
      tokens[row + 2 * i + 1] = values[i]!;
    }
    for (let t = start; t < L; t++) tokens[row + t] = rng.int(0, vocab);
    const where = rng.sample(
      Array.from({ length: slots }, (_, i) => i),
      nkv,
    );
    const order = rng.permutation(nkv);
    for (let i = 0; i < nkv; i++) {
      const p = start + 2 * where[i]!;
      const kv = order[i]!;
      tokens[row + p] = keys[kv]!;
      tokens[row + p + 1] = values[kv]!;
      labels[row + p] = values[kv]!;
    }
  }
  return { tokens, labels, B, L };
}

// ---------------------------------------------------------------------------------------------
// S₃

/** The 6 permutations of {0, 1, 2} (as images of 0, 1, 2), index 0 is the identity. */
export const S3: readonly (readonly [number, number, number])[] = [
  [0, 1, 2],
  [1, 0, 2],
  [0, 2, 1],
  [2, 1, 0],
  [1, 2, 0],
  [2, 0, 1],
];

const key = (p: readonly number[]) => p.join(",");
const INDEX = new Map(S3.map((p, i) => [key(p), i]));

/** Index of a ∘ b (apply b first, then a). */
export function permCompose(a: number, b: number): number {
  const pa = S3[a]!;
  const pb = S3[b]!;
  return INDEX.get(key([pa[pb[0]]!, pa[pb[1]]!, pa[pb[2]]!]))!;
}

/** The 3×3 permutation matrix P with P e_j = e_{π(j)}, row-major. */
export function permMatrix(i: number): Float64Array {
  const m = new Float64Array(9);
  S3[i]!.forEach((img, j) => (m[img * 3 + j] = 1));
  return m;
}

/** BOS token id (the group elements are 0 … 5). */
export const S3_BOS = 6;

/** Words of length L over S₃ after a BOS: tokens [B, L+1], labels = prefix products (−1 at BOS). */
export function s3Batch(o: { B: number; L: number; rng: Rng }): TokenBatch {
  if (!(Number.isInteger(o.L) && o.L >= 1)) throw new Error(`s3Batch: L must be a positive integer, got ${o.L}`);
  const T = o.L + 1;
  const tokens = new Int32Array(o.B * T);
  const labels = new Int32Array(o.B * T).fill(-1);
  for (let b = 0; b < o.B; b++) {
    tokens[b * T] = S3_BOS;
    let acc = 0;
    for (let t = 1; t < T; t++) {
      const w = o.rng.int(0, 6);
      tokens[b * T + t] = w;
      acc = permCompose(w, acc);
      labels[b * T + t] = acc;
    }
  }
  return { tokens, labels, B: o.B, L: T };
}

/**
 * The Householder construction of P2: a transposition (i j) is I − 2kkᵀ with k = (e_i − e_j)/√2
 * (β = 2, v = 0). Returns the ≤ 2 unit keys whose reflections, applied in order, give the matrix
 * of element `g` acting on the right of the state (S ← S(I − 2kkᵀ)), padded with zero-effect
 * sub-steps (β = 0) up to `nh` sub-steps.
 */
export function householderSteps(g: number, d: number, nh = 2): { k: Float64Array; beta: number }[] {
  if (d < 3) throw new Error(`householderSteps: d must be ≥ 3 to hold S₃'s permutation representation, got ${d}`);
  const trans = (i: number, j: number) => {
    const k = new Float64Array(d);
    k[i] = Math.SQRT1_2;
    k[j] = -Math.SQRT1_2;
    return { k, beta: 2 };
  };
  const pad = () => ({ k: new Float64Array(d), beta: 0 });
  const p = S3[g]!;
  let steps: { k: Float64Array; beta: number }[];
  if (g === 0) steps = [];
  else if (g <= 3) {
    const moved = [0, 1, 2].filter((i) => p[i] !== i);
    steps = [trans(moved[0]!, moved[1]!)];
  } else {
    // a 3-cycle is a product of two transpositions: S (I − 2k1k1ᵀ)(I − 2k2k2ᵀ) = S·T1·T2; choose T1·T2 = Pᵀ
    // (the state is multiplied on the right, so S_L = S0 · P_{w1}ᵀ ⋯ P_{wL}ᵀ = S0 (P_{wL}⋯P_{w1})ᵀ).
    // T1 = (0 1) then T2 = (1 2) or (0 2): pick the one whose product equals Pᵀ.
    const cands = [
      [trans(0, 1), trans(1, 2)],
      [trans(0, 1), trans(0, 2)],
    ];
    steps = cands.find((c) => equalMat(mul3(tMat(c[0]!.k), tMat(c[1]!.k)), transpose3(permMatrix(g))))!;
  }
  if (steps.length > nh) throw new Error(`householderSteps: element ${g} needs ${steps.length} reflections, nh = ${nh}`);
  while (steps.length < nh) steps.push(pad());
  return steps;
}

function tMat(k: Float64Array): Float64Array {
  const m = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[i * 3 + j] = (i === j ? 1 : 0) - 2 * k[i]! * k[j]!;
  return m;
}
function mul3(a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) for (let m = 0; m < 3; m++) c[i * 3 + j] = c[i * 3 + j]! + a[i * 3 + m]! * b[m * 3 + j]!;
  return c;
}
function transpose3(a: Float64Array): Float64Array {
  const c = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) c[j * 3 + i] = a[i * 3 + j]!;
  return c;
}
function equalMat(a: Float64Array, b: Float64Array): boolean {
  return a.every((x, i) => Math.abs(x - b[i]!) < 1e-12);
}
