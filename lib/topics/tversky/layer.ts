/**
 * `TverskyProjection`: a tfjs layer computing P(a) = [S(a, Π_1), …, S(a, Π_p)] (eq. 7 per [S];
 * official `tnn.TverskyProjection`). No bias, no activation: the similarities are the logits.
 * Learnable: prototypes Π [p, d], feature bank Ω [K, d], θ, α, β (unclamped, as officially).
 *
 * Feature-bank sharing (§1.7, §7): `featureBankFrom: otherLayer` makes this layer read the other
 * layer's bank instead of owning one. Only the owner lists the bank among its weights, so a model
 * counts and updates it once while gradients from every layer that reads it add up.
 */
import { tf } from "../../core/tf";
import { Rng } from "../../core/rng";
import { initMatrix, INITS, type InitName } from "./init";
import { tverskySimilarity } from "./similarity";
import { resolveOptions, type ResolvedOptions, type TverskyOptions } from "./options";

type LayerVariable = tf.LayerVariable;

/** Constructor arguments of TverskyProjection (notes §12's suggested API, with an explicit seed). */
export interface TverskyProjectionArgs extends TverskyOptions {
  /** p: number of prototypes = outputs. */
  units: number;
  /** K = |Ω|; ignored (taken from the owner) when featureBankFrom is given. */
  featureCount?: number;
  /** Initialisation of Π and Ω (default "symmetric"; "uniform" = the official U(0,1)). */
  init?: InitName;
  /** Seed of the Rng that draws Π (and Ω when owned). Required: no hidden randomness. */
  seed: number;
  thetaInit?: number;
  alphaInit?: number;
  betaInit?: number;
  /** False freezes θ, α, β. */
  trainableScalars?: boolean;
  /** Borrow this layer's feature bank instead of owning one. */
  featureBankFrom?: TverskyProjection;
  name?: string;
  inputShape?: number[];
}

/** The Tversky projection layer (eq. 7 per [S]); a drop-in for tf.layers.dense without bias. */
export class TverskyProjection extends tf.layers.Layer {
  static className = "TverskyProjection";
  readonly units: number;
  readonly init: InitName;
  readonly seed: number;
  readonly options: ResolvedOptions;
  private readonly featureCountArg: number | undefined;
  private readonly scalarInit: [number, number, number];
  private readonly trainableScalars: boolean;
  private readonly bankOwner: TverskyProjection | undefined;
  private protoVar: LayerVariable | undefined;
  private bankVar: LayerVariable | undefined;
  private thetaVar: LayerVariable | undefined;
  private alphaVar: LayerVariable | undefined;
  private betaVar: LayerVariable | undefined;

