/**
 * Adam and AdamW (Kingma & Ba; Loshchilov & Hutter) over an explicit list of tfjs variables, and
 * the warmup + cosine learning-rate schedule. One implementation for every study:
 *
 *   g ← g·min(1, c/‖g‖)                      (optional global-norm clipping, over all variables)
 *   m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
 *   p ← p − lr·m̂/(√v̂ + ε) − lr·wd·p·[p decays],   m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
 *
 * The moments live in one flat vector and the update runs on the concatenated gradient: on WASM a
 * small model's step costs one kernel dispatch per op, so ~10 ops in total beat ~10 per variable.
 * Every op is elementwise (clipping aside), so a NaN gradient stays on its own elements: a run
 * that goes NaN inside a batched variable does not touch the other runs.
 *
 * The three former copies computed m̂/(√v̂ + ε) with different float32 op orders. `arithmetic`
 * names each one so that a study reproduces its previous numbers bit for bit (float32 roundings
 * of mathematically equal expressions differ in the last bit, and over thousands of steps on a
 * chaotic problem such as XOR training this changes which runs converge):
 *   "textbook"   (m·(lr/c₁)) / (√(v/c₂) + ε)          lib/icl/adam.ts FlatAdam
 *   "reciprocal" (m·(lr/c₁)) / (√(v·(1/c₂)) + ε)      lib/tversky/adam.ts BatchedAdam
 *   "folded"     (m·(lr√c₂/c₁)) / (√v + ε√c₂)         lib/probing/optim.ts AdamW (saves one op)
 * with c₁ = 1−β₁ᵗ, c₂ = 1−β₂ᵗ, the scalars formed in float64 and rounded once to float32.
 * Weight decay follows lib/probing/optim.ts: p ← p − (adamStep + p·(lr·wd·mask)), which equals
 * torch.optim.AdamW's p·(1 − lr·wd) − adamStep up to float32 rounding.
 */
import { tf } from "./tf";

/** The float32 evaluation order of the bias-corrected step; see the module comment. */
export type AdamArithmetic = "textbook" | "reciprocal" | "folded";

export interface AdamOptions {
  /** Learning rate used when `step` is called without one. */
  lr?: number;
  beta1?: number;
  beta2?: number;
  /** 1e-8 as torch (tf.train.adam's default is 1e-7). */
  eps?: number;
  /** Rescale the gradient to this global L2 norm (over all variables together) when it is larger. */
  clipGlobalNorm?: number;
  /** Decoupled weight decay (AdamW); 0, plain Adam, by default. */
  weightDecay?: number;
  /** Variables exempt from decay. */
  noDecay?: ReadonlySet<tf.Variable>;
  /** Decay 1-D variables (biases, norms) too; false by default, as timm's param groups. */
  decayVectors?: boolean;
  /** Float32 op order of the update; "textbook" by default. */
  arithmetic?: AdamArithmetic;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly lr: number | undefined;
  readonly clip: number | undefined;
  readonly weightDecay: number;
  readonly arithmetic: AdamArithmetic;
  private readonly sizes: number[];
  private readonly m: tf.Variable<tf.Rank.R1>;
  private readonly v: tf.Variable<tf.Rank.R1>;
  private readonly decayMask: tf.Tensor1D | undefined;
  private t = 0;

  constructor(readonly vars: tf.Variable[], o: AdamOptions = {}) {
    if (vars.length === 0) throw new Error("Adam needs at least one variable to optimise");
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.lr = o.lr;
    this.clip = o.clipGlobalNorm;
    this.weightDecay = o.weightDecay ?? 0;
    this.arithmetic = o.arithmetic ?? "textbook";
    for (const [k, b] of [["beta1", this.beta1], ["beta2", this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`Adam ${k} must be in [0, 1), got ${b}`);
    }
    if (!(this.eps > 0)) throw new Error(`Adam eps must be positive, got ${this.eps}`);
    if (this.lr !== undefined) checkLr(this.lr);
    if (this.clip !== undefined && !(this.clip > 0)) throw new Error(`Adam clipGlobalNorm must be positive, got ${this.clip}; omit it for no clipping`);
    if (!(this.weightDecay >= 0 && Number.isFinite(this.weightDecay))) throw new Error(`Adam weightDecay must be a finite number ≥ 0, got ${this.weightDecay}`);
    if (!["textbook", "reciprocal", "folded"].includes(this.arithmetic)) {
      throw new Error(`Adam arithmetic must be "textbook", "reciprocal" or "folded", got ${String(this.arithmetic)}`);
    }
    this.sizes = vars.map((v) => v.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // tidy frees the zeros; the variables keep their own copy
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false) as tf.Variable<tf.Rank.R1>);
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false) as tf.Variable<tf.Rank.R1>);
    if (this.weightDecay > 0) {
      const mask = new Float32Array(total);
      let off = 0;
      vars.forEach((v, i) => {
        const decays = (v.rank >= 2 || (o.decayVectors ?? false)) && !(o.noDecay?.has(v) ?? false);
        if (decays) mask.fill(1, off, off + this.sizes[i]!);
        off += this.sizes[i]!;
      });
      if (mask.some((x) => x === 1)) this.decayMask = tf.tensor1d(mask);
    }
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One update; `grads[i]` is the gradient of `vars[i]` (the caller disposes it). */
  step(grads: readonly tf.Tensor[], lr: number | undefined = this.lr): void {
    if (grads.length !== this.vars.length) throw new Error(`Adam.step: ${grads.length} gradients for ${this.vars.length} variables`);
    if (lr === undefined) throw new Error("Adam.step: no learning rate; pass one to step() or set `lr` in the options");
    checkLr(lr);
    grads.forEach((g, i) => {
      if (g.size !== this.sizes[i]) throw new Error(`Adam.step: gradient ${i} has ${g.size} elements, its variable ${this.sizes[i]}`);
    });
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      let g = flatten(grads);
      if (this.clip !== undefined) {
        const norm = tf.norm(g);
        g = tf.mul(g, tf.minimum(1, tf.div(this.clip, tf.maximum(norm, 1e-30))));
      }
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1)) as tf.Tensor1D;
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)) as tf.Tensor1D;
      this.m.assign(m);
      this.v.assign(v);
      let delta: tf.Tensor1D;
      if (this.arithmetic === "textbook") delta = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
      else if (this.arithmetic === "reciprocal") delta = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.mul(v, 1 / c2)), this.eps));
      else delta = tf.div(tf.mul(m, (lr * Math.sqrt(c2)) / c1), tf.add(tf.sqrt(v), this.eps * Math.sqrt(c2)));
      const p = flatten(this.vars);
      const wd = lr * this.weightDecay;
      if (this.decayMask !== undefined && wd > 0) delta = tf.add(delta, tf.mul(p, tf.mul(this.decayMask, wd)));
      const next = tf.sub(p, delta);
      let off = 0;
      this.vars.forEach((x, i) => {
        const size = this.sizes[i]!;
        x.assign(this.vars.length === 1 ? tf.reshape(next, x.shape) : tf.reshape(tf.slice(next, off, size), x.shape));
        off += size;
      });
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.decayMask?.dispose();
  }
}

