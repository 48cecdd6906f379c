/**
 * The training recipe of the official scripts, scaled down (notes §4): AdamW with decoupled weight
 * decay on ≥2-D weights only (timm's param groups), a cosine schedule with linear warmup from
 * 1e-7 to the base rate and a floor of 1e-8, and softmax cross-entropy with optional label smoothing.
 */
import { tf } from "../../core/tf";

/** Learning rate at `step` of `total`: linear warmup from warmupStart, then cosine down to `min`. */
export function cosineWithWarmup(step: number, total: number, warmup: number, base: number, warmupStart = 1e-7, min = 1e-8): number {
  if (!(total > 0) || step < 0) throw new Error(`cosineWithWarmup needs 0 ≤ step and total > 0, got step ${step}, total ${total}`);
  if (warmup > 0 && step < warmup) return warmupStart + ((base - warmupStart) * step) / warmup;
  const span = Math.max(1, total - warmup);
  const t = Math.min(1, (step - warmup) / span);
  return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t));
}

/** Mean softmax cross-entropy of integer `labels` [B] and `logits` [B,K], with label smoothing ε (targets (1−ε)·onehot + ε/K). */
export function softmaxCE(labels: tf.Tensor1D, logits: tf.Tensor2D, smoothing = 0): tf.Scalar {
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`label smoothing must be in [0, 1), got ${smoothing}`);
  const K = logits.shape[1];
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    let target = tf.oneHot(tf.cast(labels, "int32"), K).toFloat();
    if (smoothing > 0) target = tf.add(tf.mul(target, 1 - smoothing), smoothing / K);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), 1))) as tf.Scalar;
  });
}

export interface AdamWConfig {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled decay (PyTorch AdamW: p ← p − lr·wd·p before the Adam step); 0.05 in the scripts. */
  weightDecay?: number;
  /** Variables exempt from decay; 1-D variables are always exempt (timm). */
  noDecay?: Set<tf.Variable>;
}

/**
 * AdamW (Loshchilov & Hutter) exactly as torch.optim.AdamW, on an explicit variable list:
 *   p ← p·(1 − lr·wd·[p decays]);  m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;
 *   p ← p − lr · (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε).
 * The moments live in one flat vector and the update runs on the concatenated gradient: on WASM
 * the cost of a small-model step is the number of kernels, and this needs ~5 per variable
 * instead of ~13.
 */
export class AdamW {
  readonly vars: tf.Variable[];
  private readonly sizes: number[];
  private readonly m: tf.Variable<tf.Rank.R1>;
  private readonly v: tf.Variable<tf.Rank.R1>;
  private readonly decayMask: tf.Tensor1D;
  private readonly anyDecay: boolean;
  private t = 0;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(vars: tf.Variable[], cfg: AdamWConfig = {}) {
    if (vars.length === 0) throw new Error("AdamW needs at least one variable");
    this.vars = vars;
    this.beta1 = cfg.beta1 ?? 0.9;
    this.beta2 = cfg.beta2 ?? 0.999;
    this.eps = cfg.eps ?? 1e-8;
    this.weightDecay = cfg.weightDecay ?? 0.05;
    for (const [k, b] of [["beta1", this.beta1], ["beta2", this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`AdamW ${k} must be in [0, 1), got ${b}`);
    }
    if (!(this.eps > 0)) throw new Error(`AdamW eps must be positive, got ${this.eps}`);
    if (!(this.weightDecay >= 0)) throw new Error(`AdamW weightDecay must be ≥ 0, got ${this.weightDecay}`);
    this.sizes = vars.map((v) => v.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // tidy frees the zeros; the variables keep their own reference to the data
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    const mask = new Float32Array(total);
    let off = 0;
    vars.forEach((v, i) => {
      if (v.rank >= 2 && !(cfg.noDecay?.has(v) ?? false)) mask.fill(1, off, off + this.sizes[i]!);
      off += this.sizes[i]!;
    });
    this.anyDecay = mask.some((x) => x === 1);
    this.decayMask = tf.tensor1d(mask);
  }

  get steps(): number {
    return this.t;
  }

  /** One update with `grads[i]` the gradient of `vars[i]`. */
  step(grads: tf.Tensor[], lr: number): void {
    if (grads.length !== this.vars.length) throw new Error(`AdamW.step: ${grads.length} gradients for ${this.vars.length} variables`);
    if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`AdamW learning rate must be a finite number ≥ 0, got ${lr}`);
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      const g = grads.length === 1 ? tf.reshape(grads[0]!, [-1]) : tf.concat(grads.map((x) => tf.reshape(x, [-1])));
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      this.m.assign(m as tf.Tensor1D);
      this.v.assign(v as tf.Tensor1D);
      // m̂/(√v̂ + ε) = m·(√c2/c1) / (√v + ε√c2)
      let delta = tf.div(tf.mul(m, (lr * Math.sqrt(c2)) / c1), tf.add(tf.sqrt(v), this.eps * Math.sqrt(c2)));
      const wd = lr * this.weightDecay;
      let off = 0;
      const flatP = this.vars.length === 1 ? tf.reshape(this.vars[0]!, [-1]) : tf.concat(this.vars.map((x) => tf.reshape(x, [-1])));
      if (this.anyDecay && wd > 0) delta = tf.add(delta, tf.mul(flatP, tf.mul(this.decayMask, wd)));
      const next = tf.sub(flatP, delta);
      this.vars.forEach((p, i) => {
        const size = this.sizes[i]!;
        p.assign(tf.reshape(tf.slice(next, off, size), p.shape));
        off += size;
      });
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.decayMask.dispose();
  }
}
