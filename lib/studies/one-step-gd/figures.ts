/**
 * Plotly specs of the one-step-GD figures (pure functions of result objects; the notebook renders
 * them with core/figures' showFigure). Each `fooBarFigure` is written to figures/one-step-gd/foo-bar.*.
 */
import type { Figure } from "../../core/figures";
import { fade, methodColor } from "../../core/plot-style";
import type { TrainedLsa } from "../../topics/icl/evaluate";
import { diagOf, type Matrix } from "../../core/linalg";
import type { NoiseSweepResult } from "./experiments/noise-sweep";
import type { NonlinearResult } from "./experiments/nonlinear";
import type { PreconditionerResult } from "./experiments/preconditioner";

const round = (v: number, digits = 3) => Number(v.toFixed(digits));

/** Labelled ticks for log axes (plotly's default minor labels read "5" for 0.5). */
const LOG_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 2, 3, 5, 10];

/** Learned Γ_eff beside η*·I on one colour scale, values printed in the cells. */
export function gammaEffHeatmapFigure(gammaEff: Matrix, etaStar: number, title: string): Figure {
  const d = gammaEff.length;
  const target = gammaEff.map((r, i) => r.map((_, j) => (i === j ? etaStar : 0)));
  const labels = Array.from({ length: d }, (_, i) => `${i + 1}`);
  const zmax = Math.max(etaStar, ...gammaEff.flat().map(Math.abs));
  const heat = (z: Matrix, xaxis: string, yaxis: string, showscale: boolean) => ({
    type: "heatmap",
    z: z.map((r) => r.map((v) => round(v, 4))),
    x: labels,
    y: labels,
    xaxis,
    yaxis,
    zmin: -zmax,
    zmax,
    colorscale: "RdBu",
    reversescale: true,
    showscale,
    texttemplate: "%{z:.3f}",
    textfont: { size: 11 },
    hoverongaps: false,
  });
  return {
    data: [heat(gammaEff, "x", "y", false), heat(target, "x2", "y2", true)],
    layout: {
      title: { text: title },
      xaxis: { domain: [0, 0.44], title: { text: "j" }, constrain: "domain", dtick: 1 },
      yaxis: { autorange: "reversed", title: { text: "i" }, scaleanchor: "x" },
      xaxis2: { domain: [0.52, 0.96], title: { text: "j" }, constrain: "domain", dtick: 1 },
      yaxis2: { autorange: "reversed", anchor: "x2", scaleanchor: "x2" },
      annotations: [
        { text: "trained Γ_eff", x: 0.22, y: 1.0, xref: "paper", yref: "paper", showarrow: false, yanchor: "bottom" },
        { text: `η*·I (η* = ${round(etaStar, 4)})`, x: 0.74, y: 1.0, xref: "paper", yref: "paper", showarrow: false, yanchor: "bottom" },
      ],
      margin: { t: 80 },
    },
    width: 760,
    height: 420,
  };
}

