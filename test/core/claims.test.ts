import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  atLeast,
  atMost,
  claim,
  Claims,
  close,
  countVerdicts,
  derived,
  design,
  equals,
  inInterval,
  monotone,
  monteCarlo,
  ordered,
  pairedDifference,
  paper,
  proportion,
  prototype,
  readStudyClaims,
  sanityCheck,
  summarizeByBasis,
} from "../../lib/core/claims";
import { citation, definePaper } from "../../lib/core/paper";

const from = derived("test");

test("close: abs or rel, never NaN; a tolerance under 2 SE is flagged", () => {
  assert.equal(close({ label: "a", measured: 1.0005, expected: 1, rel: 1e-3, from }).pass, true);
  assert.equal(close({ label: "a", measured: 1.002, expected: 1, rel: 1e-3, from }).pass, false);
  assert.equal(close({ label: "a", measured: 0.01, expected: 0, abs: 0.02, rel: 1e-3, from }).pass, true);
  assert.equal(close({ label: "a", measured: Number.NaN, expected: 0, abs: 1, from }).pass, false);
  assert.throws(() => close({ label: "a", measured: 1, expected: 1, from }), /abs or rel/);
  assert.throws(() => close({ label: "a", measured: 1, expected: 1, abs: -0.1, from }), /must be ≥ 0/);
  // a tolerance derived from noise that could not be estimated fails the check and says why
  const noNoise = close({ label: "a", measured: 1, expected: 1, abs: Number.NaN, from });
  assert.equal(noNoise.pass, false);
  assert.match(noNoise.flags.join(), /tolerance is not a number/);
  const c = close({ label: "eta", measured: 0.62, expected: 0.625, rel: 0.01, se: 0.004, from });
  assert.equal(c.tolerance, "±1%");
  assert.equal(c.flags.length, 1); // half-width 0.00625 < 2·0.004
  assert.match(c.flags[0]!, /narrower than 2 SE/);
  assert.equal(close({ label: "eta", measured: 0.62, expected: 0.625, rel: 0.01, se: 0.003, from }).flags.length, 0);
});

test("bounds, intervals and order", () => {
  assert.equal(atMost({ label: "x", measured: 0.75, bound: 0.75, from }).pass, true);
  assert.equal(atMost({ label: "x", measured: 0.75, bound: 0.75, strict: true, from }).pass, false);
  assert.equal(atLeast({ label: "x", measured: Number.NaN, bound: 0, from }).pass, false);
  assert.equal(atLeast({ label: "x", measured: 0.9, bound: 0.85, se: 0.03, from }).flags.length, 1);
  assert.equal(inInterval({ label: "x", measured: 0.7, lo: 0.7, hi: 1.3, from }).pass, true);
  assert.equal(inInterval({ label: "x", measured: 1.31, lo: 0.7, hi: 1.3, from }).pass, false);
  assert.throws(() => inInterval({ label: "x", measured: 1, lo: 2, hi: 1, from }), /empty/);
  const o = ordered({
    label: "LR vs NB",
    larger: { name: "NB", value: 0.104, se: 0.002 },
    smaller: { name: "LR", value: 0.035, se: 0.002 },
    margin: 0.01,
    from,
  });
  assert.equal(o.pass, true);
  assert.equal(o.expected, "NB > LR + 0.01");
  assert.equal(ordered({ label: "o", larger: { name: "a", value: 1 }, smaller: { name: "b", value: 1 }, from }).pass, false);
});

test("monotone: strict by default; small steps flagged against their SEs", () => {
  assert.equal(monotone({ label: "m", values: [3, 2, 1], direction: "decreasing", from }).pass, true);
  assert.equal(monotone({ label: "m", values: [3, 3, 1], direction: "decreasing", from }).pass, false);
  assert.equal(monotone({ label: "m", values: [3, 3, 1], direction: "decreasing", strict: false, from }).pass, true);
  assert.equal(monotone({ label: "m", values: [1, 2, 2.01], direction: "increasing", se: [0.01, 0.01, 0.01], from }).flags.length, 1);
});

