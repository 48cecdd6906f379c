/**
 * Exact theory values and a symbolic check of the optimal step, with mathjs:
 *   - η* = n/(n + d + 1 + σ²) and the GD risk d(d + 1 + σ²)/(n + d + 1 + σ²) + σ² as fractions
 *     for rational σ² (τ² = 1), so a claim can print 40/53 beside 0.7547;
 *   - the one-step risk R(η) = η² Q − 2η A + E y_q² written from the iid-coordinate moments of
 *     closed-forms.ts, differentiated by mathjs, its stationary point solved and compared with the
 *     closed form, so the formula the claims use is not only typed in but derived.
 * The float closed forms in closed-forms.ts stay the ones the experiments use; tests tie the two.
 */
import type * as MathJs from "mathjs";

export type Rational = MathJs.Fraction;

let loaded: typeof MathJs | undefined;

/**
 * mathjs, loaded on first use rather than at import: its ~1,000 modules took 1-2 s of CPU (and far
 * more wall time on a busy disk) to load, which every importer of lib/topics/icl paid in its first
 * notebook cell, needed or not.
 */
function mathjs(): typeof MathJs {
  loaded ??= require("mathjs") as typeof MathJs;
  return loaded;
}

/** A σ² given as a number (0.5 → 1/2; decimals like 0.1 → 1/10) or as a "p/q" string. */
export type RationalInput = number | string | Rational;

function toFraction(v: RationalInput, what: string): Rational {
  const math = mathjs();
  const f = math.fraction(v as number);
  if (math.smaller(f, 0)) throw new Error(`${what} must be non-negative, got ${String(v)}`);
  return f;
}

