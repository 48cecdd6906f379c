import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../lib/core/env";
import { FIRST_RUN_ESTIMATE_S, progressLine, readTimings, writeTimings } from "../../lib/cli/eta";

test("make reproduce prints a progress line per notebook with an ETA (first run: estimates; later: measured times)", () => {
  const slugs = ["gen-vs-disc", "moment-probing", "one-step-gd", "tversky"];
  const first = progressLine({ index: 0, slugs, rel: "notebooks/gen-vs-disc.ipynb", reason: "no stamp", timings: {}, elapsedSeconds: 0 });
  const slugsHere = fs
    .readdirSync(path.join(repoRoot(), "notebooks"))
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => f.replace(/\.ipynb$/, ""));
  for (const slug of slugsHere)
    assert.ok((FIRST_RUN_ESTIMATE_S[slug] ?? 0) > 0, `notebooks/${slug}.ipynb has a first-run estimate in lib/cli/eta.ts`);
  // from the table: gen-vs-disc 610 s ≈ 10 min; the four notebooks 610 + 760 + 460 + 880 s ≈ 45 min
  assert.match(
    first,
    /^\[1\/4\] notebooks\/gen-vs-disc\.ipynb: running \(no stamp\); ~10 min for this notebook \(first run: estimate for a quiet 2-core machine\), ETA ~45 min for the rest \(if all run\), elapsed 0 s$/,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-eta-"));
  const file = path.join(dir, "timings.json");
  assert.deepEqual(readTimings(file), {}, "no file: no timings");
  writeTimings(file, { tversky: 600, "one-step-gd": 60 });
  const timings = readTimings(file);
  const third = progressLine({ index: 2, slugs, rel: "notebooks/one-step-gd.ipynb", reason: "--force", timings, elapsedSeconds: 700 });
  assert.match(third, /^\[3\/4\] .*~60 s for this notebook \(last run here\), ETA ~11 min for the rest \(if all run\), elapsed 12 min$/);
  // two at a time: the rest (600 + 60 s from the third on, as above) takes half as long
  const paired = progressLine({
    index: 2,
    slugs,
    rel: "notebooks/one-step-gd.ipynb",
    reason: "--force",
    timings,
    jobs: 2,
    elapsedSeconds: 0,
  });
  assert.match(paired, /ETA ~6 min for the rest \(if all run, 2 at a time\), elapsed 0 s$/);
  fs.rmSync(dir, { recursive: true, force: true });
});
