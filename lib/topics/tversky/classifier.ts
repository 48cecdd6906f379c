/**
 * Small image classifiers for the digits and Fashion-MNIST checks (notes §6.3, §10 items 9-14):
 * an optional ReLU MLP encoder (trainable or frozen) and a head that is linear, a small MLP, or a
 * Tversky projection. R runs (seeds) with identical shapes train together: every parameter has a
 * leading run dimension and the loss is the sum of the runs' losses, so each run is exactly an
 * independent training run with its own initialisation and its own data order.
 *
 * Seeds: run r draws from `new Rng(seeds[r])`: first split → encoder, second → head, third →
 * data order. The same seed therefore gives the same frozen encoder and the same batches whatever
 * the head, which makes head comparisons paired.
 */
import type { FlatDataset } from "../../core/data";
import { tf } from "../../core/tf";
import { Rng } from "../../core/rng";
import { Adam } from "../../core/optim";
import { runDense } from "./dense";
import { initMatrix, type InitName } from "./init";
import { project, tverskySimilarity } from "./similarity";
import { batchedCrossEntropy } from "./xor";
import { resolveOptions, type ResolvedOptions, type TverskyOptions } from "./options";
import { ArrayClassifierTrainer, trainableArrays, type ArrayModel, type DenseArrays } from "./classifier-arrays";

/** The head on top of the features: linear, a 1-hidden-layer MLP, or a Tversky projection. */
export type HeadSpec =
  | { kind: "linear" }
  /** d → hidden (ReLU) → classes: a parameter-matched non-linear baseline. */
  | { kind: "mlp"; hidden: number }
  | ({ kind: "tversky"; K: number; init: InitName; thetaInit?: number; alphaInit?: number; betaInit?: number } & TverskyOptions);

/** Shapes of one classifier configuration (every run of a BatchedClassifier shares them). */
export interface ClassifierSpec {
  inputDim: number;
  classes: number;
  /** Widths of the encoder's dense layers ([] = the head reads the raw input). */
  encoder: readonly number[];
  /** ReLU after the encoder's last layer too (default true). */
  encoderLastRelu?: boolean;
  /** Encoder weights are constants (a frozen random encoder). */
  frozenEncoder?: boolean;
  head: HeadSpec;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /**
   * How a step is computed (same function, different float32 rounding): "tensors" (default) tfjs ops,
   * autodiff and the tensor Adam; "arrays" the whole step on arrays with no tfjs op
   * (classifier-arrays.ts), faster on small layers (digits) and slower on large ones (Fashion-MNIST).
   */
  engine?: "tensors" | "arrays";
}

/** Labelled samples in core's vocabulary: X row-major [nSamples, inputDim], integer labels (any FlatDataset fits). */
export type Examples = Pick<FlatDataset, "X" | "y" | "nSamples">;

interface Param {
  name: string;
  value: tf.Tensor;
  trainable: boolean;
}

/** Glorot-uniform [rows, cols] (tf.layers.dense's default kernel initialiser). */
function glorot(rows: number, cols: number, rng: Rng): Float32Array {
  const a = Math.sqrt(6 / (rows + cols));
  return rng.uniforms(rows * cols, -a, a);
}

/** Encoder + head for R seeds at once; see the module comment for the seeding. */
export class BatchedClassifier {
  readonly R: number;
  readonly spec: ClassifierSpec;
  private readonly params: Param[] = [];
  private readonly enc: { w: tf.Tensor3D; b: tf.Tensor3D }[] = [];
  private readonly headDense: { w: tf.Tensor3D; b: tf.Tensor3D }[] = [];
  private tv:
    | { P: tf.Variable; F: tf.Variable; theta: tf.Variable; alpha: tf.Variable; beta: tf.Variable; options: ResolvedOptions }
    | undefined;
  private readonly dataRngs: Rng[];
  /** d: width of the features the head reads. */
  readonly featureDim: number;

