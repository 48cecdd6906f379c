/**
 * Loaders for files in `data/`. Each file must be listed with its SHA-256 in data/PROVENANCE.md;
 * a missing, unlisted or altered file is an error that says how to restore it, never a silent
 * partial read.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { recordDependency, repoRoot } from "./env";

/** Folder holding the data files; `LS_DATA_DIR` overrides it (used by tests). */
export function dataDir(): string {
  return process.env.LS_DATA_DIR || path.join(repoRoot(), "data");
}

/** Parses the `<sha256>  <path>` lines of PROVENANCE.md into path -> hash. */
export function readProvenance(dir: string = dataDir()): Map<string, string> {
  const file = path.join(dir, "PROVENANCE.md");
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: it records the SHA-256 of every data file; restore it with \`git checkout -- data/PROVENANCE.md\``);
  }
  const hashes = new Map<string, string>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*([0-9a-f]{64})\s+\*?(\S+)\s*$/.exec(line);
    if (m) hashes.set(m[2]!, m[1]!);
  }
  return hashes;
}

/** Reads `data/<rel>` after checking its SHA-256; `.gz` files are returned decompressed. */
export function readDataFile(rel: string): Buffer {
  const dir = dataDir();
  const file = path.join(dir, rel);
  const expected = readProvenance(dir).get(rel);
  if (expected === undefined) {
    throw new Error(`data file ${rel} is not listed in data/PROVENANCE.md; add its origin, licence and \`sha256sum\` line there before using it`);
  }
  if (!fs.existsSync(file)) {
    throw new Error(`data file ${file} is missing; restore it with \`git checkout -- data/${rel}\` (see data/PROVENANCE.md for its origin)`);
  }
  const raw = fs.readFileSync(file);
  const actual = crypto.createHash("sha256").update(raw).digest("hex");
  if (actual !== expected) {
    throw new Error(`data file ${file} is corrupt or changed: SHA-256 ${actual} but data/PROVENANCE.md records ${expected}; restore it with \`git checkout -- data/${rel}\``);
  }
  recordDependency(file);
  if (!rel.endsWith(".gz")) return raw;
  try {
    return zlib.gunzipSync(raw);
  } catch (err) {
    throw new Error(`data file ${file} matches its checksum but does not gunzip: ${(err as Error).message}`);
  }
}

export interface NumericTable {
  /** Header cells, when the file has a header line. */
  header?: string[];
  rows: number[][];
}

/** Parses a numeric CSV (comma-separated, no quoting). Every row must have the same width. */
export function parseNumericCsv(text: string, name: string, options: { header: boolean }): NumericTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = options.header ? lines.shift()!.split(",").map((s) => s.trim()) : undefined;
  const rows: number[][] = [];
  let width = -1;
  lines.forEach((line, i) => {
    const lineNo = i + 1 + (options.header ? 1 : 0);
    const cells = line.split(",");
    if (width < 0) width = cells.length;
    if (cells.length !== width) {
      throw new Error(`${name}: line ${lineNo} has ${cells.length} fields, expected ${width}`);
    }
    rows.push(
      cells.map((c, j) => {
        const v = Number(c);
        if (c.trim() === "" || !Number.isFinite(v)) {
          throw new Error(`${name}: line ${lineNo}, column ${j + 1} is not a finite number: ${JSON.stringify(c)}`);
        }
        return v;
      }),
    );
  });
  if (rows.length === 0) throw new Error(`${name}: no data rows`);
  return header ? { header, rows } : { rows };
}

export interface LabelledData {
  /** Features, one row per sample. */
  X: number[][];
  /** Integer class labels 0..K-1. */
  y: number[];
  classNames: string[];
}

/**
 * Loads a scikit-learn bundled dataset: `iris`, `wine_data`, `breast_cancer` (header line
 * "n_samples,n_features,class names...") or `digits` (no header, 64 pixels + label).
 */
export function loadSklearn(name: "iris" | "wine_data" | "breast_cancer" | "digits"): LabelledData {
  const rel = name === "digits" ? "sklearn/digits.csv.gz" : `sklearn/${name}.csv`;
  const text = readDataFile(rel).toString("utf8");
  const table = parseNumericCsvWithSklearnHeader(text, rel, name !== "digits");
  const X = table.rows.map((r) => r.slice(0, -1));
  const y = table.rows.map((r) => r[r.length - 1]!);
  const K = Math.max(...y) + 1;
  const classNames = table.classNames ?? Array.from({ length: K }, (_, k) => String(k));
  for (const [i, label] of y.entries()) {
    if (!Number.isInteger(label) || label < 0 || label >= classNames.length) {
      throw new Error(`${rel}: row ${i + 1} has label ${label}, outside 0..${classNames.length - 1}`);
    }
  }
  return { X, y, classNames };
}

