/**
 * The per-notebook progress line of `make reproduce`: which notebook of how many, why it runs,
 * how long it should take and an ETA for the rest. Times come from the last successful run on
 * this machine (build/timings.json), else from a quiet-2-core estimate (a first run on a fresh clone).
 */
import * as fs from "node:fs";
import { writeFileAtomic } from "../core/files";

/**
 * Full-scale wall time per notebook on a quiet 2-core machine: measured by `make reproduce FORCE=1` on a
 * fresh clone, 2026-12-04, two notebooks at a time (every notebook has one, test/cli/eta.test.ts).
 */
export const FIRST_RUN_ESTIMATE_S: Readonly<Record<string, number>> = {
  "gen-vs-disc": 610,
  "moment-probing": 760,
  "one-step-gd": 460,
  tversky: 880,
  "trained-transformers-icl": 240,
  // its own full run of 2026-12-04 11:36 on an otherwise idle machine (384 s; 290 s of it the
  // individual-mode diagnostic), not part of the ten-notebook reproduce above
  "ltsf-linear": 390,
  // reads the stored training grid; the baselines are Monte Carlo of a few seconds each
  "icl-algorithms": 30,
  "linear-ssl": 110,
  "linear-attention": 140,
  "icl-by-gd": 1050,
};
export const DEFAULT_ESTIMATE_S = 240;

export type Timings = Record<string, number>;

export function readTimings(file: string): Timings {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (value === null || typeof value !== "object") return {};
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === "number" && e[1] > 0),
    );
  } catch {
    return {};
  }
}

export function writeTimings(file: string, timings: Timings): void {
  writeFileAtomic(file, `${JSON.stringify(timings, null, 1)}\n`);
}

export function estimateSeconds(slug: string, timings: Timings): number {
  return timings[slug] ?? FIRST_RUN_ESTIMATE_S[slug] ?? DEFAULT_ESTIMATE_S;
}

export function minutes(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}

/** `[2/4] notebooks/x.ipynb: running (why); ~5 min for this notebook (...), ETA ~12 min for the rest (…), elapsed 3 min`. */
export function progressLine(opts: {
  index: number;
  slugs: readonly string[];
  rel: string;
  reason: string;
  timings: Timings;
  /** Notebooks running at once; the rest's ETA divides their summed times by it (default 1). */
  jobs?: number;
  elapsedSeconds: number;
}): string {
  const slug = opts.slugs[opts.index];
  const jobs = opts.jobs ?? 1;
  const own = estimateSeconds(slug, opts.timings);
  const rest = opts.slugs.slice(opts.index).reduce((sum, s) => sum + estimateSeconds(s, opts.timings), 0) / jobs;
  const source = opts.timings[slug] !== undefined ? "last run here" : "first run: estimate for a quiet 2-core machine";
  return (
    `[${opts.index + 1}/${opts.slugs.length}] ${opts.rel}: running (${opts.reason}); ~${minutes(own)} for this notebook (${source}), ` +
    `ETA ~${minutes(rest)} for the rest (if all run${jobs > 1 ? `, ${jobs} at a time` : ""}), elapsed ${minutes(opts.elapsedSeconds)}`
  );
}
