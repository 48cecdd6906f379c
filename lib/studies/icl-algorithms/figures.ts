/** Plotly specs of the icl-algorithms figures (pure functions of result objects). */
import type { Figure } from "../../core/figures";
import { methodColor } from "../../core/plot-style";
import { mean } from "../../core/stats";
import type { ErrorCurves } from "./experiments/baselines";
import { runsOfSize, type PhaseStudy } from "./experiments/phases";

const round = (v: number, digits = 5) => Number(v.toPrecision(digits));
const REF_ORDER = ["GD(α*)", "ridge(λ=0.5)", "OLS", "3-NN"];

/** Seed mean of a per-run curve, with min and max over seeds. */
function seedBand(curves: number[][]): { m: number[]; lo: number[]; hi: number[] } {
  const n = curves[0]!.length;
  const at = (i: number) => curves.map((c) => c[i]!);
  return {
    m: Array.from({ length: n }, (_, i) => mean(at(i))),
    lo: Array.from({ length: n }, (_, i) => Math.min(...at(i))),
    hi: Array.from({ length: n }, (_, i) => Math.max(...at(i))),
  };
}

function panels(
  s: PhaseStudy,
  o: {
    title: string;
    yTitle: string;
    pick: (r: PhaseStudy["runs"][number], ref: string) => number[] | undefined;
    x: number[];
    refs: string[];
  },
): Figure {
  const data: Record<string, unknown>[] = [];
  const k = s.sizes.length;
  const layout: Record<string, unknown> = {
    title: { text: o.title },
    legend: { orientation: "h", y: -0.22 },
    margin: { b: 120 },
  };
  s.sizes.forEach((L, p) => {
    const ax = p === 0 ? "" : String(p + 1);
    const runs = runsOfSize(s, L);
    o.refs.forEach((ref, j) => {
      const curves = runs.map((r) => o.pick(r, ref)).filter((c): c is number[] => c !== undefined);
      if (curves.length === 0) return;
      const b = seedBand(curves);
      const color = methodColor(j);
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: ref,
        legendgroup: ref,
        showlegend: p === 0,
        x: o.x,
        y: b.m.map((v) => round(Math.max(v, 1e-8))),
        error_y: {
          type: "data",
          symmetric: false,
          array: b.hi.map((v, i) => round(v - b.m[i]!)),
          arrayminus: b.m.map((v, i) => round(v - b.lo[i]!)),
          thickness: 1,
        },
        line: { color, width: 2 },
        marker: { size: 5 },
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
      });
    });
    const w = 1 / k;
    layout[`xaxis${ax}`] = {
      domain: [p * w + 0.02, (p + 1) * w - 0.03],
      title: { text: `prefix length i (L = ${L}, ${runs.length} seeds)` },
    };
    layout[`yaxis${ax}`] = { anchor: `x${ax}`, type: "log", exponentformat: "power", ...(p === 0 ? { title: { text: o.yTitle } } : {}) };
  });
  return { data, layout, width: 1100, height: 460 };
}

/** SPD/d of each trained size against each reference, per prefix length (seed mean, min-max bars). */
export function spdFigure(s: PhaseStudy): Figure {
  const x = Array.from({ length: s.job.n }, (_, i) => i).slice(1);
  return panels(s, {
    title: `SPD/d between the trained transformers and the reference learners (d = ${s.job.d}, ${s.job.steps} steps): lower = closer`,
    yTitle: "SPD / d (log)",
    pick: (r, ref) => r.spd[ref]?.mean.slice(1),
    x,
    refs: REF_ORDER,
  });
}

/** ILWD/d against each linear reference at the probed prefixes. */
export function ilwdFigure(s: PhaseStudy): Figure {
  return panels(s, {
    title: `ILWD/d: implicit linear weights (probe fits, K = ${s.job.probeK}) against the references' weights`,
    yTitle: "ILWD / d (log)",
    pick: (r, ref) => r.ilwd[ref]?.mean,
    x: s.job.prefixes,
    refs: REF_ORDER.slice(0, 3),
  });
}

/** Left: squared error per prefix length, trained sizes and references (noiseless). Right: noisy references (double descent of OLS at i = d). */
export function errorFigure(s: PhaseStudy, noisy: ErrorCurves): Figure {
  const data: Record<string, unknown>[] = [];
  const x = Array.from({ length: s.job.n }, (_, i) => i);
  s.sizes.forEach((L, j) => {
    const b = seedBand(runsOfSize(s, L).map((r) => r.error.mean));
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: `transformer L = ${L}`,
      x,
      y: b.m.map((v) => round(v)),
      line: { color: methodColor(4 + j), width: 3 },
    });
  });
  REF_ORDER.forEach((ref, j) => {
    const c = s.referenceError[ref];
    if (c)
      data.push({
        type: "scatter",
        mode: "lines",
        name: ref,
        x,
        y: c.mean.map((v) => round(Math.max(v, 1e-6))),
        line: { color: methodColor(j), width: 1.5, dash: "dot" },
      });
  });
  noisy.curves.forEach((c, j) =>
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: `${c.name}, σ² = ${noisy.sigma2}`,
      x: Array.from({ length: noisy.n }, (_, i) => i),
      y: c.curve.mean.map((v) => round(v)),
      line: { color: methodColor(j), width: 2 },
      xaxis: "x2",
      yaxis: "y2",
    }),
  );
  return {
    data,
    layout: {
      title: { text: "Squared error vs prefix length: trained models and references (left, noiseless) and references with noise (right)" },
      xaxis: { domain: [0, 0.45], title: { text: `prefix length i (d = ${s.job.d}, noiseless)` } },
      yaxis: { type: "log", exponentformat: "power", title: { text: "squared error (log)" } },
      xaxis2: { domain: [0.55, 1], title: { text: `prefix length i (d = ${noisy.d}, σ² = ${noisy.sigma2})` } },
      yaxis2: { anchor: "x2", type: "log", exponentformat: "power" },
      legend: { orientation: "h", y: -0.22, font: { size: 10 } },
      margin: { b: 150 },
    },
    width: 1100,
    height: 500,
  };
}
