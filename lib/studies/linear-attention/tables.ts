/** Row builders for the notebook's tables (and figures/linear-attention/results.csv). */
import type { ClaimRecord } from "../../core/claims";
import type { Row } from "../../core/results";
import { flops, type CostPoint } from "../../topics/sequence-memory";
import type { CostResult } from "./experiments/cost";
import type { ExactnessResult } from "./experiments/exactness";
import type { CapacityResult, DigitsResult, HopfieldExact, MetastableResult, RetrievalTables } from "./experiments/hopfield";
import type { CapabilityRead } from "./experiments/capability";
import { wilsonInterval } from "../../core/stats";
import type { TrainResult } from "../../topics/sequence-memory/train";
import { heldOutTrials, plateauEscape } from "./claims";

const sci = (x: number) => Number(x.toPrecision(3));

export function exactRows(r: ExactnessResult): Row[] {
  return [
    ...r.rows.map((x) => ({
      check: x.id,
      what: x.what,
      precision: x.precision,
      max_error: sci(x.error),
      kind: x.relative ? "relative" : "absolute",
      max_abs_output: sci(x.scale),
    })),
    {
      check: "DN7",
      what: "max |T|, C = d = 64, β = 0.5: unit keys / raw N(0,1) keys",
      precision: "f64",
      max_error: sci(r.dn7.raw),
      kind: `unit keys ${sci(r.dn7.unit)}`,
      max_abs_output: null,
    },
    ...r.dn8.betas.map((b, i) => ({
      check: "DN8",
      what: `‖DeltaNet/β − LA‖∞/‖LA‖∞ at β = ${b}`,
      precision: "f64",
      max_error: sci(r.dn8.rel[i]!),
      kind: "relative",
      max_abs_output: null,
    })),
    {
      check: "DN8",
      what: "orthonormal keys, β = 1: |DeltaNet − LA|",
      precision: "f64",
      max_error: sci(r.dn8.orthonormal),
      kind: "absolute",
      max_abs_output: null,
    },
    ...r.dn9.map((x) => ({
      check: "DN9",
      what: `T in float32, C = ${x.C}: forward substitution / doubling product (max power ${sci(x.maxPower)})`,
      precision: "f32",
      max_error: sci(x.doubling),
      kind: `substitution ${sci(x.substitution)}`,
      max_abs_output: null,
    })),
  ];
}

export function costRows(r: CostResult): Row[] {
  return r.points.map((p: CostPoint) => ({
    form: p.form,
    L: p.L,
    cpu_ms: sci(p.seconds * 1e3),
    min_ms: sci(Math.min(...p.repeats) * 1e3),
    max_ms: sci(Math.max(...p.repeats) * 1e3),
    mflop: sci(p.flops / 1e6),
    gflops: sci(p.gflops),
    us_per_token: sci((p.seconds * 1e6) / p.L),
  }));
}

export function slopeRows(r: CostResult): Row[] {
  return [
    ...r.slopes.map((s) => ({
      quantity: `slope ${s.form}`,
      measured: sci(s.slope),
      se: sci(s.se),
      model: s.form === "la-quadratic" || s.form === "delta-parallel" ? 2 : 1,
      range: `L = ${s.Ls[0]} … ${s.Ls[s.Ls.length - 1]}`,
    })),
    ...r.crossovers.map((c) => ({
      quantity: `crossover ${c.pair}`,
      measured: sci(c.measured),
      se: null,
      model: sci(c.flopModel),
      range: "factor 2 band",
    })),
    {
      quantity: "plain-JS float32 GEMM (n = 256), GFLOP/s",
      measured: sci(r.jsGemmPeak),
      se: null,
      model: null,
      range: "this machine, one core, under load",
    },
  ];
}

export function hopfieldExactRows(r: HopfieldExact): Row[] {
  return [
    { check: "HF1", beta: 0.25, quantity: "max |update − softmax attention|", value: sci(r.attentionDiff) },
    ...r.energy.flatMap((e) => [
      { check: "HF2", beta: e.beta, quantity: "largest energy increase per step", value: sci(e.maxIncrease) },
      { check: "HF2", beta: e.beta, quantity: "smallest energy (≥ 0)", value: sci(e.minEnergy) },
    ]),
  ];
}

export function retrievalRows(t: RetrievalTables): Row[] {
  return [...t.hf4.map((c) => ({ c, id: "HF4" })), ...t.hf5.map((c) => ({ c, id: "HF5" }))].flatMap(({ c, id }) =>
    c.rows.map((x) => ({
      check: id,
      d: c.d,
      N: c.N,
      beta: x.beta,
      rel_error: sci(x.relErr),
      se: sci(x.relErrSe),
      exact_signs: c.kind === "pm1" ? sci(x.signExact) : null,
      n_eff: sci(x.nEff),
      bound_violations: x.boundViolations,
      queries: c.queries,
    })),
  );
}

