/**
 * The claims of the icl-by-gd study (von Oswald et al., ICML 2023): one function per claim, from an
 * experiment's result to a ClaimRecord. Every expected value, tolerance and provenance lives here;
 * test/studies/icl-by-gd/claims.test.ts gives each a passing and a failing fixture.
 *
 * Tolerances: docs/notes/icl-by-gd.md "Tolerances", fixed before the full run. They are the notes'
 * table (§4b: ±1.5% for η* and the GD loss, 2% for TF ≈ GD, cos > 0.99, preds diff < 0.05, model diff
 * < 0.1, ±10% for the OOD ratio, ±3% and ±20% for GD++); the qualitative rows (V6, V8, V9) get the
 * stated criteria below. Measurements carry standard errors where they have them, so a tolerance the
 * noise cannot resolve is flagged.
 */
import {
  atLeast,
  atMost,
  claim,
  close,
  derived,
  inInterval,
  monotone,
  ordered,
  paper,
  prototype,
  sanityCheck,
  type Check,
  type ClaimRecord,
} from "../../core/claims";
import type { ConstructionRow, EtaResult } from "./experiments/line-search";
import type { AlignRow } from "./experiments/align";
import type { OodRow } from "./experiments/ood";
import type { DampCurve } from "./experiments/damp";
import type { DepthResult, GammaRow } from "./experiments/depth";
import type { VariantRow } from "./experiments/variants";

// ---------------------------------------------------------------------------------------------
// Tolerances, each stated once (docs/notes/icl-by-gd.md)

/** V1: float64 rounding over a few steps (the construction and the explicit algorithm sum in different orders). */
export const TOL_EXACT = 1e-12;
/** V2: the notes' ±1.5% for η* and ½MSE (10⁴ tasks: SE of ½MSE ≈ 0.7%). */
export const TOL_ETA = 0.015;
/** V3/V4: loss within 2% of GD; the three alignment bounds of the notes' table. */
export const TOL_LOSS = 0.02;
export const COS_MIN = 0.99;
export const PREDS_DIFF_MAX = 0.05;
export const MODEL_DIFF_MAX = 0.1;
/** V5: loss(TF)/loss(GD) within ±10% at every α. */
export const TOL_OOD = 0.1;
/** V5 "both blow up": the loss at the largest input range at least this many times the in-distribution loss. */
export const BLOWUP = 5;
/** V7: loss(TF) within 3% of GD++; γ within 20% of the paper's. */
export const TOL_GDPP = 0.03;
export const TOL_GAMMA = 0.2;
/** V8/V9: "matches GD" for the variants: loss within 5%, cos above 0.99; "falls short": loss above GD by more than 5%. */
export const TOL_VARIANT = 0.05;

const CODE = "official code (transformers_learn_icl_by_gd, commit f10e763)";
const UNIFORM_ETA = derived("notes §1.2: η* = N s/(μ₄ + (d+N−2)s²), ½MSE = ½ s d (1 − s η*), s = h²/3, μ₄ = h⁴/5 (x ~ U(−h, h))");
const FIG2 = paper(
  "§3, Fig. 2: the trained single LSA layer's loss and its alignment metrics converge to those of GD with the line-searched η",
);
const SCALES = prototype(
  "notes §4b V3 (numpy run: preds diff 0.0049, model diff 0.021, cos 0.99995; scales mean|ŷ_GD| 0.49, mean‖∂ŷ_GD‖ 2.09)",
);

// ---------------------------------------------------------------------------------------------
// V1: the constructions are GD and GD++ (a check of our layer code)

