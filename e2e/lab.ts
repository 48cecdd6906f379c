#!/usr/bin/env node
/**
 * `make e2e-lab [E2E_NB=<slug> ...]`: the notebooks in JupyterLab, in a real browser.
 *
 * JupyterLab is not packaged in Debian and PyPI is out of reach here, so e2e/jupyterlab/ bundles
 * the JupyterLab 4 front end from its npm packages (as JupyterLab's examples/app does) and serves
 * it with Debian's jupyterlab_server + jupyter_server, with the project's kernelspec and
 * LS_SCALE=smoke in a private Jupyter home (e2e/shared.ts). Per notebook, in headless Chromium:
 *
 *   1. opened from /lab/tree/<path>, its saved outputs render: every figure image loaded
 *      (naturalWidth > 0, as many as the file's image/png outputs) and the claims table present;
 *      starting the kernel does not mark it modified;
 *   2. Kernel > Restart Kernel and Run All Cells… (menu, then the dialog), after clearing the
 *      outputs: every code cell executed, no error and no stderr output, the smoke banner, every
 *      figure loaded and the claims table rendered again;
 *   3. a TypeScript cell typed at the end runs and shows its value, and Tab completes a member
 *      name through the kernel (tslab's completions);
 *   4. the page is closed without saving (autosave off in the private settings): the notebook's
 *      bytes on disk and `git status --porcelain` are unchanged.
 *
 * One screenshot per notebook in build/e2e-lab/<slug>.png. Exit status 0 when all pass, 1 when a
 * check fails, 2 when a prerequisite (Debian packages, the bundle) is missing.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { repoRoot } from "../lib/core/env";
import {
  type CellReport,
  Prerequisite,
  STEP_LIMIT_MS,
  cellProblems,
  chromiumPath,
  conclude,
  freePort,
  gitStatus,
  imageProblems,
  jupyterHome,
  launchChromium,
  runMain,
  selectNotebooks,
  sha256,
  sleep,
  startServer,
} from "./shared";

const PYTHON = "/usr/bin/python3";
const TAG = "e2e-lab";

interface OutputState {
  images: { total: number; broken: number };
  /** image/png outputs in the notebook model: each should be one loaded <img> */
  pngOutputs: number;
  /** rendered tables whose header has "claim" and "verdict", with their body rows */
  claimsTableRows: number[];
}

/**
 * Evaluated in the page: the open notebook through the application handle the bundle exposes
 * (window.jupyterapp, as galata's helper extension does).
 */
const PANEL = "(() => { const w = window.jupyterapp.shell.currentWidget; return w && w.content && w.context ? w : null; })()";

const OUTPUTS = `(() => {
  const panel = ${PANEL};
  const imgs = Array.from(panel.node.querySelectorAll(".jp-OutputArea-output img"));
  let png = 0;
  for (const cell of panel.content.model.cells) {
    if (cell.type !== "code") continue;
    for (const o of cell.outputs.toJSON()) if (o.data && o.data["image/png"] !== undefined) png += 1;
  }
  const claims = Array.from(panel.node.querySelectorAll(".jp-OutputArea-output table")).filter((t) => {
    const heads = Array.from(t.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    return heads.includes("claim") && heads.includes("verdict");
  });
  return {
    images: { total: imgs.length, broken: imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).length },
    pngOutputs: png,
    claimsTableRows: claims.map((t) => t.querySelectorAll("tbody tr").length),
  };
})()`;

const CELLS = `(() => {
  const panel = ${PANEL};
  const out = [];
  let index = 0;
  for (const cell of panel.content.model.cells) {
    index += 1;
    if (cell.type !== "code" || cell.sharedModel.getSource().trim() === "") continue;
    const outputs = cell.outputs.toJSON();
    const text = (o) => (Array.isArray(o) ? o.join("") : o === undefined ? "" : String(o));
    out.push({
      index: index,
      prompt: cell.executionCount,
      errors: outputs.filter((o) => o.output_type === "error").map((o) => o.ename + ": " + o.evalue),
      stderr: outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => text(o.text)),
      text: outputs.map((o) => (o.output_type === "stream" ? text(o.text) : o.data ? text(o.data["text/plain"]) : "")).join(""),
    });
  }
  return out;
})()`;

