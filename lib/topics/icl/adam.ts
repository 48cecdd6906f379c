/**
 * Adam (Kingma & Ba) on one flat parameter vector, written with tfjs ops. tf.train.adam keeps
 * state per variable and dispatches ~10 ops per variable per step; with all parameters in one
 * vector the whole update is ~10 small ops. The update is the standard bias-corrected one,
 *   θ ← θ − lr · m̂ / (√v̂ + ε),   m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ),
 * identical to tf.train.adam and torch.optim.Adam (checked in the tests).
 */
import { tf } from "../../core/tf";

export interface AdamConfig {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Rescale the gradient to this global L2 norm when it is larger (von Oswald's code clips). */
  clipGlobalNorm?: number;
}

export class FlatAdam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly clip: number | undefined;
  private readonly m: tf.Variable<tf.Rank.R1>;
  private readonly v: tf.Variable<tf.Rank.R1>;
  private t = 0;

  constructor(size: number, config: AdamConfig = {}) {
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.eps = config.eps ?? 1e-8;
    this.clip = config.clipGlobalNorm;
    for (const [k, v] of [["beta1", this.beta1], ["beta2", this.beta2]] as const) {
      if (!(v >= 0 && v < 1)) throw new Error(`Adam ${k} must be in [0, 1), got ${v}`);
    }
    if (!(this.eps > 0)) throw new Error(`Adam eps must be positive, got ${this.eps}`);
    if (this.clip !== undefined && !(this.clip > 0)) throw new Error(`Adam clipGlobalNorm must be positive, got ${this.clip}`);
    const zero = tf.zeros([size]) as tf.Tensor1D;
    this.m = tf.variable(zero, false);
    this.v = tf.variable(zero, false);
    zero.dispose();
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One update of `param` with gradient `grad` at learning rate `lr`. */
  step(param: tf.Variable<tf.Rank.R1>, grad: tf.Tensor1D, lr: number): void {
    if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`Adam learning rate must be a non-negative number, got ${lr}`);
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      let g: tf.Tensor1D = grad;
      if (this.clip !== undefined) {
        const norm = tf.norm(g);
        g = tf.mul(g, tf.minimum(1, tf.div(this.clip, tf.maximum(norm, 1e-30))));
      }
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      this.m.assign(m as tf.Tensor1D);
      this.v.assign(v as tf.Tensor1D);
      const update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
      param.assign(tf.sub(param, update) as tf.Tensor1D);
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

/** Learning rate at `step` (0-based): linear warmup, then constant or cosine decay to lr·final. */
export function learningRate(step: number, total: number, s: { lr: number; schedule?: "constant" | "cosine"; warmup?: number; final?: number }): number {
  const warmup = s.warmup ?? 0;
  if (warmup > 0 && step < warmup) return (s.lr * (step + 1)) / warmup;
  if ((s.schedule ?? "constant") === "constant") return s.lr;
  const span = Math.max(1, total - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  const final = s.final ?? 0;
  return s.lr * (final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
