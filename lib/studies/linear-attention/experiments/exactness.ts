/**
 * Exactness (notes §2c DN1-DN9, LA1; §3b P1-P2): every algorithm against the float64 recurrence, in
 * float64 and float32. The same comparisons run as unit tests (test/topics/sequence-memory); here
 * they are measured at the notes' sizes and reported with the largest error per check.
 */
import { Rng } from "../../../core/rng";
import {
  deltaChunk,
  deltaParallel,
  deltaProduct,
  deltaProductRecurrent,
  deltaRecurrent,
  householderSteps,
  l2normRows,
  laChunk,
  laQuadratic,
  laRecurrent,
  maxAbs,
  maxAbsDiff,
  permCompose,
  permMatrix,
  sigmoid,
  toF32,
  utTransform,
  utTransformDoubling,
  type Arr,
} from "../../../topics/sequence-memory";

export interface ExactRow {
  id: string;
  what: string;
  /** Largest error found (absolute, or relative when `relative`). */
  error: number;
  relative: boolean;
  precision: "f64" | "f32";
  /** Largest |output| of the compared cases (the scale of the error). */
  scale: number;
}

interface Case {
  q: Float64Array;
  k: Float64Array;
  v: Float64Array;
  beta: Float64Array;
  S0: Float64Array;
}

function makeCase(o: { L: number; d: number; seed: number; betaScale?: number; unit?: boolean }): Case {
  const rng = new Rng(o.seed);
  const g = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
  const unit = o.unit ?? true;
  const q = l2normRows(g(o.L * o.d), o.d) as Float64Array;
  const k = (unit ? l2normRows(g(o.L * o.d), o.d) : g(o.L * o.d)) as Float64Array;
  return {
    q,
    k,
    v: g(o.L * o.d),
    beta: Float64Array.from({ length: o.L }, () => (o.betaScale ?? 1) * sigmoid(rng.normal())),
    S0: g(o.d * o.d).map((x) => 0.3 * x),
  };
}
const f32 = (c: Case) => ({ q: toF32(c.q), k: toF32(c.k), v: toF32(c.v), beta: toF32(c.beta), S0: toF32(c.S0) });

export interface ExactnessResult {
  rows: ExactRow[];
  /** DN7: max |T| of one chunk (C = d = 64, β = 0.5), unit and raw N(0, 1) keys. */
  dn7: { unit: number; raw: number };
  /** DN8: relative distance of DeltaNet/β to LA at β = 1e-2, 1e-3, 1e-4; and with orthonormal keys, β = 1. */
  dn8: { betas: number[]; rel: number[]; orthonormal: number };
  /** DN9: float32 error of T by forward substitution and by the doubling product, C = 16, 32, 64. */
  dn9: { C: number; substitution: number; doubling: number; maxPower: number }[];
}

