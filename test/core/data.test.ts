/**
 * lib/core/data.ts loadDigits and selectRows: shape, value range, the class counts of scikit-learn's
 * digits (load_digits: 178 182 177 183 181 182 181 179 174 180), the pixel scaling v/16 on the raw
 * file, the checksum error and the dependency record.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadDigits, loadSklearn, selectRows } from "../../lib/core/data";

test("loadDigits: 1797 × 64 in [0, 1], sklearn's class counts, pixels = raw/16", () => {
  const d = loadDigits();
  assert.deepEqual([d.nSamples, d.nFeatures, d.nClasses, d.X.length, d.y.length], [1797, 64, 10, 1797 * 64, 1797]);
  const counts = new Array<number>(10).fill(0);
  for (const c of d.y) counts[c]!++;
  assert.deepEqual(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  let lo = Infinity, hi = -Infinity;
  for (const v of d.X) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.deepEqual([lo, hi], [0, 1]);
  const raw = loadSklearn("digits");
  for (const i of [0, 1000, 1796]) for (const j of [0, 20, 63]) assert.equal(d.X[i * 64 + j], Math.fround(raw.X[i]![j]! / 16));
  assert.equal(d.y[1796], raw.y[1796]);
});

test("loadDigits records data/sklearn/digits.csv.gz as a dependency and refuses an altered file", () => {
  const deps = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ls-deps-")), "deps.txt");
  const old = process.env.LS_DEPS_FILE;
  process.env.LS_DEPS_FILE = deps;
  try {
    loadDigits();
  } finally {
    if (old === undefined) delete process.env.LS_DEPS_FILE;
    else process.env.LS_DEPS_FILE = old;
  }
  assert.match(fs.readFileSync(deps, "utf8"), /data\/sklearn\/digits\.csv\.gz\n/);
  // a data dir whose digits file differs from its recorded hash
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-data-"));
  fs.mkdirSync(path.join(dir, "sklearn"));
  fs.writeFileSync(path.join(dir, "sklearn", "digits.csv.gz"), "not the file");
  fs.writeFileSync(path.join(dir, "PROVENANCE.md"), `${"0".repeat(64)}  sklearn/digits.csv.gz\n`);
  const oldDir = process.env.LS_DATA_DIR;
  process.env.LS_DATA_DIR = dir;
  try {
    assert.throws(() => loadDigits(), /corrupt or changed.*git checkout -- data\/sklearn\/digits\.csv\.gz/);
  } finally {
    if (oldDir === undefined) delete process.env.LS_DATA_DIR;
    else process.env.LS_DATA_DIR = oldDir;
  }
});

test("selectRows keeps the order and the labels", () => {
  const d = loadDigits();
  const s = selectRows(d, [5, 0, 5]);
  assert.deepEqual([s.nSamples, s.nFeatures, s.nClasses], [3, 64, 10]);
  assert.deepEqual(Array.from(s.y), [d.y[5], d.y[0], d.y[5]]);
  assert.deepEqual(Array.from(s.X.subarray(64, 128)), Array.from(d.X.subarray(0, 64)));
  assert.throws(() => selectRows(d, [1797]), /row 1797 outside 0\.\.1796/);
});
