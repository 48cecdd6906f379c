/**
 * README's "Using the library from Node" examples are real: every ```js block marked
 * `<!-- example -->` runs as a plain Node script that imports the library by package name (through
 * package.json `exports`, as a user's script would), and prints what its `// prints` comment says.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../lib/core/env";

/** The marked examples of a README text, with the line each starts on. */
function readmeExamples(readme: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const re = /<!-- example -->\s*\n```js\n([\s\S]*?)```/g;
  for (let m = re.exec(readme); m; m = re.exec(readme)) out.push({ line: readme.slice(0, m.index).split("\n").length, code: m[1]! });
  return out;
}

test("readmeExamples finds only marked js blocks", () => {
  const md = "a\n<!-- example -->\n```js\nconsole.log(1);\n```\n```js\nnot marked\n```\n";
  assert.deepEqual(readmeExamples(md), [{ line: 2, code: "console.log(1);\n" }]);
});

test("README's Node examples run and print what they say", () => {
  const root = repoRoot();
  const examples = readmeExamples(fs.readFileSync(path.join(root, "README.md"), "utf8"));
  assert.ok(examples.length >= 4, `README should have an example per study, found ${examples.length}`);
  // inside the package, so `require("linear-studies/...")` resolves by self-reference like an installed package
  const dir = path.join(root, "build", "readme-examples");
  fs.mkdirSync(dir, { recursive: true });
  for (const [i, ex] of examples.entries()) {
    const file = path.join(dir, `example-${i + 1}.js`);
    fs.writeFileSync(file, ex.code);
    const r = spawnSync(process.execPath, [file], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, LS_TF_BACKEND: process.env.LS_TF_BACKEND ?? "" },
    });
    assert.equal(r.status, 0, `README example at line ${ex.line} failed:\n${r.stderr}`);
    for (const m of ex.code.matchAll(/\/\/ prints (.+)$/gm)) {
      assert.ok(
        r.stdout.includes(m[1]!.trim()),
        `README example at line ${ex.line}: expected output to include ${JSON.stringify(m[1]!.trim())}, got:\n${r.stdout}`,
      );
    }
  }
});
