import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { columnsOf, fromFrame, Results, toCsv, toFrame } from "../../lib/core/results";
import { definePaper } from "../../lib/core/paper";

const P = definePaper({ slug: "demo-study", title: "T", authors: ["A"], venue: "V", notes: "docs/notes/demo-study.md" });

test("CSV: union of columns in order of appearance, quoting, full precision, empty for missing", () => {
  const rows = [
    { n: 10, err: 0.1 + 0.2 },
    { n: 20, label: 'a, "b"', ok: true },
  ];
  assert.deepEqual(columnsOf(rows), ["n", "err", "label", "ok"]);
  assert.equal(toCsv(rows), 'n,err,label,ok\n10,0.30000000000000004,,\n20,,"a, ""b""",true\n');
});

test("Results: one tidy results.csv, DataFrames a reader can group", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-results-"));
  process.env.LS_OUTPUT_DIR = dir;
  const r = new Results(P);
  r.add("grid", [
    { K: 2, n: 100, m: 50 },
    { K: 2, n: 200, m: 70 },
    { K: 3, n: 100, m: 90 },
  ]);
  r.add("iris", [{ m: 6, error: 0.09 }]);
  assert.throws(() => r.add("grid", [{ K: 1 }]), /recorded twice/);
  assert.throws(() => r.add("Bad Name", [{ K: 1 }]), /lower-case/);
  assert.throws(() => r.add("nested", [{ K: { a: 1 } as never }]), /flatten/);
  assert.throws(() => r.rows("nope"), /recorded: grid, iris/);
  const df = r.frame("grid");
  assert.deepEqual(df.columns, ["K", "n", "m"]);
  const byK = df.groupby(["K"]).agg({ m: "mean" });
  assert.deepEqual(byK.values, [
    [2, 60],
    [3, 90],
  ]);
  // the grouped frame comes back as rows a table can show; counts and standard deviations by hand
  const stats = df.groupby(["K"]).agg({ m: ["mean", "std", "count"] });
  assert.deepEqual(fromFrame(stats), [
    { K: 2, m_mean: 60, m_std: Math.SQRT2 * 10, m_count: 2 },
    // one value: danfo 1.2 reports sd 0 where pandas reports NaN (a reader should look at the count)
    { K: 3, m_mean: 90, m_std: 0, m_count: 1 },
  ]);
  assert.deepEqual(toFrame([{ a: 1 }, { b: 2 }]).values, [
    [1, null],
    [null, 2],
  ]);
  r.write();
  assert.equal(
    fs.readFileSync(path.join(dir, "demo-study", "results.csv"), "utf8"),
    "experiment,K,n,m,error\ngrid,2,100,50,\ngrid,2,200,70,\ngrid,3,100,90,\niris,,,6,0.09\n",
  );
});
