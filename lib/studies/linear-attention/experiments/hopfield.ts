/**
 * Modern Hopfield retrieval (notes §4b, HF1-HF8), float64, one update unless said otherwise.
 */
import { loadDigits } from "../../../core/data";
import { Rng } from "../../../core/rng";
import {
  capacityPoint,
  hopfieldEnergy,
  hopfieldUpdate,
  iterateToFixedPoint,
  maxNorm,
  participation,
  patterns,
  retrievalStudy,
  type CapacityPoint,
  type Patterns,
  type RetrievalResult,
} from "../../../topics/sequence-memory";
import { linearFit } from "../../../core/stats";

// ---------------------------------------------------------------------------------------------
// HF1-HF2

export interface HopfieldExact {
  /** HF1: max |update − softmax(QKᵀ/√d)V| over S queries (float64), computed two ways. */
  attentionDiff: number;
  /** HF2 per β: largest energy increase along 30 iterations over all starts, and the smallest energy seen. */
  energy: { beta: number; maxIncrease: number; minEnergy: number; lowerBoundViolations: number }[];
}

export function runHopfieldExact(o: { seed: number }): HopfieldExact {
  const rng = new Rng(o.seed);
  const N = 50;
  const d = 16;
  const P = patterns(
    Array.from({ length: N * d }, () => rng.normal()),
    { N, d },
  );
  // HF1: softmax attention with K = V = X, Q = ξ rows, scale 1/√d, written out independently
  let attentionDiff = 0;
  for (let s = 0; s < 20; s++) {
    const xi = Array.from({ length: d }, () => rng.normal());
    const up = hopfieldUpdate(P, xi, 1 / Math.sqrt(d)).xi;
    const logits = Array.from({ length: N }, (_, i) => xi.reduce((a, x, j) => a + x * P.X[i * d + j]!, 0) / Math.sqrt(d));
    const m = Math.max(...logits);
    const w = logits.map((l) => Math.exp(l - m));
    const z = w.reduce((a, b) => a + b, 0);
    for (let j = 0; j < d; j++) {
      const att = w.reduce((a, wi, i) => a + (wi / z) * P.X[i * d + j]!, 0);
      attentionDiff = Math.max(attentionDiff, Math.abs(att - up[j]!));
    }
  }
  const M = maxNorm(P);
  const energy = [0.05, 0.5, 5].map((beta) => {
    let maxIncrease = Number.NEGATIVE_INFINITY;
    let minEnergy = Number.POSITIVE_INFINITY;
    let lowerBoundViolations = 0;
    for (let s = 0; s < 20; s++) {
      let xi = Float64Array.from({ length: d }, () => 2 * rng.normal());
      let e = hopfieldEnergy(P, xi, beta, M);
      for (let it = 0; it < 30; it++) {
        xi = hopfieldUpdate(P, xi, beta).xi;
        const e2 = hopfieldEnergy(P, xi, beta, M);
        maxIncrease = Math.max(maxIncrease, e2 - e);
        minEnergy = Math.min(minEnergy, e2);
        const norm = Math.sqrt(xi.reduce((a, x) => a + x * x, 0));
        if (e2 < 0.5 * (norm - M) ** 2 - 1e-12) lowerBoundViolations++;
        e = e2;
      }
    }
    return { beta, maxIncrease, minEnergy, lowerBoundViolations };
  });
  return { attentionDiff, energy };
}

// ---------------------------------------------------------------------------------------------
// HF3-HF5: one-step retrieval tables

export const HF4_CELLS = [
  { d: 32, N: 10 },
  { d: 32, N: 1000 },
  { d: 32, N: 10000 },
  { d: 64, N: 100 },
  { d: 64, N: 10000 },
];
export const HF4_BETAS = [0.03, 0.1, 0.3, 1];
export const HF5_CELLS = [
  { d: 32, N: 10 },
  { d: 32, N: 100 },
  { d: 32, N: 1000 },
  { d: 64, N: 10000 },
];
export const HF5_BETAS = [0.1, 0.3, 1];

export interface RetrievalTables {
  hf4: RetrievalResult[];
  hf5: RetrievalResult[];
}

export function runRetrievalTables(o: {
  queries: number;
  seed: number;
  cells4?: typeof HF4_CELLS;
  cells5?: typeof HF5_CELLS;
}): RetrievalTables {
  const hf4 = (o.cells4 ?? HF4_CELLS).map((c, i) =>
    retrievalStudy({
      ...c,
      kind: "pm1",
      corruption: { kind: "flip", rho: 0.1 },
      betas: HF4_BETAS,
      queries: o.queries,
      queriesPerSet: 100,
      rng: new Rng(o.seed + i),
    }),
  );
  const hf5 = (o.cells5 ?? HF5_CELLS).map((c, i) =>
    retrievalStudy({
      ...c,
      kind: "gauss",
      corruption: { kind: "mask", rho: 0.5 },
      betas: HF5_BETAS,
      queries: o.queries,
      queriesPerSet: 100,
      rng: new Rng(o.seed + 100 + i),
    }),
  );
  return { hf4, hf5 };
}

