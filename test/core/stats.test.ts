/**
 * lib/core/stats.ts against tabulated values (t and normal quantiles from standard tables),
 * closed forms (Cauchy and t₂ CDFs, the simplified Wilson bounds at 0, n/2 and n successes),
 * numpy's default percentile on hand-worked arrays and scipy's Spearman with ties, worked by hand.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  linearFit, mean, meanCI, median, normalCdf, normalQuantile, pearson, percentile, ranks, sd, spearman,
  standardError, studentTCdf, studentTQuantile, summarize, tInterval, tryLinearFit, wilsonInterval, compareByCI,
} from "../../lib/core/stats";

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} ± ${tol}`);
}

test("mean, sd (n − 1), standard error and summarize on a hand example", () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9]; // Σ(x − 5)² = 32
  assert.equal(mean(xs), 5);
  close(sd(xs), Math.sqrt(32 / 7), 1e-15, "sd");
  close(standardError(xs), Math.sqrt(32 / 7) / Math.sqrt(8), 1e-15, "se");
  assert.ok(Number.isNaN(mean([])));
  assert.equal(sd([3]), 0);
  assert.ok(Number.isNaN(standardError([3])));
  assert.deepEqual(summarize(new Float64Array([1, 3])).values, [1, 3]);
});

test("normal CDF and quantile match tabulated values in the body and the tails", () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-12, "Φ⁻¹(0.975)");
  close(normalQuantile(0.995), 2.5758293035489004, 1e-12, "Φ⁻¹(0.995)");
  close(normalQuantile(0.5), 0, 1e-15, "Φ⁻¹(0.5)");
  close(normalQuantile(1e-10), -6.361340902404056, 1e-9, "Φ⁻¹(1e-10)");
  close(normalCdf(1.959963984540054), 0.975, 1e-14, "Φ(1.96)");
  close(normalCdf(-1), 0.15865525393145707, 1e-15, "Φ(−1)");
  // far tail, relative accuracy: Φ(−10) = 7.619853024160527e-24
  close(normalCdf(-10) / 7.619853024160527e-24, 1, 1e-12, "Φ(−10) relative");
  for (const p of [1e-6, 0.01, 0.3, 0.7, 0.99, 1 - 1e-6]) close(normalCdf(normalQuantile(p)), p, 1e-13 * Math.max(1, p / (1 - p)), `Φ(Φ⁻¹(${p}))`);
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.throws(() => normalQuantile(1.5), /p must be in \[0, 1\]/);
});

test("Student t: tabulated quantiles and the closed-form CDFs for 1 and 2 degrees of freedom", () => {
  close(studentTQuantile(0.975, 4), 2.776445, 5e-7, "t_{0.975,4}");
  close(studentTQuantile(0.975, 1), 12.706205, 5e-6, "t_{0.975,1}");
  close(studentTQuantile(0.975, 10), 2.228139, 5e-7, "t_{0.975,10}");
  close(studentTQuantile(0.995, 30), 2.749996, 5e-7, "t_{0.995,30}");
  close(studentTQuantile(0.025, 4), -2.776445, 5e-7, "t_{0.025,4}");
  // heavy tail: t_{1} quantile is tan(π(p − ½)) = 6366.2 at p = 0.99995, far beyond a fixed bracket
  close(studentTQuantile(0.99995, 1) / Math.tan(Math.PI * (0.99995 - 0.5)), 1, 1e-9, "t_{0.99995,1}");
  for (const t of [-7, -1.3, 0, 0.4, 2, 25]) {
    close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13, `Cauchy CDF at ${t}`);
    close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13, `t₂ CDF at ${t}`);
  }
  // large df approaches the normal
  close(studentTQuantile(0.975, 1e6), 1.959963984540054, 1e-5, "t_{0.975,1e6}");
});

test("tInterval: mean ± t_{n−1}·sd/√n, and a single value is refused", () => {
  const ci = tInterval([1, 2, 3, 4, 5]); // sd² = 2.5, se = √0.5
  assert.equal(ci.df, 4);
  close(ci.estimate, 3, 0, "mean");
  close(ci.se, Math.sqrt(0.5), 1e-15, "se");
  close(ci.hi - ci.estimate, 2.776445 * Math.sqrt(0.5), 1e-6, "half-width");
  assert.throws(() => tInterval([1]), /at least 2 values/);
});

test("Wilson 95% intervals for 0/10, 5/10, 10/10 from the simplified closed forms", () => {
  const z = 1.959963984540054, n = 10, z2 = z * z;
  const w0 = wilsonInterval(0, n);
  close(w0.lo, 0, 1e-15, "0/10 lo");
  close(w0.hi, z2 / (n + z2), 1e-12, "0/10 hi"); // 0.277532...
  const w5 = wilsonInterval(5, n);
  close(w5.lo, 0.5 - z / (2 * Math.sqrt(n + z2)), 1e-12, "5/10 lo"); // 0.236593...
  close(w5.hi, 0.5 + z / (2 * Math.sqrt(n + z2)), 1e-12, "5/10 hi");
  close(w5.lo, 0.2366, 5e-5, "5/10 lo tabulated");
  const w10 = wilsonInterval(10, n);
  close(w10.lo, n / (n + z2), 1e-12, "10/10 lo");
  close(w10.hi, 1, 1e-15, "10/10 hi");
  assert.throws(() => wilsonInterval(11, 10), /0 ≤ successes ≤ trials/);
});

test("percentile equals numpy's default (linear) on hand examples and leaves the input alone", () => {
  // np.percentile([1, 2, 3, 4, 10], [0, 25, 50, 90, 100]) = [1, 2, 3, 7.6, 10]
  const a = [10, 3, 1, 4, 2];
  const expected: Array<[number, number]> = [[0, 1], [25, 2], [50, 3], [90, 7.6], [100, 10]];
  for (const [q, v] of expected) close(percentile(a, q), v, 1e-12, `p${q}`);
  assert.deepEqual(a, [10, 3, 1, 4, 2]);
  // np.percentile([3,1,4,1,5,9,2,6], 30) = 2.1, 75 -> 5.25; np.median = 3.5
  const b = [3, 1, 4, 1, 5, 9, 2, 6];
  close(percentile(b, 30), 2.1, 1e-12, "p30");
  close(percentile(b, 75), 5.25, 1e-12, "p75");
  assert.equal(median(b), 3.5);
  assert.equal(percentile([-1, -10, 5], 50), -1); // numeric, not lexicographic, order
  assert.throws(() => percentile([], 50), /no values/);
});

test("ranks average ties; Spearman with ties = Pearson on those ranks (scipy.stats.spearmanr)", () => {
  assert.deepEqual(ranks([10, 20, 20, 30, 20]), [1, 3, 3, 5, 3]);
  // ranks a = [1, 2.5, 2.5, 4], b = [1, 3, 2, 4]: Σdadb = 4.5, Σda² = 4.5, Σdb² = 5
  close(spearman([1, 2, 2, 3], [1, 3, 2, 4]), 4.5 / Math.sqrt(4.5 * 5), 1e-15, "spearman");
  close(spearman([1, 2, 3, 4], [40, 30, 20, 10]), -1, 1e-15, "monotone decreasing");
  close(pearson([1, 2, 3], [2, 4, 6.5]), 4.5 / Math.sqrt(61 / 3), 1e-14, "pearson"); // Σdadb 4.5, Σda² 2, Σdb² 61/6
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
});

test("linearFit recovers an exact line; meanCI and compareByCI", () => {
  const f = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
  close(f.slope, 2, 1e-15, "slope");
  close(f.intercept, 1, 1e-15, "intercept");
  close(f.r2, 1, 1e-15, "r2");
  assert.ok(Number.isNaN(tryLinearFit([1, 1], [2, 3]).slope));
  const ci = meanCI([1, 2, 3, 4, 5]);
  close(ci.half, (1.96 * Math.sqrt(2.5)) / Math.sqrt(5), 1e-15, "meanCI half");
  assert.equal(compareByCI(meanCI([0.1, 0.11, 0.12]), meanCI([0.5, 0.51, 0.52])), "win");
  assert.equal(compareByCI(meanCI([0.5, 0.51, 0.52]), meanCI([0.1, 0.11, 0.12])), "loss");
});