/** The kernel is connected and idle (galata waits for the same before scheduling executions). */
const KERNEL_IDLE = `(() => {
  const panel = ${PANEL};
  const k = panel && panel.sessionContext.session ? panel.sessionContext.session.kernel : null;
  return k !== null && k.connectionStatus === "connected" && k.status === "idle";
})()`;

function outputProblems(state: OutputState, when: string): string[] {
  const problems = imageProblems(state.images, when);
  if (state.images.total !== state.pngOutputs)
    problems.push(`${state.images.total} <img> elements for ${state.pngOutputs} image/png outputs${when}`);
  if (state.claimsTableRows.length === 0) problems.push(`no claims table (a table with "claim" and "verdict" columns)${when}`);
  else if (state.claimsTableRows.every((n) => n === 0)) problems.push(`the claims table has no rows${when}`);
  return problems;
}

async function waitForImages(page: Page): Promise<void> {
  // images decode asynchronously
  await page
    .waitForFunction(`Array.from(document.querySelectorAll(".jp-OutputArea-output img")).every((i) => i.complete)`, undefined, {
      timeout: STEP_LIMIT_MS,
    })
    .catch(() => undefined);
}

/** The source of the active cell's editor. */
async function activeSource(page: Page): Promise<string> {
  return (await page.evaluate(`${PANEL}.content.activeCell.model.sharedModel.getSource()`)) as string;
}

/** The text/plain or stream output of the active cell once it has run. */
async function runActiveCell(page: Page): Promise<{ count: unknown; text: string; errors: string[] }> {
  const index = (await page.evaluate(`${PANEL}.content.activeCellIndex`)) as number;
  await page.keyboard.press("Control+Enter");
  await page.waitForFunction(
    `(() => { const c = ${PANEL}.content.model.cells.get(${index}); return typeof c.executionCount === "number"; })()`,
    undefined,
    { timeout: STEP_LIMIT_MS, polling: 250 },
  );
  await page.waitForFunction(KERNEL_IDLE, undefined, { timeout: STEP_LIMIT_MS, polling: 250 });
  return (await page.evaluate(`(() => {
    const c = ${PANEL}.content.model.cells.get(${index});
    const outs = c.outputs.toJSON();
    const text = (o) => (Array.isArray(o) ? o.join("") : o === undefined ? "" : String(o));
    return {
      count: c.executionCount,
      text: outs.map((o) => (o.output_type === "stream" ? text(o.text) : o.data ? text(o.data["text/plain"]) : "")).join("").trim(),
      errors: outs.filter((o) => o.output_type === "error").map((o) => o.ename + ": " + o.evalue),
    };
  })()`)) as { count: unknown; text: string; errors: string[] };
}

/** A new code cell below the last one, in edit mode. */
async function newCellAtEnd(page: Page): Promise<void> {
  await page.evaluate(`(async () => {
    const panel = ${PANEL};
    panel.content.activeCellIndex = panel.content.widgets.length - 1;
    await window.jupyterapp.commands.execute("notebook:insert-cell-below");
    await window.jupyterapp.commands.execute("notebook:enter-edit-mode");
  })()`);
  await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-active .cm-content").waitFor();
}

/**
 * Step 3: a typed TypeScript cell and a Tab completion, as a reader trying the kernel out. The
 * expected values are worked by hand: 7·(1+2+3) = 42; reduceRight folds 3, 2, 1 into 321.
 */