export function checkV1(rows: ConstructionRow[]): ClaimRecord {
  return sanityCheck({
    id: "V1",
    statement:
      "The LSA weights of Prop. 1 (one layer, K recurrent layers) and of A.10 (GD++) compute exactly K steps of GD / GD++ (true by construction: this checks the attention-stack code)",
    source: "von Oswald et al. Prop. 1 (A.1), A.10; notes §4b V1",
    parts: [
      {
        label: `float64, max |ŷ_construction − ŷ_explicit| / max |ŷ| ≤ ${TOL_EXACT}`,
        checks: rows.map((r) =>
          atMost({
            label: `${r.what} (K = ${r.steps}, η = ${r.eta}, γ = ${r.gamma})`,
            measured: r.maxRelErr,
            bound: TOL_EXACT,
            from: derived("exact identity; float64 rounding only"),
          }),
        ),
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// V2: the line-searched GD step on the code's data

export function claimV2(r: EtaResult, paperText?: EtaResult): ClaimRecord {
  const supporting = [
    {
      label: "the code's hard-coded GD loss and the zero predictor",
      checks: [
        close({
          label: "½MSE(GD) vs the code's constant 0.20468888 (normal_token_construct.ipynb)",
          measured: r.loss,
          expected: 0.20468888,
          rel: TOL_ETA,
          se: r.lossSe,
          from: paper(CODE),
        }),
        close({
          label: "½MSE of predicting 0 = ½·d·h²/3",
          measured: r.zeroLoss,
          expected: (0.5 * r.d * (r.inputRange / 2) ** 2) / 3,
          rel: TOL_ETA,
          from: UNIFORM_ETA,
        }),
      ],
    },
  ];
  if (paperText) {
    const th = paperText;
    supporting.push({
      label: "pitfall 3: with the paper text's U(−1, 1) the numbers change (η* = 1.5152, ½MSE = 0.8249)",
      checks: [
        close({ label: "η (U(−1, 1), refined)", measured: th.etaRefined, expected: th.etaTheory, rel: TOL_ETA, from: UNIFORM_ETA }),
        close({ label: "½MSE (U(−1, 1))", measured: th.loss, expected: th.lossTheory, rel: TOL_ETA, se: th.lossSe, from: UNIFORM_ETA }),
      ],
    });
  }
  return claim({
    id: "V2",
    statement:
      "One GD step with the line-searched η on the code's data (x ~ U(−0.5, 0.5), d = N = 10, w ~ N(0, I)) reaches ½MSE ≈ 0.206, half the zero predictor's",
    source: "von Oswald et al. §3 (GD baseline, line search over 10⁴ tasks), Fig. 2; notes §4b V2",
    headline: {
      label: `line search over the code's grid arange(0.001, 25, 0.1) on ${r.tasks} tasks`,
      checks: [
        close({
          label: "η (refined around the grid's best)",
          measured: r.etaRefined,
          expected: r.etaTheory,
          rel: TOL_ETA,
          from: UNIFORM_ETA,
        }),
        close({ label: "½MSE at the grid's η", measured: r.loss, expected: r.lossTheory, rel: TOL_ETA, se: r.lossSe, from: UNIFORM_ETA }),
      ],
    },
    supporting,
    note: `the code prints η/N: ${(r.eta / r.n).toFixed(4)} at the grid's best η = ${r.eta.toFixed(3)}`,
  });
}

// ---------------------------------------------------------------------------------------------
// V3: the trained layer is one GD step

function alignChecks(r: AlignRow | VariantRow, label: string, from = FIG2): Check[] {
  return [
    close({
      label: `${label}: ½MSE(TF) vs ½MSE(GD)`,
      measured: r.lossTF,
      expected: r.lossGD,
      rel: TOL_LOSS,
      se: "diffSe" in r ? r.diffSe : r.lossTFSe,
      from,
    }),
    atLeast({ label: `${label}: model cos`, measured: r.align.modelCos, bound: COS_MIN, se: r.align.se.modelCos, from }),
    atMost({ label: `${label}: preds diff`, measured: r.align.predsDiff, bound: PREDS_DIFF_MAX, se: r.align.se.predsDiff, from }),
    atMost({ label: `${label}: model diff`, measured: r.align.modelDiff, bound: MODEL_DIFF_MAX, se: r.align.se.modelDiff, from }),
  ];
}

export function claimV3(rows: AlignRow[]): ClaimRecord {
  return claim({
    id: "V3",
    statement:
      "A single linear self-attention layer trained on in-context regression implements one step of GD: its loss matches GD's with the line-searched η, and its predictions and its sensitivity ∂ŷ/∂x_q align with GD's (cos → 1, preds diff and model diff → 0)",
    source: "von Oswald et al. §3, Fig. 2; notes §4b V3",
    headline: {
      label: `every seed on fresh tasks: loss within ${100 * TOL_LOSS}% of GD, cos ≥ ${COS_MIN}, preds diff ≤ ${PREDS_DIFF_MAX}, model diff ≤ ${MODEL_DIFF_MAX}`,
      checks: rows.flatMap((r) => alignChecks(r, `seed ${r.seed}`)),
    },
    supporting: [
      {
        label: "the metrics are small against their scales (notes: mean|ŷ_GD| ≈ 0.49, mean‖∂ŷ_GD/∂x_q‖ ≈ 2.09)",
        checks: rows.flatMap((r) => [
          close({ label: `seed ${r.seed}: mean |ŷ_GD|`, measured: r.meanAbsGD, expected: 0.49, rel: 0.05, from: SCALES }),
          close({ label: `seed ${r.seed}: mean ‖∂ŷ_GD/∂x_q‖`, measured: r.meanGradNormGD, expected: 2.09, rel: 0.05, from: SCALES }),
        ]),
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// V4: interpolation

export function claimV4(rows: AlignRow[]): ClaimRecord {
  return claim({
    id: "V4",
    statement: "Averaging the trained layer (rescaled by β, the mean of its W_KQ diagonal) with the GD construction keeps GD's loss",
    source: "von Oswald et al. A.3, Fig. 2 (interpolated weights); notes §4b V4",
    headline: {
      label: `½MSE(θ_I) within ${100 * TOL_LOSS}% of ½MSE(GD), every seed`,
      checks: rows.map((r) =>
        close({
          label: `seed ${r.seed} (β = ${r.beta.toFixed(3)})`,
          measured: r.lossInterp,
          expected: r.lossGD,
          rel: TOL_LOSS,
          from: paper("A.3: the interpolated model performs as well as GD and the trained model"),
        }),
      ),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// V5: out of distribution

export function claimV5(rows: OodRow[]): ClaimRecord {
  const from = paper(
    "A.2, Fig. 9: the trained layer and GD degrade identically on unseen input ranges, teacher scales and input distributions",
  );
  const ratios = (kind: OodRow["kind"]) =>
    rows
      .filter((r) => r.kind === kind)
      .map((r) => inInterval({ label: `${kind} α = ${r.alpha}`, measured: r.ratio, lo: 1 - TOL_OOD, hi: 1 + TOL_OOD, from }));
  const input = rows.filter((r) => r.kind === "input range");
  const at1 = input.find((r) => r.alpha === 1);
  const top = input[input.length - 1];
  const blow: Check[] =
    at1 && top
      ? [
          atLeast({ label: `TF: loss(α = ${top.alpha}) / loss(α = 1)`, measured: top.lossTF / at1.lossTF, bound: BLOWUP, from }),
          atLeast({ label: `GD: loss(α = ${top.alpha}) / loss(α = 1)`, measured: top.lossGD / at1.lossGD, bound: BLOWUP, from }),
        ]
      : [];
  return claim({
    id: "V5",
    statement:
      "Out of the training distribution the trained layer and GD (η from training) have the same loss: loss(TF)/loss(GD) ≈ 1 over input ranges α ∈ [0.5, 2] and teacher scales α ∈ [0.5, 5]",
    source: "von Oswald et al. A.2, Fig. 9; notes §4b V5",
    headline: {
      label: `loss(TF)/loss(GD) within ±${100 * TOL_OOD}% at every α`,
      checks: [...ratios("input range"), ...ratios("teacher scale")],
    },
    supporting: [
      {
        label: `unseen input distributions (exponential / normal / Laplace, code's create_ood_data): ratio within ±${100 * TOL_OOD}%`,
        checks: ratios("unseen distributions"),
      },
      ...(blow.length
        ? [{ label: `both blow up: loss at the largest input range ≥ ${BLOWUP}× the in-distribution loss`, checks: blow }]
        : []),
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// V6: dampened repetition

export function claimV6(curves: DampCurve[]): ClaimRecord {
  const from = paper(
    "A.6, Fig. 10: repeating the layer diverges with λ = 1 for both TF and GD; with λ = 0.75 the loss decreases steadily over 50 steps",
  );
  const get = (model: "TF" | "GD", damp: number) => curves.find((c) => c.model === model && c.damp === damp);
  const checks: Check[] = [];
  for (const model of ["TF", "GD"] as const) {
    const one = get(model, 1);
    if (one)
      checks.push(
        ordered({
          label: `${model}, λ = 1: loss after ${one.loss.length} applications > after 1`,
          larger: { name: `loss(${one.loss.length})`, value: one.loss[one.loss.length - 1]! },
          smaller: { name: "loss(1)", value: one.loss[0]! },
          from,
        }),
      );
    const q = get(model, 0.75);
    if (q)
      checks.push(
        monotone({
          label: `${model}, λ = 0.75: loss decreasing over ${q.loss.length} applications`,
          values: q.loss,
          direction: "decreasing",
          strict: false,
          from,
        }),
      );
  }
  if (checks.length === 0) throw new Error("claimV6: needs curves for λ = 1 and λ = 0.75");
  return claim({
    id: "V6",
    statement:
      "Applying the trained layer repeatedly diverges without dampening (λ = 1), and with λ = 0.75 keeps decreasing the loss, for the trained layer and for GD alike",
    source: "von Oswald et al. A.6, Fig. 1 (right), Fig. 10; notes §4b V6",
    headline: { label: "pre-registered: λ = 1 ends above its first step; λ = 0.75 is non-increasing at every step", checks },
  });
}

// ---------------------------------------------------------------------------------------------
// V7: two recurrent layers are GD++

export function claimV7(r: DepthResult, gammas: GammaRow[]): ClaimRecord {
  const from = paper("§4, Fig. 3, A.10: a recurrent two-layer LSA beats two GD steps and matches GD++ with γ ≈ 0.179 at N = 10");
  return claim({
    id: "V7",
    statement:
      "A trained recurrent two-layer LSA outperforms two steps of GD and matches two steps of GD++ (x ← (I − γXXᵀ)x, then a GD step), with γ ≈ 0.179 at N = 10",
    source: "von Oswald et al. §4, Fig. 3, A.10; notes §4b V7",
    headline: {
      label: `loss(TF) < loss(2 GD steps); loss(TF) within ${100 * TOL_GDPP}% of GD++; γ read off the trained layer within ${100 * TOL_GAMMA}% of 0.179`,
      checks: [
        ordered({
          label: "TF vs GD, 2 steps (η line-searched)",
          larger: { name: "GD2", value: r.lossGD2 },
          smaller: { name: "TF", value: r.lossTF, se: r.lossTFSe },
          from,
        }),
        close({
          label: "½MSE(TF) vs ½MSE(GD++, fitted η, γ)",
          measured: r.lossTF,
          expected: r.lossGDpp,
          rel: TOL_GDPP,
          se: r.diffSe,
          from,
        }),
        close({ label: "γ of the trained layer (−tr(V_xx Q_xx)/d)", measured: r.gammaTF, expected: 0.179, rel: TOL_GAMMA, from }),
      ],
    },
    supporting: [
      {
        label: `the best GD++ γ on our data vs the paper's γ read off trained models, N ∈ {${gammas.map((g) => g.n).join(", ")}} (±${100 * TOL_GAMMA}%)`,
        checks: gammas.map((g) =>
          close({
            label: `N = ${g.n}: fitted γ`,
            measured: g.gammaFit,
            expected: g.gammaPaper,
            rel: TOL_GAMMA,
            from: paper("A.10: γ = 0.179, 0.099, 0.056, 0.029 for N = 10, 25, 50, 100"),
          }),
        ),
      },
      {
        label: "GD++ beats two plain GD steps (fitted on the same tasks)",
        checks: gammas.map((g) =>
          ordered({
            label: `N = ${g.n}`,
            larger: { name: "GD2", value: g.lossGD2 },
            smaller: { name: "GD++", value: g.lossGDpp },
            from: derived("GD++ contains GD (γ = 0), so its fitted loss cannot be higher"),
          }),
        ),
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// V8: a small fixed training set breaks the alignment

export function claimV8(small: VariantRow, large: VariantRow): ClaimRecord {
  const from = paper(
    "A.12, Fig. 16: trained on a fixed set of 128 tasks the layer neither aligns with GD nor generalises; with 2048 or more tasks it aligns almost perfectly",
  );
  const v3pass = (r: VariantRow) =>
    r.align.modelCos >= COS_MIN && r.align.predsDiff <= PREDS_DIFF_MAX && r.align.modelDiff <= MODEL_DIFF_MAX;
  return claim({
    id: "V8",
    statement:
      "Trained on a small fixed set of tasks (B = 128) the layer does not implement GD (poor alignment, worse out of distribution); with B = 2048 it does",
    source: "von Oswald et al. A.12, Fig. 16; notes §4b V8",
    headline: {
      label: `pre-registered: B = 128 fails at least one V3 alignment bound and has fresh-task loss > ${1 + TOL_VARIANT}× GD; B = 2048 has cos ≥ ${COS_MIN} and loss within ${100 * TOL_VARIANT}% of GD; OOD ratio worse for 128`,
      checks: [
        atMost({ label: `${small.label}: passes all V3 bounds (1 = yes)`, measured: v3pass(small) ? 1 : 0, bound: 0, from }),
        atLeast({
          label: `${small.label}: ½MSE(TF)/½MSE(GD) on fresh tasks`,
          measured: small.lossTF / small.lossGD,
          bound: 1 + TOL_VARIANT,
          strict: true,
          from,
        }),
        atLeast({ label: `${large.label}: model cos`, measured: large.align.modelCos, bound: COS_MIN, se: large.align.se.modelCos, from }),
        close({
          label: `${large.label}: ½MSE(TF) vs ½MSE(GD)`,
          measured: large.lossTF,
          expected: large.lossGD,
          rel: TOL_VARIANT,
          se: large.lossTFSe,
          from,
        }),
        ordered({
          label: "OOD (input range 2): loss(TF)/loss(GD)",
          larger: { name: small.label, value: small.oodRatio },
          smaller: { name: large.label, value: large.oodRatio },
          from,
        }),
      ],
    },
    note: `training loss on the fixed set: ${small.label} ${small.trainLoss.toFixed(4)}, ${large.label} ${large.trainLoss.toFixed(4)}`,
  });
}

// ---------------------------------------------------------------------------------------------
// V9: softmax attention

export function claimV9(one: VariantRow, two: VariantRow): ClaimRecord {
  const from = paper("A.9, Fig. 12: a single softmax head cannot match GD; two softmax heads nearly do");
  return claim({
    id: "V9",
    statement: "A single softmax self-attention head falls short of one GD step; two softmax heads (nearly) match it",
    source: "von Oswald et al. A.9; notes §4b V9",
    headline: {
      label: `pre-registered: one head's loss > ${1 + TOL_VARIANT}× GD; two heads within ${100 * TOL_VARIANT}% of GD and better than one head`,
      checks: [
        atLeast({
          label: `${one.label}: ½MSE(TF)/½MSE(GD)`,
          measured: one.lossTF / one.lossGD,
          bound: 1 + TOL_VARIANT,
          strict: true,
          from,
        }),
        close({
          label: `${two.label}: ½MSE(TF) vs ½MSE(GD)`,
          measured: two.lossTF,
          expected: two.lossGD,
          rel: TOL_VARIANT,
          se: two.lossTFSe,
          from,
        }),
        ordered({
          label: "one head vs two heads",
          larger: { name: one.label, value: one.lossTF, se: one.lossTFSe },
          smaller: { name: two.label, value: two.lossTF, se: two.lossTFSe },
          from,
        }),
      ],
    },
    supporting: [
      {
        label: `two heads align with GD: cos ≥ ${COS_MIN}`,
        checks: [
          atLeast({ label: `${two.label}: model cos`, measured: two.align.modelCos, bound: COS_MIN, se: two.align.se.modelCos, from }),
        ],
      },
    ],
  });
}
