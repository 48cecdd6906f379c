/**
 * The claims of the linear-attention study: one function per claim, from an experiment's result to
 * a ClaimRecord. test/studies/linear-attention/claims.test.ts gives each a passing and a failing fixture.
 *
 * Provenance. None of the three papers' full texts was readable (notes §0): what the authors state
 * was read in their abstracts, blogs, READMEs, posters and official code. `paper(...)` is used only
 * for such author statements (a qualitative statement or an algorithmic identity: "[R]"/"[C]" in the
 * notes); every number we compare against is ours: the notes' CPU prototype ("[OURS]", `prototype`),
 * a derivation ("[D]", `derived`) or a decision of this study (`design`). Tolerances are the notes'
 * (docs/notes/linear-attention.md "Tolerances", fixed before the full run).
 */
import {
  atLeast,
  atMost,
  claim,
  close,
  design,
  derived,
  inInterval,
  monotone,
  pairedDifference,
  paper,
  proportion,
  prototype,
  type ClaimRecord,
} from "../../core/claims";
import { wilsonInterval } from "../../core/stats";
import type { TrainResult } from "../../topics/sequence-memory/train";
import type { CostResult } from "./experiments/cost";
import type { ExactnessResult, ExactRow } from "./experiments/exactness";
import type { CapacityResult, DigitsResult, HopfieldExact, MetastableResult, RetrievalTables } from "./experiments/hopfield";

const FLA_FORMS = paper(
  "fla-org/flash-linear-attention fla/ops/delta_rule/naive.py and README [C]: the chunkwise (WY/UT) form computes the delta-rule recurrence",
);
const DN_PROTO = prototype("notes §2c DN1-DN5: torch f64/f32 prototype errors [OURS]");
const LA_FORMS = paper("OpenNLPLab/lightning-attention torch reference and Triton kernel [C]: chunked LA with decay = (QKᵀ ⊙ D)V");

const TOL_F64 = 1e-12;
const TOL_F32 = 5e-6;
const TOL_F32_REL = 2e-6;

const worst = (rows: ExactRow[], id: string, prec: "f64" | "f32") =>
  Math.max(...rows.filter((r) => r.id === id && r.precision === prec).map((r) => r.error));

// ---------------------------------------------------------------------------------------------
// Exactness

export function claimDN1(r: ExactnessResult): ClaimRecord {
  return claim({
    id: "DN1",
    statement:
      "DeltaNet's chunkwise WY/UT form (any chunk size, ragged last chunk) and its fully parallel form compute the delta-rule recurrence exactly",
    source: "Yang et al. 2024 §3 via fla naive.py/README and the author's blog part II; notes §2a, checks DN1-DN2",
    headline: {
      label: "outputs and final state vs the float64 recurrence (d ∈ {32, 64}, L ∈ {64, 100, 257, 1000}, C ∈ {16, 32, 64} and C = L)",
      checks: [
        atMost({ label: "o, float64", measured: worst(r.rows, "DN1", "f64"), bound: TOL_F64, from: FLA_FORMS }),
        atMost({ label: "S_L, float64", measured: worst(r.rows, "DN2", "f64"), bound: TOL_F64, from: FLA_FORMS }),
      ],
    },
    supporting: [
      {
        label: "float32 kernels within the notes' float32 tolerance",
        checks: [
          atMost({ label: "o, float32", measured: worst(r.rows, "DN1", "f32"), bound: TOL_F32, from: DN_PROTO }),
          atMost({ label: "S_L, float32", measured: worst(r.rows, "DN2", "f32"), bound: TOL_F32, from: DN_PROTO }),
        ],
      },
    ],
  });
}

export function claimDN3(r: ExactnessResult): ClaimRecord {
  const rel = (prec: "f64" | "f32", pure: boolean) =>
    Math.max(
      ...r.rows.filter((x) => x.id === "DN5" && x.precision === prec && x.what.startsWith(pure ? "β ≡ 2" : "β = 2·")).map((x) => x.error),
    );
  return claim({
    id: "DN3",
    statement:
      "Edge cases of the delta rule: β = 0 leaves the memory unchanged, β = 1 overwrites the value stored under k exactly (S_t k_t = v_t), β ∈ (0, 2] (negative eigenvalues, β = 2 a reflection) runs through the same chunk algorithm",
    source: "Yang et al. blog I (β as the online-regression step size), fla allow_neg_eigval [C]; notes checks DN3-DN5",
    headline: {
      label: "edge cases, float64 (chunk form)",
      checks: [
        atMost({
          label: "β ≡ 0: |o_t − S0 q_t|, |S_L − S0|",
          measured: worst(r.rows, "DN3", "f64"),
          bound: 1e-15,
          from: derived("β = 0 makes every update u_t = 0"),
        }),
        atMost({
          label: "β = 1: |S_t k_t − v_t| (a key repeated later)",
          measured: worst(r.rows, "DN4", "f64"),
          bound: TOL_F64,
          from: derived("u = v − S k, so S_t k_t = S_{t−1}k_t + (v_t − S_{t−1}k_t)‖k_t‖² = v_t for unit k_t"),
        }),
      ],
    },
    supporting: [
      {
        label: "β ∈ (0, 2] through the chunk algorithm, float64",
        checks: [
          atMost({ label: "β = 2·sigmoid: chunk vs recurrent, relative", measured: rel("f64", false), bound: TOL_F64, from: FLA_FORMS }),
          atMost({ label: "β ≡ 2: chunk vs recurrent, relative", measured: rel("f64", true), bound: TOL_F64, from: FLA_FORMS }),
        ],
      },
      {
        label: "float32, relative to max|o| (the state is not contracted when β = 2)",
        checks: [
          atMost({ label: "β = 2·sigmoid, float32", measured: rel("f32", false), bound: TOL_F32_REL, from: DN_PROTO }),
          atMost({ label: "β ≡ 2, float32", measured: rel("f32", true), bound: TOL_F32_REL, from: DN_PROTO }),
        ],
      },
    ],
  });
}

