/**
 * One run's conversation with the kernel: the silent preamble, executing a cell with its timeout
 * (SIGINT, then kill), the per-cell check for unhandled rejections, and the final module query.
 * Decides nothing about notebooks or failures; run.ts does that with what this returns.
 */
import { describeExit, Kernel, KernelGoneError, PendingRequest, StartupError } from "./kernel";
import { OutputCollector, Output } from "./outputs";
import { Fault, ModuleReport, Probe } from "./probe";
import { TIMED_OUT, within } from "./timing";
import { Message } from "./wire";

/** Like nbclient's iopub_timeout: how long to wait for `idle` once the reply is in. */
const IDLE_AFTER_REPLY_MS = 5_000;
const BARRIER_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 30_000;

export type CellOutcome =
  /** `status` is execute_reply's: "ok", "error" or "abort". */
  | { kind: "reply"; status: string; ename?: unknown; evalue?: unknown }
  /**
   * Stopped by a limit: `limit` is "wall" (the cell's total time limit) or "stall" (no output and
   * no reply for the no-progress period); `killed` when the kernel ignored SIGINT for the grace period.
   */
  | { kind: "timeout"; killed: boolean; limit: "wall" | "stall" }
  | { kind: "died"; exit: string }
  /** The reply came but the kernel_info round trip after it failed. */
  | { kind: "unresponsive"; reason: string };

export interface CellRun {
  outcome: CellOutcome;
  /** The cell's stderr writes, one entry per write (tslab writes one per error report). */
  stderr: string[];
}

/** Time limits of one cell: `wallMs` in total, `stallMs` without any message from the kernel. */
export interface CellLimits {
  wallMs: number;
  stallMs: number;
  graceMs: number;
}

/** Cell number 0 stands for the runner's own silent requests. */
const RUNNER = 0;

export class KernelSession {
  private readonly probe = new Probe();
  private readonly collector = new OutputCollector();
  private readonly faults: Fault[] = [];
  /** Execution serial (counted in the kernel) -> the notebook cell (1-based) that ran it. */
  private readonly serials = new Map<number, number>();
  private modules: ModuleReport | undefined;
  private lastActivity = performance.now();

  constructor(readonly kernel: Kernel) {
    kernel.setUnroutedIopub(this.filtered(RUNNER, () => undefined));
  }

  /** Installs the fault reporters and the module recorder (see probe.ts). */
  async preamble(timeoutMs: number): Promise<void> {
    const stderr: string[] = [];
    const req = this.kernel.execute(this.probe.preambleCode(), this.filtered(RUNNER, stderrOf(stderr)), true);
    const reply = await within(Promise.race([req.reply, this.kernel.failure]), timeoutMs);
    if (reply === TIMED_OUT) throw new StartupError(`the kernel did not run the runner's preamble within ${timeoutMs / 1000} s`);
    if (reply.content.status !== "ok") {
      throw new StartupError(`the runner's preamble failed in the kernel (status ${String(reply.content.status)}):\n${stderr.join("").trim()}`);
    }
    await within(req.idle, IDLE_AFTER_REPLY_MS);
  }

  /**
   * Executes one cell, appending its outputs to `outputs` (which keeps receiving late output of
   * this request until the run ends), and waits for execute_reply and iopub idle.
   */
  async run(cell: number, code: string, outputs: Output[], limits: CellLimits): Promise<CellRun> {
    const stderr: string[] = [];
    const toCell = this.collector.forCell(outputs);
    const recordStderr = stderrOf(stderr);
    const req = this.kernel.execute(
      code,
      this.filtered(cell, (msg) => {
        recordStderr(msg);
        toCell(msg);
      }),
    );
    const outcome = await this.awaitCell(req, limits);
    if (outcome.kind === "reply" && this.kernel.alive) {
      try {
        await this.kernel.barrier(BARRIER_TIMEOUT_MS);
      } catch (e) {
        return { outcome: { kind: "unresponsive", reason: (e as Error).message }, stderr };
      }
    }
    return { outcome, stderr };
  }

