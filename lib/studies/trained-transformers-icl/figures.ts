/**
 * Plotly specs of the trained-transformers-icl figures (pure functions of result objects; the
 * notebook renders them with core/figures' showFigure into figures/trained-transformers-icl/).
 */
import type { Figure } from "../../core/figures";
import { methodColor } from "../../core/plot-style";
import { diagOf } from "../../core/linalg";
import type { FlowStudy } from "./experiments/flow";
import type { LengthRow } from "./experiments/prompt-length";
import type { ScaleRow } from "./experiments/shifts";

const round = (v: number, digits = 5) => Number(v.toPrecision(digits));

/** Left: diag(uU) along the flow (lines) and SGD (markers) toward Γ⁻¹ (dashed). Right: distance to Γ⁻¹, log scale. */
export function flowFigure(r: FlowStudy, title: string): Figure {
  const data: Record<string, unknown>[] = [];
  const target = diagOf(r.target.G);
  const pts = r.rk4.points.filter((p) => p.t > 0);
  target.forEach((g, i) => {
    data.push({
      type: "scatter",
      mode: "lines",
      name: `flow (RK4): (uU)_${i + 1}${i + 1}`,
      x: pts.map((p) => round(p.t)),
      y: pts.map((p) => round(p.G[i]![i]!)),
      line: { color: methodColor(i), width: 2 },
      legendgroup: `g${i}`,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      name: `Γ⁻¹_${i + 1}${i + 1} = ${g.toFixed(4)}`,
      x: [pts[0]!.t, pts[pts.length - 1]!.t],
      y: [round(g), round(g)],
      line: { color: methodColor(i), width: 1, dash: "dash" },
      legendgroup: `g${i}`,
    });
    const s = r.sgd[0]!;
    const sp = s.points.filter((p) => p.t > 0);
    data.push({
      type: "scatter",
      mode: "markers",
      name: `SGD (h = ${r.h}, seed ${s.seed}): (uU)_${i + 1}${i + 1}`,
      x: sp.map((p) => round(p.t)),
      y: sp.map((p) => round(p.G[i]![i]!)),
      marker: { color: methodColor(i), size: 7, symbol: "circle-open", line: { width: 2 } },
      legendgroup: `g${i}`,
      showlegend: i === 0,
    });
  });
  data.push({
    type: "scatter",
    mode: "lines",
    name: "flow: ‖uU − Γ⁻¹‖/‖Γ⁻¹‖",
    x: pts.map((p) => round(p.t)),
    y: pts.map((p) => Math.max(p.distance, 1e-13)),
    xaxis: "x2",
    yaxis: "y2",
    line: { color: methodColor(7), width: 2 },
  });
  r.sgd.forEach((s, k) => {
    const sp = s.points.filter((p) => p.t > 0);
    data.push({
      type: "scatter",
      mode: "markers",
      name: `SGD seed ${s.seed}: ‖uU − Γ⁻¹‖/‖Γ⁻¹‖`,
      x: sp.map((p) => round(p.t)),
      y: sp.map((p) => round(p.distance)),
      xaxis: "x2",
      yaxis: "y2",
      marker: { color: methodColor(4 + k), size: 7, symbol: k === 0 ? "circle-open" : "square-open", line: { width: 2 } },
    });
  });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { domain: [0, 0.46], type: "log", title: { text: "gradient-flow time t (SGD: step × h), log" } },
      yaxis: { title: { text: "diagonal of uU" } },
      xaxis2: { domain: [0.56, 1], type: "log", title: { text: "t, log" } },
      yaxis2: { anchor: "x2", type: "log", title: { text: "relative distance to Γ⁻¹, log" }, exponentformat: "power" },
      legend: { orientation: "h", y: -0.25, font: { size: 10 } },
      margin: { b: 170 },
    },
    width: 1000,
    height: 560,
  };
}

