/**
 * Limited-memory BFGS for smooth unconstrained minimisation, following scipy's L-BFGS-B
 * (Byrd, Lu, Nocedal, Zhu 1995; Morales & Nocedal 2011) on a problem without bounds, which is
 * what scikit-learn's `LogisticRegression(solver="lbfgs")` runs:
 *   - direction from the two-loop recursion over the last `memory` pairs (s, y), H0 = (s'y / y'y) I;
 *     pairs with s'y <= eps * (-s'g_old) are skipped (L-BFGS-B's curvature test);
 *   - Moré–Thuente line search (ftol 1e-3, gtol 0.9, xtol 0.1), first step 1/||d||_2 on the first
 *     iteration and 1 afterwards; a failed search restarts from steepest descent with the memory
 *     cleared, and fails for good if the memory was already empty;
 *   - stops when ||g||_inf <= gtol, when (f_old - f) <= ftol * max(|f_old|, |f|, 1), or after
 *     maxIter iterations / maxFun evaluations.
 * Moved from lib/classifiers/lbfgs.ts unchanged (bit-identical): same options, result and status.
 */
import { LBFGSB_LINE_SEARCH, moreThuente } from "./line-search";

/** Writes the gradient at x into `grad` and returns the objective value. */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => number;

/** Settings of `lbfgs`; the defaults are scipy's L-BFGS-B defaults. */
export interface LbfgsOptions {
  /** Number of stored correction pairs (scipy's maxcor; default 10). */
  memory?: number;
  /** Stop when the largest gradient component is at most this (scipy's gtol / pgtol; default 1e-5). */
  gtol?: number;
  /** Relative-reduction stop (scipy's ftol = factr * eps; default 2.220446049250313e-9, i.e. factr 1e7). */
  ftol?: number;
  /** Maximum iterations (default 15000, scipy's default). */
  maxIter?: number;
  /** Maximum objective evaluations (default 15000). */
  maxFun?: number;
  /** Maximum evaluations per line search (scipy's maxls; default 20). */
  maxLs?: number;
}

/** Why `lbfgs` stopped. */
export type LbfgsStatus = "gtol" | "ftol" | "maxIter" | "maxFun" | "lineSearch";

/** Solution and diagnostics of one `lbfgs` run. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** ||gradient||_inf at x. */
  gradInf: number;
  iterations: number;
  evaluations: number;
  status: LbfgsStatus;
  /** True when a gradient or relative-reduction test was met. */
  converged: boolean;
}

const EPS = 2.220446049250313e-16;

function infNorm(v: Float64Array): number {
  let r = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > r) r = a;
  }
  return r;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
  }
  if (i < n) s0 += a[i]! * b[i]!;
  return s0 + s1;
}

