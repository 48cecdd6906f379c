/**
 * @linear-studies/notebook-runner: headless runner for tslab (TypeScript) notebooks.
 * `runNotebook` executes a notebook and writes the executed copy; `runCli` is the command line
 * (src/cli.ts, also the `tslab-run` binary); `kernel-shim` is a tslab launcher that adds
 * ename/evalue to error replies for stock Jupyter. Project settings (its root, environment
 * variables, kernelspec, where outputs go) are options; nothing here knows about a project.
 *
 * Files: wire.ts (message signing/framing), connection.ts (ports, connection file, temp folder),
 * kernel.ts (process, sockets, handshake, interrupt, shutdown), cells.ts (one run's requests,
 * time limits), outputs.ts (iopub → nbformat outputs), nbformat.ts (read/write .ipynb), probe.ts
 * (code run silently in the kernel), failure.ts (error text), cleanup.ts (kill kernels on
 * signals/exit), cli.ts (argument parsing, progress, interruption messages).
 *
 * How failures are detected (tslab sends no `error` messages):
 *   type error, exception   execute_reply status "error" (or "abort"); the text is the cell's stderr
 *   unhandled rejection,    a silent preamble adds process listeners that print a line with a
 *   uncaught exception      per-run nonce, tagged with the cell that started the promise/timer;
 *                           a kernel_info round trip after each cell flushes them
 *   hang                    no output for stallTimeoutMs, or the cell's total limit: SIGINT, then SIGKILL
 *   kernel death            the child's `exit` event rejects every pending wait
 *   never starts            exit during the handshake, or the startup timeout
 *   malformed file          parse/shape checks before any kernel starts ("not a notebook" for other JSON)
 *   other kernel            metadata.kernelspec.name not accepted: refused before any kernel starts
 *   unwritable output       checked before any kernel starts
 */
export {
  checkWritableDir,
  DEFAULT_CELL_TIMEOUT_MS,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_STARTUP_TIMEOUT_MS,
  displayName,
  findProjectRoot,
  KERNELSPEC,
  runNotebook,
  UsageError,
} from "./run";
export type { Kernelspec, RunOptions, RunResult, RunState } from "./run";
export { cliMain, helpText, interruptionMessage, parseArgs, runCli } from "./cli";
export type { CliSettings } from "./cli";
export { kernelspecJson, shimPath } from "./kernelspec";
export type { KernelJson } from "./kernelspec";
export { describeError } from "./kernel-shim";
/** Lower level, for benchmarks and tools: one kernel process, and its connection files. */
export { Kernel } from "./kernel";
export { RunFiles } from "./connection";
export { parseNotebook, readNotebook, serializeNotebook, writeNotebook, NotebookFormatError } from "./nbformat";
export type { Cell, Notebook } from "./nbformat";
export type { Output } from "./outputs";
