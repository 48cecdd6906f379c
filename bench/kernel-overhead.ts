/**
 * Fixed costs of running a notebook through the project's tslab kernel, against Python's ipykernel
 * driven by jupyter_client (bench/reference/kernel.py; Debian python3-ipykernel):
 *   - kernel start: spawn until the kernel answers (the shutdown after it is not timed),
 *   - the first cell `1;` of a fresh kernel (tslab compiles its TypeScript libs then),
 *   - an empty cell on a running kernel (one execute_request round trip),
 * and a project-only row: a cell `1;` on a running kernel.
 * There is no output to compare between two languages; both sides must answer status "ok".
 * Usage: node dist/bench/kernel-overhead.js
 */
import * as os from "node:os";
import { Kernel, RunFiles } from "@linear-studies/notebook-runner";
import { repoRoot } from "../lib/core/env";
import { runBench, type Workload } from "./harness";

async function withKernel<T>(f: (k: Kernel) => Promise<T>): Promise<{ startSeconds: number; value: T }> {
  const files = RunFiles.create();
  try {
    const t0 = performance.now();
    const kernel = await Kernel.start({ cwd: os.tmpdir(), env: process.env, files, searchFrom: repoRoot(), startupTimeoutMs: 120_000 });
    const startSeconds = (performance.now() - t0) / 1000;
    try {
      const value = await f(kernel);
      await kernel.shutdown();
      return { startSeconds, value };
    } finally {
      await kernel.kill();
    }
  } finally {
    files.remove();
  }
}

/**
 * Seconds of one cell, execute_request to idle. A cell that has not answered in 120 s fails the
 * bench instead of hanging it. (A plain loop of trivial cells on one tslab kernel used to hang at
 * cell ~170, and a bench run after 100-150 cells: tslab lost its 514th iopub message, here a
 * cell's idle, to zeromq's EBUSY; fixed in the runner, packages/notebook-runner/src/tslab-sends.ts.)
 */
async function cell(kernel: Kernel, code: string): Promise<number> {
  const t0 = performance.now();
  const req = kernel.execute(code, () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`cell ${JSON.stringify(code)} did not finish within 120 s (reply or idle missing)`)),
      120_000,
    );
  });
  const [reply] = await Promise.race([Promise.all([req.reply, req.idle]), limit]).finally(() => clearTimeout(timer));
  if (reply.content.status !== "ok") throw new Error(`cell ${JSON.stringify(code)} failed: ${JSON.stringify(reply.content)}`);
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const files = RunFiles.create();
  const running = await Kernel.start({ cwd: os.tmpdir(), env: process.env, files, searchFrom: repoRoot(), startupTimeoutMs: 120_000 });
  await cell(running, "1;");
  const workloads: Workload[] = [
    {
      name: "kernel start (spawn → ready)",
      run: async () => (await withKernel(async () => undefined)).startSeconds,
      selfTimed: true,
      reps: 1,
      warmup: 1,
      reference: { workload: "start", args: {} },
    },
    {
      name: "first cell `1;` of a fresh kernel",
      run: async () => (await withKernel((k) => cell(k, "1;"))).value,
      selfTimed: true,
      reps: 1,
      warmup: 1,
      reference: { workload: "first_cell", args: {} },
    },
    {
      name: "empty cell (one execute round trip)",
      run: () => cell(running, ""),
      selfTimed: true,
      reps: 10,
      reference: { workload: "cell", args: { code: "" } },
    },
    { name: "  cell `1;`", run: () => cell(running, "1;"), selfTimed: true, reps: 10, note: "project only" },
    {
      // what the headless runner spends per cell: the cell, then its kernel_info barrier
      name: "  cell `1;` + the runner's kernel_info barrier",
      run: async () => {
        const t = await cell(running, "1;");
        const t0 = performance.now();
        await running.barrier(120_000);
        return t + (performance.now() - t0) / 1000;
      },
      selfTimed: true,
      reps: 10,
      note: "project only",
    },
  ];
  try {
    await runBench({
      title: "kernel overhead: tslab (project) vs ipykernel, ms",
      slug: "kernel-overhead",
      module: "kernel",
      workloads,
      allCores: false,
    });
  } finally {
    await running.shutdown();
    await running.kill();
    files.remove();
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).stack ?? String(e));
  process.exitCode = 1;
});
