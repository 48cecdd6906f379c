/**
 * Plotly specs of the ltsf-linear figures (pure functions of result objects; the notebook renders
 * them with core/figures' showFigure into figures/ltsf-linear/<name>.svg|png).
 */
import { type Figure, withGaps } from "../../core/figures";
import { methodColor } from "../../core/plot-style";
import { asEttName } from "./experiments/closed-form";
import { B9_METHODS, type CotResult, type ExcessRow, type TaskDistributionRow, type TrainedLsaRow } from "./experiments/ar-lsa";
import type { OlsRow } from "./experiments/closed-form";
import type { CellSummary } from "./experiments/grid-cells";
import { table2, TABLE2_HORIZONS, TRANSFORMERS } from "./paper";

const round = (v: number, digits = 4) => Number(v.toFixed(digits));
const MODELS = ["Linear", "NLinear", "DLinear"] as const;

/** Forecast of channel OT on one test window: the look-back tail, the truth and each model's forecast. */
export function forecastFigure(o: {
  data: string;
  H: number;
  lookback: number[];
  truth: number[];
  forecasts: { model: string; values: number[] }[];
  window: number;
}): Figure {
  const tail = o.lookback.slice(-Math.min(o.lookback.length, 2 * o.H));
  const t0 = -tail.length;
  const data: Record<string, unknown>[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "look-back (truth)",
      x: tail.map((_, i) => t0 + i),
      y: tail.map((v) => round(v)),
      line: { color: "#555", width: 1.5 },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "truth",
      x: o.truth.map((_, i) => i),
      y: o.truth.map((v) => round(v)),
      line: { color: "#000", width: 2 },
    },
    ...o.forecasts.map((f, k) => ({
      type: "scatter",
      mode: "lines",
      name: f.model,
      x: f.values.map((_, i) => i),
      y: f.values.map((v) => round(v)),
      line: { color: methodColor(k), width: 2 },
    })),
  ];
  return {
    data,
    layout: {
      title: { text: `${o.data}, oil temperature (OT), test window ${o.window}: forecasts of H = ${o.H} from L = 336 (normalised)` },
      xaxis: { title: { text: "step relative to the forecast origin" } },
      yaxis: { title: { text: "OT (normalised by the train-only scaler)" } },
      legend: { x: 0.01, xanchor: "left", y: 0.99 },
    },
  };
}

/** MSE by horizon for one dataset: our seed means (±2 SE) against Table 2, Transformers as context. */
export function mseByHorizonFigure(name: string, cells: CellSummary[]): Figure {
  const data = asEttName(name);
  const H = [...TABLE2_HORIZONS];
  const traces: Record<string, unknown>[] = [];
  MODELS.forEach((m, k) => {
    traces.push({
      type: "scatter",
      mode: "lines+markers",
      name: `${m}, Table 2`,
      x: H,
      y: H.map((h) => table2(data, h, m).mse.value),
      line: { color: methodColor(k), width: 1.5, dash: "dot" },
      marker: { symbol: "circle-open", size: 8 },
    });
    const mine = cells.filter((c) => c.data === data && c.model === m).sort((a, b) => a.H - b.H);
    if (mine.length > 0)
      traces.push({
        type: "scatter",
        mode: "markers",
        name: `${m}, ours (mean of ${mine[0]!.seeds.length} seeds, ±2 SE)`,
        x: mine.map((c) => c.H),
        y: mine.map((c) => round(c.meanMse)),
        error_y: { type: "data", array: mine.map((c) => (Number.isFinite(c.seMse) ? round(2 * c.seMse) : 0)), visible: true },
        marker: { color: methodColor(k), size: 10, symbol: "diamond" },
      });
  });
  TRANSFORMERS.forEach((t, k) =>
    traces.push({
      type: "scatter",
      mode: "lines",
      name: `${t} (Table 2, L = 96)`,
      x: H,
      y: H.map((h) => table2(data, h, t).mse.value),
      line: { color: methodColor(4 + k), width: 1, dash: "dash" },
    }),
  );
  return {
    data: traces,
    layout: {
      title: { text: `${data}: test MSE by horizon, ours against Table 2` },
      xaxis: { title: { text: "horizon H" }, tickvals: H },
      yaxis: { title: { text: "MSE (normalised)" }, type: data === "ETTh2" ? "log" : "linear" },
      legend: { x: 1.02, xanchor: "left", y: 1 },
      margin: { r: 260 },
    },
    width: 960,
  };
}

