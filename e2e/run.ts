#!/usr/bin/env node
/**
 * `make e2e [E2E_NB=<slug> ...]`: the notebooks as people use them, in a real browser.
 *
 * Starts Debian's Jupyter Notebook (jupyter-notebook 6.4) on a free localhost port with a private
 * Jupyter config/data/runtime folder holding this project's kernelspec (the one `make kernel`
 * writes) and LS_SCALE=smoke in the kernel's environment; opens each notebook in headless Debian
 * Chromium through playwright-core; and checks, per notebook:
 *
 *   1. opening it and waiting for the kernel leaves it unmodified (Jupyter's dirty flag stays
 *      false: its kernelspec metadata equals the registered kernel's, issue 11 defect 2);
 *   2. Kernel > Restart & Run All (the menu, then the confirmation dialog) executes every code
 *      cell, with no error and no stderr output, the smoke banner in the first code cell's output,
 *      and every figure image loaded (naturalWidth > 0);
 *   3. nothing in the repository changed (`git status --porcelain` as before the run: smoke
 *      results went to build/smoke/, never figures/ or the notebook; defect 1); autosave is off
 *      during the run and the page is closed without saving, as a user who did not press Save.
 *
 * A screenshot per notebook goes to build/e2e/<slug>.png. Exit status 0 when all pass, 1 when a
 * check fails, 2 when a prerequisite (Debian packages, build) is missing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { repoRoot } from "../lib/core/env";
import {
  type CellReport,
  chromiumPath as defaultChromium,
  Prerequisite,
  STEP_LIMIT_MS,
  cellProblems,
  conclude,
  freePort,
  gitStatus,
  imageProblems,
  jupyterHome,
  launchChromium,
  runMain,
  selectNotebooks,
  sleep,
  startServer,
  which,
} from "./shared";

interface PageReport {
  cells: CellReport[];
  images: { total: number; broken: number };
  busy: boolean;
}

/** Evaluated in the page (classic Notebook's `Jupyter` global): the state of every code cell. */
const INSPECT = `(() => {
  const nb = Jupyter.notebook;
  const cells = nb.get_cells().map((c, index) => ({ c, index })).filter(({ c }) => c.cell_type === "code" && c.get_text().trim() !== "");
  const imgs = Array.from(document.querySelectorAll(".output_area img"));
  return {
    busy: nb.kernel === null || nb.kernel._msg_callbacks === undefined ? true : document.querySelector("#kernel_indicator_icon.kernel_busy_icon") !== null,
    images: { total: imgs.length, broken: imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).length },
    cells: cells.map(({ c, index }) => ({
      index: index + 1,
      prompt: c.input_prompt_number === undefined ? null : c.input_prompt_number,
      errors: c.output_area.outputs.filter((o) => o.output_type === "error").map((o) => o.ename + ": " + o.evalue),
      stderr: c.output_area.outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => o.text),
      text: c.output_area.outputs.map((o) => (o.text !== undefined ? o.text : "")).join(""),
    })),
  };
})()`;

