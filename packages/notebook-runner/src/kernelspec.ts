/**
 * kernel.json for stock Jupyter, written without Python (tslab's `tslab install` needs
 * jupyter_client): this Node running the kernel shim (src/kernel-shim.ts), which starts the
 * project's tslab with ename/evalue added to error replies.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Kernelspec, KERNELSPEC } from "./run";

export interface KernelJson {
  argv: string[];
  display_name: string;
  language: string;
  metadata?: { [key: string]: unknown };
}

/** The compiled shim next to this module. */
export function shimPath(): string {
  return path.join(__dirname, "kernel-shim.js");
}

/**
 * The kernel.json content. `spec` must be the same kernelspec the runner writes into notebooks
 * (RunOptions.kernelspec), or Jupyter rewrites the notebook's metadata when it opens it.
 */
export function kernelspecJson(spec: Kernelspec = KERNELSPEC, launcher = shimPath()): KernelJson {
  if (!fs.existsSync(launcher)) throw new Error(`${launcher} is missing; build the runner package first`);
  return {
    argv: [process.execPath, launcher, "kernel", "--config-path", "{connection_file}"],
    display_name: spec.display_name,
    language: spec.language,
  };
}
