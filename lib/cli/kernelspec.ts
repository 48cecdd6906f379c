/**
 * A Jupyter kernelspec for the project's pinned tslab, written without Python (tslab's own
 * `tslab install` needs jupyter_client). Used by `make kernel` and by the stock-Jupyter test.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../core/files";

export const KERNEL_NAME = "tslab";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
}

/** The spec: this Node binary running the project's tslab (absolute paths, so not committed). */
export function kernelSpec(root: string): KernelSpec {
  const tslab = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab)) throw new Error(`${tslab} is missing; run \`npm ci\` (or \`make install\`) first`);
  return {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab, linear-studies)",
    language: "typescript",
  };
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
