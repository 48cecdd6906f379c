/**
 * Reading and writing .ipynb files the way nbformat 5 does (v4 schema, minor 5), so executed
 * notebooks diff cleanly and a deterministic notebook re-executes to the same bytes:
 * JSON with indent 1, sorted keys, no ASCII escaping, a trailing newline, and multi-line strings
 * stored as lists of lines (jupyter/nbformat: nbformat/v4/nbjson.py, rwbase.py).
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isObject, JsonObject } from "./wire";

export type CellType = "code" | "markdown" | "raw";

export interface Cell {
  id: string;
  cell_type: CellType;
  /** Joined: the list-of-lines form exists only on disk. */
  source: string;
  metadata: JsonObject;
  /** Code cells only; outputs of the input file are kept as parsed JSON (lines joined). */
  outputs?: unknown[];
  execution_count?: number | null;
  /** Markdown and raw cells only. */
  attachments?: JsonObject;
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
}

/** The file is not a notebook we can run; `cell` is 1-based when one cell is to blame. */
export class NotebookFormatError extends Error {
  /** True when the file is JSON but not a notebook at all (no nbformat, no cells). */
  notNotebook = false;

  constructor(message: string, readonly cell?: number) {
    super(message);
    this.name = "NotebookFormatError";
  }
}

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

function joinText(value: unknown, what: string, cell?: number): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("");
  throw new NotebookFormatError(`${what} must be a string or a list of strings`, cell);
}

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

/** nbformat's `rejoin_lines` for one output. */
function rejoinOutput(output: unknown): unknown {
  if (!isObject(output)) return output;
  const out: JsonObject = { ...output };
  if ((out.output_type === "execute_result" || out.output_type === "display_data") && isObject(out.data)) {
    const data: JsonObject = { ...out.data };
    for (const [mime, value] of Object.entries(data)) {
      if (!isJsonMime(mime) && Array.isArray(value) && value.every((v) => typeof v === "string")) data[mime] = value.join("");
    }
    out.data = data;
  } else if (Array.isArray(out.text) && out.text.every((v) => typeof v === "string")) {
    out.text = out.text.join("");
  }
  return out;
}

/** A cell id derived from the cell's position and source: stable across runs, unlike nbformat's random ids. */
export function deterministicCellId(index: number, source: string, taken: ReadonlySet<string>): string {
  const base = createHash("sha256").update(`${index}\n${source}`).digest("hex").slice(0, 8);
  let id = base;
  for (let n = 1; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** Parses and checks notebook text; upgrades 4.0-4.4 to 4.5 by adding deterministic cell ids. */
export function parseNotebook(text: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotebookFormatError(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw) || (raw.nbformat === undefined && raw.cells === undefined && raw.worksheets === undefined)) {
    const what = Array.isArray(raw) ? "a JSON list" : raw === null || typeof raw !== "object" ? `the JSON value ${JSON.stringify(raw).slice(0, 40)}` : "a JSON object without \"nbformat\" or \"cells\"";
    const err = new NotebookFormatError(`the file is valid JSON but ${what}, not a Jupyter notebook`);
    err.notNotebook = true;
    throw err;
  }
  if (raw.nbformat !== 4) {
    throw new NotebookFormatError(`nbformat ${JSON.stringify(raw.nbformat ?? null)} is not supported; only major version 4 is`);
  }
  const minor = raw.nbformat_minor;
  if (typeof minor !== "number" || !Number.isInteger(minor) || minor < 0) {
    throw new NotebookFormatError("nbformat_minor must be a non-negative integer");
  }
  if (!Array.isArray(raw.cells)) throw new NotebookFormatError(`"cells" is missing or not a list`);
  if (raw.metadata !== undefined && !isObject(raw.metadata)) throw new NotebookFormatError(`"metadata" is not an object`);

  const taken = new Set<string>();
  const cells: Cell[] = [];
  const pendingIds: number[] = [];
  raw.cells.forEach((rc: unknown, i: number) => {
    const n = i + 1;
    if (!isObject(rc)) throw new NotebookFormatError(`cell ${n} is not an object`, n);
    const type = rc.cell_type;
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      throw new NotebookFormatError(`cell ${n} has cell_type ${JSON.stringify(type ?? null)}`, n);
    }
    if (rc.metadata !== undefined && !isObject(rc.metadata)) throw new NotebookFormatError(`cell ${n}: metadata is not an object`, n);
    const cell: Cell = {
      id: "",
      cell_type: type,
      source: joinText(rc.source ?? "", `cell ${n}: source`, n),
      metadata: { ...(rc.metadata ?? {}) },
    };
    if (type === "code") {
      if (rc.outputs !== undefined && !Array.isArray(rc.outputs)) throw new NotebookFormatError(`cell ${n}: outputs is not a list`, n);
      cell.outputs = (rc.outputs ?? []).map(rejoinOutput);
      const count = rc.execution_count;
      cell.execution_count = typeof count === "number" && Number.isInteger(count) ? count : null;
    } else if (isObject(rc.attachments)) {
      cell.attachments = rc.attachments;
    }
    if (typeof rc.id === "string" && CELL_ID.test(rc.id) && !taken.has(rc.id)) {
      cell.id = rc.id;
      taken.add(rc.id);
    } else {
      pendingIds.push(i);
    }
    cells.push(cell);
  });
  // Second pass so generated ids never collide with ids that appear later in the file.
  for (const i of pendingIds) {
    const id = deterministicCellId(i, cells[i].source, taken);
    cells[i].id = id;
    taken.add(id);
  }
  return { nbformat: 4, nbformat_minor: Math.max(minor, 5), metadata: { ...(raw.metadata ?? {}) }, cells };
}

