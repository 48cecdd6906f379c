/**
 * Headless notebook runner for the tslab kernel: `runNotebook` executes a notebook and writes the
 * executed copy; see run.ts for the options and result, and lib/bin/run-notebook.ts for the CLI.
 *
 * Files: wire.ts (message signing/framing), connection.ts (ports, connection file, temp folder),
 * kernel.ts (process, sockets, handshake, interrupt, shutdown), cells.ts (one run's requests),
 * outputs.ts (iopub → nbformat outputs), nbformat.ts (read/write .ipynb), probe.ts (code run
 * silently in the kernel), failure.ts (error text), cleanup.ts (kill kernels on signals/exit).
 *
 * How failures are detected (tslab sends no `error` messages):
 *   type error, exception   execute_reply status "error" (or "abort"); the text is the cell's stderr
 *   unhandled rejection,    a silent preamble adds process listeners that print a line with a
 *   uncaught exception      per-run nonce; a kernel_info round trip after each cell flushes them
 *   timeout                 our timer; SIGINT, then SIGKILL after a grace period
 *   kernel death            the child's `exit` event rejects every pending wait
 *   never starts            exit during the handshake, or the startup timeout
 *   malformed file          parse/shape checks before any kernel starts
 */
export {
  DEFAULT_CELL_TIMEOUT_MS,
  DEFAULT_STARTUP_TIMEOUT_MS,
  displayName,
  KERNELSPEC,
  runNotebook,
  UsageError,
} from "./run";
export type { RunOptions, RunResult, Scale } from "./run";
export { parseNotebook, readNotebook, serializeNotebook, writeNotebook, NotebookFormatError } from "./nbformat";
export type { Cell, Notebook } from "./nbformat";
export type { Output } from "./outputs";
