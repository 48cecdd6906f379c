import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../lib/core/env";
import { BEGIN, collectClaims, END, renderStatus, withStatus } from "../lib/tools/status-table";
import { claim, countVerdicts, equals, paper, prototype, sanityCheck, StudyClaims, Verdict } from "../lib/core/claims";

/** A study whose claims have the given verdicts ("holds"/"fails" make sanity checks). */
const study = (name: string, verdicts: Verdict[], from = paper("Table 1")): StudyClaims => {
  const claims = verdicts.map((v, i) => {
    const ok = equals({ label: "h", measured: 1, expected: 1, from });
    const bad = equals({ label: "h", measured: 0, expected: 1, from });
    const base = { id: `C${i}`, statement: "a | b", source: "Thm 1" };
    if (v === "holds" || v === "fails") return sanityCheck({ ...base, parts: [{ label: "p", checks: [v === "holds" ? ok : bad] }] });
    return claim({ ...base, headline: { label: "h", checks: [v === "not reproduced" ? bad : ok] }, supporting: [{ label: "s", checks: [v === "partly" ? bad : ok] }] });
  });
  return { study: name, paper: `Paper ${name}`, notebook: `notebooks/${name}.ipynb`, scale: "full", counts: countVerdicts(claims), claims };
};

test("the table counts verdicts per study (checks apart), splits them by basis and escapes pipes", () => {
  const md = renderStatus([study("alpha", ["reproduced", "partly", "reproduced", "holds"]), study("beta", ["not reproduced", "fails"], prototype("notes §5"))]);
  assert.ok(md.startsWith(BEGIN) && md.endsWith(END));
  assert.match(md, /\| alpha \| Paper alpha \| \[alpha.ipynb\]\(notebooks\/alpha.ipynb\) \| full \| 2 \| 1 \| 0 \| 1\/1 \|/);
  assert.match(md, /\| beta \| .* \| 0 \| 0 \| 1 \| 0\/1 \|/);
  assert.match(md, /\*\*alpha\*\*: against the paper's own numbers: 2 of 3 reproduced \(1 partly, 0 not\)/);
  assert.match(md, /\*\*beta\*\*: against the notes' prototype runs: 0 of 1 reproduced \(0 partly, 1 not\)/);
  assert.match(md, /a \\\| b/);
  assert.match(md, /\| C1 \| claim \| .* \| paper \| .* \| 🟡 partly \| failing: supporting "s" \(h\) \|/);
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
