/**
 * The Moré–Thuente line search (MINPACK-2 `dcsrch` / `dcstep`; J. J. Moré and D. J. Thuente,
 * "Line search algorithms with guaranteed sufficient decrease", ACM TOMS 20, 1994), the one
 * scipy's L-BFGS-B calls. Written as a loop over a callback instead of reverse communication.
 *
 * It looks for a step stp > 0 along a descent direction satisfying the strong Wolfe conditions
 *   phi(stp) <= phi(0) + ftol * stp * phi'(0)   and   |phi'(stp)| <= gtol * |phi'(0)|.
 * Moved from lib/classifiers/line-search.ts with the same arithmetic (bit-identical); only the
 * start (phi(0), phi'(0), first step) is now one object, so the three numbers cannot be swapped.
 */

/** phi(stp) and its derivative phi'(stp) along the search direction. */
export type LinePhi = (stp: number) => { f: number; g: number };

/** Where the search starts: phi(0), phi'(0) (< 0: a descent direction) and the first trial step. */
export interface LineSearchStart {
  f0: number;
  g0: number;
  stp0: number;
}

/** Constants of the search (MINPACK-2 dcsrch arguments); `LBFGSB_LINE_SEARCH` holds L-BFGS-B's. */
export interface LineSearchOptions {
  /** Sufficient-decrease constant (L-BFGS-B: 1e-3). */
  ftol: number;
  /** Curvature constant (L-BFGS-B: 0.9). */
  gtol: number;
  /** Relative width of the uncertainty interval at which to stop (L-BFGS-B: 0.1). */
  xtol: number;
  stpmin: number;
  stpmax: number;
  /** Maximum number of phi evaluations. */
  maxEvals: number;
}

/** The accepted step and phi, phi' there. */
export interface LineSearchResult {
  stp: number;
  f: number;
  g: number;
  evals: number;
  /** "converged": strong Wolfe holds; "warning": stopped at a safeguard (still a decrease); "failed": evaluation budget spent. */
  status: "converged" | "warning" | "failed";
  message: string;
}

/** The constants scipy's L-BFGS-B passes to dcsrch (maxEvals is its maxls). */
export const LBFGSB_LINE_SEARCH: Readonly<LineSearchOptions> = { ftol: 1e-3, gtol: 0.9, xtol: 0.1, stpmin: 0, stpmax: 1e10, maxEvals: 20 };

const XTRAPL = 1.1;
const XTRAPU = 4.0;

