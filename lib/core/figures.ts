/**
 * Static figures: plotly specs built in lib code, rendered to SVG and PNG by plotly.js in a
 * headless Chromium, written under the study's output folder and shown in the notebook as PNG
 * (the one image type JupyterLab and GitHub's notebook preview both render without extensions).
 *
 * plotly.js cannot run in Node, so specs stay plain JSON here and only the browser draws them.
 * One browser and one page serve the whole process: launched on the first figure, reused after,
 * closed by `closeFigures()` or when Node runs out of other work (see `holding` below).
 *
 * Missing values: NaN and ±Infinity anywhere in a spec are an error that names where they are.
 * plotly.js would quietly drop them (or break an axis range) and JSON cannot even write them, so a
 * diverged loss would otherwise turn into a plausible-looking figure. Ask for a gap with `null`;
 * `withGaps(values)` does that for series where missing values are expected.
 *
 * Limits: the page is offline, so traces that download map data (scattergeo, choropleth, *map,
 * *mapbox) fail with plotly's fetch error. LaTeX in labels is shown as typed (no MathJax). WebGL
 * traces (scattergl, 3-D) render through SwiftShader, slowly (about 2 s for the first).
 */
import * as path from "node:path";
import type { Page } from "playwright-core";
import { launchChromium, type ChromiumSource, type LaunchedChromium } from "./browser";
import { showPng } from "./display";
import { studyOutputDir } from "./env";
import { writeFileAtomic } from "./files";
import { FIGURE_HEIGHT, FIGURE_WIDTH, PNG_SCALE, withStyle } from "./plot-style";

/** A plotly figure: `data` traces and `layout` exactly as plotly.js takes them. */
export interface Figure {
  data: Record<string, unknown>[];
  /** Laid over the house style of plot-style.ts. */
  layout?: Record<string, unknown>;
  /** CSS pixels (default 720 x 440); the PNG has PNG_SCALE times as many pixels each way. */
  width?: number;
  height?: number;
}

export interface FigureFiles {
  svg: string;
  png: string;
}

export interface ShowOptions {
  /** Show the PNG in the notebook (default true; a no-op outside a tslab kernel). */
  display?: boolean;
}

/** Every render starts Math.random from this seed, so plotly's random SVG ids repeat exactly. */
const RENDER_SEED = 20240611;

/** In the degraded case where the browser could not be unref'd, close it this long after use. */
const IDLE_CLOSE_MS = 2000;

const FIGURE_NAME = /^[a-z0-9][a-z0-9_-]{0,79}$/;

/** Maps NaN and ±Infinity to null, which plotly draws as a gap. */
export function withGaps(values: ArrayLike<number | null>): (number | null)[] {
  return Array.from(values, (v) => (v === null || Number.isFinite(v) ? v : null));
}

// ---------------------------------------------------------------------------------------------
// Spec checking

interface PreparedFigure {
  json: string;
  width: number;
  height: number;
}

/** Copies `value` into plain JSON data, rejecting what JSON or plotly would silently mangle. */
function plain(value: unknown, where: string): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new Error(`figure has ${value} at ${where}: use null for a gap (withGaps() maps NaN/Infinity to null)`);
    }
    return value;
  }
  if (value === null || value === undefined || typeof value === "string" || typeof value === "boolean") return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (v, i) => plain(v, `${where}[${i}]`));
  }
  if (Array.isArray(value)) return value.map((v, i) => plain(v, `${where}[${i}]`));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v, `${where}.${k}`);
    return out;
  }
  throw new Error(`figure has a ${typeof value} at ${where}; a figure spec must be plain JSON data`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function size(value: unknown, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 16 || v > 8192) {
    throw new Error(`figure ${what} must be an integer number of pixels in [16, 8192], got ${String(value)}`);
  }
  return v;
}

function prepare(fig: Figure): PreparedFigure {
  if (!isRecord(fig)) throw new Error("a figure must be an object {data, layout?, width?, height?}");
  if (!Array.isArray(fig.data)) throw new Error(`figure.data must be an array of traces, got ${typeof fig.data}`);
  fig.data.forEach((trace, i) => {
    if (!isRecord(trace)) throw new Error(`figure.data[${i}] must be a trace object`);
  });
  if (fig.layout !== undefined && !isRecord(fig.layout)) throw new Error("figure.layout must be an object");
  const layout = fig.layout ?? {};
  const spec = { data: plain(fig.data, "data"), layout: plain(withStyle(layout), "layout") };
  return {
    json: JSON.stringify(spec),
    width: size(fig.width ?? layout.width, FIGURE_WIDTH, "width"),
    height: size(fig.height ?? layout.height, FIGURE_HEIGHT, "height"),
  };
}

