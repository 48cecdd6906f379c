/**
 * Code the runner executes silently inside the kernel (outputs never reach the notebook):
 *
 * - a preamble that reports unhandled rejections and uncaught exceptions through a marker line
 *   on stderr and records every module Node compiles;
 * - a final query for the modules the notebook loaded.
 *
 * Why a marker: tslab only logs these failures (`console.error("UnhandledPromiseRejection:", …)`),
 * and a text match on that log line would also fire on a notebook that prints the same words.
 * The marker carries a per-run random nonce, so notebook output cannot fake or trigger it.
 *
 * Why hook `Module.prototype._compile`: tslab compiles local .ts/.js files imported by a cell in
 * memory and loads them with `new Module()._compile()` without adding them to `require.cache`
 * (tslab src/executor.ts `wrapRequire`), so `require.cache` alone misses them. Files loaded
 * through Node's own `require` (e.g. compiled JS under dist/) are in `require.cache` as usual.
 *
 * The snippets are TypeScript compiled by tslab (non-strict, TS 5.0) and declare nothing at the
 * top level, so they cannot clash with notebook variables.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export type FaultKind = "unhandledRejection" | "uncaughtException";

export interface Fault {
  kind: FaultKind;
  text: string;
  /**
   * Execution serial of the code that started the failing timer or promise (see `exec` markers),
   * or undefined when the kernel could not tell (e.g. a callback registered by a library).
   */
  origin?: number;
}

export interface ModuleReport {
  cache: string[];
  compiled: string[];
}

export class Probe {
  private readonly marker = `@@ls-runner-${randomBytes(8).toString("hex")}@@`;

  preambleCode(): string {
    return `{
  const g: any = globalThis;
  if (g.__lsRunner === undefined) {
    const marker = ${JSON.stringify(this.marker)};
    const state = { compiled: new Set<string>(), serial: 0, running: undefined as number | undefined };
    g.__lsRunner = state;
    const current = (): number => (state.running !== undefined ? state.running : state.serial);
    const describe = (value: unknown): string => {
      try {
        if (value instanceof Error) return value.stack || String(value);
        return require("node:util").inspect(value);
      } catch (e) {
        return "(the value could not be described)";
      }
    };
    const emit = (value: object) => {
      process.stderr.write(marker + " " + JSON.stringify(value) + "\\n");
    };
    // Which cell started a promise or timer: every cell tslab runs goes through
    // vm.runInThisContext, which we count and announce (the marker lands in that cell's iopub);
    // promises and timer callbacks remember the count current when they were created.
    const vm = require("node:vm");
    const runInThisContext = vm.runInThisContext;
    vm.runInThisContext = function (code: unknown) {
      if (typeof code === "string" && /^\\(?(async )?function\\(exports, require\\) \\{ /.test(code)) {
        state.serial++;
        state.running = undefined;
        emit({ kind: "exec", serial: state.serial });
      }
      return runInThisContext.apply(this, arguments);
    };
    const origins = new WeakMap<object, number>();
    try {
      require("node:async_hooks").createHook({
        init(_id: number, type: string, _trigger: number, resource: object) {
          if (type === "PROMISE") origins.set(resource, current());
        },
      }).enable();
    } catch (e) {
      // without async_hooks, rejections are reported without their origin
    }
    const wrapTimer = (name: string) => {
      const original = g[name];
      if (typeof original !== "function") return;
      const wrapped: any = function (this: unknown, callback: unknown, ...rest: unknown[]) {
        if (typeof callback !== "function") return original.call(this, callback, ...rest);
        const origin = current();
        const run = function (this: unknown) {
          const previous = state.running;
          state.running = origin;
          try {
            return (callback as Function).apply(this, arguments);
          } catch (e) {
            if (e !== null && (typeof e === "object" || typeof e === "function")) {
              try {
                Object.defineProperty(e, "__lsOrigin", { value: origin, configurable: true });
              } catch (_) {
                // frozen error: reported without its origin
              }
            }
            throw e;
          } finally {
            state.running = previous;
          }
        };
        return original.call(this, run, ...rest);
      };
      for (const key of Reflect.ownKeys(original)) {
        try {
          Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key) as PropertyDescriptor);
        } catch (_) {
          // non-configurable: keep ours
        }
      }
      g[name] = wrapped;
    };
    for (const name of ["setTimeout", "setInterval", "setImmediate"]) wrapTimer(name);
    const report = (kind: string, value: unknown, origin: number | undefined) => {
      emit({ kind, text: describe(value), origin });
    };
    process.on("unhandledRejection", (reason, promise) => report("unhandledRejection", reason, origins.get(promise as object)));
    process.on("uncaughtException", (err: any) => report("uncaughtException", err, err !== null && typeof err === "object" ? err.__lsOrigin : undefined));
    const Module = require("node:module");
    const compile = Module.prototype._compile;
    Module.prototype._compile = function (content: string, filename: string) {
      state.compiled.add(filename);
      return compile.apply(this, arguments);
    };
  }
}
`;
  }

