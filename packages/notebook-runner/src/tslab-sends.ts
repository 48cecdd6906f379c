/**
 * A fix for tslab 1.0.22 on zeromq 6, applied inside the kernel process: tslab's sockets get
 * `sendTimeout = 0` before they are bound, so every send completes synchronously.
 *
 * Why: tslab sends without awaiting (`sock.send(...)` in jupyter.js `ZmqMessage.signAndSend`).
 * zeromq 6 completes at most 512 operations in a row on one socket synchronously
 * (`max_sync_operations` in its socket.cc); the 513th send is deferred to the next event-loop
 * turn, and until it goes out any further send on that socket throws EBUSY ("Socket is busy
 * writing"). tslab does not catch that, so the message is lost: on iopub, the 514th message of
 * a kernel (a cell's `status: idle`, a stream write, a kernel_info request's idle, ...) never
 * arrives. The runner then waits for an idle that will not come, a cell's printed lines
 * vanish (Node's console swallows the error), or the kernel dies (exit code 7) when the EBUSY is
 * thrown inside an `uncaughtException` handler that writes to stderr. Every further 513 iopub
 * messages it can happen again; which message falls on the deferred slot shifts with how many
 * kernel_info requests the start-up handshake needed, hence the dependence on machine load.
 *
 * With `sendTimeout == 0` zeromq always takes its synchronous path. Nothing else changes for
 * tslab's sockets: zeromq sends with ZMQ_DONTWAIT on either path, and a PUB socket, a ROUTER
 * socket without ROUTER_MANDATORY and a REP socket answering a request never have to wait (they
 * drop instead of blocking, as before).
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface TslabSocket {
  sendTimeout: number;
}

export interface TslabJupyterModule {
  ZmqServer: { prototype: { bindSocket(sock: TslabSocket, port: number): Promise<void> } };
}

const PATCHED = Symbol.for("linear-studies.notebook-runner.tslab-sends");

/** Patches tslab's `ZmqServer.bindSocket` (dist/jupyter.js); a second call does nothing. */
export function patchTslabSends(jupyterModule: TslabJupyterModule): void {
  const proto = jupyterModule.ZmqServer.prototype as TslabJupyterModule["ZmqServer"]["prototype"] & { [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const original = proto.bindSocket;
  if (typeof original !== "function")
    throw new Error(
      "tslab's ZmqServer has no bindSocket method: the runner's zeromq send fix (tslab-sends.ts) does not fit this tslab version",
    );
  proto.bindSocket = function (this: unknown, sock: TslabSocket, port: number): Promise<void> {
    sock.sendTimeout = 0;
    return original.call(this, sock, port);
  };
  proto[PATCHED] = true;
}

/**
 * The jupyter.js of the tslab that will serve a kernel started in `cwd` from the tslab package at
 * `launcherTslabDir`: tslab hands over to the copy nearest the working directory (main.js
 * `findLocalStartKernel`: each folder from `cwd` up, skipping folders named node_modules, that
 * has node_modules/tslab/dist/main.js), and otherwise runs its own. Undefined when neither exists.
 * The preload and the kernel shim patch this copy, the one whose sockets the kernel will use.
 */
export function servingTslabJupyter(cwd: string, launcherTslabDir: string | undefined): string | undefined {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== "node_modules") {
      const dist = path.join(dir, "node_modules", "tslab", "dist");
      if (fs.existsSync(path.join(dist, "main.js"))) return path.join(dist, "jupyter.js");
    }
    if (path.dirname(dir) === dir) break;
  }
  if (launcherTslabDir === undefined) return undefined;
  const own = path.join(launcherTslabDir, "dist", "jupyter.js");
  return fs.existsSync(own) ? own : undefined;
}
