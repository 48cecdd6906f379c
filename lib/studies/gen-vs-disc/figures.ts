/**
 * Plotly specs for the study's figures (pure functions of result objects; the notebook renders
 * them with core/figures.ts showFigure). Bands are 95% intervals of the mean over repeats.
 */
import type { Figure } from "../../core/figures";
import { fade, methodColor } from "../../core/plot-style";
import { linearFit } from "../../core/stats";
import { runsMStar, type LearningCurve, type MStarResult, type NBDiagnostics, type PaperRunsResult } from "../../topics/classifiers";

type Trace = Record<string, unknown>;

/** Line plus shaded band traces for one series on the given axes. */
function band(
  x: number[],
  mean: number[],
  lo: number[],
  hi: number[],
  name: string,
  color: string,
  axes: { xaxis: string; yaxis: string },
  showlegend: boolean,
): Trace[] {
  return [
    {
      type: "scatter",
      mode: "lines",
      x,
      y: lo,
      line: { width: 0, color },
      hoverinfo: "skip",
      showlegend: false,
      legendgroup: name,
      ...axes,
    },
    {
      type: "scatter",
      mode: "lines",
      x,
      y: hi,
      line: { width: 0, color },
      fill: "tonexty",
      fillcolor: fade(color, 0.18),
      hoverinfo: "skip",
      showlegend: false,
      legendgroup: name,
      ...axes,
    },
    {
      type: "scatter",
      mode: "lines+markers",
      x,
      y: mean,
      name,
      line: { color, width: 2 },
      marker: { size: 5 },
      legendgroup: name,
      showlegend,
      ...axes,
    },
  ];
}

/** Axis ids and domains of a rows x cols grid (row-major panels). */
function grid(
  rows: number,
  cols: number,
  gap = 0.08,
  vgap = 0.2,
): { axes: { xaxis: string; yaxis: string }[]; layout: Record<string, unknown> } {
  const axes: { xaxis: string; yaxis: string }[] = [];
  const layout: Record<string, unknown> = {};
  const w = (1 - gap * (cols - 1)) / cols;
  const h = (1 - vgap * (rows - 1)) / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c + 1;
      const sx = i === 1 ? "" : String(i);
      axes.push({ xaxis: `x${sx}`, yaxis: `y${sx}` });
      const x0 = c * (w + gap);
      const y1 = 1 - r * (h + vgap);
      layout[`xaxis${sx}`] = { domain: [x0, x0 + w], anchor: `y${sx}` };
      layout[`yaxis${sx}`] = { domain: [y1 - h, y1], anchor: `x${sx}` };
    }
  }
  return { axes, layout };
}

function panelTitle(text: string, axes: { xaxis: string; yaxis: string }, layout: Record<string, unknown>): Record<string, unknown> {
  const xd = (layout[axes.xaxis === "x" ? "xaxis" : `xaxis${axes.xaxis.slice(1)}`] as { domain: number[] }).domain;
  const yd = (layout[axes.yaxis === "y" ? "yaxis" : `yaxis${axes.yaxis.slice(1)}`] as { domain: number[] }).domain;
  return {
    text: `<b>${text}</b>`,
    x: (xd[0]! + xd[1]!) / 2,
    y: yd[1]! + 0.01,
    xref: "paper",
    yref: "paper",
    xanchor: "center",
    yanchor: "bottom",
    showarrow: false,
  };
}

function layoutKey(axis: string, letter: "x" | "y"): string {
  return axis === letter ? `${letter}axis` : `${letter}axis${axis.slice(1)}`;
}

/** A log-scale x axis with ticks at the given values (the experiment's grid) instead of plotly's minor digits. */
function logAxis(layout: Record<string, unknown>, axis: string, title: string, ticks: number[]): void {
  const vals = [...new Set(ticks)].sort((a, b) => a - b);
  const key = layoutKey(axis, "x");
  layout[key] = {
    ...(layout[key] as Record<string, unknown>),
    type: "log",
    title: { text: title },
    tickmode: "array",
    tickvals: vals,
    ticktext: vals.map(String),
  };
}

