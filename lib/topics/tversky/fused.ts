/**
 * The Tversky similarity (similarity.ts) and its gradient as ONE tfjs custom op: plain loops over
 * Float32Array inputs, arithmetic in float64, outputs rounded once to float32.
 *
 * Why: the tensor composition dispatches ~25 kernels forward and ~50 backward for each call
 * (projections, masks, six matmuls, reductions, combination), each costing ~10 µs of dispatch on the
 * WASM backend, and a run-batched matmul [R, n, K]·[R, K, m] loops over the runs in a slow path.
 * The shapes here are small (XOR: n = 4, m = 2, K ≤ 32, d = 2; digits heads: n = 64, m = 10,
 * K = 16, d = 64), so one pass over the (i, j, k) triples does the whole forward, and one the
 * whole backward, with no intermediate tensors.
 *
 * The gradient is written by hand from the same formulas and follows the composition's conventions
 * where it matters: memberships 1[x·f > threshold] are constants (tf.step's zero gradient), ties of
 * min/max send the gradient as tf.minimum/tf.maximum do (min: to the first operand on a ≤ b; max:
 * on a ≥ b), relu'(0) = 0, and masks enter as multiplications so a NaN (official gmean on an empty
 * intersection) spreads exactly as far as through the composition's matmuls: over its run's
 * parameters, never to another run.
 *
 * Results differ from the composition by float32 rounding only (the sums are taken in another
 * order and in float64), which is enough to change chaotic trajectories (XOR training over
 * thousands of steps): studies select this path with the `fused` option, off by default.
 * Tested against the float64 reference and against the composition, values and gradients, and
 * against finite differences, in test/topics/tversky/fused.test.ts.
 *
 * similarityForward and similarityBackward also serve the arrays engines (xor-arrays.ts,
 * classifier-arrays.ts), which call them every step. Their loops are arranged for speed (memberships
 * once per object and feature, four features or two prototypes a pass, scratch kept between calls),
 * but every sum keeps the order of the plain one-at-a-time loops, so the results are the same bits:
 * tested against those loops, and pinned by hash, in test/topics/tversky/fused-kernels.test.ts.
 */
import { tf } from "../../core/tf";
import { relu } from "./arrays";
import { needsPerFeature, type ResolvedOptions } from "./options";

/** Sizes of one call: R runs (1 for rank-2 inputs) of n inputs, m prototypes, K features, width d. */
export interface Dims {
  R: number;
  n: number;
  m: number;
  K: number;
  d: number;
}

/** What the backward pass needs from the forward pass (all float64, per run and pair). */
export interface Forward {
  S: Float32Array;
  /** x·f_k [R, n, K] and Π·f_k [R, m, K]. */
  A: Float64Array;
  B: Float64Array;
  /** Memberships 1[x·f_k > t], 1[Π·f_k > t] and measures a = (x·f_k)·1[·], b, same shapes. */
  mA: Float64Array;
  mB: Float64Array;
  wA: Float64Array;
  wB: Float64Array;
  /** I, Ia, Ib, D(x,Π), D(Π,x)ᵀ, [R, n, m]. */
  I: Float64Array;
  Ia: Float64Array;
  Ib: Float64Array;
  Dab: Float64Array;
  Dba: Float64Array;
}

type Arr = ArrayLike<number>;

/**
 * Scratch arrays kept between calls by a caller that runs the kernels every step (the arrays
 * engines): without it a padded 972-run XOR step allocates and zero-fills about 7 MB of typed
 * arrays. The results of one call live in it until the next call, so a caller that needs them
 * longer (the tfjs custom op, whose gradient runs later) passes none and gets fresh arrays.
 */
export class SimilarityWork {
  private readonly arrays = new Map<string, Float64Array | Float32Array>();

  /** A float64 array of n elements under `name` (its contents are whatever the last call left). */
  f64(name: string, n: number): Float64Array {
    return this.take(name, n, Float64Array);
  }

  f32(name: string, n: number): Float32Array {
    return this.take(name, n, Float32Array);
  }

