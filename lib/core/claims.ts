/**
 * The claims registry. A notebook declares each claim of its paper with where it comes from, the
 * expected value, a tolerance and why that tolerance, and the measured value; the verdict is
 * computed here, never typed in. The registry shows the table in the notebook and writes
 * `<outputs>/<study>/claims.json`, from which README's status table is generated.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { scale, studyOutputDir } from "./env";
import { htmlTable, showHtml } from "./display";
import { writeFileAtomic } from "./files";

export type Verdict = "reproduced" | "not reproduced" | "partly";

export const VERDICTS: readonly Verdict[] = ["reproduced", "partly", "not reproduced"];

/** One row of the registry, as written to claims.json. */
export interface ClaimRecord {
  /** Stable id, e.g. "M3" or "claim-7". */
  id: string;
  /** The paper's statement, or ours when derived. */
  statement: string;
  /** Theorem, table, figure or section of the paper, or "derived here" / the notes it comes from. */
  source: string;
  /** Expected value or bound, as shown to readers. */
  expected: string;
  /** Tolerance and the reason for it. */
  tolerance: string;
  /** Measured value(s), as shown to readers. */
  measured: string;
  verdict: Verdict;
  /** Why the verdict: the failing parts, caveats, what was not compared. */
  note: string;
}

export interface StudyClaims {
  study: string;
  paper: string;
  notebook: string;
  scale: string;
  claims: ClaimRecord[];
}

interface Described {
  statement: string;
  source: string;
  note?: string;
}

/** Tolerance on a number: absolute and/or relative; `why` is required and shown. */
export interface Tolerance {
  abs?: number;
  rel?: number;
  why: string;
}

/** One part of a multi-part claim (e.g. one setting of a table). */
export interface ClaimPart {
  label: string;
  expected: string;
  measured: string;
  pass: boolean;
}

/** Formats a number for tables: 4 significant digits, exponent form for tiny/huge values. */
export function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/** True when |measured - expected| is within the tolerance (either bound suffices). */
export function withinTolerance(measured: number, expected: number, tol: Tolerance): boolean {
  if (!Number.isFinite(measured)) return false;
  if (tol.abs === undefined && tol.rel === undefined) throw new Error("a Tolerance needs abs or rel");
  const err = Math.abs(measured - expected);
  return (tol.abs !== undefined && err <= tol.abs) || (tol.rel !== undefined && err <= tol.rel * Math.abs(expected));
}

function describeTolerance(tol: Tolerance): string {
  const parts = [];
  if (tol.abs !== undefined) parts.push(`abs ${fmt(tol.abs)}`);
  if (tol.rel !== undefined) parts.push(`rel ${fmt(tol.rel)}`);
  return `${parts.join(" or ")} (${tol.why})`;
}

export class Claims {
  private readonly records: ClaimRecord[] = [];

  constructor(
    readonly study: string,
    readonly paper: string,
    /** Notebook path relative to the repository root, e.g. "notebooks/one-step-gd.ipynb". */
    readonly notebook: string,
  ) {}

  get all(): readonly ClaimRecord[] {
    return this.records;
  }

  /** measured ≈ expected within `tol`. */
  close(id: string, d: Described & { expected: number; measured: number; tol: Tolerance }): ClaimRecord {
    const pass = withinTolerance(d.measured, d.expected, d.tol);
    const err = Math.abs(d.measured - d.expected);
    const relErr = d.expected !== 0 ? err / Math.abs(d.expected) : Infinity;
    return this.push(id, d, {
      expected: fmt(d.expected),
      tolerance: describeTolerance(d.tol),
      measured: `${fmt(d.measured)} (abs err ${fmt(err, 2)}${Number.isFinite(relErr) ? `, rel ${fmt(relErr, 2)}` : ""})`,
      verdict: pass ? "reproduced" : "not reproduced",
    });
  }

  /** measured ≤ bound (or < bound with `strict`). */
  atMost(id: string, d: Described & { bound: number; measured: number; why: string; strict?: boolean }): ClaimRecord {
    const pass = Number.isFinite(d.measured) && (d.strict ? d.measured < d.bound : d.measured <= d.bound);
    return this.push(id, d, {
      expected: `${d.strict ? "<" : "≤"} ${fmt(d.bound)}`,
      tolerance: d.why,
      measured: fmt(d.measured),
      verdict: pass ? "reproduced" : "not reproduced",
    });
  }

  /** measured ≥ bound (or > bound with `strict`). */
  atLeast(id: string, d: Described & { bound: number; measured: number; why: string; strict?: boolean }): ClaimRecord {
    const pass = Number.isFinite(d.measured) && (d.strict ? d.measured > d.bound : d.measured >= d.bound);
    return this.push(id, d, {
      expected: `${d.strict ? ">" : "≥"} ${fmt(d.bound)}`,
      tolerance: d.why,
      measured: fmt(d.measured),
      verdict: pass ? "reproduced" : "not reproduced",
    });
  }

