/**
 * Section "4-7: XOR": the linear baseline (notes §10 item 4), the notes' §5.3 deterministic test
 * vector, the §5.3 calibration rows (20 seeds per K, the same seeds in every row) and the decision
 * regions of one solved layer.
 */
import { tf } from "../../../core/tf";
import {
  TverskyProjection,
  XOR_X,
  trainXorBatch,
  trainXorLinearBatch,
  tverskySimilarity,
  type DifferenceReduction,
  type InitName,
  type IntersectionReduction,
  type XorRun,
  type XorRunResult,
} from "../../../topics/tversky/index";
import { XOR_ENGINE } from "../kernel";
import { convergence } from "./xor-grid";

/** The §5.3 rows at lr 0.01, in the notes' order (their converged counts live in claims.ts). */
export const CALIBRATION_VARIANTS: readonly {
  key: string;
  label: string;
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
  init: InitName;
}[] = [
  {
    key: "product+ignorematch",
    label: "product + ignorematch, U(0,1)",
    intersection: "product",
    difference: "ignorematch",
    init: "uniform",
  },
  {
    key: "product+substractmatch",
    label: "product + substractmatch, U(0,1)",
    intersection: "product",
    difference: "substractmatch",
    init: "uniform",
  },
  {
    key: "product+ignorematch N",
    label: "product + ignorematch, N(0,1)",
    intersection: "product",
    difference: "ignorematch",
    init: "normal",
  },
  {
    key: "product+substractmatch N",
    label: "product + substractmatch, N(0,1)",
    intersection: "product",
    difference: "substractmatch",
    init: "normal",
  },
  {
    key: "product+substractmatch_pf",
    label: "product + substractmatch_pf, U(0,1)",
    intersection: "product",
    difference: "substractmatch_pf",
    init: "uniform",
  },
  {
    key: "product+substractmatch_pf_plus",
    label: "product + substractmatch_pf_plus, U(0,1)",
    intersection: "product",
    difference: "substractmatch_pf_plus",
    init: "uniform",
  },
  {
    key: "mean+substractmatch",
    label: "mean + substractmatch, U(0,1)",
    intersection: "mean",
    difference: "substractmatch",
    init: "uniform",
  },
  {
    key: "min+ignorematch",
    label: "min (aggregate) + ignorematch, U(0,1)",
    intersection: "min",
    difference: "ignorematch",
    init: "uniform",
  },
  {
    key: "min_pf+ignorematch",
    label: "min (per-feature) + ignorematch, U(0,1)",
    intersection: "min_pf",
    difference: "ignorematch",
    init: "uniform",
  },
  {
    key: "max+ignorematch",
    label: "max (aggregate) + ignorematch, U(0,1)",
    intersection: "max",
    difference: "ignorematch",
    init: "uniform",
  },
  {
    key: "max_pf+ignorematch",
    label: "max (per-feature) + ignorematch, U(0,1)",
    intersection: "max_pf",
    difference: "ignorematch",
    init: "uniform",
  },
  {
    key: "min+substractmatch",
    label: "min (aggregate) + substractmatch, U(0,1)",
    intersection: "min",
    difference: "substractmatch",
    init: "uniform",
  },
];

export interface CalibrationSpec {
  Ks: readonly number[];
  seedsPerK: number;
  lr: number;
  steps: number;
  seedBase: number;
}

export interface CalibrationVariant {
  key: string;
  label: string;
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
  init: InitName;
  runs: XorRunResult[];
  byK: { K: number; converged: number; n: number }[];
  converged: number;
  n: number;
  rate: number;
}

/** The notes' §5.3 rows: no normalisation, Π and Ω from the same init; the same seeds for every variant. */
export function xorCalibration(spec: CalibrationSpec): CalibrationVariant[] {
  const runsFor = (init: InitName): XorRun[] =>
    spec.Ks.flatMap((K, k) =>
      Array.from({ length: spec.seedsPerK }, (_, i) => ({
        K,
        normalize: false,
        protoInit: init,
        featureInit: init,
        seed: spec.seedBase + k * spec.seedsPerK + i,
      })),
    );
  return CALIBRATION_VARIANTS.map((v) => {
    const runs = trainXorBatch(
      { intersection: v.intersection, difference: v.difference, lr: spec.lr, steps: spec.steps, engine: XOR_ENGINE },
      runsFor(v.init),
      { keepWeights: true },
    );
    const byK = spec.Ks.map((K) => {
      const c = convergence(runs, (r) => r.K === K);
      return { K, converged: c.converged, n: c.n };
    });
    const all = convergence(runs);
    return { ...v, runs, byK, converged: all.converged, n: all.n, rate: all.p };
  });
}

