/**
 * The study's claims: one function per claim, from experiment results to a ClaimRecord. Every
 * expected value, tolerance and provenance lives here, and was set before the full-scale run.
 *
 * Decision rules used below (set before running; notes §14 records them):
 * - A convergence rate against a rate measured elsewhere on the same number of runs (the paper's
 *   972 per pair, the notes' 120 per calibration row) is compared with the Wilson interval at
 *   level 2Φ(1.96·√2) − 1 ≈ 0.9944: both rates are binomial estimates, their difference has √2
 *   times the standard error of one, so this is the 95% two-sample test written as a one-sample
 *   interval around ours.
 * - An ordering of two convergence rates must be significant: difference > 1.96·SE of the
 *   difference (binomial SEs in quadrature).
 * - "Matches", "parity", "small gain": paired seeds (same data order, same encoder init), the 95%
 *   t-interval of the mean difference inside ±margin (`pairedDifference` "equivalent").
 * - Salience beyond ‖enc(x)‖ (claim 13): the partial rank correlation of salience with the
 *   true-class margin given ‖enc(x)‖, per seed; its 95% t-interval over seeds must lie above 0.
 */
import {
  atLeast,
  atMost,
  claim,
  close,
  derived,
  equals,
  ordered,
  pairedDifference,
  paper,
  proportion,
  prototype,
  sanityCheck,
  type Check,
  type ClaimRecord,
} from "../../core/claims";
import { normalCdf } from "../../core/stats";
import { GPT2, OFFICIAL_MNIST_PARAMS, XOR_CONVERGENCE } from "./paper";
import type { SimilarityResults } from "./experiments/similarity";
import type { CalibrationVariant, XorResults } from "./experiments/xor";
import type { GridMarginals, GridRow } from "./experiments/xor-grid";
import type { CountRow } from "./experiments/params";
import type { DigitsResults, HeadResult, SalienceStats } from "./experiments/digits";
import type { FashionResults } from "./experiments/fashion";

/** 95% two-sample test of equal rates on equal n, as the level of a one-sample Wilson interval. */
export const TWO_SAMPLE_LEVEL = 2 * normalCdf(1.96 * Math.SQRT2) - 1;

const fixed = (x: number, d = 3) => x.toFixed(d);

// 1-3, 16: the similarity function ----------------------------------------------------------------

/** The notes' hand-worked S(a,b), S(b,a) per variant (notes §10 item 1), keyed by the experiment's labels. */
export const HAND_EXPECTED: Record<string, { ab: number; ba: number }> = {
  "product + ignorematch": { ab: 3.8, ba: 3.2 },
  "product + substractmatch (official)": { ab: 3.8, ba: 3.2 },
  "product + substractmatch_pf": { ab: 3.0, ba: 3.0 },
  "product + substractmatch_pf_plus": { ab: 2.8, ba: 2.2 },
  "min (official aggregate) + ignorematch": { ab: 2.8, ba: 2.2 },
  "max (official aggregate) + ignorematch": { ab: 2.8, ba: 2.2 },
  "mean + ignorematch": { ab: 2.8, ba: 2.2 },
  "gmean (official aggregate) + ignorematch": { ab: 2.8, ba: 2.2 },
  "softmin (official) + ignorematch": { ab: 3 - Math.LN2 - 0.2, ba: 3 - Math.LN2 - 0.8 },
  "min per-feature + ignorematch": { ab: 1.8, ba: 1.2 },
  "max per-feature + ignorematch": { ab: 3.8, ba: 3.2 },
};

const HAND = derived(
  "notes §10 item 1: hand-worked from the official formulas [C] (official rows) and the [S] transcriptions (per-feature rows); 1e-5 = float32 arithmetic on small integers",
);

export function claim1(r: Pick<SimilarityResults, "hand" | "handSalience">): ClaimRecord {
  const checks: Check[] = Object.entries(HAND_EXPECTED).map(([label, e]) => {
    const row = r.hand.find((h) => h.label === label);
    const err = row ? Math.max(Math.abs(row.ab - e.ab), Math.abs(row.ba - e.ba)) : Number.NaN;
    return atMost({
      label: `${label}: S(a,b) = ${fixed(e.ab, 5)}, S(b,a) = ${fixed(e.ba, 5)}, max |error|`,
      measured: err,
      bound: 1e-5,
      from: HAND,
    });
  });
  const [fa, fb] = r.handSalience;
  return claim({
    id: "1",
    statement:
      "Forward values of the contrast model on the notes' hand example, S(a,b) and S(b,a), for every reduction variant, and the saliences f(A) = 3, f(B) = 4",
    source: "notes §10 item 1 (formulas of [C] differentiable_tversky_v2.py; per-feature rows from [S] transcriptions)",
    headline: { label: "S(a,b), S(b,a) per variant", checks },
    supporting: [
      {
        label: "salience",
        checks: [
          close({ label: "f(A)", measured: fa ?? Number.NaN, expected: 3, abs: 1e-5, from: HAND }),
          close({ label: "f(B)", measured: fb ?? Number.NaN, expected: 4, abs: 1e-5, from: HAND }),
        ],
      },
    ],
  });
}

