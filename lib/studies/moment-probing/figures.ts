/**
 * Plotly figure specs of the study (pure functions of result objects; the notebook renders them
 * with core's showFigure): synthetic accuracy by generator, digits random-feature curves, the
 * ablation grid, few-shot curves, and cost per epoch.
 */
import type { Figure } from "../../core/figures";
import { methodColor } from "../../core/plot-style";
import { mean, sd, summarize, type MeanSd } from "../../core/stats";
import type { Method } from "../../topics/moments/transfer";
import type { CostRow } from "./experiments/cost";
import type { DigitsMethod, DigitsRow } from "./experiments/digits-random";
import type { AblationGrid, SyntheticSetting } from "./experiments/synthetic";
import type { FewShotResult } from "./experiments/transfer";

/** Grouped bars: one group per setting, one bar per method, error bars = sd over seeds. File: synthetic-accuracy. */
export function syntheticAccuracyFigure(rows: readonly SyntheticSetting[], methods: { key: string; label: string }[]): Figure {
  const settings = rows.map((r) => r.label);
  const cell = (s: number, m: string): MeanSd | null => (rows[s]!.acc[m] ? summarize(rows[s]!.acc[m]!) : null);
  return {
    data: methods.map((m, i) => {
      const cells = settings.map((_, s) => cell(s, m.key));
      return {
        type: "bar",
        name: m.label,
        x: settings,
        y: cells.map((c) => (c ? c.mean : null)),
        error_y: { type: "data", array: cells.map((c) => (c ? c.sd : 0)), visible: true, thickness: 1 },
        marker: { color: methodColor(i) },
      };
    }),
    layout: {
      title: { text: "Synthetic token sets: test accuracy (mean ± sd over seeds; chance 0.25)" },
      barmode: "group",
      yaxis: { title: { text: "accuracy" }, range: [0, 1.05] },
      xaxis: { tickangle: -20 },
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 0.25, y1: 0.25, line: { dash: "dot", width: 1, color: "#777" } }],
      legend: { orientation: "h", y: -0.28 },
      margin: { b: 140 },
    },
    width: 900,
    height: 480,
  };
}

/** Accuracy vs k per method (mean ± sd over seeds), one panel per activation. File: digits-random-features. */
export function digitsRandomFeaturesFigure(
  seedRows: readonly DigitsRow[],
  activations: string[],
  methods: { key: DigitsMethod; label: string }[],
): Figure {
  const data: Record<string, unknown>[] = [];
  const rows = aggregateDigits(seedRows);
  activations.forEach((act, a) => {
    methods.forEach((m, i) => {
      const pts = rows.filter((r) => r.activation === act && r.method === m.key).sort((p, q) => p.k - q.k);
      if (pts.length === 0) return;
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: m.label,
        legendgroup: m.key,
        showlegend: a === 0,
        x: pts.map((p) => p.k),
        y: pts.map((p) => p.acc.mean),
        error_y: { type: "data", array: pts.map((p) => p.acc.sd), visible: true, thickness: 1 },
        line: { color: methodColor(i) },
        xaxis: a === 0 ? "x" : `x${a + 1}`,
        yaxis: a === 0 ? "y" : `y${a + 1}`,
      });
    });
  });
  const layout: Record<string, unknown> = {
    title: { text: "Digits, random-feature backbones: test accuracy vs images per class" },
    grid: { rows: 1, columns: activations.length, pattern: "independent" },
    legend: { orientation: "h", y: -0.25 },
    margin: { b: 120 },
    annotations: activations.map((act, a) => ({
      text: `${act} embedding`,
      showarrow: false,
      xref: "paper",
      yref: "paper",
      x: (a + 0.5) / activations.length,
      y: 1.06,
      xanchor: "center",
    })),
  };
  activations.forEach((_, a) => {
    const sfx = a === 0 ? "" : String(a + 1);
    const ks = [...new Set(rows.map((r) => r.k))].sort((p, q) => p - q);
    layout[`xaxis${sfx}`] = { type: "log", title: { text: "k per class" }, tickvals: ks, ticktext: ks.map(String) };
    layout[`yaxis${sfx}`] = { range: [0, 1.02], title: a === 0 ? { text: "accuracy" } : undefined };
  });
  return { data, layout, width: 980, height: 420 };
}

