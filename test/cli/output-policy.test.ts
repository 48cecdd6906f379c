/**
 * Issue 11, defect 1: results go to figures/ only from a full-scale run, whoever starts it.
 * The policy lives in lib/core/env.ts (outputBase); the banner and the reproduction flag too; the
 * readme entry point refuses non-full claims; run-notebook applies the same policy.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isReproductionRun, outputBase, repoRoot, scaleBanner, studyOutputDir } from "../../lib/core/env";
import { nonFullClaims } from "../../lib/cli/readme";
import { cliSettings, outputBaseFor, projectRunOptions } from "../../lib/cli/project";
import { parseArgs } from "@linear-studies/notebook-runner";

const root = repoRoot();

function withEnv<T>(vars: { [k: string]: string | undefined }, f: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) (v === undefined ? delete process.env[k] : (process.env[k] = v));
  try {
    return f();
  } finally {
    for (const [k, v] of Object.entries(saved)) (v === undefined ? delete process.env[k] : (process.env[k] = v));
  }
}

test("output policy: figures/ at full scale, build/<scale>/ otherwise, never figures/ from a smoke run", () => {
  withEnv({ LS_SCALE: undefined, LS_OUTPUT_DIR: undefined }, () => {
    assert.equal(outputBase(), path.join(root, "figures"));
    assert.equal(isReproductionRun(), true);
    assert.equal(scaleBanner(), "");
  });
  withEnv({ LS_SCALE: "smoke", LS_OUTPUT_DIR: undefined }, () => {
    assert.equal(outputBase(), path.join(root, "build", "smoke"));
    assert.equal(isReproductionRun(), false);
    assert.match(scaleBanner(), /SMOKE RUN \(LS_SCALE=smoke\).*NOT A REPRODUCTION/s);
    assert.match(scaleBanner(), /go to build\/smoke\/, not figures\//);
  });
  for (const inside of [path.join(root, "figures"), path.join(root, "figures", "sub")]) {
    withEnv({ LS_SCALE: "smoke", LS_OUTPUT_DIR: inside }, () => {
      assert.throws(() => studyOutputDir("one-step-gd"), /inside figures\/, which only a full-scale run may write/);
    });
  }
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "ls-out-"));
  withEnv({ LS_SCALE: "smoke", LS_OUTPUT_DIR: elsewhere }, () => assert.equal(studyOutputDir("x"), path.join(elsewhere, "x")));
  fs.rmSync(elsewhere, { recursive: true, force: true });
});

test("the banner is printed when env.ts loads inside a notebook kernel, and only there", () => {
  const env = path.join(root, "dist", "lib", "core", "env.js");
  const run = (code: string, scale: string) =>
    spawnSync(process.execPath, ["-e", code], { encoding: "utf8", env: { ...process.env, LS_SCALE: scale, LS_OUTPUT_DIR: "" } }).stdout;
  assert.match(run(`globalThis.__tslab__ = {}; require(${JSON.stringify(env)})`, "smoke"), /^=+\nSMOKE RUN/);
  assert.equal(run(`require(${JSON.stringify(env)})`, "smoke"), "", "not in plain Node (tests, scripts)");
  assert.equal(run(`globalThis.__tslab__ = {}; require(${JSON.stringify(env)})`, "full"), "", "no banner at full scale");
});

test("make readme refuses claims files that are not full scale", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-claims-"));
  try {
    fs.mkdirSync(path.join(dir, "a"));
    fs.mkdirSync(path.join(dir, "b"));
    fs.writeFileSync(path.join(dir, "a", "claims.json"), JSON.stringify({ scale: "full", claims: [] }));
    assert.deepEqual(nonFullClaims(dir), []);
    fs.writeFileSync(path.join(dir, "b", "claims.json"), JSON.stringify({ scale: "smoke", claims: [] }));
    const problems = nonFullClaims(dir);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /b\/claims\.json: scale "smoke", not "full"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The committed figures/ are all full scale, so the real entry point goes on to readme-status.
  assert.deepEqual(nonFullClaims(path.join(root, "figures")), []);
});

test("run-notebook and the project's run options apply the same policy", () => {
  const parsed = (args: string[]) => parseArgs(args, cliSettings())!.opts;
  const smoke = parsed(["notebooks/one-step-gd.ipynb", "-o", "build/x.ipynb", "--scale", "smoke"]);
  assert.equal(smoke.env?.LS_OUTPUT_DIR, path.join(root, "build", "smoke"));
  assert.equal(smoke.env?.LS_SCALE, "smoke");
  assert.deepEqual(smoke.writableDirs, [path.join(root, "build", "smoke")], "checked before the kernel starts");
  const full = parsed(["notebooks/one-step-gd.ipynb", "--inplace", "--scale", "full"]);
  assert.equal(full.env?.LS_OUTPUT_DIR, path.join(root, "figures"));
  assert.equal(outputBaseFor("smoke"), path.join(root, "build", "smoke"));
  assert.deepEqual(projectRunOptions("smoke").env, { LS_SCALE: "smoke", LS_OUTPUT_DIR: path.join(root, "build", "smoke") });
});
