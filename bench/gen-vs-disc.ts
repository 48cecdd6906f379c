/**
 * Gen-vs-disc study (lib/topics/classifiers) against scikit-learn (bench/reference/classifiers.py):
 *   - L-BFGS logistic regression, C = 1, tol 1e-6, scikit-learn ≤ 1.3's stopping rule (the
 *     paper's, and the installed sklearn's), on min-max-scaled digits (1797 × 64, K = 10) and on a
 *     random problem (1000 × 1000 standard normal features, uniform labels, K = 7);
 *   - Gaussian naive Bayes with per-class variances (scikit-learn's GaussianNB) fit + predict on
 *     the same digits;
 *   - project-only profile rows: one objective + gradient evaluation (WASM SIMD products), the
 *     unit an L-BFGS iteration costs about 1.1 of.
 * Same work: the same objective value at the solution (C·ΣCE + ½‖W‖², computed from sklearn's
 * coefficients) and iteration counts within 10%; NB: identical predictions and joint
 * log-likelihoods. Usage: node dist/bench/gen-vs-disc.js
 */
import * as path from "node:path";
import { loadSklearn } from "../lib/core/data";
import { fillNormal } from "../lib/core/normal";
import { Rng } from "../lib/core/rng";
import {
  fitMinMax,
  fromLabelled,
  GaussianNB,
  LogisticRegression,
  makeDataset,
  predict,
  softmaxObjective,
  type Dataset,
} from "../lib/topics/classifiers";
import {
  benchDir,
  expectClose,
  maxRelDiff,
  maxScaledDiff,
  NotSameWork,
  refArray,
  refNumber,
  runBench,
  writeNpy,
  type Workload,
} from "./harness";

const dir = benchDir("gen-vs-disc");
const raw = fromLabelled(loadSklearn("digits"), "digits");
const digits = fitMinMax(raw).apply(raw);
const random = (() => {
  const rng = new Rng(2);
  const X = new Float64Array(1000 * 1000);
  fillNormal(rng, X);
  // the first K labels are 0..K-1 so every class is present
  return makeDataset({ X, y: Int32Array.from({ length: 1000 }, (_, i) => (i < 7 ? i : rng.int(0, 7))), n: 1000, K: 7, name: "random" });
})();

function inputs(ds: Dataset, tag: string): { X: string; y: string } {
  return {
    X: writeNpy(path.join(dir, `X-${tag}.npy`), ds.X, [ds.m, ds.n]),
    y: writeNpy(path.join(dir, `y-${tag}.npy`), ds.y, [ds.m]),
  };
}

function logistic(label: string, ds: Dataset, tag: string, tol: number, reps: number): Workload[] {
  const name = `LR L-BFGS ${label}, C=1, tol ${tol.toExponential(0)}`;
  const lr = new LogisticRegression({ C: 1, tol, solverScale: "sum", maxIter: 10000 });
  lr.fit(ds);
  const f = lr.lastFit!;
  const theta = new Float64Array(ds.K * ds.n + ds.K).map((_, t) => Math.sin(t) * 0.01);
  const g = new Float64Array(theta.length);
  const objective = softmaxObjective(ds, { ce: 1, l2: 1 });
  return [
    {
      name,
      run: () => void new LogisticRegression({ C: 1, tol, solverScale: "sum", maxIter: 10000 }).fit(ds),
      reps,
      reference: { workload: "logistic", args: { ...inputs(ds, tag), C: 1, tol } },
      check: (ref) => {
        const it = refNumber(ref, "iterations");
        if (Math.abs(f.iterations - it) > Math.max(3, 0.1 * it)) {
          throw new NotSameWork(name, `L-BFGS iterations ${f.iterations} (project) vs ${it} (sklearn), more than 10% apart`);
        }
        return `${expectClose(name, "objective", maxRelDiff([f.objective], [refNumber(ref, "objective")]), 1e-7)}, iterations ${f.iterations} vs ${it}`;
      },
    },
    {
      name: `  of which: one objective + gradient, ${label}`,
      run: () => void objective(theta, g),
      reps: 20,
      note: `project only (profile); the fit takes ${f.evaluations} of them in ${f.iterations} iterations`,
    },
  ];
}

function naiveBayes(): Workload {
  const name = "Gaussian NB (per-class variances) fit + predict, digits";
  const nb = new GaussianNB({ variance: "per-class" }).fit(digits);
  const yhat = predict(nb, digits.X);
  const jll = nb.scores(digits.X);
  return {
    name,
    run: () => void predict(new GaussianNB({ variance: "per-class" }).fit(digits), digits.X),
    reps: 20,
    reference: { workload: "naive_bayes", args: inputs(digits, "digits") },
    check: (ref) => {
      const theirs = refArray(ref, "predictions");
      const differ = theirs.filter((v, i) => v !== yhat[i]).length;
      if (differ > 0) throw new NotSameWork(name, `${differ} of ${yhat.length} predictions differ`);
      return `predictions identical, ${expectClose(name, "joint log-lik.", maxScaledDiff(jll, refArray(ref, "jll")), 1e-9)}`;
    },
  };
}

runBench({
  title: "gen-vs-disc (lib/topics/classifiers): ms per fit",
  slug: "gen-vs-disc",
  module: "classifiers",
  workloads: [
    ...logistic("digits 1797x64 K=10", digits, "digits", 1e-6, 3),
    ...logistic("random 1000x1000 K=7", random, "random", 1e-6, 1),
    naiveBayes(),
  ],
}).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