  private take<T extends Float64Array | Float32Array>(name: string, n: number, make: new (n: number) => T): T {
    const a = this.arrays.get(name);
    if (a instanceof make && a.length === n) return a;
    const fresh = new make(n);
    this.arrays.set(name, fresh);
    return fresh;
  }
}

/** Fresh arrays, or the work's (zeroed where the caller accumulates into them). */
const f64 = (work: SimilarityWork | undefined, name: string, n: number, zero = false) =>
  work ? (zero ? work.f64(name, n).fill(0) : work.f64(name, n)) : new Float64Array(n);
const f32 = (work: SimilarityWork | undefined, name: string, n: number) => (work ? work.f32(name, n) : new Float32Array(n));

/** out[r, i, k] = Σ_t v[r, i, t] F[r, k, t]. Exported for its bit-identity test. */
export function dots(v: Arr, F: Arr, R: number, rows: number, K: number, d: number, out = new Float64Array(R * rows * K)): Float64Array {
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < rows; i++) {
      const vo = (r * rows + i) * d;
      const oo = (r * rows + i) * K;
      // four features at a time: four independent sums (each in the same order as alone), so the
      // CPU overlaps them; bit-identical to one feature at a time
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const f0 = (r * K + k) * d,
          f1 = f0 + d,
          f2 = f1 + d,
          f3 = f2 + d;
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0;
        for (let t = 0; t < d; t++) {
          const vt = v[vo + t]!;
          s0 += vt * F[f0 + t]!;
          s1 += vt * F[f1 + t]!;
          s2 += vt * F[f2 + t]!;
          s3 += vt * F[f3 + t]!;
        }
        out[oo + k] = s0;
        out[oo + k + 1] = s1;
        out[oo + k + 2] = s2;
        out[oo + k + 3] = s3;
      }
      for (; k < K; k++) {
        const fo = (r * K + k) * d;
        let s = 0;
        for (let t = 0; t < d; t++) s += v[vo + t]! * F[fo + t]!;
        out[oo + k] = s;
      }
    }
  }
  return out;
}

/** 1[v > t] and v·1[v > t] for every element. Exported for its bit-identity test. */
export function memberships(
  v: Float64Array,
  t: number,
  mask = new Float64Array(v.length),
  measure = new Float64Array(v.length),
): [Float64Array, Float64Array] {
  for (let q = 0; q < v.length; q++) {
    const mk = v[q]! > t ? 1 : 0;
    mask[q] = mk;
    measure[q] = v[q]! * mk;
  }
  return [mask, measure];
}

/** −logsumexp(−a, −b), as the composition's tf.logSumExp over the two. */
function softmin(a: number, b: number): number {
  const m = Math.max(-a, -b);
  if (!Number.isFinite(m)) return Math.min(a, b);
  return -(m + Math.log(Math.exp(-a - m) + Math.exp(-b - m)));
}
/** ∂ softmin(a, b) / ∂a = e^{−a} / (e^{−a} + e^{−b}). */
const softminWeight = (a: number, b: number) => 1 / (1 + Math.exp(a - b));

/** Σ_k over shared features of Ψ(a_k, b_k), relu(a_k − b_k), relu(b_k − a_k), into out[0..2]. */
function perFeatureSums(f: Forward, ao: number, bo: number, K: number, inter: string, eps: number, out: Float64Array): void {
  let pfI = 0,
    exA = 0,
    exB = 0;
  for (let k = 0; k < K; k++) {
    const ma = f.mA[ao + k]!,
      mb = f.mB[bo + k]!,
      a = f.wA[ao + k]!,
      b = f.wB[bo + k]!;
    const joint = ma * mb;
    if (inter === "min_pf") pfI += joint * Math.min(a, b);
    else if (inter === "max_pf") pfI += joint * Math.max(a, b);
    else if (inter === "softmin_pf") pfI += joint * softmin(a, b);
    else if (inter === "gmean_pf") {
      const a1 = a * joint + (1 - joint),
        b1 = b * joint + (1 - joint);
      pfI += joint * joint * Math.exp((Math.log(a1 + eps) + Math.log(b1 + eps)) * 0.5);
    }
    exA += joint * relu(a - b);
    exB += joint * relu(b - a);
  }
  out[0] = pfI;
  out[1] = exA;
  out[2] = exB;
}

