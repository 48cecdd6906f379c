/**
 * Finds a Chromium and launches it headless through playwright-core, for figure export.
 *
 * Discovery order:
 *   1. env LS_CHROMIUM: a path to a Chrome/Chromium executable, or "npm" to force the bundled one;
 *   2. a system browser on PATH: chromium, chromium-browser, google-chrome, google-chrome-stable;
 *   3. the headless shell inside the npm package @sparticuz/chromium (Linux x86-64 only).
 *
 * The npm package is built for AWS Lambda: it unpacks the shared libraries it needs (NSS, NSPR,
 * expat) only on Amazon Linux, and its fonts.conf points at /tmp. We unpack everything ourselves
 * (browser, libraries, SwiftShader, fonts) into a versioned cache folder and hand the browser LD_LIBRARY_PATH and FONTCONFIG_PATH through
 * playwright's `env`, so it runs on a Debian without Chromium's libraries and process.env stays as
 * it was.
 */
import type { ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as dc from "node:diagnostics_channel";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import type { Browser } from "playwright-core";

export type ChromiumSource = "LS_CHROMIUM" | "PATH" | "npm";

export interface ChromiumInstall {
  executable: string;
  source: ChromiumSource;
  /** Variables added to the browser's environment (the npm build's libraries and fonts). */
  env: Record<string, string>;
}

export interface LaunchedChromium {
  browser: Browser;
  install: ChromiumInstall;
  /** The browser process; undefined when it could not be identified (see `detached`). */
  pid: number | undefined;
  /**
   * True when the browser process and its pipes were unref'd, i.e. an idle browser does not keep
   * Node alive. Callers must then hold a ref'd handle of their own while awaiting the browser.
   */
  detached: boolean;
}

export const SYSTEM_BROWSERS: readonly string[] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/**
 * --headless=new renders like the desktop browser. The network switches stop Chromium from
 * phoning home, which on a closed network only produces errors and delays.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const NPM_PACKAGE = "@sparticuz/chromium";

const FIX =
  "Install Debian's chromium (apt-get install chromium), run `npm ci` so @sparticuz/chromium is present, " +
  "or set LS_CHROMIUM to a Chrome/Chromium executable (LS_CHROMIUM=npm forces the npm build).";

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const file = path.join(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

/** Resolves which Chromium to use (see the discovery order above); unpacks the npm build if needed. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumInstall> {
  const explicit = env.LS_CHROMIUM;
  if (explicit === "npm") {
    const install = await npmChromium(env);
    if (install === undefined) throw new Error(`LS_CHROMIUM=npm but ${NPM_PACKAGE} is not installed: run \`npm ci\`.`);
    return install;
  }
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      throw new Error(
        `LS_CHROMIUM=${explicit} is not an executable file. Set it to a Chrome/Chromium binary, ` +
          `to "npm" for the bundled ${NPM_PACKAGE}, or unset it to search PATH.`,
      );
    }
    return { executable: explicit, source: "LS_CHROMIUM", env: {} };
  }
  for (const name of SYSTEM_BROWSERS) {
    const file = onPath(name, env);
    if (file !== undefined) return { executable: file, source: "PATH", env: {} };
  }
  const install = await npmChromium(env);
  if (install === undefined) {
    throw new Error(`No Chromium found: none of ${SYSTEM_BROWSERS.join(", ")} is on PATH and ${NPM_PACKAGE} is not installed. ${FIX}`);
  }
  return install;
}

/** The package folder of @sparticuz/chromium, or undefined when it is not installed. */
function npmPackageDir(): string | undefined {
  let main: string;
  try {
    main = require.resolve(NPM_PACKAGE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return undefined;
    throw e;
  }
  // main is <pkg>/build/cjs/index.cjs; the exports map hides package.json from require.resolve
  return path.resolve(path.dirname(main), "..", "..");
}

async function npmChromium(env: NodeJS.ProcessEnv): Promise<ChromiumInstall | undefined> {
  const pkgDir = npmPackageDir();
  if (pkgDir === undefined) return undefined;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`${NPM_PACKAGE} ships only a Linux x86-64 browser (this is ${process.platform}-${process.arch}). ${FIX}`);
  }
  const version = String(JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).version);
  const target = path.join(cacheRoot(pkgDir), `chromium-${version}`);
  if (!fs.existsSync(path.join(target, "chromium"))) await unpack(path.join(pkgDir, "bin"), target);
  return {
    executable: path.join(target, "chromium"),
    source: "npm",
    env: {
      LD_LIBRARY_PATH: [path.join(target, "lib"), env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      FONTCONFIG_PATH: path.join(target, "fontconfig"),
    },
  };
}

/**
 * node_modules/.cache is the conventional home of derived files and goes away with `npm ci`,
 * which is also when the package version can change; the temp folder is the fallback for a
 * read-only node_modules.
 */
function cacheRoot(pkgDir: string): string {
  const nodeModules = path.resolve(pkgDir, "..", "..");
  const candidates = [path.join(os.tmpdir(), `linear-studies-${os.userInfo().uid}`)];
  if (path.basename(nodeModules) === "node_modules") candidates.unshift(path.join(nodeModules, ".cache", "linear-studies"));
  for (const dir of candidates) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      return dir;
    } catch {
      // not writable: try the next place
    }
  }
  throw new Error(`cannot create a cache folder for the unpacked Chromium in any of ${candidates.join(", ")}`);
}

/**
 * Unpacks into a private staging folder and renames it into place, so a crash or a concurrent
 * process never leaves a half-written browser where another process would pick it up.
 */