test("proportion: decided by the Wilson interval (hand-computed: 5/10 → [0.2366, 0.7634])", () => {
  const eq = proportion({ label: "p", successes: 5, trials: 10, expected: 0.75, compare: "equal", from });
  assert.equal(eq.pass, true);
  assert.match(eq.measured, /\[0\.237, 0\.763\]/);
  assert.equal(proportion({ label: "p", successes: 5, trials: 10, expected: 0.77, compare: "equal", from }).pass, false);
  // 1 of 5 with "at least 0.8": Wilson upper end 0.624 < 0.8 → fails; 5 of 5 → passes
  assert.equal(proportion({ label: "p", successes: 1, trials: 5, expected: 0.8, compare: "atLeast", from }).pass, false);
  assert.equal(proportion({ label: "p", successes: 5, trials: 5, expected: 0.8, compare: "atLeast", from }).pass, true);
  assert.match(
    proportion({ label: "p", successes: 1, trials: 5, expected: 0.8, compare: "atLeast", from }).flags[0]!,
    /half-width of 0.29: a weak test/,
  );
  assert.equal(proportion({ label: "p", successes: 5, trials: 5, expected: 0.8, compare: "atLeast", from }).flags.length, 0); // [0.566, 1]
  assert.equal(proportion({ label: "p", successes: 311, trials: 972, expected: 0.47, compare: "equal", from }).pass, false);
});

test("pairedDifference: t-interval of paired differences (t_{0.975,4} = 2.776)", () => {
  // d = [1, 2, 3, 4, 5]: mean 3, sd √2.5, se 0.7071, half 1.963 → [1.037, 4.963]
  const a = [2, 4, 6, 8, 10],
    b = [1, 2, 3, 4, 5];
  const g = pairedDifference({ label: "d", a, b, names: ["A", "B"], expect: "greater", margin: 1, from });
  assert.equal(g.pass, true);
  assert.match(g.measured, /\[1\.04, 4\.96\]/);
  assert.equal(pairedDifference({ label: "d", a, b, names: ["A", "B"], expect: "greater", margin: 1.1, from }).pass, false);
  assert.equal(pairedDifference({ label: "d", a, b, names: ["A", "B"], expect: "less", from }).pass, false);
  const eq = pairedDifference({
    label: "d",
    a: [0.5, 0.51, 0.49],
    b: [0.5, 0.5, 0.5],
    names: ["A", "B"],
    expect: "equivalent",
    margin: 0.05,
    from,
  });
  assert.equal(eq.pass, true);
  const one = pairedDifference({ label: "d", a: [1], b: [0], names: ["A", "B"], expect: "greater", from });
  assert.equal(one.pass, false);
  assert.match(one.flags[0]!, /at least 2/);
  assert.throws(() => pairedDifference({ label: "d", a: [1, 2], b: [1], names: ["A", "B"], expect: "greater", from }), /pair them/);
});

test("monteCarlo and equals", () => {
  assert.equal(monteCarlo({ label: "mc", estimate: 0.009247, se: 0.0000961, expected: 0.0095082, from }).pass, true); // 2.72 SE
  assert.equal(monteCarlo({ label: "mc", estimate: 0.009, se: 0.0001, expected: 0.0095082, from }).pass, false); // 5.1 SE
  assert.equal(monteCarlo({ label: "mc", estimate: 1, se: 0, expected: 1, from }).pass, false);
  assert.equal(equals({ label: "params", measured: 650, expected: 650, from }).pass, true);
  assert.equal(equals({ label: "params", measured: 651, expected: 650, from }).pass, false);
});

