/**
 * Adam over a handful of batched variables (leading run dimension). tf.train.adam would do the
 * same arithmetic; this version adds no per-variable bookkeeping beyond the moments, keeps
 * torch's eps (1e-8, tfjs's default is 1e-7) and lets a run whose gradient is NaN (official gmean)
 * go NaN on its own slice without touching the others: every op is elementwise.
 *
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  p ← p − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
 */
import { tf } from "../../core/tf";

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** Adam over `params` (any shapes); `step(grads)` applies one update to every parameter. */
export class BatchedAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;

  constructor(readonly params: tf.Variable[], o: AdamOptions) {
    this.lr = o.lr;
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    if (!(this.lr > 0 && Number.isFinite(this.lr))) throw new Error(`Adam lr must be a positive number, got ${o.lr}`);
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
      throw new Error(`Adam betas must lie in [0, 1), got ${this.beta1}, ${this.beta2}`);
    }
    // tidy frees the zero tensors the variables were copied from
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  get steps(): number {
    return this.t;
  }

  /** One update; `grads[i]` belongs to `params[i]`. The caller disposes grads. */
  step(grads: tf.Tensor[], lr = this.lr): void {
    if (grads.length !== this.params.length) throw new Error(`Adam.step: ${grads.length} gradients for ${this.params.length} parameters`);
    this.t += 1;
    const c1 = lr / (1 - this.beta1 ** this.t);
    const c2 = 1 / (1 - this.beta2 ** this.t);
    tf.tidy(() => {
      grads.forEach((g, i) => {
        const m = tf.add(tf.mul(this.m[i]!, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i]!, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const p = this.params[i]!;
        p.assign(tf.sub(p, tf.div(tf.mul(m, c1), tf.add(tf.sqrt(tf.mul(v, c2)), this.eps))));
      });
    });
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
