/**
 * The sequence-memory kernels (lib/topics/sequence-memory, plain-JS Float32Array loops) against the
 * same algorithms in PyTorch (bench/reference/sequence_memory.py: fla's naive.py forms), one head,
 * d = 64, C = 64, L = 4096, float32: the recurrent and chunked forms of causal linear attention and of
 * DeltaNet. Each row is checked first (outputs within 1e-4 of max|o|: float32 rounding over 4096
 * tokens) and then timed interleaved (bench/harness.ts); the ratio is project time / torch time.
 * The chunked rows have a variant: the same chunked algorithm on tfjs matmuls (matmul-forms.ts), the
 * library's fast path; the scalar kernels stay the study's cost instrument (see that file's header).
 */
import { Rng } from "../lib/core/rng";
import { initTf } from "../lib/core/tf";
import { deltaChunkMatmul, laChunkMatmul, randomInputs, runForm, type Form } from "../lib/topics/sequence-memory";
import { benchDir, expectClose, maxScaledDiff, refArray, runBench, writeNpy, type Workload } from "./harness";

const L = 4096;
const d = 64;
const C = 64;

async function main(): Promise<void> {
  await initTf({ quiet: true });
  const x = randomInputs({ L, d, rng: new Rng(1) });
  const dir = benchDir("linear-attention");
  const args = {
    q: writeNpy(`${dir}/q.npy`, x.q, [L, d]),
    k: writeNpy(`${dir}/k.npy`, x.k, [L, d]),
    v: writeNpy(`${dir}/v.npy`, x.v, [L, d]),
    beta: writeNpy(`${dir}/beta.npy`, x.beta, [L]),
    C,
  };
  const rows: [Form, string][] = [
    ["la-recurrent", "la_recurrent"],
    ["la-chunk", "la_chunk"],
    ["delta-recurrent", "delta_recurrent"],
    ["delta-chunk", "delta_chunk"],
  ];
  const workloads: Workload[] = rows.map(([form, ref]) => {
    const o = { L, d, C };
    return {
      name: `${form}, L = ${L}, d = ${d}${form.endsWith("chunk") ? `, C = ${C}` : ""}`,
      run: () => runForm(form, x, o),
      reps: 1,
      warmup: 1,
      reference: { workload: ref, args, reps: 1 },
      check: (out) => expectClose(form, "outputs (scaled by max|o|)", maxScaledDiff(runForm(form, x, o), refArray(out, "o")), 1e-4),
      variant: matmulVariant(form),
    };
  });
  function matmulVariant(form: Form): Workload["variant"] {
    const dims = { L, dk: d, dv: d, C };
    const run =
      form === "la-chunk"
        ? () => laChunkMatmul(x.q, x.k, x.v, dims).o
        : form === "delta-chunk"
          ? () => deltaChunkMatmul(x.q, x.k, x.v, x.beta, dims).o
          : undefined;
    if (!run) return undefined;
    return {
      name: "  the same on tfjs matmuls (matmul-forms.ts)",
      run,
      check: (out) => expectClose(`${form} (matmuls)`, "outputs (scaled by max|o|)", maxScaledDiff(run(), refArray(out, "o")), 1e-4),
    };
  }
  await runBench({
    title: "linear-attention: sequence-memory kernels vs PyTorch (one head)",
    slug: "linear-attention",
    module: "sequence_memory",
    workloads,
    allCores: false,
  });
}

void main();
