/**
 * A fixed pool of worker threads running grid jobs, one job per thread at a time. Used by the local
 * executor and by each BullMQ worker process (there it also keeps the process's event loop free, so
 * BullMQ can renew its job locks while a job computes for minutes).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { JobOutcome, JobTask } from "./execute";

const THREAD_SCRIPT = path.join(__dirname, "thread.js");

interface Slot {
  worker: Worker;
  busy?: { task: JobTask; resolve: (o: JobOutcome) => void };
}

export class ThreadPool {
  private readonly slots: Slot[] = [];
  private readonly queue: { task: JobTask; resolve: (o: JobOutcome) => void }[] = [];
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`ThreadPool size must be a positive integer, got ${size}`);
    if (!fs.existsSync(THREAD_SCRIPT)) throw new Error(`${THREAD_SCRIPT} is missing; run \`make build\``);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(THREAD_SCRIPT) };
    slot.worker.on("message", (o: JobOutcome) => this.finish(slot, o));
    // a thread that dies (uncaught error, process.exit in a job, out of memory) fails its job and is replaced
    const died = (why: string) => {
      const busy = slot.busy;
      slot.busy = undefined;
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) {
        this.slots[i] = this.spawn();
        this.pump();
      }
      busy?.resolve({
        ok: false,
        error: `job ${busy.task.label} (key ${busy.task.key}): its worker thread died: ${why}`,
        cpuSeconds: 0,
        wallSeconds: 0,
        cpuClock: "thread",
      });
    };
    slot.worker.on("error", (err) => died(err.stack ?? String(err)));
    slot.worker.on("exit", (code) => {
      if (!this.closed) died(`exit code ${code}`);
    });
    return slot;
  }

  private finish(slot: Slot, o: JobOutcome): void {
    const busy = slot.busy;
    slot.busy = undefined;
    this.pump();
    busy?.resolve(o);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.busy) continue;
      const next = this.queue.shift()!;
      slot.busy = next;
      slot.worker.postMessage(next.task);
    }
  }

  /** Runs `task` on the next free thread; resolves with its outcome (never rejects). */
  run(task: JobTask): Promise<JobOutcome> {
    if (this.closed) throw new Error("ThreadPool.run after close()");
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.pump();
    });
  }

  /** Stops every thread (a running job is abandoned; nothing of it was stored). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
