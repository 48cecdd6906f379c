/**
 * Fixed costs of running a notebook through the tslab kernel:
 *   - kernel start (spawn until the ready handshake completes),
 *   - the first cell (tslab loads the TypeScript libs then),
 *   - per-cell overhead for trivial cells, raw (one execute_request) and through runNotebook
 *     (which adds the output bookkeeping and a kernel_info barrier per cell).
 *
 * Usage: node dist/bench/kernel-overhead.js [cells=30]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../lib/core/env";
import { RunFiles } from "@linear-studies/notebook-runner";
import { Kernel } from "@linear-studies/notebook-runner";
import { runNotebook } from "@linear-studies/notebook-runner";
import { serializeNotebook } from "@linear-studies/notebook-runner";

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[at];
}

function summary(samples: readonly number[]): { median: number; p90: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p90: quantile(s, 0.9), min: s[0], max: s[s.length - 1] };
}

async function timeCells(kernel: Kernel, code: string, n: number, barrier: boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const req = kernel.execute(code, () => undefined);
    const [reply] = await Promise.all([req.reply, req.idle]);
    if (reply.content.status !== "ok") throw new Error(`cell failed: ${JSON.stringify(reply.content)}`);
    if (barrier) await kernel.barrier(10_000);
    times.push(performance.now() - t0);
  }
  return times;
}

async function rawKernel(cells: number): Promise<Array<[string, number[]]>> {
  const files = RunFiles.create();
  try {
    const t0 = performance.now();
    const kernel = await Kernel.start({ cwd: os.tmpdir(), env: process.env, files, searchFrom: repoRoot(), startupTimeoutMs: 60_000 });
    const start = performance.now() - t0;
    try {
      const first = await timeCells(kernel, "1;", 1, false);
      const rows: Array<[string, number[]]> = [
        ["kernel start (spawn → ready)", [start]],
        ["first cell `1;`", first],
        ["cell `1;` (raw execute)", await timeCells(kernel, "1;", cells, false)],
        ["cell `` (empty string, raw)", await timeCells(kernel, "", cells, false)],
        ["cell `1;` + kernel_info barrier", await timeCells(kernel, "1;", cells, true)],
      ];
      const t1 = performance.now();
      await kernel.shutdown();
      rows.push(["shutdown", [performance.now() - t1]]);
      return rows;
    } finally {
      await kernel.kill();
    }
  } finally {
    files.remove();
  }
}

async function throughRunner(cells: number): Promise<Array<[string, number[]]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-bench-"));
  try {
    const input = path.join(dir, "empty-cells.ipynb");
    const nb = {
      nbformat: 4 as const,
      nbformat_minor: 5,
      metadata: {},
      cells: Array.from({ length: cells }, (_, i) => ({ id: `c${i}`, cell_type: "code" as const, source: "1;", metadata: {}, outputs: [], execution_count: null })),
    };
    fs.writeFileSync(input, serializeNotebook(nb));
    const result = await runNotebook({ input, output: path.join(dir, "out.ipynb") });
    if (!result.ok) throw new Error(result.message);
    const perCell = result.cellSeconds.map((s) => s * 1000);
    return [
      ["runNotebook: startup incl. preamble", [result.startupSeconds * 1000]],
      ["runNotebook: first cell", perCell.slice(0, 1)],
      ["runNotebook: cell `1;` (2nd..)", perCell.slice(1)],
      [`runNotebook: whole run (${cells} cells)`, [result.seconds * 1000]],
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cells = Number(process.argv[2] ?? 30);
  if (!Number.isInteger(cells) || cells < 2) throw new Error("cells must be an integer ≥ 2");
  const rows = [...(await rawKernel(cells)), ...(await throughRunner(cells))];
  const fmt = (ms: number) => (Number.isNaN(ms) ? "-" : ms.toFixed(1));
  const header = ["measurement", "n", "median ms", "p90 ms", "min ms", "max ms"];
  const table = rows.map(([name, samples]) => {
    const s = summary(samples);
    return [name, String(samples.length), fmt(s.median), fmt(s.p90), fmt(s.min), fmt(s.max)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`tslab kernel overhead (node ${process.version}, ${os.cpus().length} CPUs)`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of table) console.log(line(r));
}

main().catch((e: unknown) => {
  console.error((e as Error).stack ?? String(e));
  process.exitCode = 1;
});