  /** Unhandled rejections / uncaught exceptions reported since the last call. */
  takeFaults(): Fault[] {
    return this.faults.splice(0);
  }

  /**
   * The notebook cell whose code started a fault's timer or promise: a cell number (1-based),
   * RUNNER (0) for the runner's own code, or undefined when the kernel could not tell.
   */
  originCell(fault: Fault): number | undefined {
    return fault.origin === undefined ? undefined : this.serials.get(fault.origin);
  }

  /** Asks the kernel which modules it loaded (the last request of a successful run). */
  async loadedModules(): Promise<ModuleReport> {
    const req = this.kernel.execute(this.probe.modulesQueryCode(), this.filtered(RUNNER, () => undefined), true);
    const done = await within(Promise.race([Promise.all([req.reply, req.idle]), this.kernel.failure]), QUERY_TIMEOUT_MS);
    if (done === TIMED_OUT) throw new Error(`no answer within ${QUERY_TIMEOUT_MS / 1000} s`);
    const status = done[0].content.status;
    if (status !== "ok") throw new Error(`status ${String(status)}`);
    if (this.modules === undefined) throw new Error("the kernel sent no module list");
    return this.modules;
  }

  /** Our marker lines never reach the notebook; everything else goes to `target`. */
  private filtered(cell: number, target: (msg: Message) => void): (msg: Message) => void {
    return (msg) => {
      this.lastActivity = performance.now();
      const text = msg.content.text;
      if (msg.header.msg_type === "stream" && typeof text === "string" && this.probe.isMarker(text)) {
        const serial = this.probe.parseExec(text);
        if (serial !== undefined && !this.serials.has(serial)) this.serials.set(serial, cell);
        const fault = this.probe.parseFault(text);
        if (fault !== undefined) this.faults.push(fault);
        this.modules = this.probe.parseModules(text) ?? this.modules;
        return;
      }
      target(msg);
    };
  }

  /**
   * Waits for the reply, watching two limits: the cell's total time and the time without any
   * message from the kernel (output, progress lines, markers). A slow cell that prints progress
   * never stalls; an endless loop or a promise that never settles does.
   */
  private async awaitCell(req: PendingRequest, limits: CellLimits): Promise<CellOutcome> {
    const died = (e: unknown): CellOutcome => ({
      kind: "died",
      exit: e instanceof KernelGoneError && e.exit !== undefined ? describeExit(e.exit) : (e as Error).message,
    });
    const start = performance.now();
    this.lastActivity = start;
    let reply: Message | typeof TIMED_OUT = TIMED_OUT;
    let limit: "wall" | "stall" = "wall";
    const answered = Promise.race([req.reply, this.kernel.failure]);
    for (;;) {
      const now = performance.now();
      const wallLeft = start + limits.wallMs - now;
      const stallLeft = this.lastActivity + limits.stallMs - now;
      if (wallLeft <= 0 || stallLeft <= 0) {
        limit = wallLeft <= 0 ? "wall" : "stall";
        break;
      }
      try {
        reply = await within(answered, Math.min(wallLeft, stallLeft));
      } catch (e) {
        return died(e);
      }
      if (reply !== TIMED_OUT) break;
    }
    if (reply === TIMED_OUT) {
      this.kernel.interrupt();
      try {
        const after = await within(answered, limits.graceMs);
        if (after === TIMED_OUT) {
          await this.kernel.kill();
          return { kind: "timeout", killed: true, limit };
        }
        await within(req.idle, IDLE_AFTER_REPLY_MS);
      } catch {
        // died while being interrupted: still a timeout
      }
      return { kind: "timeout", killed: false, limit };
    }
    try {
      await within(Promise.race([req.idle, this.kernel.failure]), IDLE_AFTER_REPLY_MS);
    } catch (e) {
      return died(e);
    }
    return { kind: "reply", status: String(reply.content.status), ename: reply.content.ename, evalue: reply.content.evalue };
  }
}

function stderrOf(into: string[]): (msg: Message) => void {
  return (msg) => {
    if (msg.header.msg_type === "stream" && msg.content.name === "stderr" && typeof msg.content.text === "string") into.push(msg.content.text);
  };
}
