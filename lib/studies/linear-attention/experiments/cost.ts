/**
 * Cost curves (notes §2c C1-C4): CPU time of each algorithm against sequence length, one head,
 * d = 64, C = 64, float32, median of repeated CPU-time measurements. Reported with the machine's
 * load average at the start and end (a shared machine: slopes and ratios are robust, absolute
 * times are not).
 */
import * as os from "node:os";
import { Rng } from "../../../core/rng";
import { median } from "../../../core/stats";
import {
  FORMS,
  flopCrossover,
  flops,
  fitLogLogSlope,
  measuredCrossover,
  randomInputs,
  runForm,
  timeCpu,
  type CostPoint,
  type Form,
} from "../../../topics/sequence-memory";

export interface CostSpec {
  d: number;
  C: number;
  /** Lengths for the linear-cost forms (recurrent, chunk). */
  linearLs: number[];
  /** Lengths for the quadratic forms (masked quadratic LA, fully parallel DeltaNet). */
  quadraticLs: number[];
  repeats: number;
  seed: number;
}

export interface CostResult {
  spec: CostSpec;
  points: CostPoint[];
  slopes: { form: Form; slope: number; se: number; Ls: number[] }[];
  crossovers: { pair: string; measured: number; flopModel: number }[];
  load: { start: number[]; end: number[] };
  /** Single-core peak of a plain-JS float32 GEMM on this machine (GFLOP/s), the reference for the achieved rates. */
  jsGemmPeak: number;
}

const QUADRATIC: readonly Form[] = ["la-quadratic", "delta-parallel"];

/** A cache-blocked float32 GEMM in plain JS: the best these scalar kernels could hope for. */
export function jsGemmGflops(o: { n: number; repeats: number }): number {
  const n = o.n;
  const rng = new Rng(1);
  const a = Float32Array.from({ length: n * n }, () => rng.normal());
  const b = Float32Array.from({ length: n * n }, () => rng.normal());
  const c = new Float32Array(n * n);
  const gemm = () => {
    c.fill(0);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        const aik = a[i * n + k]!;
        const bo = k * n;
        const co = i * n;
        for (let j = 0; j < n; j++) c[co + j] = c[co + j]! + aik * b[bo + j]!;
      }
  };
  const t = median(timeCpu(gemm, { repeats: o.repeats }));
  return (2 * n * n * n) / t / 1e9;
}

export function runCost(spec: CostSpec): CostResult {
  const start = os.loadavg();
  const points: CostPoint[] = [];
  const maxL = Math.max(...spec.linearLs, ...spec.quadraticLs);
  const x = randomInputs({ L: maxL, d: spec.d, rng: new Rng(spec.seed) });
  const slice = (L: number) => ({
    q: x.q.subarray(0, L * spec.d),
    k: x.k.subarray(0, L * spec.d),
    v: x.v.subarray(0, L * spec.d),
    beta: x.beta.subarray(0, L),
  });
  for (const form of FORMS) {
    const Ls = QUADRATIC.includes(form) ? spec.quadraticLs : spec.linearLs;
    for (const L of Ls) {
      const xs = slice(L);
      const o = { L, d: spec.d, C: spec.C };
      const repeats = timeCpu(() => runForm(form, xs, o), { repeats: spec.repeats });
      const seconds = median(repeats);
      const f = flops(form, o);
      points.push({ form, L, seconds, repeats, flops: f, gflops: f / seconds / 1e9 });
    }
  }
  const slopes = FORMS.map((form) => {
    // The slope is fitted where fixed costs no longer matter; a short sweep (smoke scale) that has
    // fewer than two such lengths falls back to its three longest, and `Ls` says which were used.
    const lo = QUADRATIC.includes(form) ? 512 : 1024;
    const all = points.filter((p) => p.form === form);
    const long = all.filter((p) => p.L >= lo);
    const ps = long.length >= 2 ? long : all.slice(-3);
    return { form, ...fitLogLogSlope(ps), Ls: ps.map((p) => p.L) };
  });
  const of = (f: Form) => points.filter((p) => p.form === f);
  const crossovers = [
    {
      pair: "LA quadratic vs chunked",
      measured: measuredCrossover(of("la-quadratic"), of("la-chunk")),
      flopModel: flopCrossover("la-quadratic", "la-chunk", spec),
    },
    {
      pair: "DeltaNet parallel vs chunked",
      measured: measuredCrossover(of("delta-parallel"), of("delta-chunk")),
      flopModel: flopCrossover("delta-parallel", "delta-chunk", spec),
    },
  ];
  const jsGemmPeak = jsGemmGflops({ n: 256, repeats: 3 });
  return { spec, points, slopes, crossovers, load: { start, end: os.loadavg() }, jsGemmPeak };
}