/** The similarity S [R, n, m] (rounded once to float32) and what the backward pass needs. */
export function similarityForward(
  o: ResolvedOptions,
  dm: Dims,
  x: Arr,
  y: Arr,
  F: Arr,
  th: Float64Array,
  al: Float64Array,
  be: Float64Array,
  work?: SimilarityWork,
): Forward {
  const { R, n, m, K, d } = dm;
  const A = dots(x, F, R, n, K, d, f64(work, "A", R * n * K));
  const B = dots(y, F, R, m, K, d, f64(work, "B", R * m * K));
  const t = o.threshold;
  // once per (object, feature) rather than per pair: the comparison is a branch that data decides, and
  // inside the pair loop its mispredictions cost more than all the arithmetic (3× at K = 32, measured)
  const [mA, wA] = memberships(A, t, f64(work, "mA", A.length), f64(work, "wA", A.length));
  const [mB, wB] = memberships(B, t, f64(work, "mB", B.length), f64(work, "wB", B.length));
  const P = R * n * m;
  const out: Forward = {
    S: f32(work, "S", P),
    A,
    B,
    mA,
    mB,
    wA,
    wB,
    I: f64(work, "I", P),
    Ia: f64(work, "Ia", P),
    Ib: f64(work, "Ib", P),
    Dab: f64(work, "Dab", P),
    Dba: f64(work, "Dba", P),
  };
  const pf = needsPerFeature(o);
  const inter = o.intersection;
  const diff = o.difference;
  const eps = o.gmeanEps;
  const ratio = o.model === "ratio";
  const pfSums = new Float64Array(3);
  // the five sums of every pair first, two prototypes a pass (each sum in the order of one pair at a
  // time, so the same bits), then the combination of each pair
  const prodS = f64(work, "prod", P),
    onlyAS = f64(work, "onlyA", P),
    onlyBS = f64(work, "onlyB", P);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) {
      const ao = (r * n + i) * K;
      const po = (r * n + i) * m;
      for (let j = 0; j < m; j += 2) {
        // an odd m's last prototype is paired with itself; its twin's sums are dropped
        const twin = j + 1 < m;
        const b0 = (r * m + j) * K,
          b1 = twin ? b0 + K : b0;
        let Ia0 = 0,
          Ib0 = 0,
          prod0 = 0,
          onlyA0 = 0,
          onlyB0 = 0,
          Ia1 = 0,
          Ib1 = 0,
          prod1 = 0,
          onlyA1 = 0,
          onlyB1 = 0;
        for (let k = 0; k < K; k++) {
          const ma = mA[ao + k]!,
            a = wA[ao + k]!,
            mb0 = mB[b0 + k]!,
            bb0 = wB[b0 + k]!,
            mb1 = mB[b1 + k]!,
            bb1 = wB[b1 + k]!;
          Ia0 += a * mb0;
          Ib0 += ma * bb0;
          prod0 += a * bb0;
          onlyA0 += a * (1 - mb0);
          onlyB0 += (1 - ma) * bb0;
          Ia1 += a * mb1;
          Ib1 += ma * bb1;
          prod1 += a * bb1;
          onlyA1 += a * (1 - mb1);
          onlyB1 += (1 - ma) * bb1;
        }
        out.Ia[po + j] = Ia0;
        out.Ib[po + j] = Ib0;
        prodS[po + j] = prod0;
        onlyAS[po + j] = onlyA0;
        onlyBS[po + j] = onlyB0;
        if (twin) {
          out.Ia[po + j + 1] = Ia1;
          out.Ib[po + j + 1] = Ib1;
          prodS[po + j + 1] = prod1;
          onlyAS[po + j + 1] = onlyA1;
          onlyBS[po + j + 1] = onlyB1;
        }
      }
    }
  }
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) {
      const ao = (r * n + i) * K;
      for (let j = 0; j < m; j++) {
        const bo = (r * m + j) * K;
        const p = (r * n + i) * m + j;
        const Ia = out.Ia[p]!,
          Ib = out.Ib[p]!,
          prod = prodS[p]!,
          onlyA = onlyAS[p]!,
          onlyB = onlyBS[p]!;
        // the per-feature sums in a loop of their own, so the common case's loop stays branch-free
        if (pf) perFeatureSums(out, ao, bo, K, inter, eps, pfSums);
        const pfI = pfSums[0]!,
          exA = pfSums[1]!,
          exB = pfSums[2]!;
        let I: number;
        switch (inter) {
          case "product":
            I = prod;
            break;
          case "min":
            I = Math.min(Ia, Ib);
            break;
          case "max":
            I = Math.max(Ia, Ib);
            break;
          case "mean":
            I = (Ia + Ib) * 0.5;
            break;
          case "gmean":
            I = Math.exp((Math.log(Ia + eps) + Math.log(Ib + eps)) * 0.5);
            break;
          case "softmin":
            I = softmin(Ia, Ib);
            break;
          default:
            I = pfI;
        }
        let Dab = onlyA,
          Dba = onlyB;
        if (diff === "substractmatch") {
          Dab += relu(Ia - Ib);
          Dba += relu(Ib - Ia);
        } else if (diff === "substractmatch_pf") {
          Dab = exA;
          Dba = exB;
        } else if (diff === "substractmatch_pf_plus") {
          Dab += exA;
          Dba += exB;
        }
        out.I[p] = I;
        out.Dab[p] = Dab;
        out.Dba[p] = Dba;
        out.S[p] = ratio ? I / (I + al[r]! * Dab + be[r]! * Dba + 1) : th[r]! * I - al[r]! * Dab - be[r]! * Dba;
      }
    }
  }
  return out;
}