export function claimDN7(r: ExactnessResult): ClaimRecord {
  const at64 = r.dn9.find((x) => x.C === 64)!;
  return claim({
    id: "DN7",
    statement:
      "The UT transform needs L2-normalised keys: with raw N(0,1) keys (‖k‖² ≈ d) the chunk's triangular system explodes (fla issue #736: NaNs after prepare_wy_repr)",
    source: "fla issue #736 and the layer's use_qk_l2norm_in_kernel [C]; notes §1 pitfall 3, checks DN7, DN9",
    headline: {
      label: "max |T| of one chunk, C = d = 64, β = 0.5",
      checks: [
        atMost({
          label: "unit keys",
          measured: r.dn7.unit,
          bound: 10,
          from: prototype("notes DN7: 1.00 with unit keys [OURS]; order of magnitude"),
        }),
        atLeast({
          label: "raw N(0, 1) keys",
          measured: r.dn7.raw,
          bound: 1e20,
          from: prototype("notes DN7: ≈4e27 with raw keys [OURS]; order of magnitude"),
        }),
      ],
    },
    supporting: [
      {
        label: "DN9: forward substitution stays accurate in float32 (keys with a shared component, C = 64)",
        checks: [
          atMost({
            label: "forward substitution, float32 error of T",
            measured: at64.substitution,
            bound: 1e-6,
            from: prototype("notes DN9: ≤ 1.3e-7 [OURS]; tolerance 1e-6"),
          }),
          atLeast({
            label: "doubling product / forward substitution error ratio",
            measured: at64.doubling / at64.substitution,
            bound: 100,
            from: design("the matmul-only doubling product must be visibly (100x) worse for the notes' warning to hold on our kernels"),
          }),
        ],
      },
    ],
    note: `doubling-product intermediate powers reach ${at64.maxPower.toExponential(1)} at C = 64`,
  });
}

export function claimDN8(r: ExactnessResult): ClaimRecord {
  const ratios = r.dn8.rel.slice(1).map((x, i) => r.dn8.rel[i]! / x);
  return claim({
    id: "DN8",
    statement: "DeltaNet generalises linear attention: DeltaNet/β → LA as β → 0, and DeltaNet ≡ LA when the keys are orthonormal (β = 1)",
    source: "Yang et al. blog I (LA as a step on a linear loss, DeltaNet on a squared loss); notes §2a, check DN8",
    headline: {
      label: "distance of DeltaNet/β to LA at β = 1e-2, 1e-3, 1e-4 (L = 200, d = 32)",
      checks: [
        ...ratios.map((x, i) =>
          close({
            label: `ratio of errors at β = ${r.dn8.betas[i]} and ${r.dn8.betas[i + 1]}`,
            measured: x,
            expected: 10,
            rel: 0.1,
            from: derived("first order in β: the error is ∝ β"),
          }),
        ),
        atMost({
          label: "orthonormal keys, β = 1: max |DeltaNet − LA|",
          measured: r.dn8.orthonormal,
          bound: TOL_F64,
          from: derived("S_{t−1}k_t = 0 for orthonormal keys, so u_t = v_t"),
        }),
      ],
    },
  });
}

export function claimLA1(r: ExactnessResult): ClaimRecord {
  return claim({
    id: "LA1",
    statement:
      "Causal linear attention with decay λ: the recurrence, the chunked (Lightning-2) form and the masked quadratic form are the same computation",
    source: "Qin et al. 2024 (Lightning Attention-2) official code [C]; notes §2a, check LA1",
    headline: {
      label: "λ ∈ {1, 0.9}, L = 300, C ∈ {16, 64}: relative to max|o|",
      checks: [atMost({ label: "float64", measured: worst(r.rows, "LA1", "f64"), bound: TOL_F64, from: LA_FORMS })],
    },
    supporting: [
      {
        label: "float32 kernels",
        checks: [
          atMost({
            label: "float32",
            measured: worst(r.rows, "LA1", "f32"),
            bound: 1e-6,
            from: prototype("notes LA1: f32 ≤ 5.2e-6 at max|o| = 11 [OURS]; relative tolerance 1e-6"),
          }),
        ],
      },
    ],
  });
}

