/**
 * The one place that reads the run's environment. The headless runner sets these variables;
 * interactive sessions (JupyterLab) get the defaults.
 *
 *   LS_SCALE       "smoke" (seconds per notebook, used by `make test`) or "full" (default).
 *   LS_OUTPUT_DIR  where `<study>/` figure and claims folders go; default `<repo>/figures`.
 *                  `make test` points it at a scratch folder so committed figures stay untouched.
 *   LS_DEPS_FILE   when set, data files read by the library are appended to it (one path per
 *                  line) so the runner can re-run a notebook when its data changes.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type Scale = "smoke" | "full";

export const SCALES: readonly Scale[] = ["smoke", "full"];

/** The scale of this run; throws on a value that is neither "smoke" nor "full". */
export function scale(): Scale {
  const raw = process.env.LS_SCALE;
  if (raw === undefined || raw === "") return "full";
  if (raw === "smoke" || raw === "full") return raw;
  throw new Error(`LS_SCALE must be "smoke" or "full", got ${JSON.stringify(raw)}; unset it for the default (full).`);
}

/** Picks the value for the current scale: `atScale({smoke: 100, full: 5000})`. */
export function atScale<T>(values: { smoke: T; full: T }): T {
  return values[scale()];
}

let cachedRoot: string | undefined;

/** The repository root: the nearest folder above this module whose package.json is linear-studies. */
export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === "linear-studies") return (cachedRoot = dir);
      } catch {
        // an unreadable package.json above us is not ours; keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the linear-studies package.json above ${__dirname}`);
    dir = parent;
  }
}

/** Folder for a study's figures and claims.json (created on demand). */
export function studyOutputDir(study: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(study)) {
    throw new Error(`study name ${JSON.stringify(study)} must be lower-case letters, digits and dashes`);
  }
  const base = process.env.LS_OUTPUT_DIR || path.join(repoRoot(), "figures");
  const dir = path.join(base, study);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Records that the current run read `file` (see LS_DEPS_FILE above). */
export function recordDependency(file: string): void {
  const log = process.env.LS_DEPS_FILE;
  if (log) fs.appendFileSync(log, path.resolve(file) + "\n");
}
