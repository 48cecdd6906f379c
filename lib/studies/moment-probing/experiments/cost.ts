/**
 * Section P4: training cost per epoch. The claims use an analytic FLOP model (deterministic; matrix
 * products only) in two protocols, ours (LP and MP read cached frozen features) and the paper's
 * Fig. Train_cost (every method runs the frozen backbone forward at every step), at our size and at
 * the paper's (ViT-B/16). Wall-clock time per epoch is measured too, for the figure only: it varies
 * from run to run, so it stays out of claims.json and results.csv.
 */
import { performance } from "node:perf_hooks";
import { Rng } from "../../../core/rng";
import { trainFlopsPerSample, type CostModelConfig } from "../../../topics/moments/flops";
import { trainClassifier, type TrainConfig } from "../../../topics/moments/train";
import { buildMethod, METHODS, type Downstream, type Method, type MethodSpec } from "../../../topics/moments/transfer";
import type { VitParams } from "./transfer";

/** Cost per epoch of each method: with cached features (LP, MP only) and with the backbone forward. */
export interface CostRow {
  [key: string]: string | number | null;
  method: Method;
  cached: number | null;
  uncached: number;
}

export interface CostResult {
  /** FLOPs per epoch of our tiny ViT on `nTrain` images. */
  flops: CostRow[];
  nTrain: number;
  /** The same model at ViT-B/16 size (MP hidden 512, PSRP 16, K = 1000), ÷ LP, backbone forward every step. */
  paperScale: Record<Method, number>;
}

/** The FLOP model of the tiny ViT's methods, and at the paper's size. */
export function runCostModel(o: { P: VitParams; nTrain: number }): CostResult {
  const b = o.P.backbone;
  const cfg: CostModelConfig = {
    vit: {
      numPatches: 16,
      patchDim: 4,
      dim: b.dim,
      depth: b.depth,
      heads: b.heads,
      mlpRatio: b.mlpRatio,
      psrpBottleneck: o.P.psrpBottleneck,
    },
    numClasses: o.P.downstreamClasses.length,
    mhc3: o.P.mp,
  };
  const flops = METHODS.map((m) => ({
    method: m,
    cached: m === "LP" || m === "MP" ? o.nTrain * trainFlopsPerSample(cfg, m, true) : null,
    uncached: o.nTrain * trainFlopsPerSample(cfg, m, false),
  }));
  const cfgB: CostModelConfig = {
    vit: { numPatches: 196, patchDim: 768, dim: 768, depth: 12, heads: 12, mlpRatio: 4, psrpBottleneck: 16 },
    numClasses: 1000,
    mhc3: { hiddenDim: 512, numHeads: 4 },
  };
  const lpB = trainFlopsPerSample(cfgB, "LP", false);
  const paperScale = Object.fromEntries(METHODS.map((m) => [m, trainFlopsPerSample(cfgB, m, false) / lpB])) as Record<Method, number>;
  return { flops, nTrain: o.nTrain, paperScale };
}

/** Cost ratios the P4 claims read: ÷ LP on cached features (ours) and ÷ LP with the backbone forward. */
export function costRatios(rows: readonly CostRow[]): { cached: Record<Method, number>; uncached: Record<Method, number> } {
  const lp = rows.find((r) => r.method === "LP")!;
  const of = (m: Method) => rows.find((r) => r.method === m)!;
  const cached = Object.fromEntries(METHODS.map((m) => [m, (of(m).cached ?? of(m).uncached) / lp.cached!])) as Record<Method, number>;
  const uncached = Object.fromEntries(METHODS.map((m) => [m, of(m).uncached / lp.uncached])) as Record<Method, number>;
  return { cached, uncached };
}

/** One timed configuration: a method, and whether LP/MP read cached features. */
export interface TimedMethod {
  method: Method;
  cached: boolean;
}

/**
 * Wall-clock milliseconds of one training epoch for each configuration: every method is built and
 * warmed up once, then the rounds run the methods in turn (so a burst of load on the shared
 * machine hits all of them alike), and the median over rounds is kept. For the figure only.
 */
export function timeEpochs(o: {
  configs: TimedMethod[];
  spec: MethodSpec;
  recipe: TrainConfig;
  task: Downstream;
  trainIdx: number[];
  rounds: number;
  seed: number;
}): number[] {
  const built = o.configs.map((c, i) => buildMethod({ method: c.method, spec: o.spec, seed: o.seed + i, cached: c.cached }));
  const inputs = built.map((b) => b.input(o.task, o.trainIdx));
  const times: number[][] = o.configs.map(() => []);
  const epoch = (i: number, r: number) => {
    const b = built[i]!;
    trainClassifier({
      ...o.recipe,
      epochs: 1,
      minSteps: undefined,
      vars: b.vars,
      noDecay: b.noDecay,
      forward: b.forward,
      x: inputs[i]!.x,
      y: inputs[i]!.y,
      rng: new Rng(o.seed + r),
    });
  };
  try {
    o.configs.forEach((_, i) => epoch(i, 0));
    for (let r = 1; r <= o.rounds; r++) {
      o.configs.forEach((_, i) => {
        const t0 = performance.now();
        epoch(i, r);
        times[i]!.push(performance.now() - t0);
      });
    }
  } finally {
    inputs.forEach((x) => x.x.dispose());
    built.forEach((b) => b.dispose());
  }
  return times.map((t) => {
    const s = [...t].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  });
}

/** Measured ms per epoch as cost rows (LP/MP cached and uncached; MP+ and FT uncached). */
export function timeCostRows(o: {
  spec: MethodSpec;
  recipe: TrainConfig;
  task: Downstream;
  trainIdx: number[];
  rounds: number;
  seed: number;
}): CostRow[] {
  const configs: TimedMethod[] = [
    { method: "LP", cached: true },
    { method: "MP", cached: true },
    { method: "LP", cached: false },
    { method: "MP", cached: false },
    { method: "MP+", cached: false },
    { method: "FT", cached: false },
  ];
  const ms = timeEpochs({ ...o, configs });
  const at = (m: Method, cached: boolean) => ms[configs.findIndex((t) => t.method === m && t.cached === cached)]!;
  return METHODS.map((m) => ({ method: m, cached: m === "LP" || m === "MP" ? at(m, true) : null, uncached: at(m, false) }));
}
