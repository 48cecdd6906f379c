/**
 * Job grids: paper-scale experiments as lists of seeded, self-describing jobs whose results are
 * stored per job (results/<study>/<grid>/<key>.json.gz, committed), so a grid resumes where it
 * stopped, a finished grid re-runs nothing, and a spec or code change re-runs exactly the jobs it
 * affects. Jobs run on local worker threads or on BullMQ workers on any number of machines.
 *
 * A study declares its grids in lib/studies/<slug>/grids.ts:
 *
 *   export const GRIDS = {
 *     paper: defineGrid({
 *       jobs: (scale) => [...],                 // plain JSON specs, each with its own seed
 *       run: (spec, ctx) => result,             // sync or async; ctx.report({ iterations })
 *       cost: (spec) => estimatedCpuSeconds,    // grid-plan, largest-first, ETA
 *       describe: (spec) => "K=3 n=1000 run 2", // optional
 *       group: (spec) => "K=3 n=1000",          // optional: subtotals in grid-plan
 *     }),
 *   };
 *
 * Commands: make grid / grid-plan / grid-prune / worker (lib/cli/grid.ts, lib/cli/worker.ts).
 * Notebooks: `cachedGrid({ study, grid })` reads the stored results and says what it used.
 */
export { canonicalJson, shortHash, type Json } from "./canonical";
export { codeVersion, importClosure, type CodeVersion } from "./code-version";
export {
  defineGrid,
  type GridDefinition,
  type GridModule,
  type GridRecord,
  type JobContext,
  type RunInfo,
  type ErrorInfo,
  type SpecBase,
} from "./definition";
export { Grid, jobKey, openGrid, type GridJob, type GridStatus, type OpenGridOptions } from "./grid";
export { GridStore } from "./store";
export { runGrid, DEFAULT_QUEUE, type GridRunSummary, type RunGridOptions } from "./run";
export { cachedGrid, type CachedGrid, type CachedGridOptions } from "./cached";
export { planText } from "./plan";
export { mapJobs, type MapJobsOptions } from "./map";
export { fmtCpu } from "./progress";