/** Seed rows of the digits study as mean ± sd per (activation, k, method). */
function aggregateDigits(rows: readonly DigitsRow[]): { activation: string; k: number; method: DigitsMethod; acc: MeanSd }[] {
  const groups = new Map<string, DigitsRow[]>();
  for (const r of rows) {
    const key = `${r.activation}|${r.k}|${r.method}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    activation: g[0]!.activation,
    k: g[0]!.k,
    method: g[0]!.method,
    acc: summarize(g.map((r) => r.acc)),
  }));
}

/** Heatmap of mean accuracy: rows = variants, columns = generators, text = mean ± sd. File: ablation-grid. */
export function ablationGridFigure(grid: AblationGrid, labels: Record<string, string> = {}): Figure {
  const variants = grid.variants.map((v) => labels[v] ?? v);
  const generators = grid.generators;
  const cell = (v: number, g: number) => summarize(grid.acc[grid.variants[v]!]![g]!);
  const z = variants.map((_, v) => generators.map((_, g) => cell(v, g).mean));
  const text = variants.map((_, v) => generators.map((_, g) => `${cell(v, g).mean.toFixed(3)} ± ${cell(v, g).sd.toFixed(3)}`));
  return {
    data: [
      {
        type: "heatmap",
        x: generators,
        y: variants,
        z,
        text,
        texttemplate: "%{text}",
        colorscale: "Viridis",
        zmin: 0.25,
        zmax: 1,
        colorbar: { title: { text: "accuracy" } },
      },
    ],
    layout: {
      title: { text: "Ablation grid around the base MP head (hidden 128, 4 heads, near, conv2x, scalar centring)" },
      yaxis: { autorange: "reversed", automargin: true },
      margin: { l: 190 },
    },
    width: 860,
    height: 120 + 42 * variants.length,
  };
}

/** Few-shot curves: mean ± sd bands per method, log-k axis. File: few-shot. */
export function fewShotFigure(
  result: FewShotResult,
  shots: number[],
  methods: readonly Method[],
  fullData?: Record<Method, number[]>,
): Figure {
  const fs = result.acc;
  const data: Record<string, unknown>[] = [];
  methods.forEach((m, i) => {
    const mu = shots.map((k) => mean(fs[m][k]!));
    const sds = shots.map((k) => sd(fs[m][k]!));
    const color = methodColor(i);
    data.push({
      type: "scatter",
      mode: "lines",
      x: shots,
      y: mu.map((v, j) => v - sds[j]!),
      line: { width: 0, color },
      showlegend: false,
      hoverinfo: "skip",
    });
    data.push({
      type: "scatter",
      mode: "lines",
      x: shots,
      y: mu.map((v, j) => v + sds[j]!),
      line: { width: 0, color },
      fill: "tonexty",
      fillcolor: hexAlpha(color, 0.18),
      showlegend: false,
      hoverinfo: "skip",
    });
    data.push({ type: "scatter", mode: "lines+markers", name: m, x: shots, y: mu, line: { color, width: 2 } });
    if (fullData) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: `${m}, full data`,
        x: [shots[shots.length - 1]! * 2],
        y: [mean(fullData[m])],
        marker: { color, symbol: "diamond", size: 10 },
        showlegend: false,
      });
    }
  });
  return {
    data,
    layout: {
      title: { text: "Tiny ViT, digits 0-4 → 5-9: few-shot test accuracy (mean ± sd over seeds; ◆ full data; LP = converged probe)" },
      legend: { traceorder: "normal" },
      xaxis: {
        type: "log",
        title: { text: "training images per class (k)" },
        tickvals: [...shots, ...(fullData ? [shots[shots.length - 1]! * 2] : [])],
        ticktext: [...shots.map(String), ...(fullData ? ["full"] : [])],
      },
      yaxis: { title: { text: "test accuracy" }, range: [0, 1.02] },
    },
  };
}

/**
 * Cost per epoch relative to LP, two panels. Left: our protocol (LP and MP on cached features;
 * MP+ and FT must run the backbone), ÷ LP on cached features, log scale. Right: the paper's
 * protocol (every method runs the frozen backbone forward), ÷ LP in that protocol, beside the
 * paper's ms/iter ratios from Fig. Train_cost.
 */
function costFigure(
  rows: readonly CostRow[],
  paperRatio: Record<string, number>,
  title: string,
  unit: string,
  modelAtPaperScale?: Record<string, number>,
): Figure {
  const lp = rows.find((r) => r.method === "LP");
  if (!lp || lp.cached === null) throw new Error("costFigure needs an LP row with a cached cost");
  const methods = rows.map((r) => r.method);
  const ours = rows.map((r) => (r.cached ?? r.uncached) / lp.cached!);
  const paperProtocol = rows.map((r) => r.uncached / lp.uncached);
  return {
    data: [
      {
        type: "bar",
        name: "ours, cached features where possible",
        x: methods,
        y: ours,
        marker: { color: methodColor(0) },
        text: ours.map((v) => (v >= 10 ? v.toFixed(0) : v.toFixed(2))),
        textposition: "outside",
        xaxis: "x",
        yaxis: "y",
      },
      {
        type: "bar",
        name: "ours, backbone forward every step",
        x: methods,
        y: paperProtocol,
        marker: { color: methodColor(1) },
        text: paperProtocol.map((v) => v.toFixed(2)),
        textposition: "outside",
        textfont: { size: 10 },
        cliponaxis: false,
        xaxis: "x2",
        yaxis: "y2",
      },
      ...(modelAtPaperScale
        ? [
            {
              type: "bar",
              name: "FLOP model at ViT-B/16 scale",
              x: methods,
              y: methods.map((m) => modelAtPaperScale[m] ?? null),
              marker: { color: methodColor(3) },
              text: methods.map((m) => (modelAtPaperScale[m] ?? 0).toFixed(2)),
              textposition: "outside",
              textfont: { size: 10 },
              cliponaxis: false,
              xaxis: "x2",
              yaxis: "y2",
            },
          ]
        : []),
      {
        type: "bar",
        name: "paper, ms/iter (Fig. Train_cost, ViT-B)",
        x: methods,
        y: methods.map((m) => paperRatio[m] ?? null),
        marker: { color: methodColor(2) },
        text: methods.map((m) => (paperRatio[m] ?? 0).toFixed(2)),
        textposition: "outside",
        textfont: { size: 10 },
        cliponaxis: false,
        xaxis: "x2",
        yaxis: "y2",
      },
    ],
    layout: {
      title: { text: title },
      grid: { rows: 1, columns: 2, pattern: "independent" },
      barmode: "group",
      yaxis: { type: "log", title: { text: `${unit} ÷ LP (cached), log scale` } },
      yaxis2: { title: { text: `${unit} ÷ LP (same protocol)` }, rangemode: "tozero" },
      annotations: [
        { text: "our protocol", showarrow: false, xref: "paper", yref: "paper", x: 0.22, y: 1.06, xanchor: "center" },
        {
          text: "paper's protocol (backbone forward every step)",
          showarrow: false,
          xref: "paper",
          yref: "paper",
          x: 0.78,
          y: 1.06,
          xanchor: "center",
        },
      ],
      legend: { orientation: "h", y: -0.15 },
      margin: { b: 100 },
    },
    width: 980,
    height: 460,
  };
}

function hexAlpha(hex: string, a: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** FLOPs per epoch ÷ LP in both protocols, with the model at ViT-B/16 size and the paper's ratios. File: cost-per-epoch. */
export function costPerEpochFigure(o: {
  rows: readonly CostRow[];
  nTrain: number;
  paperRatio: Record<string, number>;
  paperScale: Record<string, number>;
}): Figure {
  return costFigure(o.rows, o.paperRatio, `Training FLOPs per epoch (${o.nTrain} images; matrix products only)`, "FLOPs", o.paperScale);
}

/** Measured time per epoch ÷ LP (wasm, one thread, shared machine: varies run to run). File: cost-timing. */
export function costTimingFigure(o: { rows: readonly CostRow[]; paperRatio: Record<string, number> }): Figure {
  return costFigure(o.rows, o.paperRatio, "Measured time per training epoch (wasm, 1 thread, shared machine; varies run to run)", "time");
}
