#!/usr/bin/env node
/** `npx linear-studies <command>`: the project's commands by name (grid, worker). */
import { gridMain } from "./grid";
import { workerMain } from "./worker";

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === "grid") {
  gridMain(rest).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`grid: ${err.message}`);
      process.exit(1);
    },
  );
} else if (cmd === "worker") {
  workerMain(rest).catch((err: Error) => {
    console.error(`worker: ${err.message}`);
    process.exit(1);
  });
} else {
  console.error("usage: linear-studies grid <run|plan|prune> … | linear-studies worker --redis redis://host:port …");
  process.exit(cmd === undefined || cmd === "--help" ? 0 : 2);
}
