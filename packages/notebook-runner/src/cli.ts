#!/usr/bin/env node
/**
 * The command line over runNotebook. `runCli(argv, settings)` is shared by this package's own
 * `tslab-run` binary and by projects that wrap it with their settings (program name, project
 * root, kernelspec, environment variables for a scale and an output folder, the output-folder
 * policy). Exit status: 0 success, 1 the notebook failed (or the runner broke), 2 usage error;
 * on SIGINT/SIGTERM a message says where the run stopped and what was written, then the process
 * ends by that signal.
 */
import * as path from "node:path";
import { DEFAULT_CELL_TIMEOUT_MS, DEFAULT_STALL_TIMEOUT_MS, DEFAULT_STARTUP_TIMEOUT_MS, displayName, RunOptions, RunState, runNotebook, UsageError } from "./run";

export interface CliSettings {
  /** Name in messages and --help. */
  program: string;
  /** Options applied to every run (projectRoot, kernelspec, env, depsFileVariable, tslabPath, ...). */
  defaults?: Partial<RunOptions>;
  /** Enables `--scale <value>`, passed to the kernel in this environment variable. */
  scale?: { variable: string; values: readonly string[]; help?: string };
  /** Enables `--outputs-dir <dir>`, passed to the kernel (absolute) in this environment variable. */
  outputDir?: {
    variable: string;
    /**
     * The project's output-folder policy: where a run at `scale` (undefined: not given) writes when
     * --outputs-dir is not given. The folder is checked for write access before the kernel starts.
     */
    policy?: (scale: string | undefined) => string;
    help?: string;
  };
  /** Extra paragraphs for --help. */
  help?: string;
}

interface Cli {
  opts: RunOptions;
  quiet: boolean;
  json: boolean;
}

