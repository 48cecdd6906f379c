/**
 * House style shared by every figure: size, fonts, background and a colour palette for methods.
 * `withStyle` lays a figure's own layout over these defaults, so a notebook only states what is
 * particular to its plot.
 */

/** Default figure size in CSS pixels; the PNG is `PNG_SCALE` times larger so it stays crisp. */
export const FIGURE_WIDTH = 720;
export const FIGURE_HEIGHT = 440;
export const PNG_SCALE = 2;

/**
 * Plotly measures text to lay out margins and legends, so the font decides the geometry of the
 * whole figure. Naming fonts that are installed (DejaVu on Debian, Open Sans inside the npm
 * Chromium) rather than a bare "sans-serif" keeps that choice the same from run to run.
 */
export const FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, Open Sans, sans-serif";

/** Okabe-Ito: stays distinguishable for the common colour-vision deficiencies and in greyscale. */
export const PALETTE: readonly string[] = [
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#009E73", // green
  "#CC79A7", // purple
  "#E69F00", // orange
  "#56B4E9", // sky blue
  "#F0E442", // yellow
  "#000000",
];

/** Colour of the i-th method; wraps around so a long list never fails. */
export function methodColor(index: number): string {
  const n = PALETTE.length;
  return PALETTE[((Math.trunc(index) % n) + n) % n];
}

/** `#rrggbb` with an alpha, for error bands drawn over their line's colour. */
export function fade(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`fade expects a #rrggbb colour, got ${JSON.stringify(hex)}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`fade alpha must be in [0, 1], got ${alpha}`);
  const [r, g, b] = m.slice(1).map((h) => Number.parseInt(h, 16));
  return `rgba(${r},${g},${b},${alpha})`;
}

function baseLayout(): Record<string, unknown> {
  const axis = { gridcolor: "#e5e5e5", zerolinecolor: "#bdbdbd", linecolor: "#444", ticks: "outside", automargin: true };
  return {
    font: { family: FONT_FAMILY, size: 13, color: "#222" },
    paper_bgcolor: "white",
    plot_bgcolor: "white",
    colorway: [...PALETTE],
    margin: { l: 64, r: 24, t: 48, b: 56 },
    xaxis: { ...axis },
    yaxis: { ...axis },
    legend: { bgcolor: "rgba(255,255,255,0.8)" },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Deep merge where `over` wins; arrays and scalars are replaced, never merged element-wise. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? merge(prev, value) : value;
  }
  return out;
}

/** The house layout with `layout` laid over it (the argument is not modified). */
export function withStyle(layout: Record<string, unknown> = {}): Record<string, unknown> {
  return merge(baseLayout(), layout);
}