  /** A qualitative claim decided by `pass` (an ordering, an identity, a shape). */
  holds(id: string, d: Described & { expected: string; measured: string; tolerance: string; pass: boolean }): ClaimRecord {
    return this.push(id, d, {
      expected: d.expected,
      tolerance: d.tolerance,
      measured: d.measured,
      verdict: d.pass ? "reproduced" : "not reproduced",
    });
  }

  /**
   * A claim made of parts (settings, seeds, datasets): reproduced when all parts pass, not
   * reproduced when none does, partly otherwise; the note lists the failing parts.
   */
  parts(id: string, d: Described & { tolerance: string; parts: ClaimPart[] }): ClaimRecord {
    if (d.parts.length === 0) throw new Error(`claim ${id}: no parts to check`);
    const failing = d.parts.filter((p) => !p.pass);
    const verdict: Verdict = failing.length === 0 ? "reproduced" : failing.length === d.parts.length ? "not reproduced" : "partly";
    const failNote = failing.length ? `failing: ${failing.map((p) => p.label).join(", ")}` : "";
    return this.push(
      id,
      { ...d, note: [d.note, failNote].filter(Boolean).join("; ") },
      {
        expected: d.parts.map((p) => `${p.label}: ${p.expected}`).join("; "),
        tolerance: d.tolerance,
        measured: d.parts.map((p) => `${p.label}: ${p.measured}${p.pass ? "" : " ✗"}`).join("; "),
        verdict,
      },
    );
  }

  private push(
    id: string,
    d: Described,
    r: Pick<ClaimRecord, "expected" | "tolerance" | "measured" | "verdict">,
  ): ClaimRecord {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) throw new Error(`claim id ${JSON.stringify(id)}: use letters, digits, '.', '_' or '-'`);
    if (this.records.some((c) => c.id === id)) throw new Error(`claim ${id} is declared twice in ${this.study}`);
    if (!d.statement.trim() || !d.source.trim()) throw new Error(`claim ${id}: statement and source are required`);
    const record: ClaimRecord = { id, statement: d.statement, source: d.source, ...r, note: d.note ?? "" };
    this.records.push(record);
    return record;
  }

  /** The verdict table as HTML. */
  tableHtml(): string {
    return htmlTable(
      ["id", "claim", "source", "expected", "tolerance", "measured", "verdict", "note"],
      this.records.map((c) => [c.id, c.statement, c.source, c.expected, c.tolerance, c.measured, verdictMark(c.verdict), c.note]),
    );
  }

  /** Counts per verdict, e.g. "5 reproduced, 1 partly, 0 not reproduced". */
  summary(): string {
    return VERDICTS.map((v) => `${this.records.filter((c) => c.verdict === v).length} ${v}`).join(", ");
  }

  /**
   * Shows the table in the notebook, prints the verdict counts and writes claims.json. Returns
   * nothing, so a cell ending in it prints no machine-specific path.
   */
  report(): void {
    showHtml(this.tableHtml());
    this.write();
    console.log(`${this.study}: ${this.summary()}`);
  }

  /** Writes `<outputs>/<study>/claims.json` (atomically). */
  write(): string {
    if (this.records.length === 0) throw new Error(`${this.study}: no claims were evaluated; nothing to write`);
    const doc: StudyClaims = { study: this.study, paper: this.paper, notebook: this.notebook, scale: scale(), claims: this.records };
    const file = path.join(studyOutputDir(this.study), "claims.json");
    writeFileAtomic(file, JSON.stringify(doc, null, 2) + "\n");
    return file;
  }
}

export function verdictMark(v: Verdict): string {
  return v === "reproduced" ? "✅ reproduced" : v === "partly" ? "🟡 partly" : "❌ not reproduced";
}

/** Reads and validates a claims.json, naming the file and the problem when it is malformed. */
export function readStudyClaims(file: string): StudyClaims {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: cannot read claims (${(err as Error).message}); re-run the study's notebook`);
  }
  const d = doc as Partial<StudyClaims>;
  if (typeof d.study !== "string" || typeof d.paper !== "string" || typeof d.notebook !== "string" || !Array.isArray(d.claims)) {
    throw new Error(`${file}: not a claims file (needs study, paper, notebook and claims[])`);
  }
  for (const c of d.claims) {
    if (!VERDICTS.includes(c.verdict)) throw new Error(`${file}: claim ${c.id} has unknown verdict ${JSON.stringify(c.verdict)}`);
  }
  return d as StudyClaims;
}
