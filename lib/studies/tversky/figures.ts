/**
 * Plotly specs of the study's figures (pure functions of results; the notebook renders them with
 * core's showFigure). Figure function `fooBarFigure` ↔ file `figures/tversky/foo-bar.{svg,png}`.
 */
import type { Figure } from "../../core/figures";
import { methodColor } from "../../core/plot-style";
import type { GridRow } from "./experiments/xor-grid";

const pct = (v: number) => Math.round(v * 100) / 100;

/** The XOR convergence table as a heatmap: reduction pairs × (K…, all, paper). */
export function xorConvergenceFigure(rows: readonly GridRow[], Ks: readonly number[]): Figure {
  const cols = [...Ks.map((K) => `K=${K}`), "all runs", "paper [S]"];
  const z = rows.map((r) => [...r.byK.map((c) => pct(c.p)), pct(r.p), r.paper === undefined ? null : r.paper]);
  const text = rows.map((r) => [...r.byK.map((c) => c.p.toFixed(2)), r.p.toFixed(2), r.paper === undefined ? "n/t" : r.paper.toFixed(2)]);
  const labels = rows.map((r) => `${r.intersection} + ${r.difference}${r.nonFinite ? ` (${r.nonFinite} NaN)` : ""}`);
  return {
    data: [
      {
        type: "heatmap",
        z,
        x: cols,
        y: labels,
        text,
        texttemplate: "%{text}",
        zmin: 0,
        zmax: 1,
        colorscale: "Viridis",
        colorbar: { title: { text: "P(converge)" } },
        hovertemplate: "%{y}<br>%{x}: %{text}<extra></extra>",
      },
    ],
    layout: {
      title: { text: `XOR appendix grid: convergence rate per reduction pair (${rows[0]?.n ?? 0} runs per row)` },
      xaxis: { side: "top", tickangle: 0 },
      yaxis: { autorange: "reversed" },
      margin: { l: 250, t: 90 },
    },
    width: 900,
    height: 560,
  };
}

/** Decision regions of a trained XOR layer: logit(1) − logit(0) on a grid, the 4 points on top. */
export function xorDecisionRegionsFigure(g: { xs: number[]; ys: number[]; z: number[][]; title: string }): Figure {
  const points = [
    [0, 0, 0],
    [0, 1, 1],
    [1, 0, 1],
    [1, 1, 0],
  ];
  const scale = Math.max(1e-6, ...g.z.flat().map((v) => Math.abs(v)));
  return {
    data: [
      // plotly's RdBu puts its low end at blue: positive (class 1) is red, like the xor = 1 markers
      {
        type: "heatmap",
        x: g.xs,
        y: g.ys,
        z: g.z,
        zmid: 0,
        zmin: -scale,
        zmax: scale,
        colorscale: "RdBu",
        colorbar: { title: { text: "S(x,Π₁) − S(x,Π₀)", side: "right" } },
      },
      {
        type: "contour",
        x: g.xs,
        y: g.ys,
        z: g.z,
        showscale: false,
        showlegend: false,
        contours: { start: 0, end: 0, size: 1, coloring: "none" },
        line: { color: "black", width: 2 },
        hoverinfo: "skip",
      },
      ...[0, 1].map((cls) => ({
        type: "scatter",
        mode: "markers",
        name: `xor = ${cls}`,
        x: points.filter((p) => p[2] === cls).map((p) => p[0]),
        y: points.filter((p) => p[2] === cls).map((p) => p[1]),
        marker: { size: 16, symbol: cls ? "circle" : "x", color: cls ? "#D55E00" : "#0072B2", line: { color: "white", width: 2 } },
      })),
    ],
    layout: {
      title: { text: g.title },
      xaxis: { title: { text: "x₁" } },
      yaxis: { title: { text: "x₂" }, scaleanchor: "x" },
      legend: { orientation: "h", x: 0, y: -0.18 },
    },
    width: 640,
    height: 580,
  };
}

/**
 * Tiles (side × side images, row-major) laid out in rows with 1-pixel gaps, as one heatmap.
 * `normalise`: each tile divided by its largest |value| (signed weights), else values as given.
 */
export function mosaic(rows: readonly (readonly (readonly number[] | null)[])[], side: number, normalise: boolean): (number | null)[][] {
  const width = Math.max(...rows.map((r) => r.length));
  const z: (number | null)[][] = [];
  rows.forEach((tiles, ri) => {
    if (ri > 0) z.push(new Array(width * (side + 1) - 1).fill(null));
    for (let y = 0; y < side; y++) {
      const line: (number | null)[] = [];
      for (let t = 0; t < width; t++) {
        if (t > 0) line.push(null);
        const tile = tiles[t];
        const m = tile && normalise ? Math.max(1e-12, ...tile.map((v) => Math.abs(v))) : 1;
        for (let x = 0; x < side; x++) line.push(tile ? tile[y * side + x]! / m : null);
      }
      z.push(line);
    }
  });
  return z;
}