/** MSE against M (log-log): Thm 4.2 line (the isotropic form, drawn for real M), its 1/M and 1/N² parts, trained layers, GD(Γ⁻¹), OLS. */
export function errorVsLengthFigure(rows: LengthRow[], o: { d: number; N: number; seeds: number[]; title: string }): Figure {
  const Ms = rows.map((r) => r.M);
  const grid = Array.from({ length: 60 }, (_, k) =>
    Math.exp(Math.log(Math.min(...Ms)) + ((Math.log(Math.max(...Ms)) - Math.log(Math.min(...Ms))) * k) / 59),
  );
  const g = 1 + (o.d + 1) / o.N;
  const lead = (o.d * (o.d + 1)) / (g * g);
  const data: Record<string, unknown>[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "Thm 4.2: d(d+1)/γ²·(1/M + (d+1)/N²)",
      x: grid.map((v) => round(v)),
      y: grid.map((M) => round(lead * (1 / M + (o.d + 1) / o.N ** 2))),
      line: { color: methodColor(7), width: 2 },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "its 1/M part",
      x: grid.map((v) => round(v)),
      y: grid.map((M) => round(lead / M)),
      line: { color: methodColor(7), width: 1, dash: "dot" },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "its 1/N² floor",
      x: grid.map((v) => round(v)),
      y: grid.map(() => round((lead * (o.d + 1)) / o.N ** 2)),
      line: { color: methodColor(7), width: 1, dash: "dash" },
    },
  ];
  o.seeds.forEach((s, i) =>
    data.push({
      type: "scatter",
      mode: "markers",
      name: `trained LSA (N = ${o.N}, seed ${s}), ±2 SE`,
      x: Ms,
      y: rows.map((r) => round(r.trained[i]!.mse)),
      error_y: { type: "data", array: rows.map((r) => round(2 * r.trained[i]!.mseSe)), visible: true },
      marker: { color: methodColor(0), size: 9, symbol: i === 0 ? "circle-open" : "square-open", line: { width: 2 } },
    }),
  );
  data.push({
    type: "scatter",
    mode: "markers",
    name: "GD(Γ⁻¹), the Thm 4.1 optimum",
    x: Ms,
    y: rows.map((r) => round(r.optimum.mse)),
    marker: { color: methodColor(1), size: 6, symbol: "x" },
  });
  const ols = rows.filter((r) => r.ols);
  data.push({
    type: "scatter",
    mode: "lines+markers",
    name: "OLS (best linear predictor's error is 0)",
    x: ols.map((r) => r.M),
    y: ols.map((r) => Math.max(round(r.ols!.mse), 1e-7)),
    line: { color: methodColor(2), dash: "dashdot" },
    marker: { size: 6 },
  });
  return {
    data,
    layout: {
      title: { text: o.title },
      xaxis: { type: "log", title: { text: "test prompt length M (log)" } },
      yaxis: { type: "log", title: { text: "E(ŷ − y_q)² (log)" }, exponentformat: "power" },
      legend: { x: 0.02, xanchor: "left", y: 0.02, yanchor: "bottom", bgcolor: "rgba(255,255,255,0.7)" },
    },
    width: 820,
    height: 560,
  };
}

/** Slope of ŷ on ⟨w, x_q⟩ against the covariate scale c: trained LSA, c²/γ, OLS (= 1). */
export function covariateScaleFigure(rows: ScaleRow[], o: { d: number; N: number; seeds: number[]; title: string }): Figure {
  const cs = rows.map((r) => r.c);
  const grid = Array.from({ length: 60 }, (_, k) =>
    Math.exp(Math.log(Math.min(...cs)) + ((Math.log(Math.max(...cs)) - Math.log(Math.min(...cs))) * k) / 59),
  );
  const g = 1 + (o.d + 1) / o.N;
  const data: Record<string, unknown>[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "c²/γ (eq. 4.3)",
      x: grid.map((v) => round(v)),
      y: grid.map((c) => round((c * c) / g)),
      line: { color: methodColor(7), width: 2 },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "1 (learning the linear model)",
      x: [Math.min(...cs), Math.max(...cs)],
      y: [1, 1],
      line: { color: methodColor(2), width: 1, dash: "dash" },
    },
  ];
  o.seeds.forEach((s, i) =>
    data.push({
      type: "scatter",
      mode: "markers",
      name: `trained LSA (seed ${s})`,
      x: cs,
      y: rows.map((r) => round(r.trained[i]!.slope)),
      error_y: { type: "data", array: rows.map((r) => round(2 * r.trained[i]!.slopeSe)), visible: true },
      marker: { color: methodColor(0), size: 9, symbol: i === 0 ? "circle-open" : "square-open", line: { width: 2 } },
    }),
  );
  data.push({
    type: "scatter",
    mode: "markers",
    name: "OLS",
    x: cs,
    y: rows.map((r) => round(r.ols.slope)),
    marker: { color: methodColor(2), size: 9, symbol: "diamond" },
  });
  return {
    data,
    layout: {
      title: { text: o.title },
      xaxis: { type: "log", title: { text: "test covariate scale c (x ~ N(0, c²I)), log" } },
      yaxis: { type: "log", title: { text: "slope of ŷ on ⟨w, x_q⟩, log" }, exponentformat: "power" },
      legend: { x: 0.02, xanchor: "left", y: 0.98 },
    },
    width: 760,
    height: 500,
  };
}
