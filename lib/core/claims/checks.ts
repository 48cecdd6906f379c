/**
 * Typed checks: each turns one measurement and one spec into the expected text, the tolerance text
 * and pass/fail, so a tolerance is written once and the three can never drift apart. A check that
 * is given the measurement's standard error flags a tolerance the noise cannot resolve (narrower
 * than 2 SE), so a verdict decided by noise is visible in the notebook and in README.
 */
import { fmt } from "../format";
import { tInterval, wilsonInterval } from "../stats";
import { describeProvenance, type Provenance } from "./provenance";

export interface Check {
  label: string;
  /** Expected value or relation, as shown to readers. */
  expected: string;
  /** The tolerance or decision rule, as shown to readers. */
  tolerance: string;
  /** Measured value(s), as shown to readers. */
  measured: string;
  pass: boolean;
  /** Where the expected value comes from. */
  from: Provenance;
  /** Warnings about this check's power (tolerance below the noise, too few trials, …). */
  flags: string[];
}

interface Base {
  label: string;
  from: Provenance;
}

function make(b: Base, r: Omit<Check, "label" | "from" | "flags">, flags: string[] = []): Check {
  if (!b.label || !b.label.trim()) throw new Error('a check needs a label (what is measured, e.g. "seed 3" or "n=640")');
  if (!b.from || !b.from.kind)
    throw new Error(`check ${b.label}: say where the expected value comes from (paper(), derived(), prototype() or design())`);
  return { label: b.label, ...r, from: b.from, flags };
}

const withSe = (x: number, se?: number) => (se !== undefined && Number.isFinite(se) ? `${fmt(x)} ± ${fmt(se, 2)} (SE)` : fmt(x));

function seFlag(halfWidth: number, se: number | undefined, what: string): string[] {
  if (se === undefined) return [];
  if (!Number.isFinite(se)) return [`the standard error is not finite (${fmt(se)}): the noise is unknown`];
  return halfWidth < 2 * se
    ? [`${what} ${fmt(halfWidth, 2)} is narrower than 2 SE (${fmt(2 * se, 2)}): the measurement cannot resolve it`]
    : [];
}

/** measured ≈ expected: |m − e| ≤ abs, or ≤ rel·|e| (either bound suffices). */
export function close(o: Base & { measured: number; expected: number; abs?: number; rel?: number; se?: number }): Check {
  if (o.abs === undefined && o.rel === undefined) throw new Error(`check ${o.label}: close() needs abs or rel`);
  // A negative tolerance is a bug in the claim; a NaN one is a tolerance computed from noise that
  // could not be estimated (one seed, an empty sweep): that is a failed check, not a crashed notebook.
  if ((o.abs !== undefined && o.abs < 0) || (o.rel !== undefined && o.rel < 0))
    throw new Error(`check ${o.label}: abs and rel must be ≥ 0, got abs ${o.abs} rel ${o.rel}`);
  const unknown = (o.abs !== undefined && Number.isNaN(o.abs)) || (o.rel !== undefined && Number.isNaN(o.rel));
  const half = Math.max(o.abs ?? 0, (o.rel ?? 0) * Math.abs(o.expected));
  const err = Math.abs(o.measured - o.expected);
  const pass = !unknown && Number.isFinite(o.measured) && err <= half;
  const tol = [o.abs !== undefined ? `±${fmt(o.abs)}` : "", o.rel !== undefined ? `±${fmt(100 * o.rel, 3)}%` : ""]
    .filter(Boolean)
    .join(" or ");
  const rel = o.expected !== 0 ? `, rel ${fmt(err / Math.abs(o.expected), 2)}` : "";
  return make(
    o,
    { expected: fmt(o.expected), tolerance: tol, measured: `${withSe(o.measured, o.se)} (err ${fmt(err, 2)}${rel})`, pass },
    unknown ? ["the tolerance is not a number (its noise could not be estimated): the check cannot pass"] : seFlag(half, o.se, "tolerance"),
  );
}

function bound(o: Base & { measured: number; bound: number; strict?: boolean; se?: number }, side: "≤" | "≥"): Check {
  const ok =
    side === "≤" ? (o.strict ? o.measured < o.bound : o.measured <= o.bound) : o.strict ? o.measured > o.bound : o.measured >= o.bound;
  const op = o.strict ? (side === "≤" ? "<" : ">") : side;
  return make(
    o,
    { expected: `${op} ${fmt(o.bound)}`, tolerance: "bound", measured: withSe(o.measured, o.se), pass: Number.isFinite(o.measured) && ok },
    seFlag(Math.abs(o.measured - o.bound), o.se, "the distance to the bound"),
  );
}

