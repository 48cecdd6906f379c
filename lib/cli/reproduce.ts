#!/usr/bin/env node
/**
 * `reproduce [--force] [--jobs n] [--timeout <s>] [notebook...]`: executes every notebook in
 * notebooks/ at full scale, in place, regenerating figures/ -- skipping those whose stamp says
 * nothing they depend on changed. Used by `make reproduce`; stamps live in build/stamps/.
 *
 * Notebooks are independent (each has its own kernel, seeds and figures/<slug>/), so they run
 * `--jobs` at a time, one per core by default: the outputs are the same as one at a time, only
 * the order of the log lines differs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../core/env";
import { runNotebook } from "@linear-studies/notebook-runner";
import { progressLine, readTimings, writeTimings } from "./eta";
import { listNotebooks } from "./notebooks";
import { projectRunOptions } from "./project";
import { codeHash, hasOutputs, hashFile, hashFiles, readStamp, snapshotTree, staleReason, writeStamp, writtenSince } from "./stamps";

interface Options {
  force: boolean;
  jobs?: number;
  timeoutSeconds?: number;
  stallSeconds?: number;
  notebooks: string[];
}

const USAGE = `usage: reproduce [--force] [--jobs n] [--timeout <seconds per cell>] [--stall-timeout <seconds>] [notebook.ipynb ...]
Runs the notebooks (default: all of notebooks/*.ipynb) at full scale in place and writes figures/.
A notebook is skipped when nothing it depends on changed since its last run here; --force runs all.
--jobs: notebooks run at once (default: one per core); the results do not depend on it.
The limits catch hangs, not slowness: by default a cell may run 6 h, and 60 min without printing
anything (the runner's defaults); raise them on a very slow machine.`;

function parseArgs(argv: string[]): Options {
  const o: Options = { force: false, notebooks: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--force") o.force = true;
    else if (a === "--jobs") {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new UsageError(`--jobs needs a positive whole number of notebooks, got ${argv[i]}`);
      o.jobs = v;
    } else if (a === "--timeout") {
      const v = Number(argv[++i]);
      if (!(v > 0)) throw new UsageError(`--timeout needs a positive number of seconds, got ${argv[i]}`);
      o.timeoutSeconds = v;
    } else if (a === "--stall-timeout") {
      const v = Number(argv[++i]);
      if (!(v > 0)) throw new UsageError(`--stall-timeout needs a positive number of seconds, got ${argv[i]}`);
      o.stallSeconds = v;
    } else if (a === "--help" || a === "-h") throw new UsageError("");
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else o.notebooks.push(a);
  }
  return o;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${(err.message ? `${err.message}\n` : "") + USAGE}\n`);
    return err.message ? 2 : 0;
  }
  const root = repoRoot();
  const figures = path.join(root, "figures");
  const notebooks = opts.notebooks.length ? opts.notebooks.map((n) => path.resolve(n)) : listNotebooks(root);
  for (const nb of notebooks)
    if (!fs.existsSync(nb)) {
      process.stderr.write(`reproduce: no such notebook: ${nb}\n`);
      return 2;
    }
  const lock = hashFile(path.join(root, "package-lock.json")) ?? "none";
  const failures: string[] = [];
  let ran = 0;
  const t0 = Date.now();
  const timingsFile = path.join(root, "build", "timings.json");
  const timings = readTimings(timingsFile);
  const slugs = notebooks.map((n) => path.basename(n, ".ipynb"));
  const jobs = Math.min(opts.jobs ?? os.availableParallelism(), notebooks.length);
  const runOne = async (index: number): Promise<void> => {
    const nb = notebooks[index]!;
    const rel = path.relative(root, nb);
    const slug = slugs[index]!;
    const stampFile = path.join(root, "build", "stamps", `${slug}.json`);
    const text = fs.readFileSync(nb, "utf8");
    let code: string;
    try {
      code = codeHash(text);
    } catch (err) {
      failures.push(`${rel}: not a readable notebook (${(err as Error).message})`);
      return;
    }
    const current = { scale: "full", code, lock, notebookHasOutputs: hasOutputs(text) };
    const reason = opts.force ? "--force" : staleReason(root, readStamp(stampFile), current);
    if (reason === undefined) {
      process.stderr.write(`${rel}: up to date, skipped\n`);
      return;
    }
    process.stderr.write(`${progressLine({ index, slugs, rel, reason, timings, jobs, elapsedSeconds: (Date.now() - t0) / 1000 })}\n`);
    // only this notebook's folder: the others running beside it write theirs
    const ownFigures = path.join(figures, slug);
    const before = snapshotTree(ownFigures);
    const result = await runNotebook({
      ...projectRunOptions("full", figures),
      input: nb,
      output: nb,
      failedOutput: path.join(root, "build", "failed", path.basename(nb)),
      ...(opts.timeoutSeconds !== undefined ? { cellTimeoutMs: opts.timeoutSeconds * 1000 } : {}),
      ...(opts.stallSeconds !== undefined ? { stallTimeoutMs: opts.stallSeconds * 1000 } : {}),
      limitHint: "make reproduce TIMEOUT=<s per cell> STALL=<s without output>",
      log: (line) => process.stderr.write(`${line}\n`),
    });
    ran++;
    if (!result.ok) {
      failures.push(result.message ?? `${rel} failed`);
      fs.rmSync(stampFile, { force: true });
      return;
    }
    timings[slug] = Math.round(result.seconds);
    writeTimings(timingsFile, timings);
    const written = writtenSince(before, snapshotTree(ownFigures));
    writeStamp(stampFile, {
      scale: current.scale,
      code: current.code,
      lock: current.lock,
      inputs: hashFiles(root, [...result.loadedFiles, ...result.dataFiles]),
      outputs: hashFiles(root, written),
    });
  };
  // a fixed-size pool taking notebooks in order; JS is single-threaded, so the shared counters are safe
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < notebooks.length) await runOne(next++);
    }),
  );
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (failures.length) {
    process.stderr.write(
      `\nreproduce: ${failures.length} notebook(s) failed (${secs} s):\n${failures.map((f) => `  - ${f}`).join("\n")}\n`,
    );
    return 1;
  }
  process.stderr.write(
    `reproduce: ${ran} of ${notebooks.length} notebook(s) executed, the rest up to date (${secs} s, ${jobs} at a time)\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`reproduce: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  },
);
