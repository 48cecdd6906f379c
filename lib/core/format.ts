/** Number formatting shared by tables, claims and figures, so one value reads the same everywhere. */

/** 4 significant digits by default, exponent form for tiny/huge values, "NaN"/"inf" spelled out. */
export function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/** A fraction as a percentage with 3 significant digits: pct(0.01234) = "1.23%". */
export function pct(x: number, digits = 3): string {
  return `${fmt(100 * x, digits)}%`;
}
