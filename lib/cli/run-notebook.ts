#!/usr/bin/env node
/**
 * run-notebook: the runner package's CLI (`tslab-run`) with this project's settings (lib/cli/project.ts).
 * Exit status: 0 success, 1 the notebook failed (or the runner broke), 2 usage error.
 */
import { cliMain } from "@linear-studies/notebook-runner";
import { cliSettings } from "./project";

cliMain(cliSettings());
