/**
 * Runs a list of specs through a grid module's `run` on worker threads and returns the results in
 * spec order, storing nothing: for experiments a notebook computes every time (the specs come from
 * the notebook's settings, not from `jobs(scale)`). Each spec carries its seed, so the results do
 * not depend on the number of threads or on the order in which they finish; the largest `cost`
 * starts first. Results travel by structured clone (typed arrays and NaN survive, unlike in stored
 * records). Progress lines come at fixed fractions of the work, so a notebook's output is stable.
 */
import * as os from "node:os";
import { progress } from "../progress";
import type { SpecBase } from "./definition";
import { executeJob, type JobOutcome, type JobTask } from "./execute";
import { gridOf, loadGridModule, locateGridModule } from "./module";
import { ThreadPool } from "./pool";

export interface MapJobsOptions<S> {
  study?: string;
  module?: string;
  grid: string;
  specs: S[];
  /** Threads (default: this machine's cores); 1 runs every job in this thread. */
  workers?: number;
  /** Overrides the grid's `cost` for the order (largest first). */
  cost?: (spec: S) => number;
  /** Progress label (default "grid <study>/<grid>"); `quiet` prints nothing. */
  label?: string;
  quiet?: boolean;
}

export async function mapJobs<S extends SpecBase, R>(o: MapJobsOptions<S>): Promise<R[]> {
  const mod = locateGridModule(o);
  const def = gridOf(loadGridModule(mod), mod, o.grid);
  const n = o.specs.length;
  if (n === 0) return [];
  const cost = o.cost ?? ((s: S) => def.cost(s));
  const costs = o.specs.map(cost);
  const order = o.specs.map((_, i) => i).sort((a, b) => costs[b]! - costs[a]! || a - b);
  const bar = progress(o.label ?? `grid ${mod.study}/${o.grid}`, n, { quiet: o.quiet === true });
  const describe = (i: number) => (def.describe ? def.describe(o.specs[i]) : `job ${i}`);
  const task = (i: number): JobTask => ({
    ref: mod.ref,
    grid: o.grid,
    spec: o.specs[i]!,
    key: "",
    code: "",
    attempt: 1,
    label: describe(i),
    raw: true,
  });
  const results: unknown[] = new Array(n);
  const failure = (i: number, out: Extract<JobOutcome, { ok: false }>) =>
    new Error(`${o.label ?? `grid ${mod.study}/${o.grid}`}: ${describe(i)} failed: ${out.error}`);
  const workers = Math.max(1, Math.min(o.workers ?? os.availableParallelism(), n));
  let finished = 0;
  if (workers === 1) {
    for (const i of order) {
      const out = await executeJob(def, task(i));
      if (!out.ok) throw failure(i, out);
      results[i] = out.value;
      bar.update(++finished);
    }
    return results as R[];
  }
  const pool = new ThreadPool(workers);
  try {
    await Promise.all(
      order.map((i) =>
        pool.run(task(i)).then((out) => {
          if (!out.ok) throw failure(i, out);
          results[i] = out.value;
          bar.update(++finished);
        }),
      ),
    );
  } finally {
    await pool.close();
  }
  return results as R[];
}
