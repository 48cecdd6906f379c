/** Result tables of the study as rows (data, not HTML); the notebook shows them with core's showTable. */
import type { Row } from "../../core/results";
import { fmtMeanSd, summarize } from "../../core/stats";
import { corruptionLabel, type Corruption } from "../../topics/moments/digits";
import type { Method } from "../../topics/moments/transfer";
import type { CostResult } from "./experiments/cost";
import type { DigitsMethod, DigitsRow } from "./experiments/digits-random";
import type { AblationGrid, SelectionRow, SyntheticSetting } from "./experiments/synthetic";
import type { FewShotResult, FullDataResult } from "./experiments/transfer";
import { FEW_SHOT, FGVC, IMAGENET, TRAIN_COST_MS } from "./paper";

const ms = (xs: readonly number[]) => fmtMeanSd(summarize(xs));

/** One row per setting, one column per method (mean ± sd over seeds). */
export function syntheticTable(settings: readonly SyntheticSetting[], methods: { key: string; label: string }[]): Row[] {
  return settings.map((s) => ({
    setting: s.label,
    ...Object.fromEntries(methods.map((m) => [m.label, s.acc[m.key] ? ms(s.acc[m.key]!) : "–"])),
  }));
}

/** The ablation grid: one row per variant, one column per generator. */
export function ablationTable(grid: AblationGrid, labels: Record<string, string> = {}): Row[] {
  return grid.variants.map((v) => ({
    variant: labels[v] ?? v,
    seeds: grid.acc[v]![0]!.length,
    ...Object.fromEntries(grid.generators.map((g, i) => [g, ms(grid.acc[v]![i]!)])),
  }));
}

/** Every choice made on validation: the candidates' validation accuracies and the winner. */
export function selectionTable(rows: readonly SelectionRow[]): Row[] {
  const groups = new Map<string, SelectionRow[]>();
  for (const r of rows) {
    const key = `${r.setting}|${r.method}|${r.hyperparameter}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    setting: g[0]!.setting,
    method: g[0]!.method,
    hyperparameter: g[0]!.hyperparameter,
    "validation accuracy per candidate": g.map((r) => `${r.candidate}: ${r.valAcc.toFixed(3)}`).join(", "),
    chosen: g[0]!.chosen,
  }));
}

/** Digits with random features: one row per (activation, k), mean ± sd per method. */
export function digitsTable(
  rows: readonly DigitsRow[],
  activations: string[],
  ks: number[],
  methods: { key: DigitsMethod; label: string }[],
): Row[] {
  const out: Row[] = [];
  for (const a of activations)
    for (const k of ks) {
      const cell = (m: DigitsMethod) => rows.filter((r) => r.activation === a && r.k === k && r.method === m).map((r) => r.acc);
      out.push({
        embedding: a,
        "k / class": k,
        ...Object.fromEntries(methods.map((m) => [m.label, cell(m.key).length ? ms(cell(m.key)) : "–"])),
      });
    }
  return out;
}

/** Full data: accuracy on the clean and the shifted task, with the chosen hyperparameters. */
export function fullDataTable(full: FullDataResult, methods: readonly Method[], shiftName: string): Row[] {
  const choice = (c: FullDataResult["choices"]["main"], m: Method) => (m === "LP" ? `ridge ${c.ridge}` : `lr ${c.lr[m]}`);
  return methods.map((m) => ({
    method: m === "LP" ? "LP (converged)" : m,
    "digits 5-9 (clean)": ms(full.clean[m]),
    "chosen (clean)": choice(full.choices.main, m),
    [`digits 5-9, ${shiftName}`]: ms(full.shifted[m]),
    [`chosen (${shiftName})`]: choice(full.choices.shifted, m),
  }));
}

export function fewShotTable(fs: FewShotResult, shots: number[], methods: readonly Method[]): Row[] {
  return methods.map((m) => ({
    method: m === "LP" ? "LP (converged)" : m,
    ...Object.fromEntries(shots.map((k) => [`k = ${k}`, ms(fs.acc[m][k]!)])),
  }));
}

/** P5: accuracy under each corruption and the drop from clean (seed means). */
export function robustnessTable(full: FullDataResult, corruptions: Corruption[], methods: readonly Method[]): Row[] {
  return methods.map((m) => {
    const clean = summarize(full.clean[m]).mean;
    return {
      method: m,
      clean: clean.toFixed(3),
      ...Object.fromEntries(
        corruptions.map((c, i) => {
          const a = summarize(full.corrupted[m][i]!).mean;
          return [`${corruptionLabel(c)} (drop)`, `${a.toFixed(3)} (${(clean - a).toFixed(3)})`];
        }),
      ),
    };
  });
}

/** The paper's own numbers, as context (not comparable one to one): ImageNet, FGVC, few-shot. */
export function paperContextTables(): { imagenet: Row[]; fgvc: Row[]; fewShot: Row[] } {
  const ms4 = ["LP", "MP", "MP+", "FT"] as const;
  return {
    imagenet: [
      { "ImageNet-1K, ViT-B/16 (IN-21K)": "top-1 (README)", ...Object.fromEntries(ms4.map((m) => [m, IMAGENET[m].top1.value])) },
      { "ImageNet-1K, ViT-B/16 (IN-21K)": "#params (README)", ...Object.fromEntries(ms4.map((m) => [m, IMAGENET[m].params.value])) },
      {
        "ImageNet-1K, ViT-B/16 (IN-21K)": "train ms/iter (Fig. Train_cost, read off ±3)",
        ...Object.fromEntries(ms4.map((m) => [m, TRAIN_COST_MS[m].value])),
      },
    ],
    fgvc: (["LP", "FT", "MP", "MP+"] as const).map((m) => ({
      "FGVC / CIFAR-100 (ViT-B/16)": m,
      ...Object.fromEntries(FGVC.datasets.map((d, i) => [d, FGVC[m].value[i] ?? "–"])),
    })),
    fewShot: ms4.map((m) => ({
      "few-shot (Fig. few-shot, digitised ±0.5; dataset not named)": m,
      ...Object.fromEntries(FEW_SHOT.shots.map((k, i) => [`${k}-shot`, FEW_SHOT[m].value[i]!])),
    })),
  };
}

/** The paper's ms/iter ratios ÷ LP (Fig. Train_cost). */
export function paperCostRatios(): Record<Method, number> {
  return {
    LP: 1,
    MP: TRAIN_COST_MS.MP.value / TRAIN_COST_MS.LP.value,
    "MP+": TRAIN_COST_MS["MP+"].value / TRAIN_COST_MS.LP.value,
    FT: TRAIN_COST_MS.FT.value / TRAIN_COST_MS.LP.value,
  };
}

/** FLOPs per epoch in both protocols, ÷ LP, the model at ViT-B/16 size, and the paper's ratios. */
export function costTable(cost: CostResult): Row[] {
  const lp = cost.flops.find((r) => r.method === "LP")!;
  const paper = paperCostRatios();
  return cost.flops.map((r) => ({
    method: r.method,
    "FLOPs / epoch, cached features": r.cached === null ? "– (needs the backbone)" : r.cached.toExponential(3),
    "FLOPs / epoch, backbone forward every step": r.uncached.toExponential(3),
    "÷ LP (cached)": ((r.cached ?? r.uncached) / lp.cached!).toFixed(1),
    "÷ LP (backbone forward)": (r.uncached / lp.uncached).toFixed(2),
    "FLOP model at ViT-B/16 ÷ LP": cost.paperScale[r.method].toFixed(2),
    "paper ms/iter ÷ LP": paper[r.method].toFixed(2),
  }));
}
