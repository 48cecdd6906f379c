/**
 * B1-B6 (Littwin et al.): critical times of deep linear JEPA and MAE per feature, from the
 * quadrature of the reduced ODE (criticalTime), cross-checked by the layered per-feature system
 * (adaptive Dormand-Prince) and by full-matrix gradient descent; learning curves for the figure.
 */
import { Rng } from "../../../core/rng";
import {
  asymptote,
  criticalTime,
  dopri5,
  flipDepth,
  jepaSeries,
  layeredCriticalTime,
  layeredRhs,
  matrixInit,
  runMatrixGD,
  uRhs,
  type Feature,
  type Objective,
} from "../../../topics/linear-ssl";
import { B2, B3 } from "../settings";

const KINDS: Objective[] = ["jepa", "mae"];

export interface B1Row {
  kind: Objective;
  L: number;
  quadrature: number;
  layered: number;
  drift: number;
  wbarStar: number;
  vStar: number;
  /** w̄ and v of the layered system long after t* (10 t*): the asymptote reached. */
  wbarEnd: number;
  vEnd: number;
}

/** B1: λ = 1, ρ = 0.6, ε = 1e-2, L = 1..3: layered system vs quadrature, asymptotes, v² − a_l² drift. */
export function runB1(): B1Row[] {
  const f = { lam: 1, rho: 0.6, eps: 1e-2 };
  return KINDS.flatMap((kind) =>
    [1, 2, 3].map((L) => {
      const q = criticalTime(kind, { ...f, L });
      const lay = layeredCriticalTime(kind, { ...f, L });
      const a = asymptote(kind, { rho: f.rho, L });
      // run on to 20 t* to read the end point
      const y0 = new Float64Array(L + 1).fill(f.eps ** (1 / L));
      const end = dopri5(layeredRhs(kind, { ...f, L }), y0, { T: 20 * q, rtol: 1e-11, atol: 1e-300 }).y;
      let wbar = 1;
      for (let l = 0; l < L; l++) wbar *= end[l]!;
      return {
        kind,
        L,
        quadrature: q,
        layered: lay.tStar,
        drift: lay.balanceDrift,
        wbarStar: a.wbar,
        vStar: a.u,
        wbarEnd: wbar,
        vEnd: end[L]!,
      };
    }),
  );
}

export interface B2Row {
  kind: Objective;
  L: number;
  /** t* per ρ in B2.rhos order. */
  tStar: number[];
  /** t*(ρ = 0.2)/t*(ρ = 0.8). */
  ratio: number;
}

export function runB2(): B2Row[] {
  return KINDS.flatMap((kind) =>
    B2.depths.map((L) => {
      const tStar = B2.rhos.map((rho) => criticalTime(kind, { lam: B2.lam, rho, eps: B2.eps, L }));
      return { kind, L, tStar, ratio: tStar[0]! / tStar[tStar.length - 1]! };
    }),
  );
}

/** B2's layered cross-check at one depth: the adaptive integrator's t* for each ρ. */
export function runB2Layered(L: number): { rho: number; quadrature: number; layered: number }[] {
  return B2.rhos.map((rho) => ({
    rho,
    quadrature: criticalTime("jepa", { lam: B2.lam, rho, eps: B2.eps, L }),
    layered: layeredCriticalTime("jepa", { lam: B2.lam, rho, eps: B2.eps, L }).tStar,
  }));
}

export interface B3Row {
  kind: Objective;
  L: number;
  tStar: [number, number];
  /** Index (0 or 1) of the feature learned first. */
  first: number;
  /** JEPA only: the small-init series for each feature, and ε^{1/L}/ρ. */
  series?: [number, number];
  initOverRho?: [number, number];
}

export function runB3(eps = B3.eps): B3Row[] {
  return KINDS.flatMap((kind) =>
    B3.depths.map((L) => {
      const tStar = B3.features.map((f) => criticalTime(kind, { ...f, eps, L })) as [number, number];
      const row: B3Row = { kind, L, tStar, first: tStar[0]! <= tStar[1]! ? 0 : 1 };
      if (kind === "jepa") {
        row.series = B3.features.map((f) => jepaSeries({ ...f, eps, L })) as [number, number];
        row.initOverRho = B3.features.map((f) => eps ** (1 / L) / f.rho) as [number, number];
      }
      return row;
    }),
  );
}

/** The flip depth of B3's two features against the init scale (the notes' surprise: it grows as ε → 0). */
export function runFlipDepths(epss: number[], Lmax: number): { eps: number; flip: number }[] {
  return epss.map((eps) => ({ eps, flip: flipDepth({ features: B3.features, eps, Lmax }) }));
}

export interface B5Run {
  kind: Objective;
  L: number;
  init: string;
  seed: number | null;
  tStar: number[];
  scalar: number[];
  learnedAtEnd: boolean[];
  T: number;
  steps: number;
}

/** B5: full-matrix gradient descent (d = 2, B3's features, ε = 1e-2), identity and random orthogonal inits. */
export function runB5(o: { steps: number; eps: number; depths: number[]; orthSeeds: number[]; horizon: number }): B5Run[] {
  const out: B5Run[] = [];
  for (const kind of KINDS)
    for (const L of o.depths) {
      const scalar = B3.features.map((f) => criticalTime(kind, { ...f, eps: o.eps, L }));
      const T = o.horizon * Math.max(...scalar);
      const dt = T / o.steps;
      const run = (init: "identity" | "orthogonal", seed: number | null) => {
        const s = matrixInit({ d: 2, L, eps: o.eps, init, ...(seed === null ? {} : { rng: new Rng(seed) }) });
        const r = runMatrixGD(kind, s, { features: B3.features, steps: o.steps, dt });
        out.push({ kind, L, init, seed, tStar: r.tStar, scalar, learnedAtEnd: r.learnedAtEnd, T, steps: o.steps });
      };
      run("identity", null);
      for (const seed of o.orthSeeds) run("orthogonal", seed);
    }
  return out;
}

export interface Curve {
  kind: Objective;
  L: number;
  feature: Feature;
  t: number[];
  /** w̄(t)/w̄*. */
  frac: number[];
}

/** Learning curves w̄_i(t)/w̄_i* of the reduced ODE (adaptive integrator), up to T = horizon × max t*. */
export function learningCurves(o: { features: readonly Feature[]; eps: number; depths: number[]; horizon: number }): Curve[] {
  const out: Curve[] = [];
  for (const kind of KINDS)
    for (const L of o.depths) {
      const T = o.horizon * Math.max(...o.features.map((f) => criticalTime(kind, { ...f, eps: o.eps, L })));
      for (const feature of o.features) {
        const star = asymptote(kind, { rho: feature.rho, L }).wbar;
        const t: number[] = [];
        const frac: number[] = [];
        const f = (_t: number, y: Float64Array, dy: Float64Array) => {
          dy[0] = uRhs(kind, y[0]!, { ...feature, L });
        };
        dopri5(f, Float64Array.of(o.eps ** (1 / L)), {
          T,
          rtol: 1e-8,
          atol: 1e-300,
          observe: (tt, y) => {
            t.push(tt);
            frac.push(y[0]! ** L / star);
          },
        });
        out.push({ kind, L, feature, t, frac });
      }
    }
  return out;
}
