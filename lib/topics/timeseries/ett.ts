/**
 * The ETT data (Electricity Transformer Temperature; Zhou et al., Informer) as the official
 * LTSF-Linear pipeline sees it (notes §1.1–1.3): the checksummed gzip CSV from data/ett/, the
 * 12/4/4-month borders of the ETT loaders (not the 70/10/20 split of the custom loader), and the
 * StandardScaler fitted on the training rows only, with the population sd (ddof = 0). Everything
 * downstream is on that normalised scale; nothing is inverse-transformed (Table 2 is normalised).
 */
import { readDataFile } from "../../core/data";

export const ETT_NAMES = ["ETTh1", "ETTh2", "ETTm1", "ETTm2"] as const;
export type EttName = (typeof ETT_NAMES)[number];

export const ETT_COLUMNS = ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"] as const;
/** Channels (the multivariate task `--features M`: all 7 in, all 7 out). */
export const ETT_CHANNELS = ETT_COLUMNS.length;

export interface EttSeries {
  name: EttName;
  /** "2016-07-01 00:00:00", one per row. */
  dates: string[];
  /** rows × 7, row-major, raw values (float64, as parsed). */
  values: Float64Array;
  rows: number;
  channels: number;
}

/** Rows each file must have (notes §1.1). */
export const ETT_ROWS: Readonly<Record<EttName, number>> = { ETTh1: 17420, ETTh2: 17420, ETTm1: 69680, ETTm2: 69680 };

function checkName(name: string): asserts name is EttName {
  if (!(ETT_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown ETT dataset ${JSON.stringify(name)}: use one of ${ETT_NAMES.join(", ")}`);
}

const cache = new Map<string, EttSeries>();

/** Loads `data/ett/<name>.csv.gz` after checking its SHA-256 (core/data); parsed once per process. */
export function loadEtt(name: EttName): EttSeries {
  checkName(name);
  const hit = cache.get(name);
  if (hit) return hit;
  const rel = `ett/${name}.csv.gz`;
  const text = readDataFile(rel).toString("utf8");
  const series = parseEttCsv(text, rel, name);
  if (series.rows !== ETT_ROWS[name]) {
    throw new Error(
      `${rel}: ${series.rows} data rows, expected ${ETT_ROWS[name]}; restore the original file with \`git checkout -- data/${rel}\``,
    );
  }
  cache.set(name, series);
  return series;
}

/** Parses an ETT CSV (header `date,HUFL,...,OT`); errors name the file, line and column. */
export function parseEttCsv(text: string, file: string, name: EttName): EttSeries {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = lines.shift();
  const expected = ["date", ...ETT_COLUMNS].join(",");
  if (header?.trim() !== expected) throw new Error(`${file}: header ${JSON.stringify(header)} is not ${JSON.stringify(expected)}`);
  const C = ETT_CHANNELS;
  const values = new Float64Array(lines.length * C);
  const dates: string[] = new Array(lines.length);
  lines.forEach((line, i) => {
    const cells = line.split(",");
    if (cells.length !== C + 1) throw new Error(`${file}: line ${i + 2} has ${cells.length} fields, expected ${C + 1}`);
    dates[i] = cells[0]!;
    for (let c = 0; c < C; c++) {
      const v = Number(cells[c + 1]);
      if (cells[c + 1]!.trim() === "" || !Number.isFinite(v))
        throw new Error(`${file}: line ${i + 2}, column ${ETT_COLUMNS[c]} is not a finite number: ${JSON.stringify(cells[c + 1])}`);
      values[i * C + c] = v;
    }
  });
  return { name, dates, values, rows: lines.length, channels: C };
}

/** Hourly (ETTh) or 15-minute (ETTm) data. */
export function stepsPerHour(name: EttName): number {
  return name.startsWith("ETTm") ? 4 : 1;
}

/** Seasonal period of one day, for the seasonal-naive baseline: 24 (ETTh) or 96 (ETTm). */
export function dailyPeriod(name: EttName): number {
  return 24 * stepsPerHour(name);
}

