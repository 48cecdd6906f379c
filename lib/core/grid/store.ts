/**
 * The result store of one grid: a folder of per-job files named by job key, meant to be committed.
 *
 *   <key>.json.gz     the record (spec, key, code version, result, report): canonical JSON, gzipped
 *                     deterministically, so the same job gives the same bytes on any executor
 *   <key>.run.json    how it ran (CPU and wall seconds, attempts, executor): measured, not deterministic
 *   <key>.error.json  the last failure of a job that has no record yet; the next run retries it
 *
 * Each file is written atomically (temporary file + rename), the run info before the record, so an
 * interrupted run leaves either a complete record or none. A record is written once: a second
 * result for the same key (a retried job that had in fact finished, two submitters) is compared by
 * content and ignored when equal; when it differs the job is not deterministic, which is an error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../files";
import type { ErrorInfo, GridRecord, RunInfo } from "./definition";
import { gunzipText, gzipDeterministic } from "./gzip";

const KEY = /^[0-9a-f]{24}$/;

export type PutOutcome = "stored" | "duplicate";

export class GridStore {
  constructor(readonly dir: string) {}

  recordFile(key: string): string {
    return path.join(this.dir, `${key}.json.gz`);
  }
  runFile(key: string): string {
    return path.join(this.dir, `${key}.run.json`);
  }
  errorFile(key: string): string {
    return path.join(this.dir, `${key}.error.json`);
  }

  has(key: string): boolean {
    return fs.existsSync(this.recordFile(key));
  }

  /** The record's canonical JSON text, or undefined when the job has no record. */
  readText(key: string): string | undefined {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.recordFile(key));
    } catch {
      return undefined;
    }
    try {
      return gunzipText(data);
    } catch (err) {
      throw new Error(
        `${this.recordFile(key)} is not a readable gzip file (${(err as Error).message}); delete it and run the grid again to recompute that job`,
      );
    }
  }

  read<S, R>(key: string): GridRecord<S, R> | undefined {
    const text = this.readText(key);
    if (text === undefined) return undefined;
    const rec = JSON.parse(text) as GridRecord<S, R>;
    if (rec.key !== key)
      throw new Error(
        `${this.recordFile(key)} holds the record of key ${rec.key}; the file was renamed or copied by hand: delete it and run the grid again`,
      );
    return rec;
  }

  readRun(key: string): RunInfo | undefined {
    return readJson<RunInfo>(this.runFile(key));
  }
  readError(key: string): ErrorInfo | undefined {
    return readJson<ErrorInfo>(this.errorFile(key));
  }

  /**
   * Stores a job's record (canonical JSON text) and its run info. Returns "duplicate" when an equal
   * record is already there (nothing is rewritten, so the first run's run info stays).
   */
  put(key: string, recordText: string, run: RunInfo): PutOutcome {
    if (!KEY.test(key)) throw new Error(`invalid job key ${JSON.stringify(key)}`);
    const existing = this.readText(key);
    if (existing !== undefined) {
      if (existing === recordText) return "duplicate";
      const conflict = path.join(this.dir, `${key}.conflict.json.gz`);
      writeFileAtomic(conflict, gzipDeterministic(recordText));
      throw new Error(
        `job ${key} gave a different result than the one stored in ${this.recordFile(key)} (the new one is in ${conflict}): the job is not deterministic; make it depend on its spec's seed only, then delete both files and re-run`,
      );
    }
    writeFileAtomic(this.runFile(key), `${JSON.stringify(run, null, 1)}\n`);
    writeFileAtomic(this.recordFile(key), gzipDeterministic(recordText));
    fs.rmSync(this.errorFile(key), { force: true });
    return "stored";
  }

  putError(info: ErrorInfo): void {
    writeFileAtomic(this.errorFile(info.key), `${JSON.stringify(info, null, 1)}\n`);
  }

  /** Keys that have a record, and every file that is neither a record, run info nor error of a key. */
  list(): { records: string[]; errors: string[]; runs: string[]; other: string[] } {
    const out = { records: [] as string[], errors: [] as string[], runs: [] as string[], other: [] as string[] };
    if (!fs.existsSync(this.dir)) return out;
    for (const name of fs.readdirSync(this.dir).sort()) {
      const m = /^([0-9a-f]{24})\.(json\.gz|run\.json|error\.json)$/.exec(name);
      if (!m) out.other.push(name);
      else if (m[2] === "json.gz") out.records.push(m[1]!);
      else if (m[2] === "run.json") out.runs.push(m[1]!);
      else out.errors.push(m[1]!);
    }
    return out;
  }

  /** Deletes every file of `key` (record, run info, error, conflict). */
  remove(key: string): void {
    for (const f of [this.recordFile(key), this.runFile(key), this.errorFile(key), path.join(this.dir, `${key}.conflict.json.gz`)])
      fs.rmSync(f, { force: true });
  }
}

function readJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return JSON.parse(text) as T;
}