function parseSeconds(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number of seconds, got ${JSON.stringify(value)}`);
  return n * 1000;
}

const minutes = (ms: number) => (ms >= 3600_000 ? `${ms / 3600_000} h` : ms >= 120_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);

export function helpText(s: CliSettings): string {
  const scale = s.scale === undefined ? "" : `  --scale ${s.scale.values.join("|")}${" ".repeat(Math.max(1, 23 - 8 - s.scale.values.join("|").length))}${s.scale.help ?? `sets ${s.scale.variable} for the notebook`}\n`;
  const out = s.outputDir === undefined ? "" : `  --outputs-dir <dir>    ${s.outputDir.help ?? `sets ${s.outputDir.variable}: where the notebook writes its files`}\n`;
  return `Usage: ${s.program} <notebook.ipynb> (--output <path> | --inplace) [options]

Runs the notebook's code cells in order in a fresh tslab kernel (working directory: the
notebook's folder) and writes the executed notebook (nbformat 4.5, stable formatting).

Where the result goes (one is required; there is no default, so nothing is overwritten by
accident). Its folder is checked before the kernel starts:
  --output <path>        write the executed copy to <path>
  --inplace              replace the notebook itself, but only if the run succeeds; a failed run
                         writes <name>.failed.ipynb next to the notebook and leaves it untouched

Options:
${scale}${out}  --env NAME=VALUE       an environment variable for the kernel (repeatable)
  --timeout <seconds>    total limit per code cell (default ${minutes(DEFAULT_CELL_TIMEOUT_MS)}); a cell's metadata
                         {"timeout": <seconds>} overrides it
  --stall-timeout <s>    no-progress limit: a cell that prints nothing for this long is stopped
                         (default ${minutes(DEFAULT_STALL_TIMEOUT_MS)}). Both limits catch hangs (endless loops, promises
                         that never settle), not slowness: on a limit the kernel gets SIGINT, then
                         is killed if it does not stop, and the run fails
  --startup-timeout <s>  how long the kernel may take to start (default ${DEFAULT_STARTUP_TIMEOUT_MS / 1000})
  --allow-kernel <name>  also run notebooks whose metadata.kernelspec.name is <name> (by default a
                         notebook declaring a kernel other than tslab is refused)
  --json                 print the result (including loadedFiles and dataFiles) as JSON on stdout
  --quiet                no progress lines on stderr (failures are still reported)
  -h, --help             show this help

Cell tags: "raises-exception" (an error is expected; execution continues), "skip-execution"
(the cell is not run and keeps its outputs). Empty code cells are skipped, as in nbclient; a
notebook without code cells is copied without starting a kernel. Failures (type errors,
exceptions, unhandled promise rejections, limits, a dying kernel, a malformed file, JSON that is
not a notebook) stop the run; the message names the notebook, the cell (1-based, counting all
cells) and the first lines of the error, and the partial copy gets an "error" output there. A
rejection or callback error is blamed on the cell that started the promise or timer.
On SIGINT/SIGTERM the kernel is stopped and a message says at which cell and what was written.
${s.help !== undefined ? "\n" + s.help.trimEnd() + "\n" : ""}
Exit status: 0 success, 1 the notebook failed, 2 usage error.
`;
}

/** Returns undefined for --help. */
export function parseArgs(argv: readonly string[], s: CliSettings): Cli | undefined {
  let input: string | undefined;
  let output: string | undefined;
  let inplace = false;
  let quiet = false;
  let json = false;
  let scale: string | undefined;
  let outputsDir: string | undefined;
  const env: { [k: string]: string | undefined } = { ...(s.defaults?.env ?? {}) };
  const allow: string[] = [];
  const opts: Partial<RunOptions> = { ...s.defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "-h":
      case "--help":
        return undefined;
      case "--output":
      case "-o":
        output = value();
        break;
      case "--inplace":
        inplace = true;
        break;
      case "--scale": {
        if (s.scale === undefined) throw new UsageError(`unknown option ${flag}`);
        const v = value();
        if (!s.scale.values.includes(v)) throw new UsageError(`--scale must be ${s.scale.values.join(" or ")}, got ${JSON.stringify(v)}`);
        scale = v;
        break;
      }
      case "--outputs-dir":
        if (s.outputDir === undefined) throw new UsageError(`unknown option ${flag}`);
        outputsDir = value();
        break;
      case "--env": {
        const v = value();
        const eq = v.indexOf("=");
        if (eq <= 0) throw new UsageError(`--env needs NAME=VALUE, got ${JSON.stringify(v)}`);
        env[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case "--timeout":
        opts.cellTimeoutMs = parseSeconds(flag, value());
        break;
      case "--stall-timeout":
        opts.stallTimeoutMs = parseSeconds(flag, value());
        break;
      case "--startup-timeout":
        opts.startupTimeoutMs = parseSeconds(flag, value());
        break;
      case "--allow-kernel":
        allow.push(value());
        break;
      case "--quiet":
      case "-q":
        quiet = true;
        break;
      case "--json":
        json = true;
        break;
      default:
        if (flag.startsWith("-") && flag !== "-") throw new UsageError(`unknown option ${flag}`);
        if (input !== undefined) throw new UsageError(`only one notebook per run (got ${input} and ${arg})`);
        input = arg;
    }
  }
  if (input === undefined) throw new UsageError("no notebook given");
  if (!input.endsWith(".ipynb")) throw new UsageError(`${input} is not an .ipynb file`);
  if (inplace && output !== undefined) throw new UsageError("--output and --inplace exclude each other");
  if (!inplace && output === undefined) throw new UsageError("say where the result goes: --output <path> or --inplace");
  if (scale !== undefined && s.scale !== undefined) env[s.scale.variable] = scale;
  if (s.outputDir !== undefined) {
    const dir = outputsDir ?? s.outputDir.policy?.(scale ?? (s.scale !== undefined ? process.env[s.scale.variable] || undefined : undefined));
    if (dir !== undefined) {
      env[s.outputDir.variable] = path.resolve(dir);
      opts.writableDirs = [...(opts.writableDirs ?? []), path.resolve(dir)];
    }
  }
  if (allow.length > 0) opts.acceptKernels = [...(opts.acceptKernels ?? [opts.kernelspec?.name ?? "tslab", "tslab"]), ...allow];
  opts.limitHint ??= `${s.program} --timeout <s> / --stall-timeout <s>`;
  return { opts: { ...opts, env, input, output: inplace ? input : (output as string) }, quiet, json };
}

/** Progress on stderr: one line per cell; on a terminal, a live "running" line for the current cell. */
function progress(name: string, quiet: boolean): Pick<RunOptions, "log" | "onCellStart"> & { stop: () => void } {
  const tty = process.stderr.isTTY === true;
  let ticker: NodeJS.Timeout | undefined;
  const clearLive = () => {
    if (ticker === undefined) return;
    clearInterval(ticker);
    ticker = undefined;
    process.stderr.write("\r\x1b[K");
  };
  return {
    log: (line) => {
      clearLive();
      if (!quiet) process.stderr.write(line + "\n");
    },
    onCellStart: (cell, total) => {
      if (quiet || !tty) return;
      clearLive();
      const t0 = performance.now();
      const draw = () => process.stderr.write(`\r\x1b[K${name}: cell ${cell}/${total} running ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      draw();
      ticker = setInterval(draw, 1000);
    },
    stop: clearLive,
  };
}