export function claim2(r: Pick<SimilarityResults, "symmetricGap" | "asymmetricGap" | "symmetry">): ClaimRecord {
  return claim({
    id: "2",
    statement: "The all-pairs matrix S(x,x) is symmetric when α = β and not when α ≠ β (Tversky's asymmetry)",
    source: "[C] tests/test_v2_equivalence.py::test_contrast_symmetric_alpha_beta; notes §1.1, §10 item 2",
    headline: {
      label: `S(x,x) for 6 random x, K = 8, ${r.symmetry.length} official pairs`,
      checks: [
        atMost({
          label: "α = β = 0.5: max |S − Sᵀ|",
          measured: r.symmetricGap,
          bound: 1e-6,
          from: derived("α = β makes S(x,y) = S(y,x) (notes §1.1); 1e-6 is the [C] test's float32 tolerance"),
        }),
        atLeast({
          label: "α = 0.8, β = 0.2: smallest max |S − Sᵀ| over pairs",
          measured: r.asymmetricGap,
          bound: 1e-3,
          strict: true,
          from: derived("α ≠ β breaks the symmetry (notes §10 item 2: 3.8 vs 3.2 on the hand example); 1e-3 ≫ float32 noise"),
        }),
      ],
    },
  });
}

export function claim3(r: Pick<SimilarityResults, "gradWorst" | "gradRows" | "indicator">): ClaimRecord {
  const [g0, g1, g2] = r.indicator.grad;
  const ind = derived("d/dx Σ step(x)·x² = 2x·step(x) when the indicator has zero gradient (notes §10 item 3)");
  return claim({
    id: "3",
    statement:
      "Autodiff gradients of S with respect to x, Π, Ω, θ, α, β agree with central differences for every reduction; the membership indicator contributes zero gradient",
    source: "notes §10 item 3 (h = 1e-3, float32, inputs ≥ 0.05 from every kink)",
    headline: {
      label: `${r.gradRows.length} configurations × 6 parameters`,
      checks: [
        atMost({
          label: "worst relative error ‖g_fd − g‖ / max(‖g‖, 0.1)",
          measured: r.gradWorst,
          bound: 1e-2,
          from: derived("notes §10 item 3: relative 1e-2; the norm floor 0.1 covers float32 difference noise ~1e-4"),
        }),
      ],
    },
    supporting: [
      {
        label: "indicator gradient at x = (−1.5, 0.3, 2)",
        checks: [
          close({ label: "x = −1.5", measured: g0 ?? Number.NaN, expected: 0, abs: 1e-6, from: ind }),
          close({ label: "x = 0.3", measured: g1 ?? Number.NaN, expected: 0.6, abs: 1e-5, from: ind }),
          close({ label: "x = 2", measured: g2 ?? Number.NaN, expected: 4, abs: 1e-5, from: ind }),
        ],
      },
    ],
  });
}

export function claim16(r: Pick<SimilarityResults, "steps" | "gmeanNan">): ClaimRecord {
  const ok = r.steps.filter((s) => s.error === null && s.finite && s.changed).length;
  const nan = derived(
    "notes §1.4: official gmean takes log of an empty intersection (log 0): finite forward, NaN gradient; eps > 0 removes it",
  );
  const failures = r.steps
    .filter((s) => !(s.error === null && s.finite && s.changed))
    .map((s) => `${s.intersection}+${s.difference}: ${s.error ?? "non-finite or no change"}`);
  return claim({
    id: "16",
    statement:
      "Backprop works through every reduction in tfjs (pre-broadcast operands for min/max), and official gmean's NaN gradient is detected, not hidden",
    source: "notes §9.10 (tf.minimum/maximum broadcast-gradient error), §1.4 (gmean log 0), §10 item 16",
    headline: {
      label: "one Adam step through a TverskyProjection per reduction pair",
      checks: [
        equals({
          label: "pairs that ran with finite gradients and changed the loss",
          measured: ok,
          expected: r.steps.length,
          from: derived("notes §9.10, §10 item 16: every reduction of the API must train"),
        }),
      ],
    },
    supporting: [
      {
        label: "official gmean with an empty intersection",
        checks: [
          equals({ label: "forward finite", measured: r.gmeanNan.forwardFinite, expected: true, from: nan }),
          equals({ label: "gradient finite (eps 0)", measured: r.gmeanNan.officialGradFinite, expected: false, from: nan }),
          equals({ label: "gradient finite (eps 1e-8)", measured: r.gmeanNan.epsGradFinite, expected: true, from: nan }),
        ],
      },
    ],
    ...(failures.length ? { note: `failures: ${failures.join("; ")}` } : {}),
  });
}

// 4-7: XOR ------------------------------------------------------------------------------------------