async function typingProblems(page: Page): Promise<{ problems: string[]; completion: string }> {
  const problems: string[] = [];
  await newCellAtEnd(page);
  await page.keyboard.type("const labCheckValues: number[] = [1, 2, 3];\nlabCheckValues.reduce((a, b) => a + b, 0) * 7");
  const first = await runActiveCell(page);
  for (const e of first.errors) problems.push(`the typed cell failed: ${e}`);
  if (first.text !== "42") problems.push(`the typed cell showed ${JSON.stringify(first.text)}, expected "42"`);

  await newCellAtEnd(page);
  await page.keyboard.type("labCheckValues.reduceR");
  // Tab completes once the completer has attached to the new cell's editor (asynchronous).
  await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-active .jp-mod-completer-enabled").first().waitFor();
  // A single candidate may be inserted at once; otherwise the completer lists the candidates.
  let completion = "";
  for (let attempt = 0; attempt < 3 && completion === ""; attempt++) {
    await page.keyboard.press("Tab");
    const deadline = Date.now() + STEP_LIMIT_MS / 3;
    while (Date.now() < deadline) {
      const source = await activeSource(page);
      if (source !== "labCheckValues.reduceR") {
        completion = `inserted: ${source}`;
        break;
      }
      const item = page.locator('.jp-Completer-item[data-value="reduceRight"]');
      if ((await item.count()) > 0) {
        const items = await page.locator(".jp-Completer-item").evaluateAll((els) => els.map((e) => e.getAttribute("data-value")));
        completion = `listed: ${items.join(", ")}`;
        await item.first().click();
        break;
      }
      await sleep(250);
    }
  }
  const completed = await activeSource(page);
  if (completed !== "labCheckValues.reduceRight") {
    problems.push(
      `Tab completion of "labCheckValues.reduceR" gave ${JSON.stringify(completed)} (${completion || "no candidate after three Tabs, 20 s each"})`,
    );
    return { problems: problems, completion: completion };
  }
  await page.keyboard.press("End");
  await page.keyboard.type("((acc, v) => acc * 10 + v, 0)");
  const second = await runActiveCell(page);
  for (const e of second.errors) problems.push(`the completed cell failed: ${e}`);
  if (second.text !== "321") problems.push(`the completed cell showed ${JSON.stringify(second.text)}, expected "321"`);
  return { problems: problems, completion: completion };
}

/** Steps 1 to 4 for one notebook; returns its problems. */
async function checkNotebook(page: Page, options: { base: string; token: string; rel: string; shot: string }): Promise<string[]> {
  const problems: string[] = [];
  const t0 = Date.now();
  await page.goto(`${options.base}/lab/tree/${options.rel}?token=${options.token}`, { timeout: STEP_LIMIT_MS });
  await page.waitForFunction(`document.body.dataset.labRestored === "true" && ${PANEL} !== null && ${PANEL}.context.isReady`, undefined, {
    timeout: STEP_LIMIT_MS,
    polling: 250,
  });
  await page.waitForFunction(KERNEL_IDLE, undefined, { timeout: STEP_LIMIT_MS, polling: 250 });
  const tOpen = (Date.now() - t0) / 1000;
  // Starting the kernel is when JupyterLab rewrites metadata.kernelspec and language_info.
  await sleep(2000);
  if ((await page.evaluate(`${PANEL}.context.model.dirty`)) === true)
    problems.push("opening the notebook and starting its kernel marked it modified (its kernelspec or language_info metadata differ)");
  await waitForImages(page);
  const saved = (await page.evaluate(OUTPUTS)) as OutputState;
  problems.push(...outputProblems(saved, " (saved outputs)"));

  // Clear the saved outputs first, so what is checked below comes from this run only.
  await page.evaluate(`window.jupyterapp.commands.execute("notebook:clear-all-cell-outputs")`);
  // galata's menu locators (helpers/menu.ts)
  await page.locator('li:has(div.lm-MenuBar-itemLabel:text-is("Kernel"))').click();
  await page.locator('.lm-Menu ul li:has(div.lm-Menu-itemLabel:text-is("Restart Kernel and Run All Cells…"))').click();
  await page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click();
  const tRun = Date.now();
  // Done when every code cell has an execution count and the kernel is idle; or, since Run All
  // stops at an error, when a cell shows an error and the kernel stays idle.
  await page.waitForFunction(
    `(() => {
      const panel = ${PANEL};
      const k = panel.sessionContext.session ? panel.sessionContext.session.kernel : null;
      const idle = k !== null && k.status === "idle";
      const code = Array.from(panel.content.model.cells).filter((c) => c.type === "code" && c.sharedModel.getSource().trim() !== "");
      if (!idle) { window.__labIdleSince = undefined; return false; }
      if (code.length > 0 && code.every((c) => typeof c.executionCount === "number")) return true;
      const failed = code.some((c) => c.outputs.toJSON().some((o) => o.output_type === "error"));
      window.__labIdleSince = window.__labIdleSince || Date.now();
      return failed && Date.now() - window.__labIdleSince > 3000;
    })()`,
    undefined,
    { timeout: STEP_LIMIT_MS, polling: 500 },
  );
  const runSeconds = (Date.now() - tRun) / 1000;
  await waitForImages(page);
  const cells = (await page.evaluate(CELLS)) as CellReport[];
  problems.push(...cellProblems(cells));
  const fresh = (await page.evaluate(OUTPUTS)) as OutputState;
  problems.push(...outputProblems(fresh, " (after the run)"));

  const typed = await typingProblems(page);
  problems.push(...typed.problems);

  await screenshot(page, options.shot);
  process.stderr.write(
    `${TAG}: ${options.rel}: opened with kernel idle in ${tOpen.toFixed(1)} s; saved outputs ${saved.images.total} images, ` +
      `claims table ${saved.claimsTableRows.join("+")} rows; ${cells.length} code cells ran in ${runSeconds.toFixed(1)} s, ` +
      `${fresh.images.total} images, claims table ${fresh.claimsTableRows.join("+")} rows; completion ${typed.completion}; ` +
      `${problems.length === 0 ? "ok" : "FAILED"} (page total ${((Date.now() - t0) / 1000).toFixed(1)} s) -> ${path.relative(repoRoot(), options.shot)}\n`,
  );
  return problems;
}