/** What an interrupted run leaves behind, in one sentence. */
export function interruptionMessage(program: string, signal: string, name: string, state: RunState, output: string, inPlace: boolean, seconds: number): string {
  const where =
    state.phase === "running" && state.cell !== undefined
      ? `at cell ${state.cell}/${state.cells}`
      : state.phase === "starting"
        ? "while the kernel was starting (no cell had run)"
        : state.phase === "checking"
          ? "before the kernel started"
          : state.phase === "writing"
            ? "while writing the result"
            : "after the run";
  const written =
    state.phase === "done" && state.written !== undefined
      ? `${displayName(state.written)} was written`
      : state.phase === "writing"
        ? `${displayName(output)} may be incomplete`
        : inPlace
          ? `nothing was written; ${displayName(output)} is unchanged`
          : `nothing was written; ${displayName(output)} was not created or changed`;
  return `${program}: interrupted by ${signal} ${where} of ${name}, after ${seconds.toFixed(1)} s; the kernel was stopped; ${written}`;
}

export async function runCli(argv: readonly string[], settings: CliSettings): Promise<number> {
  const program = settings.program;
  let cli: Cli | undefined;
  try {
    cli = parseArgs(argv, settings);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${program}: ${e.message}\n(${program} --help for usage)\n`);
    return 2;
  }
  if (cli === undefined) {
    process.stdout.write(helpText(settings));
    return 0;
  }
  const input = path.resolve(cli.opts.input);
  const name = displayName(input);
  const p = progress(name, cli.quiet);
  let state: RunState = { phase: "checking", cells: 0 };
  const started = performance.now();
  const onSignal = (signal: NodeJS.Signals) => {
    p.stop();
    const inPlace = path.resolve(cli!.opts.output) === input;
    process.stderr.write(interruptionMessage(program, signal, name, state, cli!.opts.output, inPlace, (performance.now() - started) / 1000) + "\n");
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // The runner's own listener kills the kernel in this same emit; then end by the signal.
    setImmediate(() => process.kill(process.pid, signal));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await runNotebook({ ...cli.opts, log: p.log, onCellStart: p.onCellStart, onState: (s) => (state = s) });
    // The failure message went through `log` unless --quiet hid it; failures are always shown.
    if (!result.ok && cli.quiet && result.message !== undefined) process.stderr.write(result.message + "\n");
    if (cli.json) process.stdout.write(JSON.stringify(result, null, 1) + "\n");
    return result.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${program}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`${program}: internal error while running ${cli.opts.input}: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    p.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Sets the exit code from runCli; for bin scripts. */
export function cliMain(settings: CliSettings): void {
  runCli(process.argv.slice(2), settings).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${settings.program}: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) cliMain({ program: "tslab-run" });
