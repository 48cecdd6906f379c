/**
 * runNotebook: executes a notebook's code cells one at a time in a fresh tslab kernel and writes
 * the executed copy. Failures end the run and are reported, never swallowed; the source notebook
 * is only replaced by a successful run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, Scale } from "../core/env";
import { CellRun, KernelSession } from "./cells";
import { registerCleanup } from "./cleanup";
import { RunFiles } from "./connection";
import { errorFromStderr, errorOutput, indentFirstLines, textLines } from "./failure";
import { Kernel, KernelGoneError, StartupError } from "./kernel";
import { Cell, Notebook, NotebookFormatError, readNotebook, writeNotebook } from "./nbformat";
import { Output } from "./outputs";
import { Fault, loadedFiles } from "./probe";
import { delay, secondsSince } from "./timing";
import { isObject } from "./wire";

export type { Scale };

export const DEFAULT_CELL_TIMEOUT_MS = 900_000;
export const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
const DEFAULT_INTERRUPT_GRACE_MS = 8_000;
/** tslab aborts requests that arrive within 200 ms after a failed one (its issue #19). */
const TSLAB_ABORT_WINDOW_MS = 300;

export const KERNELSPEC = { display_name: "TypeScript", language: "typescript", name: "tslab" } as const;

export interface RunOptions {
  /** The notebook to execute. */
  input: string;
  /** Where the executed copy goes; may equal `input` (in place, only on success). */
  output: string;
  /** Sets LS_SCALE for the kernel; unset means the parent's LS_SCALE (if any) is passed on. */
  scale?: Scale;
  /** Sets LS_OUTPUT_DIR (figures/claims) for the kernel, resolved to an absolute path. */
  outputDir?: string;
  /** Per code cell; a cell's metadata `timeout` (seconds) overrides it. Default 900 s. */
  cellTimeoutMs?: number;
  /** Default 60 s. */
  startupTimeoutMs?: number;
  /** Receives progress and failure lines (no trailing newline). Default: silent. */
  log?: (line: string) => void;
  /** Called when a code cell starts; `cell` is 1-based among all cells. For live terminal display. */
  onCellStart?: (cell: number, total: number) => void;
  /**
   * Where a failed in-place run writes its partial copy. Default:
   * `<outputDir or the notebook's folder>/<name>.failed.ipynb`.
   */
  failedOutput?: string;
  /** The tslab launcher script (run with this Node). Default: tslab/bin/tslab resolved from the repo root. */
  tslabPath?: string;
  /** How long a timed-out cell gets to stop after SIGINT before the kernel is killed. Default 8 s. */
  interruptGraceMs?: number;
}

export interface RunResult {
  ok: boolean;
  /** Absolute path of the input notebook. */
  notebook: string;
  /** Absolute path of the file written (the executed or, on failure, the partial copy); "" if none. */
  output: string;
  /** 1-based position (among all cells) of the cell that failed. */
  failedCell?: number;
  /** Set when !ok: names the notebook, the cell and the first lines of the error. */
  message?: string;
  /** Number of cells in the notebook (all types). */
  cells: number;
  /** Number of code cells that were sent to the kernel. */
  executedCells: number;
  /** Wall time of the whole run. */
  seconds: number;
  /** Kernel start and handshake (including the silent preamble). */
  startupSeconds: number;
  /** Repo files (not in node_modules) the kernel loaded; absolute, sorted. Empty unless ok. */
  loadedFiles: string[];
  /** Data files the library recorded through LS_DEPS_FILE; absolute, sorted. */
  dataFiles: string[];
  /** Seconds per cell, indexed like the notebook's cells; 0 for cells that did not run. */
  cellSeconds: number[];
  /** Process id the kernel had (it is gone when runNotebook returns); for diagnostics and tests. */
  kernelPid?: number;
}

/** Bad options (not a notebook problem): the CLI exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

interface CellFailure {
  cell: number;
  summary: string;
  lines: string[];
}

function tagsOf(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/**
 * Per-cell timeout: cell metadata `timeout`, in seconds (a positive number). Not under
 * `metadata.execution`, where the nbformat 4.5 schema allows only strings (nbclient's timings).
 */
