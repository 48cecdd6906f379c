/**
 * Rich output in the notebook through tslab's display API, and a no-op outside a kernel (unit
 * tests, scripts), so library code can show things without knowing where it runs.
 */

interface TslabDisplay {
  html(s: string): void;
  markdown(s: string): void;
  png(bytes: Uint8Array): void;
}

let cached: TslabDisplay | null | undefined;

function tslabDisplay(): TslabDisplay | null {
  if (cached !== undefined) return cached;
  // Only inside the tslab kernel is there an execution to attach output to; the kernel is started
  // by tslab's own main module, which is then in require.cache.
  const inKernel = Object.keys(require.cache).some((f) => /[\\/]tslab[\\/]dist[\\/]main\.js$/.test(f));
  cached = inKernel ? (require("tslab") as { display: TslabDisplay }).display : null;
  return cached;
}

/** True when running inside a tslab kernel (notebook), false in plain Node. */
export function inNotebook(): boolean {
  return tslabDisplay() !== null;
}

export function showHtml(html: string): void {
  tslabDisplay()?.html(html);
}

export function showMarkdown(md: string): void {
  tslabDisplay()?.markdown(md);
}

export function showPng(bytes: Uint8Array): void {
  tslabDisplay()?.png(bytes);
}

/** Escapes text for inclusion in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A plain HTML table (renders in JupyterLab and in GitHub's sanitised notebook preview). */
export function htmlTable(columns: string[], rows: (string | number)[][]): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(String(v))}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
