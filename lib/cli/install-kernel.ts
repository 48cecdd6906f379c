#!/usr/bin/env node
/** `install-kernel [--prefix <jupyter data dir>]`: registers the project's tslab for Jupyter. */
import { repoRoot } from "../core/env";
import { installKernelSpec, KERNEL_NAME, userJupyterDataDir } from "./kernelspec";
import { PROJECT_KERNELSPEC } from "./project";

const argv = process.argv.slice(2);
const i = argv.indexOf("--prefix");
const dataDir = i >= 0 && argv[i + 1] ? argv[i + 1]! : userJupyterDataDir();
const file = installKernelSpec(repoRoot(), dataDir);
process.stdout.write(
  `Registered the "${KERNEL_NAME}" kernel ("${PROJECT_KERNELSPEC.display_name}": this project's tslab, ${process.execPath}) in ${file}\n` +
    `Open the notebooks with: jupyter lab notebooks/   (or jupyter notebook notebooks/)\n`,
);
