/**
 * Plotly specs of the linear-attention figures (pure functions of result objects; the notebook
 * renders them with core/figures' showFigure into figures/linear-attention/).
 */
import type { Figure } from "../../core/figures";
import { methodColor } from "../../core/plot-style";
import { FORMS } from "../../topics/sequence-memory";
import type { CostResult } from "./experiments/cost";
import type { DigitsResult, RetrievalTables, MetastableResult } from "./experiments/hopfield";
import type { CapabilityRead } from "./experiments/capability";
import type { TrainResult } from "../../topics/sequence-memory/train";

const round = (v: number, digits = 5) => Number(v.toPrecision(digits));

/** Median CPU time against L on log-log axes, one line per algorithm, with fitted slopes in the legend. */
export function costFigure(r: CostResult, title: string): Figure {
  const data = FORMS.map((form, i) => {
    const ps = r.points.filter((p) => p.form === form);
    const s = r.slopes.find((x) => x.form === form)!;
    return {
      type: "scatter",
      mode: "lines+markers",
      name: `${form} (slope ${s.slope.toFixed(2)})`,
      x: ps.map((p) => p.L),
      y: ps.map((p) => round(p.seconds * 1e3)),
      line: { color: methodColor(i), width: 2, dash: form.startsWith("la") ? "dot" : "solid" },
    };
  });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: "sequence length L" }, type: "log" },
      yaxis: { title: { text: "CPU ms (median), one head, d = 64" }, type: "log" },
    },
  };
}

/** Mean relative retrieval error against β, one line per (d, N), for HF4 (solid) and HF5 (dashed). */
export function retrievalFigure(t: RetrievalTables, title: string): Figure {
  const data = [
    ...t.hf4.map((c) => ({ c, dash: "solid", tag: "±1, 10% flips" })),
    ...t.hf5.map((c) => ({ c, dash: "dash", tag: "Gaussian, half masked" })),
  ].map(({ c, dash, tag }, i) => ({
    type: "scatter",
    mode: "lines+markers",
    name: `${tag}: d = ${c.d}, N = ${c.N}`,
    x: c.rows.map((x) => x.beta),
    y: c.rows.map((x) => round(x.relErr)),
    error_y: { type: "data", array: c.rows.map((x) => round(2 * x.relErrSe)), visible: true },
    line: { color: methodColor(i), width: 2, dash },
  }));
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: "β" }, type: "log" },
      yaxis: { title: { text: "‖ξ_new − x‖/‖x‖ (mean ± 2 SE)" } },
    },
  };
}

/** n_eff of the fixed point against β (HF7). */
export function metastableFigure(r: MetastableResult, title: string): Figure {
  return {
    data: [
      {
        type: "scatter",
        mode: "lines+markers",
        name: "n_eff = 1/Σp² at the fixed point",
        x: r.rows.map((x) => x.beta),
        y: r.rows.map((x) => round(x.nEff)),
        line: { color: methodColor(0), width: 2 },
      },
      {
        type: "scatter",
        mode: "lines",
        name: `all ${r.clusters * r.perCluster} patterns`,
        x: [r.rows[0]!.beta, r.rows[r.rows.length - 1]!.beta],
        y: [r.clusters * r.perCluster, r.clusters * r.perCluster],
        line: { color: methodColor(1), dash: "dot" },
      },
      {
        type: "scatter",
        mode: "lines",
        name: `one cluster (${r.perCluster})`,
        x: [r.rows[0]!.beta, r.rows[r.rows.length - 1]!.beta],
        y: [r.perCluster, r.perCluster],
        line: { color: methodColor(2), dash: "dot" },
      },
    ],
    layout: { title: { text: title }, xaxis: { title: { text: "β" }, type: "log" }, yaxis: { title: { text: "n_eff" }, type: "log" } },
  };
}

