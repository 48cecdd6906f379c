/**
 * The kernel's connection file: five free TCP ports on the loopback interface and the HMAC key,
 * in a private temporary folder that the caller deletes when the kernel is gone.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { delay } from "./timing";
import { newKey } from "./wire";

export interface ConnectionInfo {
  ip: string;
  transport: "tcp";
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  signature_scheme: "hmac-sha256";
  key: string;
  kernel_name: string;
}

const LOOPBACK = "127.0.0.1";

/**
 * Ports the OS hands out for port 0. All listeners stay open until every port is known so the
 * five are distinct; another process can still grab one before the kernel binds it, which
 * Kernel.start sees in tslab's output (EADDRINUSE) and answers with a start on fresh ports.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, LOOPBACK, () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("cannot determine a free TCP port");
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/**
 * Waits until something listens on `ip:port`: true then, false once `keepTrying` says stop. A
 * connection whose local port is the port itself is a TCP self-connect (the loopback allows one
 * when nothing listens and the OS picks that port as the source), not a listener: it is closed
 * and the wait goes on. `localPort` forces the source port (for tests of exactly that case).
 */
export async function waitListening(o: { ip: string; port: number; keepTrying: () => boolean; localPort?: number }): Promise<boolean> {
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect({
        host: o.ip,
        port: o.port,
        ...(o.localPort !== undefined ? { localAddress: o.ip, localPort: o.localPort } : {}),
      });
      socket.once("connect", () => {
        const self = socket.localPort === o.port && socket.localAddress === socket.remoteAddress;
        socket.destroy();
        resolve(!self);
      });
      socket.once("error", () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (up) return true;
    if (!o.keepTrying()) return false;
    await delay(25);
  }
}

/** A mode-0700 folder under the OS temp dir holding the connection file (mode 0600) and the deps log. */
export class RunFiles {
  readonly dir: string;
  readonly connectionFile: string;
  readonly depsFile: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.connectionFile = path.join(dir, "kernel.json");
    this.depsFile = path.join(dir, "deps.txt");
  }

  static create(): RunFiles {
    return new RunFiles(fs.mkdtempSync(path.join(os.tmpdir(), "ls-runner-")));
  }

  async writeConnection(): Promise<ConnectionInfo> {
    const [shell, iopub, stdin, control, hb] = await freePorts(5);
    const info: ConnectionInfo = {
      ip: LOOPBACK,
      transport: "tcp",
      shell_port: shell,
      iopub_port: iopub,
      stdin_port: stdin,
      control_port: control,
      hb_port: hb,
      signature_scheme: "hmac-sha256",
      key: newKey(),
      kernel_name: "tslab",
    };
    // `mode` only applies when the file is created: removed first, as a retried start writes again.
    for (const f of [this.connectionFile, this.depsFile]) fs.rmSync(f, { force: true });
    fs.writeFileSync(this.connectionFile, `${JSON.stringify(info, null, 1)}\n`, { mode: 0o600, flag: "wx" });
    fs.writeFileSync(this.depsFile, "", { mode: 0o600, flag: "wx" });
    return info;
  }

  /** Data files the library recorded through LS_DEPS_FILE: unique, sorted. */
  readDeps(): string[] {
    let text: string;
    try {
      text = fs.readFileSync(this.depsFile, "utf8");
    } catch {
      return [];
    }
    const lines = text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    return [...new Set(lines)].sort();
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
