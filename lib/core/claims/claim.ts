/**
 * A claim has one headline part (what the paper says) and optional supporting parts. The verdict
 * follows from them and nothing else: reproduced when every part passes, not reproduced when the
 * headline fails (whatever the supporting parts say), partly when the headline passes and a
 * supporting part fails. Sanity checks (true by construction, plumbing, arithmetic on transcribed
 * numbers) are a separate kind that holds or fails and is never counted as a reproduction.
 */
import { BASES, Basis } from "./provenance";
import type { Check } from "./checks";

export type ClaimVerdict = "reproduced" | "partly" | "not reproduced";
export type CheckVerdict = "holds" | "fails";
export type Verdict = ClaimVerdict | CheckVerdict;

export const CLAIM_VERDICTS: readonly ClaimVerdict[] = ["reproduced", "partly", "not reproduced"];
export const CHECK_VERDICTS: readonly CheckVerdict[] = ["holds", "fails"];

export type Role = "headline" | "supporting" | "check";

export interface Part {
  label: string;
  checks: Check[];
}

export interface PartRecord extends Part {
  role: Role;
  pass: boolean;
}

/** One row of claims.json. */
export interface ClaimRecord {
  /** Stable id, e.g. "M3" or "5g". */
  id: string;
  kind: "claim" | "check";
  /** The paper's statement (for a check: what is verified). */
  statement: string;
  /** Where the statement is made: theorem, table, figure, section, or the notes. */
  source: string;
  /** Provenance kind of the headline's expected values (for a check, of its first part). */
  basis: Basis;
  parts: PartRecord[];
  /** Summaries of the parts, for tables. */
  expected: string;
  tolerance: string;
  measured: string;
  verdict: Verdict;
  /** Why the verdict: failing parts, caveats, what was not compared, the most likely reason of a failure. */
  note: string;
  /** Power warnings from the checks (tolerance below 2 SE, weak binomial tests, …). */
  flags: string[];
}

interface Described {
  id: string;
  statement: string;
  source: string;
  note?: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function validate(d: Described): void {
  if (!ID.test(d.id)) throw new Error(`claim id ${JSON.stringify(d.id)}: use letters, digits, '.', '_' or '-'`);
  if (!d.statement || !d.statement.trim()) throw new Error(`claim ${d.id}: the statement is empty`);
  if (!d.source || !d.source.trim()) throw new Error(`claim ${d.id}: the source is empty (theorem, table, figure or section)`);
}

function partRecord(id: string, p: Part, role: Role): PartRecord {
  if (!p || !Array.isArray(p.checks) || p.checks.length === 0) throw new Error(`claim ${id}: the ${role} part ${JSON.stringify(p?.label)} has no checks`);
  if (!p.label || !p.label.trim()) throw new Error(`claim ${id}: a ${role} part needs a label`);
  return { label: p.label, role, checks: p.checks, pass: p.checks.every((c) => c.pass) };
}

function summaries(parts: PartRecord[]): Pick<ClaimRecord, "expected" | "tolerance" | "measured" | "flags"> {
  const all = parts.flatMap((p) => p.checks.map((c) => ({ p, c })));
  const tolerances = [...new Set(all.map(({ c }) => c.tolerance))];
  return {
    expected: all.map(({ c }) => `${c.label}: ${c.expected}`).join("; "),
    tolerance: tolerances.length === 1 ? tolerances[0]! : all.map(({ c }) => `${c.label}: ${c.tolerance}`).join("; "),
    measured: all.map(({ c }) => `${c.label}: ${c.measured}${c.pass ? "" : " ✗"}`).join("; "),
    flags: all.flatMap(({ c }) => c.flags.map((f) => `${c.label}: ${f}`)),
  };
}

function failingNote(parts: PartRecord[]): string {
  const failing = parts.filter((p) => !p.pass).map((p) => `${p.role} "${p.label}" (${p.checks.filter((c) => !c.pass).map((c) => c.label).join(", ")})`);
  return failing.length ? `failing: ${failing.join("; ")}` : "";
}

/** A claim of the paper: one headline part, optional supporting parts. */
export function claim(d: Described & { headline: Part; supporting?: Part[] }): ClaimRecord {
  validate(d);
  if (!d.headline) throw new Error(`claim ${d.id}: a claim needs a headline part (what the paper says); use sanityCheck() for a check`);
  const headline = partRecord(d.id, d.headline, "headline");
  const supporting = (d.supporting ?? []).map((p) => partRecord(d.id, p, "supporting"));
  const kinds = [...new Set(headline.checks.map((c) => c.from.kind))];
  if (kinds.length !== 1) {
    throw new Error(`claim ${d.id}: the headline mixes provenances (${kinds.join(", ")}); keep one basis in the headline and move the rest to supporting parts`);
  }
  const parts = [headline, ...supporting];
  const verdict: ClaimVerdict = !headline.pass ? "not reproduced" : supporting.every((p) => p.pass) ? "reproduced" : "partly";
  return {
    id: d.id,
    kind: "claim",
    statement: d.statement,
    source: d.source,
    basis: kinds[0]!,
    parts,
    ...summaries(parts),
    verdict,
    note: [d.note, failingNote(parts)].filter(Boolean).join("; "),
  };
}

/** A sanity check: shown with the claims, never counted as a reproduction. */
export function sanityCheck(d: Described & { parts: Part[] }): ClaimRecord {
  validate(d);
  if (!d.parts || d.parts.length === 0) throw new Error(`check ${d.id}: needs at least one part`);
  const parts = d.parts.map((p) => partRecord(d.id, p, "check"));
  return {
    id: d.id,
    kind: "check",
    statement: d.statement,
    source: d.source,
    basis: parts[0]!.checks[0]!.from.kind,
    parts,
    ...summaries(parts),
    verdict: parts.every((p) => p.pass) ? "holds" : "fails",
    note: [d.note, failingNote(parts)].filter(Boolean).join("; "),
  };
}

/** Counts per verdict and basis for a study's claims (checks counted apart). */
export interface Counts {
  claims: Record<ClaimVerdict, number>;
  byBasis: Record<Basis, Record<ClaimVerdict, number>>;
  checks: Record<CheckVerdict, number>;
}

export function countVerdicts(records: readonly ClaimRecord[]): Counts {
  const zero = (): Record<ClaimVerdict, number> => ({ reproduced: 0, partly: 0, "not reproduced": 0 });
  const byBasis = Object.fromEntries(BASES.map((b) => [b, zero()])) as Record<Basis, Record<ClaimVerdict, number>>;
  const counts: Counts = { claims: zero(), byBasis, checks: { holds: 0, fails: 0 } };
  for (const r of records) {
    if (r.kind === "check") counts.checks[r.verdict as CheckVerdict] += 1;
    else {
      counts.claims[r.verdict as ClaimVerdict] += 1;
      counts.byBasis[r.basis][r.verdict as ClaimVerdict] += 1;
    }
  }
  return counts;
}

export function verdictMark(v: Verdict): string {
  switch (v) {
    case "reproduced":
      return "✅ reproduced";
    case "partly":
      return "🟡 partly";
    case "not reproduced":
      return "❌ not reproduced";
    case "holds":
      return "☑️ check holds";
    case "fails":
      return "⚠️ check fails";
  }
}
