/**
 * runNotebook: executes a notebook's code cells one at a time in a fresh tslab kernel and writes
 * the executed copy. Failures end the run and are reported, never swallowed; the source notebook
 * is only replaced by a successful run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type CellLimits, type CellRun, KernelSession } from "./cells";
import { registerCleanup } from "./cleanup";
import { RunFiles } from "./connection";
import { errorFromStderr, errorOutput, indentFirstLines, textLines } from "./failure";
import { Kernel, KernelGoneError, StartupError } from "./kernel";
import { type Cell, type Notebook, NotebookFormatError, readNotebook, writeNotebook } from "./nbformat";
import type { Output } from "./outputs";
import { type Fault, loadedFiles } from "./probe";
import { delay, secondsSince } from "./timing";
import { isObject } from "./wire";

/**
 * Limits that catch hangs, not slowness. A cell may run for up to 6 hours in total, and may go
 * 60 minutes without any message from the kernel (no output, no progress line): an endless loop or
 * a promise that never settles stops there, while a slow cell that prints progress runs on.
 */
export const DEFAULT_CELL_TIMEOUT_MS = 6 * 3600_000;
// an hour: a study that reports progress at fifths of a long grid on a loaded machine can be quiet for
// tens of minutes (seen: > 20 min for gen-vs-disc's experiment jobs at load 5-9), and slowness must not fail a run
export const DEFAULT_STALL_TIMEOUT_MS = 60 * 60_000;
/** Generous: a busy machine can take a minute or more to start tslab (TypeScript compiler load). */
export const DEFAULT_STARTUP_TIMEOUT_MS = 300_000;
const DEFAULT_INTERRUPT_GRACE_MS = 8_000;
/** tslab aborts requests that arrive within 200 ms after a failed one (its issue #19). */
const TSLAB_ABORT_WINDOW_MS = 300;

/** A notebook's `metadata.kernelspec`. */
export interface Kernelspec {
  name: string;
  display_name: string;
  language: string;
}

/**
 * What the runner writes into `metadata.kernelspec` by default: tslab's own `tslab install`
 * values. Jupyter rewrites this block from the kernelspec it starts, so it must equal the
 * kernel.json a project registers (name and display_name) or opening the notebook modifies it.
 */
export const KERNELSPEC: Kernelspec = { display_name: "TypeScript", language: "typescript", name: "tslab" };

