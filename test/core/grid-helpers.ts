/** Shared by the grid tests: temporary folders, the fixture module, waiting without timing assertions. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../lib/core/env";

export const FIXTURE = "test/fixtures/grid-study/grids.ts";

export function tmpDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ls-grid-${label}-`));
}

/** Every file of a grid folder: name -> bytes (run info excluded: it is measured, not deterministic). */
export function recordBytes(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of fs.readdirSync(dir).sort()) if (f.endsWith(".json.gz")) out.set(f, fs.readFileSync(path.join(dir, f)));
  return out;
}

/**
 * Polls `cond` until it holds. The limit only turns a hang into a failure that names what was
 * awaited; nothing asserts how long anything took (the machine may be loaded).
 */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, limitMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > limitMs) throw new Error(`gave up waiting for ${what} after ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const ROOT = repoRoot();
export const dist = (rel: string) => path.join(ROOT, "dist", rel);
