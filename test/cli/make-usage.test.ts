import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { repoRoot } from "../../lib/core/env";

// The grid targets' usage line holds `<group>` inside double quotes: echoed in double quotes it
// closed the quote and bash read `<group>` as a redirection ("group: No such file or directory").
test("the grid targets' usage check (make grid-check, run by grid and grid-plan) prints the whole usage line and exits 2 without GRID", () => {
  const r = spawnSync("make", ["-s", "grid-check", "STUDY=icl-algorithms", "GRID="], { cwd: repoRoot(), encoding: "utf8" });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stdout, /^usage: make grid\|grid-plan\|grid-prune STUDY=<slug> GRID=<name> .*\[ONLY="<group>,\.\.\."\]$/m);
  assert.doesNotMatch(r.stderr, /No such file/);
});