export function capacityRows(r: CapacityResult): Row[] {
  return r.ds.map((d, i) => ({ d, n95_argmax: sci(r.argmax[i]!.n95), n95_beta1: sci(r.beta1[i]!.n95), classical_014d: sci(0.14 * d) }));
}

export function metastableRows(r: MetastableResult): Row[] {
  return r.rows.map((x) => ({
    beta: x.beta,
    n_eff: sci(x.nEff),
    own_cluster_mass: sci(x.ownCluster),
    max_to_global_mean: sci(x.toGlobalMean),
    max_to_cluster_mean: sci(x.toClusterMean),
    own_pattern: sci(x.ownPattern),
    converged: x.converged,
  }));
}

export function digitsRows(r: DigitsResult): Row[] {
  return r.rows.map((x) => ({ N: x.N, beta: x.beta, exact_index: sci(x.exactIndex), class_rate: sci(x.classRate), n_eff: sci(x.nEff) }));
}

export function capabilityRows(c: CapabilityRead): Row[] {
  return [...c.mqar, ...c.s3].map((e) => ({
    job: e.job.label,
    steps: e.job.steps,
    batch: e.job.batch,
    status: e.result ? "stored" : "not computed",
    final_acc: e.result ? sci(e.result.finalAcc) : null,
    final_loss: e.result ? sci(e.result.loss[e.result.loss.length - 1]!.loss) : null,
    lengths: e.result?.lengths ? e.result.lengths.map((l) => `L=${l.L}: ${l.tokenAcc.toFixed(3)}/${l.seqAcc.toFixed(3)}`).join("; ") : null,
    cpu_s: e.result ? sci(e.result.cpuSeconds) : null,
  }));
}

const wilson = (acc: number, n: number) => {
  const w = wilsonInterval(Math.round(acc * n), n);
  return `[${w.lo.toFixed(3)}, ${w.hi.toFixed(3)}]`;
};

/** MQAR per seed: final held-out accuracy (95% Wilson interval over the held-out queries), the paired difference, plateau exits. */
export function mqarSeedRows(runs: TrainResult[]): Row[] {
  const seeds = [...new Set(runs.map((r) => r.spec.seed))].sort((a, b) => a - b);
  return seeds.map((seed) => {
    const d = runs.find((r) => r.spec.seed === seed && r.spec.model.rule === "delta");
    const l = runs.find((r) => r.spec.seed === seed && r.spec.model.rule === "linear");
    const esc = (r?: TrainResult) => (r ? (plateauEscape(r).escaped ? plateauEscape(r).steps : `never (${r.spec.steps})`) : null);
    return {
      seed,
      deltanet_acc: d ? sci(d.finalAcc) : null,
      deltanet_95: d ? wilson(d.finalAcc, heldOutTrials(d)) : null,
      la_acc: l ? sci(l.finalAcc) : null,
      la_95: l ? wilson(l.finalAcc, heldOutTrials(l)) : null,
      diff: d && l ? sci(d.finalAcc - l.finalAcc) : null,
      deltanet_leaves_plateau: esc(d),
      la_leaves_plateau: esc(l),
      deltanet_final_loss: d ? sci(d.loss[d.loss.length - 1]!.loss) : null,
      la_final_loss: l ? sci(l.loss[l.loss.length - 1]!.loss) : null,
      cpu_s: `${d ? Math.round(d.cpuSeconds) : "-"} / ${l ? Math.round(l.cpuSeconds) : "-"}`,
    };
  });
}

/** S₃ per seed, n_h and length: token accuracy (95% Wilson interval) and whole-sequence accuracy. */
export function s3SeedRows(runs: TrainResult[]): Row[] {
  return [...runs]
    .sort((a, b) => a.spec.seed - b.spec.seed || a.spec.model.nh - b.spec.model.nh)
    .flatMap((r) =>
      (r.lengths ?? []).map((l) => ({
        seed: r.spec.seed,
        n_h: r.spec.model.nh,
        L: l.L,
        token_acc: sci(l.tokenAcc),
        token_95: wilson(l.tokenAcc, heldOutTrials(r, l.L)),
        seq_acc: sci(l.seqAcc),
        final_loss: sci(r.loss[r.loss.length - 1]!.loss),
        cpu_s: Math.round(r.cpuSeconds),
      })),
    );
}

/** The checks of a claim record, one row each (to show a rule applied to a diagnostic without recording a claim). */
export function ruleRows(c: ClaimRecord): Row[] {
  return c.parts.flatMap((p) =>
    p.checks.map((k) => ({ part: p.role, check: k.label, expected: k.expected, measured: k.measured, pass: k.pass ? "holds" : "fails" })),
  );
}

/** Nominal FLOPs of one form (re-exported for the notebook's cost note). */
export { flops };
