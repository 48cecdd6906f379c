/** Worker-thread entry for ./jobs.ts: runs each job it is sent and posts the result back. */
import { parentPort } from "node:worker_threads";
import { runJob, type Job } from "./jobs";

if (parentPort === null) throw new Error("job-worker.js must be started as a worker thread by runJobs");
const port = parentPort;
port.on("message", (msg: { index: number; job: Job }) => {
  try {
    port.postMessage({ index: msg.index, result: runJob(msg.job) });
  } catch (err) {
    port.postMessage({ index: msg.index, error: (err as Error).stack ?? String(err) });
  }
});
