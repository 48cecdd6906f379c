/**
 * Plotly specs of the linear-ssl figures (pure functions of result objects; the notebook renders
 * them with core/figures' showFigure into figures/linear-ssl/).
 */
import type { Figure } from "../../core/figures";
import { fade, methodColor } from "../../core/plot-style";
import type { FixedPointResult } from "./experiments/fixed-points";
import type { B2Row, Curve } from "./experiments/jepa-mae";
import type { SweepRow } from "./experiments/sweep";

const round = (v: number, digits = 5) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);

/** Eigenvalues of sym(W_p) along one trajectory with weight decay (left) and without (right); p* dashed. */
export function trajectoryFigure(r: FixedPointResult, title: string): Figure {
  const data: Record<string, unknown>[] = [];
  const panels: [string, FixedPointResult["runs"][number], string, string][] = [
    [`η = ${r.eta}`, r.runs[0]!, "x", "y"],
    ["η = 0", r.runsNoDecay[0]!, "x2", "y2"],
  ];
  panels.forEach(([label, run, xa, ya], k) => {
    const d = run.final.eigWp.length;
    for (let j = 0; j < d; j++) {
      data.push({
        type: "scatter",
        mode: "lines",
        name: `eig_${j + 1}(W_p)`,
        legendgroup: `m${j}`,
        showlegend: k === 0,
        x: run.snapshots.map((s) => round(s.t)),
        y: run.snapshots.map((s) => round(s.eigWp[j]!)),
        line: { color: methodColor(j), width: 2 },
        xaxis: xa,
        yaxis: ya,
      });
    }
    if (k === 0) {
      r.pStar.filter(Number.isFinite).forEach((p, j) =>
        data.push({
          type: "scatter",
          mode: "lines",
          name: j === 0 ? "p* (x² ≥ 4ηx')" : `p*_${j + 1}`,
          showlegend: j === 0,
          x: [0, run.snapshots[run.snapshots.length - 1]!.t],
          y: [round(p), round(p)],
          line: { color: "#444", width: 1, dash: "dash" },
          xaxis: xa,
          yaxis: ya,
        }),
      );
    }
    void label;
  });
  return {
    data,
    layout: {
      title: { text: title },
      grid: { rows: 1, columns: 2, pattern: "independent" },
      xaxis: { title: { text: `t (η = ${r.eta}, seed ${r.runs[0]!.seed})` } },
      xaxis2: { title: { text: `t (η = 0, seed ${r.runsNoDecay[0]!.seed})` } },
      yaxis: { title: { text: "eigenvalues of sym(W_p)" } },
    },
    width: 900,
  };
}

/** The commutator κ(t) on a log scale, every seed, with and without weight decay. */
export function alignmentFigure(r: FixedPointResult, title: string): Figure {
  const data: Record<string, unknown>[] = [];
  const add = (runs: FixedPointResult["runs"], name: string, color: string) =>
    runs.forEach((run, i) =>
      data.push({
        type: "scatter",
        mode: "lines",
        name,
        legendgroup: name,
        showlegend: i === 0,
        x: run.snapshots.filter((s) => s.t > 0).map((s) => round(s.t)),
        y: run.snapshots.filter((s) => s.t > 0).map((s) => (s.commutator > 0 ? round(s.commutator) : null)),
        line: { color, width: 1.5 },
      }),
    );
  add(r.runs, `η = ${r.eta} (${r.runs.length} seeds)`, methodColor(0));
  add(r.runsNoDecay, `η = 0 (${r.runsNoDecay.length} seeds)`, methodColor(1));
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: "t" } },
      yaxis: { title: { text: "κ = ‖W_pF − FW_p‖ / (‖W_p‖‖F‖)" }, type: "log", exponentformat: "power" },
    },
  };
}