/** The whole notebook: JupyterLab scrolls it inside a panel, so the viewport grows to its height first. */
async function screenshot(page: Page, file: string): Promise<void> {
  const height = (await page
    .evaluate(
      `(() => { const s = ${PANEL}.node.querySelector(".jp-WindowedPanel-outer"); return s.scrollHeight + (window.innerHeight - s.clientHeight); })()`,
    )
    .catch(() => 900)) as number;
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(900, Math.ceil(height)), 32_000) });
  await sleep(1000);
  await page.screenshot({ path: file, fullPage: true });
}

/**
 * The test's settings, as application overrides (a private app_settings_dir/overrides.json): no
 * autosave (nothing may be written back), every cell attached to the DOM, no news fetched.
 * Overrides rather than user settings: jupyterlab_server 2.16 validates user settings with JSON
 * Schema draft 4, which lacks `const`, so it drops every user setting of a plugin whose schema
 * uses `oneOf: [{ const }]` (the notebook tracker's windowingMode, the news setting); overrides
 * only change the schema's defaults.
 */
function writeOverrides(dir: string): void {
  const overrides = {
    "@jupyterlab/docmanager-extension:plugin": { autosave: false },
    // The default ('contentVisibility') may leave off-screen outputs unrendered: every figure is checked.
    "@jupyterlab/notebook-extension:tracker": { windowingMode: "none" },
    "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false },
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "overrides.json"), `${JSON.stringify(overrides, null, 2)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const root = repoRoot();
  const notebooks = selectNotebooks(root, argv);
  const labDir = path.join(root, "e2e", "jupyterlab");
  const browserPath = chromiumPath();
  const missing: string[] = [];
  const probe = spawnSync(PYTHON, ["-c", "import jupyter_server, jupyterlab_server"], { encoding: "utf8" });
  if (probe.status !== 0) missing.push("python3-jupyter-server python3-jupyterlab-server");
  if (!fs.existsSync(browserPath)) missing.push("chromium");
  if (missing.length > 0)
    throw new Prerequisite(
      `make e2e-lab needs Debian's ${missing.join(" and ")}: apt-get install --no-install-recommends ${missing.join(" ")}`,
    );
  if (!fs.existsSync(path.join(labDir, "build", "bundle.js")))
    throw new Prerequisite("the JupyterLab front end is not built: run `make e2e-lab` (it builds e2e/jupyterlab/build first)");

  const before = gitStatus(root);
  const digests = new Map(notebooks.map((nb) => [nb, sha256(nb)]));
  // JupyterLab makes a checkpoint when it opens a file that has none; remove the ones this run made.
  const checkpoints = notebooks.map((nb) =>
    path.join(path.dirname(nb), ".ipynb_checkpoints", `${path.basename(nb, ".ipynb")}-checkpoint.ipynb`),
  );
  const preexisting = new Set(checkpoints.filter((c) => fs.existsSync(c)));
  const checkpointDirExisted = fs.existsSync(path.dirname(checkpoints[0] ?? root));
  const jhome = jupyterHome(root);
  const appSettingsDir = path.join(jhome.home, "lab-app-settings");
  writeOverrides(appSettingsDir);
  const shots = path.join(root, "build", "e2e-lab");
  fs.mkdirSync(shots, { recursive: true });
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer({
    name: "jupyterlab_server",
    command: PYTHON,
    args: [
      path.join(labDir, "main.py"),
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
      "--no-browser",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.token=${token}`,
      `--ServerApp.root_dir=${root}`,
      `--E2ELabApp.app_settings_dir=${appSettingsDir}`,
      `--E2ELabApp.user_settings_dir=${path.join(jhome.home, "lab-user-settings")}`,
      `--E2ELabApp.workspaces_dir=${path.join(jhome.home, "lab-workspaces")}`,
    ],
    cwd: root,
    env: jhome.env,
    readyUrl: `${base}/api/status?token=${token}`,
  });
  // A notebook must never be saved: refuse to open one unless the server applied the overrides.
  const docmanager = (await (await fetch(`${base}/lab/api/settings/@jupyterlab/docmanager-extension:plugin?token=${token}`)).json()) as {
    schema?: { properties?: { autosave?: { default?: unknown } } };
  };
  if (docmanager.schema?.properties?.autosave?.default !== false) {
    server.stop();
    jhome.dispose();
    throw new Error(
      `the server did not apply ${path.join(appSettingsDir, "overrides.json")} (autosave is still on); not opening any notebook`,
    );
  }
  const failures: string[] = [];
  const browser = await launchChromium(browserPath);
  try {
    const versions = JSON.parse(fs.readFileSync(path.join(labDir, "package.json"), "utf8")).dependencies;
    process.stderr.write(
      `${TAG}: JupyterLab ${versions["@jupyterlab/application"]} front end on Debian's jupyterlab_server at ${base}, ` +
        `Chromium ${browser.version()}, ${notebooks.length} notebook(s) at smoke scale\n`,
    );
    for (const nb of notebooks) {
      const slug = path.basename(nb, ".ipynb");
      const rel = path.relative(root, nb).split(path.sep).join("/");
      const shot = path.join(shots, `${slug}.png`);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Playwright's 30 s default is short for a 5 MB bundle and a kernel start on a busy 2-core machine.
      page.setDefaultTimeout(STEP_LIMIT_MS);
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message.split("\n")[0]));
      // A plugin that cannot activate means the bundle lacks a core extension it needs.
      page.on("console", (m) => {
        if (m.type() === "error" && /^Plugin '.*' failed to activate/.test(m.text())) pageErrors.push(m.text().split("\n")[0]);
      });
      let problems: string[] = [];
      try {
        problems = await checkNotebook(page, { base: base, token: token, rel: rel, shot: shot });
      } catch (e) {
        problems.push(`browser step failed: ${(e as Error).message.split("\n")[0]}`);
        await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
      } finally {
        // Shut the kernel down and leave without saving, as a user who closes the tab and discards.
        await page.evaluate(`${PANEL}.sessionContext.shutdown()`).catch(() => undefined);
        await sleep(500);
        await page.close({ runBeforeUnload: false });
      }
      for (const e of pageErrors) problems.push(`in the page: ${e}`);
      for (const p of problems) failures.push(`${rel}: ${p}`);
    }
  } finally {
    await browser.close();
    server.stop();
    await sleep(1000);
    jhome.dispose();
  }
  for (const [nb, digest] of digests) {
    if (sha256(nb) !== digest) failures.push(`${path.relative(root, nb)}: the file on disk changed (it must not be saved)`);
  }
  for (const c of checkpoints) if (!preexisting.has(c)) fs.rmSync(c, { force: true });
  if (!checkpointDirExisted && checkpoints.length > 0) {
    const dir = path.dirname(checkpoints[0]);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  return conclude(TAG, root, { before: before, failures: failures, notebooks: notebooks.length });
}

runMain(TAG, main);