/** measured ≤ bound (< with strict). */
export const atMost = (o: Base & { measured: number; bound: number; strict?: boolean; se?: number }): Check => bound(o, "≤");
/** measured ≥ bound (> with strict). */
export const atLeast = (o: Base & { measured: number; bound: number; strict?: boolean; se?: number }): Check => bound(o, "≥");

/** lo ≤ measured ≤ hi. */
export function inInterval(o: Base & { measured: number; lo: number; hi: number; se?: number }): Check {
  if (!(o.lo <= o.hi)) throw new Error(`check ${o.label}: interval [${o.lo}, ${o.hi}] is empty`);
  const pass = Number.isFinite(o.measured) && o.measured >= o.lo && o.measured <= o.hi;
  return make(
    o,
    { expected: `in [${fmt(o.lo)}, ${fmt(o.hi)}]`, tolerance: "interval", measured: withSe(o.measured, o.se), pass },
    seFlag((o.hi - o.lo) / 2, o.se, "the interval's half-width"),
  );
}

export interface Named {
  name: string;
  value: number;
  se?: number;
}

/** larger.value − smaller.value > margin (independent estimates: the SEs add in quadrature). */
export function ordered(o: Base & { larger: Named; smaller: Named; margin?: number }): Check {
  const margin = o.margin ?? 0;
  const diff = o.larger.value - o.smaller.value;
  const pass = Number.isFinite(diff) && diff > margin;
  const se = o.larger.se !== undefined && o.smaller.se !== undefined ? Math.hypot(o.larger.se, o.smaller.se) : undefined;
  return make(
    o,
    {
      expected: `${o.larger.name} > ${o.smaller.name}${margin ? ` + ${fmt(margin)}` : ""}`,
      tolerance: margin ? `margin ${fmt(margin)}` : "strict order",
      measured: `${o.larger.name} ${withSe(o.larger.value, o.larger.se)} vs ${o.smaller.name} ${withSe(o.smaller.value, o.smaller.se)} (diff ${fmt(diff)})`,
      pass,
    },
    seFlag(Math.abs(diff - margin), se, "the difference's distance to the margin"),
  );
}

/** values change in one direction (strictly by default); with `se`, steps under 2 SE are flagged. */
export function monotone(o: Base & { values: number[]; direction: "increasing" | "decreasing"; strict?: boolean; se?: number[] }): Check {
  if (o.values.length < 2) throw new Error(`check ${o.label}: monotone() needs at least 2 values`);
  const strict = o.strict ?? true;
  const sign = o.direction === "increasing" ? 1 : -1;
  let pass = o.values.every(Number.isFinite);
  const flags: string[] = [];
  for (let i = 1; i < o.values.length; i++) {
    const step = sign * (o.values[i]! - o.values[i - 1]!);
    if (strict ? !(step > 0) : !(step >= 0)) pass = false;
    if (o.se) flags.push(...seFlag(Math.abs(step), Math.hypot(o.se[i]!, o.se[i - 1]!), `step ${i}`));
  }
  return make(
    o,
    {
      expected: `${strict ? "strictly " : ""}${o.direction}`,
      tolerance: strict ? "every step" : "every step (ties allowed)",
      measured: o.values.map((v) => fmt(v)).join(sign > 0 ? " < " : " > "),
      pass,
    },
    flags,
  );
}

/**
 * A proportion (k of n) against a reference rate, decided by the Wilson interval: "equal" passes
 * when the reference lies inside it, "atLeast" when the rate is not significantly below the
 * reference (upper end ≥ reference), "atMost" when not significantly above it.
 */
export function proportion(
  o: Base & { successes: number; trials: number; expected: number; compare: "equal" | "atLeast" | "atMost"; level?: number },
): Check {
  const level = o.level ?? 0.95;
  const w = wilsonInterval(o.successes, o.trials, level);
  const pass =
    o.compare === "equal" ? o.expected >= w.lo && o.expected <= w.hi : o.compare === "atLeast" ? w.hi >= o.expected : w.lo <= o.expected;
  const op = o.compare === "equal" ? "=" : o.compare === "atLeast" ? "≥" : "≤";
  const flags =
    (w.hi - w.lo) / 2 > 0.25 ? [`${o.trials} trials give a Wilson half-width of ${fmt((w.hi - w.lo) / 2, 2)}: a weak test`] : [];
  return make(
    o,
    {
      expected: `${op} ${fmt(o.expected)}`,
      tolerance: `${fmt(100 * level, 3)}% Wilson interval ${o.compare === "equal" ? "contains it" : o.compare === "atLeast" ? "reaches it (not significantly below)" : "reaches it (not significantly above)"}`,
      measured: `${o.successes}/${o.trials} = ${fmt(w.estimate)} [${fmt(w.lo, 3)}, ${fmt(w.hi, 3)}]`,
      pass,
    },
    flags,
  );
}