export function check4(r: Pick<XorResults, "linearAccuracy">): ClaimRecord {
  return sanityCheck({
    id: "4",
    statement:
      "A single linear layer cannot model XOR: a trained 2→2 linear softmax layer reaches at most 0.75 accuracy (true by construction: the plumbing of the baseline, not a reproduction)",
    source: '[A] abstract ("unlike the linear projection layer can model non-linear functions such as xor"); notes §10 item 4',
    parts: [
      {
        label: `best of ${r.linearAccuracy.length} seeds`,
        checks: [
          atMost({
            label: "max accuracy",
            measured: Math.max(...r.linearAccuracy),
            bound: 0.75,
            from: derived("no linear logit map separates XOR, so at most 3 of 4 points are correct"),
          }),
        ],
      },
    ],
  });
}

/** The notes' §5.3 logits of the deterministic test vector (weights printed to 3 decimals: ±1e-2). */
export const TEST_VECTOR_LOGITS = [
  [-34.588, -47.134],
  [-33.654, -22.157],
  [-33.657, -22.074],
  [-32.723, -44.231],
];

export function claim5(r: Pick<XorResults, "testVector" | "calibration" | "layerArgmax">): ClaimRecord {
  const sub = r.calibration.find((v) => v.key === "product+substractmatch");
  const tvErr = Math.max(...r.testVector.logits.flatMap((row, i) => row.map((v, j) => Math.abs(v - TEST_VECTOR_LOGITS[i]![j]!))));
  const tv = prototype("notes §5.3: a converged run's weights, printed to 3 decimals, and its logits");
  return claim({
    id: "5",
    statement: "A single Tversky projection layer (d = 2 → p = 2) models XOR: training finds weights that classify all 4 points",
    source: "[A] abstract; notes §5.1, §10 item 5",
    headline: {
      label: `product + substractmatch, U(0,1), the calibration's ${sub?.n ?? 0} runs`,
      checks: [
        atLeast({
          label: "runs with all 4 points correct",
          measured: sub?.converged ?? Number.NaN,
          bound: 1,
          from: paper("abstract [A]: a single Tversky projection layer can model XOR"),
        }),
      ],
    },
    supporting: [
      {
        label: "the notes' §5.3 test vector (product + ignorematch, K = 2)",
        checks: [
          atMost({ label: "max |logit − notes|", measured: tvErr, bound: 1e-2, from: tv }),
          equals({ label: "argmax", measured: r.testVector.argmax.join(","), expected: "0,1,1,0", from: tv }),
        ],
      },
      {
        label: "a TverskyProjection layer loaded with a solved run's weights",
        checks: [
          equals({
            label: "argmax at the 4 points",
            measured: r.layerArgmax ? r.layerArgmax.join(",") : "no converged run",
            expected: "0,1,1,0",
            from: derived("the layer and the batched trainer compute the same function"),
          }),
        ],
      },
    ],
  });
}

/** The notes' §5.3 calibration at lr 0.01: converged of 120 (20 seeds × 6 K), keyed like CALIBRATION_VARIANTS. */
export const CALIBRATION_NOTES: Record<string, { converged: number; runs: number }> = {
  "product+ignorematch": { converged: 15, runs: 120 },
  "product+substractmatch": { converged: 87, runs: 120 },
  "product+ignorematch N": { converged: 18, runs: 120 },
  "product+substractmatch N": { converged: 35, runs: 120 },
  "product+substractmatch_pf": { converged: 116, runs: 120 },
  "product+substractmatch_pf_plus": { converged: 98, runs: 120 },
  "mean+substractmatch": { converged: 106, runs: 120 },
  "min+ignorematch": { converged: 51, runs: 120 },
  "min_pf+ignorematch": { converged: 87, runs: 120 },
  "max+ignorematch": { converged: 107, runs: 120 },
  "max_pf+ignorematch": { converged: 110, runs: 120 },
  "min+substractmatch": { converged: 0, runs: 120 },
};

const MAX_ROWS = ["max+ignorematch", "max_pf+ignorematch"];

function calibrationCheck(v: CalibrationVariant | undefined, key: string): Check {
  const notes = CALIBRATION_NOTES[key]!;
  const rate = notes.converged / notes.runs;
  if (!v) return equals({ label: `${key}: not run`, measured: "missing", expected: fixed(rate), from: prototype("notes §5.3") });
  return proportion({
    label: v.label,
    successes: v.converged,
    trials: v.n,
    expected: rate,
    compare: "equal",
    level: TWO_SAMPLE_LEVEL,
    from: prototype(`notes §5.3 [L]: ${notes.converged}/${notes.runs} at lr 0.01, 1,000 steps`),
  });
}

