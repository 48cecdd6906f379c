/**
 * Section "8, 15: parameter counts": the formulas of notes §2 against what tfjs counts for built
 * models: a dense layer, a `TverskyProjection`, the official MNIST test network (conv encoder +
 * Tversky head, notes §3) and two d → d projections with separate or shared feature banks.
 */
import { tf } from "../../../core/tf";
import { Rng } from "../../../core/rng";
import { TverskyProjection, linearParams, mlpParams, sharedBankParams, tverskyParams } from "../../../topics/tversky/index";

/**
 * The official MNIST test network (notes §3): conv 1→12→12, maxpool, conv 12→12→12, maxpool,
 * conv 12→12→36 (3×3 "same"), global mean pool → TverskyProjection(36 → 10, K = 36). Built only
 * to count its parameters.
 */
export function officialMnistNet(seed: number): tf.LayersModel {
  const conv = (filters: number, relu: boolean, inputShape?: number[]) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      activation: relu ? "relu" : "linear",
      ...(inputShape ? { inputShape } : {}),
    });
  return tf.sequential({
    layers: [
      conv(12, true, [28, 28, 1]),
      conv(12, false),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(12, true),
      conv(12, false),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(12, true),
      conv(36, false),
      tf.layers.globalAveragePooling2d({}),
      new TverskyProjection({ units: 10, featureCount: 36, init: "uniform", seed }),
    ],
  });
}

/** tfjs counts of two d → d projections with their own banks or sharing the first one's, and of two dense layers. */
export function sharingModels(a: { d: number; K: number; seed: number }): { separate: number; shared: number; linear: number } {
  const { d, K } = a;
  const rng = new Rng(a.seed);
  const build = (share: boolean) => {
    const first = new TverskyProjection({ units: d, featureCount: K, seed: rng.nextSeed() });
    const second = new TverskyProjection({ units: d, featureCount: K, seed: rng.nextSeed(), ...(share ? { featureBankFrom: first } : {}) });
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [d] }), first, second] });
    const n = model.countParams();
    model.dispose();
    return n;
  };
  const lin = tf.sequential({ layers: [tf.layers.dense({ units: d, inputShape: [d] }), tf.layers.dense({ units: d })] });
  const linear = lin.countParams();
  lin.dispose();
  return { separate: build(false), shared: build(true), linear };
}

/** One count: measured by a formula or by tfjs, and what it is. */
export interface CountRow {
  /** Key the claims refer to. */
  key: string;
  label: string;
  value: number;
}

export interface ParamsResults {
  counts: CountRow[];
  /** The two-layer sharing setting (d = 64, K = 32). */
  sharing: { d: number; K: number; separate: number; shared: number; linear: number };
}

/**
 * Counts with our formulas and with tfjs's countParams. The claims compare them with the notes'
 * closed forms and the official report; the GPT-2 arithmetic is done in the claims (it uses only
 * transcribed numbers).
 */
export function runParams(a: { seed: number }): ParamsResults {
  const net = officialMnistNet(a.seed);
  const mnist = net.countParams();
  net.dispose();
  const d = 64,
    K = 32;
  const share = sharingModels({ d, K, seed: a.seed });
  const counts: CountRow[] = [
    { key: "linear-64-10", label: "linear 64→10 (formula)", value: linearParams({ d: 64, p: 10 }) },
    { key: "tversky-64-10-K1", label: "Tversky 64→10, K=1 (formula)", value: tverskyParams({ d: 64, p: 10, K: 1 }) },
    { key: "tversky-64-10-K16", label: "Tversky 64→10, K=16 (formula)", value: tverskyParams({ d: 64, p: 10, K: 16 }) },
    { key: "tversky-64-10-K64", label: "Tversky 64→10, K=64 (formula)", value: tverskyParams({ d: 64, p: 10, K: 64 }) },
    { key: "mnist-net", label: "official MNIST net (tfjs countParams)", value: mnist },
    { key: "separate", label: `2 Tversky ${d}→${d}, K=${K}, separate banks (tfjs)`, value: share.separate },
    { key: "shared", label: `2 Tversky ${d}→${d}, K=${K}, shared bank (tfjs)`, value: share.shared },
    { key: "shared-formula", label: `2 Tversky ${d}→${d}, K=${K}, shared bank (formula)`, value: sharedBankParams({ d, ps: [d, d], K }) },
    { key: "linear-2x64", label: `2 linear ${d}→${d} (tfjs)`, value: share.linear },
    { key: "linear-2x64-formula", label: `2 linear ${d}→${d} (formula)`, value: mlpParams([d, d, d]) },
  ];
  return { counts, sharing: { d, K, ...share } };
}