/** Test error vs m with 95% bands, one panel per dataset, one colour per model. */
export function learningCurvesFigure(
  curves: LearningCurve[],
  title = "Test error vs training-set size m (mean and 95% band over repeats)",
): Figure {
  const cols = 2;
  const rows = Math.ceil(curves.length / cols);
  const g = grid(rows, cols);
  const data: Trace[] = [];
  const annotations: Record<string, unknown>[] = [];
  curves.forEach((c, p) => {
    const axes = g.axes[p]!;
    c.models.forEach((name, i) => {
      const s = c.summary[name]!;
      data.push(
        ...band(
          c.mGrid,
          s.map((v) => v.mean),
          s.map((v) => v.lo),
          s.map((v) => v.hi),
          name,
          methodColor(i),
          axes,
          p === 0,
        ),
      );
    });
    annotations.push(panelTitle(c.dataset, axes, g.layout));
    logAxis(g.layout, axes.xaxis, "m (log scale)", c.mGrid);
    (g.layout[layoutKey(axes.yaxis, "y")] as Record<string, unknown>).title = { text: "test error" };
  });
  return {
    data,
    layout: { ...g.layout, title: { text: title }, annotations, legend: { orientation: "h", y: -0.1 }, margin: { t: 70, b: 100 } },
    width: 980,
    height: 440 * rows,
  };
}

/** One scatter series of an m*-against-n panel. */
export interface MStarSeries {
  label: string;
  n: number[];
  mStar: number[];
  /** Optional error bars (e.g. min and max over runs). */
  lo?: number[];
  hi?: number[];
}

/** m* against n (log-x) for several series, each with its least-squares fits on n and on ln n where it has three or more n. */
function mStarFigure(
  panels: { title: string; series: MStarSeries[] }[],
  title = "Sample complexity m* against dimension n, with fits m* = a n + b and m* = a ln n + b",
): Figure {
  const g = grid(1, panels.length);
  const data: Trace[] = [];
  const annotations: Record<string, unknown>[] = [];
  panels.forEach((panel, p) => {
    const axes = g.axes[p]!;
    const notes: string[] = [];
    panel.series.forEach((s, i) => {
      const color = methodColor(i);
      const err =
        s.lo && s.hi
          ? {
              error_y: {
                type: "data",
                symmetric: false,
                array: s.hi.map((h, t) => h - s.mStar[t]!),
                arrayminus: s.lo.map((l, t) => s.mStar[t]! - l),
                color: fade(color, 0.6),
              },
            }
          : {};
      const showlegend = p === 0;
      data.push({
        type: "scatter",
        mode: "markers",
        x: s.n,
        y: s.mStar,
        name: s.label,
        marker: { color, size: 8 },
        legendgroup: s.label,
        showlegend,
        ...err,
        ...axes,
      });
      // two points fit any line exactly (R² = 1): no fit is drawn for them
      if (new Set(s.n).size >= 3) {
        const xs = dense(Math.min(...s.n), Math.max(...s.n));
        const lin = linearFit(s.n, s.mStar);
        const lg = linearFit(s.n.map(Math.log), s.mStar);
        // fit quality goes into the panel's note; the legend only explains the line styles
        data.push({
          type: "scatter",
          mode: "lines",
          x: xs,
          y: xs.map((v) => lin.slope * v + lin.intercept),
          name: `${s.label}: fit a n + b`,
          line: { color, dash: "dash", width: 1.5 },
          legendgroup: s.label,
          showlegend,
          ...axes,
        });
        data.push({
          type: "scatter",
          mode: "lines",
          x: xs,
          y: xs.map((v) => lg.slope * Math.log(v) + lg.intercept),
          name: `${s.label}: fit a ln n + b`,
          line: { color, dash: "dot", width: 1.5 },
          legendgroup: s.label,
          showlegend,
          ...axes,
        });
        notes.push(`${s.label}: R² ${lin.r2.toFixed(2)} (n), ${lg.r2.toFixed(2)} (ln n)`);
      }
    });
    annotations.push(panelTitle(panel.title, axes, g.layout));
    if (notes.length) {
      annotations.push(
        panelNote({
          lines: notes,
          xDomain: (g.layout[layoutKey(axes.xaxis, "x")] as { domain: number[] }).domain,
          bgcolor: "rgba(255,255,255,0.85)",
        }),
      );
    }
    logAxis(
      g.layout,
      axes.xaxis,
      "n (log scale)",
      panel.series.flatMap((s) => s.n),
    );
    (g.layout[layoutKey(axes.yaxis, "y")] as Record<string, unknown>).title = { text: "m*" };
  });
  return {
    data,
    layout: { ...g.layout, title: { text: title }, annotations, legend: { orientation: "h", y: -0.22 }, margin: { t: 70, b: 120 } },
    width: Math.max(760, 480 * panels.length),
    height: 500,
  };
}