/** Digits panel: per example, original, query (top half) and the retrieved state at each β, as 8×8 heatmaps. */
export function digitsFigure(r: DigitsResult, title: string): Figure {
  const cols = 2 + r.examples[0]!.retrieved.length;
  const rows = r.examples.length;
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = { title: { text: title }, showlegend: false, annotations: [] as unknown[] };
  const img = (v: number[]) => Array.from({ length: 8 }, (_, i) => v.slice(i * 8, i * 8 + 8).map((x) => round(x, 3))).reverse();
  r.examples.forEach((ex, i) => {
    const panels = [
      { name: `stored (label ${ex.label})`, v: ex.original },
      { name: "query: top half", v: ex.query },
      ...ex.retrieved.map((x) => ({ name: `retrieved, β = ${x.beta}`, v: x.state })),
    ];
    panels.forEach((p, j) => {
      const k = i * cols + j + 1;
      data.push({
        type: "heatmap",
        z: img(p.v),
        colorscale: "Greys",
        reversescale: true,
        showscale: false,
        zmin: -2,
        zmax: 2,
        xaxis: `x${k}`,
        yaxis: `y${k}`,
      });
      const w = 1 / cols;
      const h = 1 / rows;
      layout[`xaxis${k}`] = { domain: [j * w + 0.01, (j + 1) * w - 0.01], showticklabels: false, anchor: `y${k}` };
      layout[`yaxis${k}`] = {
        domain: [1 - (i + 1) * h + 0.02, 1 - i * h - 0.06],
        showticklabels: false,
        anchor: `x${k}`,
        scaleanchor: `x${k}`,
      };
      (layout.annotations as unknown[]).push({
        text: p.name,
        x: (j + 0.5) * w,
        y: 1 - i * h - 0.03,
        xref: "paper",
        yref: "paper",
        showarrow: false,
        font: { size: 10 },
      });
    });
  });
  return { data, layout, width: 180 * cols, height: 200 * rows + 60 };
}

/** Colour index of a run's arm: the paper's method (DeltaNet; n_h = 2) is 1, its baseline (LA; n_h = 1) 0. */
const armOf = (r: TrainResult) => (r.spec.task.kind === "mqar" ? (r.spec.model.rule === "delta" ? 1 : 0) : r.spec.model.nh >= 2 ? 1 : 0);
const armName = (r: TrainResult) =>
  r.spec.task.kind === "mqar" ? (r.spec.model.rule === "delta" ? "DeltaNet" : "LA") : `n_h = ${r.spec.model.nh}`;
/** One dash style per seed, the same in both arms. */
const seedDash = (runs: TrainResult[], r: TrainResult) => {
  const seeds = [...new Set(runs.map((x) => x.spec.seed))].sort((a, b) => a - b);
  return ["solid", "dash", "dot", "dashdot"][seeds.indexOf(r.spec.seed) % 4];
};

/** Held-out accuracy against training steps for each stored training job (colour: arm, dash: seed). */
export function trainingFigure(c: CapabilityRead, group: "mqar" | "s3", title: string): Figure {
  const runs = (group === "mqar" ? c.mqar : c.s3).flatMap((e) => (e.result ? [e.result] : []));
  const data = runs.map((r) => ({
    type: "scatter",
    mode: "lines+markers",
    name: `${armName(r)} seed ${r.spec.seed}`,
    x: r.evals.map((p) => p.step),
    y: r.evals.map((p) => round(p.acc)),
    line: { color: methodColor(armOf(r)), width: 2, dash: seedDash(runs, r) },
  }));
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: "training step" } },
      yaxis: { title: { text: "held-out token accuracy" }, range: [0, 1.02] },
    },
  };
}

/** Training loss (20-step block means) against steps, one line per run; a horizontal line at a reference loss. */
export function lossFigure(runs: TrainResult[], o: { title: string; reference?: { loss: number; name: string } }): Figure {
  const data: Record<string, unknown>[] = runs.map((r) => ({
    type: "scatter",
    mode: "lines",
    name: `${armName(r)} seed ${r.spec.seed}`,
    x: r.loss.map((p) => p.step + 1),
    y: r.loss.map((p) => round(p.loss)),
    line: { color: methodColor(armOf(r)), width: 2, dash: seedDash(runs, r) },
  }));
  if (o.reference) {
    const end = Math.max(...runs.map((r) => r.spec.steps));
    data.push({
      type: "scatter",
      mode: "lines",
      name: o.reference.name,
      x: [0, end],
      y: [round(o.reference.loss), round(o.reference.loss)],
      line: { color: "#888", width: 1, dash: "dashdot" },
    });
  }
  return {
    data,
    layout: { title: { text: o.title }, xaxis: { title: { text: "training step" } }, yaxis: { title: { text: "training loss (nats)" } } },
  };
}

/** S₃ token accuracy against the evaluation length (train length marked), one line per run. */
export function s3LengthFigure(runs: TrainResult[], title: string): Figure {
  const data = runs.map((r) => ({
    type: "scatter",
    mode: "lines+markers",
    name: `${armName(r)} seed ${r.spec.seed}`,
    x: (r.lengths ?? []).map((l) => l.L),
    y: (r.lengths ?? []).map((l) => round(l.tokenAcc)),
    line: { color: methodColor(armOf(r)), width: 2, dash: seedDash(runs, r) },
  }));
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: {
        title: { text: `sequence length L (trained at ${runs[0]?.spec.task.L ?? "?"})` },
        type: "log",
        tickvals: [...new Set(runs.flatMap((r) => (r.lengths ?? []).map((l) => l.L)))],
      },
      yaxis: { title: { text: "held-out token accuracy" }, range: [0, 1.02] },
    },
  };
}