  constructor(
    spec: ClassifierSpec,
    readonly seeds: readonly number[],
  ) {
    if (seeds.length === 0) throw new Error("BatchedClassifier: give at least one seed");
    for (const [k, v] of Object.entries({ inputDim: spec.inputDim, classes: spec.classes })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`BatchedClassifier: ${k} must be a positive integer, got ${v}`);
    }
    this.spec = spec;
    this.R = seeds.length;
    const roots = seeds.map((s) => new Rng(s));
    const encRngs = roots.map((r) => r.split());
    const headRngs = roots.map((r) => r.split());
    this.dataRngs = roots.map((r) => r.split());
    const stack = (rows: number, cols: number, draw: (rng: Rng) => Float32Array, rngs: Rng[]) => {
      const out = new Float32Array(this.R * rows * cols);
      rngs.forEach((rng, r) => out.set(draw(rng), r * rows * cols));
      return tf.tensor3d(out, [this.R, rows, cols]);
    };
    let width = spec.inputDim;
    spec.encoder.forEach((h, i) => {
      const w = stack(width, h, (rng) => glorot(width, h, rng), encRngs);
      const b = tf.zeros([this.R, 1, h]) as tf.Tensor3D;
      const layer = spec.frozenEncoder ? { w, b } : { w: tf.variable(w), b: tf.variable(b) };
      if (!spec.frozenEncoder) tf.dispose([w, b]);
      this.enc.push(layer);
      this.params.push(
        { name: `enc${i}.w`, value: layer.w, trainable: !spec.frozenEncoder },
        { name: `enc${i}.b`, value: layer.b, trainable: !spec.frozenEncoder },
      );
      width = h;
    });
    this.featureDim = width;
    const head = spec.head;
    if (head.kind === "linear" || head.kind === "mlp") {
      const sizes = head.kind === "linear" ? [width, spec.classes] : [width, head.hidden, spec.classes];
      for (let i = 1; i < sizes.length; i++) {
        const [a, c] = [sizes[i - 1]!, sizes[i]!];
        const w = tf.tidy(() => tf.variable(stack(a, c, (rng) => glorot(a, c, rng), headRngs)));
        const b = tf.tidy(() => tf.variable(tf.zeros([this.R, 1, c])));
        this.headDense.push({ w: w as tf.Variable<tf.Rank.R3>, b: b as tf.Variable<tf.Rank.R3> });
        this.params.push({ name: `head${i}.w`, value: w, trainable: true }, { name: `head${i}.b`, value: b, trainable: true });
      }
    } else if (head.kind === "tversky") {
      if (!Number.isInteger(head.K) || head.K < 1) throw new Error(`Tversky head: K must be a positive integer, got ${head.K}`);
      const options = resolveOptions(head);
      // prototypes first, then the bank, from each run's head stream
      const protos = headRngs.map((rng) => initMatrix({ init: head.init, rows: spec.classes, cols: width, rng }));
      const banks = headRngs.map((rng) => initMatrix({ init: head.init, rows: head.K, cols: width, rng }));
      const P = tf.tidy(() => tf.variable(stack(spec.classes, width, (_rng) => protos.shift()!, headRngs)));
      const F = tf.tidy(() => tf.variable(stack(head.K, width, (_rng) => banks.shift()!, headRngs)));
      const scalar = (v: number) => tf.tidy(() => tf.variable(tf.fill([this.R, 1, 1], v)));
      this.tv = {
        P,
        F,
        theta: scalar(head.thetaInit ?? 1),
        alpha: scalar(head.alphaInit ?? 0.5),
        beta: scalar(head.betaInit ?? 0.5),
        options,
      };
      for (const [name, v] of [
        ["prototypes", P],
        ["feature_bank", F],
        ["theta", this.tv.theta],
        ["alpha", this.tv.alpha],
        ["beta", this.tv.beta],
      ] as const) {
        this.params.push({ name, value: v, trainable: true });
      }
    } else {
      throw new Error(`unknown head kind ${JSON.stringify((head as { kind: string }).kind)}; use linear, mlp or tversky`);
    }
  }

  /** Features the head reads, [R, B, d]; `xT` = x[0]ᵀ when x is constant data and R = 1. */
  features(x: tf.Tensor3D, xT?: tf.Tensor2D): tf.Tensor3D {
    let h = x;
    const lastRelu = this.spec.encoderLastRelu ?? true;
    this.enc.forEach((l, i) => {
      h = runDense(h, l.w, l.b, i < this.enc.length - 1 || lastRelu, i === 0 ? xT : undefined);
    });
    return h;
  }

  /** Logits [R, B, classes] for inputs [R, B, inputDim]. */
  logits(x: tf.Tensor3D, xT?: tf.Tensor2D): tf.Tensor3D {
    const f = this.features(x, xT);
    if (this.tv) {
      const t = this.tv;
      return tverskySimilarity({
        ...t.options,
        x: f,
        prototypes: t.P,
        features: t.F,
        theta: t.theta,
        alpha: t.alpha,
        beta: t.beta,
      }) as tf.Tensor3D;
    }
    let h = f;
    this.headDense.forEach((l, i) => {
      h = runDense(h, l.w, l.b, i < this.headDense.length - 1, i === 0 && this.enc.length === 0 ? xT : undefined);
    });
    return h;
  }

  /** Trainable variables (the frozen encoder's constants excluded). */
  trainableVariables(): tf.Variable[] {
    return this.params.filter((p) => p.trainable).map((p) => p.value as tf.Variable);
  }

  /** Parameters per run: all, and the trainable ones. */
  paramCounts(): { total: number; trainable: number } {
    const per = (ps: Param[]) => ps.reduce((s, p) => s + p.value.size / this.R, 0);
    return { total: per(this.params), trainable: per(this.params.filter((p) => p.trainable)) };
  }

  /** Mini-batch Adam on the mean cross-entropy; each run shuffles with its own data stream. */
  fit(train: Examples, o: TrainOptions, onEpoch?: (epoch: number) => void): void {
    checkExamples(train, this.spec.inputDim, this.spec.classes, "training set");
    if (!(Number.isInteger(o.epochs) && o.epochs >= 0 && Number.isInteger(o.batchSize) && o.batchSize >= 1)) {
      throw new Error(`fit: epochs must be an integer ≥ 0 and batchSize ≥ 1, got ${o.epochs}, ${o.batchSize}`);
    }
    const engine = o.engine ?? "tensors";
    if (engine !== "tensors" && engine !== "arrays")
      throw new Error(`fit: unknown engine ${JSON.stringify(engine)}; use "tensors" or "arrays"`);
    if (engine === "arrays") this.fitArrays(train, o, onEpoch);
    else this.fitTensors(train, o, onEpoch);
  }

  /** Calls `step` with each mini-batch x [R, B, inputDim], one-hot y [R, B, classes] (buffers reused), in every run's own order. */
  private forEachBatch(
    train: Examples,
    o: TrainOptions,
    step: (xb: Float32Array, yb: Float32Array, B: number) => void,
    onEpoch?: (epoch: number) => void,
  ): void {
    const D = this.spec.inputDim;
    const C = this.spec.classes;
    // batches are assembled on the host: tf.gather from a large tensor is slow on wasm
    const xb = new Float32Array(this.R * o.batchSize * D);
    const yb = new Float32Array(this.R * o.batchSize * C);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const perms = this.dataRngs.map((rng) => rng.permutation(train.nSamples));
      for (let start = 0; start < train.nSamples; start += o.batchSize) {
        const B = Math.min(o.batchSize, train.nSamples - start);
        yb.fill(0);
        perms.forEach((perm, r) => {
          for (let i = 0; i < B; i++) {
            const row = perm[start + i]!;
            xb.set(train.X.subarray(row * D, (row + 1) * D), (r * B + i) * D);
            yb[(r * B + i) * C + train.y[row]!] = 1;
          }
        });
        step(xb, yb, B);
      }
      onEpoch?.(epoch + 1);
    }
  }

  private fitTensors(train: Examples, o: TrainOptions, onEpoch?: (epoch: number) => void): void {
    const vars = this.trainableVariables();
    // "reciprocal": the float32 op order of the former BatchedAdam, so trained weights are unchanged bit for bit
    const adam = new Adam(vars, { lr: o.lr, arithmetic: "reciprocal" });
    const D = this.spec.inputDim;
    const C = this.spec.classes;
    const xbT = new Float32Array(o.batchSize * D);
    try {
      this.forEachBatch(
        train,
        o,
        (xb, yb, B) => {
          const wantT = this.R === 1;
          if (wantT) {
            for (let i = 0; i < B; i++) for (let j = 0; j < D; j++) xbT[j * B + i] = xb[i * D + j]!;
          }
          const { grads, value } = tf.tidy(() => {
            const x = tf.tensor3d(xb.subarray(0, this.R * B * D), [this.R, B, D]);
            const xT = wantT ? tf.tensor2d(xbT.subarray(0, B * D), [D, B]) : undefined;
            const y = tf.tensor3d(yb.subarray(0, this.R * B * C), [this.R, B, C]);
            const out = tf.variableGrads(() => batchedCrossEntropy(this.logits(x, xT), y), vars);
            // a variable the loss does not use (θ of the ratio model) gets no gradient from tfjs: zero
            for (const v of vars) out.grads[v.name] ??= tf.zerosLike(v);
            return out;
          });
          adam.step(vars.map((v) => grads[v.name]!));
          tf.dispose([value, ...Object.values(grads)]);
        },
        onEpoch,
      );
    } finally {
      adam.dispose();
    }
  }

  /** The model's parameters as arrays (copies), for the arrays engine. */
  toArrays(): ArrayModel {
    const lastRelu = this.spec.encoderLastRelu ?? true;
    const dense = (l: { w: tf.Tensor3D; b: tf.Tensor3D }, relu: boolean, trainable: boolean): DenseArrays => ({
      w: l.w.dataSync().slice() as Float32Array,
      b: l.b.dataSync().slice() as Float32Array,
      nIn: l.w.shape[1],
      nOut: l.w.shape[2],
      relu,
      trainable,
    });
    const layers = [
      ...this.enc.map((l, i) => dense(l, i < this.enc.length - 1 || lastRelu, !this.spec.frozenEncoder)),
      ...this.headDense.map((l, i) => dense(l, i < this.headDense.length - 1, true)),
    ];
    const t = this.tv;
    const copy = (v: tf.Tensor) => v.dataSync().slice() as Float32Array;
    return {
      R: this.R,
      inputDim: this.spec.inputDim,
      classes: this.spec.classes,
      layers,
      tversky: t && {
        P: copy(t.P),
        F: copy(t.F),
        theta: copy(t.theta),
        alpha: copy(t.alpha),
        beta: copy(t.beta),
        K: t.F.shape[1]!,
        options: t.options,
      },
    };
  }

  private fitArrays(train: Examples, o: TrainOptions, onEpoch?: (epoch: number) => void): void {
    const model = this.toArrays();
    const trainer = new ArrayClassifierTrainer(model, o.lr);
    this.forEachBatch(train, o, (xb, yb, B) => void trainer.step(xb, yb, B), onEpoch);
    // back into the variables, which trainableArrays lists in trainableVariables' order
    const arrays = trainableArrays(model);
    tf.tidy(() => this.trainableVariables().forEach((v, i) => v.assign(tf.tensor(arrays[i]!, v.shape))));
  }

  /** Runs `f` on inputs tiled to every run, in chunks; returns [R][n × width] row-major. */
  private mapChunks(data: Float32Array, n: number, width: number, f: (x: tf.Tensor3D) => tf.Tensor, chunk = 1000): Float32Array[] {
    const D = this.spec.inputDim;
    if (data.length !== n * D) throw new Error(`expected ${n} × ${D} inputs, got ${data.length} numbers`);
    const out = Array.from({ length: this.R }, () => new Float32Array(n * width));
    for (let start = 0; start < n; start += chunk) {
      const c = Math.min(chunk, n - start);
      const res = tf.tidy(() => {
        const x = tf.tensor3d(data.subarray(start * D, (start + c) * D), [1, c, D]);
        return f(this.R === 1 ? x : (tf.tile(x, [this.R, 1, 1]) as tf.Tensor3D));
      });
      const v = res.dataSync();
      res.dispose();
      for (let r = 0; r < this.R; r++) out[r]!.set(v.subarray(r * c * width, (r + 1) * c * width), start * width);
    }
    return out;
  }

  /** Logits per run: [R][n × classes]. */
  predict(X: Float32Array, n: number): Float32Array[] {
    return this.mapChunks(X, n, this.spec.classes, (x) => this.logits(x));
  }

  /** Test accuracy per run. */
  accuracy(data: Examples): number[] {
    checkExamples(data, this.spec.inputDim, this.spec.classes, "evaluation set");
    return this.predict(data.X, data.nSamples).map((L) => accuracyOf(L, data.y, this.spec.classes));
  }

  /** Salience f(A) = Σ_k relu(enc(x)·f_k) per example and run (Tversky heads only). */
  salience(X: Float32Array, n: number): Float32Array[] {
    const t = this.requireTversky("salience");
    return this.mapChunks(X, n, 1, (x) =>
      tf.sum(project({ x: this.features(x), features: t.F, threshold: t.options.threshold }).measure, -1),
    );
  }

  /** ‖enc(x)‖₂ per example and run: the size of the features the head reads (salience's baseline). */
  featureNorms(X: Float32Array, n: number): Float32Array[] {
    return this.mapChunks(X, n, 1, (x) => tf.sqrt(tf.sum(tf.square(this.features(x)), -1)));
  }

  /** dL/dθ, dL/dα, dL/dβ per run on `data` (full batch; Tversky heads only). */
  scalarGradients(data: Examples): { theta: number; alpha: number; beta: number }[] {
    const t = this.requireTversky("scalarGradients");
    const D = this.spec.inputDim;
    const g = tf.tidy(() => {
      const x = tf.tile(tf.tensor3d(data.X, [1, data.nSamples, D]), [this.R, 1, 1]) as tf.Tensor3D;
      const y = tf.tile(tf.reshape(tf.oneHot(tf.tensor1d(data.y, "int32"), this.spec.classes), [1, data.nSamples, this.spec.classes]), [
        this.R,
        1,
        1,
      ]);
      const { grads } = tf.variableGrads(() => batchedCrossEntropy(this.logits(x), y), [t.theta, t.alpha, t.beta]);
      return [grads[t.theta.name]!, grads[t.alpha.name]!, grads[t.beta.name]!].map((v) => v.dataSync());
    });
    return Array.from({ length: this.R }, (_, r) => ({ theta: g[0]![r]!, alpha: g[1]![r]!, beta: g[2]![r]! }));
  }

  /** θ, α, β per run (Tversky heads only). */
  scalars(): { theta: number; alpha: number; beta: number }[] {
    const t = this.requireTversky("scalars");
    const [th, al, be] = [t.theta, t.alpha, t.beta].map((v) => v.dataSync());
    return Array.from({ length: this.R }, (_, r) => ({ theta: th![r]!, alpha: al![r]!, beta: be![r]! }));
  }

  /** Prototypes [p × d] and bank [K × d] of run r as row-major arrays (Tversky heads only). */
  tverskyWeights(r: number): { prototypes: Float32Array; bank: Float32Array; K: number; d: number; p: number } {
    const t = this.requireTversky("tverskyWeights");
    const [, p, d] = t.P.shape as number[];
    const K = t.F.shape[1]!;
    const P = t.P.dataSync().slice(r * p! * d!, (r + 1) * p! * d!);
    const F = t.F.dataSync().slice(r * K * d!, (r + 1) * K * d!);
    return { prototypes: P as Float32Array, bank: F as Float32Array, K, d: d!, p: p! };
  }

  /** A linear head's prototypes (§1.7 unified view): rows of Wᵀ, [p × d] row-major, run r. */
  linearPrototypes(r: number): Float32Array {
    if (this.spec.head.kind !== "linear")
      throw new Error(`linearPrototypes needs a linear head; this classifier has a ${this.spec.head.kind} head`);
    const W = this.headDense[0]!.w;
    const [, d, p] = W.shape;
    const all = W.dataSync();
    const out = new Float32Array(p * d);
    for (let i = 0; i < d; i++) for (let c = 0; c < p; c++) out[c * d + i] = all[r * d * p + i * p + c]!;
    return out;
  }

  /** min over i, k of Π_i·f_k per run (> 0 means the input-distinctive term D_ab is empty; §4). */
  minPrototypeFeatureDot(): number[] {
    const t = this.requireTversky("minPrototypeFeatureDot");
    const m = tf.tidy(() => tf.min(tf.matMul(t.P, t.F, false, true), [1, 2]).dataSync());
    return Array.from(m);
  }

  dispose(): void {
    tf.dispose(this.params.map((p) => p.value));
  }

  private requireTversky(what: string) {
    if (!this.tv) throw new Error(`${what} needs a Tversky head; this classifier has a ${this.spec.head.kind} head`);
    return this.tv;
  }
}