export function claim5c(r: Pick<XorResults, "calibration">): ClaimRecord {
  const find = (k: string) => r.calibration.find((v) => v.key === k);
  const others = Object.keys(CALIBRATION_NOTES).filter((k) => k !== "product+substractmatch" && !MAX_ROWS.includes(k));
  return claim({
    id: "5c",
    statement:
      "The notes' XOR calibration (§5.3: Adam lr 0.01, 1,000 full-batch steps, 20 seeds × K ∈ {1,…,32}, no normalisation) reproduces, row by row",
    source: "notes §5.3 [L] (our own prototype runs, not the paper's numbers)",
    headline: {
      label: "the reference row: product + official substractmatch, U(0,1)",
      checks: [calibrationCheck(find("product+substractmatch"), "product+substractmatch")],
    },
    supporting: [{ label: "the other rows (max rows: claim 5m)", checks: others.map((k) => calibrationCheck(find(k), k)) }],
    note: "likely reason where product + substractmatch_pf fails (0/120 vs the notes' 116/120): without the ignorematch term the input [0, 0] has logits exactly 0 for both prototypes, a tie that our strict 4/4 criterion counts as wrong; the prototype probably broke ties towards class 0, which is [0, 0]'s label (notes §14)",
  });
}

export function claim5m(r: Pick<XorResults, "calibration">): ClaimRecord {
  const find = (k: string) => r.calibration.find((v) => v.key === k);
  return claim({
    id: "5m",
    statement:
      "The notes' max-reduction calibration rows: max (official aggregate) + ignorematch 0.89 and max (per-feature) + ignorematch 0.92 of 120 runs",
    source: "notes §5.3 [L] (our own prototype runs, not the paper's numbers)",
    headline: { label: "max rows, U(0,1)", checks: MAX_ROWS.map((k) => calibrationCheck(find(k), k)) },
    note: "the library's max forward is checked against the hand example and a float64 reference, and its gradient against central differences (claims 1, 3); the prototype code behind these two notes rows is not in the repository, so a discrepancy here points at that prototype, not at a tolerance",
  });
}

/** Rate and binomial SE of k of n. */
const rate = (k: number, n: number) => ({ p: k / n, se: Math.sqrt(((k / n) * (1 - k / n)) / n) });

/** larger > smaller by more than 1.96 SE of the difference (binomial SEs in quadrature). */
function significantOrder(
  label: string,
  larger: { name: string; converged: number; n: number },
  smaller: { name: string; converged: number; n: number },
  from: ReturnType<typeof paper>,
): Check {
  const a = rate(larger.converged, larger.n),
    b = rate(smaller.converged, smaller.n);
  return ordered({
    label,
    larger: { name: larger.name, value: a.p, se: a.se },
    smaller: { name: smaller.name, value: b.p, se: b.se },
    margin: 1.96 * Math.hypot(a.se, b.se),
    from,
  });
}

export function claim5g(r: { rows: readonly GridRow[]; gmeanEps?: readonly GridRow[] }): ClaimRecord {
  const checks = XOR_CONVERGENCE.map((t) => {
    const row = r.rows.find((x) => x.intersection === t.intersection && x.difference === t.difference);
    const label = `${t.intersection} + ${t.difference}`;
    if (!row) return equals({ label: `${label}: not run`, measured: "missing", expected: fixed(t.p.value, 2), from: paper(t.p.where) });
    return proportion({
      label,
      successes: row.converged,
      trials: row.n,
      expected: t.p.value,
      compare: "equal",
      level: TWO_SAMPLE_LEVEL,
      from: paper(t.p.where),
    });
  });
  const untranscribed = r.rows.filter(
    (x) => !XOR_CONVERGENCE.some((t) => t.intersection === x.intersection && t.difference === x.difference),
  );
  const eps = (r.gmeanEps ?? []).map((x) => `${x.difference} ${fixed(x.p)}`).join(", ");
  return claim({
    id: "5g",
    statement:
      "The appendix XOR grid (6 intersections × 2 differences × normalize × 6 K × 3 × 3 inits × 9 runs): convergence probability per reduction pair equals the paper's",
    source:
      "[S] verskyt transcription of the appendix table (notes §5.2); the paper's optimizer, lr, epochs and criterion are [NF], ours: Adam 0.01, 1,000 full-batch steps, 4/4 correct",
    headline: { label: "each transcribed row", checks },
    note: [
      `not transcribed (no paper value): ${untranscribed.map((x) => `${x.intersection}+${x.difference} ${fixed(x.p)}`).join(", ") || "none"}`,
      eps ? `gmean with eps 1e-8 inside the logs (not the official code): ${eps}` : "",
      "likely reason for failing rows: the paper's optimizer, learning rate, epochs and convergence criterion are not reported, ours are Adam 0.01, 1,000 full-batch steps and 4/4 correct, so absolute rates can differ where the orderings (claim 6) agree",
    ]
      .filter(Boolean)
      .join("; "),
  });
}