/** The look-back sweep of the least-squares optimum (ETTh1, H = 96). */
export function lookbackFigure(rows: OlsRow[]): Figure {
  const s = rows.filter((r) => r.data === "ETTh1" && r.H === 96).sort((a, b) => a.L - b.L);
  return {
    data: [
      {
        type: "scatter",
        mode: "lines+markers",
        name: "Linear-OLS",
        x: s.map((r) => r.L),
        y: s.map((r) => round(r.linear.mse, 5)),
        line: { color: methodColor(0) },
      },
      {
        type: "scatter",
        mode: "lines+markers",
        name: "NLinear-OLS",
        x: s.map((r) => r.L),
        y: s.map((r) => round(r.nlinear.mse, 5)),
        line: { color: methodColor(1) },
      },
      {
        type: "scatter",
        mode: "lines",
        name: "FEDformer, Table 2 (L = 96)",
        x: [s[0]!.L, s[s.length - 1]!.L],
        y: [0.376, 0.376],
        line: { color: methodColor(4), dash: "dash" },
      },
    ],
    layout: {
      title: { text: "ETTh1, H = 96: the least-squares optimum improves with the look-back L" },
      xaxis: { title: { text: "look-back L" }, tickvals: s.map((r) => r.L) },
      yaxis: { title: { text: "test MSE (full test set)" } },
    },
  };
}

/** Excess MSE over the oracle against the context length n (log-log). */
export function lsaExcessFigure(indep: ExcessRow[], trained: TrainedLsaRow[]): Figure {
  const methods = [...new Set(indep.map((r) => r.method))];
  const data: Record<string, unknown>[] = methods.map((m, k) => {
    const rs = indep.filter((r) => r.method === m).sort((a, b) => a.n - b.n);
    return {
      type: "scatter",
      mode: "lines+markers",
      name: `${m} (independent prompts)`,
      x: rs.map((r) => r.n),
      y: rs.map((r) => round(r.excess, 6)),
      error_y: { type: "data", array: rs.map((r) => round(2 * r.se, 6)), visible: true },
      line: { color: methodColor(k + 1) },
    };
  });
  const seeds = [...new Set(trained.map((t) => t.seed))];
  seeds.forEach((s, k) => {
    const rs = trained.filter((t) => t.seed === s).sort((a, b) => a.n - b.n);
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: `trained LSA, series seed ${s} (±2 SE)`,
      x: rs.map((r) => r.n),
      y: rs.map((r) => round(r.excess, 6)),
      error_y: { type: "data", array: rs.map((r) => round(2 * r.se, 6)), visible: true },
      line: { color: methodColor(0), dash: k === 0 ? "solid" : "dot" },
      marker: { symbol: "diamond", size: 9 },
    });
  });
  const ns = [...new Set(indep.map((r) => r.n))].sort((a, b) => a - b);
  const ref = indep.find((r) => r.method === "best LSA (ALS)" && r.n === ns[ns.length - 1]);
  if (ref)
    data.push({
      type: "scatter",
      mode: "lines",
      name: "∝ 1/n (through the best LSA at the largest n)",
      x: ns,
      y: ns.map((n) => round((ref.excess * ref.n) / n, 6)),
      line: { color: "#999", dash: "dash", width: 1 },
    });
  return {
    data,
    layout: excessLayout("AR(3), φ = (0.5, −0.3, 0.2): excess MSE over the oracle φᵀz against the context length", ns, 300),
    width: 1000,
  };
}