/** Fraction of rows whose argmax (first on ties) equals the label. */
export function accuracyOf(logits: Float32Array, y: Int32Array, classes: number): number {
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
    if (best === y[i] && Number.isFinite(logits[i * classes + best]!)) correct++;
  }
  return correct / y.length;
}

/** Rejects mismatched sizes, labels out of range and non-finite inputs with a named error. */
export function checkExamples(d: Examples, inputDim: number, classes: number, what: string): void {
  if (!Number.isInteger(d.nSamples) || d.nSamples < 1) throw new Error(`${what}: nSamples must be a positive integer, got ${d.nSamples}`);
  if (d.X.length !== d.nSamples * inputDim)
    throw new Error(`${what}: X has ${d.X.length} numbers, expected nSamples × inputDim = ${d.nSamples} × ${inputDim}`);
  if (d.y.length !== d.nSamples) throw new Error(`${what}: ${d.y.length} labels for ${d.nSamples} samples`);
  for (let i = 0; i < d.X.length; i++) {
    if (!Number.isFinite(d.X[i]!))
      throw new Error(`${what}: X[${Math.floor(i / inputDim)}][${i % inputDim}] is ${d.X[i]}; inputs must be finite`);
  }
  for (let i = 0; i < d.nSamples; i++) {
    if (!(d.y[i]! >= 0 && d.y[i]! < classes)) throw new Error(`${what}: label ${d.y[i]} of example ${i} is outside 0..${classes - 1}`);
  }
}
