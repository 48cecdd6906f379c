/**
 * The Jupyter kernelspec for the project's pinned tslab, written without Python (tslab's own
 * `tslab install` needs jupyter_client). Used by `make kernel`. The kernel runs through the
 * runner package's kernel shim, which adds ename/evalue to tslab's error replies for stock Jupyter.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kernelspecJson, KernelJson } from "@linear-studies/notebook-runner";
import { writeFileAtomic } from "../core/files";
import { PROJECT_KERNELSPEC } from "./project";

export const KERNEL_NAME = PROJECT_KERNELSPEC.name;

/** The spec: this Node binary running the shim over the project's tslab (absolute paths, so not committed). */
export function kernelSpec(root: string): KernelJson {
  const tslab = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab)) throw new Error(`${tslab} is missing; run \`npm ci\` (or \`make install\`) first`);
  return kernelspecJson(PROJECT_KERNELSPEC);
}

/** The per-user Jupyter data folder, as jupyter_core computes it. */
export function userJupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? os.homedir(), "jupyter");
  const xdg = process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(xdg, "jupyter");
}

/** Writes `<dataDir>/kernels/<name>/kernel.json`; returns its path. */
export function installKernelSpec(root: string, dataDir: string, name = KERNEL_NAME): string {
  const file = path.join(dataDir, "kernels", name, "kernel.json");
  writeFileAtomic(file, JSON.stringify(kernelSpec(root), null, 1) + "\n");
  return file;
}
