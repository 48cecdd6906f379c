import { test } from "node:test";
import assert from "node:assert/strict";
import { progress } from "../lib/core/progress";

function captured(f: () => void): string[] {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (s: string) => void lines.push(s);
  try {
    f();
  } finally {
    console.log = orig;
  }
  return lines;
}

test("progress prints at fixed fractions, once per crossing", () => {
  const lines = captured(() => {
    const p = progress("train", 100, { steps: 4 });
    for (let i = 1; i <= 100; i++) p.update(i, i === 50 ? "loss 0.5" : undefined);
  });
  assert.deepEqual(lines, ["train: 25/100", "train: 50/100  loss 0.5", "train: 75/100", "train: 100/100"]);
  const jumps = captured(() => {
    const p = progress("x", 10, { steps: 5 });
    p.update(7);
    p.update(10);
  });
  assert.deepEqual(jumps, ["x: 7/10", "x: 10/10"]);
});