export function claim6(r: { rows: readonly GridRow[]; marginals: GridMarginals; calibration: readonly CalibrationVariant[] }): ClaimRecord {
  const m = r.marginals;
  const lvl = <L>(xs: readonly { level: L; converged: number; n: number }[], level: L, name: string) => {
    const x = xs.find((y) => y.level === level);
    return { name, converged: x?.converged ?? 0, n: x?.n ?? 0 };
  };
  const S = paper("[S] verskyt spec of the appendix (notes §5.2): directions only");
  const gmean = r.rows.filter((x) => x.intersection === "gmean");
  const nonGmean = r.rows.filter((x) => x.intersection !== "gmean");
  const best = nonGmean.slice().sort((a, b) => b.p - a.p)[0];
  const cal = (k: string) => {
    const v = r.calibration.find((c) => c.key === k);
    return { name: v?.label ?? k, converged: v?.converged ?? 0, n: v?.n ?? 0 };
  };
  const L = prototype("notes §5.3 [L]: 0.73 vs 0.13, 0.73 vs 0.29 at lr 0.01");
  return claim({
    id: "6",
    statement:
      "Orderings of XOR convergence over the grid: substractmatch > ignorematch, uniform init > normal init, no normalisation > normalisation, gmean never converges (numerical failure), product + substractmatch is the best pair",
    source: "[S] verskyt spec (directions); notes §5.2, §10 item 6",
    headline: {
      label: "the appendix grid (orders significant at 1.96 SE of the difference)",
      checks: [
        significantOrder(
          "substractmatch > ignorematch (gmean excluded)",
          lvl(m.differenceNoGmean, "substractmatch", "substractmatch"),
          lvl(m.differenceNoGmean, "ignorematch", "ignorematch"),
          S,
        ),
        significantOrder(
          "uniform > normal, prototype init",
          lvl(m.protoInit, "uniform", "uniform"),
          lvl(m.protoInit, "normal", "normal"),
          S,
        ),
        significantOrder(
          "uniform > normal, feature init",
          lvl(m.featureInit, "uniform", "uniform"),
          lvl(m.featureInit, "normal", "normal"),
          S,
        ),
        significantOrder("normalize off > on", lvl(m.normalize, false, "off"), lvl(m.normalize, true, "on"), S),
        equals({ label: "gmean runs converged", measured: gmean.reduce((s, x) => s + x.converged, 0), expected: 0, from: S }),
        equals({
          label: "best pair",
          measured: best ? `${best.intersection}+${best.difference}` : "none",
          expected: "product+substractmatch",
          from: S,
        }),
      ],
    },
    supporting: [
      {
        label: "calibration (120 runs per row)",
        checks: [
          significantOrder("product: substractmatch > ignorematch, U(0,1)", cal("product+substractmatch"), cal("product+ignorematch"), L),
          significantOrder("substractmatch: U(0,1) > N(0,1)", cal("product+substractmatch"), cal("product+substractmatch N"), L),
        ],
      },
      {
        label: "gmean's failure is the NaN gradient",
        checks: [
          equals({
            label: "gmean runs that went NaN",
            measured: gmean.reduce((s, x) => s + x.nonFinite, 0),
            expected: gmean.reduce((s, x) => s + x.n, 0),
            from: derived("notes §1.4: the input [0, 0] shares no feature, log 0 from the first step"),
          }),
        ],
      },
    ],
  });
}

export function claim7(r: { calibration: readonly CalibrationVariant[]; marginals: GridMarginals }): ClaimRecord {
  const sub = r.calibration.find((v) => v.key === "product+substractmatch");
  const k1 = sub?.byK.find((b) => b.K === 1);
  const g1 = r.marginals.KNoGmean.find((x) => x.level === 1);
  const S = paper('[S] verskyt spec: "XOR is solvable even with K = 1"');
  return claim({
    id: "7",
    statement: "XOR is solvable with K = 1 feature for some seeds",
    source: "[S] verskyt spec; notes §5.3 ([L] 9/20), §10 item 7",
    headline: {
      label: `product + substractmatch, U(0,1), ${k1?.n ?? 0} seeds at K = 1`,
      checks: [atLeast({ label: "converged runs", measured: k1?.converged ?? Number.NaN, bound: 1, from: S })],
    },
    supporting: [
      {
        label: "the appendix grid at K = 1 (gmean excluded)",
        checks: [atLeast({ label: `converged of ${g1?.n ?? 0}`, measured: g1?.converged ?? Number.NaN, bound: 1, from: S })],
      },
    ],
  });
}

// 8, 15: parameter counts -----------------------------------------------------------------------------

const count = (counts: readonly CountRow[], key: string) => counts.find((c) => c.key === key)?.value ?? Number.NaN;

export function claim8(r: { counts: readonly CountRow[] }): ClaimRecord {
  const f = derived("notes §2 and §10 item 8: linear p·d + p, Tversky p·d + K·d + 3, worked by hand for d = 64, p = 10");
  return claim({
    id: "8",
    statement:
      "Parameter counts: linear p·d + p, Tversky p·d + K·d + 3; the official MNIST network (conv encoder + Tversky head) has 10,935",
    source: "notes §2 (derived from [C]); [C] tests/outputs/mnist/report.md",
    headline: {
      label: "the official MNIST network built in tfjs",
      checks: [
        equals({
          label: "countParams",
          measured: count(r.counts, "mnist-net"),
          expected: OFFICIAL_MNIST_PARAMS.value,
          from: paper(OFFICIAL_MNIST_PARAMS.where),
        }),
      ],
    },
    supporting: [
      {
        label: "formulas against hand counts",
        checks: [
          equals({ label: "linear 64→10", measured: count(r.counts, "linear-64-10"), expected: 650, from: f }),
          equals({ label: "Tversky 64→10, K=1", measured: count(r.counts, "tversky-64-10-K1"), expected: 707, from: f }),
          equals({ label: "Tversky 64→10, K=16", measured: count(r.counts, "tversky-64-10-K16"), expected: 1667, from: f }),
          equals({ label: "Tversky 64→10, K=64", measured: count(r.counts, "tversky-64-10-K64"), expected: 4739, from: f }),
        ],
      },
    ],
  });
}

