/**
 * Moment-probing study (lib/topics/moments) against PyTorch (bench/reference/moments.py): MHC³
 * forward and forward + backward (of Σ out ⊙ r, all parameter gradients) for the issue's
 * 64 × 17 tokens × 32 dims (hidden 128, 4 heads) and the paper's ViT-B size 8 × 196 × 768 (hidden
 * 512, 4 heads). Same work: on the project's tokens, r and parameters both sides give the same
 * features and the same gradients of every parameter (to float32 tolerance, scaled by the largest
 * entry). Project-only profile rows: the strided convolution (custom gradient) and one training step of each downstream method of the tiny-ViT study.
 * Usage: node dist/bench/moment-probing.js
 */
import * as path from "node:path";
import { Rng } from "../lib/core/rng";
import { initTf, tf } from "../lib/core/tf";
import { strideConv3x3 } from "../lib/topics/moments/conv";
import { LinearProbe, MomentProbe } from "../lib/topics/moments/heads";
import { MHC3, type MHC3Config } from "../lib/topics/moments/mhc3";
import { Adam } from "../lib/core/optim";
import { softmaxCE } from "../lib/topics/moments/train";
import { TinyViT } from "../lib/topics/moments/vit";
import { benchDir, expectClose, maxScaledDiff, refArray, runBench, writeNpy, type Workload } from "./harness";

const NAMES = ["proj_kernel", "proj_bias", "ln_gamma", "ln_beta", "conv1_kernel", "conv2_kernel"] as const;

function randn(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape);
}

function mhc3Rows(cfg: MHC3Config, B: number, N: number, reps: number): Workload[] {
  const rng = new Rng(1);
  const dir = benchDir("moment-probing");
  const layer = new MHC3({ ...cfg, seed: 2 });
  const x = randn(rng, [B, N, cfg.inDim]) as tf.Tensor3D;
  const r = randn(rng, [B, layer.outputDim]);
  const vars = layer.trainableVariables();
  if (vars.length !== NAMES.length || !vars.every((v, i) => v.name.includes(NAMES[i]!))) {
    throw new Error(`MHC3 variables are [${vars.map((v) => v.name)}], the reference expects [${NAMES}]`);
  }
  const tag = `${B}x${N}x${cfg.inDim}`;
  const file = (k: string, t: tf.Tensor) => writeNpy(path.join(dir, `${k}-${tag}.npy`), t.dataSync() as Float32Array, t.shape);
  const args: Record<string, unknown> = { x: file("x", x), r: file("r", r), heads: cfg.numHeads };
  vars.forEach((v, i) => {
    args[NAMES[i]!] = file(NAMES[i]!, v);
  });
  // the same layer (same seed: same weights) with steps 2-6 fused into one custom op
  const fusedLayer = new MHC3({ ...cfg, fused: true, seed: 2 });
  const fvars = fusedLayer.trainableVariables();
  const outOf = (l: MHC3) => tf.tidy(() => l.forward(x).dataSync().slice());
  const gradsOf = (l: MHC3, vs: tf.Variable[]) =>
    tf.tidy(() => {
      const { grads: g } = tf.variableGrads(() => tf.sum(tf.mul(l.forward(x), r)) as tf.Scalar, vs);
      return vs.map((v) => g[v.name]!.dataSync().slice());
    });
  const out = outOf(layer);
  const grads = gradsOf(layer, vars);
  const fout = outOf(fusedLayer);
  const fgrads = gradsOf(fusedLayer, fvars);
  const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let w = 0;
    for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
    return w;
  };
  const vsOld = `vs tfjs path max |Δ| features ${maxAbs(fout, out).toExponential(1)}`;
  const vsOldGrads = `grads ${Math.max(...fgrads.map((g, i) => maxAbs(g, grads[i]!))).toExponential(1)}`;
  const name = `MHC³ ${tag}, hidden ${cfg.hiddenDim}, ${cfg.numHeads} heads`;
  const sameOut = (ref: Record<string, unknown>) => expectClose(name, "features", maxScaledDiff(out, refArray(ref, "out")), 1e-5);
  const fusedSameOut = (ref: Record<string, unknown>) =>
    expectClose(`${name} (fused)`, "features", maxScaledDiff(fout, refArray(ref, "out")), 1e-5);
  const fusedFwdBwd = () =>
    tf.tidy(() => {
      const { grads: g } = tf.variableGrads(() => tf.sum(tf.mul(fusedLayer.forward(x), r)) as tf.Scalar, fvars);
      g[fvars[0]!.name]!.dataSync();
    });
  return [
    {
      name: `${name}: forward`,
      run: () => tf.tidy(() => void layer.forward(x).dataSync()),
      reps,
      reference: { workload: "mhc3", args: { ...args, backward: false } },
      check: sameOut,
      variant: {
        name: "  the same, fused moments (steps 2-6 one op)",
        run: () => tf.tidy(() => void fusedLayer.forward(x).dataSync()),
        check: (ref) => `${fusedSameOut(ref)}; ${vsOld}`,
      },
    },
    {
      name: `${name}: forward+backward`,
      run: () =>
        tf.tidy(() => {
          const { grads: g } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), r)) as tf.Scalar, vars);
          g[vars[0]!.name]!.dataSync();
        }),
      reps,
      reference: { workload: "mhc3", args: { ...args, backward: true } },
      check: (ref) =>
        [
          sameOut(ref),
          expectClose(name, "gradients", Math.max(...NAMES.map((k, i) => maxScaledDiff(grads[i]!, refArray(ref, k)))), 1e-4),
        ].join(", "),
      variant: {
        name: "  the same, fused moments (steps 2-6 one op)",
        run: fusedFwdBwd,
        check: (ref) => {
          const same = [
            fusedSameOut(ref),
            expectClose(
              `${name} (fused)`,
              "gradients",
              Math.max(...NAMES.map((k, i) => maxScaledDiff(fgrads[i]!, refArray(ref, k)))),
              1e-4,
            ),
          ];
          return `${same.join(", ")}; ${vsOld}, ${vsOldGrads}`;
        },
      },
    },
  ];
}