/** Moré–Thuente search from `start.stp0` given phi(0) = f0 and phi'(0) = g0 < 0. */
export function moreThuente(phi: LinePhi, start: LineSearchStart, o: LineSearchOptions = LBFGSB_LINE_SEARCH): LineSearchResult {
  const { f0, g0, stp0 } = start;
  if (!(g0 < 0)) throw new Error(`moreThuente: initial directional derivative must be negative (descent direction), got ${g0}`);
  if (!(stp0 > 0) || stp0 < o.stpmin || stp0 > o.stpmax) throw new Error(`moreThuente: initial step ${stp0} outside [${o.stpmin}, ${o.stpmax}]`);
  let stp = stp0;
  let brackt = false;
  let stage = 1;
  const finit = f0;
  const ginit = g0;
  const gtest = o.ftol * ginit;
  let width = o.stpmax - o.stpmin;
  let width1 = width / 0.5;
  // st = { stx, fx, gx, sty, fy, gy } of the interval of uncertainty
  const st: Interval = { stx: 0, fx: finit, gx: ginit, sty: 0, fy: finit, gy: ginit, brackt: false };
  let stmin = 0;
  let stmax = stp + XTRAPU * stp;
  let evals = 0;
  for (;;) {
    const { f, g } = phi(stp);
    evals++;
    const ftest = finit + stp * gtest;
    if (stage === 1 && f <= ftest && g >= 0) stage = 2;
    // convergence is tested first: in dcsrch it overrides any warning
    if (f <= ftest && Math.abs(g) <= o.gtol * -ginit) return { stp, f, g, evals, status: "converged", message: "strong Wolfe" };
    if (brackt && (stp <= stmin || stp >= stmax)) return { stp, f, g, evals, status: "warning", message: "rounding errors prevent progress" };
    if (brackt && stmax - stmin <= o.xtol * stmax) return { stp, f, g, evals, status: "warning", message: "xtol test satisfied" };
    if (stp === o.stpmax && f <= ftest && g <= gtest) return { stp, f, g, evals, status: "warning", message: "stp = stpmax" };
    if (stp === o.stpmin && (f > ftest || g >= gtest)) return { stp, f, g, evals, status: "warning", message: "stp = stpmin" };
    if (evals >= o.maxEvals) return { stp, f, g, evals, status: "failed", message: `no acceptable step in ${o.maxEvals} evaluations` };

    st.brackt = brackt;
    if (stage === 1 && f <= st.fx && f > ftest) {
      // modified function psi(stp) = phi(stp) - phi(0) - stp*gtest while no point is known to satisfy both tests
      const mod: Interval = { stx: st.stx, fx: st.fx - st.stx * gtest, gx: st.gx - gtest, sty: st.sty, fy: st.fy - st.sty * gtest, gy: st.gy - gtest, brackt };
      stp = dcstep(mod, stp, f - stp * gtest, g - gtest, stmin, stmax);
      st.stx = mod.stx; st.sty = mod.sty; brackt = mod.brackt;
      st.fx = mod.fx + mod.stx * gtest; st.fy = mod.fy + mod.sty * gtest;
      st.gx = mod.gx + gtest; st.gy = mod.gy + gtest;
    } else {
      stp = dcstep(st, stp, f, g, stmin, stmax);
      brackt = st.brackt;
    }
    if (brackt) {
      // force sufficient shrinkage of the interval (bisection step)
      if (Math.abs(st.sty - st.stx) >= 0.66 * width1) stp = st.stx + 0.5 * (st.sty - st.stx);
      width1 = width;
      width = Math.abs(st.sty - st.stx);
      stmin = Math.min(st.stx, st.sty);
      stmax = Math.max(st.stx, st.sty);
    } else {
      stmin = stp + XTRAPL * (stp - st.stx);
      stmax = stp + XTRAPU * (stp - st.stx);
    }
    stp = Math.min(Math.max(stp, o.stpmin), o.stpmax);
    // no further progress possible: take the best point so far
    if ((brackt && (stp <= stmin || stp >= stmax)) || (brackt && stmax - stmin <= o.xtol * stmax)) stp = st.stx;
  }
}

interface Interval {
  stx: number; fx: number; gx: number;
  sty: number; fy: number; gy: number;
  brackt: boolean;
}

/**
 * One safeguarded step (MINPACK-2 dcstep): updates the interval `s` in place with the trial
 * point (stp, fp, dp) and returns the next trial step (cubic / quadratic interpolation).
 */
function dcstep(s: Interval, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, gx: dx, sty, fy, gy: dy } = s;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    // case 1: higher function value; the minimum is bracketed
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    s.brackt = true;
  } else if (sgnd < 0) {
    // case 2: lower value, derivatives of opposite sign; bracketed
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    s.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // case 3: lower value, same-sign derivative decreasing in magnitude
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt(Math.max(0, (theta / sc) ** 2 - (dx / sc) * (dp / sc)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else stpc = stp > stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (s.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(stpmin, Math.min(stpmax, stpf));
    }
  } else if (s.brackt) {
    // case 4: lower value, derivative not decreasing in magnitude; cubic step towards sty
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dy / sc) * (dp / sc));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    const r = p / q;
    stpf = stp + r * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }
  if (fp > fx) {
    s.sty = stp; s.fy = fp; s.gy = dp;
  } else {
    if (sgnd < 0) {
      s.sty = stx; s.fy = fx; s.gy = dx;
    }
    s.stx = stp; s.fx = fp; s.gx = dp;
  }
  return stpf;
}