export interface RunOptions {
  /** The notebook to execute. */
  input: string;
  /** Where the executed copy goes; may equal `input` (in place, only on success). */
  output: string;
  /**
   * The project the notebook belongs to: tslab is resolved from here, and `loadedFiles` lists the
   * files under it the kernel loaded. Default: the nearest folder above the notebook with a
   * package.json (else the notebook's folder).
   */
  projectRoot?: string;
  /** Environment variables set (a string) or removed (undefined) for the kernel, over the runner's own. */
  env?: { [name: string]: string | undefined };
  /**
   * Name of an environment variable through which notebook code can report the data files it
   * read (one absolute path per line appended to the file it names); they come back as `dataFiles`.
   */
  depsFileVariable?: string;
  /** Written into the executed notebook's metadata. Default KERNELSPEC. */
  kernelspec?: Kernelspec;
  /**
   * Kernel names a notebook may declare in metadata.kernelspec.name; a notebook declaring another
   * kernel (e.g. python3) is refused before any kernel starts. Default: [kernelspec.name, "tslab"].
   * Notebooks without a kernelspec are accepted.
   */
  acceptKernels?: readonly string[];
  /**
   * Folders the notebook will write into (e.g. a figures folder); each is created if needed and
   * checked for write access before the kernel starts, like the output file's folder.
   */
  writableDirs?: readonly string[];
  /**
   * Total time limit per code cell; a cell's metadata `timeout` (seconds) overrides it.
   * Default 6 h: meant for hangs only (see stallTimeoutMs).
   */
  cellTimeoutMs?: number;
  /** No-progress watchdog: a cell fails after this long without any output. Default 60 min. */
  stallTimeoutMs?: number;
  /** How to change the limits, appended to a timeout message (e.g. "--timeout <s>"). */
  limitHint?: string;
  /** Default 300 s. */
  startupTimeoutMs?: number;
  /** Receives progress and failure lines (no trailing newline). Default: silent. */
  log?: (line: string) => void;
  /** Called when a code cell starts; `cell` is 1-based among all cells. For live terminal display. */
  onCellStart?: (cell: number, total: number) => void;
  /** Called whenever the run moves on (for messages on SIGINT/SIGTERM: where it stopped, what was written). */
  onState?: (state: RunState) => void;
  /**
   * Where a failed in-place run writes its partial copy. Default:
   * `<the notebook's folder>/<name>.failed.ipynb`.
   */
  failedOutput?: string;
  /**
   * The tslab launcher script (run with this Node), e.g. the kernel shim of this package.
   * Default: tslab/bin/tslab resolved from the project root.
   */
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

/** Progress of a run, for a caller that reports interruptions (see RunOptions.onState). */
export interface RunState {
  phase: "checking" | "starting" | "running" | "writing" | "done";
  /** 1-based cell being run (phase "running"). */
  cell?: number;
  cells: number;
  /** The file written, once phase is "done". */
  written?: string;
}

/** Bad options (not a notebook problem): the CLI exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

interface CellFailure {
  /** The cell blamed (gets the error output). */
  cell: number;
  /** The cell during which the failure surfaced, when later than `cell` (its outputs are kept). */
  stoppedAt?: number;
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

/** The nearest folder at or above `dir` with a package.json, else `dir`. */
export function findProjectRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

/** The nearest existing folder at or above `p` (or p itself), for write checks. */
function existingAncestor(p: string): string {
  let d = p;
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/**
 * Throws UsageError unless a file can be created in `dir` (created if missing). Done before the
 * kernel starts, so a bad output path costs nothing and hides no notebook failure.
 */
export function checkWritableDir(dir: string, what: string): void {
  const anc = existingAncestor(dir);
  if (!fs.statSync(anc).isDirectory()) throw new UsageError(`${what} ${dir} cannot be created: ${anc} is a file, not a folder`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    const probe = path.join(dir, `.write-check-${process.pid}-${Date.now()}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe, { force: true });
  } catch (e) {
    throw new UsageError(
      `${what} ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another location`,
    );
  }
}

function declaredKernel(nb: Notebook): { name?: string; display?: string } {
  const spec = nb.metadata.kernelspec;
  if (!isObject(spec)) return {};
  return {
    name: typeof spec.name === "string" ? spec.name : undefined,
    display: typeof spec.display_name === "string" ? spec.display_name : undefined,
  };
}

function runnable(cell: Cell): boolean {
  return cell.cell_type === "code" && cell.source.trim() !== "" && !tagsOf(cell).includes("skip-execution");
}

export async function runNotebook(opts: RunOptions): Promise<RunResult> {
  if (typeof opts.input !== "string" || opts.input === "") throw new UsageError("input notebook path is required");
  if (typeof opts.output !== "string" || opts.output === "")
    throw new UsageError("output path is required (it may equal the input to run in place)");
  const cellTimeoutMs = positiveMs(opts.cellTimeoutMs, "cellTimeoutMs", DEFAULT_CELL_TIMEOUT_MS);
  const stallTimeoutMs = positiveMs(opts.stallTimeoutMs, "stallTimeoutMs", DEFAULT_STALL_TIMEOUT_MS);
  const startupTimeoutMs = positiveMs(opts.startupTimeoutMs, "startupTimeoutMs", DEFAULT_STARTUP_TIMEOUT_MS);
  const graceMs = positiveMs(opts.interruptGraceMs, "interruptGraceMs", DEFAULT_INTERRUPT_GRACE_MS);
  const kernelspec = opts.kernelspec ?? KERNELSPEC;
  const accepted = opts.acceptKernels ?? [kernelspec.name, "tslab"];
  const input = path.resolve(opts.input);
  const output = path.resolve(opts.output);
  if (!fs.existsSync(input)) throw new UsageError(`notebook ${opts.input} does not exist`);
  if (fs.statSync(input).isDirectory()) throw new UsageError(`${opts.input} is a folder, not a notebook`);
  if (fs.existsSync(output) && fs.statSync(output).isDirectory())
    throw new UsageError(`output ${opts.output} is a folder; give a file path`);
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
  const state: RunState = { phase: "checking", cells: 0 };
  const setState = (change: Partial<RunState>) => {
    Object.assign(state, change);
    opts.onState?.({ ...state });
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
    const what = e.notNotebook ? "not a notebook" : "malformed notebook";
    return fail(`${name}: ${what}${e.cell !== undefined ? ` (cell ${e.cell})` : ""}: ${e.message}`, e.cell);
  }
  const total = nb.cells.length;
  result.cells = total;
  result.cellSeconds = nb.cells.map(() => 0);
  setState({ cells: total });

  const declared = declaredKernel(nb);
  if (declared.name !== undefined && !accepted.includes(declared.name)) {
    return fail(
      `${name}: the notebook declares the kernel ${JSON.stringify(declared.name)}${declared.display !== undefined ? ` (${declared.display})` : ""}, not tslab (TypeScript); refusing to run it as TypeScript. If it really is a tslab notebook, set its metadata.kernelspec.name to ${JSON.stringify(kernelspec.name)}${opts.acceptKernels === undefined ? "" : ` (accepted here: ${accepted.join(", ")})`}`,
    );
  }

  // Everything the run will write is checked before a kernel costs anything.
  checkWritableDir(path.dirname(output), "the output folder");
  if (!samePath(path.dirname(failedTarget), path.dirname(output)))
    checkWritableDir(path.dirname(failedTarget), "the folder for a failed run's partial copy");
  for (const dir of opts.writableDirs ?? []) checkWritableDir(path.resolve(dir), "the notebook's output folder");

  if (!nb.cells.some(runnable)) {
    // Nothing to execute: no kernel. The copy is still normalised (ids, nbformat 4.5, kernelspec).
    nb.metadata.kernelspec = { ...kernelspec };
    setState({ phase: "writing" });
    writeNotebook(output, nb);
    result.output = output;
    result.ok = true;
    result.seconds = secondsSince(started);
    setState({ phase: "done", written: output });
    log(`${name}: no code cells to run; no kernel started -> ${displayName(output)}`);
    return result;
  }

  const root = opts.projectRoot !== undefined ? path.resolve(opts.projectRoot) : findProjectRoot(path.dirname(input));
  const files = RunFiles.create();
  const unregister = registerCleanup(() => files.remove());
  let kernel: Kernel | undefined;
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    if (opts.depsFileVariable !== undefined) env[opts.depsFileVariable] = files.depsFile;

    let session: KernelSession;
    setState({ phase: "starting" });
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

    nb.metadata.kernelspec = { ...kernelspec };
    if (isObject(kernel.kernelInfo.language_info)) nb.metadata.language_info = kernel.kernelInfo.language_info;

    let count = 0;
    let failure: CellFailure | undefined;
    let lastExecuted = -1;
    let pauseBeforeNext = false;
    for (let i = 0; i < total && failure === undefined; i++) {
      const cell = nb.cells[i];
      const n = i + 1;
      // nbclient skips empty cells and the skip-execution tag, leaving them untouched.
      if (!runnable(cell)) continue;
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
      setState({ phase: "running", cell: n });
      opts.onCellStart?.(n, total);
      const t0 = performance.now();
      const limits: CellLimits = { wallMs: timeouts[i], stallMs: Math.min(stallTimeoutMs, timeouts[i]), graceMs };
      const run = await session.run(n, cell.source, outputs, limits);
      result.cellSeconds[i] = secondsSince(t0);
      result.executedCells = count;
      for (const o of outputs) if (o.output_type === "execute_result") o.execution_count = count;

      const expectError = tagsOf(cell).includes("raises-exception");
      if (run.outcome.kind === "reply" && run.outcome.status === "error" && expectError) pauseBeforeNext = true;
      else failure = cellFailure(n, run, limits, kernel, opts.limitHint);
      const faults = session.takeFaults();
      if (failure === undefined && faults.length > 0) failure = faultFailure(n, faults, session);
      log(
        `${name}: cell ${n}/${total} [${count}] ${failure === undefined ? "ok" : "FAILED"} ${fmt(result.cellSeconds[i])} (total ${fmt(secondsSince(started))})`,
      );
    }

    if (failure === undefined) {
      if (pauseBeforeNext) await delay(TSLAB_ABORT_WINDOW_MS);
      // Cell number 0 stands for "after the last cell" when no code cell ran.
      const last = lastExecuted + 1;
      try {
        const modules = await session.loadedModules();
        const faults = session.takeFaults(); // surfaced after the last cell: a timer or promise it left behind
        if (faults.length > 0) failure = faultFailure(last, faults, session, true);
        else result.loadedFiles = loadedFiles(modules, root);
      } catch (e) {
        failure = {
          cell: last,
          summary: `the kernel failed to list its loaded modules after the last cell (${(e as Error).message})`,
          lines: [],
        };
      }
    }

    await kernel.shutdown();
    result.dataFiles = files.readDeps();

    if (failure === undefined) {
      setState({ phase: "writing" });
      writeNotebook(output, nb);
      result.output = output;
      result.ok = true;
      setState({ phase: "done", written: output });
      if (inPlace && opts.failedOutput === undefined) fs.rmSync(failedTarget, { force: true }); // a stale partial copy would mislead
      log(`${name}: ok, ${count} code cells in ${fmt(secondsSince(started))} -> ${displayName(output)}`);
      result.seconds = secondsSince(started);
      return result;
    }

    markFailure(nb, failure);
    setState({ phase: "writing" });
    writeNotebook(failedTarget, nb);
    result.output = failedTarget;
    setState({ phase: "done", written: failedTarget });
    const where = failure.cell > 0 ? `cell ${failure.cell}/${total}` : "after the last cell";
    const details = failure.lines.length > 0 ? `\n${indentFirstLines(failure.lines)}` : "";
    return fail(
      `${name}: ${where} failed: ${failure.summary}${details}\n  partial executed copy written to ${displayName(failedTarget)}${inPlace ? " (the source notebook was left unchanged)" : ""}`,
      failure.cell > 0 ? failure.cell : undefined,
    );
  } finally {
    if (kernel?.alive) await kernel.kill();
    files.remove();
    unregister();
  }
}

/** Never the source notebook: an in-place run that fails writes `<name>.failed.ipynb`. */
function failedCopyPath(input: string, output: string, inPlace: boolean, opts: RunOptions): string {
  const fallback = (dir: string) => path.join(dir, `${path.basename(input).replace(/\.ipynb$/i, "")}.failed.ipynb`);
  let target = output;
  if (opts.failedOutput !== undefined) target = path.resolve(opts.failedOutput);
  else if (inPlace) target = fallback(path.dirname(input));
  return samePath(target, input) ? fallback(path.dirname(input)) : target;
}

/** The failure of a cell that did not end in an expected error, or undefined if it went fine. */
function cellFailure(n: number, run: CellRun, limits: CellLimits, kernel: Kernel, hint: string | undefined): CellFailure | undefined {
  const outcome = run.outcome;
  switch (outcome.kind) {
    case "reply": {
      if (outcome.status === "ok") return undefined;
      if (outcome.status === "error") {
        const err = errorFromStderr(run.stderr);
        return { cell: n, summary: err.kind, lines: err.lines };
      }
      return {
        cell: n,
        summary: `the kernel answered with status ${JSON.stringify(outcome.status)} (the cell did not run)`,
        lines: textLines(run.stderr.join("")),
      };
    }
    case "timeout": {
      const how = outcome.killed
        ? `the kernel did not stop within ${limits.graceMs / 1000} s of SIGINT and was killed`
        : "interrupted with SIGINT";
      const what =
        outcome.limit === "stall"
          ? `no progress for ${seconds(limits.stallMs)}: no output and no reply (an endless loop or a promise that never settles?)`
          : `timed out after ${seconds(limits.wallMs)}`;
      const change =
        outcome.limit === "stall"
          ? `if the cell is only slow and silent, raise the no-progress limit${hint !== undefined ? ` (${hint})` : ""}`
          : `to allow more time, raise the limit${hint !== undefined ? ` (${hint})` : ""} or set the cell's metadata {"timeout": <seconds>}`;
      return { cell: n, summary: `${what} (${how}); ${change}`, lines: textLines(run.stderr.join("")) };
    }
    case "unresponsive":
      return {
        cell: n,
        summary: `the kernel stopped responding after the cell (${outcome.reason})`,
        lines: textLines(run.stderr.join("")),
      };
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

function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 120 && Number.isInteger(s / 60) ? `${s / 60} min` : `${s} s`;
}

/**
 * A failure from unhandled rejections or uncaught callback exceptions that surfaced during (or,
 * with `afterLast`, after) cell `n`. Blamed on the cell that started the promise or timer when the
 * kernel could tell; otherwise the message says so instead of blaming cell `n`.
 */
function faultFailure(n: number, faults: readonly Fault[], session: KernelSession, afterLast = false): CellFailure {
  const first = faults[0];
  const what = first.kind === "unhandledRejection" ? "unhandled promise rejection" : "uncaught exception in a callback";
  const more = faults.length > 1 ? ` (+${faults.length - 1} more)` : "";
  const origin = session.originCell(first);
  const when = afterLast ? "after the last cell finished" : `while cell ${n} was running`;
  if (origin !== undefined && origin > 0 && origin === n) {
    return { cell: n, summary: `${what}${more} (from a promise or timer this cell started)`, lines: textLines(first.text) };
  }
  if (origin !== undefined && origin > 0) {
    return {
      cell: origin,
      stoppedAt: n,
      summary: `${what}${more} from a promise or timer cell ${origin} started and left running; it surfaced ${when}, where the run stopped`,
      lines: textLines(first.text),
    };
  }
  return {
    cell: n,
    summary: `${what}${more} from an earlier cell or a library callback (the runner cannot tell which; not necessarily this cell); it surfaced ${when}`,
    lines: textLines(first.text),
  };
}

/** Makes the failure readable in the partial copy; cells after it did not run, so no stale outputs. */
function markFailure(nb: Notebook, failure: CellFailure): void {
  const index = failure.cell - 1;
  const failed = nb.cells[index];
  if (failed !== undefined && failed.cell_type === "code") (failed.outputs ??= []).push(errorOutput(failure.summary, failure.lines));
  const stopped = Math.max(failure.stoppedAt ?? failure.cell, failure.cell) - 1;
  for (const cell of nb.cells.slice(Math.max(stopped + 1, 0))) {
    if (cell.cell_type === "code" && !tagsOf(cell).includes("skip-execution")) {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
}
