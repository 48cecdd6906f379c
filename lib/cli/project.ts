/**
 * This project's settings for the notebook runner package (@linear-studies/notebook-runner),
 * which knows nothing about linear-studies: the repository root, the LS_* variables, the
 * kernelspec, and the output-folder policy (lib/core/env.ts). Every project command that runs
 * notebooks (run-notebook, reproduce, the smoke test, make kernel) takes them from here.
 */
import * as path from "node:path";
import type { CliSettings, Kernelspec, RunOptions } from "@linear-studies/notebook-runner";
import { repoRoot, Scale, SCALES } from "../core/env";

/**
 * The one kernelspec: written into notebooks by the runner, registered by `make kernel`, and the
 * committed notebooks' metadata. Jupyter rewrites a notebook's kernelspec block from the kernel
 * it starts, so any difference marks the notebook modified as soon as it is opened.
 */
export const PROJECT_KERNELSPEC: Kernelspec = { name: "tslab", display_name: "TypeScript", language: "typescript" };

/** The output policy of lib/core/env.ts (outputBase), computed for another process's scale. */
export function outputBaseFor(scale: Scale, root = repoRoot()): string {
  return scale === "full" ? path.join(root, "figures") : path.join(root, "build", scale);
}

/** RunOptions for a notebook of this project at `scale` (outputs by the policy unless outputDir). */
export function projectRunOptions(scale: Scale, outputDir?: string): Partial<RunOptions> {
  const root = repoRoot();
  const dir = path.resolve(outputDir ?? outputBaseFor(scale, root));
  return {
    projectRoot: root,
    kernelspec: PROJECT_KERNELSPEC,
    depsFileVariable: "LS_DEPS_FILE",
    env: { LS_SCALE: scale, LS_OUTPUT_DIR: dir },
    writableDirs: [dir],
  };
}

/** The run-notebook command: the package's CLI with this project's settings. */
export function cliSettings(): CliSettings {
  const root = repoRoot();
  return {
    program: "run-notebook",
    defaults: { projectRoot: root, kernelspec: PROJECT_KERNELSPEC, depsFileVariable: "LS_DEPS_FILE", limitHint: "run-notebook --timeout <s> / --stall-timeout <s>, or make run TIMEOUT=<s>" },
    scale: { variable: "LS_SCALE", values: SCALES, help: "sets LS_SCALE (default: LS_SCALE from the environment, else full)" },
    outputDir: {
      variable: "LS_OUTPUT_DIR",
      policy: (scale) => outputBaseFor((scale ?? "full") as Scale, root),
      help: "sets LS_OUTPUT_DIR: where <study>/ figures and claims.json go (default: figures/\n                         at full scale, build/<scale>/ otherwise; a non-full run never writes figures/)",
    },
  };
}
