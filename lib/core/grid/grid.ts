/**
 * An opened grid: the module's jobs at a scale, each with its key, its estimated cost and its state
 * in the store. Keys are hash(canonical spec, code version), the code version being the hash of the
 * grid module's import closure and the lockfile (./code-version.ts); so a changed spec re-runs that
 * job, changed code re-runs the grid, and results of other specs or code stay in the folder as
 * *stale* files that are reported and never read, until `prune()` deletes them.
 */
import * as path from "node:path";
import { repoRoot, scale as currentScale, type Scale } from "../env";
import { canonicalJson, shortHash } from "./canonical";
import { checkBuilt, codeVersion, type CodeVersion } from "./code-version";
import type { GridDefinition, GridRecord, SpecBase } from "./definition";
import { gridOf, loadGridModule, locateGridModule, type GridModuleRef } from "./module";
import { GridStore } from "./store";

export interface GridJob<S extends SpecBase = SpecBase> {
  /** Position in `jobs(scale)`. */
  index: number;
  spec: S;
  key: string;
  /** Estimated CPU-seconds. */
  cost: number;
  label: string;
  group?: string;
}

export interface OpenGridOptions {
  /** Study slug: the module is lib/studies/<slug>/grids.ts. */
  study?: string;
  /** Or the module's path (.ts source or its dist/ .js); tests use fixtures this way. */
  module?: string;
  grid: string;
  /** Default: the run's scale (LS_SCALE). */
  scale?: Scale;
  /**
   * Where `<study>/<grid>/` goes. Default: LS_RESULTS_DIR, else `results/` (committed) at full scale
   * and `build/results/` (scratch) at smoke scale, so smoke runs never touch committed results.
   */
  resultsDir?: string;
  /** Replaces the computed code version (tests of invalidation; never needed otherwise). */
  codeVersion?: string;
  root?: string;
}

export interface GridStatus<S extends SpecBase = SpecBase> {
  done: GridJob<S>[];
  /** Jobs without a record (failed ones included). */
  missing: GridJob<S>[];
  /** Missing jobs whose last attempt failed (an error file is present). */
  failed: GridJob<S>[];
  /** Keys of records in the folder that belong to no current job. */
  stale: string[];
  /** Measured CPU-seconds of the done jobs, and how many of them have no run info. */
  cpuSeconds: number;
  cpuUnknown: number;
}

/** The key of a job: spec and code version, hashed together. */
export function jobKey(spec: unknown, code: string): string {
  return shortHash(canonicalJson({ code, spec }, "spec"));
}

export class Grid<S extends SpecBase = SpecBase, R = unknown> {
  readonly jobs: GridJob<S>[];
  readonly store: GridStore;
  /** Hash of the job keys in order: names exactly these specs run with exactly this code. */
  readonly gridHash: string;
  /** Hash of the specs alone (stays when only the code changes). */
  readonly specHash: string;

  constructor(
    readonly module: GridModuleRef,
    readonly name: string,
    readonly definition: GridDefinition<S, R>,
    readonly scale: Scale,
    readonly code: CodeVersion,
    resultsDir: string,
  ) {
    const specs = definition.jobs(scale);
    if (!Array.isArray(specs) || specs.length === 0)
      throw new Error(`grid ${this.id} has no jobs at scale ${scale}; jobs(scale) must return a non-empty array`);
    const seen = new Map<string, number>();
    this.jobs = specs.map((spec, index) => {
      if (spec === null || typeof spec !== "object" || !Number.isSafeInteger((spec as SpecBase).seed)) {
        throw new Error(`grid ${this.id}: job ${index} has no integer \`seed\`; every spec carries its own seed (${JSON.stringify(spec)})`);
      }
      const key = jobKey(spec, code.version);
      const twin = seen.get(key);
      if (twin !== undefined)
        throw new Error(`grid ${this.id}: jobs ${twin} and ${index} have the same spec ${canonicalJson(spec)}; give them different seeds`);
      seen.set(key, index);
      const cost = definition.cost(spec);
      if (!(cost >= 0 && Number.isFinite(cost)))
        throw new Error(`grid ${this.id}: cost() of job ${index} is ${cost}; return estimated CPU-seconds (a finite number ≥ 0)`);
      const label = definition.describe ? definition.describe(spec) : `job ${index}`;
      const job: GridJob<S> = { index, spec, key, cost, label };
      if (definition.group) job.group = definition.group(spec);
      return job;
    });
    this.store = new GridStore(path.join(resultsDir, module.study, name));
    this.gridHash = shortHash(canonicalJson(this.jobs.map((j) => j.key)));
    this.specHash = shortHash(canonicalJson(specs, "spec"));
  }