export interface Backward {
  dx: Float32Array;
  dy: Float32Array;
  dF: Float32Array;
  /** Per run. */
  dth: Float64Array;
  dal: Float64Array;
  dbe: Float64Array;
}

/** Gradients of Σ G ⊙ S with respect to x, Π, Ω (rounded once to float32) and θ, α, β (per run, float64). */
export function similarityBackward(
  o: ResolvedOptions,
  dm: Dims,
  f: Forward,
  x: Arr,
  y: Arr,
  F: Arr,
  th: Float64Array,
  al: Float64Array,
  be: Float64Array,
  G: Arr,
  work?: SimilarityWork,
): Backward {
  const { R, n, m, K, d } = dm;
  const { mA, mB, wA, wB } = f;
  const pf = needsPerFeature(o);
  const inter = o.intersection;
  const diff = o.difference;
  const eps = o.gmeanEps;
  const ratio = o.model === "ratio";
  const product = inter === "product";
  // gradients with respect to the measures a = (x·f)·1[x·f > t] and b, [R, n, K] and [R, m, K]
  const ga = f64(work, "ga", R * n * K, true);
  const gb = f64(work, "gb", R * m * K, true);
  const dth = f64(work, "dth", R, true),
    dal = f64(work, "dal", R, true),
    dbe = f64(work, "dbe", R, true);
  // per pair: the gradients of S's parts (gI, ∂/∂Ia, ∂/∂Ib, ∂/∂D_ab, ∂/∂D_ba), and θ, α, β's, in pair order
  const cI = f64(work, "cI", R * n * m),
    cIa = f64(work, "cIa", R * n * m),
    cIb = f64(work, "cIb", R * n * m),
    cDab = f64(work, "cDab", R * n * m),
    cDba = f64(work, "cDba", R * n * m);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const p = (r * n + i) * m + j;
        const g = G[p]!;
        const I = f.I[p]!,
          Ia = f.Ia[p]!,
          Ib = f.Ib[p]!,
          Dab = f.Dab[p]!,
          Dba = f.Dba[p]!;
        let gI: number, gDab: number, gDba: number;
        if (ratio) {
          // S = I / Q, Q = I + αD_ab + βD_ba + 1 (θ unused)
          const Q = I + al[r]! * Dab + be[r]! * Dba + 1;
          const gQ = (-g * I) / (Q * Q);
          gI = g / Q + gQ;
          gDab = gQ * al[r]!;
          gDba = gQ * be[r]!;
          dal[r] += gQ * Dab;
          dbe[r] += gQ * Dba;
        } else {
          gI = g * th[r]!;
          gDab = -g * al[r]!;
          gDba = -g * be[r]!;
          dth[r] += g * I;
          dal[r] -= g * Dab;
          dbe[r] -= g * Dba;
        }
        // gradients of the aggregates Ia = Σ_joint a_k, Ib = Σ_joint b_k
        let gIa = 0,
          gIb = 0;
        switch (inter) {
          case "min":
            gIa = gI * (Ia <= Ib ? 1 : 0);
            gIb = gI * (Ia > Ib ? 1 : 0);
            break;
          case "max":
            gIa = gI * (Ia >= Ib ? 1 : 0);
            gIb = gI * (Ia < Ib ? 1 : 0);
            break;
          case "mean":
            gIa = gI * 0.5;
            gIb = gI * 0.5;
            break;
          case "gmean": {
            const h = gI * I * 0.5;
            gIa = h / (Ia + eps);
            gIb = h / (Ib + eps);
            break;
          }
          case "softmin": {
            const w = softminWeight(Ia, Ib);
            gIa = gI * w;
            gIb = gI * (1 - w);
            break;
          }
          default:
        }
        if (diff === "substractmatch") {
          const dd = Ia - Ib;
          const gd = gDab * (dd > 0 ? 1 : 0) - gDba * (dd < 0 ? 1 : 0);
          gIa += gd;
          gIb -= gd;
        }
        cI[p] = gI;
        cIa[p] = gIa;
        cIb[p] = gIb;
        cDab[p] = gDab;
        cDba[p] = gDba;
      }
    }
  }
  const ignore = diff !== "substractmatch_pf"; // the ignorematch sums D_ab, D_ba are in every other difference
  // then over the features: two prototypes a pass where no per-feature term is needed. ga[ao + k]
  // takes prototype j's term, then j + 1's, as one prototype at a time would: the same bits.
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) {
      const ao = (r * n + i) * K;
      const po = (r * n + i) * m;
      let j = 0;
      if (!pf) {
        for (; j + 2 <= m; j += 2) {
          const b0 = (r * m + j) * K,
            b1 = b0 + K;
          const gI0 = cI[po + j]!,
            gIa0 = cIa[po + j]!,
            gIb0 = cIb[po + j]!,
            gDab0 = cDab[po + j]!,
            gDba0 = cDba[po + j]!,
            gI1 = cI[po + j + 1]!,
            gIa1 = cIa[po + j + 1]!,
            gIb1 = cIb[po + j + 1]!,
            gDab1 = cDab[po + j + 1]!,
            gDba1 = cDba[po + j + 1]!;
          for (let k = 0; k < K; k++) {
            const ma = mA[ao + k]!,
              a = wA[ao + k]!,
              mb0 = mB[b0 + k]!,
              bb0 = wB[b0 + k]!,
              mb1 = mB[b1 + k]!,
              bb1 = wB[b1 + k]!;
            let gak0 = gIa0 * mb0,
              gbk0 = gIb0 * ma,
              gak1 = gIa1 * mb1,
              gbk1 = gIb1 * ma;
            if (ignore) {
              gak0 += gDab0 * (1 - mb0);
              gbk0 += gDba0 * (1 - ma);
              gak1 += gDab1 * (1 - mb1);
              gbk1 += gDba1 * (1 - ma);
            }
            if (product) {
              gak0 += gI0 * bb0;
              gbk0 += gI0 * a;
              gak1 += gI1 * bb1;
              gbk1 += gI1 * a;
            }
            ga[ao + k] = ga[ao + k]! + gak0 + gak1;
            gb[b0 + k] += gbk0;
            gb[b1 + k] += gbk1;
          }
        }
      }
      for (; j < m; j++) {
        const bo = (r * m + j) * K;
        const p = po + j;
        const gI = cI[p]!,
          gIa = cIa[p]!,
          gIb = cIb[p]!,
          gDab = cDab[p]!,
          gDba = cDba[p]!;
        for (let k = 0; k < K; k++) {
          const ma = mA[ao + k]!,
            mb = mB[bo + k]!,
            a = wA[ao + k]!,
            b = wB[bo + k]!;
          let gak = gIa * mb,
            gbk = gIb * ma;
          if (ignore) {
            gak += gDab * (1 - mb);
            gbk += gDba * (1 - ma);
          }
          if (product) {
            gak += gI * b;
            gbk += gI * a;
          }
          if (pf) {
            const joint = ma * mb;
            const gj = gI * joint;
            if (inter === "min_pf") {
              gak += gj * (a <= b ? 1 : 0);
              gbk += gj * (a > b ? 1 : 0);
            } else if (inter === "max_pf") {
              gak += gj * (a >= b ? 1 : 0);
              gbk += gj * (a < b ? 1 : 0);
            } else if (inter === "softmin_pf") {
              const w = softminWeight(a, b);
              gak += gj * w;
              gbk += gj * (1 - w);
            } else if (inter === "gmean_pf") {
              const a1 = a * joint + (1 - joint),
                b1 = b * joint + (1 - joint);
              const h = gj * joint * Math.exp((Math.log(a1 + eps) + Math.log(b1 + eps)) * 0.5) * 0.5;
              gak += (h / (a1 + eps)) * joint;
              gbk += (h / (b1 + eps)) * joint;
            }
            if (diff === "substractmatch_pf" || diff === "substractmatch_pf_plus") {
              const up = gDab * joint * (a - b > 0 ? 1 : 0); // relu(a − b)
              const down = gDba * joint * (b - a > 0 ? 1 : 0); // relu(b − a)
              gak += up - down;
              gbk += down - up;
            }
          }
          ga[ao + k] += gak;
          gb[bo + k] += gbk;
        }
      }
    }
  }
  // measures → dot products (the membership mask is a constant), then the three products
  for (let q = 0; q < ga.length; q++) ga[q] = ga[q]! * mA[q]!;
  for (let q = 0; q < gb.length; q++) gb[q] = gb[q]! * mB[q]!;
  const dx = f32(work, "dx", R * n * d);
  const dy = f32(work, "dy", R * m * d);
  const dF64 = f64(work, "dF64", R * K * d, true);
  accumulate(ga, x, F, R, n, K, d, dx, dF64);
  accumulate(gb, y, F, R, m, K, d, dy, dF64);
  const dF = f32(work, "dF", R * K * d);
  dF.set(dF64);
  return { dx, dy, dF, dth, dal, dbe };
}