function cellTimeout(cell: Cell, n: number, fallbackMs: number): number {
  const t = cell.metadata.timeout;
  if (t === undefined) return fallbackMs;
  if (typeof t !== "number" || !Number.isFinite(t) || t <= 0) {
    throw new NotebookFormatError(`cell ${n}: metadata.timeout must be a positive number of seconds, got ${JSON.stringify(t)}`, n);
  }
  return t * 1000;
}

/** nbclient's record_timing keys: volatile, so they never belong in a reproducible file. */
function dropTimingMetadata(cell: Cell): void {
  const exec = cell.metadata.execution;
  if (!isObject(exec)) return;
  const kept = Object.fromEntries(Object.entries(exec).filter(([k]) => !k.startsWith("iopub.") && !k.startsWith("shell.")));
  if (Object.keys(kept).length === 0) delete cell.metadata.execution;
  else cell.metadata.execution = kept;
}

/** How messages name a notebook: relative to the working directory when inside it. */
export function displayName(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return path.resolve(a) === path.resolve(b) || real(a) === real(b);
}

function positiveMs(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}

const fmt = (s: number) => `${s.toFixed(2)} s`;

export async function runNotebook(opts: RunOptions): Promise<RunResult> {
  if (typeof opts.input !== "string" || opts.input === "") throw new UsageError("input notebook path is required");
  if (typeof opts.output !== "string" || opts.output === "") throw new UsageError("output path is required (it may equal the input to run in place)");
  if (opts.scale !== undefined && opts.scale !== "smoke" && opts.scale !== "full") {
    throw new UsageError(`scale must be "smoke" or "full", got ${JSON.stringify(opts.scale)}`);
  }
  const cellTimeoutMs = positiveMs(opts.cellTimeoutMs, "cellTimeoutMs", DEFAULT_CELL_TIMEOUT_MS);
  const startupTimeoutMs = positiveMs(opts.startupTimeoutMs, "startupTimeoutMs", DEFAULT_STARTUP_TIMEOUT_MS);
  const graceMs = positiveMs(opts.interruptGraceMs, "interruptGraceMs", DEFAULT_INTERRUPT_GRACE_MS);
  const input = path.resolve(opts.input);
  const output = path.resolve(opts.output);
  if (!fs.existsSync(input)) throw new UsageError(`notebook ${opts.input} does not exist`);
  if (fs.statSync(input).isDirectory()) throw new UsageError(`${opts.input} is a folder, not a notebook`);
  if (fs.existsSync(output) && fs.statSync(output).isDirectory()) throw new UsageError(`output ${opts.output} is a folder; give a file path`);
  const inPlace = samePath(input, output);
  const failedTarget = failedCopyPath(input, output, inPlace, opts);

  const log = opts.log ?? (() => undefined);
  const name = displayName(input);
  const started = performance.now();
  const result: RunResult = {
    ok: false,
    notebook: input,
    output: "",
    cells: 0,
    executedCells: 0,
    seconds: 0,
    startupSeconds: 0,
    loadedFiles: [],
    dataFiles: [],
    cellSeconds: [],
  };
  const fail = (message: string, cell?: number): RunResult => {
    result.message = message;
    if (cell !== undefined) result.failedCell = cell;
    log(message);
    result.seconds = secondsSince(started);
    return result;
  };

  let nb: Notebook;
  let timeouts: number[];
  try {
    nb = readNotebook(input);
    timeouts = nb.cells.map((cell, i) => (cell.cell_type === "code" ? cellTimeout(cell, i + 1, cellTimeoutMs) : 0));
  } catch (e) {
    if (!(e instanceof NotebookFormatError)) throw e;
    return fail(`${name}: malformed notebook${e.cell !== undefined ? ` (cell ${e.cell})` : ""}: ${e.message}`, e.cell);
  }
  const total = nb.cells.length;
  result.cells = total;
  result.cellSeconds = nb.cells.map(() => 0);

  const root = repoRoot();
  const files = RunFiles.create();
  const unregister = registerCleanup(() => files.remove());
  let kernel: Kernel | undefined;
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, LS_DEPS_FILE: files.depsFile };
    if (opts.scale !== undefined) env.LS_SCALE = opts.scale;
    if (opts.outputDir !== undefined) env.LS_OUTPUT_DIR = path.resolve(opts.outputDir);

    let session: KernelSession;
    try {
      kernel = await Kernel.start({ cwd: path.dirname(input), env, files, tslabPath: opts.tslabPath, searchFrom: root, startupTimeoutMs });
      result.kernelPid = kernel.pid;
      session = new KernelSession(kernel);
      await session.preamble(Math.max(1, startupTimeoutMs - (performance.now() - started)));
    } catch (e) {
      if (e instanceof StartupError && e.pid !== undefined) result.kernelPid = e.pid;
      if (e instanceof StartupError || e instanceof KernelGoneError) return fail(`${name}: the kernel did not start: ${e.message}`);
      throw e;
    }
    result.startupSeconds = secondsSince(started);
    log(`${name}: kernel ready in ${fmt(result.startupSeconds)}`);

    nb.metadata.kernelspec = { ...KERNELSPEC };
    if (isObject(kernel.kernelInfo.language_info)) nb.metadata.language_info = kernel.kernelInfo.language_info;

    let count = 0;
    let failure: CellFailure | undefined;
    let lastExecuted = -1;
    let pauseBeforeNext = false;
    for (let i = 0; i < total && failure === undefined; i++) {
      const cell = nb.cells[i];
      const n = i + 1;
      if (cell.cell_type !== "code") continue;
      // nbclient skips empty cells and the skip-execution tag, leaving them untouched.
      if (cell.source.trim() === "" || tagsOf(cell).includes("skip-execution")) continue;
      if (pauseBeforeNext) {
        await delay(TSLAB_ABORT_WINDOW_MS);
        pauseBeforeNext = false;
      }
      count++;
      lastExecuted = i;
      dropTimingMetadata(cell);
      const outputs: Output[] = [];
      cell.outputs = outputs;
      cell.execution_count = count;
      opts.onCellStart?.(n, total);
      const t0 = performance.now();
      const run = await session.run(cell.source, outputs, timeouts[i], graceMs);
      result.cellSeconds[i] = secondsSince(t0);
      result.executedCells = count;
      for (const o of outputs) if (o.output_type === "execute_result") o.execution_count = count;

      const expectError = tagsOf(cell).includes("raises-exception");
      if (run.outcome.kind === "reply" && run.outcome.status === "error" && expectError) pauseBeforeNext = true;
      else failure = cellFailure(n, run, timeouts[i], graceMs, kernel);
      const faults = session.takeFaults();
      if (failure === undefined && faults.length > 0) failure = faultFailure(n, faults);
      log(`${name}: cell ${n}/${total} [${count}] ${failure === undefined ? "ok" : "FAILED"} ${fmt(result.cellSeconds[i])} (total ${fmt(secondsSince(started))})`);
    }

    if (failure === undefined) {
      if (pauseBeforeNext) await delay(TSLAB_ABORT_WINDOW_MS);
      // Cell number 0 stands for "after the last cell" when no code cell ran.
      const last = lastExecuted + 1;
      try {
        const modules = await session.loadedModules();
        const faults = session.takeFaults(); // surfaced after the last cell: a timer or promise it left behind
        if (faults.length > 0) failure = faultFailure(last, faults);
        else result.loadedFiles = loadedFiles(modules, root);
      } catch (e) {
        failure = { cell: last, summary: `the kernel failed to list its loaded modules after the last cell (${(e as Error).message})`, lines: [] };
      }
    }

    await kernel.shutdown();
    result.dataFiles = files.readDeps();

    if (failure === undefined) {
      writeNotebook(output, nb);
      result.output = output;
      result.ok = true;
      if (inPlace && opts.failedOutput === undefined) fs.rmSync(failedTarget, { force: true }); // a stale partial copy would mislead
      log(`${name}: ok, ${count} code cells in ${fmt(secondsSince(started))} -> ${displayName(output)}`);
      result.seconds = secondsSince(started);
      return result;
    }

    markFailure(nb, failure);
    writeNotebook(failedTarget, nb);
    result.output = failedTarget;
    const where = failure.cell > 0 ? `cell ${failure.cell}/${total}` : "after the last cell";
    const details = failure.lines.length > 0 ? `\n${indentFirstLines(failure.lines)}` : "";
    return fail(
      `${name}: ${where} failed: ${failure.summary}${details}\n  partial executed copy written to ${displayName(failedTarget)}` +
        (inPlace ? " (the source notebook was left unchanged)" : ""),
      failure.cell > 0 ? failure.cell : undefined,
    );
  } finally {
    if (kernel !== undefined && kernel.alive) await kernel.kill();
    files.remove();
    unregister();
  }
}