// ---------------------------------------------------------------------------------------------
// Browser session

interface Session {
  launched: LaunchedChromium;
  page: Page;
}

/** What the page scripts below can see; the lib compiles without DOM types. */
interface PageGlobals {
  __lsSeedRandom(seed: number): void;
  __lsCanonicalSvg(svg: string): string;
  Plotly: { toImage(fig: unknown, options: Record<string, unknown>): Promise<string> };
}

/**
 * Runs inside the headless page (never in Node) before plotly.js loads, replacing the page's
 * Math.random so plotly's element ids repeat. mulberry32 is enough here: the numbers only have to
 * be repeatable, not good.
 */
function installSeededRandom(): void {
  let state = 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  (globalThis as unknown as PageGlobals).__lsSeedRandom = (seed: number) => {
    state = seed | 0;
  };
}

/**
 * Runs inside the page. plotly.js caches text measurements across plots, so the same figure can
 * be drawn through a different sequence of attribute updates depending on what was plotted
 * before: the same picture, but attributes serialized in another order. Sorting every element's
 * attributes makes the SVG bytes depend on the figure alone.
 */
function installCanonicalSvg(): void {
  // the lib compiles without DOM types, so describe the few DOM calls used here
  interface Attr {
    name: string;
  }
  interface El {
    attributes: ArrayLike<Attr>;
    removeAttributeNode(a: Attr): void;
    setAttributeNode(a: Attr): void;
  }
  interface Doc {
    querySelectorAll(selector: string): ArrayLike<El>;
  }
  const g = globalThis as unknown as {
    DOMParser: new () => { parseFromString(text: string, type: string): Doc };
    XMLSerializer: new () => { serializeToString(doc: Doc): string };
  };
  (globalThis as unknown as PageGlobals).__lsCanonicalSvg = (svg: string) => {
    const doc = new g.DOMParser().parseFromString(svg, "image/svg+xml");
    for (const el of Array.from(doc.querySelectorAll("*"))) {
      const attrs = Array.from(el.attributes).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const a of attrs) el.removeAttributeNode(a);
      for (const a of attrs) el.setAttributeNode(a);
    }
    return new g.XMLSerializer().serializeToString(doc);
  };
}

let opening: Promise<Session> | undefined;
let live: Session | undefined;
let tail: Promise<unknown> = Promise.resolve();
let idleTimer: NodeJS.Timeout | undefined;

async function openSession(): Promise<Session> {
  const launched = await launchChromium();
  try {
    // offline: nothing may download at render time (plotly fetches map data from its CDN and
    // would otherwise try); such figures fail with plotly's fetch error instead
    const page = await launched.browser.newPage({ offline: true });
    await page.setContent("<!doctype html><html><head><meta charset=utf-8></head><body></body></html>");
    await page.evaluate(installSeededRandom);
    await page.evaluate(installCanonicalSvg);
    await page.addScriptTag({ path: require.resolve("plotly.js-dist") });
    const session: Session = { launched, page };
    launched.browser.on("disconnected", () => forget(session));
    process.on("beforeExit", closeOnBeforeExit);
    live = session;
    return session;
  } catch (e) {
    await launched.browser.close().catch(() => undefined); // the setup error below is the one to report
    throw e;
  }
}

/** Drops a browser that died (crash, OOM kill) so the next figure launches a fresh one. */
function forget(dead: Session): void {
  if (live !== dead) return;
  live = undefined;
  opening = undefined;
  process.off("beforeExit", closeOnBeforeExit);
}

function session(): Promise<Session> {
  opening ??= openSession().catch((e) => {
    opening = undefined;
    throw e;
  });
  return opening;
}

/**
 * The browser's process and pipes are unref'd (browser.ts), so while we await it nothing would
 * keep Node running and a script could exit mid-render. A ref'd timer does that for exactly the
 * duration of the work; when the process is idle it can exit, and 'beforeExit' then closes the
 * browser cleanly.
 */
async function holding<T>(work: () => Promise<T>): Promise<T> {
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  try {
    return await work();
  } finally {
    clearInterval(keepAlive);
  }
}

