#!/usr/bin/env node
/**
 * A tslab launcher for stock Jupyter (kernel.json argv: node kernel-shim.js kernel --config-path
 * {connection_file}). tslab answers a failed cell with `{status: "error"}` only, so nbconvert and
 * nbclient show `<Error>: ` with no text. This shim patches tslab's execute handler, in-process,
 * before starting it:
 *
 *   - an error reply gets `ename`, `evalue` and `traceback`, taken from what tslab printed on the
 *     cell's stderr (e.g. ename "TypeError", evalue "x is not a function"; ename "TSError" and the
 *     first diagnostic for a type error);
 *   - an unhandled promise rejection raised while a cell runs (or in the moment after its code
 *     returned) turns that cell's reply into an error with ename "UnhandledPromiseRejection".
 *
 * Still missing in stock Jupyter (the headless runner handles them): a rejection or callback
 * exception that fires after its cell finished is printed into whichever cell runs next (or
 * nowhere if none does) and fails nothing; there is no iopub `error` message (the text is on
 * stderr, so it shows once); and a hang is only stopped by nbconvert's fixed --timeout.
 *
 * It also applies tslab-sends.ts (without it tslab loses iopub messages after its 513th).
 *
 * tslab is resolved from this file's location (the project's node_modules).
 */
import * as path from "node:path";
import { errorFromStderr } from "./failure";
import { patchTslabSends, servingTslabJupyter } from "./tslab-sends";

interface Reply {
  status: string;
  execution_count?: number;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

type WriteStream = (name: string, text: string) => void;

interface Handler {
  handleExecute(req: unknown, writeStream: WriteStream, writeDisplayData: unknown): Promise<Reply>;
}

/** ename/evalue/traceback for tslab's stderr writes of a failed cell. */
export function describeError(stderrWrites: readonly string[]): { ename: string; evalue: string; traceback: string[] } {
  const err = errorFromStderr(stderrWrites);
  const first = err.lines[0] ?? "";
  if (err.kind === "TypeScript error") return { ename: "TSError", evalue: first, traceback: err.lines };
  const m = /^([A-Za-z_$][\w$.]*(?:Error|Exception|Rejection)|Error): ?(.*)$/.exec(first);
  if (m !== null) return { ename: m[1], evalue: m[2], traceback: err.lines };
  return { ename: "Error", evalue: first, traceback: err.lines };
}

export function patchTslab(jupyterModule: { JupyterHandlerImpl: { prototype: Handler } }): void {
  const proto = jupyterModule.JupyterHandlerImpl.prototype;
  const original = proto.handleExecute;
  let current: { rejections: unknown[] } | undefined;
  process.on("unhandledRejection", (reason) => {
    current?.rejections.push(reason);
  });
  proto.handleExecute = async function (this: Handler, req: unknown, writeStream: WriteStream, writeDisplayData: unknown): Promise<Reply> {
    const stderr: string[] = [];
    const run = { rejections: [] as unknown[] };
    current = run;
    const recording: WriteStream = (name, text) => {
      if (name === "stderr") stderr.push(text);
      writeStream(name, text);
    };
    let reply: Reply;
    try {
      reply = await original.call(this, req, recording, writeDisplayData);
      // Rejections of promises the cell dropped are reported after the microtask queue drains.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      if (current === run) current = undefined;
    }
    if (reply.status === "error" && reply.ename === undefined) return { ...reply, ...describeError(stderr) };
    if (reply.status === "ok" && run.rejections.length > 0) {
      const reason = run.rejections[0];
      const text = reason instanceof Error ? (reason.stack ?? String(reason)) : String(reason);
      return { ...reply, status: "error", ename: "UnhandledPromiseRejection", evalue: text.split("\n")[0], traceback: text.split("\n") };
    }
    return reply;
  };
}

if (require.main === module) {
  const tslabDir = path.dirname(require.resolve("tslab/package.json", { paths: [__dirname, process.cwd()] }));
  // tslab's main() hands over to the copy nearest the working directory, if any: patch that one
  const jupyter = require(servingTslabJupyter(process.cwd(), tslabDir) ?? path.join(tslabDir, "dist", "jupyter.js"));
  patchTslabSends(jupyter); // no message lost to zeromq's EBUSY (see tslab-sends.ts)
  patchTslab(jupyter);
  require(path.join(tslabDir, "dist", "main.js")).main();
}