// ---------------------------------------------------------------------------------------------
// HF6: capacity

export interface CapacityResult {
  ds: number[];
  argmax: CapacityPoint[];
  beta1: CapacityPoint[];
  /** Slope of ln N₉₅ against d, with its standard error, per row. */
  slopeArgmax: { slope: number; se: number };
  slopeBeta1: { slope: number; se: number };
}

function slope(points: CapacityPoint[]): { slope: number; se: number } {
  const ok = points.filter((p) => Number.isFinite(p.n95));
  const x = ok.map((p) => p.d);
  const y = ok.map((p) => Math.log(p.n95));
  const f = linearFit(x, y);
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const sxx = x.reduce((a, b) => a + (b - mx) ** 2, 0);
  const rss = y.reduce((a, yi, i) => a + (yi - f.intercept - f.slope * x[i]!) ** 2, 0);
  return { slope: f.slope, se: n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : Number.NaN };
}

export function runCapacity(o: { ds: number[]; queries: number; growth: number; maxN: number; seed: number }): CapacityResult {
  const run = (beta: number, off: number) =>
    o.ds.map((d, i) =>
      capacityPoint({
        d,
        rho: 0.1,
        beta,
        threshold: 0.95,
        queries: o.queries,
        queriesPerSet: 100,
        growth: o.growth,
        maxN: o.maxN,
        rng: new Rng(o.seed + off + i),
      }),
    );
  const argmax = run(Number.POSITIVE_INFINITY, 0);
  const beta1 = run(1, 1000);
  return { ds: o.ds, argmax, beta1, slopeArgmax: slope(argmax), slopeBeta1: slope(beta1) };
}

// ---------------------------------------------------------------------------------------------
// HF7: metastable states

export interface MetastableRow {
  beta: number;
  /** Mean n_eff of the fixed point's softmax over all starts. */
  nEff: number;
  /** Mean softmax mass on the start's own cluster. */
  ownCluster: number;
  /** Largest distance of a fixed point to the global mean, to its cluster mean, and to its own pattern. */
  toGlobalMean: number;
  toClusterMean: number;
  toOwnPattern: number;
  /** Fraction of starts whose fixed point is their own pattern (distance < 0.05). */
  ownPattern: number;
  converged: number;
}

export interface MetastableResult {
  d: number;
  clusters: number;
  perCluster: number;
  cosWithin: number;
  cosBetween: number;
  rows: MetastableRow[];
}

/** Unit patterns in `clusters` groups: x = normalise(√ρ c + √(1−ρ) n), c orthonormal centres, n random unit. */
export function clusteredPatterns(o: { d: number; clusters: number; perCluster: number; rho: number; rng: Rng }): {
  P: Patterns;
  cluster: number[];
} {
  const { d, clusters, perCluster, rng } = o;
  if (clusters > d) throw new Error(`clusteredPatterns: ${clusters} orthonormal centres need d ≥ ${clusters}`);
  // centres: Gram-Schmidt on Gaussian vectors
  const centres: Float64Array[] = [];
  while (centres.length < clusters) {
    const v = Float64Array.from({ length: d }, () => rng.normal());
    for (const c of centres) {
      const dot = v.reduce((a, x, j) => a + x * c[j]!, 0);
      for (let j = 0; j < d; j++) v[j] = v[j]! - dot * c[j]!;
    }
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    centres.push(v.map((x) => x / n));
  }
  const X = new Float64Array(clusters * perCluster * d);
  const cluster: number[] = [];
  for (let c = 0; c < clusters; c++)
    for (let m = 0; m < perCluster; m++) {
      const n = Float64Array.from({ length: d }, () => rng.normal());
      const nn = Math.sqrt(n.reduce((a, x) => a + x * x, 0));
      const x = centres[c]!.map((cj, j) => Math.sqrt(o.rho) * cj + Math.sqrt(1 - o.rho) * (n[j]! / nn));
      const xn = Math.sqrt(x.reduce((a, v) => a + v * v, 0));
      X.set(
        x.map((v) => v / xn),
        (c * perCluster + m) * d,
      );
      cluster.push(c);
    }
  return { P: { X, N: clusters * perCluster, d }, cluster };
}

