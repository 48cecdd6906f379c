/**
 * Base class of the study's tfjs layers. Each module (MHC³, LP/MP heads, PSRP, the ViT parts) is a
 * real `tf.layers.Layer`: it can be `apply`-ed, placed in a `tf.sequential`, counted with
 * `countParams()` and serialised by class name. Weights are created eagerly in the constructor from
 * the seeded `Rng` (never from tfjs' own random initialisers), so a layer is a pure function of its
 * config and seed. Composite layers register children, whose weights they own.
 *
 * Training code calls `forward()` directly (no symbolic-shape bookkeeping) and trains an explicit
 * list of `tf.Variable`s from `trainableVariables()`.
 */
import { tf } from "../../core/tf";
import { addBias, matmul2d } from "./fastops";

export type LayerVariable = tf.LayerVariable;

export abstract class ProbeLayer extends tf.layers.Layer {
  private readonly kids: ProbeLayer[] = [];
  /** Variables that AdamW must not decay (timm: biases, LayerNorm, tokens, positional embedding). */
  private readonly noDecayIds = new Set<number>();

  constructor(name?: string) {
    super(name === undefined ? {} : { name });
  }

  /** Adds a weight with the given values; `decay=false` exempts it from decoupled weight decay. */
  protected param(name: string, shape: number[], values: Float32Array, opts: { trainable?: boolean; decay?: boolean } = {}): LayerVariable {
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`${this.name}/${name}: ${values.length} values for shape [${shape}]`);
    const v = this.addWeight(name, shape, "float32", tf.initializers.zeros(), undefined, opts.trainable ?? true);
    const t = tf.tensor(values, shape);
    v.write(t);
    t.dispose();
    if (opts.decay === false || shape.length < 2) this.noDecayIds.add(v.id);
    return v;
  }

  /** Registers a child layer: its weights count as this layer's, and dispose() disposes it. */
  protected child<T extends ProbeLayer>(layer: T): T {
    this.kids.push(layer);
    return layer;
  }

  get children(): readonly ProbeLayer[] {
    return this.kids;
  }

  /** Own weights and children's, trainable or not. */
  allWeights(): LayerVariable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights, ...this.kids.flatMap((k) => k.allWeights())];
  }

  /** The tf.Variables an optimiser should update (frozen weights and frozen layers excluded). */
  trainableVariables(): tf.Variable[] {
    const own = this.trainable ? this.trainableWeights.map((w) => w.read() as tf.Variable) : [];
    return [...own, ...this.kids.flatMap((k) => k.trainableVariables())];
  }

  /** Trainable variables that AdamW should not decay. */
  noDecayVariables(): Set<tf.Variable> {
    const out = new Set<tf.Variable>();
    for (const w of this.trainableWeights) if (this.noDecayIds.has(w.id)) out.add(w.read() as tf.Variable);
    for (const k of this.kids) for (const v of k.noDecayVariables()) out.add(v);
    return out;
  }

  /** Number of scalars in every weight of this layer and its children (frozen ones included). */
  override countParams(): number {
    return this.allWeights().reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  }

  /** Copies every weight value (own then children, in creation order). */
  snapshot(): tf.Tensor[] {
    return this.allWeights().map((w) => w.read().clone());
  }

  /** Restores values taken by `snapshot()` (shapes must match). */
  restore(values: tf.Tensor[]): void {
    const ws = this.allWeights();
    if (values.length !== ws.length) throw new Error(`${this.name}.restore: ${values.length} tensors for ${ws.length} weights`);
    ws.forEach((w, i) => {
      const copy = values[i]!.clone();
      w.write(copy);
      copy.dispose();
    });
  }

  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    for (const k of this.kids) k.dispose();
    return super.dispose();
  }

  protected markBuilt(): void {
    this.built = true;
    // tfjs counts a layer as "used" (disposable) only after a symbolic apply; ours are used directly
    if (this._refCount === null) this._refCount = 1;
  }
}

/** The single tensor of a layer input, or an error naming the layer. */
export function oneInput(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`${layer} takes one input tensor, got ${inputs.length}`);
    return inputs[0]!;
  }
  return inputs;
}

/** x·W + b on the last axis of a rank-2 or rank-3 tensor. */
export function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const inDim = w.shape[0]!;
    const outDim = w.shape[1]!;
    if (x.shape[x.rank - 1] !== inDim) throw new Error(`linear: input has ${x.shape[x.rank - 1]} channels, weight expects ${inDim}`);
    const lead = x.shape.slice(0, -1);
    const flat = (x.rank === 2 ? x : tf.reshape(x, [-1, inDim])) as tf.Tensor2D;
    let y: tf.Tensor2D = matmul2d(flat, w as tf.Tensor2D);
    if (b !== null) y = addBias(y, b as tf.Tensor1D);
    return x.rank === 2 ? y : tf.reshape(y, [...lead, outDim]);
  });
}
