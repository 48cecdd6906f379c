/** HTML tables of the study's results (plain tables: they render in JupyterLab and on GitHub). */
import { htmlTable } from "../../core/display";
import { corruptionLabel, type Corruption } from "../../topics/moments/digits";
import type { DigitsMethod, DigitsRow } from "./experiments/digits-random";
import type { FewShotResult, FullDataResult, Method } from "./experiments/transfer";
import { FEW_SHOT, FGVC, IMAGENET, TRAIN_COST_MS } from "./paper";
import { fmtMeanSd, summarize, type MeanSd } from "../../core/stats";

/** Rows = settings, columns = methods, cells = mean ± std. */
export function meanStdTable(rowLabel: string, rows: { label: string; cells: (MeanSd | null)[] }[], columns: string[]): string {
  return htmlTable([rowLabel, ...columns], rows.map((r) => [r.label, ...r.cells.map((c) => (c ? fmtMeanSd(c) : "–"))]));
}

export function digitsTableHtml(rows: DigitsRow[], activations: string[], ks: number[], methods: { key: DigitsMethod; label: string }[]): string {
  const out: (string | number)[][] = [];
  for (const a of activations) for (const k of ks) {
    out.push([a, k, ...methods.map((m) => {
      const r = rows.find((x) => x.activation === a && x.k === k && x.method === m.key);
      return r ? fmtMeanSd(r.acc) : "–";
    })]);
  }
  return htmlTable(["embedding", "k / class", ...methods.map((m) => m.label)], out);
}

export function fullDataTableHtml(full: FullDataResult, methods: readonly Method[], shiftName: string): string {
  return htmlTable(
    ["method", "digits 5-9 (clean)", `digits 5-9, ${shiftName}`],
    methods.map((m) => [m, fmtMeanSd(summarize(full.clean[m])), fmtMeanSd(summarize(full.shifted[m]))]),
  );
}

export function fewShotTableHtml(fs: FewShotResult, shots: number[], methods: readonly Method[]): string {
  return htmlTable(["method", ...shots.map((k) => `k = ${k}`)], methods.map((m) => [m, ...shots.map((k) => fmtMeanSd(summarize(fs[m][k]!)))]));
}

/** P5: accuracy under each corruption and the drop from clean (seed means). */
export function robustnessTableHtml(full: FullDataResult, corruptions: Corruption[], methods: readonly Method[]): string {
  return htmlTable(
    ["method", "clean", ...corruptions.map((c) => `${corruptionLabel(c)} (drop)`)],
    methods.map((m) => {
      const clean = summarize(full.clean[m]).mean;
      return [m, clean.toFixed(3), ...corruptions.map((_, i) => {
        const a = summarize(full.corrupted[m][i]!).mean;
        return `${a.toFixed(3)} (${(clean - a).toFixed(3)})`;
      })];
    }),
  );
}

/** The paper's own numbers, as context (not comparable one to one). */
export function paperContextHtml(): string {
  const inet = htmlTable(
    ["ImageNet-1K, ViT-B/16 (IN-21K)", "LP", "MP", "MP+", "FT"],
    [
      ["top-1 (README)", IMAGENET.LP.top1, IMAGENET.MP.top1, IMAGENET["MP+"].top1, IMAGENET.FT.top1],
      ["#params (README)", IMAGENET.LP.params, IMAGENET.MP.params, IMAGENET["MP+"].params, IMAGENET.FT.params],
      ["train ms/iter (Fig. Train_cost, read off ±3)", TRAIN_COST_MS.LP, TRAIN_COST_MS.MP, TRAIN_COST_MS["MP+"], TRAIN_COST_MS.FT],
    ],
  );
  const fgvc = htmlTable(
    ["FGVC / CIFAR-100 (ViT-B/16)", ...FGVC.datasets],
    (["LP", "FT", "MP", "MP+"] as const).map((m) => [m, ...FGVC[m].map((v) => (v === null ? "–" : String(v)))]),
  );
  const few = htmlTable(
    ["few-shot (Fig. few-shot, digitised ±0.5; dataset not named)", ...FEW_SHOT.shots.map((k) => `${k}-shot`)],
    (["LP", "MP", "MP+", "FT"] as const).map((m) => [m, ...FEW_SHOT[m].map(String)]),
  );
  return `${inet}\n${fgvc}\n${few}`;
}

export function costTableHtml(rows: { method: string; cached: number | null; uncached: number }[], unit: string, modelAtPaperScale?: Record<string, number>): string {
  const lp = rows.find((r) => r.method === "LP")!;
  return htmlTable(
    ["method", `${unit}, cached features`, `${unit}, backbone forward every step`, "÷ LP (cached)", "÷ LP (backbone forward)", ...(modelAtPaperScale ? ["FLOP model at ViT-B/16 ÷ LP"] : []), "paper ms/iter ÷ LP"],
    rows.map((r) => [
      r.method,
      r.cached === null ? "– (needs the backbone)" : r.cached.toExponential(3),
      r.uncached.toExponential(3),
      ((r.cached ?? r.uncached) / lp.cached!).toFixed(1),
      (r.uncached / lp.uncached).toFixed(2),
      ...(modelAtPaperScale ? [modelAtPaperScale[r.method]!.toFixed(2)] : []),
      (TRAIN_COST_MS[r.method as keyof typeof TRAIN_COST_MS] / TRAIN_COST_MS.LP).toFixed(2),
    ]),
  );
}