export function runExactness(o: { seed: number }): ExactnessResult {
  const rows: ExactRow[] = [];
  const push = (r: ExactRow) => {
    const prev = rows.find((x) => x.id === r.id && x.precision === r.precision && x.what === r.what);
    if (prev) {
      prev.error = Math.max(prev.error, r.error);
      prev.scale = Math.max(prev.scale, r.scale);
    } else rows.push(r);
  };
  let seed = o.seed;
  // DN1/DN2: recurrent = chunk (16, 32, 64) = parallel
  for (const d of [32, 64])
    for (const L of [64, 100, 257, 1000]) {
      const c = makeCase({ L, d, seed: seed++ });
      const dims = { L, dk: d, dv: d };
      const ref = deltaRecurrent(c.q, c.k, c.v, c.beta, dims);
      const forms: [string, (x: Case | ReturnType<typeof f32>) => { o: Arr; S: Arr }][] = [
        ...[16, 32, 64].map((C): [string, (x: Case | ReturnType<typeof f32>) => { o: Arr; S: Arr }] => [
          `chunk C=${C}`,
          (x) => deltaChunk(x.q, x.k, x.v, x.beta, { ...dims, C }),
        ]),
        ["parallel", (x) => deltaParallel(x.q, x.k, x.v, x.beta, dims)],
        ["recurrent", (x) => deltaRecurrent(x.q, x.k, x.v, x.beta, dims)],
      ];
      for (const [name, f] of forms) {
        if (name === "parallel" && L > 257) continue;
        for (const prec of ["f64", "f32"] as const) {
          if (prec === "f64" && name === "recurrent") continue;
          const r = f(prec === "f64" ? c : f32(c));
          push({
            id: "DN1",
            what: "outputs o, every form vs f64 recurrent",
            error: maxAbsDiff(r.o, ref.o),
            relative: false,
            precision: prec,
            scale: maxAbs(ref.o),
          });
          push({
            id: "DN2",
            what: "final state S_L",
            error: maxAbsDiff(r.S, ref.S),
            relative: false,
            precision: prec,
            scale: maxAbs(ref.S),
          });
        }
      }
    }
  // DN3: β = 0 with S0
  {
    const L = 100;
    const d = 32;
    const c = makeCase({ L, d, seed: seed++ });
    const zero = new Float64Array(L);
    const r = deltaChunk(c.q, c.k, c.v, zero, { L, dk: d, dv: d, S0: c.S0, C: 32 });
    const read = laRecurrent(c.q, new Float64Array(L * d), new Float64Array(L * d), { L, dk: d, dv: d, S0: c.S0 });
    push({
      id: "DN3",
      what: "β ≡ 0: o_t − S0 q_t and S_L − S0",
      error: Math.max(maxAbsDiff(r.o, read.o), maxAbsDiff(r.S, c.S0)),
      relative: false,
      precision: "f64",
      scale: maxAbs(read.o),
    });
  }
  // DN4: β = 1 write-then-read with a repeated key
  {
    const L = 64;
    const d = 32;
    const c = makeCase({ L, d, seed: seed++ });
    c.k.set(c.k.subarray(5 * d, 6 * d), 40 * d);
    const r = deltaChunk(c.k, c.k, c.v, new Float64Array(L).fill(1), { L, dk: d, dv: d, C: 16 });
    push({
      id: "DN4",
      what: "β = 1: S_t k_t − v_t right after each write",
      error: maxAbsDiff(r.o, c.v),
      relative: false,
      precision: "f64",
      scale: maxAbs(c.v),
    });
  }
  // DN5: β = 2·sigmoid and β ≡ 2
  for (const pure of [false, true]) {
    const L = 257;
    const d = 64;
    const c = makeCase({ L, d, seed: seed++, betaScale: 2 });
    if (pure) c.beta.fill(2);
    const ref = deltaRecurrent(c.q, c.k, c.v, c.beta, { L, dk: d, dv: d });
    const s = maxAbs(ref.o);
    const what = pure
      ? "β ≡ 2 (reflections): chunk-64 vs recurrent, relative to max|o|"
      : "β = 2·sigmoid: chunk-64 vs recurrent, relative to max|o|";
    for (const prec of ["f64", "f32"] as const) {
      const x = prec === "f64" ? c : f32(c);
      const r = deltaChunk(x.q, x.k, x.v, x.beta, { L, dk: d, dv: d, C: 64 });
      push({ id: "DN5", what, error: maxAbsDiff(r.o, ref.o) / s, relative: true, precision: prec, scale: s });
    }
  }
  // DN7
  const half = new Float64Array(64).fill(0.5);
  const dn7 = {
    unit: maxAbs(utTransform(makeCase({ L: 64, d: 64, seed: seed }).k, half, { start: 0, B: 64, dk: 64 })),
    raw: maxAbs(utTransform(makeCase({ L: 64, d: 64, seed: seed, unit: false }).k, half, { start: 0, B: 64, dk: 64 })),
  };
  seed++;
  // DN8
  const dn8 = (() => {
    const L = 200;
    const d = 32;
    const c = makeCase({ L, d, seed: seed++ });
    const la = laRecurrent(c.q, c.k, c.v, { L, dk: d, dv: d }).o;
    const betas = [1e-2, 1e-3, 1e-4];
    const rel = betas.map(
      (b) =>
        maxAbsDiff(
          deltaRecurrent(c.q, c.k, c.v, new Float64Array(L).fill(b), { L, dk: d, dv: d }).o.map((y) => y / b),
          la,
        ) / maxAbs(la),
    );
    const e = new Float64Array(d * d);
    for (let i = 0; i < d; i++) e[i * d + i] = 1;
    const qd = c.q.subarray(0, d * d);
    const vd = c.v.subarray(0, d * d);
    const orthonormal = maxAbsDiff(
      deltaRecurrent(qd, e, vd, new Float64Array(d).fill(1), { L: d, dk: d, dv: d }).o,
      laRecurrent(qd, e, vd, { L: d, dk: d, dv: d }).o,
    );
    return { betas, rel, orthonormal };
  })();
  // DN9: keys with a shared component, as trained keys have
  const dn9 = [16, 32, 64].map((C) => {
    const d = 64;
    const rng = new Rng(seed + C);
    const shared = Float64Array.from({ length: d }, () => rng.normal());
    const k = l2normRows(
      Float64Array.from({ length: C * d }, (_, i) => rng.normal() + 1.5 * shared[i % d]!),
      d,
    );
    const beta = Float64Array.from({ length: C }, () => sigmoid(rng.normal()));
    const ref = utTransform(k, beta, { start: 0, B: C, dk: d });
    const sub = utTransform(toF32(k), toF32(beta), { start: 0, B: C, dk: d });
    const dbl = utTransformDoubling(toF32(k), toF32(beta), { start: 0, B: C, dk: d });
    return { C, substitution: maxAbsDiff(sub, ref), doubling: maxAbsDiff(dbl.T, ref), maxPower: dbl.maxPower };
  });
  seed++;
  // LA1
  for (const lambda of [1, 0.9]) {
    const L = 300;
    const d = 32;
    const c = makeCase({ L, d, seed: seed++ });
    const dims = { L, dk: d, dv: d, lambda };
    const ref = laRecurrent(c.q, c.k, c.v, dims);
    const s = maxAbs(ref.o);
    for (const prec of ["f64", "f32"] as const) {
      const x = prec === "f64" ? c : f32(c);
      for (const r of [
        laChunk(x.q, x.k, x.v, { ...dims, C: 16 }),
        laChunk(x.q, x.k, x.v, { ...dims, C: 64 }),
        laQuadratic(x.q, x.k, x.v, dims),
        laRecurrent(x.q, x.k, x.v, dims),
      ]) {
        push({
          id: "LA1",
          what: `λ = ${lambda}: chunk-16/64, quadratic (and f32 recurrent) vs f64 recurrent, relative to max|o|`,
          error: maxAbsDiff(r.o, ref.o) / s,
          relative: true,
          precision: prec,
          scale: s,
        });
      }
    }
  }
  // P1
  {
    const L = 40;
    const d = 8;
    const nh = 3;
    const c = makeCase({ L: L * nh, d, seed: seed++, betaScale: 2 });
    const q = c.q.subarray(0, L * d);
    const ref = deltaProductRecurrent(q, c.k, c.v, c.beta, { L, dk: d, dv: d, nh });
    for (const C of [undefined, 16]) {
      const r = deltaProduct(q, c.k, c.v, c.beta, { L, dk: d, dv: d, nh, C });
      push({
        id: "P1",
        what: "DeltaProduct n_h = 3: interleaved parallel and chunk-16 vs the recurrence",
        error: maxAbsDiff(r.o, ref.o),
        relative: false,
        precision: "f64",
        scale: maxAbs(ref.o),
      });
    }
  }
  // P2
  {
    const d = 3;
    const nh = 2;
    const L = 200;
    const rng = new Rng(seed++);
    const words = Array.from({ length: L }, () => rng.int(0, 6));
    const k = new Float64Array(L * nh * d);
    const beta = new Float64Array(L * nh);
    words.forEach((g, t) =>
      householderSteps(g, d, nh).forEach((s, j) => {
        k.set(s.k, (t * nh + j) * d);
        beta[t * nh + j] = s.beta;
      }),
    );
    const r = deltaProduct(new Float64Array(L * d), k, new Float64Array(L * nh * d), beta, {
      L,
      dk: d,
      dv: d,
      nh,
      S0: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
      C: 32,
    });
    let prod = 0;
    for (const w of words) prod = permCompose(w, prod);
    const P = permMatrix(prod);
    const PT = Float64Array.from({ length: 9 }, (_, i) => P[(i % 3) * 3 + Math.floor(i / 3)]!);
    push({
      id: "P2",
      what: "S₃ by two reflections per token: S_L − (P_{w_L}⋯P_{w_1})ᵀ after 200 tokens",
      error: maxAbsDiff(r.S, PT),
      relative: false,
      precision: "f64",
      scale: 1,
    });
  }
  return { rows, dn7, dn8, dn9 };
}