  /** Gives pending timers a moment (late rejections surface here), then lists loaded modules. */
  modulesQueryCode(): string {
    return `{
  await new Promise((resolve) => setTimeout(resolve, 20));
  const g: any = globalThis;
  const compiled: string[] = g.__lsRunner === undefined ? [] : Array.from(g.__lsRunner.compiled);
  process.stdout.write(${JSON.stringify(this.marker)} + " " + JSON.stringify({ kind: "modules", cache: Object.keys(require.cache), compiled }) + "\\n");
}
`;
  }

  /** The fault a stream text reports, if it is one of our marker lines. */
  parseFault(text: string): Fault | undefined {
    const value = this.parse(text);
    if (value === undefined) return undefined;
    if ((value.kind === "unhandledRejection" || value.kind === "uncaughtException") && typeof value.text === "string") {
      const fault: Fault = { kind: value.kind, text: value.text };
      if (typeof value.origin === "number" && Number.isInteger(value.origin)) fault.origin = value.origin;
      return fault;
    }
    return undefined;
  }

  /** The execution serial an `exec` marker announces (one per cell the kernel actually runs). */
  parseExec(text: string): number | undefined {
    const value = this.parse(text);
    return value !== undefined && value.kind === "exec" && typeof value.serial === "number" ? value.serial : undefined;
  }

  parseModules(text: string): ModuleReport | undefined {
    const value = this.parse(text);
    if (value === undefined || value.kind !== "modules") return undefined;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    return { cache: strings(value.cache), compiled: strings(value.compiled) };
  }

  isMarker(text: string): boolean {
    return text.startsWith(this.marker);
  }

  private parse(text: string): { [key: string]: unknown } | undefined {
    if (!this.isMarker(text)) return undefined;
    try {
      const value: unknown = JSON.parse(text.slice(this.marker.length));
      return value !== null && typeof value === "object" ? (value as { [key: string]: unknown }) : undefined;
    } catch {
      return undefined;
    }
  }
}

function isUnder(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = path.relative(root, file);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  });
}

/**
 * Files under `root` (not in node_modules) that the kernel loaded, absolute and sorted.
 * Modules tslab compiled in memory are reported under their virtual `.js` name; map those back
 * to the `.ts` source TypeScript resolved them from.
 */
export function loadedFiles(report: ModuleReport, root: string): string[] {
  const roots = [path.resolve(root)];
  try {
    const real = fs.realpathSync(root);
    if (real !== roots[0]) roots.push(real);
  } catch {
    // keep the given root only
  }
  const wanted = (f: string) => path.isAbsolute(f) && isUnder(f, roots) && !f.split(path.sep).includes("node_modules");
  const cached = new Set(report.cache);
  const files = new Set<string>();
  for (const f of report.cache) if (wanted(f)) files.add(f);
  for (const f of report.compiled) {
    if (cached.has(f) || !wanted(f)) continue;
    const ext = path.extname(f);
    const stem = f.slice(0, f.length - ext.length);
    const candidates = ext === ".js" ? [".ts", ".tsx", ".js"] : ext === ".jsx" ? [".tsx", ".jsx"] : [ext];
    files.add(candidates.map((e) => stem + e).find((c) => fs.existsSync(c)) ?? f);
  }
  return [...files].sort();
}