/** Modes with a fixed point (x² ≥ 4ηx') vs live modes observed (mean, min-max bars) against η. */
export function fixedPointCountFigure(rows: SweepRow[], title: string): Figure {
  const etas = rows.map((r) => r.eta);
  const means = rows.map((r) => r.live.reduce((s, v) => s + v, 0) / r.live.length);
  return {
    data: [
      {
        type: "scatter",
        mode: "lines+markers",
        name: "modes with a fixed point (theory)",
        x: etas,
        y: rows.map((r) => r.theory),
        line: { color: "#444", shape: "hv", dash: "dash" },
      },
      {
        type: "scatter",
        mode: "markers",
        name: `live modes at T (mean, range over ${rows[0]?.live.length ?? 0} seeds)`,
        x: etas,
        y: means.map((m) => round(m)),
        error_y: {
          type: "data",
          symmetric: false,
          array: rows.map((r, i) => Math.max(...r.live) - means[i]!),
          arrayminus: rows.map((r, i) => means[i]! - Math.min(...r.live)),
        },
        marker: { color: methodColor(0), size: 10 },
      },
    ],
    layout: { title: { text: title }, xaxis: { title: { text: "weight decay η" } }, yaxis: { title: { text: "modes" }, dtick: 1 } },
  };
}

/** w̄_i(t)/w̄_i* against t/min_i t*_i, JEPA (top) and MAE (bottom), one column per depth. */
export function learningCurvesFigure(curves: Curve[], tStarMin: (kind: string, L: number) => number, title: string): Figure {
  const depths = [...new Set(curves.map((c) => c.L))].sort((a, b) => a - b);
  const rhos = [...new Set(curves.map((c) => c.feature.rho))].sort((a, b) => a - b);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: title },
    grid: { rows: 2, columns: depths.length, pattern: "independent" },
  };
  (["jepa", "mae"] as const).forEach((kind, row) =>
    depths.forEach((L, col) => {
      const idx = row * depths.length + col + 1;
      const ax = idx === 1 ? "" : String(idx);
      const t0 = tStarMin(kind, L);
      for (const c of curves.filter((x) => x.kind === kind && x.L === L)) {
        const k = rhos.indexOf(c.feature.rho);
        const keep = c.t.map((_, i) => i).filter((i) => c.t[i]! / t0 <= 3);
        data.push({
          type: "scatter",
          mode: "lines",
          name: `λ = ${c.feature.lam}, ρ = ${c.feature.rho}`,
          legendgroup: `f${k}`,
          showlegend: idx === 1,
          x: keep.map((i) => round(c.t[i]! / t0)),
          y: keep.map((i) => round(c.frac[i]!)),
          line: { color: methodColor(k), width: 2 },
          xaxis: `x${ax}`,
          yaxis: `y${ax}`,
        });
      }
      layout[`xaxis${ax}`] = { range: [0, 3], title: row === 1 ? { text: `t / t*_min, L = ${L}` } : undefined };
      layout[`yaxis${ax}`] = { range: [0, 1.05], title: col === 0 ? { text: `${kind.toUpperCase()}: w̄/w̄*` } : undefined };
    }),
  );
  return { data, layout, width: 1000, height: 560 };
}

/** t*(ρ = 0.2)/t*(ρ = 0.8) against depth, JEPA and MAE (equal λ). */
export function ratioFigure(rows: B2Row[], title: string): Figure {
  const data = (["jepa", "mae"] as const).map((kind, i) => {
    const rs = rows.filter((r) => r.kind === kind);
    return {
      type: "scatter",
      mode: "lines+markers",
      name: kind.toUpperCase(),
      x: rs.map((r) => r.L),
      y: rs.map((r) => round(r.ratio)),
      line: { color: methodColor(i), width: 2 },
      marker: { size: 9, color: fade(methodColor(i), 0.9) },
    };
  });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: "depth L" }, dtick: 1 },
      yaxis: { title: { text: "t*(ρ = 0.2) / t*(ρ = 0.8)" } },
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 1, y1: 1, line: { color: "#888", dash: "dot", width: 1 } }],
    },
  };
}