/** The §5.3 weights (product + ignorematch, K = 2; printed to 3 decimals in the notes). */
export const TEST_VECTOR_WEIGHTS = {
  F: [
    [-2.255, -1.944],
    [1.599, 1.605],
  ],
  P: [
    [-2.305, -1.423],
    [3.228, 3.546],
  ],
  theta: -1.272,
  alpha: -0.582,
  beta: 4.343,
};

/** The §5.3 deterministic test vector: its logits on the 4 points and their argmax. */
export function xorTestVector(): { logits: number[][]; argmax: number[] } {
  const w = TEST_VECTOR_WEIGHTS;
  const logits = tf.tidy(() => {
    const X = tf.tensor2d(XOR_X.map((p) => [...p]));
    return tverskySimilarity({
      x: X,
      prototypes: tf.tensor2d(w.P),
      features: tf.tensor2d(w.F),
      theta: w.theta,
      alpha: w.alpha,
      beta: w.beta,
      intersection: "product",
      difference: "ignorematch",
    }).arraySync() as number[][];
  });
  return { logits, argmax: logits.map((r) => (r[1]! > r[0]! ? 1 : 0)) };
}

/**
 * The decision function of a trained run, S(x, Π₁) − S(x, Π₀) on an n × n grid over
 * [−0.5, 1.5]², computed by a `TverskyProjection` layer loaded with the run's weights (which also
 * checks that the layer and the batched trainer agree).
 */
export function xorDecisionGrid(
  run: XorRunResult,
  o: { intersection: IntersectionReduction; difference: DifferenceReduction },
  n = 81,
): { xs: number[]; ys: number[]; z: number[][]; layerLogitsAtData: number[][] } {
  if (!run.weights) throw new Error("xorDecisionGrid: the run carries no weights; train it with { keepWeights: true }");
  const layer = new TverskyProjection({ units: 2, featureCount: run.K, seed: 0, normalize: run.normalize, ...o });
  const xs = Array.from({ length: n }, (_, i) => -0.5 + (2 * i) / (n - 1));
  try {
    return tf.tidy(() => {
      layer.apply(tf.zeros([1, 2])); // builds the layer (the output is freed by the tidy)
      layer.setWeights([
        tf.tensor2d(run.weights!.P, [2, 2]),
        tf.tensor2d(run.weights!.F, [run.K, 2]),
        tf.scalar(run.theta),
        tf.scalar(run.alpha),
        tf.scalar(run.beta),
      ]);
      const pts = xs.flatMap((y) => xs.map((x) => [x, y]));
      const L = (layer.apply(tf.tensor2d(pts)) as tf.Tensor).arraySync() as number[][];
      const z = xs.map((_, j) => xs.map((_, i) => L[j * n + i]![1]! - L[j * n + i]![0]!));
      const layerLogitsAtData = (layer.apply(tf.tensor2d(XOR_X.map((p) => [...p]))) as tf.Tensor).arraySync() as number[][];
      return { xs, ys: xs, z, layerLogitsAtData };
    });
  } finally {
    layer.dispose();
  }
}

export interface XorResults {
  testVector: { logits: number[][]; argmax: number[] };
  /** Final accuracy of the linear 2→2 layer per seed. */
  linearAccuracy: number[];
  calibration: CalibrationVariant[];
  /** The converged product + substractmatch U(0,1) calibration run with the smallest K (first seed among ties), if any. */
  solved?: XorRunResult;
  /** Its decision regions, drawn by a TverskyProjection loaded with its weights. */
  regions?: { xs: number[]; ys: number[]; z: number[][]; layerLogitsAtData: number[][] };
  /** Argmax of the loaded layer's logits at the 4 points (should be XOR). */
  layerArgmax?: number[];
}

/** Runs the section (the appendix grid is its own experiment, xor-grid.ts). */
export function runXor(a: { calibration: CalibrationSpec; linear: { seeds: readonly number[]; lr: number; steps: number } }): XorResults {
  const calibration = xorCalibration(a.calibration);
  const sub = calibration.find((v) => v.key === "product+substractmatch")!;
  const solved = sub.runs.filter((r) => r.converged).sort((x, y) => x.K - y.K || x.seed - y.seed)[0];
  const regions = solved ? xorDecisionGrid(solved, { intersection: "product", difference: "substractmatch" }) : undefined;
  return {
    testVector: xorTestVector(),
    linearAccuracy: trainXorLinearBatch(a.linear.seeds, { lr: a.linear.lr, steps: a.linear.steps }),
    calibration,
    ...(solved ? { solved } : {}),
    ...(regions ? { regions, layerArgmax: regions.layerLogitsAtData.map((r) => (r[1]! > r[0]! ? 1 : 0)) } : {}),
  };
}