function profileRows(): Workload[] {
  const rng = new Rng(1);
  const rows: Workload[] = [];
  const x = randn(rng, [64, 32, 32, 3]) as tf.Tensor4D;
  const f = randn(rng, [3, 3, 3, 3]) as tf.Tensor4D;
  // (strideConv3x3Reference, the slices+matmul version, is ~50x slower: 3 s a call; left out)
  for (const [label, conv] of [["conv 3×3 s2 (custom gradient)", strideConv3x3]] as const) {
    rows.push({
      name: `  ${label}, 64×32×32×3: forward+backward`,
      run: () =>
        tf.tidy(() => {
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv(a as tf.Tensor4D, b as tf.Tensor4D)))([x, f]);
          g[1]!.dataSync();
        }),
      reps: 2,
      note: "project only",
    });
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
    rows.push({
      name: `  train step, batch 64: ${label}`,
      run: () =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(loss, vars);
          opt.step(
            vars.map((v) => grads[v.name]!),
            1e-3,
          );
          value.dataSync();
        }),
      reps: 3,
      note: "project only (tiny-ViT study)",
    });
  };
  step("LP (cached features)", lp.trainableVariables(), () => softmaxCE(labels, lp.forward(feats)));
  step("MP (cached features)", mp.trainableVariables(), () => softmaxCE(labels, mp.forward(feats)));
  step("MP+ (PSRP + MP head)", [...vitP.psrpVariables(), ...mp.trainableVariables()], () =>
    softmaxCE(labels, mp.forward(vitP.forward(patches))),
  );
  step("FT (all weights)", [...vit.trainableVariables(), ...ftHead.trainableVariables()], () =>
    softmaxCE(labels, ftHead.forward(vit.forward(patches))),
  );

  return rows;
}

async function main(): Promise<void> {
  await initTf({ quiet: true });
  await runBench({
    title: "moment-probing (lib/topics/moments): ms per call",
    slug: "moment-probing",
    module: "moments",
    workloads: [
      ...mhc3Rows({ inDim: 32, hiddenDim: 128, numHeads: 4 }, 64, 17, 5),
      ...mhc3Rows({ inDim: 768, hiddenDim: 512, numHeads: 4 }, 8, 196, 1),
      ...profileRows(),
    ],
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
