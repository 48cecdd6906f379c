/**
 * Plotly specs of the icl-by-gd figures (pure functions of result objects; the notebook renders
 * them with core/figures' showFigure into figures/icl-by-gd/).
 */
import type { Figure } from "../../core/figures";
import { methodColor } from "../../core/plot-style";
import type { OodRow } from "./experiments/ood";
import type { DampCurve } from "./experiments/damp";
import type { GammaRow } from "./experiments/depth";
import type { TrainedModel } from "./experiments/trained";

const round = (v: number, digits = 5) => Number(v.toPrecision(digits));

/** The Figure-2 panel: validation loss of TF vs GD over training, and the three alignment metrics. */
export function trainingFigure(models: TrainedModel[], gdLoss: number, title: string): Figure {
  const data: Record<string, unknown>[] = [];
  const panels: [string, (e: TrainedModel["evals"][number]) => number, string, string][] = [
    ["loss", (e) => e.loss, "x", "y"],
    ["model cos", (e) => e.align?.modelCos ?? Number.NaN, "x2", "y2"],
    ["preds diff", (e) => e.align?.predsDiff ?? Number.NaN, "x3", "y3"],
    ["model diff", (e) => e.align?.modelDiff ?? Number.NaN, "x4", "y4"],
  ];
  models.forEach((m, k) => {
    for (const [name, f, xa, ya] of panels) {
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: `TF seed ${m.seed}`,
        legendgroup: `s${m.seed}`,
        showlegend: name === "loss",
        x: m.evals.map((e) => e.step),
        y: m.evals.map((e) => round(f(e))),
        xaxis: xa,
        yaxis: ya,
        line: { color: methodColor(k), width: 2 },
        marker: { size: 4 },
      });
    }
  });
  const steps = models[0]!.evals.map((e) => e.step);
  data.push({
    type: "scatter",
    mode: "lines",
    name: `GD, line-searched η (${gdLoss.toFixed(4)})`,
    x: [steps[0], steps[steps.length - 1]],
    y: [gdLoss, gdLoss],
    line: { color: "black", dash: "dash", width: 1.5 },
  });
  const ax = (domain: number[], title: string, anchor: string) => ({ domain, title: { text: title }, anchor });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { ...ax([0, 0.45], "training step", "y") },
      yaxis: { ...ax([0.56, 1], "½MSE (validation)", "x") },
      xaxis2: { ...ax([0.55, 1], "training step", "y2") },
      yaxis2: { ...ax([0.56, 1], "model cos", "x2") },
      xaxis3: { ...ax([0, 0.45], "training step", "y3") },
      yaxis3: { ...ax([0, 0.44], "preds diff", "x3") },
      xaxis4: { ...ax([0.55, 1], "training step", "y4") },
      yaxis4: { ...ax([0, 0.44], "model diff", "x4") },
      height: 640,
    },
  };
}

/** OOD: loss of TF and GD against α, one panel per shift (log y). */
export function oodFigure(rows: OodRow[], title: string): Figure {
  const kinds = ["input range", "teacher scale", "unseen distributions"] as const;
  const data: Record<string, unknown>[] = [];
  kinds.forEach((kind, p) => {
    const rs = rows.filter((r) => r.kind === kind);
    const axis = p === 0 ? "" : String(p + 1);
    for (const [name, f, k, dash] of [
      ["TF", (r: OodRow) => r.lossTF, 0, "solid"],
      ["GD", (r: OodRow) => r.lossGD, 1, "dash"],
    ] as const)
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: `${name}`,
        legendgroup: name,
        showlegend: p === 0,
        x: rs.map((r) => r.alpha),
        y: rs.map((r) => round(f(r))),
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { color: methodColor(k), dash },
        marker: { size: 5 },
      });
  });
  const dom = [
    [0, 0.28],
    [0.36, 0.64],
    [0.72, 1],
  ];
  const layout: Record<string, unknown> = { title: { text: title }, height: 420 };
  kinds.forEach((kind, p) => {
    const s = p === 0 ? "" : String(p + 1);
    layout[`xaxis${s}`] = { domain: dom[p], title: { text: `${kind}: α` }, anchor: `y${s}` };
    layout[`yaxis${s}`] = { type: "log", title: { text: p === 0 ? "½MSE (log)" : "" }, anchor: `x${s}` };
  });
  return { data, layout };
}

/** Dampened repetition: loss after each application, per λ, TF solid and GD dashed (log y). */
export function dampFigure(curves: DampCurve[], title: string): Figure {
  const damps = [...new Set(curves.map((c) => c.damp))];
  return {
    data: curves.map((c) => ({
      type: "scatter",
      mode: "lines",
      name: `${c.model}, λ = ${c.damp}`,
      x: c.loss.map((_, k) => k + 1),
      y: c.loss.map((v) => round(Math.min(v, 1e6))),
      line: { color: methodColor(damps.indexOf(c.damp)), dash: c.model === "GD" ? "dash" : "solid", width: 2 },
    })),
    layout: {
      title: { text: title },
      xaxis: { title: { text: "applications of the layer" } },
      yaxis: { type: "log", title: { text: "½MSE (log; capped at 1e6)" } },
    },
  };
}

/** γ vs N: the best GD++ γ on our data and the paper's γ read off trained models. */
export function gammaFigure(rows: GammaRow[], gammaTF: number | undefined, title: string): Figure {
  const data: Record<string, unknown>[] = [
    {
      type: "scatter",
      mode: "lines+markers",
      name: "best GD++ γ (fitted, ours)",
      x: rows.map((r) => r.n),
      y: rows.map((r) => round(r.gammaFit)),
      line: { color: methodColor(0) },
    },
    {
      type: "scatter",
      mode: "markers",
      name: "paper: γ read off trained models (A.10)",
      x: rows.map((r) => r.n),
      y: rows.map((r) => r.gammaPaper),
      marker: { color: methodColor(1), size: 10, symbol: "x" },
    },
  ];
  if (gammaTF !== undefined)
    data.push({
      type: "scatter",
      mode: "markers",
      name: "γ of our trained 2-layer LSA (N = 10)",
      x: [10],
      y: [round(gammaTF)],
      marker: { color: methodColor(2), size: 11, symbol: "diamond" },
    });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { type: "log", title: { text: "context length N (log)" } },
      yaxis: { type: "log", title: { text: "γ (log)" } },
    },
  };
}