async function main(argv: string[]): Promise<number> {
  const root = repoRoot();
  const notebooks = selectNotebooks(root, argv);

  const jupyter = which("jupyter-notebook");
  const chromiumPath = defaultChromium();
  const missing: string[] = [];
  if (jupyter === undefined) missing.push("jupyter-notebook");
  if (!fs.existsSync(chromiumPath)) missing.push("chromium");
  if (missing.length > 0) {
    throw new Prerequisite(
      `make e2e needs Debian's ${missing.join(" and ")}: apt-get install --no-install-recommends jupyter-notebook jupyter-client chromium`,
    );
  }

  const before = gitStatus(root);
  const jhome = jupyterHome(root);
  const shots = path.join(root, "build", "e2e");
  fs.mkdirSync(shots, { recursive: true });
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer({
    name: "jupyter-notebook",
    command: jupyter as string,
    args: [
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
      "--no-browser",
      `--port=${port}`,
      "--port-retries=0",
      "--ip=127.0.0.1",
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${root}`,
      "--NotebookApp.open_browser=False",
    ],
    cwd: root,
    env: jhome.env,
    readyUrl: `${base}/api/status?token=${token}`,
  });
  const failures: string[] = [];
  const browser = await launchChromium(chromiumPath);
  try {
    process.stderr.write(
      `e2e: Jupyter Notebook on ${base}, Chromium ${browser.version()}, ${notebooks.length} notebook(s) at smoke scale\n`,
    );
    for (const nb of notebooks) {
      const slug = path.basename(nb, ".ipynb");
      const rel = path.relative(root, nb).split(path.sep).join("/");
      const t0 = Date.now();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(STEP_LIMIT_MS);
      const problems: string[] = [];
      try {
        await page.goto(`${base}/notebooks/${rel}?token=${token}`);
        await page.waitForFunction(
          "window.Jupyter !== undefined && Jupyter.notebook !== undefined && Jupyter.notebook.kernel !== null && Jupyter.notebook.kernel.is_connected()",
          undefined,
          { timeout: STEP_LIMIT_MS, polling: 250 },
        );
        // The kernel_ready handler is where Jupyter rewrites metadata.kernelspec/language_info.
        await sleep(3000);
        if ((await page.evaluate("Jupyter.notebook.dirty")) === true) {
          problems.push(
            "opening the notebook and starting its kernel marked it modified (kernelspec or language_info metadata differ from the registered kernel's)",
          );
        }
        await page.evaluate("Jupyter.notebook.set_autosave_interval(0)");
        // Clear the committed outputs first, so what is checked below comes from this run only.
        await page.evaluate("Jupyter.notebook.clear_all_output()");
        // Kernel > Restart & Run All, then confirm, as a user does.
        await page.click("#kernellink");
        await page.click("#restart_run_all");
        await page.click(".modal-footer button.btn-danger", { timeout: STEP_LIMIT_MS });
        const tRun = Date.now();
        await page.waitForFunction(
          `(() => { const cs = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code" && c.get_text().trim() !== "");
             return cs.length > 0 && cs.every((c) => typeof c.input_prompt_number === "number") && Jupyter.notebook.kernel_busy !== true
               && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null; })()`,
          undefined,
          { timeout: STEP_LIMIT_MS, polling: 500 },
        );
        const runSeconds = (Date.now() - tRun) / 1000;
        // images decode asynchronously
        await page
          .waitForFunction(`Array.from(document.querySelectorAll(".output_area img")).every((i) => i.complete)`, undefined, {
            timeout: STEP_LIMIT_MS,
          })
          .catch(() => undefined);
        const report = (await page.evaluate(INSPECT)) as PageReport;
        problems.push(...cellProblems(report.cells), ...imageProblems(report.images));
        // The notebook scrolls inside #site; let it grow so the screenshot shows every cell.
        await page.evaluate(
          `(() => { const s = document.getElementById("site"); if (s) { s.style.height = "auto"; s.style.overflow = "visible"; } window.scrollTo(0, 0); })()`,
        );
        await page.screenshot({ path: path.join(shots, `${slug}.png`), fullPage: true });
        process.stderr.write(
          `e2e: ${rel}: ${report.cells.length} code cells executed in ${runSeconds.toFixed(1)} s, ${report.images.total} images loaded, ` +
            `${problems.length === 0 ? "ok" : "FAILED"} (page total ${((Date.now() - t0) / 1000).toFixed(1)} s) -> build/e2e/${slug}.png\n`,
        );
      } catch (e) {
        problems.push(`browser step failed: ${(e as Error).message.split("\n")[0]}`);
        await page.screenshot({ path: path.join(shots, `${slug}.png`), fullPage: true }).catch(() => undefined);
      } finally {
        // Shut the kernel down and leave without saving (autosave is off), as a user who closes the tab.
        await page.evaluate("Jupyter.notebook.session.delete()").catch(() => undefined);
        await sleep(500);
        await page.close({ runBeforeUnload: false });
      }
      for (const p of problems) failures.push(`${rel}: ${p}`);
    }
  } finally {
    await browser.close();
    server.stop();
    await sleep(1000);
    jhome.dispose();
  }
  return conclude("e2e", root, { before: before, failures: failures, notebooks: notebooks.length });
}

runMain("e2e", main);
