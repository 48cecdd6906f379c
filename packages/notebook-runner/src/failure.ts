/**
 * Turning what tslab leaves behind after a failed cell into readable text. tslab sends no
 * `error` message: a type error is one stderr write per diagnostic (`line:col - message`), and a
 * runtime error is a single `console.error(e)` write at the end of the cell.
 */
import { ErrorOutput } from "./outputs";

const DIAGNOSTIC = /^(\S+ )?\d+:\d+ - /;
const MAX_TRACEBACK_LINES = 60;
export const MESSAGE_LINES = 6;

export interface FailureText {
  /** Short reason for the summary line, e.g. "TypeScript error". */
  kind: string;
  /** The error text as lines, starting with the error itself (e.g. "Error: boom"). */
  lines: string[];
}

/**
 * Node prints an error thrown by vm code as `file:line`, the source line, a `^` marker and a
 * blank line before `Error: message`. Move that context after the stack so the first line is
 * the error itself.
 */
function errorFirst(lines: string[]): string[] {
  const caret = lines.slice(0, 4).findIndex((l) => /^\s*\^+~*\s*$/.test(l));
  if (caret < 0) return lines;
  let rest = caret + 1;
  while (rest < lines.length && lines[rest].trim() === "") rest++;
  if (rest >= lines.length) return lines;
  return [...lines.slice(rest), "", ...lines.slice(0, caret + 1)];
}

function toLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  return lines;
}

/** Picks the error report out of the stderr writes of a cell whose execute_reply said "error". */
export function errorFromStderr(stderrWrites: readonly string[]): FailureText {
  const diagnostics = stderrWrites.filter((w) => DIAGNOSTIC.test(w));
  if (diagnostics.length > 0) return { kind: "TypeScript error", lines: toLines(diagnostics.join("")) };
  for (let i = stderrWrites.length - 1; i >= 0; i--) {
    const lines = toLines(stderrWrites[i]);
    if (lines.length > 0) return { kind: "uncaught exception", lines: errorFirst(lines) };
  }
  return { kind: "uncaught exception", lines: ["(the kernel reported an error but printed no error text)"] };
}

export function textLines(text: string): string[] {
  return toLines(text);
}

/** The synthetic output appended to a failed cell so the failure is visible in the file. */
export function errorOutput(summary: string, lines: readonly string[]): ErrorOutput {
  const body = lines.length > 0 ? lines : [summary];
  return {
    output_type: "error",
    ename: "CellExecutionError",
    evalue: body[0],
    traceback: [`run-notebook stopped here: ${summary}`, ...body.slice(0, MAX_TRACEBACK_LINES)],
  };
}

/** The first lines of an error, indented, for terminal messages. */
export function indentFirstLines(lines: readonly string[], count = MESSAGE_LINES): string {
  const shown = lines.slice(0, count).map((l) => `  ${l}`);
  if (lines.length > count) shown.push(`  … (${lines.length - count} more lines in the notebook)`);
  return shown.join("\n");
}
