/**
 * The single entry point to TensorFlow.js. Every library module imports `tf` from here so there is
 * exactly one tfjs-core instance (a second one would mean "backend not registered" errors).
 *
 * Backend order: tfjs-node when it is installed and loads (a user's machine with libtensorflow),
 * else WASM with SIMD (XNNPACK, ~20x the pure-JS backend on 128-512 matmuls here), else the
 * pure-JS CPU backend. `LS_TF_BACKEND=cpu|wasm|tensorflow` forces one.
 */
import * as tf from "@tensorflow/tfjs";
import * as path from "node:path";

export { tf };

export type BackendName = "tensorflow" | "wasm" | "cpu";

let chosen: Promise<BackendName> | undefined;

/** Selects and initialises the backend once per process, printing the choice once. */
export function initTf(options: { quiet?: boolean } = {}): Promise<BackendName> {
  if (chosen === undefined) {
    chosen = select().then((name) => {
      if (!options.quiet) console.log(`tfjs backend: ${describeBackend(name)}`);
      return name;
    });
  }
  return chosen;
}

/** The backend in use, e.g. "wasm (SIMD, 1 thread)"; call after initTf. */
export function describeBackend(name: BackendName = tf.getBackend() as BackendName): string {
  if (name === "wasm") {
    const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
    return `wasm (${simd ? "SIMD" : "no SIMD"}, 1 thread)`;
  }
  if (name === "tensorflow") return "tensorflow (tfjs-node, native libtensorflow)";
  return "cpu (pure JavaScript)";
}

async function select(): Promise<BackendName> {
  const forced = process.env.LS_TF_BACKEND;
  if (forced !== undefined && forced !== "" && !["tensorflow", "wasm", "cpu"].includes(forced)) {
    throw new Error(`LS_TF_BACKEND must be tensorflow, wasm or cpu; got ${JSON.stringify(forced)}`);
  }
  const order: BackendName[] = forced ? [forced as BackendName] : ["tensorflow", "wasm", "cpu"];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await tryBackend(name)) return name;
      failures.push(`${name}: not available`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(`no tfjs backend could start (${failures.join("; ")}); run \`npm ci\` to restore node_modules`);
}

async function tryBackend(name: BackendName): Promise<boolean> {
  if (name === "tensorflow") {
    if (!tfjsNodeInstalled()) return false;
    require("@tensorflow/tfjs-node");
  }
  if (name === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    wasm.setWasmPaths(dir + path.sep);
  }
  const ok = await tf.setBackend(name);
  if (ok) await tf.ready();
  return ok && tf.getBackend() === name;
}

/**
 * True when the real tfjs-node is installed. Its install script downloads libtensorflow, which
 * only works with an open network; here danfojs-node's dependency on it is overridden to plain
 * tfjs, which npm may hoist under the tfjs-node name -- that alias must not count.
 */
export function tfjsNodeInstalled(): boolean {
  try {
    const pkg = require.resolve("@tensorflow/tfjs-node/package.json");
    return (require(pkg) as { name?: string }).name === "@tensorflow/tfjs-node";
  } catch {
    return false;
  }
}
