/**
 * von Oswald et al.'s data (notes §4; official code src/data.py): x ~ U(−r/2, r/2)^d with
 * input_range r = 1 in training (the paper text says U(−1, 1): notes pitfall 3), w ~ N(0, s²I) with
 * weight scale s = 1, noiseless, and the unseen input distributions of A.2 (create_ood_data): per
 * task one of exponential / normal / Laplace (each with probability 1/3), the context matrix divided
 * by its Frobenius norm and multiplied by r (the query by the same norm).
 */
import type { Rng } from "../../core/rng";
import { NormalStream } from "../../core/normal";
import { sampleTasks, type TaskBatch, type TaskSpec } from "./tasks";

/** The code's regression spec: input_range r, weight scale s. */
export function voSpec(o: { d: number; n: number; inputRange?: number; wScale?: number }): TaskSpec {
  const r = o.inputRange ?? 1;
  const s = o.wScale ?? 1;
  if (!(r > 0)) throw new Error(`voSpec: inputRange must be positive, got ${r}`);
  if (!(s > 0)) throw new Error(`voSpec: wScale must be positive, got ${s}`);
  return { d: o.d, n: o.n, x: { kind: "uniform", halfWidth: r / 2 }, w: { kind: "iso", tau2: s * s } };
}

/** Tasks of the code's create_ood_data with input_range r (teacher w ~ N(0, I)). */
export function sampleOodTasks(o: { d: number; n: number; inputRange: number; B: number; rng: Rng }): TaskBatch {
  const { d, n, B, inputRange } = o;
  if (!(inputRange > 0)) throw new Error(`sampleOodTasks: inputRange must be positive, got ${inputRange}`);
  const stream = new NormalStream(o.rng);
  const X = new Float32Array(B * n * d);
  const xq = new Float32Array(B * d);
  const w = new Float32Array(B * d);
  const y = new Float32Array(B * n);
  const yq = new Float32Array(B);
  const ctx = new Float64Array(n * d);
  const q = new Float64Array(d);
  const draw = (kind: number): number => {
    if (kind === 0) return -Math.log(stream.uniform()); // exponential(1)
    if (kind === 1) return stream.normal();
    const u = stream.uniform() - 0.5; // Laplace(0, 1)
    return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  };
  for (let b = 0; b < B; b++) {
    const kind = Math.min(2, Math.floor(stream.uniform() * 3));
    for (let k = 0; k < n * d; k++) ctx[k] = draw(kind);
    for (let k = 0; k < d; k++) q[k] = draw(kind);
    const norm = Math.sqrt(ctx.reduce((s, v) => s + v * v, 0));
    for (let k = 0; k < n * d; k++) X[b * n * d + k] = (ctx[k]! / norm) * inputRange;
    for (let k = 0; k < d; k++) xq[b * d + k] = (q[k]! / norm) * inputRange;
    for (let k = 0; k < d; k++) w[b * d + k] = stream.normal();
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X[(b * n + i) * d + k]! * w[b * d + k]!;
      y[b * n + i] = s;
    }
    let s = 0;
    for (let k = 0; k < d; k++) s += xq[b * d + k]! * w[b * d + k]!;
    yq[b] = s;
  }
  const spec: TaskSpec = { d, n, x: { kind: "uniform", halfWidth: inputRange / 2 }, w: { kind: "iso" } };
  return { spec, B, n, d, X, y, xq, yq, fq: yq.slice(), w };
}

/** B tasks of a spec (re-exported convenience with the seed split fixed). */
export function voTasks(spec: TaskSpec, B: number, rng: Rng): TaskBatch {
  return sampleTasks(spec, B, rng);
}
