/**
 * What the two browser tests share: `make e2e` (classic Jupyter Notebook, e2e/run.ts) and
 * `make e2e-lab` (JupyterLab, e2e/lab.ts). A private Jupyter home with the project's kernelspec and
 * LS_SCALE=smoke, a Jupyter server on a free localhost port, headless Debian Chromium, the per-cell
 * assertions (executed, no error, no stderr, the smoke banner) and the final `git status` check.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { installKernelSpec } from "../lib/cli/kernelspec";
import { listNotebooks } from "../lib/cli/notebooks";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
/**
 * One budget for every wait (LS_E2E_TIMEOUT seconds, default 1800): a busy machine makes a step slow,
 * not wrong, so only a step that has not happened after this long is a failure. Quiet, a smoke run
 * takes well under a minute per notebook; at load ~30 on 2 cores opening JupyterLab alone took over
 * 3 minutes (a fixed 180 s limit failed two notebooks that were only slow).
 */
export const STEP_LIMIT_MS = Number(process.env.LS_E2E_TIMEOUT ?? 1800) * 1000;

/** A missing package or build: exit status 2, as opposed to 1 for a failed check. */
export class Prerequisite extends Error {}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

export function gitStatus(root: string): string {
  const r = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: root, encoding: "utf8" });
  return r.status === 0 ? r.stdout : `(git status failed: ${r.stderr})`;
}

export function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The notebooks named on the command line (slug, file name or path), or all of them. */
export function selectNotebooks(root: string, argv: string[]): string[] {
  const wanted = argv.filter((a) => !a.startsWith("-"));
  const all = listNotebooks(root);
  const notebooks =
    wanted.length === 0
      ? all
      : wanted.map((w) => all.find((n) => path.basename(n, ".ipynb") === w.replace(/\.ipynb$/, "").replace(/^.*\//, "")) ?? w);
  for (const nb of notebooks) if (!fs.existsSync(nb)) throw new Prerequisite(`no such notebook: ${nb}`);
  return notebooks;
}

/** Debian's Chromium, or LS_CHROMIUM's path. */
export function chromiumPath(): string {
  return process.env.LS_CHROMIUM && process.env.LS_CHROMIUM !== "npm" ? process.env.LS_CHROMIUM : "/usr/bin/chromium";
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
}

export interface JupyterHome {
  /** the temporary folder (removed by dispose) */
  home: string;
  /** the server's environment; the kernel inherits it: a smoke run with the default output policy */
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/**
 * A private Jupyter config/data/runtime folder holding this project's kernelspec (the one
 * `make kernel` writes), so neither the user's Jupyter setup nor a stale kernel changes the test.
 */
export function jupyterHome(root: string): JupyterHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ls-e2e-"));
  installKernelSpec(root, path.join(home, "data"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_CONFIG_DIR: path.join(home, "config"),
    JUPYTER_DATA_DIR: path.join(home, "data"),
    JUPYTER_RUNTIME_DIR: path.join(home, "runtime"),
    JUPYTER_PATH: path.join(home, "data"),
    IPYTHONDIR: path.join(home, "ipython"),
    LS_SCALE: "smoke",
  };
  delete env.LS_OUTPUT_DIR;
  return { home, env, dispose: () => fs.rmSync(home, { recursive: true, force: true }) };
}

export interface Server {
  process: ChildProcess;
  log(): string;
  stop(): void;
}

/**
 * Starts a Jupyter server in its own process group (so stop() also ends its kernels) and waits
 * until `readyUrl` answers 200.
 */
export async function startServer(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  readyUrl: string;
}): Promise<Server> {
  let log = "";
  const proc = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20000));
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const stop = () => {
    try {
      process.kill(-(proc.pid as number), "SIGTERM");
    } catch {
      // gone
    }
  };
  process.on("exit", stop);
  const deadline = Date.now() + STEP_LIMIT_MS;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${options.name} exited (${proc.exitCode}):\n${log}`);
    try {
      const res = await fetch(options.readyUrl);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`${options.name} did not answer ${options.readyUrl} within 60 s:\n${log}`);
    }
    await sleep(300);
  }
  return { process: proc, log: () => log, stop };
}

/** One non-empty code cell after the run, as either front end reports it. */
export interface CellReport {
  /** 1-based position in the notebook */
  index: number;
  /** the execution count, a number once the cell ran */
  prompt: unknown;
  /** error outputs as `ename: evalue` */
  errors: string[];
  /** stderr stream outputs */
  stderr: string[];
  /** all stream and text/plain output, for the smoke banner */
  text: string;
}

/** The checks every notebook run passes: every code cell executed, no error, no stderr, smoke banner first. */
export function cellProblems(cells: CellReport[]): string[] {
  const problems: string[] = [];
  if (cells.length === 0) problems.push("no code cell found");
  for (const c of cells) {
    if (typeof c.prompt !== "number") problems.push(`cell ${c.index} did not execute (prompt ${JSON.stringify(c.prompt)})`);
    for (const e of c.errors) problems.push(`cell ${c.index} has an error output: ${e}`);
    for (const s of c.stderr) problems.push(`cell ${c.index} wrote to stderr: ${s.trim().split("\n")[0]}`);
  }
  if (cells.length > 0 && !/SMOKE RUN \(LS_SCALE=smoke\)/.test(cells[0].text))
    problems.push("the first code cell's output has no smoke banner");
  return problems;
}

/** Figures: at least one image in the outputs, each one decoded (naturalWidth > 0). */
export function imageProblems(images: { total: number; broken: number }, when = ""): string[] {
  const problems: string[] = [];
  if (images.total === 0) problems.push(`no figure image in the outputs${when}`);
  if (images.broken > 0) problems.push(`${images.broken} of ${images.total} images did not load (naturalWidth 0)${when}`);
  return problems;
}

/** Prints the failures (or the all-clear), adding a repository change as a failure; returns the exit status. */
export function conclude(tag: string, root: string, options: { before: string; failures: string[]; notebooks: number }): number {
  const failures = [...options.failures];
  const after = gitStatus(root);
  if (after !== options.before)
    failures.push(`the repository changed (git status --porcelain):\nbefore:\n${options.before || "(clean)\n"}after:\n${after}`);
  if (failures.length > 0) {
    process.stderr.write(`\n${tag}: ${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join("\n")}\n`);
    return 1;
  }
  process.stderr.write(
    `${tag}: all ${options.notebooks} notebook(s) passed; git status unchanged${options.before === "" ? " (clean)" : ""}\n`,
  );
  return 0;
}

/** Runs a test's main: exit status 0 passed, 1 a check failed, 2 a prerequisite is missing. */
export function runMain(tag: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`${tag}: ${(e as Error).message}\n`);
      process.exitCode = e instanceof Prerequisite ? 2 : 1;
    },
  );
}
