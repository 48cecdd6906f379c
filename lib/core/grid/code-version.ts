/**
 * A grid's code version: the hash of the library source a grid's jobs execute. It is computed from
 * the TypeScript sources, statically: starting at the grid module, every relative import (import,
 * export … from, import(), require()) is followed to its .ts file, so the set is the module's
 * transitive closure inside the repository, lib/core included. Package imports are covered by the
 * hash of package-lock.json, and data files a grid reads are declared in `GridDefinition.inputs`.
 *
 * Each source is hashed after parsing and re-printing it without comments (TypeScript's printer), so
 * editing a comment or the layout does not invalidate hours of stored results, while any change to
 * what the code does, or to its types, does. The printer output depends on the TypeScript version,
 * which the lockfile pins.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { canonicalJson, sha256Hex, shortHash } from "./canonical";

export interface CodeVersion {
  /** Short hash of everything below. */
  version: string;
  /** Repository-relative path -> SHA-256 of the comment-free source, for every file in the closure. */
  files: Record<string, string>;
  /** SHA-256 of package-lock.json. */
  lock: string;
  /** Repository-relative path -> SHA-256 of each declared input file. */
  inputs: Record<string, string>;
}

type TS = typeof import("typescript");
let tsModule: TS | undefined;
function typescript(): TS {
  if (tsModule) return tsModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    tsModule = require("typescript") as TS;
    return tsModule;
  } catch (err) {
    throw new Error(
      `computing a grid's code version needs the "typescript" package (a devDependency); run \`npm ci\` with dev dependencies in this checkout (${(err as Error).message})`,
    );
  }
}

/** Relative specifiers imported by a TypeScript source (type-only imports included). */
export function relativeImports(source: string): string[] {
  const ts = typescript();
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((s) => s.startsWith("./") || s.startsWith("../") || s === "." || s === "..");
}

/** The comment- and layout-free text of a TypeScript source (or the raw text of a JSON file). */
export function normalizedSource(file: string, source: string): string {
  if (file.endsWith(".json")) return source;
  const ts = typescript();
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed }).printFile(sf);
}

function resolveImport(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  const stripped = base.replace(/\.(c|m)?js$/, "");
  const candidates = spec.endsWith(".json")
    ? [base]
    : [`${stripped}.ts`, `${stripped}.tsx`, `${stripped}.d.ts`, path.join(base, "index.ts")];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

const toRel = (root: string, file: string) => path.relative(root, file).split(path.sep).join("/");

/**
 * The transitive closure of relative imports from `entry` (a .ts file), as repository-relative paths,
 * sorted. Throws, naming the importing file, for an import that resolves to no file or leaves the
 * repository.
 */
export function importClosure(entry: string, root: string): string[] {
  const seen = new Set<string>();
  const stack = [path.resolve(entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith(".json")) continue;
    for (const spec of relativeImports(fs.readFileSync(file, "utf8"))) {
      const target = resolveImport(file, spec);
      if (target === undefined) {
        throw new Error(
          `${toRel(root, file)} imports "${spec}", which resolves to no .ts/.json file; fix the import (the grid's code version follows every relative import)`,
        );
      }
      if (toRel(root, target).startsWith("..")) {
        throw new Error(
          `${toRel(root, file)} imports "${spec}" from outside the repository (${target}); grid code must live in the repository so its version can be hashed`,
        );
      }
      stack.push(target);
    }
  }
  return [...seen].map((f) => toRel(root, f)).sort();
}

/** Hashes of the closure of `entry`, the lockfile and the declared `inputs` (repository-relative). */
export function codeVersion(entry: string, root: string, inputs: readonly string[] = []): CodeVersion {
  if (!fs.existsSync(entry)) {
    throw new Error(
      `grid module source ${entry} is missing; the code version is computed from the .ts sources, so run from a full checkout (git clone, not only dist/)`,
    );
  }
  const files: Record<string, string> = {};
  for (const rel of importClosure(entry, root)) {
    files[rel] = sha256Hex(normalizedSource(rel, fs.readFileSync(path.join(root, rel), "utf8")));
  }
  const lockFile = path.join(root, "package-lock.json");
  if (!fs.existsSync(lockFile))
    throw new Error(`${lockFile} is missing; the code version includes the lockfile (restore it with git checkout package-lock.json)`);
  const lock = sha256Hex(fs.readFileSync(lockFile));
  const inputHashes: Record<string, string> = {};
  for (const rel of [...inputs].sort()) {
    const abs = path.resolve(root, rel);
    if (!fs.existsSync(abs))
      throw new Error(`grid input ${rel} (declared in the grid's \`inputs\`) is missing under ${root}; restore it or fix the path`);
    inputHashes[toRel(root, abs)] = sha256Hex(fs.readFileSync(abs));
  }
  const version = shortHash(canonicalJson({ files, lock, inputs: inputHashes }));
  return { version, files, lock, inputs: inputHashes };
}

/**
 * Throws when a compiled module in dist/ may be older than its source: the code version is computed
 * from the sources, so running stale compiled code would store results under a key that names other
 * code. A source counts as built when its .js exists and the .js, or the last build (Makefile stamp,
 * tsc's build info; an incremental build does not rewrite unchanged outputs), is newer than it.
 */
export function checkBuilt(files: readonly string[], root: string): void {
  const mtime = (f: string) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : Number.NEGATIVE_INFINITY);
  const lastBuild = Math.max(mtime(path.join(root, "dist", ".build-stamp")), mtime(path.join(root, "dist", ".tsbuildinfo")));
  const stale: string[] = [];
  for (const rel of files) {
    if (!rel.endsWith(".ts")) continue;
    const js = path.join(root, "dist", rel.replace(/\.ts$/, ".js"));
    if (!fs.existsSync(js) || Math.max(mtime(js), lastBuild) < mtime(path.join(root, rel))) stale.push(rel);
  }
  if (stale.length > 0) {
    throw new Error(
      `dist/ is older than ${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ` and ${stale.length - 3} more` : ""}: run \`make build\` first (results must come from the code their key names)`,
    );
  }
}