function parseNumericCsvWithSklearnHeader(
  text: string,
  rel: string,
  hasHeader: boolean,
): { rows: number[][]; classNames?: string[] } {
  if (!hasHeader) return { rows: parseNumericCsv(text, rel, { header: false }).rows };
  const newline = text.indexOf("\n");
  const head = text.slice(0, newline).trim().split(",");
  const nSamples = Number(head[0]);
  const nFeatures = Number(head[1]);
  const rows = parseNumericCsv(text.slice(newline + 1), rel, { header: false }).rows;
  if (rows.length !== nSamples || rows[0]!.length !== nFeatures + 1) {
    throw new Error(`${rel}: header promises ${nSamples} x ${nFeatures}+1 but the file has ${rows.length} x ${rows[0]!.length}`);
  }
  return { rows, classNames: head.slice(2) };
}

export interface IdxArray {
  /** Dimensions from the IDX header, e.g. [10000, 28, 28]. */
  shape: number[];
  data: Uint8Array;
}

/** Reads an IDX file of unsigned bytes (MNIST / Fashion-MNIST format). */
export function readIdx(rel: string): IdxArray {
  return parseIdx(readDataFile(rel), rel);
}

export function parseIdx(buf: Buffer, name: string): IdxArray {
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new Error(`${name}: not an IDX file (bad magic number)`);
  if (buf[2] !== 0x08) throw new Error(`${name}: IDX element type 0x${buf[2]!.toString(16)} is not unsigned byte (0x08)`);
  const ndim = buf[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (ndim === 0 || buf.length < headerBytes) throw new Error(`${name}: truncated IDX header`);
  const shape = Array.from({ length: ndim }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const size = shape.reduce((a, b) => a * b, 1);
  if (buf.length !== headerBytes + size) {
    throw new Error(`${name}: IDX header says ${shape.join("x")} = ${size} bytes of data but the file has ${buf.length - headerBytes}`);
  }
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + headerBytes, size) };
}

/**
 * Fashion-MNIST split as float pixels in [0, 1] (N x 784, row-major) and labels. `t10k` is the
 * official test split; `train-first20000` the first 20,000 rows of the official training split
 * (the whole file is over the repository's 20 MB limit; derivation in data/PROVENANCE.md).
 */
export function loadFashionMnist(split: "t10k" | "train-first20000"): { images: Float32Array; labels: Int32Array; n: number } {
  const images = readIdx(`fashion-mnist/${split}-images-idx3-ubyte.gz`);
  const labels = readIdx(`fashion-mnist/${split}-labels-idx1-ubyte.gz`);
  const n = images.shape[0]!;
  if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new Error(`fashion-mnist ${split}: expected n x 28 x 28 images, got ${images.shape.join(" x ")}`);
  }
  if (labels.shape[0] !== n) throw new Error(`fashion-mnist ${split}: ${n} images but ${labels.shape[0]} labels`);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: pixels, labels: Int32Array.from(labels.data), n };
}

/**
 * Labelled samples as one flat row-major matrix: `X[i * nFeatures + j]` is feature j of sample i.
 * The one vocabulary of every study: X (samples × features), y, nSamples, nFeatures, nClasses.
 */
export interface FlatDataset {
  X: Float32Array;
  /** Integer labels 0..nClasses−1, one per sample. */
  y: Int32Array;
  nSamples: number;
  nFeatures: number;
  nClasses: number;
}

/**
 * scikit-learn's 8×8 digits (UCI optdigits test set, data/sklearn/digits.csv.gz, checksummed and
 * recorded as a dependency): 1,797 × 64 pixels scaled from 0..16 to [0, 1] (v/16 in float32, as the
 * former lib/tversky/digits.ts and lib/probing/digits.ts loaders, bit-identical).
 *   tversky: { X, y, n }  -> { X, y, nSamples }        probing: { x, y, n } -> { X, y, nSamples }
 */
export function loadDigits(): FlatDataset {
  const { X, y } = loadSklearn("digits");
  const nSamples = X.length;
  const nFeatures = 64;
  if (nSamples !== 1797) throw new Error(`digits: expected 1797 samples, got ${nSamples}; restore data/sklearn/digits.csv.gz with git checkout`);
  const flat = new Float32Array(nSamples * nFeatures);
  X.forEach((row, i) => {
    if (row.length !== nFeatures) throw new Error(`digits row ${i} has ${row.length} pixels, expected ${nFeatures}`);
    row.forEach((v, j) => (flat[i * nFeatures + j] = v / 16));
  });
  return { X: flat, y: Int32Array.from(y), nSamples, nFeatures, nClasses: 10 };
}

/** Rows `rows` of a flat dataset, in the given order (labels kept). */
export function selectRows(data: FlatDataset, rows: ArrayLike<number>): FlatDataset {
  const { nFeatures } = data;
  const X = new Float32Array(rows.length * nFeatures);
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!(Number.isInteger(r) && r >= 0 && r < data.nSamples)) throw new Error(`selectRows: row ${r} outside 0..${data.nSamples - 1}`);
    X.set(data.X.subarray(r * nFeatures, (r + 1) * nFeatures), i * nFeatures);
    y[i] = data.y[r]!;
  }
  return { X, y, nSamples: rows.length, nFeatures, nClasses: data.nClasses };
}
