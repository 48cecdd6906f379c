import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../lib/core/env";
import { PROJECT_KERNELSPEC } from "../../lib/cli/project";
import { listNotebooks } from "../../lib/cli/notebooks";
import { KERNELSPEC } from "@linear-studies/notebook-runner";

test("make kernel's installer writes a kernelspec that runs this checkout's tslab", () => {
  const root = repoRoot();
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "ls-kernel-"));
  const r = spawnSync(process.execPath, [path.join(root, "dist", "lib", "cli", "install-kernel.js"), "--prefix", prefix], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(fs.readFileSync(path.join(prefix, "kernels", "tslab", "kernel.json"), "utf8"));
  const shim = require.resolve("@linear-studies/notebook-runner/kernel-shim");
  assert.deepEqual(spec.argv, [process.execPath, shim, "kernel", "--config-path", "{connection_file}"]);
  assert.equal(spec.language, "typescript");
  assert.equal(spec.display_name, PROJECT_KERNELSPEC.display_name);
  assert.match(r.stdout, /Registered the "tslab" kernel/);
  // JUPYTER_DATA_DIR is honoured when no prefix is given
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-kernel-"));
  const r2 = spawnSync(process.execPath, [path.join(root, "dist", "lib", "cli", "install-kernel.js")], { encoding: "utf8", env: { ...process.env, JUPYTER_DATA_DIR: dataDir } });
  assert.equal(r2.status, 0, r2.stderr);
  assert.ok(fs.existsSync(path.join(dataDir, "kernels", "tslab", "kernel.json")));
});

test("one kernelspec: make kernel, the runner and every committed notebook agree (opening a notebook does not modify it)", () => {
  assert.deepEqual(PROJECT_KERNELSPEC, { name: "tslab", display_name: "TypeScript", language: "typescript" });
  assert.deepEqual(KERNELSPEC, PROJECT_KERNELSPEC, "the runner package's default is the same");
  for (const nb of listNotebooks(repoRoot())) {
    const meta = JSON.parse(fs.readFileSync(nb, "utf8")).metadata;
    assert.deepEqual(meta.kernelspec, PROJECT_KERNELSPEC, `${nb}: metadata.kernelspec`);
  }
});