function dense(a: number, b: number, count = 60): number[] {
  const la = Math.log(a);
  const lb = Math.log(b);
  return Array.from({ length: count }, (_, i) => Math.exp(la + ((lb - la) * i) / (count - 1)));
}

/** Mean simulation error vs m for NB and LR at each n, with the stopping threshold Bayes + 0.01. */
function simulationCurvesFigure(results: MStarResult[], models: string[], title: string, eps = 0.01): Figure {
  const g = grid(1, models.length);
  const data: Trace[] = [];
  const annotations: Record<string, unknown>[] = [];
  models.forEach((model, p) => {
    const axes = g.axes[p]!;
    results.forEach((r, i) => {
      const c = r.curve[model]!;
      data.push({
        type: "scatter",
        mode: "lines",
        x: c.m,
        y: c.mean,
        name: `n = ${r.n}`,
        line: { color: methodColor(i), width: 1.8 },
        legendgroup: `n${r.n}`,
        showlegend: p === 0,
        ...axes,
      });
      const star = r.mStar[model];
      if (star !== null && star !== undefined) {
        data.push({
          type: "scatter",
          mode: "markers",
          x: [star],
          y: [c.mean[c.m.indexOf(star)]!],
          marker: { color: methodColor(i), size: 9, symbol: "x" },
          showlegend: false,
          legendgroup: `n${r.n}`,
          hoverinfo: "skip",
          ...axes,
        });
      }
    });
    const xmax = Math.max(...results.map((r) => Math.max(...r.curve[model]!.m)));
    const xmin = Math.min(...results.map((r) => Math.min(...r.curve[model]!.m)));
    data.push({
      type: "scatter",
      mode: "lines",
      x: [xmin, xmax],
      y: [eps, eps],
      name: `Bayes error + ${eps} (≈ ${eps} for n ≥ 40)`,
      line: { color: "#444", dash: "dash", width: 1 },
      showlegend: p === 0,
      ...axes,
    });
    annotations.push(panelTitle(model, axes, g.layout));
    const ticks = [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].filter((v) => v >= xmin / 1.5 && v <= xmax * 1.5);
    logAxis(g.layout, axes.xaxis, "m (log scale)", ticks);
    (g.layout[layoutKey(axes.yaxis, "y")] as Record<string, unknown>).title = { text: "mean test error" };
  });
  return {
    data,
    layout: { ...g.layout, title: { text: title }, annotations, legend: { orientation: "h", y: -0.28 }, margin: { t: 70, b: 130 } },
    width: 1000,
    height: 480,
  };
}

/**
 * Histograms of log10 sigma_j^2, log10 |beta| and log10 |alpha| per dataset (the paper's plot.py
 * modes sigmas / kl / var_likelihood_diff), with bins shared by the datasets of a panel. Values
 * below `floor` (digits' constant pixels at sigma^2 = eps = 1e-9) are counted in a note instead
 * of stretching the axis.
 */
export function diagnosticsFigure(diag: { dataset: string; d: NBDiagnostics }[], floor = -6): Figure {
  const g = grid(1, 3);
  const data: Trace[] = [];
  const annotations: Record<string, unknown>[] = [];
  const panels: { key: "sigma2" | "beta" | "alpha"; label: string }[] = [
    { key: "sigma2", label: "log10 σ²_j (pooled NB variances)" },
    { key: "beta", label: "log10 |β_{k1,k2,k}|" },
    { key: "alpha", label: "log10 |α_{k1,k2,k}|" },
  ];
  panels.forEach((panel, p) => {
    const axes = g.axes[p]!;
    const logs = diag.map((entry) => Array.from(entry.d[panel.key], (v) => Math.log10(v)));
    const shown = logs.flat().filter((v) => v >= floor);
    const lo = Math.min(...shown);
    const hi = Math.max(...shown);
    const size = (hi - lo) / 30 || 1;
    const hidden: string[] = [];
    diag.forEach((entry, i) => {
      const values = logs[i]!.filter((v) => v >= floor);
      if (values.length < logs[i]!.length)
        hidden.push(`${entry.dataset}: ${logs[i]!.length - values.length} value(s) below 10^${floor} not shown`);
      data.push({
        type: "histogram",
        x: values,
        name: entry.dataset,
        histnorm: "probability",
        opacity: 0.55,
        marker: { color: methodColor(i) },
        xbins: { start: lo - size / 2, end: hi + size / 2, size },
        autobinx: false,
        legendgroup: entry.dataset,
        showlegend: p === 0,
        ...axes,
      });
    });
    annotations.push(panelTitle(panel.label, axes, g.layout));
    if (hidden.length) {
      annotations.push(panelNote({ lines: hidden, xDomain: (g.layout[layoutKey(axes.xaxis, "x")] as { domain: number[] }).domain }));
    }
    (g.layout[layoutKey(axes.xaxis, "x")] as Record<string, unknown>).title = { text: panel.label };
    (g.layout[layoutKey(axes.yaxis, "y")] as Record<string, unknown>).title = { text: "fraction of values" };
  });
  return {
    data,
    layout: {
      ...g.layout,
      barmode: "overlay",
      title: { text: "Assumption diagnostics of the pooled NB fitted on each full min-max-scaled dataset" },
      annotations,
      legend: { orientation: "h", y: -0.32 },
      margin: { t: 70, b: 130 },
    },
    width: 1100,
    height: 440,
  };
}

