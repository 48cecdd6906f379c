import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { loadFashionMnist, loadSklearn, parseIdx, parseNumericCsv, readDataFile, readProvenance } from "../lib/core/data";

function fakeDataDir(files: Record<string, Buffer | string>, listed = Object.keys(files)): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-data-"));
  const lines = ["# provenance", ""];
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
    if (listed.includes(rel)) lines.push(`    ${crypto.createHash("sha256").update(content).digest("hex")}  ${rel}`);
  }
  fs.writeFileSync(path.join(dir, "PROVENANCE.md"), `${lines.join("\n")}\n`);
  return dir;
}

function withDataDir<T>(dir: string, f: () => T): T {
  const old = process.env.LS_DATA_DIR;
  process.env.LS_DATA_DIR = dir;
  try {
    return f();
  } finally {
    if (old === undefined) delete process.env.LS_DATA_DIR;
    else process.env.LS_DATA_DIR = old;
  }
}

test("the project's data files match data/PROVENANCE.md", () => {
  const listed = readProvenance();
  assert.ok(listed.size >= 6);
  for (const rel of listed.keys()) assert.ok(readDataFile(rel).length > 0, rel);
});

test("sklearn datasets load with the documented shapes and class balance", () => {
  const iris = loadSklearn("iris");
  assert.equal(iris.X.length, 150);
  assert.equal(iris.X[0]!.length, 4);
  assert.deepEqual(iris.X[0], [5.1, 3.5, 1.4, 0.2]);
  assert.deepEqual(
    [0, 1, 2].map((k) => iris.y.filter((v) => v === k).length),
    [50, 50, 50],
  );
  assert.deepEqual(iris.classNames, ["setosa", "versicolor", "virginica"]);
  assert.equal(loadSklearn("wine_data").X[0]!.length, 13);
  const bc = loadSklearn("breast_cancer");
  assert.deepEqual([bc.X.length, bc.X[0]!.length], [569, 30]);
  const digits = loadSklearn("digits");
  assert.deepEqual([digits.X.length, digits.X[0]!.length, digits.classNames.length], [1797, 64, 10]);
  assert.ok(digits.X.every((r) => r.every((v) => v >= 0 && v <= 16)));
});

test("Fashion-MNIST test split loads as [0,1] pixels with 1000 images per class", () => {
  const f = loadFashionMnist("t10k");
  assert.equal(f.n, 10000);
  assert.equal(f.images.length, 10000 * 784);
  const counts = new Array(10).fill(0);
  for (const l of f.labels) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
  assert.ok(f.images.every((v) => v >= 0 && v <= 1));
  const train = loadFashionMnist("train-first20000");
  assert.equal(train.n, 20000);
  assert.equal(train.images.length, 20000 * 784);
});

test("missing, unlisted and corrupt files give errors that say how to fix them", () => {
  const dir = fakeDataDir({ "a.csv": "1,2\n3,4\n", "b.csv": "1\n" }, ["a.csv"]);
  withDataDir(dir, () => {
    assert.equal(readDataFile("a.csv").toString(), "1,2\n3,4\n");
    assert.throws(() => readDataFile("b.csv"), /not listed in data\/PROVENANCE.md/);
    fs.writeFileSync(path.join(dir, "a.csv"), "1,2\n3,5\n");
    assert.throws(() => readDataFile("a.csv"), /corrupt or changed.*git checkout -- data\/a.csv/);
    fs.rmSync(path.join(dir, "a.csv"));
    assert.throws(() => readDataFile("a.csv"), /missing; restore it/);
    fs.rmSync(path.join(dir, "PROVENANCE.md"));
    assert.throws(() => readDataFile("a.csv"), /PROVENANCE.md is missing/);
  });
});

test("a gzip file with the right checksum but broken content is reported", () => {
  const dir = fakeDataDir({ "x.gz": Buffer.from("not gzip at all") });
  withDataDir(dir, () => assert.throws(() => readDataFile("x.gz"), /does not gunzip/));
  const ok = fakeDataDir({ "y.gz": zlib.gzipSync("5,6\n") });
  withDataDir(ok, () => assert.equal(readDataFile("y.gz").toString(), "5,6\n"));
});

test("CSV parsing names the line and column of bad cells", () => {
  assert.deepEqual(parseNumericCsv("a,b\n1,2\n3,4\n", "t", { header: true }), {
    header: ["a", "b"],
    rows: [
      [1, 2],
      [3, 4],
    ],
  });
  assert.throws(() => parseNumericCsv("1,2\n3\n", "t.csv", { header: false }), /t.csv: line 2 has 1 fields, expected 2/);
  assert.throws(() => parseNumericCsv("1,2\n3,x\n", "t.csv", { header: false }), /line 2, column 2 is not a finite number/);
  assert.throws(() => parseNumericCsv("1,\n", "t.csv", { header: false }), /column 2/);
  assert.throws(() => parseNumericCsv("\n", "t.csv", { header: false }), /no data rows/);
});

test("IDX parsing: hand-built file, bad magic, truncation", () => {
  const buf = Buffer.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
  const idx = parseIdx(buf, "t");
  assert.deepEqual(idx.shape, [2, 3]);
  assert.deepEqual([...idx.data], [1, 2, 3, 4, 5, 6]);
  assert.throws(() => parseIdx(Buffer.from([1, 0, 8, 1]), "t"), /bad magic/);
  assert.throws(() => parseIdx(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0]), "t"), /not unsigned byte/);
  assert.throws(() => parseIdx(buf.subarray(0, 15), "t"), /says 2x3 = 6 bytes of data but the file has 3/);
});