export function claim15(r: { counts: readonly CountRow[]; sharing: { d: number; K: number } }): ClaimRecord {
  const { d, K } = r.sharing;
  const f = derived("notes §2, §10 item 15: a shared bank is counted once, so sharing saves exactly K·d");
  return claim({
    id: "15",
    statement:
      "Sharing one feature bank across layers saves parameters: two d→d projections sharing a bank have 2(d² + 3) + K·d, exactly K·d fewer than with separate banks",
    source: "notes §2, §7 (the paper's GPT-2 'Tversky-All' shares one bank), §10 item 15",
    headline: {
      label: `two Tversky ${d}→${d} layers, K = ${K}, counted by tfjs`,
      checks: [
        equals({ label: "separate − shared", measured: count(r.counts, "separate") - count(r.counts, "shared"), expected: K * d, from: f }),
        equals({ label: "shared", measured: count(r.counts, "shared"), expected: 2 * (d * d + 3) + K * d, from: f }),
      ],
    },
    supporting: [
      {
        label: "the linear counterpart",
        checks: [
          equals({
            label: `2 dense ${d}→${d}`,
            measured: count(r.counts, "linear-2x64"),
            expected: 2 * (d * d + d),
            from: derived("notes §10 item 15: 2·(d·d + d)"),
          }),
        ],
      },
    ],
  });
}

export function check15gpt2(gpt: typeof GPT2 = GPT2): ClaimRecord {
  const V = gpt.vocab.value,
    dm = gpt.width.value;
  return sanityCheck({
    id: "15-gpt2",
    statement:
      "Tying LM-head prototypes to the token embeddings removes V·d parameters: exactly the gap between the transcribed GPT-2 counts 163.04M and 124.44M (arithmetic on transcribed numbers, not a reproduction)",
    source: "notes §7 ([S] paper note, LM table)",
    parts: [
      {
        label: "GPT-2 small",
        checks: [
          equals({
            label: "untied − tied",
            measured: gpt.untied.value - gpt.tied.value,
            expected: V * dm,
            from: paper(`${gpt.untied.where}; ${gpt.tied.where}; V = ${V}, d = ${dm}`),
          }),
        ],
      },
    ],
  });
}

// 9-14: digits ----------------------------------------------------------------------------------------

const accDiff = (
  label: string,
  a: HeadResult,
  b: HeadResult,
  names: [string, string],
  expect: "greater" | "equivalent",
  margin: number,
  from: ReturnType<typeof paper>,
): Check => pairedDifference({ label, a: a.acc, b: b.acc, names, expect, margin, from });

export function claim9(r: Pick<DigitsResults, "raw">): ClaimRecord {
  return claim({
    id: "9",
    statement: "Digits 8×8, raw pixels: a Tversky head (K = 16, zero-centred init) matches a linear head in test accuracy",
    source: "notes §6.3 [L] (0.964 vs 0.974), §10 item 9 (the notes' calibration, not a paper number)",
    headline: {
      label: `${r.raw.linear.acc.length} paired seeds`,
      checks: [
        accDiff(
          "accuracy, Tversky − linear",
          r.raw.tversky,
          r.raw.linear,
          ["Tversky", "linear"],
          "equivalent",
          0.02,
          prototype("notes §10 item 9: 'matches' = within 2 pp"),
        ),
      ],
    },
    note: `Tversky ${fixed(mean(r.raw.tversky.acc))} vs linear ${fixed(mean(r.raw.linear.acc))}`,
  });
}

