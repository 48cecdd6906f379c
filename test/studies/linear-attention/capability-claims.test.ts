/**
 * The capability claims (MQAR, P3) on hand-made training results with the grid's own job specs: one
 * fixture that reproduces, one whose headline fails, one that is "partly", and the input errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { claimMQAR, claimP3, plateauEscape, heldOutTrials } from "../../../lib/studies/linear-attention";
import { mqarJob, s3Job } from "../../../lib/studies/linear-attention/grids";
import type { TrainResult } from "../../../lib/topics/sequence-memory/train";

/** A loss curve in blocks of 20 steps: at the chance loss ln 128 until `escapeAt`, 1.0 after (never if undefined). */
function lossCurve(steps: number, escapeAt?: number): TrainResult["loss"] {
  const out: TrainResult["loss"] = [];
  for (let s = 19; s < steps; s += 20) out.push({ step: s, loss: escapeAt !== undefined && s >= escapeAt ? 1.0 : Math.log(128) + 0.01 });
  return out;
}

function mqar(rule: "delta" | "linear", seed: number, finalAcc: number, escapeAt?: number): TrainResult {
  const { label: _l, group: _g, ...spec } = mqarJob(rule, seed);
  return { spec, loss: lossCurve(spec.steps, escapeAt), evals: [{ step: spec.steps, acc: finalAcc }], finalAcc, cpuSeconds: 1 };
}

function mqarRuns(delta: number[], la: number[], esc: { delta?: number; la?: number } = { delta: 900, la: 300 }): TrainResult[] {
  return [1, 2, 3].flatMap((s, i) => [mqar("delta", s, delta[i]!, esc.delta), mqar("linear", s, la[i]!, esc.la)]);
}

test("plateauEscape: the first 20-step block at ≤ ln 128 − 0.5, censored at the budget", () => {
  assert.deepEqual(plateauEscape(mqar("delta", 1, 0.5, 900)), { steps: 920, escaped: true });
  assert.deepEqual(plateauEscape(mqar("delta", 1, 0.01)), { steps: 2000, escaped: false });
  assert.equal(heldOutTrials(mqar("delta", 1, 0.5)), 500 * 24);
});

test("MQAR: DeltaNet ahead in every seed beyond the seed spread reproduces", () => {
  const c = claimMQAR(mqarRuns([0.62, 0.7, 0.66], [0.4, 0.45, 0.41]));
  assert.equal(c.verdict, "reproduced");
  assert.equal(c.basis, "paper");
});

test("MQAR: the prototype's picture (LA ahead) is not reproduced", () => {
  const c = claimMQAR(mqarRuns([0.34, 0.3, 0.38], [0.7, 0.68, 0.72]));
  assert.equal(c.verdict, "not reproduced");
});

test("MQAR: DeltaNet ahead in two seeds and behind in one does not pass the paired t rule", () => {
  assert.equal(claimMQAR(mqarRuns([0.6, 0.65, 0.4], [0.45, 0.5, 0.55])).verdict, "not reproduced");
});

test("MQAR: DeltaNet still on its plateau fails the budget-validity part", () => {
  const c = claimMQAR(mqarRuns([0.008, 0.009, 0.007], [0.5, 0.52, 0.49], { la: 300 }));
  assert.equal(c.verdict, "not reproduced");
  const budget = c.parts.find((p) => p.label.startsWith("budget validity"))!;
  assert.equal(budget.pass, false);
  assert.equal(budget.checks.length, 3);
});

test("MQAR: DeltaNet ahead but leaving the plateau before LA is only partly the expected picture", () => {
  assert.equal(claimMQAR(mqarRuns([0.62, 0.7, 0.66], [0.4, 0.45, 0.41], { delta: 200, la: 600 })).verdict, "partly");
});

test("MQAR: unpaired seeds and foreign runs are errors", () => {
  const runs = mqarRuns([0.6, 0.6, 0.6], [0.4, 0.4, 0.4]).slice(0, 5);
  assert.throws(() => claimMQAR(runs), /seed 3 has 1 DeltaNet and 0 LA run/);
  assert.throws(() => claimMQAR([...mqarRuns([0.6, 0.6, 0.6], [0.4, 0.4, 0.4]), s3(1, 1, 0.5)]), /only MQAR runs/);
});

function s3(nh: 1 | 2, seed: number, acc: number | [number, number, number]): TrainResult {
  const { label: _l, group: _g, ...spec } = s3Job(nh, seed);
  const a = typeof acc === "number" ? [acc, acc, acc] : acc;
  const lengths = [24, 64, 128].map((L, i) => ({ L, tokenAcc: a[i]!, seqAcc: a[i]! === 1 ? 1 : 0 }));
  return { spec, loss: lossCurve(spec.steps, 100), evals: [{ step: spec.steps, acc: a[0]! }], finalAcc: a[0]!, lengths, cpuSeconds: 1 };
}

const s3Runs = (two: (number | [number, number, number])[], one: (number | [number, number, number])[]) =>
  [1, 2, 3].flatMap((s, i) => [s3(2, s, two[i]!), s3(1, s, one[i]!)]);

const PROTO_ONE: [number, number, number] = [0.52, 0.4, 0.37];

test("P3: n_h = 2 tracks S₃ in every seed and n_h = 1 stays at the prototype's 0.52 reproduces", () => {
  const c = claimP3(s3Runs([1, 0.999, 1], [PROTO_ONE, PROTO_ONE, [0.5, 0.41, 0.36]]));
  assert.equal(c.verdict, "reproduced");
});

test("P3: one bistable seed stuck at the plateau gives partly (2 of 3 seeds is a majority)", () => {
  const c = claimP3(s3Runs([1, 1, [0.5, 0.4, 0.36]], [PROTO_ONE, PROTO_ONE, PROTO_ONE]));
  assert.equal(c.verdict, "partly");
});

test("P3: n_h = 2 at 0.97 (Wilson interval below 0.99 over 300 × 24 tokens) fails", () => {
  const c = claimP3(s3Runs([0.97, 0.97, 0.97], [PROTO_ONE, PROTO_ONE, PROTO_ONE]));
  assert.equal(c.verdict, "not reproduced");
});

test("P3: n_h = 1 tracking too (0.99) contradicts the claim", () => {
  assert.equal(claimP3(s3Runs([1, 1, 1], [0.99, 0.99, 0.99])).verdict, "not reproduced");
});

test("P3: a single missing evaluation length or an unpaired seed is an error", () => {
  const runs = s3Runs([1, 1, 1], [PROTO_ONE, PROTO_ONE, PROTO_ONE]);
  assert.throws(() => claimP3(runs.slice(1)), /seed 101 has 0 n_h = 2 and 1 n_h = 1 run/);
  const broken = runs.map((r) => ({ ...r, lengths: r.lengths!.filter((l) => l.L !== 64) }));
  assert.throws(() => claimP3(broken), /no evaluation at L = 64/);
});
