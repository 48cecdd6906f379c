/**
 * Loaded with `node --require` into every kernel process the runner starts (see kernel.ts):
 * applies tslab-sends.ts to the tslab that will serve the kernel. tslab itself hands over to the
 * tslab installed nearest to the kernel's working directory, so that one is looked up first,
 * then the one next to the launcher script. Does nothing when there is no tslab (e.g. a test's
 * fake kernel). Only for `--require`: importing it would patch the importing process.
 *
 * It leaves no entry in `require.cache`, where the runner's module probe (probe.ts) would count
 * these runner files as files the notebook loaded.
 */
import * as path from "node:path";
import { patchTslabSends, type TslabJupyterModule } from "./tslab-sends";

{
  const from = [process.cwd(), ...(process.argv[1] !== undefined ? [path.dirname(process.argv[1])] : [])];
  let jupyter: string | undefined;
  try {
    jupyter = require.resolve("tslab/dist/jupyter.js", { paths: from });
  } catch {
    // no tslab: not a tslab kernel
  }
  if (jupyter !== undefined) patchTslabSends(require(jupyter) as TslabJupyterModule);
  delete require.cache[require.resolve("./tslab-sends")];
  delete require.cache[__filename];
}