/** Minimises `fg` from x0 (not modified). See the module comment for the algorithm. */
export function lbfgs(fg: ObjectiveFn, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const M = options.memory ?? 10;
  const gtol = options.gtol ?? 1e-5;
  const ftol = options.ftol ?? 2.220446049250313e-9;
  const maxIter = options.maxIter ?? 15000;
  const maxFun = options.maxFun ?? 15000;
  const maxLs = options.maxLs ?? 20;
  if (!Number.isInteger(M) || M < 1) throw new Error(`lbfgs: memory must be a positive integer, got ${M}`);
  if (!(gtol >= 0) || !(ftol >= 0)) throw new Error(`lbfgs: gtol and ftol must be >= 0, got ${gtol}, ${ftol}`);
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new Error(`lbfgs: maxIter must be an integer >= 0, got ${maxIter}`);
  if (!Number.isInteger(maxLs) || maxLs < 1) throw new Error(`lbfgs: maxLs must be a positive integer, got ${maxLs}`);
  const dim = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(dim);
  let xt = new Float64Array(dim);
  let gt = new Float64Array(dim);
  const d = new Float64Array(dim);
  const S = Array.from({ length: M }, () => new Float64Array(dim));
  const Y = Array.from({ length: M }, () => new Float64Array(dim));
  const rho = new Float64Array(M);
  const alpha = new Float64Array(M);
  let stored = 0; // number of valid pairs
  let head = 0; // slot of the next pair to write

  let f = fg(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) throw new Error(`lbfgs: objective is ${f} at the starting point; check the data and the initial parameters`);
  let gradInf = infNorm(g);
  let iterations = 0;
  const done = (status: LbfgsStatus): LbfgsResult => ({
    x, f, gradInf, iterations, evaluations, status, converged: status === "gtol" || status === "ftol",
  });
  if (gradInf <= gtol) return done("gtol");
  if (maxIter === 0) return done("maxIter");

  for (;;) {
    // two-loop recursion: d = -H g
    for (let i = 0; i < dim; i++) d[i] = -g[i]!;
    if (stored > 0) {
      for (let t = 0; t < stored; t++) {
        const slot = (head - 1 - t + M) % M;
        const a = rho[slot]! * dot(S[slot]!, d);
        alpha[slot] = a;
        const ys = Y[slot]!;
        for (let i = 0; i < dim; i++) d[i] -= a * ys[i]!;
      }
      const last = (head - 1 + M) % M;
      const yl = Y[last]!;
      const gamma = 1 / (rho[last]! * dot(yl, yl));
      for (let i = 0; i < dim; i++) d[i] *= gamma;
      for (let t = stored - 1; t >= 0; t--) {
        const slot = (head - 1 - t + M) % M;
        const b = rho[slot]! * dot(Y[slot]!, d);
        const c = alpha[slot]! - b;
        const ss = S[slot]!;
        for (let i = 0; i < dim; i++) d[i] += c * ss[i]!;
      }
    }
    const gd = dot(g, d);
    if (!(gd < 0)) {
      // not a descent direction (numerical trouble in the memory): restart from steepest descent
      if (stored === 0) return done("lineSearch");
      stored = 0;
      head = 0;
      continue;
    }
    const dnorm = Math.sqrt(dot(d, d));
    const stp0 = iterations === 0 && stored === 0 ? Math.min(1 / dnorm, 1e10) : 1;
    const fOld = f;
    const xCur = x;
    const gTrial = gt;
    const xTrial = xt;
    const budget = Math.min(maxLs, Math.max(1, maxFun - evaluations));
    const ls = moreThuente(
      (stp) => {
        for (let i = 0; i < dim; i++) xTrial[i] = xCur[i]! + stp * d[i]!;
        const ft = fg(xTrial, gTrial);
        evaluations++;
        return { f: Number.isFinite(ft) ? ft : Infinity, g: dot(gTrial, d) };
      },
      { f0: f, g0: gd, stp0 },
      { ...LBFGSB_LINE_SEARCH, maxEvals: budget },
    );
    if (ls.status === "failed" || !Number.isFinite(ls.f)) {
      if (evaluations >= maxFun) return done("maxFun");
      if (stored === 0) return done("lineSearch");
      stored = 0;
      head = 0;
      continue;
    }
    // accept the trial point: s = x_new - x_old, y = g_new - g_old written into the next memory slot
    const sNew = S[head]!;
    const yNew = Y[head]!;
    for (let i = 0; i < dim; i++) {
      sNew[i] = xTrial[i]! - xCur[i]!;
      yNew[i] = gTrial[i]! - g[i]!;
    }
    const gdOld = gd;
    [x, xt] = [xt, x];
    [g, gt] = [gt, g];
    f = ls.f;
    iterations++;
    gradInf = infNorm(g);
    if (gradInf <= gtol) return done("gtol");
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) return done("ftol");
    const sy = dot(sNew, yNew);
    if (sy > EPS * (-gdOld * ls.stp)) {
      rho[head] = 1 / sy;
      head = (head + 1) % M;
      if (stored < M) stored++;
    }
    if (iterations >= maxIter) return done("maxIter");
    if (evaluations >= maxFun) return done("maxFun");
  }
}
