#!/usr/bin/env node
/**
 * run-notebook: execute a tslab notebook headless and write the executed copy.
 * Exit status: 0 success, 1 the notebook failed (or the runner broke), 2 usage error.
 */
import * as path from "node:path";
import { DEFAULT_CELL_TIMEOUT_MS, displayName, RunOptions, runNotebook, Scale, UsageError } from "../runner";

const HELP = `Usage: run-notebook <notebook.ipynb> (--output <path> | --inplace) [options]

Runs the notebook's code cells in order in a fresh tslab kernel (working directory: the
notebook's folder) and writes the executed notebook (nbformat 4.5, stable formatting).

Where the result goes (one is required; there is no default, so nothing is overwritten by
accident):
  --output <path>        write the executed copy to <path>
  --inplace              replace the notebook itself, but only if the run succeeds; a failed run
                         writes <name>.failed.ipynb (into --outputs-dir if given, else next to
                         the notebook) and leaves the notebook untouched

Options:
  --scale smoke|full     sets LS_SCALE for the notebook (default: inherited from the environment)
  --outputs-dir <dir>    sets LS_OUTPUT_DIR: where the notebook writes figures and claims
  --timeout <seconds>    per code cell (default ${DEFAULT_CELL_TIMEOUT_MS / 1000}); a cell's metadata
                         {"timeout": <seconds>} overrides it. On timeout the kernel gets SIGINT,
                         then is killed if it does not stop, and the run fails
  --startup-timeout <s>  how long the kernel may take to start (default 60)
  --json                 print the result (including loadedFiles and dataFiles) as JSON on stdout
  --quiet                no progress lines on stderr (failures are still reported)
  -h, --help             show this help

Cell tags: "raises-exception" (an error is expected; execution continues), "skip-execution"
(the cell is not run and keeps its outputs). Empty code cells are skipped, as in nbclient.
Failures (type errors, exceptions, unhandled promise rejections, timeouts, a dying kernel, a
malformed file) stop the run; the message names the notebook, the cell (1-based, counting all
cells) and the first lines of the error, and the partial copy gets an "error" output there.

Exit status: 0 success, 1 the notebook failed, 2 usage error.
`;

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

/** Returns undefined for --help. */
function parseArgs(argv: readonly string[]): Cli | undefined {
  let input: string | undefined;
  let output: string | undefined;
  let inplace = false;
  let quiet = false;
  let json = false;
  const opts: Partial<RunOptions> = {};
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
        const s = value();
        if (s !== "smoke" && s !== "full") throw new UsageError(`--scale must be smoke or full, got ${JSON.stringify(s)}`);
        opts.scale = s as Scale;
        break;
      }
      case "--timeout":
        opts.cellTimeoutMs = parseSeconds(flag, value());
        break;
      case "--startup-timeout":
        opts.startupTimeoutMs = parseSeconds(flag, value());
        break;
      case "--outputs-dir":
        opts.outputDir = value();
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
  return { opts: { ...opts, input, output: inplace ? input : (output as string) }, quiet, json };
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

async function main(argv: readonly string[]): Promise<number> {
  let cli: Cli | undefined;
  try {
    cli = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`run-notebook: ${e.message}\n(run-notebook --help for usage)\n`);
    return 2;
  }
  if (cli === undefined) {
    process.stdout.write(HELP);
    return 0;
  }
  const p = progress(displayName(path.resolve(cli.opts.input)), cli.quiet);
  try {
    const result = await runNotebook({ ...cli.opts, log: p.log, onCellStart: p.onCellStart });
    // The failure message went through `log` unless --quiet hid it; failures are always shown.
    if (!result.ok && cli.quiet && result.message !== undefined) process.stderr.write(result.message + "\n");
    if (cli.json) process.stdout.write(JSON.stringify(result, null, 1) + "\n");
    return result.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`run-notebook: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`run-notebook: internal error while running ${cli.opts.input}: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    p.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`run-notebook: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
