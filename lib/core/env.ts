/**
 * The one place that reads the run's environment. The headless runner sets these variables;
 * interactive sessions (JupyterLab) get the defaults.
 *
 *   LS_SCALE       "smoke" (seconds per notebook, used by `make test`) or "full" (default).
 *   LS_OUTPUT_DIR  where `<study>/` figure and claims folders go. Default, by scale (the output
 *                  policy, `outputBase()`): `<repo>/figures` for a full run, `<repo>/build/<scale>`
 *                  for any other scale. A non-full run never writes into figures/, even when
 *                  LS_OUTPUT_DIR points there: the policy lives here, so it holds however the run
 *                  was started (the runner, make, nbconvert, a browser).
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

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** True only for a full-scale run: the only kind whose results count as a reproduction. */
export function isReproductionRun(): boolean {
  return scale() === "full";
}

/**
 * Where `<study>/` folders go: LS_OUTPUT_DIR if set, else `<repo>/figures` at full scale and
 * `<repo>/build/<scale>` at any other scale. Throws when a non-full run is pointed into figures/.
 */
export function outputBase(): string {
  const s = scale();
  const figures = path.join(repoRoot(), "figures");
  const fallback = s === "full" ? figures : path.join(repoRoot(), "build", s);
  const base = process.env.LS_OUTPUT_DIR ? path.resolve(process.env.LS_OUTPUT_DIR) : fallback;
  if (s !== "full" && isInside(base, figures)) {
    throw new Error(
      `LS_OUTPUT_DIR=${base} is inside figures/, which only a full-scale run may write; this run is at scale "${s}". ` +
        `Unset LS_OUTPUT_DIR (results then go to ${path.relative(repoRoot(), fallback)}/) or point it elsewhere.`,
    );
  }
  return base;
}

/** Folder for a study's figures and claims.json (created on demand); see outputBase(). */
export function studyOutputDir(study: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(study)) {
    throw new Error(`study name ${JSON.stringify(study)} must be lower-case letters, digits and dashes`);
  }
  const dir = path.join(outputBase(), study);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The banner a non-full run shows in its first output, or "" at full scale. Printed by this
 * module when it is first loaded in a notebook kernel (every notebook imports it in its first
 * code cell); the claims report should print it again above its table (see README).
 */
export function scaleBanner(): string {
  const s = scale();
  if (s === "full") return "";
  let where: string;
  try {
    where = path.relative(repoRoot(), outputBase()) || ".";
  } catch (e) {
    where = `(invalid output folder: ${(e as Error).message})`;
  }
  const lines = [
    `${s.toUpperCase()} RUN (LS_SCALE=${s}): tiny settings to check that the code runs. NOT A REPRODUCTION:`,
    `the numbers and verdicts below do not test the paper's claims. Figures and claims.json go to ${where}/, not figures/.`,
    `Reproduce at full scale with \`make reproduce\` (or unset LS_SCALE and restart the kernel).`,
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const rule = "=".repeat(width);
  return [rule, ...lines, rule].join("\n");
}

/** Shows the banner once per kernel, in the output of the cell that first loads this module. */
function announceScale(): void {
  const inKernel = (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined;
  if (!inKernel) return;
  try {
    const banner = scaleBanner();
    if (banner !== "") console.log(banner);
  } catch (e) {
    console.log(`LS_SCALE is invalid: ${(e as Error).message}`);
  }
}

/** Records that the current run read `file` (see LS_DEPS_FILE above). */
export function recordDependency(file: string): void {
  const log = process.env.LS_DEPS_FILE;
  if (log) fs.appendFileSync(log, path.resolve(file) + "\n");
}

announceScale();