  constructor(args: TverskyProjectionArgs) {
    super({ name: args.name, inputShape: args.inputShape });
    if (!Number.isInteger(args.units) || args.units < 1)
      throw new Error(`TverskyProjection: units must be a positive integer, got ${args.units}`);
    if (!Number.isSafeInteger(args.seed))
      throw new Error(`TverskyProjection: seed must be an integer (all randomness is seeded), got ${args.seed}`);
    if (args.featureBankFrom === undefined) {
      if (!Number.isInteger(args.featureCount) || args.featureCount! < 1) {
        throw new Error(
          `TverskyProjection: featureCount (K) must be a positive integer, got ${args.featureCount}; or pass featureBankFrom to share a bank`,
        );
      }
    }
    if (args.featureBankFrom !== undefined && !(args.featureBankFrom instanceof TverskyProjection)) {
      throw new Error(
        "TverskyProjection: featureBankFrom must be a TverskyProjection layer (layers sharing a bank cannot be rebuilt one by one from a config)",
      );
    }
    const init = args.init ?? "symmetric";
    if (!(INITS as readonly string[]).includes(init))
      throw new Error(`TverskyProjection: unknown init ${JSON.stringify(init)}; pick one of ${INITS.join(", ")}`);
    this.units = args.units;
    this.featureCountArg = args.featureCount;
    this.init = init;
    this.seed = args.seed;
    this.options = resolveOptions(args);
    this.scalarInit = [args.thetaInit ?? 1, args.alphaInit ?? 0.5, args.betaInit ?? 0.5];
    this.trainableScalars = args.trainableScalars ?? true;
    this.bankOwner = args.featureBankFrom;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1];
    if (typeof d !== "number" || d < 1)
      throw new Error(`TverskyProjection ${this.name}: the last input dimension must be known, got [${shape}]`);
    const rng = new Rng(this.seed);
    const zeros = tf.initializers.zeros();
    this.protoVar = this.addWeight("prototypes", [this.units, d], "float32", zeros);
    const write = (v: LayerVariable, rows: number) =>
      tf.tidy(() => void v.write(tf.tensor2d(initMatrix({ init: this.init, rows, cols: d, rng }), [rows, d])));
    write(this.protoVar, this.units);
    if (this.bankOwner === undefined) {
      const K = this.featureCountArg!;
      this.bankVar = this.addWeight("feature_bank", [K, d], "float32", zeros);
      write(this.bankVar, K);
    } else if (this.bankOwner.inputDim() !== d) {
      throw new Error(
        `TverskyProjection ${this.name}: shares the bank of ${this.bankOwner.name} (d = ${this.bankOwner.inputDim()}) but its input has d = ${d}`,
      );
    }
    const [th, al, be] = this.scalarInit;
    const scalar = (name: string, v: number) =>
      this.addWeight(name, [], "float32", tf.initializers.constant({ value: v }), undefined, this.trainableScalars);
    this.thetaVar = scalar("theta", th);
    this.alphaVar = scalar("alpha", al);
    this.betaVar = scalar("beta", be);
    this.built = true;
  }

  /** d, once built (from the prototypes' shape). */
  inputDim(): number {
    if (this.protoVar === undefined)
      throw new Error(`TverskyProjection ${this.name} is not built yet: call it on an input (or build it) first`);
    return this.protoVar.shape[1]!;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const d = this.inputDim();
      if (x.shape[x.rank - 1] !== d)
        throw new Error(`TverskyProjection ${this.name}: input last dimension ${x.shape[x.rank - 1]} != d = ${d}`);
      // [B, T, d] (language-model use) is flattened to [B·T, d] and back, as officially
      const flat = x.rank === 2 ? x : tf.reshape(x, [-1, d]);
      const s = tverskySimilarity({
        ...this.options,
        x: flat,
        prototypes: this.protoVar!.read(),
        features: this.bankVariable().read(),
        theta: this.thetaVar!.read(),
        alpha: this.alphaVar!.read(),
        beta: this.betaVar!.read(),
      });
      return x.rank === 2 ? s : tf.reshape(s, [...x.shape.slice(0, -1), this.units]);
    });
  }

  /** The bank this layer reads: its own, or its owner's. */
  bankVariable(): LayerVariable {
    if (this.bankOwner !== undefined) return this.bankOwner.bankVariable();
    if (this.bankVar === undefined) throw new Error(`TverskyProjection ${this.name} is not built yet: call it on an input first`);
    return this.bankVar;
  }

  /** True when this layer owns its feature bank (false when it borrows one). */
  ownsBank(): boolean {
    return this.bankOwner === undefined;
  }

  /** Π as a new tensor [p, d] (caller disposes). */
  prototypes(): tf.Tensor2D {
    return this.protoVar!.read().clone() as tf.Tensor2D;
  }

  /** Ω as a new tensor [K, d] (caller disposes). */
  featureBank(): tf.Tensor2D {
    return this.bankVariable().read().clone() as tf.Tensor2D;
  }

  scalars(): { theta: number; alpha: number; beta: number } {
    const v = (w: LayerVariable | undefined) => w!.read().dataSync()[0]!;
    return { theta: v(this.thetaVar), alpha: v(this.alphaVar), beta: v(this.betaVar) };
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      featureCount: this.featureCountArg ?? null,
      init: this.init,
      seed: this.seed,
      intersection: this.options.intersection,
      difference: this.options.difference,
      model: this.options.model,
      normalize: this.options.normalize,
      threshold: this.options.threshold,
      gmeanEps: this.options.gmeanEps,
      fused: this.options.fused,
      thetaInit: this.scalarInit[0],
      alphaInit: this.scalarInit[1],
      betaInit: this.scalarInit[2],
      trainableScalars: this.trainableScalars,
      sharesBankOf: this.bankOwner?.name ?? null,
    };
  }
}
tf.serialization.registerClass(TverskyProjection);

/**
 * The unified view (§1.7): a dense layer's outputs are dot-product similarities to prototypes,
 * the rows of Wᵀ [p, d]. Caller disposes.
 */
export function linearAsPrototypes(dense: tf.layers.Layer): tf.Tensor2D {
  const kernel = dense.getWeights()[0];
  if (kernel === undefined || kernel.rank !== 2)
    throw new Error(`linearAsPrototypes: ${dense.name} has no 2-D kernel; pass a tf.layers.dense layer that has been built`);
  return tf.transpose(kernel) as tf.Tensor2D;
}
