/**
 * One tslab kernel process and its ZeroMQ channels: spawn, ready handshake, request/reply
 * routing, interrupt, shutdown. Knows nothing about notebooks.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zmq from "zeromq";
import { registerCleanup } from "./cleanup";
import { type ConnectionInfo, type RunFiles, waitListening } from "./connection";
import { TIMED_OUT, within } from "./timing";
import { type JsonObject, type Message, Session } from "./wire";

export interface KernelStartOptions {
  /** Working directory of the kernel: the notebook's folder, as Jupyter does. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Holds the connection file; owned (and deleted) by the caller. */
  files: RunFiles;
  /** The tslab launcher script run with this Node; default: `tslab/bin/tslab` resolved from `searchFrom`. */
  tslabPath?: string;
  /** Where to resolve the `tslab` package from (the repository root). */
  searchFrom: string;
  startupTimeoutMs: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function describeExit(exit: ExitInfo): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** The kernel process ended, or its channel became unusable. */
export class KernelGoneError extends Error {
  constructor(
    message: string,
    readonly exit?: ExitInfo,
  ) {
    super(message);
    this.name = "KernelGoneError";
  }
}

export class StartupError extends Error {
  /** The process that failed to become a kernel (already killed), if one was spawned. */
  pid?: number;

  constructor(
    message: string,
    /**
     * The start failed on its ports, not the kernel: another process took one before the kernel
     * bound it, or a runner socket met something other than the kernel. Fresh ports can succeed.
     */
    readonly portTaken = false,
  ) {
    super(message);
    this.name = "StartupError";
  }
}

/**
 * Kernel starts tried when a port is taken: freePorts' ports are free when chosen, but another
 * process (such as a second notebook's runner under `make reproduce`) can bind one before tslab
 * does. tslab then logs EADDRINUSE as an unhandled rejection and never becomes ready, so without
 * this the start would only fail at the startup timeout (300 s by default).
 */
const PORT_ATTEMPTS = 3;

/** A request whose reply arrives on shell/control and whose side effects arrive on iopub. */
export interface PendingRequest {
  msgId: string;
  /** Resolves once the message left our socket (a DEALER blocks while no kernel is connected). */
  sent: Promise<void>;
  reply: Promise<Message>;
  /** Resolves on iopub `status: idle` for this request: all its iopub messages have been seen. */
  idle: Promise<void>;
}

export function resolveTslab(searchFrom: string): string {
  const pkg = require.resolve("tslab/package.json", { paths: [searchFrom] });
  return path.join(path.dirname(pkg), "bin", "tslab");
}

const TAIL_BYTES = 16 * 1024;
const HANDSHAKE_POLL_MS = 1000;
const IOPUB_RETRY_MS = 100;