/** Never the source notebook: an in-place run that fails writes `<name>.failed.ipynb`. */
function failedCopyPath(input: string, output: string, inPlace: boolean, opts: RunOptions): string {
  const fallback = (dir: string) => path.join(dir, `${path.basename(input).replace(/\.ipynb$/i, "")}.failed.ipynb`);
  let target = output;
  if (opts.failedOutput !== undefined) target = path.resolve(opts.failedOutput);
  else if (inPlace) target = fallback(opts.outputDir !== undefined ? path.resolve(opts.outputDir) : path.dirname(input));
  return samePath(target, input) ? fallback(path.dirname(input)) : target;
}

/** The failure of a cell that did not end in an expected error, or undefined if it went fine. */
function cellFailure(n: number, run: CellRun, timeoutMs: number, graceMs: number, kernel: Kernel): CellFailure | undefined {
  const outcome = run.outcome;
  switch (outcome.kind) {
    case "reply": {
      if (outcome.status === "ok") return undefined;
      if (outcome.status === "error") {
        const err = errorFromStderr(run.stderr);
        return { cell: n, summary: err.kind, lines: err.lines };
      }
      return { cell: n, summary: `the kernel answered with status ${JSON.stringify(outcome.status)} (the cell did not run)`, lines: textLines(run.stderr.join("")) };
    }
    case "timeout": {
      const how = outcome.killed ? `the kernel did not stop within ${graceMs / 1000} s of SIGINT and was killed` : "interrupted with SIGINT";
      return { cell: n, summary: `timed out after ${timeoutMs / 1000} s (${how})`, lines: textLines(run.stderr.join("")) };
    }
    case "unresponsive":
      return { cell: n, summary: `the kernel stopped responding after the cell (${outcome.reason})`, lines: textLines(run.stderr.join("")) };
    case "died": {
      // A fatal V8 error (e.g. out of memory) is on the process's own stderr, not in the cell's.
      // Native stack frames ("12: 0x12c0c2b v8::…") would push the actual message out of view.
      const raw = textLines(kernel.processOutput()).filter((l) => l.trim() !== "" && !/^\s*\d+: 0x[0-9a-f]+/.test(l));
      const fatal = raw.filter((l) => l.includes("FATAL ERROR"));
      const processLines = [...fatal, ...raw.filter((l) => !l.includes("FATAL ERROR")).slice(-15)];
      const cellLines = textLines(run.stderr.join("")).slice(-15);
      return {
        cell: n,
        summary: `the kernel died while running the cell (${outcome.exit})`,
        lines: processLines.length > 0 && cellLines.length > 0 ? [...processLines, "", ...cellLines] : [...processLines, ...cellLines],
      };
    }
  }
}

function faultFailure(cell: number, faults: readonly Fault[]): CellFailure {
  const first = faults[0];
  const what = first.kind === "unhandledRejection" ? "unhandled promise rejection" : "uncaught exception in a callback";
  const more = faults.length > 1 ? ` (+${faults.length - 1} more)` : "";
  return {
    cell,
    summary: `${what}${more} (from this cell, or from a promise or timer an earlier cell left running)`,
    lines: textLines(first.text),
  };
}

/** Makes the failure readable in the partial copy; cells after it did not run, so no stale outputs. */
function markFailure(nb: Notebook, failure: CellFailure): void {
  const index = failure.cell - 1;
  const failed = nb.cells[index];
  if (failed !== undefined && failed.cell_type === "code") (failed.outputs ??= []).push(errorOutput(failure.summary, failure.lines));
  for (const cell of nb.cells.slice(Math.max(index + 1, 0))) {
    if (cell.cell_type === "code" && !tagsOf(cell).includes("skip-execution")) {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
}
