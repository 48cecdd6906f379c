/**
 * Stamps make `make reproduce` incremental: after a notebook runs, its stamp records hashes of
 * everything that run depended on (its code cells, the library modules it loaded, the data files
 * it read, the lockfile, the scale) and of the files it wrote. A notebook re-runs only when one of
 * those changed or an output it wrote is missing or altered.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../core/files";

export interface Stamp {
  scale: string;
  code: string;
  lock: string;
  /** repo-relative path -> sha256 of inputs (library modules, data). */
  inputs: Record<string, string>;
  /** repo-relative path -> sha256 of files the run wrote (figures, claims). */
  outputs: Record<string, string>;
}

export function sha256(data: string | Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

export function hashFile(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/** Hash of what executes: code cells' sources and tags, in order. Markdown edits do not count. */
export function codeHash(notebookJson: string): string {
  const nb = JSON.parse(notebookJson) as { cells?: { cell_type: string; source: string | string[]; metadata?: { tags?: string[] } }[] };
  const code = (nb.cells ?? [])
    .filter((c) => c.cell_type === "code")
    .map((c) => JSON.stringify([Array.isArray(c.source) ? c.source.join("") : c.source, c.metadata?.tags ?? []]));
  return sha256(code.join("\n"));
}

/** True when some code cell carries outputs or an execution count, i.e. the notebook was executed. */
export function hasOutputs(notebookJson: string): boolean {
  const nb = JSON.parse(notebookJson) as { cells?: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[] };
  return (nb.cells ?? []).some((c) => c.cell_type === "code" && ((c.outputs?.length ?? 0) > 0 || c.execution_count != null));
}

export function hashFiles(root: string, files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of [...files].sort()) {
    const rel = path.relative(root, path.resolve(root, f)).split(path.sep).join("/");
    out[rel] = hashFile(path.join(root, rel)) ?? "missing";
  }
  return out;
}

/** Lists every file under `dir` with its mtime, to find what a run wrote. */
export function snapshotTree(dir: string): Map<string, number> {
  const seen = new Map<string, number>();
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) seen.set(p, fs.statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return seen;
}

/** Files present after a run that were new or modified compared with `before`. */
export function writtenSince(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([f, t]) => before.get(f) !== t).map(([f]) => f);
}

export function readStamp(file: string): Stamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Stamp;
  } catch {
    return undefined;
  }
}

export function writeStamp(file: string, stamp: Stamp): void {
  writeFileAtomic(file, JSON.stringify(stamp, null, 2) + "\n");
}

/** Why the notebook must run again, or undefined when the stamp is current. */
export function staleReason(root: string, stamp: Stamp | undefined, current: { scale: string; code: string; lock: string; notebookHasOutputs: boolean }): string | undefined {
  if (!stamp) return "never run here";
  if (stamp.scale !== current.scale) return `scale changed (${stamp.scale} -> ${current.scale})`;
  if (stamp.code !== current.code) return "its code cells changed";
  if (stamp.lock !== current.lock) return "package-lock.json changed";
  if (!current.notebookHasOutputs) return "the notebook has no outputs";
  for (const [rel, h] of Object.entries(stamp.inputs)) {
    if (hashFile(path.join(root, rel)) !== h) return `input ${rel} changed`;
  }
  for (const [rel, h] of Object.entries(stamp.outputs)) {
    if (hashFile(path.join(root, rel)) !== h) return `output ${rel} is missing or was changed`;
  }
  return undefined;
}