/** One page renders one figure at a time: the seed reset must not interleave with another render. */
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const run = tail.then(() => holding(work));
  tail = run.then(armIdleClose, armIdleClose);
  return run;
}

function armIdleClose(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  if (live === undefined || live.launched.detached) return;
  idleTimer = setTimeout(() => void closeFigures().catch(warnClose), IDLE_CLOSE_MS);
  idleTimer.unref();
}

function closeOnBeforeExit(): void {
  process.off("beforeExit", closeOnBeforeExit);
  void closeFigures().catch(warnClose);
}

function warnClose(e: unknown): void {
  // playwright's own 'exit' hook still kills the browser; this only explains a slow exit
  console.error(`figures: closing the browser failed: ${(e as Error).message}`);
}

async function renderWith(page: Page, fig: PreparedFigure, format: "svg" | "png"): Promise<string> {
  const options = { format, width: fig.width, height: fig.height, scale: format === "png" ? PNG_SCALE : 1, imageDataOnly: true };
  return page.evaluate(
    async ({ json, options, seed }) => {
      const g = globalThis as unknown as PageGlobals;
      g.__lsSeedRandom(seed);
      const image = await g.Plotly.toImage(JSON.parse(json), options);
      return options.format === "svg" ? g.__lsCanonicalSvg(image) : image;
    },
    { json: fig.json, options, seed: RENDER_SEED },
  );
}

async function render(prepared: PreparedFigure, formats: { svg: boolean; png: boolean }): Promise<{ svg?: string; png?: Buffer }> {
  return exclusive(async () => {
    for (let attempt = 1; ; attempt++) {
      const s = await session();
      try {
        const svg = formats.svg ? await renderWith(s.page, prepared, "svg") : undefined;
        const png = formats.png ? Buffer.from(await renderWith(s.page, prepared, "png"), "base64") : undefined;
        return { svg, png };
      } catch (e) {
        // a browser that died since the last figure gets one relaunch; a figure's own error is final
        if (attempt > 1 || s.launched.browser.isConnected()) throw e;
        forget(s);
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Public API

/** The figure as an SVG document. */
export async function renderSvg(fig: Figure): Promise<string> {
  return (await render(prepare(fig), { svg: true, png: false })).svg as string;
}

/** The figure as PNG bytes, PNG_SCALE times the figure's size in pixels. */
export async function renderPng(fig: Figure): Promise<Buffer> {
  return (await render(prepare(fig), { svg: false, png: true })).png as Buffer;
}

/**
 * Renders `fig`, writes `<studyOutputDir(study)>/<name>.svg` and `.png`, shows the PNG when running
 * in a tslab kernel, and returns the two paths. `name` is lower-case letters, digits, - and _.
 */
export async function showFigure(study: string, name: string, fig: Figure, options: ShowOptions = {}): Promise<void> {
  const prepared = prepare(fig);
  const files = figureFiles(study, name);
  const { svg, png } = await render(prepared, { svg: true, png: true });
  writeFileAtomic(files.svg, svg as string);
  writeFileAtomic(files.png, png as Buffer);
  if (options.display !== false) showPng(png as Buffer);
}

/**
 * Where showFigure writes `name` for `study`. (showFigure itself returns nothing, so a notebook
 * cell ending in it prints no machine-specific paths into the committed output.)
 */
export function figureFiles(study: string, name: string): FigureFiles {
  if (!FIGURE_NAME.test(name)) {
    throw new Error(`figure name ${JSON.stringify(name)} must be 1-80 lower-case letters, digits, - or _ (it becomes a file name)`);
  }
  const dir = studyOutputDir(study);
  return { svg: path.join(dir, `${name}.svg`), png: path.join(dir, `${name}.png`) };
}

/** Closes the browser now; the next figure launches a new one. Safe to call at any time. */
export async function closeFigures(): Promise<void> {
  await exclusive(async () => {
    const current = opening;
    opening = undefined;
    live = undefined;
    if (current === undefined) return;
    process.off("beforeExit", closeOnBeforeExit);
    const s = await current.catch(() => undefined);
    if (s !== undefined) await s.launched.browser.close();
  });
}

/** Which browser renders figures in this process, or undefined before the first figure. */
export function figureBrowser(): { pid: number | undefined; executable: string; source: ChromiumSource } | undefined {
  if (live === undefined) return undefined;
  const { pid, install } = live.launched;
  return { pid, executable: install.executable, source: install.source };
}

/** Readers never see a half-written figure: write beside it, then rename over it. */