// ---------------------------------------------------------------------------------------------
// The study's figures: function fooBarFigure writes figures/gen-vs-disc/foo-bar.{svg,png}

/** figures/gen-vs-disc/simulation-error-curves: the notes' small-n grid, K = 2, mean error vs m. */
export function simulationErrorCurvesFigure(smallK2: MStarResult[]): Figure {
  const R = smallK2[0]?.repeats ?? 0;
  return simulationCurvesFigure(
    smallK2,
    ["NB", "LR"],
    `Paper's simulation, K = 2: mean test error over ${R} repeats vs m (× marks m*; the curve runs on past m* to measure its spread)`,
  );
}

/** figures/gen-vs-disc/mstar-small-n: m* against n on the notes' small-n grid, one panel per K, bars = bootstrap 95 % interval. */
export function mstarSmallNFigure(
  small: { K: number; results: (MStarResult & { spread: Record<string, { lo: number; hi: number }> })[] }[],
): Figure {
  return mStarFigure(
    small.map(({ K, results }) => {
      const series = (model: string): MStarSeries => {
        const rs = results.filter((r) => r.mStar[model] !== null);
        const cap = (v: number, r: MStarResult) => (Number.isFinite(v) ? v : Math.max(...r.curve[model]!.m));
        return {
          label: model,
          n: rs.map((r) => r.n),
          mStar: rs.map((r) => r.mStar[model] as number),
          lo: rs.map((r) => r.spread[model]!.lo),
          hi: rs.map((r) => cap(r.spread[model]!.hi, r)),
        };
      };
      return {
        title: `K = ${K} (notes' grid, ${results[0]?.repeats ?? 0} repeats; bars: bootstrap 95 %)`,
        series: [series("NB"), series("LR")],
      };
    }),
    "Notes' small-n grid: m* against n, with fits m* = a n + b and m* = a ln n + b (three or more n)",
  );
}

/** figures/gen-vs-disc/mstar-paper-grid: mean m* over the runs of each cell of the paper's grid, bars = min-max over runs. */
export function mstarPaperGridFigure(grid: PaperRunsResult[]): Figure {
  const Ks = [...new Set(grid.map((r) => r.K))];
  return mStarFigure(
    Ks.map((K) => {
      const rs = grid.filter((r) => r.K === K);
      const series = (model: string): MStarSeries => {
        const st = rs.map((r) => runsMStar(r, model));
        return { label: model, n: rs.map((r) => r.n), mStar: st.map((x) => x.mean), lo: st.map((x) => x.min), hi: st.map((x) => x.max) };
      };
      return { title: `K = ${K} (mean of ${rs[0]?.runs ?? 0} runs; bars: min–max)`, series: [series("NB"), series("LR")] };
    }),
    "Paper's simulation grid: m* against n, with fits m* = a n + b and m* = a ln n + b (three or more n)",
  );
}

/** A note in the top-left corner of a panel (one line per entry), optionally on a background. */
function panelNote(o: { lines: string[]; xDomain: number[]; bgcolor?: string }): Record<string, unknown> {
  return {
    text: o.lines.join("<br>"),
    x: o.xDomain[0]! + 0.01,
    y: 0.98,
    xref: "paper",
    yref: "paper",
    xanchor: "left",
    yanchor: "top",
    showarrow: false,
    align: "left",
    font: { size: 11 },
    ...(o.bgcolor ? { bgcolor: o.bgcolor } : {}),
  };
}