/** Evaluation loss along training (one line per seed) against constant baselines. */
export function lossCurvesFigure(
  runs: TrainedLsa[],
  baselines: { name: string; value: number }[],
  title: string,
  yTitle = "½ MSE on held-out tasks",
): Figure {
  const data: Record<string, unknown>[] = runs.map((r, k) => {
    const pts = r.checkpoints.filter((c) => c.step > 0 && Number.isFinite(c.evalLoss));
    return {
      type: "scatter",
      mode: "lines",
      name: `LSA, seed ${r.seed}`,
      x: pts.map((c) => c.step),
      y: pts.map((c) => round(c.evalLoss, 5)),
      line: { color: methodColor(0), width: 1.5, dash: ["solid", "dot", "dash", "dashdot"][k % 4] },
    };
  });
  const steps = runs.flatMap((r) => r.checkpoints.map((c) => c.step)).filter((s) => s > 0);
  const x = [Math.min(...steps), Math.max(...steps)];
  baselines.forEach((b, k) =>
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${b.name} (${round(b.value, 4)})`,
      x,
      y: [round(b.value, 5), round(b.value, 5)],
      line: { color: methodColor(k + 1), width: 2, dash: "dash" },
    }),
  );
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { type: "log", title: { text: "Adam step (log scale)" } },
      yaxis: { type: "log", title: { text: `${yTitle} (log scale)` }, tickvals: LOG_TICKS, ticktext: LOG_TICKS.map(String) },
      legend: { x: 0.98, xanchor: "right", y: 0.98 },
    },
  };
}

/** Step size against σ²: closed form (line), ratio-formula Monte Carlo (±2 SE) and trained layers. */
export function stepVsNoiseFigure(sweep: NoiseSweepResult, closedForm: (sigma2: number) => number, title: string): Figure {
  const rows = sweep.rows;
  const maxS = Math.max(...rows.map((r) => r.sigma2));
  const grid = Array.from({ length: 81 }, (_, k) => (maxS * k) / 80);
  const trained = rows.flatMap((r) => r.trained.map((t) => ({ s: r.sigma2, v: t.step, seed: t.seed })));
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "closed form n/(n+d+1+σ²) [derived]",
        x: grid.map((v) => round(v, 4)),
        y: grid.map((s) => round(closedForm(s), 5)),
        line: { color: methodColor(7), width: 2 },
      },
      {
        type: "scatter",
        mode: "markers",
        name: "Monte Carlo ratio formula (±2 SE)",
        x: rows.map((r) => r.sigma2),
        y: rows.map((r) => round(r.mc, 5)),
        error_y: { type: "data", array: rows.map((r) => round(2 * r.mcSe, 5)), visible: true },
        marker: { color: methodColor(1), size: 9, symbol: "diamond" },
      },
      {
        type: "scatter",
        mode: "markers",
        name: "trained LSA: mean diag Γ_eff (each seed)",
        x: trained.map((t) => t.s),
        y: trained.map((t) => round(t.v, 5)),
        marker: { color: fade(methodColor(0), 0.8), size: 8, symbol: "circle-open", line: { width: 2 } },
      },
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: "label noise σ²" } },
      yaxis: { title: { text: "step size η (1/n convention)" } },
      legend: { x: 0.02, xanchor: "left", y: 0.02, yanchor: "bottom" },
    },
  };
}

/** Diagonal of the preconditioner against Σ_jj, one panel per prior, both theories drawn. */
export function preconditionerFigure(studies: PreconditionerResult[], title: string): Figure {
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = { title: { text: title }, annotations: [], legend: { orientation: "h", y: -0.2 } };
  const gap = 0.08;
  const yTicks = LOG_TICKS;
  const width = (1 - gap * (studies.length - 1)) / studies.length;
  studies.forEach((st, k) => {
    const ax = k === 0 ? "" : String(k + 1);
    const xa = `x${ax}`;
    const ya = `y${ax}`;
    const first = k === 0;
    const sig = st.Sigma;
    data.push(
      {
        type: "scatter",
        mode: "lines+markers",
        name: "η*Σ⁻¹ (Mahankali T2 [derived])",
        legendgroup: "a",
        showlegend: first,
        x: sig,
        y: diagOf(st.etaSigmaInv).map((v) => round(v, 5)),
        xaxis: xa,
        yaxis: ya,
        line: { color: methodColor(1), dash: "dash" },
        marker: { size: 5 },
      },
      {
        type: "scatter",
        mode: "lines+markers",
        name: "Γ_σ⁻¹ (Zhang Γ with noise [derived])",
        legendgroup: "b",
        showlegend: first,
        x: sig,
        y: diagOf(st.gammaSigmaInv).map((v) => round(v, 5)),
        xaxis: xa,
        yaxis: ya,
        line: { color: methodColor(2), dash: "dot" },
        marker: { size: 5 },
      },
      {
        type: "scatter",
        mode: "markers",
        name: "least-squares fit (Monte Carlo, ±2 SE)",
        legendgroup: "c",
        showlegend: first,
        x: sig,
        y: diagOf(st.fit.G).map((v) => round(v, 5)),
        error_y: { type: "data", array: diagOf(st.fit.se).map((v) => round(2 * v, 5)), visible: true },
        xaxis: xa,
        yaxis: ya,
        marker: { color: methodColor(4), size: 10, symbol: "diamond-open", line: { width: 2 } },
      },
      {
        type: "scatter",
        mode: "markers",
        name: "trained LSA diag Γ_eff (each seed)",
        legendgroup: "d",
        showlegend: first,
        x: st.trained.flatMap(() => sig),
        y: st.trained.flatMap((t) => t.diag.map((v) => round(v, 5))),
        xaxis: xa,
        yaxis: ya,
        marker: { color: methodColor(0), size: 7, symbol: "circle" },
      },
    );
    const lo = k * (width + gap);
    layout[`xaxis${ax}`] = {
      type: "log",
      domain: [lo, lo + width],
      title: { text: "Σ_jj (log scale)" },
      anchor: ya,
      tickvals: sig,
      ticktext: sig.map(String),
    };
    layout[`yaxis${ax}`] = {
      type: "log",
      anchor: xa,
      title: { text: first ? "G_jj (log scale)" : "" },
      tickvals: yTicks,
      ticktext: yTicks.map(String),
    };
    (layout.annotations as unknown[]).push({
      text: st.prior === "invCov" ? "w ~ N(0, Σ⁻¹)" : "w ~ N(0, I)",
      x: lo + width / 2,
      y: 1.0,
      xref: "paper",
      yref: "paper",
      showarrow: false,
      yanchor: "bottom",
    });
  });
  return { data, layout, width: 860, height: 480 };
}

/** Nonlinear teachers: MSE of the trained layer vs GD(η*_MC) and the zero predictor; diag Γ_eff / η*_MC. */
export function nonlinearTeacherFigure(studies: NonlinearResult[], title: string): Figure {
  const names = studies.map((s) => s.name);
  const meanRisk = (s: NonlinearResult, f: (t: TrainedLsa) => number) => s.trained.reduce((a, t) => a + f(t), 0) / s.trained.length;
  const data: Record<string, unknown>[] = [
    {
      type: "bar",
      name: "zero predictor",
      x: names,
      y: studies.map((s) => round(s.zeroRisk, 5)),
      marker: { color: methodColor(7) },
      xaxis: "x",
      yaxis: "y",
    },
    {
      type: "bar",
      name: "GD with Monte Carlo η*",
      x: names,
      y: studies.map((s) =>
        round(
          meanRisk(s, (t) => t.risk.reference.mse),
          5,
        ),
      ),
      marker: { color: methodColor(1) },
      xaxis: "x",
      yaxis: "y",
    },
    {
      type: "bar",
      name: "trained LSA (mean over seeds)",
      x: names,
      y: studies.map((s) =>
        round(
          meanRisk(s, (t) => t.risk.lsa.mse),
          5,
        ),
      ),
      marker: { color: methodColor(0) },
      xaxis: "x",
      yaxis: "y",
    },
  ];
  studies.forEach((s, k) => {
    const pts = s.trained.flatMap((t) => t.diag.map((v, j) => ({ j, v: v / s.etaMC })));
    data.push({
      type: "scatter",
      mode: "markers",
      name: `${s.name}: diag Γ_eff / η*_MC`,
      x: pts.map((p) => p.j + 1 + (k - (studies.length - 1) / 2) * 0.15),
      y: pts.map((p) => round(p.v, 5)),
      xaxis: "x2",
      yaxis: "y2",
      marker: { color: methodColor(k + 2), size: 8 },
    });
  });
  const d = studies[0]!.spec.d;
  data.push({
    type: "scatter",
    mode: "lines",
    name: "±3% band",
    x: [0.5, d + 0.5, d + 0.5, 0.5, 0.5],
    y: [0.97, 0.97, 1.03, 1.03, 0.97],
    xaxis: "x2",
    yaxis: "y2",
    line: { color: "#999", dash: "dot", width: 1 },
  });
  return {
    data,
    layout: {
      title: { text: title },
      barmode: "group",
      xaxis: { domain: [0, 0.45], title: { text: "teacher" } },
      yaxis: { title: { text: "MSE E(ŷ − y_q)²" }, rangemode: "tozero" },
      xaxis2: { domain: [0.58, 1], title: { text: "coordinate j" }, anchor: "y2", dtick: 1 },
      yaxis2: { anchor: "x2", title: { text: "Γ_eff,jj / η*_MC" }, range: [0.94, 1.06] },
      legend: { orientation: "h", y: -0.25 },
    },
    width: 900,
    height: 480,
  };
}
