import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { findChromium, launchChromium } from "../lib/core/browser";
import { closeFigures, figureBrowser, figureFiles, renderPng, renderSvg, showFigure, withGaps, type Figure } from "../lib/core/figures";
import { fade, methodColor, PNG_SCALE, withStyle } from "../lib/core/plot-style";

const FIGURES_JS = path.join(__dirname, "..", "lib", "core", "figures.js");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "figures-test-"));
process.env.LS_OUTPUT_DIR = scratch;

after(async () => {
  await closeFigures();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const sha = (x: string | Buffer) => crypto.createHash("sha256").update(x).digest("hex");
const count = (s: string, needle: string) => s.split(needle).length - 1;

function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.equal(png.toString("latin1", 12, 16), "IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const heatmap: Figure = {
  data: [
    {
      type: "heatmap",
      z: [
        [0.1, 0.2, 0.3],
        [0.4, 0.5, 0.6],
      ],
      x: ["a", "b", "c"],
      y: ["r0", "r1"],
    },
  ],
  layout: {
    annotations: [0, 1].flatMap((r) => ["a", "b", "c"].map((c, i) => ({ x: c, y: `r${r}`, text: `v${r}${i}`, showarrow: false }))),
  },
  width: 400,
  height: 300,
};

const x = [0, 1, 2, 3, 4];
const band: Figure = {
  data: [
    { x, y: [0.8, 1.7, 2.6, 3.5, 4.4], mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" },
    {
      x,
      y: [1.2, 2.3, 3.4, 4.5, 5.6],
      mode: "lines",
      line: { width: 0 },
      fill: "tonexty",
      fillcolor: fade(methodColor(0), 0.25),
      showlegend: false,
    },
    { x, y: [1, 2, 3, 4, 5], mode: "lines", name: "ridge", line: { color: methodColor(0) } },
  ],
  layout: { title: { text: "loss ± 1 sd" }, xaxis: { title: { text: "step" } } },
};

const scatter: Figure = {
  data: [{ type: "scatter", mode: "markers", x: [1, 2, 3, 4, 5, 6, 7], y: new Float64Array([3, 1, 4, 1, 5, 9, 2]), name: "pts" }],
  width: 500,
  height: 500,
};

describe("figure specs", () => {
  test("bad names and specs are rejected before anything is rendered", async () => {
    await assert.rejects(showFigure("figures-test", "../escape", scatter), /figure name/);
    await assert.rejects(showFigure("figures-test", "Upper", scatter), /figure name/);
    await assert.rejects(showFigure("Bad Study", "ok", scatter), /study name/);
    await assert.rejects(renderSvg({ data: {} as unknown as Figure["data"] }), /figure.data must be an array/);
    await assert.rejects(renderSvg({ data: [[1, 2] as unknown as Record<string, unknown>] }), /figure.data\[0\] must be a trace/);
    await assert.rejects(renderSvg({ data: [], width: 10.5 }), /width/);
    await assert.rejects(renderSvg({ data: [{ y: () => 1 }] }), /function at data\[0\]\.y/);
  });

  test("NaN and Infinity are an error naming where they are; null is a gap", async () => {
    await assert.rejects(renderSvg({ data: [{ y: [1, Number.NaN, 3] }] }), /NaN at data\[0\]\.y\[1\].*null/);
    await assert.rejects(
      renderSvg({ data: [{ z: [[1], [new Float32Array([Number.POSITIVE_INFINITY])[0]]] }] }),
      /Infinity at data\[0\]\.z\[1\]\[0\]/,
    );
    await assert.rejects(
      renderSvg({ data: [], layout: { xaxis: { range: [0, Number.NEGATIVE_INFINITY] } } }),
      /-Infinity at layout\.xaxis\.range\[1\]/,
    );
    assert.deepEqual(withGaps([1, Number.NaN, Number.POSITIVE_INFINITY, null, 2]), [1, null, null, null, 2]);
    const svg = await renderSvg({ data: [{ y: withGaps([1, Number.NaN, 3, 4]), mode: "lines" }] });
    assert.match(svg, /class="js-line"/);
  });

  test("style defaults merge under the figure's own layout", () => {
    const layout = withStyle({ font: { size: 20 }, xaxis: { title: { text: "t" } } });
    assert.deepEqual(layout.font, { family: "DejaVu Sans, Liberation Sans, Arial, Open Sans, sans-serif", size: 20, color: "#222" });
    assert.equal((layout.xaxis as Record<string, unknown>).gridcolor, "#e5e5e5");
    assert.equal(fade("#0072B2", 0.5), "rgba(0,114,178,0.5)");
    assert.equal(methodColor(8), methodColor(0));
  });
});

describe("chromium discovery", () => {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "figures-path-"));
  after(() => fs.rmSync(bin, { recursive: true, force: true }));
  const fake = (name: string) => {
    fs.writeFileSync(path.join(bin, name), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    return path.join(bin, name);
  };

  test("LS_CHROMIUM beats PATH, PATH beats npm, names in order", async () => {
    const chrome = fake("google-chrome");
    assert.deepEqual(await findChromium({ PATH: bin }), { executable: chrome, source: "PATH", env: {} });
    const chromium = fake("chromium");
    assert.equal((await findChromium({ PATH: bin })).executable, chromium);
    assert.deepEqual(await findChromium({ PATH: bin, LS_CHROMIUM: process.execPath }), {
      executable: process.execPath,
      source: "LS_CHROMIUM",
      env: {},
    });
    const npm = await findChromium({ PATH: "" });
    assert.equal(npm.source, "npm");
    assert.equal((await findChromium({ PATH: bin, LS_CHROMIUM: "npm" })).executable, npm.executable);
  });

  test("errors name the problem and the fix", async () => {
    await assert.rejects(
      findChromium({ LS_CHROMIUM: "/nonexistent/chrome" }),
      /LS_CHROMIUM=\/nonexistent\/chrome is not an executable.*"npm"/,
    );
    await assert.rejects(
      launchChromium({ PATH: "", LS_CHROMIUM: "/bin/false" }),
      /^Error: Chromium \/bin\/false \(from LS_CHROMIUM\) failed to start\. .*set LS_CHROMIUM/,
    );
  });

  test("npm Chromium: every library resolves inside its unpacked folder or to core glibc", async () => {
    const npm = await findChromium({ PATH: "", LS_CHROMIUM: "npm" });
    const home = path.dirname(npm.executable);
    const libDir = npm.env.LD_LIBRARY_PATH.split(":")[0];
    assert.ok(fs.existsSync(path.join(npm.env.FONTCONFIG_PATH, "fonts.conf")));
    // libgcc_s comes from Debian's essential libgcc-s1, present wherever node runs
    const core = /^(linux-vdso|ld-linux-x86-64|libc|libm|libdl|libpthread|librt|libgcc_s)\.so/;
    const objects = [
      npm.executable,
      ...fs
        .readdirSync(home)
        .filter((f) => f.endsWith(".so") || f.endsWith(".so.1"))
        .map((f) => path.join(home, f)),
    ];
    objects.push(
      ...fs
        .readdirSync(libDir)
        .filter((f) => f.endsWith(".so") || f.endsWith(".so.1"))
        .map((f) => path.join(libDir, f)),
    );
    assert.ok(
      objects.some((f) => f.endsWith("libGLESv2.so")),
      "SwiftShader unpacked next to the binary",
    );
    for (const object of objects) {
      const out = execFileSync("ldd", [object], { env: { ...process.env, LD_LIBRARY_PATH: npm.env.LD_LIBRARY_PATH }, encoding: "utf8" });
      for (const line of out
        .trim()
        .split("\n")
        .map((l) => l.trim())) {
        const [name, target] = line.split(/\s+=>\s+/);
        if (core.test(path.basename(name.split(" ")[0]))) continue;
        // NSS's soft token links the system SQLite; rendering works without it (checked with the
        // system libraries hidden), so it may be missing
        if (object.endsWith("libsoftokn3.so") && name.startsWith("libsqlite3.so")) continue;
        assert.ok(target?.startsWith(`${libDir}/`), `${path.basename(object)}: ${line} should resolve inside ${libDir}`);
      }
    }
  });
});

describe("rendering", () => {
  test("heatmap with annotations", async () => {
    const svg = await renderSvg(heatmap);
    assert.match(svg, /^<svg[^>]* height="300"[^>]* width="400"/);
    assert.equal(count(svg, 'class="hm"'), 1);
    assert.equal(count(svg, 'class="annotation"'), 6);
    for (const label of ["v00", "v01", "v02", "v10", "v11", "v12"]) assert.ok(svg.includes(`>${label}</text>`), label);
    assert.deepEqual(pngSize(await renderPng(heatmap)), { width: 400 * PNG_SCALE, height: 300 * PNG_SCALE });
  });

  test("lines with an error band (fill tonexty)", async () => {
    const svg = await renderSvg(band);
    assert.equal(count(svg, 'class="trace scatter'), 3);
    assert.equal(count(svg, 'class="js-fill"'), 1);
    assert.match(svg, /class="js-fill" d="M[^"]+Z" style="fill: rgb\(0, 114, 178\); fill-opacity: 0\.25/);
    assert.ok(svg.includes(">loss ± 1 sd</text>") && svg.includes(">step</text>") && svg.includes(">ridge</text>"));
    assert.deepEqual(pngSize(await renderPng(band)), { width: 720 * PNG_SCALE, height: 440 * PNG_SCALE });
  });

  test("scatter (typed-array data)", async () => {
    const svg = await renderSvg(scatter);
    assert.equal(count(svg, 'class="point"'), 7);
    assert.deepEqual(pngSize(await renderPng(scatter)), { width: 1000, height: 1000 });
  });

  test("output is byte-identical whatever was rendered before, and after a relaunch", async () => {
    const first = [await renderSvg(band), await renderPng(band)];
    await renderSvg(heatmap);
    await renderPng(scatter);
    const again = [await renderSvg(band), await renderPng(band)];
    const pid = figureBrowser()?.pid;
    await closeFigures();
    assert.equal(figureBrowser(), undefined);
    const relaunched = [await renderSvg(band), await renderPng(band)];
    assert.notEqual(figureBrowser()?.pid, pid);
    assert.deepEqual(again.map(sha), first.map(sha));
    assert.deepEqual(relaunched.map(sha), first.map(sha));
  });

  test("a browser that died is replaced on the next figure", async () => {
    const before = await renderSvg(scatter);
    const pid = figureBrowser()?.pid as number;
    const leftovers = browserTempDirs(pid);
    process.kill(-pid, "SIGKILL"); // the whole group, as the OOM killer might
    assert.equal(await renderSvg(scatter), before);
    assert.notEqual(figureBrowser()?.pid, pid);
    removeAll(leftovers);
  });

  test("figures that need a download fail instead of fetching it", async () => {
    await assert.rejects(renderSvg({ data: [{ type: "scattergeo", lon: [0], lat: [0] }] }), /topojson/);
  });

  test("concurrent renders share the page without mixing up results", async () => {
    const [a, b, c] = await Promise.all([renderSvg(band), renderSvg(scatter), renderSvg(band)]);
    assert.equal(a, c);
    assert.equal(count(b, 'class="point"'), 7);
  });
});

describe("showFigure", () => {
  // tslab's display needs a running cell; standing in for the kernel's hook shows what it receives
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  after(() => {
    jupyter.lastWriteDisplayData = null;
  });

  test("writes svg and png atomically and returns their paths (no display outside a kernel)", async () => {
    assert.equal(await showFigure("figures-test", "band", band), undefined);
    const files = figureFiles("figures-test", "band");
    const dir = path.join(scratch, "figures-test");
    assert.deepEqual(files, { svg: path.join(dir, "band.svg"), png: path.join(dir, "band.png") });
    assert.deepEqual(fs.readdirSync(dir).sort(), ["band.png", "band.svg"], "no temp files left");
    assert.equal(fs.readFileSync(files.svg, "utf8"), await renderSvg(band));
    assert.ok(fs.readFileSync(files.png).equals(await renderPng(band)));
  });

  test("inside a kernel the PNG is displayed; display errors other than 'Not ready' propagate", async () => {
    const shown: { data: Record<string, string> }[] = [];
    jupyter.lastWriteDisplayData = (msg: { data: Record<string, string> }) => shown.push(msg);
    await showFigure("figures-test", "scatter", scatter);
    const files = figureFiles("figures-test", "scatter");
    assert.equal(shown.length, 1);
    assert.deepEqual(Object.keys(shown[0].data), ["image/png"]);
    assert.equal(shown[0].data["image/png"], fs.readFileSync(files.png).toString("base64"));
    await showFigure("figures-test", "scatter", scatter, { display: false });
    assert.equal(shown.length, 1);
    jupyter.lastWriteDisplayData = () => {
      throw new Error("iopub closed");
    };
    await assert.rejects(showFigure("figures-test", "scatter", scatter), /iopub closed/);
  });
});

// ---------------------------------------------------------------------------------------------
// Process lifetime: a script that never calls closeFigures must still exit, leaving no browser.

/** Live (non-zombie) processes in a process group; playwright starts Chromium as a group leader. */
function liveInGroup(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") live.push(Number(entry));
  }
  return live;
}

