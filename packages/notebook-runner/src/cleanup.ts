/**
 * Last-resort cleanup when the runner itself is interrupted or exits early: kill the kernels and
 * delete their temporary files, synchronously, so no kernel outlives the runner.
 *
 * Signal listeners are installed only while something is registered, so a program that uses
 * `runNotebook` keeps Node's default signal behaviour the rest of the time.
 */
type Cleanup = () => void;

const pending = new Set<Cleanup>();
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function runAll(): void {
  for (const cleanup of [...pending]) {
    pending.delete(cleanup);
    try {
      cleanup();
    } catch {
      // best effort: one failing cleanup must not keep the others from running
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  uninstall();
  // Re-raise so the process ends the way it would have without us (exit status 128+n for the
  // shell), unless the embedding program has its own listener and decides for itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function onExit(): void {
  runAll();
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on("exit", onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off("exit", onExit);
}

/** Registers a synchronous cleanup; returns the function that unregisters it. */
export function registerCleanup(cleanup: Cleanup): () => void {
  pending.add(cleanup);
  install();
  return () => {
    pending.delete(cleanup);
    if (pending.size === 0) uninstall();
  };
}