export function claimP1(r: ExactnessResult): ClaimRecord {
  return claim({
    id: "P1",
    statement:
      "DeltaProduct takes n_h delta-rule steps per token: it is DeltaNet on the interleaved sequence read at each token's last sub-step, and two Householder reflections per token carry S₃ exactly (rank(P − I) ≤ 2)",
    source: "Siems et al. 2025 abstract [R]; fla gated_delta_product/naive.py [C]; notes §3a, checks P1-P2",
    headline: {
      label: "n_h = 3, L = 40, d = 8, β = 2·sigmoid: recurrence vs interleaved parallel and chunk-16",
      checks: [
        atMost({
          label: "max |Δo|",
          measured: worst(r.rows, "P1", "f64"),
          bound: TOL_F64,
          from: paper("fla naive_recurrent_gated_delta_product [C]: n_h sub-steps per token, read after the last"),
        }),
      ],
    },
    supporting: [
      {
        label: "P2: the construction β = 2, k = (e_i − e_j)/√2 after a 200-token S₃ word",
        checks: [
          atMost({
            label: "|S_L − (P_{w_L}⋯P_{w_1})ᵀ|",
            measured: worst(r.rows, "P2", "f64"),
            bound: TOL_F64,
            from: derived("each sub-step is a transposition; a 3-cycle is two (notes §3a)"),
          }),
        ],
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Cost

const SLOPE_LINEAR = derived("FLOP model (notes §2a): recurrent and chunked forms cost O(L)");
const SLOPE_QUAD = derived("FLOP model (notes §2a): masked quadratic LA and fully parallel DeltaNet cost O(L²)");

export function claimC1(r: CostResult): ClaimRecord {
  const get = (f: string) => r.slopes.find((s) => s.form === f)!;
  const lin = ["la-recurrent", "la-chunk", "delta-recurrent", "delta-chunk"];
  return claim({
    id: "C1",
    statement: "Recurrent and chunked forms cost time linear in the sequence length (log-log slope 1)",
    source: "Yang et al. 2024 abstract and blog II (chunkwise training is linear in L) [R]; notes check C1",
    headline: {
      label: `median CPU time, d = ${r.spec.d}, C = ${r.spec.C}, L = 1024 … ${Math.max(...r.spec.linearLs)}`,
      checks: lin.map((f) =>
        close({ label: `slope, ${f}`, measured: get(f).slope, expected: 1, abs: 0.2, se: get(f).se, from: SLOPE_LINEAR }),
      ),
    },
    note: `load average ${r.load.start.map((x) => x.toFixed(1)).join("/")} at the start, ${r.load.end.map((x) => x.toFixed(1)).join("/")} at the end`,
  });
}

export function claimC2(r: CostResult): ClaimRecord {
  const get = (f: string) => r.slopes.find((s) => s.form === f)!;
  return claim({
    id: "C2",
    statement: "The masked quadratic LA and the fully parallel DeltaNet cost time quadratic in L (log-log slope 2)",
    source: "notes §2a FLOP table [D]; check C2",
    headline: {
      label: `median CPU time, d = ${r.spec.d}, L = 512 … ${Math.max(...r.spec.quadraticLs)}`,
      checks: ["la-quadratic", "delta-parallel"].map((f) =>
        close({ label: `slope, ${f}`, measured: get(f).slope, expected: 2, abs: 0.25, se: get(f).se, from: SLOPE_QUAD }),
      ),
    },
    note: `load average ${r.load.start.map((x) => x.toFixed(1)).join("/")} at the start`,
  });
}

export function claimC3(r: CostResult): ClaimRecord {
  return claim({
    id: "C3",
    statement:
      "The quadratic forms win only at short sequences: the measured crossover with the chunked form lies within a factor 2 of the FLOP model's",
    source: "notes §2a crossovers [D]; checks C3-C4",
    headline: {
      label: `measured crossover L (geometric interpolation on the grid) vs the FLOP model, d = ${r.spec.d}, C = ${r.spec.C}`,
      checks: r.crossovers.map((c) =>
        inInterval({
          label: c.pair,
          measured: c.measured,
          lo: c.flopModel / 2,
          hi: c.flopModel * 2,
          from: derived(`FLOP model crossover L = ${c.flopModel.toFixed(0)}, pre-registered band: factor 2`),
        }),
      ),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Hopfield

const HF_BLOG = (what: string) => paper(`Ramsauer et al., official blog (hopfield-layers gh-pages index.md) [R]: ${what}`);

export function claimHF1(r: HopfieldExact): ClaimRecord {
  return claim({
    id: "HF1",
    statement:
      "The modern Hopfield update ξ_new = X softmax(β Xᵀξ) is transformer attention softmax(QKᵀ/√d)V with K = V = Xᵀ and β = 1/√d, and it never increases the energy E (CCCP)",
    source: "Ramsauer et al. blog eqs. 18, 22, 26 [R]; notes §4a, checks HF1-HF2",
    headline: {
      label: "update vs attention (float64), and energy along 30 iterations from 20 starts, N = 50, d = 16",
      checks: [
        atMost({ label: "max |update − attention|", measured: r.attentionDiff, bound: 1e-12, from: HF_BLOG("eq. 26, update = attention") }),
        ...r.energy.map((e) =>
          atMost({
            label: `β = ${e.beta}: largest energy increase`,
            measured: e.maxIncrease,
            bound: 1e-10,
            from: HF_BLOG("the update is a CCCP step: E never increases"),
          }),
        ),
      ],
    },
    supporting: [
      {
        label: "E ≥ ½(‖ξ‖ − M)² ≥ 0 along every trajectory",
        checks: r.energy.map((e) =>
          atMost({
            label: `β = ${e.beta}: violations`,
            measured: e.lowerBoundViolations,
            bound: 0,
            from: derived("lse ≥ max (notes §4a)"),
          }),
        ),
      },
    ],
  });
}

export function claimHF3(t: RetrievalTables): ClaimRecord {
  const all = [...t.hf4, ...t.hf5];
  const viol = all.reduce((a, r) => a + r.rows.reduce((b, x) => b + x.boundViolations, 0), 0);
  const informative = all.reduce((a, r) => a + r.rows.reduce((b, x) => b + x.boundInformative, 0), 0);
  return claim({
    id: "HF3",
    statement: "One update retrieves with an error exponentially small in β times the separation: ‖ξ_new − x_i‖ ≤ 2M(N−1)exp(−βΔ̃_i)",
    source: "Ramsauer et al. Thm 4 as named in the blog [R] (constants [NF]); the bound derived in notes §4a [D]",
    headline: {
      label: "every query of HF4 and HF5",
      checks: [
        atMost({
          label: "violations of the derived bound",
          measured: viol,
          bound: 0,
          from: derived("1 − p_i ≤ (N−1)e^{−βΔ̃_i} (notes §4a)"),
        }),
      ],
    },
    supporting: [
      {
        label: "the bound is informative (below ‖x_i‖) for some queries",
        checks: [
          atLeast({
            label: "query-β pairs with an informative bound",
            measured: informative,
            bound: 1,
            from: design("a bound that is never below ‖x_i‖ tests nothing"),
          }),
        ],
      },
    ],
  });
}

/** HF4/HF5 prototype values (notes §4b [OURS]) by (d, N) and β. */
export const HF4_PROTO: Record<string, Record<number, [number, number]>> = {
  "32,10": { 0.03: [0.81, 0.0], 0.1: [0.46, 0.83], 0.3: [0.045, 0.99], 1: [0.005, 1.0] },
  "32,1000": { 0.03: [0.98, 0.0], 0.1: [0.91, 0.04], 0.3: [0.51, 0.64], 1: [0.055, 0.95] },
  "32,10000": { 0.03: [0.98, 0.02], 0.1: [0.92, 0.03], 0.3: [0.73, 0.03], 1: [0.15, 0.83] },
  "64,100": { 0.03: [0.94, 0.0], 0.1: [0.42, 0.99], 0.3: [0.001, 1.0], 1: [0.0, 1.0] },
  "64,10000": { 0.03: [0.98, 0.0], 0.1: [0.91, 0.0], 0.3: [0.066, 0.99], 1: [0.001, 1.0] },
};
export const HF5_PROTO: Record<string, Record<number, number>> = {
  "32,10": { 0.1: 0.68, 0.3: 0.21, 1: 0.019 },
  "32,100": { 0.1: 0.91, 0.3: 0.54, 1: 0.12 },
  "32,1000": { 0.1: 0.95, 0.3: 0.77, 1: 0.33 },
  "64,10000": { 0.1: 0.95, 0.3: 0.59, 1: 0.052 },
};

export function claimHF4(t: RetrievalTables): ClaimRecord {
  const cell = (d: number, N: number) => t.hf4.find((r) => r.d === d && r.N === N)!;
  const err = (d: number, N: number, beta: number) => cell(d, N).rows.find((x) => x.beta === beta)!;
  const betas = cell(32, 10)
    .rows.map((x) => x.beta)
    .sort((a, b) => a - b);
  const proto = prototype("notes §4b HF4/HF5 tables [OURS], Q = 2000 queries per point");
  return claim({
    id: "HF4",
    statement:
      "β selects the fixed point: small β gives the global average of the patterns (retrieval error → 1), large β retrieves the single pattern; at fixed β the error grows with the number of stored patterns",
    source: "Ramsauer et al. README and blog [R] (three kinds of fixed points, β controls them); notes §4b HF4-HF5",
    headline: {
      label: "±1 patterns, 10% sign flips, one update: mean relative error",
      checks: [
        monotone({
          label: "d = 32, N = 1000: error vs β",
          values: betas.map((b) => err(32, 1000, b).relErr),
          direction: "decreasing",
          se: betas.map((b) => err(32, 1000, b).relErrSe),
          from: HF_BLOG("large β separates, small β averages"),
        }),
        atLeast({
          label: "d = 32, N = 1000, β = 0.03: error (global average)",
          measured: err(32, 1000, 0.03).relErr,
          bound: 0.8,
          se: err(32, 1000, 0.03).relErrSe,
          from: HF_BLOG("small β: the global-average fixed point"),
        }),
        atMost({
          label: "d = 64, N = 10⁴, β = 1: error (retrieval)",
          measured: err(64, 10000, 1).relErr,
          bound: 0.05,
          se: err(64, 10000, 1).relErrSe,
          from: HF_BLOG("large β: fixed points near single patterns"),
        }),
        monotone({
          label: "d = 32, β = 0.3: error vs N = 10, 1000, 10⁴",
          values: [10, 1000, 10000].map((N) => err(32, N, 0.3).relErr),
          direction: "increasing",
          from: HF_BLOG("more patterns, more interference"),
        }),
      ],
    },
    supporting: [
      {
        label: "the notes' prototype table: error ±0.02 (or 3 SE), exact-sign fraction ±0.03 (or 3 binomial SE)",
        checks: t.hf4.flatMap((c) =>
          c.rows.flatMap((x) => {
            const p = HF4_PROTO[`${c.d},${c.N}`]?.[x.beta];
            if (!p) return [];
            const seF = Math.sqrt(Math.max(p[1] * (1 - p[1]), 0.25 / c.queries) / c.queries);
            return [
              close({
                label: `d=${c.d} N=${c.N} β=${x.beta}: error`,
                measured: x.relErr,
                expected: p[0],
                abs: Math.max(0.02, 3 * x.relErrSe),
                se: x.relErrSe,
                from: proto,
              }),
              close({
                label: `d=${c.d} N=${c.N} β=${x.beta}: exact signs`,
                measured: x.signExact,
                expected: p[1],
                abs: Math.max(0.03, 3 * seF),
                from: proto,
              }),
            ];
          }),
        ),
      },
      {
        label: "HF5: Gaussian patterns, half of the coordinates masked: error ±0.02 (or 3 SE) of the prototype",
        checks: t.hf5.flatMap((c) =>
          c.rows.flatMap((x) => {
            const p = HF5_PROTO[`${c.d},${c.N}`]?.[x.beta];
            return p === undefined
              ? []
              : [
                  close({
                    label: `d=${c.d} N=${c.N} β=${x.beta}`,
                    measured: x.relErr,
                    expected: p,
                    abs: Math.max(0.02, 3 * x.relErrSe),
                    se: x.relErrSe,
                    from: proto,
                  }),
                ];
          }),
        ),
      },
    ],
  });
}

export function claimHF6(r: CapacityResult): ClaimRecord {
  const proto = prototype("notes §4b HF6: d ln N₉₅/dd = 0.275 for both rows [OURS]; ±0.05");
  const classical = (d: number) => 0.14 * d;
  const last = r.argmax[r.argmax.length - 1]!;
  return claim({
    id: "HF6",
    statement:
      "Exponential storage capacity: the number of patterns retrievable after one update grows exponentially with the dimension (ln N₉₅ linear in d)",
    source: "Ramsauer et al. Thm 3 as named in the blog [R] (formula [NF]); notes §4b HF6",
    headline: {
      label: `N₉₅: exact sign retrieval (10% flips) ≥ 95%, d = ${r.ds.join(", ")}`,
      checks: [
        atLeast({
          label: "argmax: slope of ln N₉₅ on d",
          measured: r.slopeArgmax.slope,
          bound: 0.1,
          se: r.slopeArgmax.se,
          from: HF_BLOG("storage capacity exponential in d"),
        }),
        atLeast({
          label: "β = 1: slope of ln N₉₅ on d",
          measured: r.slopeBeta1.slope,
          bound: 0.1,
          se: r.slopeBeta1.se,
          from: HF_BLOG("storage capacity exponential in d"),
        }),
        atLeast({
          label: `d = ${last.d}: N₉₅ (argmax) over the classical 0.14d`,
          measured: last.n95 / classical(last.d),
          bound: 10,
          from: HF_BLOG("classical binary Hopfield capacity ≈ 0.14d"),
        }),
      ],
    },
    supporting: [
      {
        label: "slopes against the notes' prototype",
        checks: [
          close({ label: "argmax slope", measured: r.slopeArgmax.slope, expected: 0.275, abs: 0.05, se: r.slopeArgmax.se, from: proto }),
          close({ label: "β = 1 slope", measured: r.slopeBeta1.slope, expected: 0.275, abs: 0.05, se: r.slopeBeta1.se, from: proto }),
        ],
      },
    ],
  });
}

export function claimHF7(r: MetastableResult): ClaimRecord {
  const at = (b: number) => r.rows.find((x) => x.beta === b)!;
  const nC = r.clusters;
  const nAll = r.clusters * r.perCluster;
  const proto = prototype("notes §4b HF7 [OURS]: n_eff 99.97, 99.55, 10.01, 9.91, 8.38, 1.00, 1.00 at β = 1 … 1000; ±10%");
  return claim({
    id: "HF7",
    statement:
      "Three kinds of fixed points: the global average (small β), metastable states averaging a subset of similar patterns (intermediate β), and single patterns (large β)",
    source: "Ramsauer et al. README [R]; notes §4b HF7",
    headline: {
      label: `iterated to a fixed point from every stored pattern: ${r.clusters} clusters × ${r.perCluster}, d = ${r.d}, mean cos within ${r.cosWithin.toFixed(3)}, between ${r.cosBetween.toFixed(3)}`,
      checks: [
        close({
          label: "β = 1: n_eff (global average)",
          measured: at(1).nEff,
          expected: nAll,
          rel: 0.1,
          from: HF_BLOG("small β: global average"),
        }),
        close({
          label: "β = 30: n_eff (one cluster)",
          measured: at(30).nEff,
          expected: r.perCluster,
          rel: 0.1,
          from: HF_BLOG("metastable states average a subset"),
        }),
        atLeast({
          label: "β = 30: softmax mass on the start's own cluster",
          measured: at(30).ownCluster,
          bound: 0.99,
          from: HF_BLOG("metastable states average similar patterns"),
        }),
        close({
          label: "β = 1000: n_eff (single pattern)",
          measured: at(1000).nEff,
          expected: 1,
          rel: 0.1,
          from: HF_BLOG("large β: single patterns"),
        }),
      ],
    },
    supporting: [
      {
        label: "n_eff against the notes' prototype (±10%)",
        checks: (
          [
            [1, 99.97],
            [3, 99.55],
            [10, 10.01],
            [30, 9.91],
            [100, 8.38],
            [300, 1.0],
            [1000, 1.0],
          ] as const
        )
          .filter(([b]) => r.rows.some((x) => x.beta === b))
          .map(([b, v]) => close({ label: `β = ${b}`, measured: at(b).nEff, expected: v, rel: 0.1, from: proto })),
      },
      {
        label: "every iteration converged",
        checks: [
          atLeast({
            label: "fraction converged (all β)",
            measured: Math.min(...r.rows.map((x) => x.converged)),
            bound: 1,
            from: design("a fixed point must have been reached for n_eff to describe it"),
          }),
        ],
      },
    ],
    note: `${nC} clusters`,
  });
}

/** HF8 prototype (notes §4b [OURS]): N → β → [exact index, class rate, n_eff]. */
export const HF8_PROTO: Record<number, Record<number, [number, number, number]>> = {
  100: { 0.1: [0.1, 0.74, 70], 0.3: [0.53, 0.99, 15], 1: [0.81, 0.99, 2.3], 3: [0.88, 0.99, 1.3] },
  500: { 0.1: [0.004, 0.22, 359], 0.3: [0.12, 0.75, 89], 1: [0.63, 0.93, 7.0], 3: [0.73, 0.94, 1.8] },
  1797: { 0.1: [0.002, 0.24, 1328], 0.3: [0.03, 0.74, 349], 1: [0.44, 0.9, 19], 3: [0.6, 0.91, 2.6] },
};

export function claimHF8(r: DigitsResult): ClaimRecord {
  const row = (N: number, b: number) => r.rows.find((x) => x.N === N && x.beta === b)!;
  const Nmax = Math.max(...r.rows.map((x) => x.N));
  const proto = prototype("notes §4b HF8 table [OURS]; ±0.03");
  return claim({
    id: "HF8",
    statement:
      "Retrieval of stored digits from their top half: large β retrieves the stored image, intermediate β a class-like metastable average (the class right while the index is wrong)",
    source: "Ramsauer et al. blog (image retrieval from partial queries, metastable states) [R]; notes §4b HF8",
    headline: {
      label: `${Nmax} stored digits (standardised), rows 4-7 zeroed, one update`,
      checks: [
        monotone({
          label: `N = ${Nmax}: exact-index rate vs β`,
          values: [0.1, 0.3, 1, 3].map((b) => row(Nmax, b).exactIndex),
          direction: "increasing",
          from: HF_BLOG("large β separates"),
        }),
        atLeast({
          label: `N = ${Nmax}, β = 0.3: class rate − exact-index rate (metastable)`,
          measured: row(Nmax, 0.3).classRate - row(Nmax, 0.3).exactIndex,
          bound: 0.3,
          from: HF_BLOG("metastable states average similar patterns"),
        }),
      ],
    },
    supporting: [
      {
        label: "the notes' prototype table (exact index and class rate ±0.03)",
        checks: r.rows.flatMap((x) => {
          const p = HF8_PROTO[x.N]?.[x.beta];
          return p
            ? [
                close({ label: `N=${x.N} β=${x.beta}: exact index`, measured: x.exactIndex, expected: p[0], abs: 0.03, from: proto }),
                close({ label: `N=${x.N} β=${x.beta}: class`, measured: x.classRate, expected: p[1], abs: 0.03, from: proto }),
              ]
            : [];
        }),
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Capability (pre-registered in docs/notes/linear-attention.md "Capability: pre-registration",
// committed before the grid `train` was computed)

/** The chance loss of MQAR once the model predicts values only: ln 128 (values are half the vocabulary). */
export const MQAR_CHANCE_LOSS = Math.log(128);
/** DeltaNet has "left its plateau" when a recorded training-loss block mean falls this far below chance. */
export const PLATEAU_DROP = 0.5;

/** Runs paired by seed: [seed, a, b] for every seed present in both arms; an unpaired run is an error. */
function pairBySeed(a: TrainResult[], b: TrainResult[], what: string, names: [string, string]): [number, TrainResult, TrainResult][] {
  const seeds = [...new Set([...a, ...b].map((r) => r.spec.seed))].sort((x, y) => x - y);
  return seeds.map((seed) => {
    const ra = a.filter((r) => r.spec.seed === seed);
    const rb = b.filter((r) => r.spec.seed === seed);
    if (ra.length !== 1 || rb.length !== 1)
      throw new Error(
        `${what}: seed ${seed} has ${ra.length} ${names[0]} and ${rb.length} ${names[1]} run(s); pass exactly one of each per seed`,
      );
    return [seed, ra[0]!, rb[0]!];
  });
}

/**
 * Steps until a training-loss block mean first falls to ≤ ln 128 − 0.5 (leaving the chance plateau);
 * censored at the budget (spec.steps) when it never does.
 */
export function plateauEscape(r: TrainResult): { steps: number; escaped: boolean } {
  const hit = r.loss.find((p) => p.loss <= MQAR_CHANCE_LOSS - PLATEAU_DROP);
  return hit ? { steps: hit.step + 1, escaped: true } : { steps: r.spec.steps, escaped: false };
}

/** Labelled positions of one held-out evaluation: MQAR nkv queries per sequence, S₃ L per sequence. */
export function heldOutTrials(r: TrainResult, L?: number): number {
  return r.spec.task.kind === "mqar" ? r.spec.evalSize * r.spec.task.nkv : r.spec.evalSize * (L ?? r.spec.task.L);
}

const P3_TRACK = 0.99;
const P3_NOT_TRACK = 0.6;

function s3Acc(r: TrainResult, L: number): { acc: number; trials: number; successes: number } {
  const l = r.lengths?.find((x) => x.L === L);
  if (!l) throw new Error(`claimP3: run with seed ${r.spec.seed} (n_h = ${r.spec.model.nh}) has no evaluation at L = ${L}`);
  const trials = heldOutTrials(r, L);
  return { acc: l.tokenAcc, trials, successes: Math.round(l.tokenAcc * trials) };
}

/** A seed's n_h = 2 run "reaches 0.99" at L when the 95% Wilson interval of its token accuracy reaches 0.99. */
export function reachesTracking(r: TrainResult, L: number): boolean {
  const a = s3Acc(r, L);
  return wilsonInterval(a.successes, a.trials).hi >= P3_TRACK;
}

/**
 * MQAR: DeltaNet recalls better than LA of the same size with more pairs than the head dimension.
 * `runs`: the MQAR trainings of both rules, paired by seed (same data stream and held-out set).
 */
export function claimMQAR(runs: TrainResult[]): ClaimRecord {
  const delta = runs.filter((r) => r.spec.model.rule === "delta");
  const la = runs.filter((r) => r.spec.model.rule === "linear");
  if (delta.length + la.length !== runs.length || runs.some((r) => r.spec.task.kind !== "mqar"))
    throw new Error("claimMQAR: pass only MQAR runs with rule delta or linear");
  const pairs = pairBySeed(delta, la, "claimMQAR", ["DeltaNet", "LA"]);
  const t = pairs[0]?.[1].spec;
  const size = t && t.task.kind === "mqar" ? `${t.task.nkv} pairs, L = ${t.task.L}, head dimension ${t.model.D / t.model.H}` : "";
  const budget = t ? `${t.steps} steps at batch ${t.batch}` : "";
  const esc = pairs.map(([seed, d, l]) => ({ seed, d: plateauEscape(d), l: plateauEscape(l) }));
  return claim({
    id: "MQAR",
    statement:
      "The delta rule recalls better than linear attention of the same size when there are more key-value pairs than the head dimension (MQAR)",
    source:
      "Yang et al. 2024 (A): the author's blog I-III (LA only adds, the delta rule overwrites) and the MQAR figure [R]; notes §2d; pre-registered in docs/notes/linear-attention.md",
    headline: {
      label: `final held-out token accuracy, DeltaNet − LA paired by seed (${size}, ${budget})`,
      checks: [
        pairedDifference({
          label: `${pairs.length} seeds`,
          a: pairs.map(([, d]) => d.finalAcc),
          b: pairs.map(([, , l]) => l.finalAcc),
          names: ["DeltaNet", "LA"],
          expect: "greater",
          from: paper("Yang et al. (A), blog and MQAR figure [R]: DeltaNet's recall beats the additive linear-attention family"),
        }),
      ],
    },
    supporting: [
      {
        label: `budget validity: DeltaNet left its chance plateau (a 20-step loss mean ≤ ln 128 − ${PLATEAU_DROP}) within the budget`,
        checks: esc.map((e) =>
          atMost({
            label: `seed ${e.seed}: DeltaNet steps to leave the plateau${e.d.escaped ? "" : " (never: censored at the budget)"}`,
            measured: e.d.steps,
            bound: t!.steps,
            strict: !e.d.escaped,
            from: design("notes §2d: never compare DeltaNet and LA before DeltaNet has left its initial plateau"),
          }),
        ),
      },
      {
        label: "DeltaNet leaves the plateau later than LA (steps to a loss mean ≤ ln 128 − 0.5, censored at the budget)",
        checks: [
          pairedDifference({
            label: `${pairs.length} seeds`,
            a: esc.map((e) => e.d.steps),
            b: esc.map((e) => e.l.steps),
            names: ["DeltaNet", "LA"],
            expect: "greater",
            from: prototype("notes §2d [OURS]: DeltaNet at chance for 1200-1600 steps at d_model = 16, LA leaves after ≈300 (batch 64)"),
          }),
        ],
      },
    ],
    note: "prototype evidence at CPU scale (notes §2d [OURS], not the expected value): a tie at d_model = 32, LA ahead at d_model = 16 after 2400 steps (0.70 vs 0.34), a tie after 6000 (0.76 vs 0.74); chance accuracy 1/128",
  });
}

/**
 * P3: one layer of DeltaProduct with n_h = 2 tracks S₃, DeltaNet (n_h = 1) cannot.
 * `runs`: the S₃ trainings with n_h ∈ {1, 2}, paired by seed (same data stream and held-out sets).
 */
export function claimP3(runs: TrainResult[]): ClaimRecord {
  const one = runs.filter((r) => r.spec.model.nh === 1);
  const two = runs.filter((r) => r.spec.model.nh === 2);
  if (one.length + two.length !== runs.length || runs.some((r) => r.spec.task.kind !== "s3"))
    throw new Error("claimP3: pass only S₃ runs with n_h = 1 or 2");
  const pairs = pairBySeed(two, one, "claimP3", ["n_h = 2", "n_h = 1"]);
  // The evaluated lengths (full scale 24, 64, 128): tracking is tested at all but the longest (the
  // notes' "L ≤ 64"), extrapolation at the longest.
  const task = pairs[0]?.[1].spec.task;
  const lengths = task && task.kind === "s3" ? [...task.evalLengths].sort((x, y) => x - y) : [];
  if (lengths.length < 2) throw new Error("claimP3: the runs need at least two evaluation lengths (tracking and extrapolation)");
  const tracked = lengths.slice(0, -1);
  const longest = lengths[lengths.length - 1]!;
  const majority = Math.floor(pairs.length / 2) + 1;
  const reached = pairs.filter(([, r2]) => tracked.every((L) => reachesTracking(r2, L))).map(([s]) => s);
  const B = paper("Siems et al. (B), abstract and slide [R] with the rank argument [D]; thresholds: the notes' P3 tolerances");
  const trainL = task!.L;
  const evalSize = pairs[0]![1].spec.evalSize;
  return claim({
    id: "P3",
    statement:
      "One layer of DeltaProduct with n_h = 2 Householder sub-steps per token tracks S₃ (the word problem's prefix products); DeltaNet (n_h = 1) cannot",
    source:
      "Siems et al. 2025 (B): abstract and the DeltaNet talk's DeltaProduct slide [R]; rank(A_t − I) ≤ n_h [D]; notes §3b P3; pre-registered in docs/notes/linear-attention.md",
    headline: {
      label: `held-out token accuracy (train length ${trainL}; 95% Wilson intervals over ${evalSize} × L tokens)`,
      checks: [
        atLeast({
          label: `seeds where n_h = 2 reaches ${P3_TRACK} at L = ${tracked.join(" and ")} (of ${pairs.length}: a majority)`,
          measured: reached.length,
          bound: majority,
          from: B,
        }),
        ...pairs.map(([seed, , r1]) =>
          atMost({
            label: `seed ${seed}: n_h = 1 token accuracy at L = ${trainL}`,
            measured: s3Acc(r1, trainL).acc,
            bound: P3_NOT_TRACK,
            from: B,
          }),
        ),
      ],
    },
    supporting: [
      {
        label: `n_h = 2 reaches ${P3_TRACK} in every seed (runs on permutation groups can be bistable: notes §3b), and beats n_h = 1 paired by seed`,
        checks: [
          pairedDifference({
            label: `L = ${trainL}, ${pairs.length} seeds`,
            a: pairs.map(([, r2]) => s3Acc(r2, trainL).acc),
            b: pairs.map(([, , r1]) => s3Acc(r1, trainL).acc),
            names: ["n_h = 2", "n_h = 1"],
            expect: "greater",
            from: design("a paired comparison over seeds; with 3 seeds one stuck seed fails it, so it is not in the headline"),
          }),
          ...pairs.flatMap(([seed, r2]) =>
            tracked.map((L) => {
              const a = s3Acc(r2, L);
              return proportion({
                label: `seed ${seed}, L = ${L}`,
                successes: a.successes,
                trials: a.trials,
                expected: P3_TRACK,
                compare: "atLeast",
                from: prototype("notes §3b P3 [OURS]: n_h = 2 token accuracy 1.000 at L = 24, 64 (seed 0); threshold 0.99"),
              });
            }),
          ),
        ],
      },
      {
        label: `length extrapolation improves with n_h: L = ${longest}`,
        checks: [
          pairedDifference({
            label: `L = ${longest}, ${pairs.length} seeds`,
            a: pairs.map(([, r2]) => s3Acc(r2, longest).acc),
            b: pairs.map(([, , r1]) => s3Acc(r1, longest).acc),
            names: ["n_h = 2", "n_h = 1"],
            expect: "greater",
            from: paper("Siems et al. (B), abstract and slide [R]: length extrapolation improves with n_h"),
          }),
        ],
      },
    ],
    note: `n_h = 2 reached ${P3_TRACK} at L = ${tracked.join(", ")} in seeds [${reached.join(", ")}]; prototype (notes §3b [OURS], 1500 steps at batch 128): n_h = 1 0.52/0.40/0.37, n_h = 2 1.000 at L = 24/64/128`,
  });
}