export interface Borders {
  /** Training rows [0, a): 12 months of 30 days. */
  a: number;
  /** 4 months of 30 days: val targets [a, a+b), test targets [a+b, a+2b). */
  b: number;
}

/** The ETT loaders' 12/4/4-month borders (notes §1.2): a = 12·30·24, b = 4·30·24, ×4 for ETTm. */
export function ettBorders(name: EttName): Borders {
  checkName(name);
  const k = stepsPerHour(name);
  return { a: 12 * 30 * 24 * k, b: 4 * 30 * 24 * k };
}

/** A row range [start, end) of the normalised series. */
export interface RowRange {
  start: number;
  end: number;
}

export interface SplitRanges {
  train: RowRange;
  /** Starts L rows before the training border, so the first val target is row a. */
  val: RowRange;
  /** Starts L rows before the val/test border, so the first test target is row a + b. */
  test: RowRange;
}

/** Row ranges of the three split slices for look-back L (notes §1.2; rows from a + 2b on are never used). */
export function splitRanges(name: EttName, L: number): SplitRanges {
  const { a, b } = ettBorders(name);
  if (!(Number.isInteger(L) && L >= 1 && L <= a)) throw new Error(`look-back L must be an integer in [1, ${a}], got ${L}`);
  return { train: { start: 0, end: a }, val: { start: a - L, end: a + b }, test: { start: a + b - L, end: a + 2 * b } };
}

export interface Scaler {
  mean: Float64Array;
  /** Population sd (ddof = 0), as sklearn's StandardScaler. */
  std: Float64Array;
}

/** Per-channel mean and population sd of rows [start, end) (two passes, float64). */
export function fitScaler(values: Float64Array, channels: number, rows: RowRange): Scaler {
  const n = rows.end - rows.start;
  if (!(n > 0)) throw new Error(`fitScaler: empty row range [${rows.start}, ${rows.end})`);
  const mean = new Float64Array(channels);
  const std = new Float64Array(channels);
  // biome-ignore lint/suspicious/noExtraNonNullAssertion: one assertion per indexed read (noUncheckedIndexedAccess-style strictness)
  for (let i = rows.start; i < rows.end; i++) for (let c = 0; c < channels; c++) mean[c]! += values[i * channels + c]!;
  for (let c = 0; c < channels; c++) mean[c]! /= n;
  for (let i = rows.start; i < rows.end; i++)
    for (let c = 0; c < channels; c++) {
      const d = values[i * channels + c]! - mean[c]!;
      std[c]! += d * d;
    }
  for (let c = 0; c < channels; c++) {
    std[c] = Math.sqrt(std[c]! / n);
    if (!(std[c]! > 0)) throw new Error(`fitScaler: channel ${c} is constant on the fit rows; it cannot be standardised`);
  }
  return { mean, std };
}

/** (x − mean)/std for every row (float64). */
export function transform(values: Float64Array, channels: number, s: Scaler): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    out[i] = (values[i]! - s.mean[c]!) / s.std[c]!;
  }
  return out;
}

/** The whole file normalised by the train-only scaler, with the borders: what every model sees. */
export interface EttData {
  name: EttName;
  /** rows × C normalised, row-major (float64). */
  data: Float64Array;
  rows: number;
  channels: number;
  dates: string[];
  scaler: Scaler;
  borders: Borders;
}

const prepared = new Map<string, EttData>();

/** Loads, checks and normalises a dataset (cached per process). */
export function prepareEtt(name: EttName): EttData {
  const hit = prepared.get(name);
  if (hit) return hit;
  const s = loadEtt(name);
  const borders = ettBorders(name);
  const scaler = fitScaler(s.values, s.channels, { start: 0, end: borders.a });
  const out: EttData = {
    name,
    data: transform(s.values, s.channels, scaler),
    rows: s.rows,
    channels: s.channels,
    dates: s.dates,
    scaler,
    borders,
  };
  prepared.set(name, out);
  return out;
}