/**
 * The temporary folders of a running Chromium: its profile and the folder of its singleton
 * socket. A clean close removes both; a browser killed outright leaves them in /tmp.
 */
function browserTempDirs(pid: number): string[] {
  const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const profile = args.find((a) => a.startsWith("--user-data-dir="))?.slice("--user-data-dir=".length);
  if (profile === undefined) return [];
  try {
    return [profile, path.dirname(fs.readlinkSync(path.join(profile, "SingletonSocket")))];
  } catch {
    return [profile];
  }
}

function removeAll(dirs: string[]): void {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
}

/** Chromium's helpers exit a moment after the browser; give them a bounded while to go. */
async function groupGone(pgid: number): Promise<number[]> {
  for (let i = 0; i < 100 && liveInGroup(pgid).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return liveInGroup(pgid);
}

interface ChildReport {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  report: { pid: number; source: string; svg: string; png: string; width: number; tempDirs: string[] };
  /** JSON lines the tail printed. */
  more: Record<string, unknown>[];
}

/**
 * Runs a node -e script that renders `band`, prints what it rendered, then runs `tail`.
 * A generous guard kills a child that hangs so the test fails instead of blocking forever.
 */
function renderInChild(tail: string, env: NodeJS.ProcessEnv = {}, onReport?: (childPid: number) => void): Promise<ChildReport> {
  const script = `
    const f = require(${JSON.stringify(FIGURES_JS)});
    const crypto = require("node:crypto"), fs = require("node:fs"), path = require("node:path");
    const sha = (x) => crypto.createHash("sha256").update(x).digest("hex");
    ${browserTempDirs.toString()}
    (async () => {
      const fig = ${JSON.stringify(band)};
      const svg = await f.renderSvg(fig), png = await f.renderPng(fig);
      const b = f.figureBrowser();
      const tempDirs = browserTempDirs(b.pid);
      console.log(JSON.stringify({ pid: b.pid, source: b.source, svg: sha(svg), png: sha(png), width: png.readUInt32BE(16), tempDirs }));
      ${tail}
    })();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      if (onReport !== undefined && stdout.includes("\n")) {
        const notify = onReport;
        onReport = undefined;
        notify(child.pid as number);
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      try {
        const [report, ...more] = stdout
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line));
        resolve({ code, signal, stderr, report, more });
      } catch {
        reject(new Error(`child printed no report (code ${code}, signal ${signal}): ${stderr}`));
      }
    });
  });
}

describe("process lifetime", () => {
  test("a script exits on its own without closeFigures, leaves no Chromium, and renders identical bytes", async () => {
    const child = await renderInChild("");
    assert.equal(child.signal, null, "the script had to be killed: the browser kept it alive");
    assert.equal(child.code, 0, child.stderr);
    assert.equal(child.stderr, "");
    assert.deepEqual(await groupGone(child.report.pid), []);
    assert.equal(child.report.tempDirs.length, 2);
    assert.deepEqual(
      child.report.tempDirs.filter((d) => fs.existsSync(d)),
      [],
      "a clean close leaves no temp folders",
    );
    assert.deepEqual([child.report.svg, child.report.png], [sha(await renderSvg(band)), sha(await renderPng(band))]);
  });

  test("process.exit() straight after a render leaves no Chromium", async () => {
    const child = await renderInChild("process.exit(3);");
    assert.equal(child.code, 3);
    assert.deepEqual(await groupGone(child.report.pid), []);
    // playwright's exit hook SIGKILLs the browser and removes the profile; the socket folder stays
    removeAll(child.report.tempDirs);
  });

  test("SIGTERM while the browser is idle leaves no Chromium (it exits when its pipe closes)", async () => {
    const child = await renderInChild("setInterval(() => {}, 1000);", {}, (childPid) => process.kill(childPid, "SIGTERM"));
    assert.equal(child.signal, "SIGTERM");
    assert.deepEqual(await groupGone(child.report.pid), []);
    // death by signal runs no exit hooks, so the temp folders stay (and playwright's empty
    // playwright-artifacts-* folder, which nothing here can tell apart from other processes')
    removeAll(child.report.tempDirs);
  });

  test("LS_CHROMIUM=npm renders through @sparticuz/chromium, WebGL included, and exits cleanly", async () => {
    // same axes with and without points: the PNGs differ only if WebGL actually drew the markers
    const webgl = `
      const gl = (y) => f.renderPng({ data: [{ type: "scattergl", mode: "markers", y, marker: { size: 20 } }],
        layout: { xaxis: { range: [-1, 3] }, yaxis: { range: [0, 4] } }, width: 300, height: 200 });
      console.log(JSON.stringify({ webglDrew: !(await gl([1, 3, 2])).equals(await gl([])) }));`;
    const child = await renderInChild(webgl, { LS_CHROMIUM: "npm" });
    assert.equal(child.signal, null);
    assert.equal(child.code, 0, child.stderr);
    assert.equal(child.report.source, "npm");
    assert.equal(child.report.width, 720 * PNG_SCALE);
    assert.deepEqual(child.more, [{ webglDrew: true }]);
    assert.deepEqual(await groupGone(child.report.pid), []);
    assert.deepEqual(
      child.report.tempDirs.filter((d) => fs.existsSync(d)),
      [],
    );
  });
});