/** Chain-of-thought rollouts: k-step MSE (with γ₀) and the official single rollout. */
export function cotFigure(cot: CotResult): Figure {
  const names = ["LSA", "global OLS", "Bayes (true φ)"] as const;
  const data: Record<string, unknown>[] = names.map((nm, k) => ({
    type: "scatter",
    mode: "lines",
    name: `${nm}: k-step MSE (${cot.rollouts - cot.diverged[nm]} of ${cot.rollouts} rollouts stayed bounded)`,
    x: cot.ks,
    y: withGaps(cot.mseBounded[nm].map((v) => (Number.isFinite(v) ? round(v, 5) : Number.NaN))),
    line: { color: methodColor(k) },
  }));
  data.push({
    type: "scatter",
    mode: "lines",
    name: `γ₀ = ${round(cot.gamma0, 4)}`,
    x: [1, cot.ks.length],
    y: [cot.gamma0, cot.gamma0],
    line: { color: "#000", dash: "dash", width: 1 },
  });
  names.forEach((nm, k) =>
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${nm}: rollout from the end of training`,
      x: cot.ks,
      y: cot.single[nm].map((v) => round(v, 5)),
      xaxis: "x2",
      yaxis: "y2",
      line: { color: methodColor(k) },
      showlegend: true,
    }),
  );
  data.push({
    type: "scatter",
    mode: "lines",
    name: "truth",
    x: cot.ks,
    y: cot.single.truth.map((v) => round(v, 5)),
    xaxis: "x2",
    yaxis: "y2",
    line: { color: "#888", width: 1 },
  });
  return {
    data,
    layout: {
      title: { text: `Chain-of-thought rollouts (n = ${cot.n}): forecasts collapse to the mean, errors rise to γ₀` },
      xaxis: { domain: [0, 0.45], title: { text: "steps ahead k" } },
      yaxis: { title: { text: "k-step MSE" } },
      xaxis2: { domain: [0.55, 1], title: { text: "steps ahead k" }, anchor: "y2" },
      yaxis2: { anchor: "x2", title: { text: "value" } },
      legend: { orientation: "h", y: -0.25 },
      margin: { b: 160 },
    },
    width: 1000,
    height: 520,
  };
}

/** Log-log axes of excess MSE against the context length, legend on the right. */
function excessLayout(title: string, ns: number[], rightMargin: number): Record<string, unknown> {
  return {
    title: { text: title },
    xaxis: { type: "log", title: { text: "context columns n (log)" }, tickvals: ns },
    yaxis: { type: "log", title: { text: "excess MSE over the oracle (log)" } },
    legend: { x: 1.02, xanchor: "left", y: 1 },
    margin: { r: rightMargin },
  };
}

/** B9: excess over each prompt's oracle against n, per method (±2 SE), log-log. */
export function taskDistributionFigure(rows: TaskDistributionRow[]): Figure {
  const byN = [...rows].sort((a, b) => a.n - b.n);
  const ns = byN.map((r) => r.n);
  return {
    data: B9_METHODS.map((m, k) => ({
      type: "scatter",
      mode: "lines+markers",
      name: m,
      x: ns,
      y: byN.map((r) => round(r.excess[m].excess, 6)),
      error_y: { type: "data", array: byN.map((r) => round(2 * r.excess[m].se, 6)), visible: true },
      line: { color: methodColor(k), dash: m === "trained LSA (Adam)" ? "dot" : "solid" },
      marker: m === "trained LSA (Adam)" ? { symbol: "diamond", size: 9 } : {},
    })),
    layout: excessLayout("B9 (ours): a new stationary AR(3) φ per prompt: excess MSE over each prompt's oracle", ns, 220),
    width: 950,
  };
}