export function claim10(r: Pick<DigitsResults, "mechanism" | "raw">): ClaimRecord {
  const m = r.mechanism;
  const mech = derived("notes §4: with U(0,1) Π and Ω every Π·f > 0, so D(x,Π) is empty and α's gradient is exactly 0");
  return claim({
    id: "10",
    statement:
      "Official U(0,1) init on non-negative inputs: every Π_i·f_k > 0, so D(x,Π) ≡ 0, α gets exactly zero gradient and stays at 0.5 (the accuracy drop is reported, not asserted)",
    source: "notes §4, §6.3 [L]; [C] training.png (α flat at 0.5 in the official MNIST run); notes §10 item 10",
    headline: {
      label: `${m.minDotInit.length} seeds, U(0,1) head on raw pixels`,
      checks: [
        atLeast({
          label: "min over seeds of min_i,k Π_i·f_k at init",
          measured: Math.min(...m.minDotInit),
          bound: 0,
          strict: true,
          from: mech,
        }),
        equals({
          label: "max over seeds of |dL/dα| at init (full training set)",
          measured: Math.max(...m.alphaGradInit.map(Math.abs)),
          expected: 0,
          from: mech,
        }),
        atMost({
          label: "max over seeds of |α − 0.5| after training",
          measured: Math.max(...m.alphaAfter.map((a) => Math.abs(a - 0.5))),
          bound: 1e-7,
          from: mech,
        }),
      ],
    },
    supporting: [
      {
        label: "contrast: the zero-centred init lets α move",
        checks: [
          atLeast({
            label: "min over seeds of |α − 0.5| after training",
            measured: Math.min(...m.alphaAfterSymmetric.map((a) => Math.abs(a - 0.5))),
            bound: 1e-3,
            strict: true,
            from: derived("with signed Π·f the difference term is non-empty and α has a gradient (notes §4)"),
          }),
        ],
      },
    ],
    note: `accuracy U(0,1) ${fixed(mean(r.raw.tverskyU01.acc))} vs zero-centred ${fixed(mean(r.raw.tversky.acc))} vs linear ${fixed(mean(r.raw.linear.acc))} ([L]: 0.828 vs 0.964 vs 0.974)`,
  });
}

export function claim11(r: Pick<DigitsResults, "frozen">): ClaimRecord {
  const f = r.frozen;
  const winsMlp = f.tversky.acc.filter((a, i) => a > f.mlp.acc[i]!).length;
  return claim({
    id: "11",
    statement:
      "On a frozen (weak) encoder, a Tversky head beats a linear head: analogue of the NABirds frozen ResNet-50 adapter claim (+24.7% relative; direction only)",
    source: "[A] abstract (NABirds +24.7%); analogue notes §6.3 [L] (0.817 vs 0.764, 5/5), §10 item 11",
    headline: {
      label: `frozen random ReLU encoder 64→16, ${f.linear.acc.length} paired seeds`,
      checks: [
        accDiff(
          "accuracy, Tversky K=64 − linear",
          f.tversky,
          f.linear,
          ["Tversky", "linear"],
          "greater",
          0,
          paper("abstract [A]: a Tversky adapter on a frozen ResNet-50 beats the linear adapter (direction)"),
        ),
      ],
    },
    note: `Tversky ${fixed(mean(f.tversky.acc))} (${f.tversky.params.trainable} trainable) vs linear ${fixed(mean(f.linear.acc))} (${f.linear.params.trainable}) vs parameter-matched MLP head ${fixed(mean(f.mlp.acc))} (${f.mlp.params.trainable}); Tversky beats the MLP head on ${winsMlp}/${f.tversky.acc.length} seeds: the gain over linear is not shown to be specific to Tversky similarity`,
  });
}

export function claim12(r: Pick<DigitsResults, "mlp">): ClaimRecord {
  const m = r.mlp;
  const from = prototype(
    "notes §10 item 12: 'small' = within ±1.5 pp (the paper's end-to-end gains, [S]: +0.59 pp NABirds fine-tune, +0.02 pp MNIST scratch)",
  );
  return claim({
    id: "12",
    statement: "End to end (encoder trained), a Tversky head is within a small margin of a linear head",
    source: "[S] paper note (NABirds fine-tune +0.59 pp, MNIST scratch +0.02 pp); notes §10 item 12 ([L] +0.6 / −0.5 pp)",
    headline: {
      label: `MLP encoder 64→32, Tversky K=32 ignorematch (the official default), ${m.linear.acc.length} paired seeds`,
      checks: [accDiff("accuracy, Tversky − linear", m.ignorematch, m.linear, ["Tversky", "linear"], "equivalent", 0.015, from)],
    },
    supporting: [
      {
        label: "the same with substractmatch",
        checks: [
          accDiff(
            "accuracy, Tversky substractmatch − linear",
            m.substractmatch,
            m.linear,
            ["Tversky", "linear"],
            "equivalent",
            0.015,
            from,
          ),
        ],
      },
    ],
  });
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);

function partialAboveZero(label: string, s: SalienceStats, from: ReturnType<typeof paper>): Check {
  return pairedDifference({
    label,
    a: s.partial,
    b: s.partial.map(() => 0),
    names: ["partial ρ(salience, margin | ‖enc‖)", "0"],
    expect: "greater",
    margin: 0,
    from,
  });
}