function checkCount(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${what} must be a positive integer, got ${String(v)}`);
}

/** η* = n/(n + d + 1 + σ²) as a fraction (x ~ N(0, I), w ~ N(0, I); notes §1.2 [D]). */
export function etaStarExact({ n, d, sigma2 }: { n: number; d: number; sigma2: RationalInput }): Rational {
  const math = mathjs();
  checkCount(n, "etaStarExact n");
  checkCount(d, "etaStarExact d");
  const s = toFraction(sigma2, "etaStarExact sigma2");
  return math.divide(math.fraction(n), math.add(math.fraction(n + d + 1), s)) as Rational;
}

/** d(d + 1 + σ²)/(n + d + 1 + σ²) + σ², the MSE of GD at η*, as a fraction (notes §1.2 [D]). */
export function riskStarExact({ n, d, sigma2 }: { n: number; d: number; sigma2: RationalInput }): Rational {
  const math = mathjs();
  checkCount(n, "riskStarExact n");
  checkCount(d, "riskStarExact d");
  const s = toFraction(sigma2, "riskStarExact sigma2");
  const num = math.multiply(math.fraction(d), math.add(math.fraction(d + 1), s)) as Rational;
  return math.add(math.divide(num, math.add(math.fraction(n + d + 1), s)), s) as Rational;
}

/** "40/53" (a whole number prints as "3"). */
export function formatFraction(f: Rational): string {
  const math = mathjs();
  return math.format(f, { fraction: "ratio" });
}

/**
 * The one-step risk as an expression in η and the moment symbols (notes §1.2, closed-forms.ts
 * iidParts): s = E x², m = E x⁴ per coordinate, t = τ², g = σ², ŷ = (η/n) Σ y_i x_iᵀ x_q.
 */
export const ONE_STEP_RISK = "eta^2 * (s*d/n) * (t*((n+d-2)*s^2 + m) + g*s) - 2*eta*s^2*t*d + t*s*d + g";

/** The Gaussian case of the moment symbols: s = 1, m = 3 s² = 3, τ² = 1. */
const GAUSSIAN: Record<string, string> = { s: "1", m: "3", t: "1" };

function substitute(node: MathJs.MathNode, values: Record<string, string>): MathJs.MathNode {
  const math = mathjs();
  return node.transform((x) =>
    x.type === "SymbolNode" && (x as MathJs.SymbolNode).name in values ? math.parse(`(${values[(x as MathJs.SymbolNode).name]!})`) : x,
  );
}

export interface StepDerivation {
  /** R(η) with the Gaussian moments substituted and simplified. */
  risk: string;
  /** dR/dη (mathjs `derivative`), simplified. */
  derivative: string;
  /** d²R/dη², a constant in η: positive means the stationary point is the minimum. */
  curvature: string;
  /** The stationary point −(dR/dη at η = 0)/(d²R/dη²), simplified: the derived η*. */
  root: string;
  /** The same root before the Gaussian substitution (general iid coordinates). */
  rootGeneral: string;
}

/**
 * Differentiates ONE_STEP_RISK in η and solves dR/dη = 0. R is quadratic in η, so the root is
 * −R'(0)/R''. The result is an expression in n, d, g (= σ²); `matchesClosedForm` compares it with
 * n/(n + d + 1 + σ²) exactly.
 */
export function deriveEtaStar(): StepDerivation {
  const math = mathjs();
  const R = math.parse(ONE_STEP_RISK);
  const dR = math.derivative(R, "eta");
  const d2R = math.derivative(dR, "eta");
  const dR0 = substitute(dR, { eta: "0" });
  const rootGeneral = math.simplify(new math.OperatorNode("-", "unaryMinus", [new math.OperatorNode("/", "divide", [dR0, d2R])]));
  return {
    risk: math.simplify(substitute(R, GAUSSIAN)).toString(),
    derivative: math.simplify(substitute(dR, GAUSSIAN)).toString(),
    curvature: math.simplify(substitute(d2R, GAUSSIAN)).toString(),
    root: math.simplify(substitute(rootGeneral, GAUSSIAN)).toString(),
    rootGeneral: rootGeneral.toString(),
  };
}

/**
 * Whether two rational expressions in n, d, g agree exactly (fraction arithmetic) on every point of
 * a grid of n, d and σ². For rational functions of low degree, agreement on a grid this size means
 * identity (a non-zero numerator of degree ≤ 3 in each variable cannot vanish on 4 values of each).
 */
export function sameOnGrid(a: string, b: string): { equal: boolean; points: number; firstMismatch?: string } {
  const math = mathjs();
  const mf = math.create(math.all, { number: "Fraction" });
  const ea = mf.compile(a);
  const eb = mf.compile(b);
  let points = 0;
  for (const n of [3, 7, 20, 41]) {
    for (const d of [1, 2, 5, 9]) {
      for (const g of ["0", "1/2", "3", "7/3"]) {
        const scope = { n: mf.fraction(n), d: mf.fraction(d), g: mf.fraction(g) };
        const va = ea.evaluate(scope) as Rational;
        const vb = eb.evaluate(scope) as Rational;
        points++;
        if (!mf.equal(va, vb))
          return {
            equal: false,
            points,
            firstMismatch: `n=${n}, d=${d}, σ²=${g}: ${mf.format(va, { fraction: "ratio" })} vs ${mf.format(vb, { fraction: "ratio" })}`,
          };
      }
    }
  }
  return { equal: true, points };
}

/** The closed form of η* the claims use, in the symbols of deriveEtaStar. */
export const ETA_STAR_CLOSED_FORM = "n / (n + d + 1 + g)";

/** The closed-form risk at η*, in the same symbols. */
export const RISK_STAR_CLOSED_FORM = "d * (d + 1 + g) / (n + d + 1 + g) + g";

/**
 * The full check: the derived root equals ETA_STAR_CLOSED_FORM, R at the root equals
 * RISK_STAR_CLOSED_FORM, and the curvature is positive on the grid.
 */
export function checkEtaStarDerivation(): { derivation: StepDerivation; rootMatches: boolean; riskMatches: boolean; convex: boolean } {
  const math = mathjs();
  const derivation = deriveEtaStar();
  const rootMatches = sameOnGrid(derivation.root, ETA_STAR_CLOSED_FORM).equal;
  const riskAtRoot = substitute(math.parse(derivation.risk), { eta: derivation.root }).toString();
  const riskMatches = sameOnGrid(riskAtRoot, RISK_STAR_CLOSED_FORM).equal;
  const mf = math.create(math.all, { number: "Fraction" });
  const curv = mf.compile(derivation.curvature);
  let convex = true;
  for (const n of [3, 20])
    for (const d of [1, 5])
      for (const g of ["0", "2"])
        convex = convex && mf.larger(curv.evaluate({ n: mf.fraction(n), d: mf.fraction(d), g: mf.fraction(g) }) as Rational, 0) === true;
  return { derivation, rootMatches, riskMatches, convex };
}
