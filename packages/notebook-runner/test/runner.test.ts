/**
 * The runner against real tslab kernels: output collection, determinism, tags, module and data
 * tracking, every failure mode, the CLI, and a cross-check against `jupyter nbconvert --execute`.
 *
 * Tests run three at a time (each one mostly waits for its own kernel). Set LS_REQUIRE_JUPYTER=1
 * to make a missing `jupyter` a failure instead of a skip.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as net from "node:net";
import * as zmq from "zeromq";
import { Kernel, kernelspecJson, RunFiles, runNotebook, type RunOptions, type RunResult, UsageError } from "../src";
import { StartupError } from "../src/kernel";
import { TIMED_OUT, within } from "../src/timing";
import { describeError } from "../src/kernel-shim";
import { type Notebook, parseNotebook, serializeNotebook } from "../src/nbformat";

/** The package folder (this file runs from dist/test/). */
const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "test", "fixtures", "notebooks");
const KERNELS = path.join(ROOT, "test", "fixtures", "kernels");
const CLI = path.join(ROOT, "dist", "src", "cli.js");

/**
 * Scratch space inside the repository (under the git-ignored dist/): a notebook copied there can
 * still `import "tslab"`, because tslab resolves packages from the kernel's working directory up.
 */
let scratch = "";
before(() => {
  fs.mkdirSync(path.join(ROOT, "dist"), { recursive: true });
  scratch = fs.mkdtempSync(path.join(ROOT, "dist", ".runner-test-"));
});
after(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

function readNb(file: string): Notebook {
  return parseNotebook(fs.readFileSync(file, "utf8"));
}

/** False for a pid that is gone or a zombie (in a container, PID 1 may never reap orphans). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

function assertKernelGone(result: RunResult): void {
  assert.ok(result.kernelPid !== undefined, "the kernel was started");
  assert.throws(() => process.kill(result.kernelPid as number, 0), /ESRCH/, `kernel ${result.kernelPid} is still running`);
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a failing fixture and checks what every failure must give; returns the result and the partial copy. */
async function expectFailure(
  name: string,
  cell: number,
  firstLine: string,
  extra: Partial<RunOptions> = {},
): Promise<{ result: RunResult; partial: Notebook }> {
  const input = fixture(name);
  const before = fs.readFileSync(input);
  const output = path.join(scratch, name.replace(/\.ipynb$/, ".out.ipynb"));
  const result = await runNotebook({ input, output, ...extra });
  assert.equal(result.ok, false, "the run must fail");
  assert.equal(result.failedCell, cell);
  const message = result.message ?? "";
  assert.ok(message.includes(`${name}: cell ${cell}/`), `message names notebook and cell:\n${message}`);
  assert.ok(message.includes(firstLine), `message contains ${JSON.stringify(firstLine)}:\n${message}`);
  assert.deepEqual(fs.readFileSync(input), before, "the source notebook is untouched");
  assertKernelGone(result);
  assert.equal(result.output, output);
  const partial = readNb(output);
  const failed = partial.cells[cell - 1];
  const last = (failed.outputs ?? [])[(failed.outputs ?? []).length - 1] as { output_type: string; ename: string; evalue: string };
  assert.equal(last.output_type, "error");
  assert.equal(last.ename, "CellExecutionError");
  assert.ok(last.evalue.length > 0);
  for (const later of partial.cells.slice(cell)) {
    if (later.cell_type === "code") {
      assert.deepEqual(later.outputs, [], "cells after the failure did not run");
      assert.equal(later.execution_count, null);
    }
  }
  return { result, partial };
}

/** Consecutive streams merged, the way the runner stores them (nbclient 0.7 does not merge). */
function normalizeOutputs(outputs: readonly unknown[]): unknown[] {
  const out: Array<{ [k: string]: unknown }> = [];
  for (const o of outputs as Array<{ [k: string]: unknown }>) {
    const last = out[out.length - 1];
    if (o.output_type === "stream" && last !== undefined && last.output_type === "stream" && last.name === o.name) {
      last.text = String(last.text) + String(o.text);
    } else {
      out.push({ ...o });
    }
  }
  return out;
}

let outputsRun: Promise<RunResult> | undefined;
/** outputs.ipynb executed once by the API; shared by the tests that inspect it. */
function runOutputsFixture(): Promise<RunResult> {
  outputsRun ??= runNotebook({ input: fixture("outputs.ipynb"), output: path.join(scratch, "outputs.executed.ipynb") });
  return outputsRun;
}

describe("runNotebook with a tslab kernel", { concurrency: 3 }, () => {
  it("collects streams, display data and display updates, numbering cells 1..n", async () => {
    const source = fs.readFileSync(fixture("outputs.ipynb"), "utf8");
    const result = await runOutputsFixture();
    assert.equal(result.ok, true, result.message);
    assert.equal(result.cells, 9);
    assert.equal(result.executedCells, 7);
    assert.equal(result.cellSeconds.length, 9);
    assert.deepEqual(fs.readFileSync(fixture("outputs.ipynb"), "utf8"), source, "the input is not modified");
    assertKernelGone(result);

    const text = fs.readFileSync(result.output, "utf8");
    const nb = readNb(result.output);
    const src = parseNotebook(source);
    assert.deepEqual(
      nb.cells.map((c) => [c.id, c.cell_type, c.source]),
      src.cells.map((c) => [c.id, c.cell_type, c.source]),
    );
    assert.deepEqual(nb.cells[0], src.cells[0], "markdown kept as it is");
    assert.deepEqual(nb.cells[6], src.cells[6], "raw kept as it is");
    assert.deepEqual(
      nb.cells.map((c) => c.execution_count ?? null),
      [null, 1, 2, 3, 4, 5, null, 6, 7],
    );
    const outputs = nb.cells.map((c) => c.outputs);
    const stream = (name: string, t: string) => ({ output_type: "stream", name, text: t });
    assert.deepEqual(outputs[1], [stream("stdout", "hello\nsecond line\n")]);
    assert.deepEqual(outputs[2], [stream("stdout", "to stdout\n"), stream("stderr", "to stderr\n"), stream("stdout", "stdout again\n")]);
    assert.deepEqual(outputs[3], [stream("stdout", "42\n")]);
    assert.deepEqual(outputs[4], [
      { output_type: "display_data", data: { "text/html": "<b>bold</b> and <i>ünïcode ✓</i>" }, metadata: {} },
      {
        output_type: "display_data",
        data: { "image/png": Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]).toString("base64") },
        metadata: {},
      },
    ]);
    assert.deepEqual(outputs[5], [{ output_type: "display_data", data: { "text/markdown": "*second* replaces first" }, metadata: {} }]);
    assert.deepEqual(outputs[7], [stream("stdout", '{\n "xs": [\n  1,\n  4,\n  9\n ]\n}\n')]);
    assert.deepEqual(outputs[8], [stream("stdout", "after await\n")]);

    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual(Object.keys(nb.metadata).sort(), ["kernelspec", "language_info"]);
    assert.deepEqual(nb.metadata.kernelspec, { display_name: "TypeScript", language: "typescript", name: "tslab" });
    assert.equal((nb.metadata.language_info as { name: string }).name, "typescript");
    assert.ok(!text.includes(ROOT) && !text.includes(os.tmpdir()), "no absolute paths in the file");
    assert.ok(text.includes("ünïcode ✓"), "non-ASCII text is not escaped");
    assert.equal(serializeNotebook(nb), text, "written in canonical form");
  });

  it("re-executes its own output in place to a byte-identical file (CLI --inplace)", async () => {
    const first = await runOutputsFixture();
    assert.equal(first.ok, true, first.message);
    const copy = path.join(scratch, "reexecute.ipynb");
    fs.copyFileSync(first.output, copy);
    const run = await cli([copy, "--inplace", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /reexecute\.ipynb: cell 2\/9 \[1\] ok [\d.]+ s \(total [\d.]+ s\)/);
    const reported = JSON.parse(run.stdout) as RunResult;
    assert.equal(reported.ok, true);
    assert.equal(reported.output, copy);
    assert.deepEqual(reported.loadedFiles, []);
    assert.equal(fs.readFileSync(copy, "utf8"), fs.readFileSync(first.output, "utf8"));
  });

  it("honours raises-exception and skip-execution, passes the environment, tracks modules and data files", async () => {
    const figures = path.join(scratch, "figures-out");
    const output = path.join(scratch, "features.executed.ipynb");
    const result = await runNotebook({
      input: fixture("features.ipynb"),
      output,
      env: { LS_SCALE: "smoke", LS_OUTPUT_DIR: figures },
      depsFileVariable: "LS_DEPS_FILE",
    });
    assert.equal(result.ok, true, result.message);
    assertKernelGone(result);
    const nb = readNb(output);
    const src = readNb(fixture("features.ipynb"));
    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual(
      nb.cells.map((c) => c.id),
      src.cells.map((c) => c.id),
      "generated ids are deterministic",
    );
    assert.deepEqual(nb.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: "scale=smoke\n" }]);
    const expected = nb.cells[2];
    assert.equal(expected.execution_count, 2);
    assert.ok(JSON.stringify(expected.outputs).includes("expected failure"), "the expected error is shown");
    assert.deepEqual(nb.cells[3], src.cells[3], "skip-execution cell untouched");
    assert.deepEqual(nb.cells[4], src.cells[4], "empty cell untouched");
    assert.deepEqual(nb.cells[5].outputs, [{ output_type: "stream", name: "stdout", text: "42 9\n" }]);
    assert.deepEqual(nb.cells[5].metadata, { timeout: 60 }, "volatile timing metadata dropped, timeout kept");
    assert.deepEqual(nb.cells[6].outputs, [{ output_type: "stream", name: "stdout", text: "figures-out\n" }]);
    assert.deepEqual(
      nb.cells.map((c) => c.execution_count ?? null),
      [null, 1, 2, 7, null, 3, 4],
    );
    assert.deepEqual(result.loadedFiles, [path.join(FIXTURES, "helpers", "answer.ts"), path.join(FIXTURES, "helpers", "compiled.js")]);
    assert.deepEqual(result.dataFiles, [path.join(FIXTURES, "data", "points.csv")]);
  });

  it("fails on a type error: CLI exit 1, message with the diagnostic, partial copy", async () => {
    const input = fixture("fail-type.ipynb");
    const before = fs.readFileSync(input);
    const output = path.join(scratch, "fail-type.cli.ipynb");
    const run = await cli([input, "--output", output, "--quiet"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /fail-type\.ipynb: cell 3\/4 failed: TypeScript error\n {2}1:7 - Type 'string' is not assignable to type 'number'\./,
    );
    assert.deepEqual(fs.readFileSync(input), before);
    const partial = readNb(output);
    assert.deepEqual(partial.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: "before\n" }]);
    const errors = (partial.cells[2].outputs ?? []) as Array<{ output_type: string; evalue?: string }>;
    assert.equal(errors[errors.length - 1].evalue, "1:7 - Type 'string' is not assignable to type 'number'.");
    assert.deepEqual(partial.cells[3].outputs, [], "the stale output of an older run is gone");
  });

  it("fails on a thrown error and never overwrites the notebook when run in place", async () => {
    const copy = path.join(scratch, "fail-throw.ipynb");
    fs.copyFileSync(fixture("fail-throw.ipynb"), copy);
    const before = fs.readFileSync(copy);
    const result = await runNotebook({ input: copy, output: copy });
    assert.equal(result.ok, false);
    assert.equal(result.failedCell, 2);
    assert.match(result.message ?? "", /fail-throw\.ipynb: cell 2\/3 failed: uncaught exception\n {2}Error: boom from cell 2\n/);
    assert.deepEqual(fs.readFileSync(copy), before, "source untouched");
    const failedCopy = path.join(scratch, "fail-throw.failed.ipynb");
    assert.equal(result.output, failedCopy);
    assert.ok((result.message ?? "").includes("fail-throw.failed.ipynb"), "says where the partial copy is");
    assert.deepEqual(readNb(failedCopy).cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "start\n" }]);
    assertKernelGone(result);
  });

  it("interrupts a cell that exceeds its timeout (metadata timeout overrides the option)", async () => {
    const { result } = await expectFailure("fail-timeout.ipynb", 2, "timed out after 2 s", {
      cellTimeoutMs: 600_000,
      limitHint: "--timeout <s>",
    });
    assert.ok((result.message ?? "").includes("interrupted with SIGINT"));
    assert.ok((result.message ?? "").includes("raise the limit (--timeout <s>)"), "says how to change the limit");
  });

  it("kills a kernel that does not stop after SIGINT", async () => {
    const { result } = await expectFailure("fail-timeout-kill.ipynb", 2, "timed out after 1 s", { interruptGraceMs: 1000 });
    assert.ok((result.message ?? "").includes("was killed"));
  });

  it("fails when the kernel dies mid-cell", async () => {
    const { partial } = await expectFailure("fail-exit.ipynb", 2, "the kernel died while running the cell (exit code 1)");
    assert.deepEqual(partial.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "about to exit\n" }]);
  });

  it("fails on an unhandled promise rejection", async () => {
    const { partial } = await expectFailure("fail-rejection.ipynb", 2, "Error: boom rejected");
    assert.ok(JSON.stringify(partial.cells[1].outputs).includes("unhandled promise rejection"));
  });

  it("fails on a rejection from a timer that fires after its cell (the last one) finished", async () => {
    const { partial } = await expectFailure("fail-late-rejection.ipynb", 3, "Error: late boom");
    assert.deepEqual(partial.cells[2].outputs?.[0], { output_type: "stream", name: "stdout", text: "timer set\n" });
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const)
    it(`kills the kernel, removes its files and says where it stopped when the runner gets ${signal}`, async () => {
      const out = path.join(scratch, `${signal}.ipynb`);
      const runner = spawn(process.execPath, [CLI, fixture("interrupt-me.ipynb"), "-o", out], { stdio: ["ignore", "ignore", "pipe"] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        runner.on("close", (code, signal) => resolve({ code, signal })),
      );
      let stderr = "";
      // Cell 1 is done, so cell 2 (an endless loop, no limit of its own) is running.
      await new Promise<void>((resolve, reject) => {
        runner.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes("cell 1/3")) resolve();
        });
        void exited.then(() => reject(new Error(`the runner exited early:\n${stderr}`)));
      });
      const children = spawnSync("ps", ["-o", "pid=,args=", "--ppid", String(runner.pid)], { encoding: "utf8" })
        .stdout.split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => ({ pid: Number(l.trim().split(/\s+/)[0]), args: l }));
      const kernel = children.find((c) => c.args.includes("tslab"));
      assert.ok(kernel !== undefined, `no kernel among the runner's children:\n${children.map((c) => c.args).join("\n")}`);
      const tempDir = path.dirname(/--config-path (\S+)/.exec(kernel.args)?.[1] ?? "");
      assert.ok(fs.existsSync(tempDir));
      runner.kill(signal);
      assert.deepEqual(await exited, { code: null, signal });
      assert.match(
        stderr,
        new RegExp(
          `tslab-run: interrupted by ${signal} at cell 2/3 of .*interrupt-me\\.ipynb, after [\\d.]+ s; the kernel was stopped; nothing was written; .*${signal}\\.ipynb was not created`,
        ),
      );
      assert.ok(!fs.existsSync(out));
      for (let waited = 0; children.some((c) => isRunning(c.pid)) && waited < 3000; waited += 100)
        await new Promise((r) => setTimeout(r, 100));
      for (const c of children) assert.equal(isRunning(c.pid), false, `still running: ${c.args}`);
      assert.ok(!fs.existsSync(tempDir), "the connection file's folder is removed");
    });

  it("rejects malformed notebooks without starting a kernel or writing anything", async () => {
    const cases: Array<[string, string]> = [
      ["malformed-json.ipynb", "not valid JSON"],
      ["malformed-no-cells.ipynb", '"cells" is missing'],
      ["malformed-v3.ipynb", "nbformat 3 is not supported"],
    ];
    for (const [name, reason] of cases) {
      const input = fixture(name);
      const before = fs.readFileSync(input);
      const output = path.join(scratch, `${name}.out`);
      const result = await runNotebook({ input, output });
      assert.equal(result.ok, false);
      assert.ok((result.message ?? "").includes(`${name}: malformed notebook`), result.message);
      assert.ok((result.message ?? "").includes(reason), result.message);
      assert.equal(result.kernelPid, undefined);
      assert.equal(result.output, "");
      assert.ok(!fs.existsSync(output));
      assert.deepEqual(fs.readFileSync(input), before);
    }
    const run = await cli([fixture("malformed-json.ipynb"), "-o", path.join(scratch, "never.ipynb")]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /malformed-json\.ipynb: malformed notebook: not valid JSON/);
  });

  it("reports a kernel that never starts: crash, hang past the startup timeout, missing launcher", async () => {
    const input = fixture("outputs.ipynb");
    const before = fs.readFileSync(input);
    const start = (tslabPath: string, startupTimeoutMs?: number) =>
      runNotebook({ input, output: path.join(scratch, "never-started.ipynb"), tslabPath, startupTimeoutMs });

    const crashed = await start(path.join(KERNELS, "exits-at-start.js"));
    assert.equal(crashed.ok, false);
    assert.match(crashed.message ?? "", /outputs\.ipynb: the kernel did not start: the kernel exited during startup \(exit code 3\)/);
    assert.ok((crashed.message ?? "").includes("fake kernel: cannot load the compiler"), "shows the kernel's own output");
    assertKernelGone(crashed);

    const hung = await start(path.join(KERNELS, "never-ready.js"), 1500);
    assert.equal(hung.ok, false);
    assert.match(hung.message ?? "", /outputs\.ipynb: the kernel did not start: the kernel did not become ready within 1\.5 s/);
    assertKernelGone(hung);

    const missing = await start(path.join(KERNELS, "no-such-launcher.js"));
    assert.equal(missing.ok, false);
    assert.match(missing.message ?? "", /did not start: the tslab launcher .*no-such-launcher\.js does not exist/);

    assert.ok(!fs.existsSync(path.join(scratch, "never-started.ipynb")));
    assert.deepEqual(fs.readFileSync(input), before);
  });

  it("CLI: usage errors exit 2, --help exits 0", async () => {
    const nb = fixture("outputs.ipynb");
    const usage: string[][] = [
      [],
      [nb],
      [nb, "--inplace", "-o", "x.ipynb"],
      [nb, "-o", "x.ipynb", "--scale", "smoke"],
      [nb, "-o", "x.ipynb", "--env", "NOEQUALS"],
      [nb, "-o", "x.ipynb", "--timeout", "0"],
      [nb, "--bogus"],
      ["missing.ipynb", "-o", "x.ipynb"],
      [nb, "-o", scratch],
    ];
    for (const args of usage) {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, /^tslab-run: /);
    }
    const help = await cli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--inplace/);
  });

  it("produces the same outputs as jupyter nbconvert --execute", async (t) => {
    const jupyter = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
    if (jupyter.error !== undefined || jupyter.status !== 0) {
      if (process.env.LS_REQUIRE_JUPYTER === "1")
        assert.fail(`LS_REQUIRE_JUPYTER=1 but jupyter nbconvert is unavailable: ${jupyter.error?.message ?? jupyter.stderr}`);
      t.skip("jupyter nbconvert is not on PATH; skipping the cross-check (set LS_REQUIRE_JUPYTER=1 to make this fail)");
      return;
    }
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "ls-jupyter-"));
    try {
      // the kernel.json a project installs (through the kernel shim), so this also checks that Jupyter can start it
      fs.mkdirSync(path.join(home, "kernels", "ls-runner-tslab"), { recursive: true });
      fs.writeFileSync(path.join(home, "kernels", "ls-runner-tslab", "kernel.json"), JSON.stringify(kernelspecJson()));
      const env = { ...process.env, JUPYTER_PATH: home, JUPYTER_RUNTIME_DIR: path.join(home, "runtime") };
      const converted = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(
          "jupyter",
          [
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.kernel_name=ls-runner-tslab",
            "--ExecutePreprocessor.record_timing=False",
            "--ExecutePreprocessor.timeout=120",
            "--output-dir",
            home,
            "--output",
            "nbconvert-out",
            fixture("outputs.ipynb"),
          ],
          { env, stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stderr }));
      });
      assert.equal(converted.code, 0, converted.stderr);
      const theirs = readNb(path.join(home, "nbconvert-out.ipynb"));
      const mine = await runOutputsFixture();
      assert.equal(mine.ok, true, mine.message);
      const ours = readNb(mine.output);
      assert.deepEqual(
        ours.cells.map((c) => c.id),
        theirs.cells.map((c) => c.id),
      );
      for (const [i, cell] of ours.cells.entries()) {
        if (cell.cell_type !== "code") continue;
        // nbconvert 6.5 leaves execution_count null with tslab (no execute_input), so only outputs compare.
        assert.deepEqual(
          normalizeOutputs(cell.outputs ?? []),
          normalizeOutputs(theirs.cells[i].outputs ?? []),
          `cell ${i + 1} (${cell.id})`,
        );
      }
      assert.deepEqual(ours.metadata.language_info, theirs.metadata.language_info);

      // Our file is what nbformat itself would write, and valid against the 4.5 schema.
      const shebang = fs
        .readFileSync(spawnSync("sh", ["-c", "command -v jupyter"], { encoding: "utf8" }).stdout.trim(), "utf8")
        .split("\n")[0];
      const python = shebang.startsWith("#!") ? shebang.slice(2).trim().split(/\s+/) : ["python3"];
      const check = spawnSync(
        python[0],
        [
          ...python.slice(1),
          "-c",
          "import sys, nbformat\nnb = nbformat.read(sys.argv[1], as_version=4)\nnbformat.validate(nb)\nsys.stdout.write(nbformat.writes(nb) + '\\n')",
          mine.output,
        ],
        { encoding: "utf8" },
      );
      assert.equal(check.status, 0, check.stderr);
      assert.equal(check.stdout, fs.readFileSync(mine.output, "utf8"));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("stops a hang by the no-progress watchdog, not a slow cell that prints progress", async () => {
    // 20 s without output is a hang here; cell 2 prints every 0.25 s for 25 s and must pass. The
    // limit also covers tslab compiling the cell before its first print, which took over 6 s on a
    // loaded machine, so a busy CI machine cannot fail this test
    const { result, partial } = await expectFailure("stall.ipynb", 3, "no progress for 20 s", {
      stallTimeoutMs: 20_000,
      limitHint: "--stall-timeout <s>",
    });
    assert.ok((result.message ?? "").includes("raise the no-progress limit (--stall-timeout <s>)"), result.message);
    assert.ok(result.cellSeconds[1] > 20, "cell 2 ran longer than the no-progress limit and passed");
    assert.equal(
      (partial.cells[1].outputs as Array<{ text: string }>)[0].text,
      Array.from({ length: 100 }, (_, i) => `step ${i + 1}/100\n`).join(""),
    );
  });

  it("keeps every message past zeromq's 512 synchronous sends: 1500 printed lines, then 200 more cells", async () => {
    // Without tslab-sends.ts tslab lost iopub messages from the 514th on: printed lines vanished,
    // a cell's idle never came (a hang at cell ~170 of `1;` cells) or the kernel died (exit code 7).
    const code = (id: string, source: string) => ({ cell_type: "code", execution_count: null, id, metadata: {}, outputs: [], source });
    const cells = [code("print", "for (let i = 0; i < 1500; i++) console.log(i);")];
    for (let i = 0; i < 200; i++) cells.push(code(`c${i}`, `console.log(${i});`));
    const input = path.join(scratch, "many-messages.ipynb");
    const kernelspec = { display_name: "TypeScript", language: "typescript", name: "tslab" };
    fs.writeFileSync(input, JSON.stringify({ cells, metadata: { kernelspec }, nbformat: 4, nbformat_minor: 5 }));
    const result = await runNotebook({ input, output: path.join(scratch, "many-messages.out.ipynb") });
    assert.equal(result.ok, true, result.message);
    const nb = readNb(result.output);
    const text = (i: number) => (nb.cells[i].outputs as Array<{ text: string }>).map((o) => o.text).join("");
    assert.equal(text(0), Array.from({ length: 1500 }, (_, i) => `${i}\n`).join(""));
    for (let i = 0; i < 200; i++) assert.equal(text(i + 1), `${i}\n`, `cell ${i + 2}`);
  });

  it("blames a late rejection on the cell that started the promise, not the cell it surfaced in", async () => {
    const input = fixture("fail-late-earlier.ipynb");
    const output = path.join(scratch, "fail-late-earlier.out.ipynb");
    const result = await runNotebook({ input, output });
    assert.equal(result.ok, false);
    assert.equal(result.failedCell, 1, result.message);
    assert.match(
      result.message ?? "",
      /fail-late-earlier\.ipynb: cell 1\/3 failed: unhandled promise rejection from a promise or timer cell 1 started and left running; it surfaced while cell 2 was running/,
    );
    assert.ok((result.message ?? "").includes("late rejection started in cell 1"));
    const partial = readNb(output);
    assert.equal(
      (partial.cells[0].outputs as Array<{ output_type: string }>).at(-1)?.output_type,
      "error",
      "the error output is on cell 1",
    );
    assert.deepEqual(partial.cells[2].outputs, [], "cells after the one where the run stopped are cleared");
    assertKernelGone(result);
  });

  it("refuses a notebook declaring another kernel, and starts no kernel for one without code", async () => {
    const other = await runNotebook({ input: fixture("other-kernel.ipynb"), output: path.join(scratch, "other.ipynb") });
    assert.equal(other.ok, false);
    assert.match(
      other.message ?? "",
      /other-kernel\.ipynb: the notebook declares the kernel "python3" \(Python 3\), not tslab \(TypeScript\); refusing/,
    );
    assert.equal(other.kernelPid, undefined);
    assert.ok(!fs.existsSync(path.join(scratch, "other.ipynb")));

    const out = path.join(scratch, "no-code.out.ipynb");
    const empty = await runNotebook({ input: fixture("no-code.ipynb"), output: out });
    assert.equal(empty.ok, true, empty.message);
    assert.equal(empty.kernelPid, undefined, "no kernel started");
    assert.equal(empty.executedCells, 0);
    assert.deepEqual(
      readNb(out).cells.map((c) => c.source),
      ["# Only prose", ""],
    );
  });

  it("says 'not a notebook' for JSON that is not one", async () => {
    const result = await runNotebook({ input: fixture("not-a-notebook.ipynb"), output: path.join(scratch, "nan.ipynb") });
    assert.equal(result.ok, false);
    assert.match(
      result.message ?? "",
      /not-a-notebook\.ipynb: not a notebook: the file is valid JSON but a JSON object without "nbformat" or "cells", not a Jupyter notebook/,
    );
    assert.equal(result.kernelPid, undefined);
  });

  it("checks the output location before starting the kernel", async () => {
    const blocker = path.join(scratch, "a-file");
    fs.writeFileSync(blocker, "");
    for (const output of [path.join(blocker, "out.ipynb"), "/dev/null/out.ipynb"]) {
      const t0 = performance.now();
      await assert.rejects(
        runNotebook({ input: fixture("outputs.ipynb"), output }),
        (e: unknown) => e instanceof UsageError && /output folder .* (is a file|is not writable)/.test(e.message),
      );
      assert.ok(performance.now() - t0 < 1000, "no kernel was started");
    }
    await assert.rejects(
      runNotebook({
        input: fixture("outputs.ipynb"),
        output: path.join(scratch, "x.ipynb"),
        writableDirs: [path.join(blocker, "figures")],
      }),
      /the notebook's output folder .*a-file\/figures cannot be created: .*a-file is a file/,
    );
    const run = await cli([fixture("outputs.ipynb"), "-o", path.join(blocker, "out.ipynb")]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^tslab-run: the output folder .*a-file cannot be created/);
    assert.ok(!run.stderr.includes("internal error"));
  });

  it("kernel shim: tslab's error text becomes ename/evalue for stock Jupyter", () => {
    assert.deepEqual(describeError(["Error: boom from cell 2\n    at <anonymous>\n"]).ename, "Error");
    assert.deepEqual(describeError(["Error: boom from cell 2\n    at <anonymous>\n"]).evalue, "boom from cell 2");
    assert.deepEqual(describeError(["TypeError: x is not a function\n"]).ename, "TypeError");
    const ts = describeError(["1:7 - Type 'string' is not assignable to type 'number'.\n"]);
    assert.equal(ts.ename, "TSError");
    assert.equal(ts.evalue, "1:7 - Type 'string' is not assignable to type 'number'.");
  });

  it("stock nbconvert shows tslab errors with ename/evalue through the kernel shim", async (t) => {
    const jupyter = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
    if (jupyter.error !== undefined || jupyter.status !== 0) {
      if (process.env.LS_REQUIRE_JUPYTER === "1") assert.fail("LS_REQUIRE_JUPYTER=1 but jupyter nbconvert is unavailable");
      t.skip("jupyter nbconvert is not on PATH");
      return;
    }
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "ls-jupyter-"));
    try {
      fs.mkdirSync(path.join(home, "kernels", "ls-shim"), { recursive: true });
      fs.writeFileSync(path.join(home, "kernels", "ls-shim", "kernel.json"), JSON.stringify(kernelspecJson()));
      const env = { ...process.env, JUPYTER_PATH: home, JUPYTER_RUNTIME_DIR: path.join(home, "runtime") };
      const convert = (name: string) =>
        spawnSync(
          "jupyter",
          [
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.kernel_name=ls-shim",
            "--ExecutePreprocessor.timeout=60",
            "--output-dir",
            home,
            fixture(name),
          ],
          {
            env,
            encoding: "utf8",
          },
        );
      const thrown = convert("fail-throw.ipynb");
      assert.notEqual(thrown.status, 0);
      assert.match(thrown.stderr, /Error: boom from cell 2/);
      assert.ok(!/<Error>: \n/.test(thrown.stderr), thrown.stderr);
      const rejected = convert("fail-rejection.ipynb");
      assert.notEqual(rejected.status, 0, "an unhandled rejection during a cell fails it in stock Jupyter too");
      assert.match(rejected.stderr, /UnhandledPromiseRejection: Error: boom rejected/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("Kernel.start when another process takes a port first", { concurrency: 2 }, () => {
  /** A listener on a free loopback port, standing for the process that took it. */
  async function takePort(): Promise<{ port: number; close: () => Promise<void> }> {
    const server = net.createServer();
    const open = new Set<net.Socket>(); // the runner's iopub socket connects here: end it on close
    server.on("connection", (c) => {
      open.add(c);
      c.on("close", () => open.delete(c));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of open) c.destroy();
      });
    return { port, close };
  }

  /** RunFiles whose first `clashes` connection files name a taken iopub port (as if raced). */
  function racedFiles(taken: number, clashes: number): { files: RunFiles; calls: () => number } {
    const files = RunFiles.create();
    const write = files.writeConnection.bind(files);
    let calls = 0;
    files.writeConnection = async () => {
      const info = await write();
      if (++calls <= clashes) {
        info.iopub_port = taken;
        fs.rmSync(files.connectionFile);
        fs.writeFileSync(files.connectionFile, JSON.stringify(info), { mode: 0o600, flag: "wx" });
      }
      return info;
    };
    return { files, calls: () => calls };
  }

  /** `p`, or a failure after `ms` (core's `within`; its timer also keeps the event loop alive while zeromq waits). */
  async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    const r = await within(p, ms);
    if (r === TIMED_OUT) throw new Error(`${what}: no answer within ${ms / 1000} s`);
    return r;
  }

  /** The restarted kernel runs a cell. */
  async function assertRunsACell(kernel: Kernel): Promise<void> {
    const req = kernel.execute("1 + 1", () => undefined);
    const [reply] = await bounded(Promise.all([req.reply, req.idle]), 60_000, "a cell on the restarted kernel");
    assert.equal(reply.content.status, "ok");
  }

  const start = (files: RunFiles) =>
    bounded(Kernel.start({ cwd: ROOT, env: process.env, files, searchFrom: ROOT, startupTimeoutMs: 120_000 }), 130_000, "Kernel.start");

  it("starts again on fresh ports instead of waiting out the startup timeout (tslab stays up, unready, on EADDRINUSE)", async () => {
    const blocker = await takePort();
    const { files, calls } = racedFiles(blocker.port, 1);
    const t0 = performance.now();
    let kernel: Kernel | undefined;
    try {
      kernel = await start(files);
      assert.equal(calls(), 2, "one start on the taken port, one on fresh ports");
      assert.ok(performance.now() - t0 < 60_000, "detected from tslab's output, not by the 120 s timeout");
      await assertRunsACell(kernel);
    } finally {
      await kernel?.shutdown();
      await blocker.close();
      files.remove();
    }
  });

  it("starts again when the taken port belongs to another kernel, whose messages fail our signature check", async () => {
    // e.g. a second runner's kernel under make reproduce: its iopub publishes with another key
    const other = new zmq.Publisher({ linger: 0 });
    await other.bind("tcp://127.0.0.1:*");
    const port = Number(/:(\d+)$/.exec(other.lastEndpoint ?? "")?.[1]);
    const publish = setInterval(() => void other.send(["<IDS|MSG>", "bad-signature", "{}", "{}", "{}", "{}"]).catch(() => undefined), 50);
    const { files, calls } = racedFiles(port, 1);
    let kernel: Kernel | undefined;
    try {
      kernel = await start(files);
      assert.equal(calls(), 2, "one start next to the other kernel, one on fresh ports");
      await assertRunsACell(kernel);
    } finally {
      clearInterval(publish);
      await kernel?.shutdown();
      other.close();
      files.remove();
    }
  });

  it("gives up after three taken ports with an error that says so", async () => {
    const blocker = await takePort();
    const { files, calls } = racedFiles(blocker.port, Number.POSITIVE_INFINITY);
    try {
      await assert.rejects(start(files), (e: unknown) => {
        assert.ok(e instanceof StartupError && e.portTaken, String(e));
        assert.match((e as Error).message, /took one of the kernel's ports .*EADDRINUSE/s);
        return true;
      });
      assert.equal(calls(), 3);
    } finally {
      await blocker.close();
      files.remove();
    }
  });
});