/**
 * A difference over paired seeds (a[i] and b[i] share seeds/data), decided by the Student-t interval
 * of the mean difference: "greater" passes when the interval lies above +margin, "less" below
 * −margin, "equivalent" when it lies inside ±margin (two one-sided tests). Fewer than two pairs
 * cannot be decided: the check fails and says so.
 */
export function pairedDifference(
  o: Base & {
    a: number[];
    b: number[];
    names: [string, string];
    expect: "greater" | "less" | "equivalent";
    margin?: number;
    level?: number;
  },
): Check {
  if (o.a.length !== o.b.length)
    throw new Error(`check ${o.label}: pairedDifference needs as many a as b values (${o.a.length} vs ${o.b.length}): pair them by seed`);
  const margin = o.margin ?? 0;
  const level = o.level ?? 0.95;
  const [na, nb] = o.names;
  const expected =
    o.expect === "greater"
      ? `${na} − ${nb} > ${fmt(margin)}`
      : o.expect === "less"
        ? `${na} − ${nb} < −${fmt(margin)}`
        : `|${na} − ${nb}| < ${fmt(margin)}`;
  const tolerance = `${fmt(100 * level, 3)}% t-interval of the mean paired difference ${o.expect === "equivalent" ? `inside ±${fmt(margin)}` : "beyond the margin"}`;
  const d = o.a.map((x, i) => x - o.b[i]!);
  if (d.length < 2 || !d.every(Number.isFinite)) {
    return make(o, { expected, tolerance, measured: `${d.length} pair(s): ${d.map((x) => fmt(x)).join(", ")}`, pass: false }, [
      `needs at least 2 finite paired values, got ${d.length}`,
    ]);
  }
  const ci = tInterval(d, level);
  const pass = o.expect === "greater" ? ci.lo > margin : o.expect === "less" ? ci.hi < -margin : ci.lo >= -margin && ci.hi <= margin;
  const flags =
    o.expect === "equivalent" && ci.hi - ci.lo > 2 * margin
      ? [
          `the interval (width ${fmt(ci.hi - ci.lo, 2)}) is wider than the equivalence band (${fmt(2 * margin, 2)}): ${d.length} pairs cannot show equivalence`,
        ]
      : [];
  return make(
    o,
    { expected, tolerance, measured: `mean diff ${fmt(ci.estimate)} [${fmt(ci.lo, 3)}, ${fmt(ci.hi, 3)}] over ${d.length} pairs`, pass },
    flags,
  );
}

/** A Monte Carlo estimate against a value: |estimate − expected| ≤ k·se. */
export function monteCarlo(o: Base & { estimate: number; se: number; expected: number; k?: number }): Check {
  const k = o.k ?? 3;
  const z = (o.estimate - o.expected) / o.se;
  const ok = Number.isFinite(o.se) && o.se > 0;
  return make(
    o,
    {
      expected: fmt(o.expected),
      tolerance: `±${fmt(k)} SE`,
      measured: `${withSe(o.estimate, o.se)} (${ok ? `${fmt(z, 3)} SE` : "SE unusable"})`,
      pass: ok && Math.abs(z) <= k,
    },
    ok ? [] : [`the standard error ${fmt(o.se)} is not a positive number: the estimate cannot be tested`],
  );
}

/** Exact equality (counts, parameter totals, identities, labels). */
export function equals(o: Base & { measured: number | string | boolean; expected: number | string | boolean }): Check {
  const show = (v: number | string | boolean) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : fmt(v)) : String(v));
  return make(o, { expected: show(o.expected), tolerance: "exact", measured: show(o.measured), pass: o.measured === o.expected });
}

/** One line for tables: "label: expected (tolerance) [provenance]". */
export function describeCheck(c: Check): string {
  return `${c.label}: ${c.expected} (${c.tolerance}) [${describeProvenance(c.from)}]`;
}
