/**
 * Shared benchmark harness: the project's workload against the same work in PyTorch or
 * scikit-learn, timed interleaved over several rounds (project, reference one thread, reference all
 * cores, project, …) so that load from other jobs on the machine hits both sides alike, and compared
 * by the ratio of minima (the minimum is the least load-disturbed estimate of the cost).
 *
 * The reference runs in a persistent Python process (bench/reference/server.py) per thread setting,
 * so no interpreter start-up is timed. Inputs are generated here from the seeded Rng and handed to
 * Python as .npy files under build/bench/<slug>/, never drawn by a second generator; before any
 * timing each workload's `check` compares the two sides' outputs on those inputs and throws
 * `NotSameWork` when they differ: a benchmark never fails on timing, only on "not the same work".
 *
 * Without Python, numpy or the reference package, the rows print the project's numbers and say the
 * reference was skipped and why. Environment: LS_BENCH_ROUNDS (default 7), LS_BENCH_PYTHON (an
 * interpreter; default the first of /usr/bin/python3, python3 that imports the module's package),
 * LS_BENCH_ALL_CORES=0 skips the all-cores reference (on a loaded machine a multi-threaded
 * PyTorch spins against the other jobs and only adds minutes).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../lib/core/env";

/** Thrown when the project and the reference do not compute the same thing. */
export class NotSameWork extends Error {
  constructor(workload: string, what: string) {
    super(`${workload}: the project and the reference do not compute the same thing: ${what}`);
    this.name = "NotSameWork";
  }
}

export type Typed = Float32Array | Float64Array | Int32Array;

