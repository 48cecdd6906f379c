/**
 * Progress of a grid run. Two modes: the default prints only deterministic facts (jobs done out of
 * the total, failures, the *estimated* cost) at fixed fractions of the work, so a notebook that runs
 * a grid re-executes to the same output; `clock: true` (the command line) adds what was measured —
 * CPU time used and an ETA — and prints as jobs finish, at most every few seconds.
 */
import type { GridJob } from "./grid";

export function fmtCpu(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} CPU-s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} CPU-min`;
  return `${(seconds / 3600).toFixed(2)} CPU-h`;
}

export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "unknown";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export interface ProgressOptions {
  clock?: boolean;
  log?: (line: string) => void;
  /** Parallelism, for the ETA before the first job finishes. */
  workers: number;
}

export class GridProgress {
  private ran = 0;
  private failed = 0;
  private cpu = 0;
  private doneCost = 0;
  private nextStep = 1;
  private readonly steps: number;
  private readonly t0 = performance.now();
  private lastPrint = Number.NEGATIVE_INFINITY;
  private readonly log: (line: string) => void;

  constructor(
    private readonly id: string,
    private readonly total: number,
    private readonly alreadyDone: number,
    private readonly toRun: GridJob[],
    private readonly options: ProgressOptions,
  ) {
    this.log = options.log ?? ((l) => console.log(l));
    this.steps = Math.max(1, Math.min(5, toRun.length));
  }

  private get remainingCost(): number {
    return this.toRun.reduce((s, j) => s + j.cost, 0) - this.doneCost;
  }

  start(extra = ""): void {
    const est = this.toRun.reduce((s, j) => s + j.cost, 0);
    this.log(
      `grid ${this.id}: ${this.total} jobs, ${this.alreadyDone} stored, ${this.toRun.length} to run (estimated ${fmtCpu(est)})${extra}`,
    );
  }

  /** A job finished (stored, or found stored already); `cpuSeconds` as measured. */
  done(job: GridJob, cpuSeconds: number): void {
    this.ran++;
    this.cpu += cpuSeconds;
    this.doneCost += job.cost;
    this.maybePrint();
  }

  fail(job: GridJob, error: string): void {
    this.ran++;
    this.failed++;
    this.doneCost += job.cost;
    this.log(`grid ${this.id}: job ${job.label} (key ${job.key}) failed: ${firstLine(error)}`);
    this.maybePrint();
  }

  /** A failed attempt that will be retried (clock mode only: whether a worker dies is not deterministic). */
  retry(job: GridJob, attempt: number, error: string): void {
    if (this.options.clock) this.log(`grid ${this.id}: job ${job.label} attempt ${attempt} failed, retrying: ${firstLine(error)}`);
  }

  note(line: string): void {
    this.log(`grid ${this.id}: ${line}`);
  }

  private line(): string {
    return `grid ${this.id}: ${this.alreadyDone + this.ran - this.failed}/${this.total} done, ${this.ran}/${this.toRun.length} run, ${this.failed} failed`;
  }

  private maybePrint(): void {
    const last = this.ran === this.toRun.length;
    if (this.options.clock) {
      const now = performance.now();
      if (!last && now - this.lastPrint < 3000) return;
      this.lastPrint = now;
      const elapsed = (now - this.t0) / 1000;
      // ETA scales the wall time so far by the estimated cost still to run, so it adapts to how far
      // off the cost model is and to how many workers are actually busy
      const eta = this.doneCost > 0 ? (elapsed * this.remainingCost) / this.doneCost : this.remainingCost / this.options.workers;
      this.log(`${this.line()}, ${fmtCpu(this.cpu)} used, ETA ${last ? "0 s" : fmtDuration(eta)}`);
      return;
    }
    let crossed = false;
    while (this.nextStep <= this.steps && this.ran >= Math.ceil((this.nextStep * this.toRun.length) / this.steps)) {
      this.nextStep++;
      crossed = true;
    }
    if (crossed) this.log(this.line());
  }
}

function firstLine(s: string): string {
  const l = s.split("\n")[0] ?? s;
  return l.length > 300 ? `${l.slice(0, 300)}…` : l;
}