/** Serializes sends: a zeromq v6 socket allows only one send in flight. */
class Sender {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly socket: zmq.Dealer) {}

  send(frames: Buffer[]): Promise<void> {
    const next = this.chain.then(() => this.socket.send(frames));
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/**
 * A shell that outlives a runner killed with SIGKILL (which runs no cleanup): it blocks reading a
 * pipe from us, and EOF without the word "done" means we died, so it kills the kernel's process
 * group and removes our temporary folder. An in-kernel timer could not do this while a cell
 * spins in a synchronous loop.
 */
function startGuard(pgid: number, tempDir: string): ChildProcess | undefined {
  if (process.platform === "win32" || !fs.existsSync("/bin/sh")) return undefined;
  const script = 'read -r word; [ "$word" = done ] && exit 0; kill -KILL -"$1" 2>/dev/null; rm -rf "$2"';
  const guard = spawn("/bin/sh", ["-c", script, "run-notebook-guard", String(pgid), tempDir], {
    stdio: ["pipe", "ignore", "ignore"],
    detached: true, // not in the kernel's group, and not hit by a terminal's Ctrl-C
  });
  guard.on("error", () => undefined); // without a guard we only lose the SIGKILL safety net
  guard.stdin?.on("error", () => undefined);
  guard.unref();
  return guard;
}

export class Kernel {
  readonly pid: number;
  /** Content of the kernel_info_reply received during the handshake. */
  kernelInfo: JsonObject = {};

  private readonly session: Session;
  // a peer that accepts but never speaks ZeroMQ is dropped after 5 s and the port tried again
  private readonly shell = new zmq.Dealer({ linger: 0, handshakeInterval: 5000 });
  private readonly control = new zmq.Dealer({ linger: 0, handshakeInterval: 5000 });
  private readonly iopub = new zmq.Subscriber({ linger: 0, handshakeInterval: 5000 });
  private readonly shellSender = new Sender(this.shell);
  private readonly controlSender = new Sender(this.control);
  private readonly replyWaiters = new Map<string, (msg: Message) => void>();
  private readonly iopubRoutes = new Map<string, (msg: Message) => void>();
  private readonly idleWaiters = new Map<string, () => void>();
  private unroutedIopub: (msg: Message) => void = () => undefined;
  private iopubCount = 0;
  /** Until the handshake succeeds: why a message that is not our kernel's arrived, if one did. */
  private foreignPeer: string | undefined;
  private handshakeDone = false;
  private readonly conn: ConnectionInfo;
  private output = "";
  private exitInfo: ExitInfo | undefined;
  private closed = false;
  private readonly unregisterCleanup: () => void;
  private failWith!: (err: Error) => void;

  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Rejects once the kernel is unusable (process gone or protocol broken); never resolves. */
  readonly failure: Promise<never>;

  private readonly guard: ChildProcess | undefined;

  private constructor(
    private readonly child: ChildProcess,
    conn: ConnectionInfo,
    tempDir: string,
  ) {
    if (child.pid === undefined) throw new StartupError("could not spawn the kernel process");
    this.pid = child.pid;
    this.session = new Session(conn.key);
    this.failure = new Promise<never>((_, reject) => (this.failWith = reject));
    this.failure.catch(() => undefined); // observed through races; never an unhandled rejection
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        this.failWith(new KernelGoneError(`the kernel process ended (${describeExit(this.exitInfo)})`, this.exitInfo));
        resolve(this.exitInfo);
      });
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-TAIL_BYTES);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.unregisterCleanup = registerCleanup(() => this.killGroup("SIGKILL"));
    this.guard = startGuard(this.pid, tempDir);

    this.conn = conn;
    this.iopub.subscribe();
    this.readLoop(this.shell, (m) => this.onReply(m));
    this.readLoop(this.control, (m) => this.onReply(m));
    this.readLoop(this.iopub, (m) => this.onIopub(m));
  }

  static async start(opts: KernelStartOptions): Promise<Kernel> {
    const tslab = opts.tslabPath ?? resolveTslab(opts.searchFrom);
    if (!fs.existsSync(tslab)) throw new StartupError(`the tslab launcher ${tslab} does not exist`);
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const left = opts.startupTimeoutMs - (performance.now() - started);
        return await Kernel.startOnce(tslab, opts, Math.max(1, left));
      } catch (e) {
        if (e instanceof StartupError && e.portTaken && attempt < PORT_ATTEMPTS) continue;
        if (e instanceof StartupError && attempt > 1) e.message += ` (start ${attempt}; the earlier ones found a port taken)`;
        throw e;
      }
    }
  }

  /** One start; `waitMs` is what is left of opts.startupTimeoutMs, which error messages quote. */
  private static async startOnce(tslab: string, opts: KernelStartOptions, waitMs: number): Promise<Kernel> {
    const conn = await opts.files.writeConnection();
    // The preload keeps tslab from losing messages to zeromq's EBUSY (tslab-sends.ts).
    const preload = path.join(__dirname, "tslab-preload.js");
    const child = spawn(process.execPath, ["--require", preload, tslab, "kernel", "--config-path", opts.files.connectionFile], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: a Ctrl-C in the terminal reaches only the runner, which then decides,
      // and killing the group also ends processes a notebook started and forgot (browsers).
      detached: true,
    });
    const spawnError = new Promise<never>((_, reject) =>
      child.once("error", (e) => reject(new StartupError(`cannot spawn the kernel: ${e.message}`))),
    );
    spawnError.catch(() => undefined);
    let kernel: Kernel;
    try {
      kernel = new Kernel(child, conn, opts.files.dir);
    } catch (e) {
      child.kill("SIGKILL");
      throw e;
    }
    try {
      await Promise.race([kernel.handshake(waitMs, opts.startupTimeoutMs), spawnError]);
    } catch (e) {
      await kernel.kill();
      if (e instanceof StartupError) e.pid = kernel.pid;
      throw e;
    }
    return kernel;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** The last bytes the kernel process wrote to its own stdout/stderr (not the cells' output). */
  processOutput(): string {
    return this.output;
  }

  /** Handler for iopub messages whose parent is not a request sent with an `onIopub` handler. */
  setUnroutedIopub(handler: (msg: Message) => void): void {
    this.unroutedIopub = handler;
  }

  /** Sends a request; its iopub messages (except status) go to `onIopub` until the runner ends. */
  request(channel: "shell" | "control", msgType: string, content: JsonObject, onIopub?: (msg: Message) => void): PendingRequest {
    const msg = this.session.newMessage(msgType, content);
    const msgId = msg.header.msg_id;
    const reply = new Promise<Message>((resolve) => this.replyWaiters.set(msgId, resolve));
    const idle = new Promise<void>((resolve) => this.idleWaiters.set(msgId, resolve));
    if (onIopub !== undefined) this.iopubRoutes.set(msgId, onIopub);
    const sender = channel === "shell" ? this.shellSender : this.controlSender;
    const sent = sender.send(this.session.serialize(msg));
    sent.catch((e: Error) => this.fail(`cannot send ${msgType}: ${e.message}`));
    return { msgId, sent, reply, idle };
  }

  execute(code: string, onIopub: (msg: Message) => void, silent = false): PendingRequest {
    return this.request(
      "shell",
      "execute_request",
      { code, silent, store_history: !silent, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      onIopub,
    );
  }

  /**
   * A kernel_info round trip. tslab handles it outside its execution queue, and by the time it
   * is read every microtask of the previous cell has run, so anything that cell's promises
   * reported (e.g. unhandled rejections) is on iopub before this request's idle status.
   */
  async barrier(timeoutMs: number): Promise<void> {
    const req = this.request("shell", "kernel_info_request", {});
    const done = await within(Promise.race([Promise.all([req.reply, req.idle]), this.failure]), timeoutMs);
    if (done === TIMED_OUT) throw new KernelGoneError(`the kernel did not answer kernel_info_request within ${timeoutMs / 1000} s`);
  }

  /** tslab ignores interrupt_request; SIGINT breaks synchronous loops and rejects pending awaits. */
  interrupt(): void {
    if (this.alive) this.signalProcess("SIGINT");
  }

  /**
   * Polite shutdown: shutdown_request on control, up to `graceMs` for the process to exit, then
   * SIGTERM, then SIGKILL. Always closes the sockets and kills the rest of the process group.
   */
  async shutdown(graceMs = 5000): Promise<void> {
    if (this.alive) {
      this.request("control", "shutdown_request", { restart: false });
      if (!(await this.waitExit(graceMs))) {
        this.signalProcess("SIGTERM");
        if (!(await this.waitExit(2000))) this.signalProcess("SIGKILL");
      }
    }
    await this.kill();
  }

  /** SIGKILL the process group, wait for the exit, release the sockets. */
  async kill(): Promise<void> {
    this.killGroup("SIGKILL");
    if (this.alive) await this.waitExit(5000);
    this.killGroup("SIGKILL"); // children started by notebook code, if the kernel left any
    this.close();
  }

  /**
   * jupyter_client's wait_for_ready: repeat kernel_info_request until one is answered and at
   * least one iopub message arrived, because iopub messages published before the subscription
   * has propagated are lost (ZeroMQ's slow joiner).
   */
  private async handshake(timeoutMs: number, configuredMs = timeoutMs): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    void this.connectWhenListening(deadline);
    let reply: Message | undefined;
    let resolveAny!: (msg: Message) => void;
    const anyReply = new Promise<Message>((resolve) => (resolveAny = resolve));
    let sendInFlight = false;
    let lastSent = Number.NEGATIVE_INFINITY;
    for (;;) {
      const now = performance.now();
      if (now >= deadline) {
        throw new StartupError(`the kernel did not become ready within ${configuredMs / 1000} s${this.outputSuffix()}`);
      }
      // Once a reply is in, only the iopub subscription is missing: ask again soon, since each
      // request makes the kernel publish status messages.
      const interval = reply === undefined ? HANDSHAKE_POLL_MS : IOPUB_RETRY_MS;
      if (!sendInFlight && now - lastSent >= interval) {
        const req = this.request("shell", "kernel_info_request", {});
        sendInFlight = true;
        lastSent = now;
        req.sent.then(
          () => (sendInFlight = false),
          () => undefined,
        );
        void req.reply.then(resolveAny);
      }
      // Before the first reply wait for it; afterwards only poll for the first iopub message.
      const waitFor = reply === undefined ? anyReply : new Promise<never>(() => undefined);
      try {
        const got = await within(
          Promise.race([waitFor, this.failure]),
          reply === undefined ? Math.min(HANDSHAKE_POLL_MS, deadline - now) : 20,
        );
        if (got !== TIMED_OUT) reply = got;
      } catch (e) {
        const exit = e instanceof KernelGoneError ? e.exit : undefined;
        if (exit !== undefined) throw new StartupError(`the kernel exited during startup (${describeExit(exit)})${this.outputSuffix()}`);
        throw new StartupError(`the kernel failed during startup (${(e as Error).message})${this.outputSuffix()}`);
      }
      // Checked before success too: a kernel whose shell and iopub ports bound can answer while
      // another of its ports is taken, and a foreign kernel on a port we connect to can answer.
      if (this.output.includes("EADDRINUSE")) {
        throw new StartupError(
          `another process took one of the kernel's ports before it bound them (EADDRINUSE)${this.outputSuffix()}`,
          true,
        );
      }
      if (this.foreignPeer !== undefined) {
        throw new StartupError(`the runner could not reach the kernel on its own ports (${this.foreignPeer})${this.outputSuffix()}`, true);
      }
      if (reply !== undefined && this.iopubCount > 0) {
        this.kernelInfo = reply.content;
        this.handshakeDone = true;
        return;
      }
    }
  }

  private outputSuffix(): string {
    const text = this.output.trim();
    return text === "" ? "" : `; kernel output:\n${text.split("\n").slice(-15).join("\n")}`;
  }

  private async waitExit(ms: number): Promise<boolean> {
    if (!this.alive) return true;
    return (await within(this.exited, ms)) !== TIMED_OUT;
  }

  private signalProcess(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  private killGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // ESRCH: the group is empty
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.shell.close();
    this.control.close();
    this.iopub.close();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.guard?.stdin?.end("done\n");
    this.unregisterCleanup();
  }

  private fail(message: string): void {
    this.failWith(new KernelGoneError(message));
  }

  private readLoop(socket: zmq.Dealer | zmq.Subscriber, handle: (msg: Message) => void): void {
    void (async () => {
      try {
        for await (const frames of socket) {
          let msg: Message;
          try {
            msg = this.session.deserialize(frames);
          } catch (e) {
            // before the handshake, a message signed with another key is another kernel holding
            // one of our ports (a raced port): the start is retried, not this kernel failed
            if (!this.handshakeDone) this.foreignPeer ??= `another kernel answered: ${(e as Error).message}`;
            else this.fail((e as Error).message);
            continue;
          }
          handle(msg);
        }
      } catch (e) {
        if (!this.closed) this.fail(`kernel channel error: ${(e as Error).message}`);
      }
    })();
  }

  /**
   * Connects each channel once the kernel listens on its port, not before. Connecting first leaves
   * zeromq retrying a port nothing listens on yet, and one such retry can connect the socket to
   * itself (a TCP self-connect on the loopback). For the iopub SUB that is a failed ZeroMQ
   * handshake, after which zeromq never reconnects the socket (tested), so the start waited out
   * its whole timeout: 300 s, as once in CI. A self-connected DEALER would get its own requests
   * back, which onReply also catches.
   */
  private async connectWhenListening(deadline: number): Promise<void> {
    const { conn } = this;
    const keepTrying = () => this.alive && !this.closed && performance.now() < deadline;
    const channels = [
      [this.shell, conn.shell_port],
      [this.control, conn.control_port],
      [this.iopub, conn.iopub_port],
    ] as const;
    await Promise.all(
      channels.map(async ([socket, port]) => {
        if ((await waitListening({ ip: conn.ip, port, keepTrying })) && !this.closed)
          socket.connect(`${conn.transport}://${conn.ip}:${port}`);
      }),
    );
  }

  private onReply(msg: Message): void {
    // our own request back on shell or control: that socket connected to itself (a DEALER pair is
    // a valid ZeroMQ pair, so only the message type shows it)
    if (!this.handshakeDone && msg.header.msg_type.endsWith("_request")) {
      this.foreignPeer ??= `a ${msg.header.msg_type} came back to the runner: its socket connected to itself`;
      return;
    }
    const parent = msg.parent_header.msg_id;
    if (parent === undefined) return;
    const waiter = this.replyWaiters.get(parent);
    if (waiter === undefined) return;
    this.replyWaiters.delete(parent);
    waiter(msg);
  }

  private onIopub(msg: Message): void {
    this.iopubCount++;
    const parent = msg.parent_header.msg_id;
    if (msg.header.msg_type === "status") {
      if (parent !== undefined && msg.content.execution_state === "idle") {
        const waiter = this.idleWaiters.get(parent);
        if (waiter !== undefined) {
          this.idleWaiters.delete(parent);
          waiter();
        }
      }
      return;
    }
    const route = parent === undefined ? undefined : this.iopubRoutes.get(parent);
    if (route !== undefined) route(msg);
    else this.unroutedIopub(msg);
  }
}