  /** "<study>/<grid>". */
  get id(): string {
    return `${this.module.study}/${this.name}`;
  }

  status(): GridStatus<S> {
    const listed = this.store.list();
    const records = new Set(listed.records);
    const errors = new Set(listed.errors);
    const done = this.jobs.filter((j) => records.has(j.key));
    const missing = this.jobs.filter((j) => !records.has(j.key));
    const keys = new Set(this.jobs.map((j) => j.key));
    let cpuSeconds = 0;
    let cpuUnknown = 0;
    for (const j of done) {
      const run = this.store.readRun(j.key);
      if (run) cpuSeconds += run.cpuSeconds;
      else cpuUnknown++;
    }
    return {
      done,
      missing,
      failed: missing.filter((j) => errors.has(j.key)),
      stale: listed.records.filter((k) => !keys.has(k)),
      cpuSeconds,
      cpuUnknown,
    };
  }

  /** The stored record of every job, in job order (undefined where a job has none). */
  records(): (GridRecord<S, R> | undefined)[] {
    return this.jobs.map((j) => {
      const rec = this.store.read<S, R>(j.key);
      if (rec && canonicalJson(rec.spec) !== canonicalJson(j.spec)) {
        throw new Error(
          `${this.store.recordFile(j.key)} holds a different spec than job ${j.label}; the file was edited by hand: delete it and run the grid again`,
        );
      }
      return rec;
    });
  }

  /** For each stale record: why it is stale (its spec left the grid, or the code changed). */
  explainStale(stale = this.status().stale): { key: string; why: "code changed" | "spec not in the grid" }[] {
    const specs = new Set(this.jobs.map((j) => canonicalJson(j.spec)));
    return stale.map((key) => {
      const rec = this.store.read(key);
      return { key, why: rec && specs.has(canonicalJson(rec.spec)) ? "code changed" : "spec not in the grid" };
    });
  }

  /** Deletes stale records (and their run/error files) and leftover temporary files; returns the keys. */
  prune(): string[] {
    const st = this.status();
    const keys = new Set(this.jobs.map((j) => j.key));
    const listed = this.store.list();
    const orphans = new Set([...st.stale, ...listed.runs.filter((k) => !keys.has(k)), ...listed.errors.filter((k) => !keys.has(k))]);
    for (const k of orphans) this.store.remove(k);
    return [...orphans].sort();
  }
}

/** Opens a grid: loads its module from dist/, computes the code version and every job's key. */
export function openGrid<S extends SpecBase = SpecBase, R = unknown>(options: OpenGridOptions): Grid<S, R> {
  const root = options.root ?? repoRoot();
  const mod = locateGridModule(options, root);
  const m = loadGridModule(mod);
  if (options.study === undefined && typeof m.STUDY === "string") mod.study = m.STUDY;
  const def = gridOf(m, mod, options.grid) as GridDefinition<S, R>;
  const scale = options.scale ?? currentScale();
  const code = codeVersion(mod.source, root, def.inputs ?? []);
  checkBuilt(Object.keys(code.files), root);
  if (options.codeVersion !== undefined) code.version = options.codeVersion;
  const base =
    options.resultsDir ?? (process.env.LS_RESULTS_DIR || path.join(root, scale === "full" ? "results" : path.join("build", "results")));
  return new Grid<S, R>(mod, options.grid, def, scale, code, base);
}
