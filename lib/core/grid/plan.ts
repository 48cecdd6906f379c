/** `make grid-plan`: every job's estimated cost and state, subtotals per group, the total in CPU-hours. */
import * as path from "node:path";
import { repoRoot } from "../env";
import type { Grid } from "./grid";
import { fmtCpu, fmtDuration } from "./progress";

const hours = (s: number) => `${(s / 3600).toFixed(3)} CPU-h`;

export function planText(grid: Grid, options: { workers?: number; root?: string } = {}): string {
  const st = grid.status();
  const done = new Set(st.done.map((j) => j.key));
  const failed = new Set(st.failed.map((j) => j.key));
  const where = path
    .relative(options.root ?? repoRoot(), grid.store.dir)
    .split(path.sep)
    .join("/");
  const out: string[] = [];
  out.push(
    `grid ${grid.id} (${grid.scale}): ${grid.jobs.length} jobs; module ${grid.module.ref}; code ${grid.code.version} (${Object.keys(grid.code.files).length} source files + package-lock.json${Object.keys(grid.code.inputs).length ? ` + ${Object.keys(grid.code.inputs).length} inputs` : ""}); grid hash ${grid.gridHash}; results in ${where}`,
  );
  if (grid.definition.description) out.push(`  ${grid.definition.description}`);
  const w = Math.max(4, ...grid.jobs.map((j) => j.label.length));
  out.push(`  ${"job".padEnd(w)}  ${"estimated".padStart(14)}  status   measured`);
  for (const j of grid.jobs) {
    const run = done.has(j.key) ? grid.store.readRun(j.key) : undefined;
    const status = done.has(j.key) ? "done   " : failed.has(j.key) ? "FAILED " : "missing";
    out.push(`  ${j.label.padEnd(w)}  ${fmtCpu(j.cost).padStart(14)}  ${status}  ${run ? fmtCpu(run.cpuSeconds) : ""}`.trimEnd());
  }
  const groups = new Map<string, { cost: number; n: number; done: number; cpu: number }>();
  for (const j of grid.jobs) {
    if (j.group === undefined) continue;
    const g = groups.get(j.group) ?? { cost: 0, n: 0, done: 0, cpu: 0 };
    g.cost += j.cost;
    g.n++;
    if (done.has(j.key)) {
      g.done++;
      g.cpu += grid.store.readRun(j.key)?.cpuSeconds ?? 0;
    }
    groups.set(j.group, g);
  }
  if (groups.size > 0) {
    const gw = Math.max(5, ...[...groups.keys()].map((k) => k.length));
    out.push(`  ${"group".padEnd(gw)}  ${"estimated".padStart(14)}  done     measured`);
    for (const [k, g] of groups)
      out.push(
        `  ${k.padEnd(gw)}  ${hours(g.cost).padStart(14)}  ${`${g.done}/${g.n}`.padEnd(7)}  ${g.done > 0 ? hours(g.cpu) : ""}`.trimEnd(),
      );
  }
  const total = grid.jobs.reduce((s, j) => s + j.cost, 0);
  const remaining = st.missing.reduce((s, j) => s + j.cost, 0);
  const workers = options.workers ?? 1;
  out.push(
    `total: ${hours(total)} estimated; stored ${st.done.length}/${grid.jobs.length} (${hours(st.cpuSeconds)} measured); ` +
      `remaining ${hours(remaining)}, about ${fmtDuration(remaining / workers)} on ${workers} worker${workers === 1 ? "" : "s"}`,
  );
  if (st.stale.length > 0) {
    const why = grid.explainStale(st.stale);
    const code = why.filter((s) => s.why === "code changed").length;
    out.push(
      `stale: ${st.stale.length} result file(s) not used (${code} from other code, ${st.stale.length - code} of specs no longer in the grid); \`make grid-prune\` with the same STUDY/GRID deletes them`,
    );
  }
  return out.join("\n");
}
