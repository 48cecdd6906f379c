/**
 * Runner pieces that need no kernel: wire signing, nbformat reading/writing, output collection,
 * error text extraction, loaded-file mapping, the zeromq send fix for tslab.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as zmq from "zeromq";
import * as net from "node:net";
import { freePorts, RunFiles, waitListening } from "../src/connection";
import { delay } from "../src/timing";
import { errorFromStderr, errorOutput } from "../src/failure";
import { deterministicCellId, dumpJson, NotebookFormatError, parseNotebook, serializeNotebook, splitLines } from "../src/nbformat";
import { type Output, OutputCollector } from "../src/outputs";
import { loadedFiles, Probe } from "../src/probe";
import { patchTslabSends, servingTslabJupyter } from "../src/tslab-sends";
import { type JsonObject, type Message, newKey, Session, sign } from "../src/wire";

const PKG = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(PKG, "test", "fixtures", "notebooks");

function iopub(msgType: string, content: JsonObject): Message {
  return {
    header: { msg_id: "m", msg_type: msgType, session: "s", username: "u", date: "", version: "5.3" },
    parent_header: { msg_id: "p" },
    metadata: {},
    content,
    buffers: [],
  };
}

describe("wire", () => {
  it("signs what it sends and verifies what it receives, skipping routing identities", () => {
    const key = newKey();
    const session = new Session(key);
    const msg = session.newMessage("execute_request", { code: "1;" });
    const frames = session.serialize(msg);
    assert.equal(frames[0].toString(), "<IDS|MSG>");
    assert.equal(frames[1].toString(), sign(key, frames.slice(2, 6)));
    const parsed = session.deserialize([Buffer.from("identity-1"), Buffer.from("identity-2"), ...frames]);
    assert.deepEqual(parsed.header, msg.header);
    assert.deepEqual(parsed.content, { code: "1;" });
  });

  it("rejects a wrong signature, a missing delimiter and an empty key", () => {
    const session = new Session(newKey());
    const frames = session.serialize(session.newMessage("status", {}));
    const forged = [...frames];
    forged[1] = Buffer.from(sign("another key", frames.slice(2, 6)));
    assert.throws(() => session.deserialize(forged), /invalid HMAC/);
    assert.throws(() => session.deserialize(frames.slice(1)), /delimiter/);
    assert.throws(() => new Session(""), /must not be empty/);
  });
});

describe("connection file", () => {
  it("is private (0600 in a 0700 folder), has a non-empty key and distinct ports, and is removed", async () => {
    const files = RunFiles.create();
    try {
      const info = await files.writeConnection();
      assert.equal(fs.statSync(files.connectionFile).mode & 0o777, 0o600);
      assert.equal(fs.statSync(files.dir).mode & 0o777, 0o700);
      assert.deepEqual(JSON.parse(fs.readFileSync(files.connectionFile, "utf8")), info);
      assert.ok(info.key.length >= 32);
      const ports = [info.shell_port, info.iopub_port, info.stdin_port, info.control_port, info.hb_port];
      assert.equal(new Set(ports).size, 5);
      fs.appendFileSync(files.depsFile, "/data/b.csv\n/data/a.csv\n/data/b.csv\n");
      assert.deepEqual(files.readDeps(), ["/data/a.csv", "/data/b.csv"]);
    } finally {
      files.remove();
    }
    assert.ok(!fs.existsSync(files.dir));
  });
});

describe("nbformat", () => {
  it("splits lines like Python's str.splitlines(keepends=True)", () => {
    assert.deepEqual(splitLines(""), []);
    assert.deepEqual(splitLines("a"), ["a"]);
    assert.deepEqual(splitLines("a\nb\n"), ["a\n", "b\n"]);
    assert.deepEqual(splitLines("a\r\nb\rc\u2028d"), ["a\r\n", "b\r", "c\u2028", "d"]);
  });

  it("writes JSON like json.dumps(indent=1, sort_keys=True, ensure_ascii=False)", () => {
    const text = dumpJson({ b: [1, "ü\n"], a: {}, "10": [], "2": null });
    assert.equal(text, '{\n "10": [],\n "2": null,\n "a": {},\n "b": [\n  1,\n  "ü\\n"\n ]\n}');
  });

  it("re-serializes a canonical notebook byte for byte", () => {
    const text = fs.readFileSync(path.join(FIXTURES, "outputs.ipynb"), "utf8");
    assert.equal(serializeNotebook(parseNotebook(text)), text);
  });

  it("upgrades 4.4 to 4.5 with deterministic, unique, valid cell ids", () => {
    const text = fs.readFileSync(path.join(FIXTURES, "features.ipynb"), "utf8");
    const a = parseNotebook(text);
    const b = parseNotebook(text);
    assert.equal(a.nbformat_minor, 5);
    const ids = a.cells.map((c) => c.id);
    assert.deepEqual(
      ids,
      b.cells.map((c) => c.id),
    );
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-zA-Z0-9-_]{1,64}$/);
    assert.equal(ids[1], deterministicCellId(1, a.cells[1].source, new Set()));
  });

  it("replaces duplicate and invalid ids without touching valid ones", () => {
    const cell = (id: unknown) => ({ cell_type: "markdown", id, metadata: {}, source: "x" });
    const nb = parseNotebook(
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell("keep"), cell("keep"), cell("bad id!")] }),
    );
    assert.equal(nb.cells[0].id, "keep");
    assert.notEqual(nb.cells[1].id, "keep");
    assert.match(nb.cells[2].id, /^[0-9a-f]{8}$/);
  });

  it("reports malformed files with the reason and, when it applies, the cell", () => {
    const bad = (text: string, pattern: RegExp, cell?: number) => {
      assert.throws(
        () => parseNotebook(text),
        (e: unknown) => e instanceof NotebookFormatError && pattern.test(e.message) && e.cell === cell,
      );
    };
    bad("{", /not valid JSON/);
    bad("[]", /valid JSON but a JSON list, not a Jupyter notebook/);
    bad('{"name": "x", "version": "1"}', /valid JSON but a JSON object without "nbformat" or "cells", not a Jupyter notebook/);
    assert.equal(
      (() => {
        try {
          parseNotebook("{}");
        } catch (e) {
          return (e as NotebookFormatError).notNotebook;
        }
        return undefined;
      })(),
      true,
    );
    bad(JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [] }), /nbformat 3 is not supported/);
    bad(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {} }), /"cells" is missing/);
    bad(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{ cell_type: "markdown", source: "" }, { cell_type: "sql" }],
      }),
      /cell 2 has cell_type/,
      2,
    );
    bad(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: 3 }] }), /cell 1: source/, 1);
  });

  it("stores text-like MIME data and streams as lists of lines, JSON and binary data as is", () => {
    const nb = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    nb.cells.push({
      id: "c",
      cell_type: "code",
      source: "a\nb",
      metadata: {},
      execution_count: 1,
      outputs: [
        { output_type: "stream", name: "stdout", text: "x\ny\n" },
        {
          output_type: "display_data",
          metadata: {},
          data: { "text/html": "<p>\n</p>", "image/png": "AAAA", "application/vnd.x+json": { k: "v\n" } },
        },
      ],
    });
    const disk = JSON.parse(serializeNotebook(nb)) as { cells: Array<{ source: string[]; outputs: JsonObject[] }> };
    assert.deepEqual(disk.cells[0].source, ["a\n", "b"]);
    assert.deepEqual(disk.cells[0].outputs[0].text, ["x\n", "y\n"]);
    assert.deepEqual(disk.cells[0].outputs[1].data, {
      "text/html": ["<p>\n", "</p>"],
      "image/png": "AAAA",
      "application/vnd.x+json": { k: "v\n" },
    });
    assert.deepEqual(parseNotebook(serializeNotebook(nb)).cells[0].outputs, nb.cells[0].outputs);
  });
});

describe("outputs", () => {
  it("merges consecutive streams of the same name only", () => {
    const outputs: Output[] = [];
    const handle = new OutputCollector().forCell(outputs);
    handle(iopub("stream", { name: "stdout", text: "a\n" }));
    handle(iopub("stream", { name: "stdout", text: "b\n" }));
    handle(iopub("stream", { name: "stderr", text: "c\n" }));
    handle(iopub("stream", { name: "stdout", text: "d\n" }));
    assert.deepEqual(outputs, [
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "c\n" },
      { output_type: "stream", name: "stdout", text: "d\n" },
    ]);
  });

  it("replaces outputs by display_id across cells and drops transient data", () => {
    const collector = new OutputCollector();
    const first: Output[] = [];
    const second: Output[] = [];
    collector.forCell(first)(iopub("display_data", { data: { "text/plain": "old" }, metadata: {}, transient: { display_id: "d1" } }));
    collector.forCell(second)(
      iopub("update_display_data", { data: { "text/plain": "new" }, metadata: { m: 1 }, transient: { display_id: "d1" } }),
    );
    assert.deepEqual(first, [{ output_type: "display_data", data: { "text/plain": "new" }, metadata: { m: 1 } }]);
    assert.deepEqual(second, []);
  });

  it("honours clear_output with and without wait, and keeps execute_result and error", () => {
    const outputs: Output[] = [];
    const handle = new OutputCollector().forCell(outputs);
    handle(iopub("stream", { name: "stdout", text: "gone\n" }));
    handle(iopub("clear_output", { wait: false }));
    assert.deepEqual(outputs, []);
    handle(iopub("stream", { name: "stdout", text: "stays until the next output\n" }));
    handle(iopub("clear_output", { wait: true }));
    assert.equal(outputs.length, 1);
    handle(iopub("execute_result", { data: { "text/plain": "3" }, metadata: {}, execution_count: 9 }));
    handle(iopub("error", { ename: "E", evalue: "v", traceback: ["t"] }));
    assert.deepEqual(outputs, [
      { output_type: "execute_result", data: { "text/plain": "3" }, metadata: {}, execution_count: 9 },
      { output_type: "error", ename: "E", evalue: "v", traceback: ["t"] },
    ]);
  });
});

describe("failure text", () => {
  it("takes all diagnostics for a type error", () => {
    const err = errorFromStderr(["1:7 - Type 'string' is not assignable to type 'number'.\n", "2:1 - Cannot find name 'y'.\n"]);
    assert.equal(err.kind, "TypeScript error");
    assert.deepEqual(err.lines, ["1:7 - Type 'string' is not assignable to type 'number'.", "2:1 - Cannot find name 'y'."]);
  });

  it("takes the last stderr write for a runtime error and puts the error line first", () => {
    const thrown =
      'evalmachine.<anonymous>:4\n    throw new Error("boom");\n    ^\n\nError: boom\n    at boom (evalmachine.<anonymous>:4:11)\n';
    const err = errorFromStderr(["a warning\n", thrown]);
    assert.equal(err.lines[0], "Error: boom");
    const out = errorOutput(err.kind, err.lines);
    assert.equal(out.ename, "CellExecutionError");
    assert.equal(out.evalue, "Error: boom");
    assert.ok(out.traceback.includes('    throw new Error("boom");'));
  });
});

describe("probe", () => {
  it("recognizes only marker lines carrying this run's nonce", () => {
    const probe = new Probe();
    const code = probe.preambleCode();
    const marker = /"(@@ls-runner-[0-9a-f]+@@)"/.exec(code)?.[1];
    assert.ok(marker !== undefined);
    assert.deepEqual(probe.parseFault(`${marker} {"kind":"unhandledRejection","text":"Error: x"}\n`), {
      kind: "unhandledRejection",
      text: "Error: x",
    });
    assert.equal(probe.parseFault('@@ls-runner-0000000000000000@@ {"kind":"unhandledRejection","text":"x"}\n'), undefined);
    assert.equal(probe.parseFault("UnhandledPromiseRejection: Error: x\n"), undefined);
  });

  it("keeps repo files outside node_modules and maps in-memory tslab modules to their .ts source", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ls-probe-"));
    try {
      fs.mkdirSync(path.join(root, "lib"));
      fs.writeFileSync(path.join(root, "lib", "a.ts"), "");
      fs.writeFileSync(path.join(root, "lib", "b.js"), "");
      const files = loadedFiles(
        {
          cache: [path.join(root, "lib", "b.js"), path.join(root, "node_modules", "x", "index.js"), "/elsewhere/c.js", "node:fs"],
          compiled: [path.join(root, "lib", "a.js"), path.join(root, "lib", "b.js"), path.join(root, "node_modules", "y.js")],
        },
        root,
      );
      assert.deepEqual(files, [path.join(root, "lib", "a.ts"), path.join(root, "lib", "b.js")]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("tslab sends (tslab-sends.ts)", () => {
  /** Sends `count` messages on a bound PUB socket the way tslab does: without awaiting. */
  async function burst(pub: zmq.Publisher, count: number): Promise<{ thrown: number; firstThrown?: number; message?: string }> {
    const sent: Promise<void>[] = [];
    let thrown = 0;
    let firstThrown: number | undefined;
    let message: string | undefined;
    for (let i = 1; i <= count; i++) {
      try {
        sent.push(pub.send(["<IDS|MSG>", "sig", `{"n":${i}}`]));
      } catch (e) {
        thrown++;
        firstThrown ??= i;
        message ??= (e as Error).message;
      }
    }
    await Promise.all(sent);
    return { thrown, firstThrown, message };
  }

  it("without it, zeromq 6 throws EBUSY on the 514th unawaited send of a socket (tslab's lost messages)", async () => {
    const pub = new zmq.Publisher({ linger: 0 });
    try {
      await pub.bind("tcp://127.0.0.1:*");
      const r = await burst(pub, 1500);
      assert.equal(r.firstThrown, 514);
      assert.match(r.message ?? "", /busy writing/);
    } finally {
      pub.close();
    }
  });

  it("makes every send of tslab's sockets synchronous, so none is refused; patching twice wraps once", async () => {
    class ZmqServer {
      async bindSocket(sock: zmq.Publisher, _port: number): Promise<void> {
        await sock.bind("tcp://127.0.0.1:*");
      }
    }
    const jupyter = { ZmqServer };
    const original = ZmqServer.prototype.bindSocket;
    patchTslabSends(jupyter);
    const patched = ZmqServer.prototype.bindSocket;
    assert.notEqual(patched, original);
    patchTslabSends(jupyter);
    assert.equal(ZmqServer.prototype.bindSocket, patched);

    const pub = new zmq.Publisher({ linger: 0 });
    try {
      await new ZmqServer().bindSocket(pub, 0);
      assert.equal(pub.sendTimeout, 0);
      assert.deepEqual(await burst(pub, 1500), { thrown: 0, firstThrown: undefined, message: undefined });
    } finally {
      pub.close();
    }
  });
});

