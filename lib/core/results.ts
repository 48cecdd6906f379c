/**
 * Result grids: every sweep's rows, kept per experiment, shown as tables, available as danfo
 * DataFrames (a reader can group, pivot and filter them in a cell) and written as one tidy
 * `<outputs>/<slug>/results.csv` beside claims.json, so results open in pandas or R.
 *
 * danfojs-node is loaded on first use (it costs ~3 s), not when this module is imported.
 */
import * as path from "node:path";
import type { DataFrame } from "danfojs-node";
import { studyOutputDir } from "./env";
import { htmlTable, showHtml } from "./display";
import { writeFileAtomic } from "./files";
import { fmt } from "./format";
import type { Paper } from "./paper";

export type Cell = string | number | boolean | null;
/** A flat result row; a missing or undefined cell is empty in tables and CSV. */
export type Row = Record<string, Cell | undefined>;

function danfo(): typeof import("danfojs-node") {
  return require("danfojs-node");
}

/** Columns in order of first appearance over all rows. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function showCell(v: Cell | undefined): string {
  if (v === null || v === undefined) return "";
  return typeof v === "number" ? (Number.isInteger(v) ? String(v) : fmt(v)) : String(v);
}

/** Rows as an HTML table in the notebook (numbers with 4 significant digits). */
export function showTable(rows: readonly Row[], options: { columns?: string[]; caption?: string } = {}): void {
  const columns = options.columns ?? columnsOf(rows);
  const caption = options.caption ? `<p><b>${options.caption.replace(/</g, "&lt;")}</b></p>` : "";
  showHtml(
    caption +
      htmlTable(
        columns,
        rows.map((r) => columns.map((c) => showCell(r[c]))),
      ),
  );
}

/** A DataFrame of rows with the union of their columns (missing cells are null). */
export function toFrame(rows: readonly Row[]): DataFrame {
  if (rows.length === 0) throw new Error("toFrame: no rows (run the experiment first)");
  const columns = columnsOf(rows);
  const data = rows.map((r) => columns.map((c) => (r[c] === undefined ? null : r[c])));
  return new (danfo().DataFrame)(data, { columns });
}

/** A DataFrame's rows back as plain rows (after a groupby, pivot or filter in a cell). */
export function fromFrame(df: DataFrame): Row[] {
  const columns = df.columns as string[];
  return (df.values as Cell[][]).map((values) => Object.fromEntries(columns.map((c, j) => [c, values[j] ?? null])));
}

/** A DataFrame as an HTML table in the notebook, formatted like showTable. */
export function showFrame(df: DataFrame, options: { caption?: string } = {}): void {
  showTable(fromFrame(df), options);
}

/**
 * CSV text with a fixed column order; numbers in full (round-trip) precision. Written here rather
 * than with danfo's toCSV, which does not quote cells containing commas (danfojs-node 1.2.0).
 */
export function toCsv(rows: readonly Row[], columns = columnsOf(rows)): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const cell = (v: Cell | undefined) => (v === null || v === undefined ? "" : typeof v === "number" ? String(v) : quote(String(v)));
  return `${[columns.map(quote).join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n")}\n`;
}

export class Results {
  private readonly experiments = new Map<string, Row[]>();

  constructor(readonly paper: Paper) {}

  /** Records the rows of one experiment (a sweep, a table); an experiment is recorded once. */
  add(experiment: string, rows: readonly Row[]): readonly Row[] {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(experiment))
      throw new Error(`experiment name ${JSON.stringify(experiment)}: use lower-case letters, digits and '-'`);
    if (this.experiments.has(experiment)) throw new Error(`${this.paper.slug}: experiment ${experiment} was recorded twice`);
    if (rows.length === 0) throw new Error(`${this.paper.slug}: experiment ${experiment} has no rows`);
    for (const r of rows) {
      for (const [k, v] of Object.entries(r)) {
        if (k === "experiment") throw new Error(`${experiment}: the column name "experiment" is reserved`);
        if (v !== null && typeof v === "object")
          throw new Error(`${experiment}: column ${k} holds an object; flatten it into scalar columns`);
      }
    }
    this.experiments.set(
      experiment,
      rows.map((r) => ({ ...r })),
    );
    return rows;
  }

  rows(experiment: string): readonly Row[] {
    const r = this.experiments.get(experiment);
    if (!r)
      throw new Error(
        `${this.paper.slug}: no experiment ${JSON.stringify(experiment)}; recorded: ${[...this.experiments.keys()].join(", ") || "none"}`,
      );
    return r;
  }

  /** A danfo DataFrame of one experiment's rows (or of all rows, with an `experiment` column). */
  frame(experiment?: string): DataFrame {
    return toFrame(experiment === undefined ? this.allRows() : this.rows(experiment));
  }

  private allRows(): Row[] {
    return [...this.experiments.entries()].flatMap(([e, rows]) => rows.map((r) => ({ experiment: e, ...r })));
  }

  /** Writes `<outputs>/<slug>/results.csv` (all experiments, tidy: one row per result row). */
  write(): void {
    if (this.experiments.size === 0) throw new Error(`${this.paper.slug}: no results were recorded; nothing to write`);
    writeFileAtomic(path.join(studyOutputDir(this.paper.slug), "results.csv"), toCsv(this.allRows()));
  }
}