export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new NotebookFormatError(`cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseNotebook(text);
}

/** Python's `str.splitlines(keepends=True)`, which nbformat uses. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  const breaks = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (const m of text.matchAll(breaks)) {
    const end = (m.index ?? 0) + m[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** nbformat's `_split_mimebundle`: only text-like MIME data becomes a list of lines. */
function splitBundle(data: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [mime, value] of Object.entries(data)) {
    const splittable = mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml";
    out[mime] = splittable && typeof value === "string" ? splitLines(value) : value;
  }
  return out;
}

function outputToDisk(output: unknown): unknown {
  if (!isObject(output)) return output;
  const out: JsonObject = { ...output };
  if ((out.output_type === "execute_result" || out.output_type === "display_data") && isObject(out.data)) {
    out.data = splitBundle(out.data);
  } else if (out.output_type === "stream" && typeof out.text === "string") {
    out.text = splitLines(out.text);
  }
  return out;
}

function cellToDisk(cell: Cell): JsonObject {
  const metadata = { ...cell.metadata };
  delete metadata.trusted; // nbformat's strip_transient
  const disk: JsonObject = { cell_type: cell.cell_type, id: cell.id, metadata, source: splitLines(cell.source) };
  if (cell.cell_type === "code") {
    disk.outputs = (cell.outputs ?? []).map(outputToDisk);
    disk.execution_count = cell.execution_count ?? null;
  } else if (cell.attachments !== undefined) {
    const attachments: JsonObject = {};
    for (const [name, bundle] of Object.entries(cell.attachments)) attachments[name] = isObject(bundle) ? splitBundle(bundle) : bundle;
    disk.attachments = attachments;
  }
  return disk;
}

/** Compares by Unicode code point, like Python's `sorted` on str (JS compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/**
 * `json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": "))`.
 * Hand-written because JSON.stringify orders integer-like keys numerically, not by string.
 */
export function dumpJson(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write the non-finite number ${value} to a notebook`);
    return JSON.stringify(value);
  }
  const pad = " ".repeat(depth + 1);
  const end = " ".repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + dumpJson(v, depth + 1)).join(",\n")}\n${end}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as JsonObject).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    entries.sort(([a], [b]) => compareCodePoints(a, b));
    return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${dumpJson(v, depth + 1)}`).join(",\n")}\n${end}}`;
  }
  throw new Error(`cannot write a ${typeof value} to a notebook`);
}

export function serializeNotebook(nb: Notebook): string {
  const metadata = { ...nb.metadata };
  for (const k of ["orig_nbformat", "orig_nbformat_minor", "signature"]) delete metadata[k];
  const disk = { cells: nb.cells.map(cellToDisk), metadata, nbformat: nb.nbformat, nbformat_minor: nb.nbformat_minor };
  return dumpJson(disk) + "\n";
}

/**
 * Writes through a temporary file in the target's folder and renames it over the target, so a
 * reader (or a crash) never sees a half-written notebook.
 */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = fs.openSync(tmp, "wx");
    try {
      fs.writeFileSync(fd, text, "utf8");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeNotebook(file: string, nb: Notebook): void {
  writeFileAtomic(file, serializeNotebook(nb));
}
