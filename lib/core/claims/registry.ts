/**
 * The claims registry of one notebook: it shows each verdict right after its experiment, the
 * summary table at the end, and writes `<outputs>/<slug>/claims.json`, from which README's status
 * table is generated. Verdicts come from the typed checks in the study's `claims.ts`; nothing here
 * or in a notebook decides a pass by hand.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { scale, studyOutputDir } from "../env";
import { escapeHtml, htmlTable, showHtml } from "../display";
import { writeFileAtomic } from "../files";
import { citation, Paper } from "../paper";
import { BASES } from "./provenance";
import { describeProvenance } from "./provenance";
import { CHECK_VERDICTS, CLAIM_VERDICTS, ClaimRecord, countVerdicts, Counts, verdictMark } from "./claim";

/** claims.json */
export interface StudyClaims {
  study: string;
  /** Citation from the study's paper.ts. */
  paper: string;
  notebook: string;
  scale: string;
  counts: Counts;
  claims: ClaimRecord[];
}

/** "5 reproduced, 1 partly, 0 not reproduced; 3 checks hold, 0 fail". */
export function summarizeCounts(c: Counts): string {
  const claims = CLAIM_VERDICTS.map((v) => `${c.claims[v]} ${v}`).join(", ");
  return `${claims}; ${c.checks.holds} check(s) hold, ${c.checks.fails} fail`;
}

/** "against the paper's own numbers: 3 of 5 reproduced (1 partly, 1 not); derived here: …". */
export function summarizeByBasis(c: Counts): string {
  const label = { paper: "against the paper's own numbers", derived: "against values derived here", prototype: "against the notes' prototype runs", design: "against thresholds we chose" } as const;
  return BASES.filter((b) => CLAIM_VERDICTS.some((v) => c.byBasis[b][v] > 0))
    .map((b) => {
      const x = c.byBasis[b];
      const total = x.reproduced + x.partly + x["not reproduced"];
      return `${label[b]}: ${x.reproduced} of ${total} reproduced (${x.partly} partly, ${x["not reproduced"]} not)`;
    })
    .join("; ");
}

/** HTML rows of one claim: one row per check, the verdict on the first. */
function claimRows(r: ClaimRecord): string[][] {
  return r.parts.flatMap((p) =>
    p.checks.map((c) => [
      `${p.role}: ${p.label}`,
      c.label,
      c.expected,
      c.tolerance,
      c.measured,
      c.pass ? "✓" : "✗",
      describeProvenance(c.from),
      c.flags.join("; "),
    ]),
  );
}

export class Claims {
  private readonly records: ClaimRecord[] = [];

  constructor(readonly paper: Paper) {}

  get study(): string {
    return this.paper.slug;
  }

  get all(): readonly ClaimRecord[] {
    return this.records;
  }

  /** Adds a claim or check record; ids are unique per study. */
  add(r: ClaimRecord): ClaimRecord {
    if (!r || (r.kind !== "claim" && r.kind !== "check")) throw new Error(`${this.study}: add() takes a record from claim() or sanityCheck()`);
    if (this.records.some((c) => c.id === r.id)) throw new Error(`claim ${r.id} is recorded twice in ${this.study}`);
    this.records.push(r);
    return r;
  }

  /** Adds the record and shows its verdict in the notebook (right after the experiment it judges). */
  record(r: ClaimRecord): void {
    this.add(r);
    const head = `<p><b>${escapeHtml(r.kind === "check" ? "Check" : "Claim")} ${escapeHtml(r.id)}: ${escapeHtml(verdictMark(r.verdict))}</b>${scale() === "full" ? "" : " <i>(not a reproduction: " + escapeHtml(scale()) + " scale)</i>"}<br>${escapeHtml(r.statement)}<br><small>source: ${escapeHtml(r.source)}${r.note ? "; note: " + escapeHtml(r.note) : ""}</small></p>`;
    showHtml(head + htmlTable(["part", "check", "expected", "tolerance", "measured", "pass", "expected from", "flags"], claimRows(r)));
  }

  counts(): Counts {
    return countVerdicts(this.records);
  }

  /** The summary table (one row per claim/check) as HTML. */
  tableHtml(): string {
    return htmlTable(
      ["id", "kind", "claim", "basis", "expected", "tolerance", "measured", "verdict", "note"],
      this.records.map((c) => [c.id, c.kind, c.statement, c.basis, c.expected, c.tolerance, c.measured, verdictMark(c.verdict), [c.note, ...c.flags].filter(Boolean).join("; ")]),
    );
  }

  /**
   * Shows the summary table, prints the counts and writes claims.json. At a scale other than full
   * the table says it is not a reproduction. Returns nothing, so the cell prints no path.
   */
  report(): void {
    const c = this.counts();
    const banner = scale() === "full" ? "" : `<p><b>⚠ ${escapeHtml(scale())} scale: these verdicts are not a reproduction</b> (tiny budgets to exercise the code; run at full scale to reproduce).</p>`;
    showHtml(`${banner}<p>${escapeHtml(summarizeCounts(c))}<br>${escapeHtml(summarizeByBasis(c))}</p>` + this.tableHtml());
    this.write();
    console.log(`${this.study}${scale() === "full" ? "" : ` (${scale()} scale, not a reproduction)`}: ${summarizeCounts(c)}`);
  }

  /** Writes `<outputs>/<slug>/claims.json` atomically and returns its path. */
  write(): string {
    if (this.records.length === 0) throw new Error(`${this.study}: no claims were recorded; nothing to write`);
    if (!this.records.some((r) => r.kind === "claim")) throw new Error(`${this.study}: only checks were recorded; a study needs at least one claim`);
    const doc: StudyClaims = {
      study: this.study,
      paper: citation(this.paper),
      notebook: `notebooks/${this.study}.ipynb`,
      scale: scale(),
      counts: this.counts(),
      claims: this.records,
    };
    const file = path.join(studyOutputDir(this.study), "claims.json");
    writeFileAtomic(file, JSON.stringify(doc, null, 2) + "\n");
    return file;
  }
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
    if (c.kind !== "claim" && c.kind !== "check") throw new Error(`${file}: claim ${c.id} has no kind (claim or check); it was written by an older version: re-run the notebook`);
    const ok = c.kind === "claim" ? (CLAIM_VERDICTS as readonly string[]).includes(c.verdict) : (CHECK_VERDICTS as readonly string[]).includes(c.verdict);
    if (!ok) throw new Error(`${file}: ${c.kind} ${c.id} has verdict ${JSON.stringify(c.verdict)}, not one of a ${c.kind}'s`);
    if (!(BASES as readonly string[]).includes(c.basis)) throw new Error(`${file}: claim ${c.id} has unknown basis ${JSON.stringify(c.basis)}`);
  }
  return { ...(d as StudyClaims), counts: countVerdicts(d.claims) };
}