/** dv[r, i, :] = Σ_k g[r, i, k] F[r, k, :] and dF[r, k, :] += Σ_i g[r, i, k] v[r, i, :] (top-level, so V8 optimises it once). Exported for its bit-identity test. */
export function accumulate(
  g: Float64Array,
  v: Arr,
  F: Arr,
  R: number,
  rows: number,
  K: number,
  d: number,
  dv: Float32Array,
  dF: Float64Array,
): void {
  const row = new Float64Array(d);
  const live = new Int32Array(K);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < rows; i++) {
      const go = (r * rows + i) * K;
      const vo = (r * rows + i) * d;
      row.fill(0);
      if (d < 8) {
        // narrow rows (XOR: d = 2): one feature a pass; the pairing below costs more than it saves
        for (let k = 0; k < K; k++) {
          const gk = g[go + k]!;
          if (gk === 0) continue; // absent features (most of them) contribute nothing
          const fo = (r * K + k) * d;
          for (let s = 0; s < d; s++) {
            row[s] += gk * F[fo + s]!;
            dF[fo + s] += gk * v[vo + s]!;
          }
        }
        for (let s = 0; s < d; s++) dv[vo + s] = row[s]!;
        continue;
      }
      let count = 0;
      for (let k = 0; k < K; k++) if (g[go + k] !== 0) live[count++] = k;
      // two features a pass: row[s] takes the same two additions in the same order as in two
      // passes (bit-identical), with one load and store of it instead of two
      let q = 0;
      for (; q + 2 <= count; q += 2) {
        const k0 = live[q]!,
          k1 = live[q + 1]!;
        const g0 = g[go + k0]!,
          g1 = g[go + k1]!;
        const f0 = (r * K + k0) * d,
          f1 = (r * K + k1) * d;
        for (let s = 0; s < d; s++) {
          const vs = v[vo + s]!;
          row[s] = row[s]! + g0 * F[f0 + s]! + g1 * F[f1 + s]!;
          dF[f0 + s] += g0 * vs;
          dF[f1 + s] += g1 * vs;
        }
      }
      if (q < count) {
        const k = live[q]!;
        const gk = g[go + k]!;
        const fo = (r * K + k) * d;
        for (let s = 0; s < d; s++) {
          row[s] += gk * F[fo + s]!;
          dF[fo + s] += gk * v[vo + s]!;
        }
      }
      for (let s = 0; s < d; s++) dv[vo + s] = row[s]!;
    }
  }
}