/** build/bench/<slug>/, created. */
export function benchDir(slug: string): string {
  const dir = path.join(repoRoot(), "build", "bench", slug);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes a little-endian .npy (format 1.0, C order) that numpy.load reads. */
export function writeNpy(file: string, data: Typed, shape: readonly number[]): string {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new Error(`writeNpy ${file}: shape [${shape}] holds ${size} values, got ${data.length}`);
  const descr = data instanceof Float32Array ? "<f4" : data instanceof Float64Array ? "<f8" : "<i4";
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${" ".repeat(pad % 64)}\n`;
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, "latin1"), body]));
  return file;
}

/** Largest |a − b| / max(|b|, floor) over two equal-length arrays. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor);
    if (Number.isNaN(d)) return Number.NaN; // never "close"
    if (d > worst) worst = d;
  }
  return worst;
}

/** Largest |a − b| scaled by the largest |b| (for outputs with entries near zero). */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / (scale || 1);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > worst) worst = d;
  }
  return worst;
}

/** Throws NotSameWork unless `diff` ≤ `tol`; returns "what diff" for the row's note. */
export function expectClose(workload: string, what: string, diff: number, tol: number): string {
  if (!(diff <= tol)) throw new NotSameWork(workload, `${what} differ by ${diff.toExponential(2)} (> ${tol.toExponential(0)})`);
  return `${what} ${diff.toExponential(0)}`;
}

/**
 * The same-work check of a loss-and-gradient workload: the project's loss (relative difference) and
 * gradient (difference scaled by the largest entry) against the reference's outputs "loss" and "grad".
 * Throws NotSameWork beyond the tolerances; returns the row's note.
 */
export function expectSameLossAndGradient(
  workload: string,
  mine: { loss: number; grad: ArrayLike<number> },
  ref: RefOutputs,
  tol: { loss: number; grad: number },
  gradLabel = "gradient",
): string {
  return [
    expectClose(workload, "loss", maxRelDiff([mine.loss], [refNumber(ref, "loss")]), tol.loss),
    expectClose(workload, gradLabel, maxScaledDiff(mine.grad, refArray(ref, "grad")), tol.grad),
  ].join(", ");
}

/** Outputs of a reference workload: numbers and nested arrays of numbers, from JSON. */
export type RefOutputs = Record<string, unknown>;

/** A numeric array output of the reference, flattened. */
export function refArray(out: RefOutputs, key: string): number[] {
  const v = out[key];
  if (v === undefined) throw new Error(`reference output "${key}" missing (got ${Object.keys(out).join(", ")})`);
  return (Array.isArray(v) ? (v as unknown[]).flat(Number.POSITIVE_INFINITY) : [v]) as number[];
}

export function refNumber(out: RefOutputs, key: string): number {
  const v = out[key];
  if (typeof v !== "number") throw new Error(`reference output "${key}" must be a number, got ${JSON.stringify(v)}`);
  return v;
}

interface Reply {
  ok?: boolean;
  error?: string;
  skipped?: string;
  versions?: Record<string, string>;
  outputs?: RefOutputs;
  seconds?: number[];
}

/** One persistent Python process running bench/reference/<module>.py's workloads. */
export class Reference {
  private buffer = "";
  private waiting: ((r: Reply) => void)[] = [];
  private stderr = "";

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    readonly threads: "one" | "all",
    readonly versions: Record<string, string>,
  ) {}

  /** Starts the server for `module`; resolves to the reason when the reference cannot run here. */
  static async start(module: string, threads: "one" | "all"): Promise<Reference | { skipped: string }> {
    const python = findPython(module);
    if ("skipped" in python) return python;
    const script = path.join(repoRoot(), "bench", "reference", "server.py");
    const proc = spawn(python.exe, [script, module, threads === "one" ? "1" : "all"], {
      cwd: repoRoot(),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    });
    const ref = new Reference(proc, threads, {});
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => ref.onData(chunk));
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (chunk: string) => {
      ref.stderr = (ref.stderr + chunk).slice(-4000);
    });
    proc.on("exit", (code) => {
      for (const w of ref.waiting.splice(0)) w({ error: `python exited with code ${code}: ${ref.stderr.trim()}` });
    });
    const hello = await ref.next();
    if (hello.skipped || hello.error) {
      await ref.close();
      return { skipped: hello.skipped ?? hello.error! };
    }
    Object.assign(ref.versions, hello.versions ?? {}, { python: python.exe });
    return ref;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf("\n"); nl >= 0; nl = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const w = this.waiting.shift();
      if (w) w(JSON.parse(line) as Reply);
    }
  }

  private next(): Promise<Reply> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async call(msg: Record<string, unknown>): Promise<Reply> {
    const reply = this.next();
    this.proc.stdin.write(`${JSON.stringify(msg)}\n`);
    const r = await reply;
    if (r.error) throw new Error(`reference (${this.threads} thread${this.threads === "one" ? "" : "s"}) ${String(msg.op)}: ${r.error}`);
    return r;
  }

  /** Builds workload `name` with `args` (paths into build/bench, sizes…) under `id`. */
  async setup(id: string, name: string, args: Record<string, unknown>): Promise<void> {
    await this.call({ op: "setup", id, workload: name, args });
  }

  /** The workload's outputs on the shared inputs, for the check. */
  async outputs(id: string): Promise<RefOutputs> {
    return (await this.call({ op: "outputs", id })).outputs ?? {};
  }

  /** Seconds of each of `reps` calls of the workload's timed unit. */
  async time(id: string, reps: number): Promise<number[]> {
    return (await this.call({ op: "time", id, reps })).seconds ?? [];
  }

  /** Ends the server (it exits on end of input, running its clean-ups); kills it after 20 s. */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill(), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

const pythonCache = new Map<string, { exe: string } | { skipped: string }>();

/** The first interpreter that imports the reference module's packages (the module's REQUIRES). */
function findPython(module: string): { exe: string } | { skipped: string } {
  const hit = pythonCache.get(module);
  if (hit) return hit;
  const candidates = process.env.LS_BENCH_PYTHON ? [process.env.LS_BENCH_PYTHON] : ["/usr/bin/python3", "python3"];
  const script = path.join(repoRoot(), "bench", "reference", "server.py");
  let why = "";
  for (const exe of candidates) {
    const r = spawnSync(exe, [script, module, "probe"], { encoding: "utf8", timeout: 120_000 });
    if (r.error) {
      why ||= `${exe}: ${r.error.message}`;
      continue;
    }
    const out = (r.stdout ?? "").trim();
    if (r.status === 0 && out === "ok") {
      pythonCache.set(module, { exe });
      return { exe };
    }
    why ||= `${exe}: ${out || (r.stderr ?? "").trim().split("\n").pop()}`;
  }
  const res = { skipped: why || "no python3 found" };
  pythonCache.set(module, res);
  return res;
}

/** One row of a study's ratio table. */
export interface Workload {
  /** Row label. */
  name: string;
  /** One timed unit of the project's work (an Adam step, a fit, a forward pass…). */
  run: () => unknown;
  /**
   * `run` times itself and returns its seconds (e.g. kernel start, excluding the shutdown after it).
   * Explicit, because an ordinary unit may return a number too (a step's loss) that is not a time.
   */
  selfTimed?: boolean;
  /** Units of work per call (e.g. Adam steps), the reference's call doing as many: times are reported per unit. */
  per?: number;
  /** Calls of `run` per round (each call is timed; the minimum over all calls is reported). */
  reps?: number;
  /** At most this many rounds for this workload (a unit that takes seconds, e.g. a full fit); default all. */
  rounds?: number;
  /** Untimed calls before the first round (JIT, WASM kernels, caches). Default 2. */
  warmup?: number;
  /** The same work in the reference module; omitted for project-only (profile) rows. */
  reference?: { workload: string; args: Record<string, unknown>; reps?: number };
  /** Compares the project's outputs with the reference's; returns a note, throws NotSameWork. */
  check?: (ref: RefOutputs) => string;
  /** A project-only row's note (e.g. "of which …"). */
  note?: string;
  /**
   * A second implementation of the same work (e.g. a fused kernel), printed as its own row right
   * below and timed in the same rounds (project, variant, reference, …) against the same reference.
   */
  variant?: { name: string; run: () => unknown; check?: (ref: RefOutputs) => string; note?: string };
}

export interface RowResult {
  name: string;
  projectMs: number;
  refOneMs?: number;
  refAllMs?: number;
  ratioOne?: number;
  ratioAll?: number;
  note: string;
}

async function timeProject(w: Workload, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    let self: unknown = w.run();
    if (self instanceof Promise) self = await self;
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (w.selfTimed && typeof self !== "number")
      throw new Error(`bench workload "${w.name}" is selfTimed but its run returned ${typeof self}, not seconds`);
    out.push(w.selfTimed ? (self as number) : wall);
  }
  return out;
}

/**
 * Runs the workloads of one study against `module` (bench/reference/<module>.py): checks each
 * against the reference, then times them interleaved over the rounds, and prints the table.
 */
export async function runBench(o: {
  title: string;
  slug: string;
  module?: string;
  workloads: Workload[];
  /** Also time the reference with every core (default true; false where threads cannot matter). */
  allCores?: boolean;
}): Promise<RowResult[]> {
  const rounds = Number(process.env.LS_BENCH_ROUNDS ?? 7);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`LS_BENCH_ROUNDS must be a positive integer, got ${process.env.LS_BENCH_ROUNDS}`);
  const needsRef = o.module !== undefined && o.workloads.some((w) => w.reference);
  let one: Reference | undefined;
  let all: Reference | undefined;
  let skipped = "";
  if (needsRef) {
    const a = await Reference.start(o.module!, "one");
    if ("skipped" in a) skipped = a.skipped;
    else {
      one = a;
      const b =
        o.allCores === false
          ? { skipped: "not applicable" }
          : process.env.LS_BENCH_ALL_CORES === "0"
            ? { skipped: "LS_BENCH_ALL_CORES=0" }
            : await Reference.start(o.module!, "all");
      if ("skipped" in b) skipped = b.skipped;
      else all = b;
    }
  }
  const results: RowResult[] = [];
  try {
    // check everything before timing anything: a mismatch fails the bench at once
    const notes = new Map<Workload, string>();
    const variantNotes = new Map<Workload, string>();
    for (const [k, w] of o.workloads.entries()) {
      const id = `w${k}`;
      if (w.reference && one) {
        await one.setup(id, w.reference.workload, w.reference.args);
        if (all) await all.setup(id, w.reference.workload, w.reference.args);
        const refOut = w.check || w.variant?.check ? await one.outputs(id) : {};
        if (w.check) notes.set(w, w.check(refOut));
        if (w.variant?.check) variantNotes.set(w, w.variant.check(refOut));
        if (all && (w.check || w.variant?.check)) {
          const allOut = await all.outputs(id);
          w.check?.(allOut);
          w.variant?.check?.(allOut);
        }
      }
      for (let i = 0; i < (w.warmup ?? 2); i++) {
        await w.run();
        if (w.variant) await w.variant.run();
      }
    }
    for (const [k, w] of o.workloads.entries()) {
      const id = `w${k}`;
      const reps = w.reps ?? 3;
      const refReps = w.reference?.reps ?? reps;
      const p: number[] = [];
      const pv: number[] = [];
      const r1: number[] = [];
      const ra: number[] = [];
      if (w.reference && one) {
        await one.time(id, 1); // warm the reference too
        if (all) await all.time(id, 1);
      }
      for (let round = 0; round < Math.min(rounds, w.rounds ?? rounds); round++) {
        p.push(...(await timeProject(w, reps)));
        if (w.variant) pv.push(...(await timeProject({ ...w, run: w.variant.run }, reps)));
        if (w.reference && one) r1.push(...(await one.time(id, refReps)));
        if (w.reference && all) ra.push(...(await all.time(id, refReps)));
      }
      const min = (xs: number[]) => (xs.length ? (Math.min(...xs) * 1000) / (w.per ?? 1) : undefined);
      const row: RowResult = { name: w.name, projectMs: min(p)!, note: notes.get(w) ?? w.note ?? "" };
      row.refOneMs = min(r1);
      row.refAllMs = min(ra);
      if (row.refOneMs) row.ratioOne = row.projectMs / row.refOneMs;
      if (row.refAllMs) row.ratioAll = row.projectMs / row.refAllMs;
      if (w.reference && !one) row.note = `reference skipped${row.note ? `; ${row.note}` : ""}`;
      results.push(row);
      if (w.variant) {
        const v: RowResult = { name: w.variant.name, projectMs: min(pv)!, note: variantNotes.get(w) ?? w.variant.note ?? "" };
        v.refOneMs = row.refOneMs;
        v.refAllMs = row.refAllMs;
        if (v.refOneMs) v.ratioOne = v.projectMs / v.refOneMs;
        if (v.refAllMs) v.ratioAll = v.projectMs / v.refAllMs;
        if (w.reference && !one) v.note = `reference skipped${v.note ? `; ${v.note}` : ""}`;
        results.push(v);
      }
      process.stderr.write(`  ${o.slug}: ${w.name} done\n`);
    }
  } finally {
    await one?.close();
    await all?.close();
  }
  printTable(o, results, { one, all, skipped, rounds });
  fs.writeFileSync(path.join(benchDir(o.slug), "ratios.json"), `${JSON.stringify({ title: o.title, rounds, rows: results }, null, 1)}\n`);
  return results;
}

function printTable(
  o: { title: string; slug: string },
  rows: RowResult[],
  ctx: { one?: Reference; all?: Reference; skipped: string; rounds: number },
): void {
  const ms = (v: number | undefined) => (v === undefined ? "–" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));
  const x = (v: number | undefined) => (v === undefined ? "–" : `${v.toFixed(2)}x`);
  const head = [
    "workload",
    "project ms",
    "ref 1-thr ms",
    "ratio",
    `ref ${os.cpus().length}-thr ms`,
    "ratio",
    "same work (max rel. diff) / note",
  ];
  const body = rows.map((r) => [r.name, ms(r.projectMs), ms(r.refOneMs), x(r.ratioOne), ms(r.refAllMs), x(r.ratioAll), r.note]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (c: string[]) => c.map((s, i) => (i === 0 || i === c.length - 1 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  const load = os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(" ");
  console.log(`\n${o.title}`);
  const ref = ctx.one
    ? Object.entries(ctx.one.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")
    : `skipped (${ctx.skipped})`;
  console.log(`reference: ${ref}${ctx.one && !ctx.all ? ` (all-cores run skipped: ${ctx.skipped})` : ""}`);
  console.log(
    `${ctx.rounds} interleaved rounds; minimum per call; ratio = project / reference (> 1: project slower); load average ${load}`,
  );
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
}