/** Learned prototypes and features (8×8, signed, each tile scaled to ±1), one group per row block. */
export function digitsPrototypesFeaturesFigure(
  groups: readonly { label: string; images: readonly (readonly number[])[] }[],
  perRow: number,
  title: string,
): Figure {
  const rows: (readonly number[] | null)[][] = [];
  const tickvals: number[] = [];
  const side = 8;
  for (const g of groups) {
    const start = rows.length;
    for (let i = 0; i < g.images.length; i += perRow) rows.push(g.images.slice(i, i + perRow) as number[][]);
    tickvals.push(start * (side + 1) + ((rows.length - start) * (side + 1) - 1) / 2 - 0.5);
  }
  const z = mosaic(rows, side, true);
  // square cells without scaleanchor (which leaves the mosaic small and centred): the plot area's
  // size is set exactly from the margins, and the colorbar sits in the right margin
  const width = 1000,
    margin = { l: 230, r: 110, t: 100, b: 20 };
  const plotWidth = width - margin.l - margin.r;
  const height = Math.round(margin.t + margin.b + (plotWidth * z.length) / z[0]!.length);
  return {
    data: [
      {
        type: "heatmap",
        z,
        zmin: -1,
        zmax: 1,
        colorscale: "RdBu",
        showscale: true,
        colorbar: { title: { text: "value / max|value|", side: "right" } },
        hoverongaps: false,
      },
    ],
    layout: {
      title: { text: title },
      xaxis: { visible: false, automargin: false },
      // group labels as y tick labels (annotations outside the axes disturb the plot area's size)
      yaxis: {
        autorange: "reversed",
        automargin: false,
        showgrid: false,
        zeroline: false,
        showline: false,
        ticks: "",
        tickvals,
        ticktext: groups.map((g) => g.label),
      },
      margin,
    },
    width,
    height,
  };
}

/** Per class: the lowest- and highest-salience test digits (greyscale), notes §8 / item 13. */
export function digitsSalienceFigure(
  examples: readonly { cls: number; lowest: { pixels: number[] }[]; highest: { pixels: number[] }[] }[],
  title: string,
): Figure {
  const rows = examples.map((e) => [...e.lowest.map((x) => x.pixels), null, ...e.highest.map((x) => x.pixels)]);
  const z = mosaic(rows, 8, false);
  const k = examples[0]?.lowest.length ?? 0;
  const annotations = [
    ...examples.map((e, i) => ({ text: String(e.cls), x: -1, y: i * 9 + 3.5, xref: "x", yref: "y", xanchor: "right", showarrow: false })),
    { text: `${k} lowest salience`, x: (k * 9 - 1) / 2, y: -1.5, xref: "x", yref: "y", showarrow: false },
    { text: `${k} highest salience`, x: (k + 1) * 9 + (k * 9 - 1) / 2, y: -1.5, xref: "x", yref: "y", showarrow: false },
  ];
  return {
    // plotly's Greys runs black → white; reversed, ink is dark on a white ground
    data: [{ type: "heatmap", z, zmin: 0, zmax: 1, colorscale: "Greys", reversescale: true, showscale: false, hoverongaps: false }],
    layout: {
      title: { text: title },
      xaxis: { visible: false, scaleanchor: "y" },
      yaxis: { visible: false, autorange: "reversed" },
      annotations,
      margin: { l: 40, r: 20, t: 80, b: 20 },
    },
    width: 760,
    height: 720,
  };
}

export interface AccuracyPoint {
  /** Setting (one panel colour group), e.g. "digits, raw pixels". */
  setting: string;
  head: "linear" | "Tversky" | "MLP head";
  params: number;
  mean: number;
  sd: number;
}

/** Test accuracy (mean ± sd over seeds) against trainable parameters, per setting and head. */
export function accuracyVsParamsFigure(points: readonly AccuracyPoint[], title: string): Figure {
  const settings = [...new Set(points.map((p) => p.setting))];
  const symbols: Record<AccuracyPoint["head"], string> = { linear: "circle", Tversky: "diamond", "MLP head": "square" };
  const data = settings.flatMap((s, i) =>
    (["linear", "Tversky", "MLP head"] as const)
      .map((h) => ({ h, ps: points.filter((p) => p.setting === s && p.head === h) }))
      .filter(({ ps }) => ps.length > 0)
      .map(({ h, ps }) => ({
        type: "scatter",
        mode: "markers",
        name: `${s}: ${h}`,
        x: ps.map((p) => p.params),
        y: ps.map((p) => p.mean),
        error_y: { type: "data", array: ps.map((p) => p.sd), visible: true },
        marker: { size: 12, symbol: symbols[h], color: methodColor(i), line: { color: "white", width: 1 } },
      })),
  );
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { type: "log", title: { text: "trainable parameters (log scale)" } },
      yaxis: { title: { text: "test accuracy" } },
      legend: { font: { size: 11 } },
    },
    width: 900,
    height: 520,
  };
}

/** α against β after training, one point per run, with the diagonal α = β. */
export function alphaBetaFigure(
  groups: readonly { label: string; scalars: readonly { alpha: number; beta: number }[] }[],
  title: string,
): Figure {
  const all = groups.flatMap((g) => g.scalars.flatMap((s) => [s.alpha, s.beta]));
  const lo = Math.min(0, ...all) - 0.1,
    hi = Math.max(...all) + 0.1;
  return {
    data: [
      { type: "scatter", mode: "lines", name: "α = β", x: [lo, hi], y: [lo, hi], line: { color: "#888", dash: "dash" } },
      ...groups.map((g, i) => ({
        type: "scatter",
        mode: "markers",
        name: g.label,
        x: g.scalars.map((s) => s.alpha),
        y: g.scalars.map((s) => s.beta),
        marker: { size: 11, color: methodColor(i) },
      })),
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: "α (weight of the input's distinctive features)" }, range: [lo, hi] },
      yaxis: { title: { text: "β (weight of the prototype's distinctive features)" }, range: [lo, hi], scaleanchor: "x" },
      legend: { font: { size: 11 } },
    },
    width: 760,
    height: 600,
  };
}
