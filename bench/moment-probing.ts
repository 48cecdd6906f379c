/**
 * Moment-probing throughput: MHC³ forward and forward+backward for a batch of token sets (the
 * issue's 64 × 17 tokens × 32 dims, hidden 128, 4 heads, and the paper's ViT-B size), the strided
 * convolution (custom gradient vs the slices+matmul reference), one training step of each
 * downstream method of the tiny-ViT study. Run `node dist/bench/moment-probing.js`. Timings on a shared
 * machine are noisy: the table reports the median of the rounds.
 */
import { performance } from "node:perf_hooks";
import { Rng } from "../lib/core/rng";
import { describeBackend, initTf, tf } from "../lib/core/tf";
import { strideConv3x3, strideConv3x3Reference } from "../lib/topics/moments/conv";
import { LinearProbe, MomentProbe } from "../lib/topics/moments/heads";
import { MHC3, type MHC3Config } from "../lib/topics/moments/mhc3";
import { Adam } from "../lib/core/optim";
import { softmaxCE } from "../lib/topics/moments/train";
import { TinyViT } from "../lib/topics/moments/vit";

const ROUNDS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median milliseconds of `f` over ROUNDS after two warm-up calls. */
function time(f: () => void, inner = 5): number {
  f();
  f();
  const ms: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) f();
    ms.push((performance.now() - t0) / inner);
  }
  return median(ms);
}

function randn(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape);
}

interface Row {
  case: string;
  ms: number;
  perSec: string;
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  const rng = new Rng(1);
  const rows: Row[] = [];
  const mhc = (label: string, cfg: MHC3Config, B: number, N: number, inner = 5) => {
    const layer = new MHC3({ ...cfg, seed: 2 });
    const x = randn(rng, [B, N, cfg.inDim]) as tf.Tensor3D;
    const r = randn(rng, [B, layer.outputDim]);
    const vars = layer.trainableVariables();
    const fwd = time(() => tf.tidy(() => void layer.forward(x).dataSync()), inner);
    const both = time(
      () =>
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), r)) as tf.Scalar, vars);
          grads[vars[0]!.name]!.dataSync();
        }),
      inner,
    );
    rows.push({ case: `${label}: forward`, ms: fwd, perSec: `${Math.round((B * 1000) / fwd)} sets/s` });
    rows.push({ case: `${label}: forward+backward`, ms: both, perSec: `${Math.round((B * 1000) / both)} sets/s` });
    tf.dispose([x, r]);
    layer.dispose();
  };
  mhc("MHC³ 64×17×32, hidden 128, 4 heads", { inDim: 32, hiddenDim: 128, numHeads: 4 }, 64, 17);
  mhc("MHC³ 64×33×16, hidden 128, 4 heads (synthetic)", { inDim: 16, hiddenDim: 128, numHeads: 4 }, 64, 33);
  mhc("MHC³ 8×196×768, hidden 512, 4 heads (ViT-B)", { inDim: 768, hiddenDim: 512, numHeads: 4 }, 8, 196, 1);

  const x = randn(rng, [64, 32, 32, 3]) as tf.Tensor4D;
  const f = randn(rng, [3, 3, 3, 3]) as tf.Tensor4D;
  for (const [label, conv] of [
    ["conv 3×3 s2 (custom gradient)", strideConv3x3],
    ["conv 3×3 s2 (slices+matmul reference)", strideConv3x3Reference],
  ] as const) {
    const ms = time(
      () =>
        tf.tidy(() => {
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv(a as tf.Tensor4D, b as tf.Tensor4D)))([x, f]);
          g[1]!.dataSync();
        }),
      2,
    );
    rows.push({ case: `${label}, 64×32×32×3: forward+backward`, ms, perSec: `${Math.round(64000 / ms)} maps/s` });
  }

  // one Adam step of each method of the ViT study, batch 64 (tiny ViT: 32 wide, 2 blocks)
  const vit = new TinyViT({ numPatches: 16, patchDim: 4, dim: 32, depth: 2, heads: 4, mlpRatio: 2, seed: 3 });
  const vitP = new TinyViT({ numPatches: 16, patchDim: 4, dim: 32, depth: 2, heads: 4, mlpRatio: 2, psrpBottleneck: 8, seed: 3 });
  const patches = tf.randomUniform([64, 16, 4], 0, 1, "float32", 4) as tf.Tensor3D;
  const feats = tf.tidy(() => vit.forward(patches));
  const labels = tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 5),
    "int32",
  );
  const lp = new MomentProbe({
    inDim: 32,
    numClasses: 5,
    mhc3: { hiddenDim: 128, numHeads: 4 },
    firstOrder: "cls",
    secondOrder: false,
    seed: 5,
  });
  const mp = new MomentProbe({
    inDim: 32,
    numClasses: 5,
    mhc3: { hiddenDim: 128, numHeads: 4 },
    firstOrder: "cls",
    secondOrder: true,
    seed: 5,
  });
  const ftHead = new LinearProbe({ inDim: 32, numClasses: 5, seed: 6 });
  const step = (label: string, vars: tf.Variable[], loss: () => tf.Scalar) => {
    const opt = new Adam(vars, { arithmetic: "folded" });
    const ms = time(() =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, vars);
        opt.step(
          vars.map((v) => grads[v.name]!),
          1e-3,
        );
        value.dataSync();
      }),
    );
    rows.push({ case: `train step, batch 64: ${label}`, ms, perSec: `${Math.round(64000 / ms)} images/s` });
    opt.dispose();
  };
  step("LP (cached features)", lp.trainableVariables(), () => softmaxCE(labels, lp.forward(feats)));
  step("MP (cached features)", mp.trainableVariables(), () => softmaxCE(labels, mp.forward(feats)));
  step("MP+ (PSRP + MP head)", [...vitP.psrpVariables(), ...mp.trainableVariables()], () =>
    softmaxCE(labels, mp.forward(vitP.forward(patches))),
  );
  step("FT (all weights)", [...vit.trainableVariables(), ...ftHead.trainableVariables()], () =>
    softmaxCE(labels, ftHead.forward(vit.forward(patches))),
  );

  console.log(`\nmoment-probing (${describeBackend()}; median of ${ROUNDS} rounds; shared machine, so noisy)\n`);
  const w = Math.max(...rows.map((r) => r.case.length));
  console.log(`${"case".padEnd(w)}  ${"ms".padStart(9)}  throughput`);
  for (const r of rows) console.log(`${r.case.padEnd(w)}  ${r.ms.toFixed(2).padStart(9)}  ${r.perSec}`);
}

void main();