async function unpack(binDir: string, target: string): Promise<void> {
  removeStaleStaging(target);
  const staging = `${target}.partial-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  fs.mkdirSync(staging, { recursive: true });
  try {
    const brotli = promisify(zlib.brotliDecompress);
    await Promise.all([
      pipeline(
        fs.createReadStream(path.join(binDir, "chromium.br")),
        zlib.createBrotliDecompress(),
        fs.createWriteStream(path.join(staging, "chromium"), { mode: 0o755 }),
      ),
      brotli(fs.readFileSync(path.join(binDir, "al2023.tar.br"))).then((tar) => untar(tar, staging)),
      // SwiftShader (software WebGL) must sit next to the binary; scattergl and 3-D traces need it
      brotli(fs.readFileSync(path.join(binDir, "swiftshader.tar.br"))).then((tar) => untar(tar, staging)),
      brotli(fs.readFileSync(path.join(binDir, "fonts.tar.br"))).then((tar) =>
        untar(tar, path.join(staging, "fontconfig"), (name) => name !== "fonts.conf"),
      ),
    ]);
    fs.mkdirSync(path.join(staging, "fontconfig"), { recursive: true });
    fs.writeFileSync(path.join(staging, "fontconfig", "fonts.conf"), fontsConf(target));
    fs.renameSync(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    const lostRace = fs.existsSync(path.join(target, "chromium"));
    if (!lostRace) throw new Error(`could not unpack ${NPM_PACKAGE} into ${target}: ${(e as Error).message}`);
  }
}

/** Staging folders of processes that died mid-unpack are ~200 MB each; reclaim them. */
function removeStaleStaging(target: string): void {
  const prefix = `${path.basename(target)}.partial-`;
  for (const entry of fs.readdirSync(path.dirname(target))) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && !isAlive(pid)) fs.rmSync(path.join(path.dirname(target), entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The bundled Open Sans comes first so text renders even where no font is installed; the system
 * configuration follows for its aliases and wider glyph coverage (Greek, maths symbols).
 */
function fontsConf(target: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const dir = esc(path.join(target, "fontconfig"));
  return [
    `<?xml version="1.0"?>`,
    `<!DOCTYPE fontconfig SYSTEM "fonts.dtd">`,
    "<fontconfig>",
    `  <dir>${dir}/fonts</dir>`,
    `  <cachedir>${dir}/cache</cachedir>`,
    `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>`,
    "</fontconfig>",
    "",
  ].join("\n");
}

/**
 * Minimal tar reader for the package's archives, which hold only regular files and folders.
 * Anything else (links, long-name records) fails loudly rather than unpacking something partial.
 */
function untar(archive: Buffer, dest: string, keep: (name: string) => boolean = () => true): void {
  const text = (from: number, len: number, at: number) => archive.toString("latin1", at + from, at + from + len).replace(/\0.*$/s, "");
  let at = 0;
  while (at + 512 <= archive.length && archive[at] !== 0) {
    const posix = archive.toString("latin1", at + 257, at + 263) === "ustar\0";
    const prefix = posix ? text(345, 155, at) : "";
    const name = (prefix ? `${prefix}/` : "") + text(0, 100, at);
    const size = Number.parseInt(text(124, 12, at).trim() || "0", 8);
    const type = String.fromCharCode(archive[at + 156] || 48);
    const rel = path.normalize(name);
    if (path.isAbsolute(rel) || rel.split(path.sep).includes("..")) throw new Error(`unsafe path in tar: ${name}`);
    const out = path.join(dest, rel);
    if (type === "5") {
      fs.mkdirSync(out, { recursive: true });
    } else if (type === "0") {
      if (keep(rel)) {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        const mode = Number.parseInt(text(100, 8, at).trim() || "644", 8) & 0o777;
        fs.writeFileSync(out, archive.subarray(at + 512, at + 512 + size), { mode });
      }
    } else {
      throw new Error(`unsupported tar entry type "${type}" for ${name}`);
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
}

/**
 * Launches the browser. Playwright's own SIGINT/SIGTERM/SIGHUP handlers stay off: tslab uses
 * SIGINT to interrupt a cell, and a SIGTERM handler would stop Node from dying on SIGTERM. Without
 * them Chromium still goes away with its parent, because it exits when its DevTools pipe closes;
 * on a normal exit playwright's 'exit' hook kills it and removes the temporary profile.
 *
 * The process and its pipes are unref'd so an idle browser never keeps a finished notebook (or a
 * script) alive. Playwright does not expose the process it spawns, so we pick it up from Node's
 * public `child_process` diagnostics channel while launching.
 */
export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<LaunchedChromium> {
  const install = await findChromium(env);
  const { chromium } = await import("playwright-core");
  const spawned: ChildProcess[] = [];
  const onSpawn = (message: unknown) => spawned.push((message as { process: ChildProcess }).process);
  dc.subscribe("child_process", onSpawn);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: install.executable,
      args: [...CHROMIUM_ARGS],
      env: { ...env, ...install.env },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (e) {
    const from = install.source === "npm" ? NPM_PACKAGE : install.source;
    throw new Error(`Chromium ${install.executable} (from ${from}) failed to start. ${FIX}\nPlaywright said: ${(e as Error).message}`);
  } finally {
    dc.unsubscribe("child_process", onSpawn);
  }
  const child = spawned.find((c) => c.spawnargs.includes("--remote-debugging-pipe") && c.pid !== undefined);
  if (child !== undefined) {
    child.unref();
    for (const stream of child.stdio) (stream as { unref?: () => void } | null)?.unref?.();
  }
  return { browser, install, pid: child?.pid, detached: child !== undefined };
}