/** A coefficient's values per run, or undefined when its shape is not one the kernel handles. */
function perRun(c: tf.Tensor, R: number, rank3: boolean): Float64Array | undefined {
  if (c.size === 1) return new Float64Array(R).fill(c.dataSync()[0]!);
  if (rank3 && c.rank === 3 && c.shape[0] === R && c.shape[1] === 1 && c.shape[2] === 1) return Float64Array.from(c.dataSync());
  return undefined;
}

/** A coefficient's gradient in its own shape: per run, or summed over runs for a shared one. */
function coefGrad(c: tf.Tensor, g: Float64Array): tf.Tensor {
  if (c.size === 1) {
    let s = 0;
    for (let r = 0; r < g.length; r++) s += g[r]!;
    return tf.fill(c.shape, s);
  }
  return tf.tensor(Float32Array.from(g), c.shape);
}

/**
 * The fused similarity of (already normalised, if asked) x [..., n, d], Π [..., m, d], Ω [..., K, d]
 * with θ, α, β tensors of one value or one per run ([R, 1, 1]). Returns undefined when a
 * coefficient has another shape (the composition then handles it). Shapes are checked by the caller.
 */
export function fusedTverskySimilarity(
  a: { x: tf.Tensor; prototypes: tf.Tensor; features: tf.Tensor; theta: tf.Tensor; alpha: tf.Tensor; beta: tf.Tensor },
  o: ResolvedOptions,
): tf.Tensor | undefined {
  const rank3 = a.x.rank === 3;
  const R = rank3 ? a.x.shape[0]! : 1;
  const dm: Dims = {
    R,
    n: a.x.shape[a.x.rank - 2]!,
    m: a.prototypes.shape[a.prototypes.rank - 2]!,
    K: a.features.shape[a.features.rank - 2]!,
    d: a.x.shape[a.x.rank - 1]!,
  };
  const coefs = [a.theta, a.alpha, a.beta].map((c) => perRun(c, R, rank3));
  if (coefs.some((c) => c === undefined)) return undefined;
  const [th, al, be] = coefs as Float64Array[];
  const outShape = rank3 ? [R, dm.n, dm.m] : [dm.n, dm.m];
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y, F, theta, alpha, beta] = args as tf.Tensor[];
    const xs = x!.dataSync(),
      ys = y!.dataSync(),
      Fs = F!.dataSync();
    const fw = similarityForward(o, dm, xs, ys, Fs, th!, al!, be!);
    return {
      value: tf.tensor(fw.S, outShape),
      gradFunc: (dS: tf.Tensor) => {
        const g = similarityBackward(o, dm, fw, xs, ys, Fs, th!, al!, be!, dS.dataSync());
        return [
          tf.tensor(g.dx, x!.shape),
          tf.tensor(g.dy, y!.shape),
          tf.tensor(g.dF, F!.shape),
          coefGrad(theta!, g.dth),
          coefGrad(alpha!, g.dal),
          coefGrad(beta!, g.dbe),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(a.x, a.prototypes, a.features, a.theta, a.alpha, a.beta) as tf.Tensor;
}