function checkLr(lr: number): void {
  if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`Adam learning rate must be a finite number ≥ 0, got ${lr}`);
}

function flatten(xs: readonly tf.Tensor[]): tf.Tensor1D {
  return (xs.length === 1 ? tf.reshape(xs[0]!, [-1]) : tf.concat(xs.map((x) => tf.reshape(x, [-1])))) as tf.Tensor1D;
}

/** Options of `learningRate`. */
export interface ScheduleOptions {
  /** Peak (base) learning rate. */
  base: number;
  /** Total number of steps; the cosine reaches its floor at step `total`. */
  total: number;
  /** Linear-warmup steps (0: none). */
  warmup?: number;
  /** Rate the warmup ramps from (0 by default; timm's 1e-7 in moment-probing). */
  warmupStart?: number;
  /**
   * 1: step 0 already gets start + (base − start)/warmup and step warmup−1 reaches base (icl);
   * 0: step 0 gets warmupStart and step warmup reaches base (timm, probing). Default 0.
   */
  warmupOffset?: 0 | 1;
  /** After warmup: cosine decay (default) or constant at base. */
  decay?: "cosine" | "constant";
  /** Cosine floor as a fraction of base: base·(f + (1−f)·½(1 + cos πt)) (icl's `final`). */
  finalFraction?: number;
  /** Cosine floor as an absolute rate: min + ½(base − min)(1 + cos πt) (timm's lr_min). */
  min?: number;
}

/**
 * Learning rate at 0-based `step`: linear warmup, then cosine (or constant). Both floor forms are
 * kept because they round differently in float64 and each study's numbers depend on its own.
 *   icl  learningRate(step, total, {lr, schedule, warmup, final})
 *     = learningRate(step, {base: lr, total, warmup, warmupOffset: 1, decay: schedule, finalFraction: final ?? 0})
 *   probing cosineWithWarmup(step, total, warmup, base)
 *     = learningRate(step, {base, total, warmup, warmupStart: 1e-7, min: 1e-8})
 */
export function learningRate(step: number, s: ScheduleOptions): number {
  const warmup = s.warmup ?? 0;
  if (!(Number.isInteger(step) && step >= 0)) throw new Error(`learningRate: step must be an integer ≥ 0, got ${step}`);
  if (!(s.total > 0)) throw new Error(`learningRate: total must be positive, got ${s.total}`);
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new Error(`learningRate: warmup must be an integer ≥ 0, got ${warmup}`);
  if (s.finalFraction !== undefined && s.min !== undefined) {
    throw new Error("learningRate: give the cosine floor either as finalFraction (relative) or as min (absolute), not both");
  }
  if (warmup > 0 && step < warmup) {
    const start = s.warmupStart ?? 0;
    return start + ((s.base - start) * (step + (s.warmupOffset ?? 0))) / warmup;
  }
  if ((s.decay ?? "cosine") === "constant") return s.base;
  const span = Math.max(1, s.total - warmup);
  const t = Math.min(1, (step - warmup) / span);
  if (s.min !== undefined) return s.min + 0.5 * (s.base - s.min) * (1 + Math.cos(Math.PI * t));
  const f = s.finalFraction ?? 0;
  return s.base * (f + (1 - f) * 0.5 * (1 + Math.cos(Math.PI * t)));
}
