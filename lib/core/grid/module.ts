/**
 * Finding and loading grid modules. A study's grids live in `lib/studies/<slug>/grids.ts`; any other
 * module (a test fixture) can be named by path. Jobs travel to worker threads and remote workers as
 * a *module reference*: the repository-relative path of the .ts source. Each side maps it to its own
 * compiled `dist/<ref>.js`, so a worker on another machine runs the same module from its checkout.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../env";
import type { GridModule } from "./definition";

export interface GridModuleRef {
  /** Repository-relative .ts path, e.g. "lib/studies/gen-vs-disc/grids.ts". */
  ref: string;
  /** Absolute path of the .ts source (for the code version). */
  source: string;
  /** Absolute path of the compiled module. */
  dist: string;
  /** Folder name under results/. */
  study: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** A module reference is safe to load when it is a plain relative .ts path inside the repository. */
export function checkModuleRef(ref: string): void {
  if (!/^[A-Za-z0-9_\-./]+\.ts$/.test(ref) || ref.startsWith("/") || ref.split("/").some((s) => s === ".." || s === "")) {
    throw new Error(
      `grid module reference ${JSON.stringify(ref)} is not a repository-relative .ts path such as "lib/studies/<slug>/grids.ts"`,
    );
  }
}

export function refToModule(ref: string, root = repoRoot()): GridModuleRef {
  checkModuleRef(ref);
  const source = path.join(root, ref);
  const dist = path.join(root, "dist", ref.replace(/\.ts$/, ".js"));
  const m = /^lib\/studies\/([^/]+)\/grids\.ts$/.exec(ref);
  return { ref, source, dist, study: m ? m[1]! : path.basename(path.dirname(ref)) };
}

/**
 * Locates a grid module by study slug (`lib/studies/<slug>/grids.ts`) or by path (the .ts source or
 * its compiled .js under dist/, absolute or relative to the working directory).
 */
export function locateGridModule(where: { study?: string; module?: string }, root = repoRoot()): GridModuleRef {
  if (where.module !== undefined) {
    let abs = path.resolve(where.module);
    const distDir = path.join(root, "dist") + path.sep;
    if (abs.startsWith(distDir)) abs = path.join(root, abs.slice(distDir.length)).replace(/\.js$/, ".ts");
    const rel = path.relative(root, abs).split(path.sep).join("/");
    if (rel.startsWith("..") || path.isAbsolute(rel))
      throw new Error(
        `grid module ${where.module} is outside the repository ${root}; grid modules must live in it so workers can load them`,
      );
    const ref = refToModule(rel.replace(/\.js$/, ".ts"), root);
    if (where.study !== undefined) ref.study = where.study;
    return ref;
  }
  if (where.study === undefined) throw new Error("name a grid module: a study slug (STUDY=<slug>, --study) or a module path (--module)");
  if (!SLUG.test(where.study)) throw new Error(`study slug ${JSON.stringify(where.study)} must be lower-case letters, digits and dashes`);
  return refToModule(`lib/studies/${where.study}/grids.ts`, root);
}

const loaded = new Map<string, GridModule>();

/** Requires the compiled module (once per thread) and checks it exports GRIDS. */
export function loadGridModule(mod: GridModuleRef): GridModule {
  const hit = loaded.get(mod.dist);
  if (hit) return hit;
  if (!fs.existsSync(mod.dist)) {
    const hint = fs.existsSync(mod.source)
      ? "run `make build`"
      : `no such module: ${mod.ref} (a study declares its grids in lib/studies/<slug>/grids.ts)`;
    throw new Error(`grid module ${mod.dist} not found; ${hint}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const m = require(mod.dist) as Partial<GridModule>;
  if (m.GRIDS === undefined || typeof m.GRIDS !== "object") {
    throw new Error(`${mod.ref} does not export GRIDS; export \`const GRIDS = { <name>: defineGrid({ jobs, run, cost }) }\``);
  }
  loaded.set(mod.dist, m as GridModule);
  return m as GridModule;
}

/** The named grid of a loaded module, or an error listing the grids it has. */
export function gridOf(m: GridModule, mod: GridModuleRef, name: string) {
  const def = Object.prototype.hasOwnProperty.call(m.GRIDS, name) ? m.GRIDS[name] : undefined;
  if (def === undefined)
    throw new Error(`${mod.ref} has no grid ${JSON.stringify(name)}; it has: ${Object.keys(m.GRIDS).join(", ") || "(none)"}`);
  return def;
}
