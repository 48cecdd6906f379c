import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Claims, fmt, readStudyClaims, withinTolerance } from "../lib/core/claims";

function tempOutputs(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-claims-"));
  process.env.LS_OUTPUT_DIR = dir;
  return dir;
}

test("withinTolerance: absolute or relative bound, never for NaN", () => {
  assert.equal(withinTolerance(1.0005, 1, { rel: 1e-3, why: "" }), true);
  assert.equal(withinTolerance(1.002, 1, { rel: 1e-3, why: "" }), false);
  assert.equal(withinTolerance(0.01, 0, { abs: 0.02, rel: 1e-3, why: "" }), true);
  assert.equal(withinTolerance(Number.NaN, 0, { abs: 1, why: "" }), false);
  assert.throws(() => withinTolerance(1, 1, { why: "no bound" }), /abs or rel/);
});

test("verdicts are computed from the numbers", () => {
  const c = new Claims("demo", "A paper", "notebooks/demo.ipynb");
  assert.equal(c.close("a", { statement: "s", source: "Thm 1", expected: 2, measured: 2.001, tol: { rel: 1e-3, why: "MC error" } }).verdict, "reproduced");
  assert.equal(c.close("b", { statement: "s", source: "Thm 1", expected: 2, measured: 2.01, tol: { rel: 1e-3, why: "MC error" } }).verdict, "not reproduced");
  assert.equal(c.atMost("c", { statement: "s", source: "Fig 2", bound: 0.75, measured: 0.75, why: "exact" }).verdict, "reproduced");
  assert.equal(c.atMost("d", { statement: "s", source: "Fig 2", bound: 0.75, measured: 0.75, why: "exact", strict: true }).verdict, "not reproduced");
  assert.equal(c.atLeast("e", { statement: "s", source: "Tab 1", bound: 0.9, measured: Number.NaN, why: "w" }).verdict, "not reproduced");
  const parts = (pass: boolean[]) => pass.map((p, i) => ({ label: `p${i}`, expected: "1", measured: p ? "1" : "2", pass: p }));
  assert.equal(c.parts("f", { statement: "s", source: "derived here", tolerance: "t", parts: parts([true, true]) }).verdict, "reproduced");
  const partly = c.parts("g", { statement: "s", source: "derived here", tolerance: "t", parts: parts([true, false]) });
  assert.equal(partly.verdict, "partly");
  assert.match(partly.note, /failing: p1/);
  assert.equal(c.parts("h", { statement: "s", source: "derived here", tolerance: "t", parts: parts([false]) }).verdict, "not reproduced");
  assert.equal(c.summary(), "3 reproduced, 1 partly, 4 not reproduced");
});

test("bad declarations are rejected", () => {
  const c = new Claims("demo", "A paper", "notebooks/demo.ipynb");
  c.holds("x", { statement: "s", source: "Thm", expected: "e", measured: "m", tolerance: "exact", pass: true });
  assert.throws(() => c.holds("x", { statement: "s", source: "Thm", expected: "e", measured: "m", tolerance: "exact", pass: true }), /declared twice/);
  assert.throws(() => c.holds("bad id", { statement: "s", source: "Thm", expected: "e", measured: "m", tolerance: "", pass: true }), /claim id/);
  assert.throws(() => c.holds("y", { statement: "s", source: " ", expected: "e", measured: "m", tolerance: "", pass: true }), /source are required/);
  assert.throws(() => new Claims("Bad Study", "p", "n").write(), /no claims|study name/);
});

test("write() produces a claims.json that reads back, atomically and in the output folder", () => {
  const dir = tempOutputs();
  const c = new Claims("demo-study", "A paper", "notebooks/demo.ipynb");
  c.close("m1", { statement: "η* = n/(n+d+1)", source: "derived here", expected: 0.5, measured: 0.5, tol: { abs: 1e-9, why: "closed form" } });
  const file = c.write();
  assert.equal(file, path.join(dir, "demo-study", "claims.json"));
  const doc = readStudyClaims(file);
  assert.equal(doc.study, "demo-study");
  assert.equal(doc.claims[0]!.verdict, "reproduced");
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["claims.json"]);
  fs.writeFileSync(file, "{ not json");
  assert.throws(() => readStudyClaims(file), /cannot read claims.*re-run/);
  fs.writeFileSync(file, JSON.stringify({ study: "x", paper: "p", notebook: "n", claims: [{ id: "a", verdict: "maybe" }] }));
  assert.throws(() => readStudyClaims(file), /unknown verdict/);
});

test("fmt keeps four significant digits", () => {
  assert.equal(fmt(0.123456), "0.1235");
  assert.equal(fmt(12345.678), "12350");
  assert.equal(fmt(1.5e-7), "1.500e-7");
  assert.equal(fmt(Number.NaN), "NaN");
  assert.equal(fmt(0), "0");
});