export function runMetastable(o: {
  betas: number[];
  seed: number;
  d?: number;
  clusters?: number;
  perCluster?: number;
  rho?: number;
}): MetastableResult {
  const d = o.d ?? 64;
  const clusters = o.clusters ?? 10;
  const perCluster = o.perCluster ?? 10;
  const { P, cluster } = clusteredPatterns({ d, clusters, perCluster, rho: o.rho ?? 0.963, rng: new Rng(o.seed) });
  const N = P.N;
  const row = (i: number) => P.X.subarray(i * d, (i + 1) * d);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[j]! * b[j]!;
    return s;
  };
  const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (a[j]! - b[j]!) ** 2;
    return Math.sqrt(s);
  };
  let within = 0;
  let nW = 0;
  let between = 0;
  let nB = 0;
  for (let i = 0; i < N; i++)
    for (let j = i + 1; j < N; j++) {
      const c = dot(row(i), row(j));
      if (cluster[i] === cluster[j]) {
        within += c;
        nW++;
      } else {
        between += c;
        nB++;
      }
    }
  const mean = (idx: number[]) => {
    const m = new Float64Array(d);
    for (const i of idx) for (let j = 0; j < d; j++) m[j] = m[j]! + P.X[i * d + j]! / idx.length;
    return m;
  };
  const all = mean(Array.from({ length: N }, (_, i) => i));
  const cmeans = Array.from({ length: clusters }, (_, c) => mean(cluster.flatMap((cc, i) => (cc === c ? [i] : []))));
  const rows = o.betas.map((beta): MetastableRow => {
    let nEff = 0;
    let own = 0;
    let toG = 0;
    let toC = 0;
    let toP = 0;
    let ownPattern = 0;
    let converged = 0;
    for (let i = 0; i < N; i++) {
      const fp = iterateToFixedPoint(P, row(i), beta, { tol: 1e-10, maxIter: 2000 });
      if (fp.converged) converged++;
      nEff += participation(fp.p);
      own += fp.p.reduce((a, pi, j) => a + (cluster[j] === cluster[i] ? pi : 0), 0);
      toG = Math.max(toG, dist(fp.xi, all));
      toC = Math.max(toC, dist(fp.xi, cmeans[cluster[i]!]!));
      const dp = dist(fp.xi, row(i));
      toP = Math.max(toP, dp);
      if (dp < 0.05) ownPattern++;
    }
    return {
      beta,
      nEff: nEff / N,
      ownCluster: own / N,
      toGlobalMean: toG,
      toClusterMean: toC,
      toOwnPattern: toP,
      ownPattern: ownPattern / N,
      converged: converged / N,
    };
  });
  return { d, clusters, perCluster, cosWithin: within / nW, cosBetween: between / nB, rows };
}

// ---------------------------------------------------------------------------------------------
// HF8: digits

export interface DigitsRow {
  N: number;
  beta: number;
  /** Fraction of queries whose retrieved state is nearest (Euclidean) to the query's own image. */
  exactIndex: number;
  /** Fraction whose nearest stored image has the query's label. */
  classRate: number;
  nEff: number;
}

export interface DigitsResult {
  rows: DigitsRow[];
  /** For the figure: query, original and retrieved states of a few images at the figure's β. */
  examples: { index: number; label: number; original: number[]; query: number[]; retrieved: { beta: number; state: number[] }[] }[];
}

/** Each digit standardised per image (zero mean, unit sample variance: ‖x‖² = 63). */
export function standardisedDigits(): { X: Float64Array; y: Int32Array; n: number } {
  const data = loadDigits();
  const n = data.nSamples;
  const X = new Float64Array(n * 64);
  for (let i = 0; i < n; i++) {
    const r = data.X.subarray(i * 64, (i + 1) * 64);
    const m = r.reduce((a, v) => a + v, 0) / 64;
    const sd = Math.sqrt(r.reduce((a, v) => a + (v - m) ** 2, 0) / 63);
    for (let j = 0; j < 64; j++) X[i * 64 + j] = (r[j]! - m) / sd;
  }
  return { X, y: data.y, n };
}

export function runDigits(o: {
  Ns: number[];
  betas: number[];
  exampleN: number;
  exampleBetas: number[];
  examples: number[];
}): DigitsResult {
  const { X, y } = standardisedDigits();
  const d = 64;
  const half = (i: number) => {
    const q = Float64Array.from(X.subarray(i * d, (i + 1) * d));
    for (let j = 32; j < 64; j++) q[j] = 0; // rows 4-7 of the 8×8 image
    return q;
  };
  const nearest = (P: Patterns, s: ArrayLike<number>) => {
    let best = -1;
    let bd = Number.POSITIVE_INFINITY;
    for (let i = 0; i < P.N; i++) {
      let e = 0;
      for (let j = 0; j < d; j++) e += (P.X[i * d + j]! - s[j]!) ** 2;
      if (e < bd) {
        bd = e;
        best = i;
      }
    }
    return best;
  };
  const rows: DigitsRow[] = [];
  for (const N of o.Ns) {
    const P = patterns(X.subarray(0, N * d), { N, d });
    for (const beta of o.betas) {
      let exact = 0;
      let cls = 0;
      let neff = 0;
      for (let i = 0; i < N; i++) {
        const r = hopfieldUpdate(P, half(i), beta);
        const nb = nearest(P, r.xi);
        if (nb === i) exact++;
        if (y[nb] === y[i]) cls++;
        neff += participation(r.p);
      }
      rows.push({ N, beta, exactIndex: exact / N, classRate: cls / N, nEff: neff / N });
    }
  }
  const P = patterns(X.subarray(0, o.exampleN * d), { N: o.exampleN, d });
  const examples = o.examples.map((i) => ({
    index: i,
    label: y[i]!,
    original: Array.from(X.subarray(i * d, (i + 1) * d)),
    query: Array.from(half(i)),
    retrieved: o.exampleBetas.map((beta) => ({ beta, state: Array.from(hopfieldUpdate(P, half(i), beta).xi) })),
  }));
  return { rows, examples };
}
