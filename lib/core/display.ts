/**
 * Rich output in the notebook through tslab's display API, and a no-op outside a kernel (unit
 * tests, scripts), so library code can show things without knowing where it runs.
 */

interface TslabDisplay {
  html(s: string): void;
  markdown(s: string): void;
  png(bytes: Uint8Array): void;
}

/**
 * Runs `show` with tslab's display. tslab throws "Not ready" when no cell is executing in a tslab
 * kernel (unit tests, plain scripts): that case has nothing to show. Any other error is real and
 * propagates. The show* functions return nothing so that a cell ending in one prints nothing.
 */
function withDisplay(show: (d: TslabDisplay) => void): void {
  const { display } = require("tslab") as { display: TslabDisplay };
  try {
    show(display);
  } catch (e) {
    if (!(e instanceof Error && e.message === "Not ready")) throw e;
  }
}

export function showHtml(html: string): void {
  withDisplay((d) => d.html(html));
}

export function showMarkdown(md: string): void {
  withDisplay((d) => d.markdown(md));
}

export function showPng(bytes: Uint8Array): void {
  withDisplay((d) => d.png(bytes));
}

/** Escapes text for inclusion in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A plain HTML table (renders in JupyterLab and in GitHub's sanitised notebook preview). */
export function htmlTable(columns: string[], rows: (string | number)[][]): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(String(v))}</td>`).join("")}</tr>`).join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
