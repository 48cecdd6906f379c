import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../lib/core/env";
import { BEGIN, collectClaims, END, renderStatus, withStatus } from "../../lib/cli/status-table";
import { StudyClaims } from "../../lib/core/claims";

const study = (name: string, verdicts: StudyClaims["claims"][number]["verdict"][]): StudyClaims => ({
  study: name,
  paper: `Paper ${name}`,
  notebook: `notebooks/${name}.ipynb`,
  scale: "full",
  claims: verdicts.map((v, i) => ({ id: `C${i}`, statement: "a | b", source: "Thm 1", expected: "1", tolerance: "t", measured: "1", verdict: v, note: "" })),
});

test("the table counts verdicts per study and escapes pipes", () => {
  const md = renderStatus([study("alpha", ["reproduced", "partly", "reproduced"]), study("beta", ["not reproduced"])]);
  assert.ok(md.startsWith(BEGIN) && md.endsWith(END));
  assert.match(md, /\| alpha \| Paper alpha \| \[alpha.ipynb\]\(notebooks\/alpha.ipynb\) \| full \| 2 \| 1 \| 0 \|/);
  assert.match(md, /\| beta \| .* \| 0 \| 0 \| 1 \|/);
  assert.match(md, /a \\\| b/);
  assert.match(renderStatus([]), /No study has been reproduced yet/);
});

test("withStatus replaces only the marked block and insists on the markers", () => {
  const readme = `# T\n\nintro\n\n${BEGIN}\nold\n${END}\n\nafter\n`;
  const out = withStatus(readme, `${BEGIN}\nnew\n${END}`);
  assert.equal(out, `# T\n\nintro\n\n${BEGIN}\nnew\n${END}\n\nafter\n`);
  assert.throws(() => withStatus("# no markers\n", "x"), /must contain the status markers/);
});

test("collectClaims reads every study folder that has a claims.json", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-status-"));
  for (const s of [study("zeta", ["reproduced"]), study("alpha", ["partly"])]) {
    fs.mkdirSync(path.join(dir, s.study));
    fs.writeFileSync(path.join(dir, s.study, "claims.json"), JSON.stringify(s));
  }
  fs.mkdirSync(path.join(dir, "no-claims"));
  assert.deepEqual(collectClaims(dir).map((s) => s.study), ["alpha", "zeta"]);
});

test("README.md's status table is up to date with figures/*/claims.json", () => {
  const root = repoRoot();
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const expected = withStatus(readme, renderStatus(collectClaims(path.join(root, "figures"))));
  assert.equal(readme, expected, "README.md is out of date: run `make readme` (or `make reproduce`) and commit it");
});
