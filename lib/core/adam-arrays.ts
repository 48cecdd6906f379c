/**
 * Adam on a plain Float32Array of parameters: the same update as `Adam` in optim.ts, op for op in
 * float32, for training loops that run wholly outside tfjs (a whole training step in one pass over
 * arrays, where the ~10 tfjs dispatches of the tensor Adam would cost more than the step itself).
 *
 * Bit for bit the tensor Adam: each float32 op of optim.ts (a multiply, add, divide or square
 * root, every scalar rounded to float32 as tfjs rounds a JS number it broadcasts) is one float64
 * op on float32 values followed by Math.fround. For +, −, ×, ÷ and √ of float32 operands that
 * double rounding equals the float32 op's single rounding (float64 has more than 2·24 + 2 bits),
 * so the result is the IEEE float32 result the backend computes. Tested against optim.ts on every
 * `arithmetic` (test/core/adam-arrays.test.ts). Clipping and weight decay are not offered here:
 * nothing that trains on arrays uses them, and they would be a second copy to keep in step.
 *
 * Kept out of optim.ts on purpose: optim.ts is in the code hash of the stored grids, and this
 * class changes nothing they compute.
 */
import type { AdamArithmetic } from "./optim";

const f32 = Math.fround;

export interface ArrayAdamOptions {
  /** Learning rate used when `step` is called without one. */
  lr?: number;
  beta1?: number;
  beta2?: number;
  /** 1e-8 as torch and optim.ts. */
  eps?: number;
  /** Float32 op order of the update, as optim.ts; "textbook" by default. */
  arithmetic?: AdamArithmetic;
}

export class ArrayAdam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly lr: number | undefined;
  readonly arithmetic: AdamArithmetic;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(
    readonly size: number,
    o: ArrayAdamOptions = {},
  ) {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error(`ArrayAdam: size must be a positive integer, got ${size}`);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.lr = o.lr;
    this.arithmetic = o.arithmetic ?? "textbook";
    for (const [k, b] of [
      ["beta1", this.beta1],
      ["beta2", this.beta2],
    ] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`ArrayAdam ${k} must be in [0, 1), got ${b}`);
    }
    if (!(this.eps > 0)) throw new Error(`ArrayAdam eps must be positive, got ${this.eps}`);
    if (this.lr !== undefined) checkLr(this.lr);
    if (!["textbook", "reciprocal", "folded"].includes(this.arithmetic)) {
      throw new Error(`ArrayAdam arithmetic must be "textbook", "reciprocal" or "folded", got ${String(this.arithmetic)}`);
    }
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One update of `params` in place; `grads[i]` is the gradient of `params[i]`, rounded to float32 here. */
  step(params: Float32Array, grads: ArrayLike<number>, lr: number | undefined = this.lr): void {
    if (params.length !== this.size || grads.length !== this.size) {
      throw new Error(`ArrayAdam.step: ${params.length} parameters and ${grads.length} gradients for an optimiser of size ${this.size}`);
    }
    if (lr === undefined) throw new Error("ArrayAdam.step: no learning rate; pass one to step() or set `lr` in the options");
    checkLr(lr);
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const b1 = f32(this.beta1),
      b1c = f32(1 - this.beta1),
      b2 = f32(this.beta2),
      b2c = f32(1 - this.beta2);
    // the step's scalars as optim.ts forms them (float64, rounded once)
    const folded = this.arithmetic === "folded";
    const num = f32(folded ? (lr * Math.sqrt(c2)) / c1 : lr / c1);
    const vScale = f32(this.arithmetic === "reciprocal" ? 1 / c2 : c2);
    const eps = f32(folded ? this.eps * Math.sqrt(c2) : this.eps);
    const divide = this.arithmetic === "textbook";
    const { m, v } = this;
    for (let i = 0; i < this.size; i++) {
      const g = f32(grads[i]!);
      const mi = f32(f32(m[i]! * b1) + f32(g * b1c));
      const vi = f32(f32(v[i]! * b2) + f32(f32(g * g) * b2c));
      m[i] = mi;
      v[i] = vi;
      const vh = folded ? vi : divide ? f32(vi / vScale) : f32(vi * vScale);
      const delta = f32(f32(mi * num) / f32(f32(Math.sqrt(vh)) + eps));
      params[i] = f32(params[i]! - delta);
    }
  }
}

function checkLr(lr: number): void {
  if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`ArrayAdam learning rate must be a finite number ≥ 0, got ${lr}`);
}
