/** Worker-thread entry of ./pool.ts: loads grid modules from dist/ and runs the jobs it is sent. */
import { parentPort } from "node:worker_threads";
import { executeJob, type JobOutcome, type JobTask } from "./execute";
import { gridOf, loadGridModule, refToModule } from "./module";

if (parentPort === null) throw new Error("lib/core/grid/thread.js must be started as a worker thread by the grid's ThreadPool");
const port = parentPort;
port.on("message", (task: JobTask) => {
  void (async () => {
    let outcome: JobOutcome;
    try {
      const mod = refToModule(task.ref);
      outcome = await executeJob(gridOf(loadGridModule(mod), mod, task.grid), task);
    } catch (err) {
      // loading the module failed (executeJob itself never throws)
      outcome = { ok: false, error: (err as Error).stack ?? String(err), cpuSeconds: 0, wallSeconds: 0, cpuClock: "thread" };
    }
    port.postMessage(outcome);
  })();
});