describe("servingTslabJupyter: the tslab copy a kernel will run on, found as tslab finds it", () => {
  it("prefers the copy nearest the working directory, skips node_modules folders, else the launcher's", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ls-serving-"));
    try {
      const install = (dir: string) => {
        fs.mkdirSync(path.join(dir, "node_modules", "tslab", "dist"), { recursive: true });
        for (const f of ["main.js", "jupyter.js"]) fs.writeFileSync(path.join(dir, "node_modules", "tslab", "dist", f), "");
        return path.join(dir, "node_modules", "tslab");
      };
      const launcher = install(path.join(root, "launcher"));
      const project = path.join(root, "project");
      const nested = path.join(project, "notebooks", "deep");
      fs.mkdirSync(nested, { recursive: true });
      // no copy above the working directory: the launcher's own
      assert.equal(servingTslabJupyter(nested, launcher), path.join(launcher, "dist", "jupyter.js"));
      assert.equal(servingTslabJupyter(nested, undefined), undefined);
      assert.equal(servingTslabJupyter(nested, path.join(root, "not-tslab")), undefined);
      // a copy in an ancestor wins over the launcher's
      const local = install(project);
      assert.equal(servingTslabJupyter(nested, launcher), path.join(local, "dist", "jupyter.js"));
      // a folder named node_modules is skipped, as tslab's findLocalStartKernel skips it
      const inPackage = path.join(project, "node_modules", "some-package");
      fs.mkdirSync(inPackage, { recursive: true });
      install(inPackage);
      assert.equal(servingTslabJupyter(path.join(project, "node_modules"), launcher), path.join(local, "dist", "jupyter.js"));
      assert.equal(servingTslabJupyter(inPackage, launcher), path.join(inPackage, "node_modules", "tslab", "dist", "jupyter.js"));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("connecting only to a listening kernel (waitListening)", () => {
  it("zeromq never reconnects a SUB whose handshake failed: why the runner waits for the kernel to listen", async () => {
    // the peer here is an incompatible socket; our own socket connected to itself is one too
    const wrong = new zmq.Subscriber({ linger: 0 });
    await wrong.bind("tcp://127.0.0.1:*");
    const endpoint = wrong.lastEndpoint ?? "";
    const sub = new zmq.Subscriber({ linger: 0 });
    const pub = new zmq.Publisher({ linger: 0 });
    try {
      sub.connect(endpoint);
      sub.subscribe();
      await delay(300);
      wrong.close();
      await delay(100);
      await pub.bind(endpoint); // a compatible peer on the same port from now on
      let got = 0;
      void (async () => {
        for await (const _ of sub) got++;
      })();
      for (let i = 0; i < 20; i++) {
        await pub.send("x");
        await delay(50);
      }
      assert.equal(got, 0, "zeromq reconnected after a failed handshake: connectWhenListening's reason is gone");
    } finally {
      sub.close();
      pub.close();
    }
  });

  it("does not take a TCP self-connect for a listener, and stops when told to", async () => {
    const [port] = (await freePorts(1)) as [number];
    // the loopback allows a connection to itself when nothing listens and the source port is the port
    const raw = net.connect({ host: "127.0.0.1", port, localAddress: "127.0.0.1", localPort: port });
    const selfConnected = await new Promise<boolean>((resolve) => {
      raw.once("connect", () => resolve(raw.localPort === raw.remotePort));
      raw.once("error", () => resolve(false));
    });
    raw.destroy();
    assert.ok(selfConnected, "the OS made the self-connection this test is about");
    const t0 = performance.now();
    const up = await waitListening({ ip: "127.0.0.1", port, localPort: port, keepTrying: () => performance.now() - t0 < 300 });
    assert.equal(up, false);
  });

  it("answers true once the port listens", async () => {
    const [port] = (await freePorts(1)) as [number];
    const server = net.createServer((c) => c.destroy());
    setTimeout(() => server.listen(port, "127.0.0.1"), 200);
    try {
      assert.equal(await waitListening({ ip: "127.0.0.1", port, keepTrying: () => true }), true);
    } finally {
      server.close();
    }
  });
});