test("verdict rule: the headline decides; supporting parts only make it partly", () => {
  const ok = (label: string) => equals({ label, measured: 1, expected: 1, from: paper("Table 1") });
  const bad = (label: string) => equals({ label, measured: 2, expected: 1, from: paper("Table 1") });
  const sup = (pass: boolean) => [
    {
      label: "support",
      checks: [
        pass
          ? equals({ label: "s", measured: 1, expected: 1, from: design("why") })
          : equals({ label: "s", measured: 0, expected: 1, from: design("why") }),
      ],
    },
  ];
  const base = { statement: "s", source: "Thm 1" };
  assert.equal(claim({ ...base, id: "a", headline: { label: "h", checks: [ok("x")] }, supporting: sup(true) }).verdict, "reproduced");
  const partly = claim({ ...base, id: "b", headline: { label: "h", checks: [ok("x")] }, supporting: sup(false) });
  assert.equal(partly.verdict, "partly");
  assert.match(partly.note, /failing: supporting "support"/);
  // a failing headline is not reproduced even when every supporting part passes
  assert.equal(
    claim({ ...base, id: "c", headline: { label: "h", checks: [ok("x"), bad("y")] }, supporting: sup(true) }).verdict,
    "not reproduced",
  );
  assert.equal(claim({ ...base, id: "c", headline: { label: "h", checks: [ok("x")] } }).basis, "paper");
  assert.throws(
    () =>
      claim({
        ...base,
        id: "d",
        headline: { label: "h", checks: [ok("x"), equals({ label: "z", measured: 1, expected: 1, from: prototype("notes") })] },
      }),
    /mixes provenances/,
  );
  assert.throws(() => claim({ ...base, id: "e" } as never), /needs a headline/);
  assert.throws(() => claim({ ...base, id: "f", headline: { label: "h", checks: [] } }), /no checks/);
  assert.throws(() => claim({ ...base, id: "bad id", headline: { label: "h", checks: [ok("x")] } }), /claim id/);
  assert.throws(() => paper(" "), /non-empty/);
  const chk = sanityCheck({ ...base, id: "g", parts: [{ label: "p", checks: [bad("x")] }] });
  assert.equal(chk.kind, "check");
  assert.equal(chk.verdict, "fails");
  const counts = countVerdicts([
    partly,
    chk,
    claim({
      ...base,
      id: "h",
      headline: { label: "h", checks: [equals({ label: "d", measured: 1, expected: 1, from: derived("notes") })] },
    }),
  ]);
  assert.deepEqual(counts.claims, { reproduced: 1, partly: 1, "not reproduced": 0 });
  assert.deepEqual(counts.checks, { holds: 0, fails: 1 });
  assert.equal(
    summarizeByBasis(counts),
    "against the paper's own numbers: 0 of 1 reproduced (1 partly, 0 not); against values derived here: 1 of 1 reproduced (0 partly, 0 not)",
  );
});

test("registry: unique ids, at least one claim, claims.json reads back and old files are refused", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-claims-"));
  process.env.LS_OUTPUT_DIR = dir;
  const P = definePaper({
    slug: "demo-study",
    title: "A paper",
    authors: ["A", "B"],
    venue: "ICLR 2024",
    notes: "docs/notes/demo-study.md",
  });
  const c = new Claims(P);
  assert.throws(() => c.write(), /no claims/);
  c.add(
    sanityCheck({
      id: "s",
      statement: "s",
      source: "x",
      parts: [{ label: "p", checks: [equals({ label: "e", measured: 1, expected: 1, from })] }],
    }),
  );
  assert.throws(() => c.write(), /only checks/);
  const r = c.add(
    claim({
      id: "m1",
      statement: "η* = n/(n+d+1)",
      source: "Thm 1",
      headline: { label: "h", checks: [close({ label: "eta", measured: 0.5, expected: 0.5, abs: 1e-9, from })] },
    }),
  );
  assert.throws(() => c.add(r), /twice/);
  const file = c.write();
  assert.equal(file, path.join(dir, "demo-study", "claims.json"));
  const doc = readStudyClaims(file);
  assert.equal(doc.paper, "A, B. A paper (ICLR 2024)");
  assert.equal(doc.claims[1]!.verdict, "reproduced");
  assert.equal(doc.counts.checks.holds, 1);
  fs.writeFileSync(file, JSON.stringify({ study: "x", paper: "p", notebook: "n", claims: [{ id: "a", verdict: "reproduced" }] }));
  assert.throws(() => readStudyClaims(file), /no kind/);
  fs.writeFileSync(file, "{ not json");
  assert.throws(() => readStudyClaims(file), /cannot read claims.*re-run/);
});

test("definePaper names the field and the fix", () => {
  const ok = { slug: "one-step-gd", title: "T", authors: ["A"], venue: "ICLR 2024", notes: "docs/notes/one-step-gd.md" };
  assert.equal(definePaper(ok).slug, "one-step-gd");
  assert.throws(() => definePaper({ ...ok, slug: "One Step" }), /lower-case/);
  assert.throws(() => definePaper({ ...ok, notes: "docs/notes/icl.md" }), /one slug names everything/);
  assert.equal(citation({ ...ok, authors: ["A", "B", "C", "D", "E"] }), "A et al. T (ICLR 2024)");
  assert.equal(citation({ ...ok, authors: ["A", "B"] }), "A, B. T (ICLR 2024)");
});
