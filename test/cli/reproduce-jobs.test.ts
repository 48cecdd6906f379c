/**
 * `make reproduce` runs notebooks side by side (--jobs): two small notebooks run two at a time
 * come out byte-identical to the same notebooks run one at a time, and the second starts before
 * the first has finished (read from the log order, not from a clock).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../lib/core/env";

const run = promisify(execFile);
const root = repoRoot();

function notebook(cells: string[]): string {
  return `${JSON.stringify(
    {
      cells: cells.map((source, i) => ({ cell_type: "code", execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source })),
      metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  )}\n`;
}

const SOURCES: Record<string, string[]> = {
  "reproduce-jobs-test-a": [
    "const squares = [1, 2, 3].map((v) => v * v);\nconsole.log(squares.join(' '));",
    "squares.reduce((a, b) => a + b, 0)",
  ],
  "reproduce-jobs-test-b": ["let s = 0;\nfor (let i = 1; i <= 1000; i++) s += 1 / i;\nconsole.log(s.toFixed(12));"],
};

async function reproduce(dir: string, jobs: number): Promise<{ log: string; files: Record<string, Buffer> }> {
  const paths = Object.keys(SOURCES).map((slug) => path.join(dir, `${slug}.ipynb`));
  for (const [slug, cells] of Object.entries(SOURCES)) fs.writeFileSync(path.join(dir, `${slug}.ipynb`), notebook(cells));
  const { stderr } = await run(
    process.execPath,
    [path.join(root, "dist/lib/cli/reproduce.js"), "--force", "--jobs", String(jobs), ...paths],
    {
      cwd: root,
    },
  );
  return { log: stderr, files: Object.fromEntries(paths.map((p) => [path.basename(p), fs.readFileSync(p)])) };
}

test("reproduce --jobs 2 runs notebooks side by side with the same outputs as --jobs 1", async () => {
  const one = fs.mkdtempSync(path.join(os.tmpdir(), "ls-jobs1-"));
  const two = fs.mkdtempSync(path.join(os.tmpdir(), "ls-jobs2-"));
  try {
    const serial = await reproduce(one, 1);
    const parallel = await reproduce(two, 2);
    // outputs worked by hand: 1 + 4 + 9 = 14; H_1000 = 7.485470860550...
    const expected: Record<string, string[]> = {
      "reproduce-jobs-test-a.ipynb": ["1 4 9", "14"],
      "reproduce-jobs-test-b.ipynb": ["7.485470860550"],
    };
    for (const [name, bytes] of Object.entries(serial.files)) {
      for (const text of expected[name]!) assert.ok(bytes.toString().includes(text), `${name} was executed and shows ${text}`);
      assert.deepEqual(parallel.files[name], bytes, `${name} differs between --jobs 1 and --jobs 2`);
    }
    assert.match(parallel.log, /2 of 2 notebook\(s\) executed.*2 at a time/);
    const lines = parallel.log.split("\n");
    const started = lines.findIndex((l) => l.startsWith("[2/2]"));
    const firstDone = lines.findIndex((l) => / ok, \d+ code cells/.test(l));
    assert.ok(
      started >= 0 && firstDone >= 0 && started < firstDone,
      `the second notebook started before the first ended:\n${parallel.log}`,
    );
    const serialLines = serial.log.split("\n");
    assert.ok(
      serialLines.findIndex((l) => l.startsWith("[2/2]")) > serialLines.findIndex((l) => / ok, \d+ code cells/.test(l)),
      "with --jobs 1 the second starts after the first",
    );
  } finally {
    for (const d of [one, two]) fs.rmSync(d, { recursive: true, force: true });
    for (const slug of Object.keys(SOURCES)) fs.rmSync(path.join(root, "build", "stamps", `${slug}.json`), { force: true });
  }
});
