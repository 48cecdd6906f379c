/**
 * Figure export timings: the first figure of a process (browser launch + loading plotly.js) and
 * the figures after it. Run `node dist/bench/figures.js`; LS_CHROMIUM=npm times the npm build.
 */
import { performance } from "node:perf_hooks";
import { closeFigures, figureBrowser, renderPng, renderSvg, type Figure } from "../lib/core/figures";

const ROUNDS = 10;

function figures(): Record<string, Figure> {
  const n = 200;
  const xs = Array.from({ length: n }, (_, i) => i);
  const mean = xs.map((i) => Math.exp(-i / 60));
  return {
    band: {
      data: [
        { x: xs, y: mean.map((m) => m * 0.9), mode: "lines", line: { width: 0 }, showlegend: false },
        { x: xs, y: mean.map((m) => m * 1.1), mode: "lines", line: { width: 0 }, fill: "tonexty", showlegend: false },
        { x: xs, y: mean, mode: "lines", name: "mean" },
      ],
    },
    heatmap: {
      data: [{ type: "heatmap", z: Array.from({ length: 20 }, (_, r) => Array.from({ length: 20 }, (_, c) => Math.sin(r * c))) }],
      layout: {
        annotations: Array.from({ length: 100 }, (_, k) => ({ x: k % 10, y: Math.floor(k / 10), text: String(k), showarrow: false })),
      },
    },
    scatter: { data: [{ type: "scatter", mode: "markers", x: xs.map((i) => Math.cos(i)), y: xs.map((i) => Math.sin(i * 1.3)) }] },
  };
}

async function both(fig: Figure): Promise<void> {
  await renderSvg(fig);
  await renderPng(fig);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const figs = figures();
  let t = performance.now();
  await both(figs.band);
  const first = performance.now() - t;
  console.log(`browser: ${figureBrowser()?.source} ${figureBrowser()?.executable}`);
  console.log(`first figure (launch + plotly.js + svg + png): ${first.toFixed(0)} ms`);
  for (const [name, fig] of Object.entries(figs)) {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      t = performance.now();
      await both(fig);
      times.push(performance.now() - t);
    }
    console.log(
      `${name}: median ${median(times).toFixed(0)} ms for svg + png (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
    );
  }
  t = performance.now();
  await closeFigures();
  console.log(`close: ${(performance.now() - t).toFixed(0)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
