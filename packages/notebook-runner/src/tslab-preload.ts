/**
 * Loaded with `node --require` into every kernel process the runner starts (see kernel.ts):
 * applies tslab-sends.ts to the tslab that will serve the kernel, found as tslab itself finds it
 * (`servingTslabJupyter`: the copy nearest the working directory, else the launcher's own). Does
 * nothing when there is none (e.g. a test's fake kernel). Only for `--require`: importing it would
 * patch the importing process.
 *
 * It leaves no entry in `require.cache`, where the runner's module probe (probe.ts) would count
 * these runner files as files the notebook loaded.
 */
import * as path from "node:path";
import { patchTslabSends, servingTslabJupyter, type TslabJupyterModule } from "./tslab-sends";

{
  // the launcher is <tslab>/bin/tslab
  const launcher = process.argv[1];
  const jupyter = servingTslabJupyter(process.cwd(), launcher === undefined ? undefined : path.dirname(path.dirname(launcher)));
  if (jupyter !== undefined) patchTslabSends(require(jupyter) as TslabJupyterModule);
  delete require.cache[require.resolve("./tslab-sends")];
  delete require.cache[__filename];
}