export function claim13(r: Pick<DigitsResults, "salience">): ClaimRecord {
  const from = paper("[S] verskyt plan: 'salience correlates with goodness of form'; [C] salience.png (qualitative)");
  const s = r.salience;
  const show = (x: SalienceStats) =>
    `ρ(salience, margin) ${fixed(mean(x.salienceMargin))}, ρ(‖enc‖, margin) ${fixed(mean(x.normMargin))}, ρ(salience, ‖enc‖) ${fixed(mean(x.salienceNorm))}, partial ${fixed(mean(x.partial))}`;
  return claim({
    id: "13",
    statement:
      "Salience f(A) tracks goodness of form beyond the size of the features: the rank correlation of salience with the true-class margin, given ‖enc(x)‖, is positive",
    source: "[S] verskyt plan; [C] salience.png; numeric proxy from notes §10 item 13 with the ‖enc(x)‖ baseline (issue 10)",
    headline: {
      label: `MLP encoder + Tversky K=32, ${s.mlp.partial.length} seeds`,
      checks: [partialAboveZero("partial Spearman > 0 (t-interval over seeds)", s.mlp, from)],
    },
    supporting: [
      {
        label: `raw pixels + Tversky K=16 (enc(x) = x), ${s.raw.partial.length} seeds`,
        checks: [partialAboveZero("partial Spearman > 0 (t-interval over seeds)", s.raw, from)],
      },
    ],
    note: `means over seeds: MLP head ${show(s.mlp)}; raw-pixel head ${show(s.raw)}`,
  });
}

const alphaAboveBeta = (s: readonly { alpha: number; beta: number }[]) => s.filter((x) => x.alpha > x.beta).length;

export function claim14(r: Pick<DigitsResults, "mlp" | "frozen" | "raw">): ClaimRecord {
  const from = paper(
    "[S] CoffeeVampir3 README: 'the tversky alpha learned to be > beta'; web digest: salience hypothesis confirmed; ≥ 80% of runs is our reading of 'learned to be'",
  );
  const part = (label: string, s: readonly { alpha: number; beta: number }[]) =>
    proportion({ label, successes: alphaAboveBeta(s), trials: s.length, expected: 0.8, compare: "atLeast", from });
  const ign = r.mlp.ignorematch.scalars ?? [],
    sub = r.mlp.substractmatch.scalars ?? [];
  const pooled = [...ign, ...(r.frozen.tversky.scalars ?? []), ...(r.raw.tversky.scalars ?? [])];
  const n = ign.length;
  return claim({
    id: "14",
    statement: "Tversky's salience hypothesis in the learned weights: α > β after training",
    source: "[S] CoffeeVampir3 README, web digest; notes §8 ([L] ignorematch 19/19, substractmatch β > α 10/11), §10 item 14",
    headline: { label: `MLP encoder, ignorematch (the official default), ${n} seeds`, checks: [part("seeds with α > β", ign)] },
    supporting: [
      { label: `MLP encoder, substractmatch, ${sub.length} seeds`, checks: [part("seeds with α > β", sub)] },
      {
        label: `ignorematch, every zero-centred digits run (raw, frozen, MLP encoder), ${pooled.length} runs`,
        checks: [part("runs with α > β", pooled)],
      },
    ],
    note: `${powerNote(n)}; α − β (MLP, ignorematch): ${ign.map((x) => (x.alpha - x.beta).toFixed(2)).join(", ")}; substractmatch: ${sub.map((x) => (x.alpha - x.beta).toFixed(2)).join(", ")}`,
  });
}

/**
 * What n seeds can resolve about "α > β in ≥ 80% of runs": "atLeast" fails only when the 95% Wilson
 * interval lies wholly below 0.8, so it can reject the claim, never confirm it; confirming needs
 * the interval's lower end ≥ 0.8, n/(n + z²) ≥ 0.8 with every run α > β, i.e. n ≥ 16.
 */
export function powerNote(n: number): string {
  let worst = -1;
  for (let k = 0; k <= n; k++)
    if (!proportion({ label: "k", successes: k, trials: n, expected: 0.8, compare: "atLeast", from: derived("power") }).pass) worst = k;
  return `with ${n} seeds the test fails only at ≤ ${worst}/${n} runs with α > β: it can reject "α > β in most runs" but cannot confirm a rate ≥ 0.8 (that needs ≥ 16 runs, all with α > β)`;
}

// 17: Fashion-MNIST -----------------------------------------------------------------------------------

export function claim17(r: FashionResults): ClaimRecord {
  return claim({
    id: "17",
    statement: "Trained from scratch, a Tversky head is at parity with a linear head (Fashion-MNIST analogue of the paper's MNIST row)",
    source: "[S] paper note (ICLR version): MNIST, ResNet-50 from scratch, 99.54 ± 0.04 vs 99.56 ± 0.06; analogue derived here",
    headline: {
      label: `dense encoder 784→64→36 trained with each head, ${r.linear.acc.length} paired seeds`,
      checks: [
        accDiff(
          "accuracy, Tversky − linear",
          r.tversky,
          r.linear,
          ["Tversky", "linear"],
          "equivalent",
          0.01,
          paper(
            "[S] paper note: parity (99.54 vs 99.56) on MNIST; margin ±1 pp chosen here: the seed sd at ~85% accuracy is ~0.5 pp, and 1 pp is about the smallest band 10 paired seeds resolve",
          ),
        ),
      ],
    },
    note: `Tversky ${fixed(mean(r.tversky.acc), 4)} (${r.tversky.params.total} params) vs linear ${fixed(mean(r.linear.acc), 4)} (${r.linear.params.total})`,
  });
}
