/** Table rows for the notebook (plain objects for core/results showTable and results.csv). */
import type { Row } from "../../core/results";
import { fmt } from "../../core/format";
import {
  B9_METHODS,
  type ArChecksResult,
  type CotResult,
  type ExcessRow,
  type TaskDistributionRow,
  type TrainedLsaRow,
} from "./experiments/ar-lsa";
import type { BaselineRow, OlsRow } from "./experiments/closed-form";
import type { CellSummary } from "./experiments/grid-cells";
import type { IndividualRow } from "./experiments/individual";
import type { PipelineResult, TraceResult } from "./experiments/pipeline";
import { BASELINE_REF, cellTolerance, OLS_REF, TRACE_REF } from "./claims";
import { table2 } from "./paper";

const r4 = (v: number) => Number(v.toFixed(4));
const r5 = (v: number) => Number(v.toFixed(5));

export function windowRows(p: PipelineResult): Row[] {
  return p.windows.map((w) => ({
    data: w.data,
    H: w.H,
    "N train": w.train,
    "N val": w.val,
    "N test": w.test,
    "steps/epoch (bs 32)": w.steps32,
  }));
}

export function baselineRows(rows: BaselineRow[]): Row[] {
  const HS = [96, 192, 336, 720];
  return rows.map((b) => {
    const t = table2(b.data, b.H, "Repeat");
    const ref = BASELINE_REF[b.data];
    const i = HS.indexOf(b.H);
    return {
      data: b.data,
      H: b.H,
      "Repeat MSE full": r4(b.repeatFull.mse),
      "Repeat MSE dl32": r4(b.repeatDl32.mse),
      "Table 2 Repeat MSE": t.mse.value,
      "notes dl32": ref.repeatDl32[i]![0]!,
      "Repeat MAE dl32": r4(b.repeatDl32.mae),
      "Table 2 Repeat MAE": t.mae.value,
      "seasonal naive MSE": r4(b.seasonalFull.mse),
      "notes seasonal": ref.seasonal[i]![0]!,
    };
  });
}

export function olsRows(rows: OlsRow[]): Row[] {
  return rows.map((o) => {
    const ref = OLS_REF.find((x) => x.L === o.L && x.H === o.H && o.data === "ETTh1");
    return {
      data: o.data,
      L: o.L,
      H: o.H,
      "Linear-OLS MSE/MAE": `${fmt(o.linear.mse, 5)}/${fmt(o.linear.mae, 5)}`,
      "NLinear-OLS MSE/MAE": `${fmt(o.nlinear.mse, 5)}/${fmt(o.nlinear.mae, 5)}`,
      "notes Linear-OLS": ref ? `${ref.linear[0]}/${ref.linear[1]}` : "",
      "notes NLinear-OLS": ref ? `${ref.nlinear[0]}/${ref.nlinear[1]}` : "",
    };
  });
}

export function traceRows(trace: TraceResult[]): Row[] {
  return trace.flatMap((t) =>
    t.log.map((e, i) => {
      const ref = TRACE_REF[t.model][i];
      return {
        model: t.model,
        epoch: e.epoch,
        lr: e.lr,
        train: r5(e.train),
        val: r5(e.val),
        "test MSE": e.test ? r5(e.test.mse) : null,
        "test MAE": e.test ? r5(e.test.mae) : null,
        "notes train/val/MSE/MAE": ref ? ref.join(" / ") : "",
      };
    }),
  );
}

/** One row per trained cell: seeds, means ± SE, Table 2, the tolerance, epochs and wall time. */
export function cellRows(cells: CellSummary[]): Row[] {
  return [...cells]
    .sort((a, b) => a.data.localeCompare(b.data) || a.H - b.H || a.model.localeCompare(b.model))
    .map((c) => {
      const t = table2(c.data, c.H, c.model);
      return {
        data: c.data,
        H: c.H,
        model: c.model,
        seeds: c.seeds.join(","),
        "MSE per seed (dl)": c.mse.map((v) => fmt(v, 4)).join(", "),
        "MSE mean ± SE": `${fmt(c.meanMse, 4)} ± ${Number.isFinite(c.seMse) ? fmt(c.seMse, 2) : "–"}`,
        "MAE mean": r4(c.meanMae),
        "Table 2 MSE/MAE": `${t.mse.value}/${t.mae.value}`,
        "MSE full test set": c.mseFull.map((v) => fmt(v, 4)).join(", "),
        tolerance: r4(cellTolerance(c.mse)),
        "epochs (best)": c.epochs.map((e, i) => `${e} (${c.bestEpochs[i]})`).join(", "),
        "wall s per seed": c.wallSeconds.map((w) => (w === undefined ? "?" : Math.round(w))).join(", "),
      };
    });
}

export function arCheckRows(r: ArChecksResult): Row[] {
  return [
    ...r.gamma.map((g, k) => ({ quantity: `γ${k}`, "closed form": r5(g), "Monte Carlo": r5(r.gammaMc[k]!) })),
    ...r.bayes.map((b, i) => ({
      quantity: `Bayes ${b.k}-step MSE`,
      "closed form": r5(b.mse),
      "Monte Carlo": `${fmt(r.bayesMc[i]!.mse, 4)} ± ${fmt(r.bayesMc[i]!.se, 2)}`,
    })),
    { quantity: "decay rate max|λ|", "closed form": r5(r.decayRate), "Monte Carlo": `rollout ${fmt(r.rolloutRate, 4)}` },
  ];
}

export function excessRows(rows: ExcessRow[]): Row[] {
  return rows.map((r) => ({ n: r.n, method: r.method, "excess over oracle": r5(r.excess), SE: Number(r.se.toPrecision(2)) }));
}

export function trainedLsaRows(rows: TrainedLsaRow[]): Row[] {
  return rows.map((t) => ({
    n: t.n,
    "series seed": t.seed,
    epochs: t.epochs,
    "test MSE": r5(t.testMse),
    "oracle MSE": r5(t.oracleMse),
    "LSA excess ± SE": `${fmt(t.excess, 4)} ± ${fmt(t.se, 2)}`,
    "global OLS excess": `${fmt(t.globalOlsExcess, 3)} ± ${fmt(t.globalOlsSe, 2)}`,
    "in-context OLS excess": r4(t.inContextOlsExcess),
    "final train MSE": r5(t.epochLoss[t.epochLoss.length - 1]!),
  }));
}

export function cotRows(c: CotResult): Row[] {
  return [1, 2, 3, 5, 10, 20, 50, c.ks.length]
    .filter((k) => k <= c.ks.length)
    .map((k) => ({
      k,
      "LSA MSE": r4(c.mse.LSA.mse[k - 1]!),
      "global OLS MSE": r4(c.mse["global OLS"].mse[k - 1]!),
      "Bayes MSE": r4(c.mse["Bayes (true φ)"].mse[k - 1]!),
      "LSA − OLS (paired) ± SE": `${fmt(c.lsaMinusOls.mean[k - 1]!, 3)} ± ${fmt(c.lsaMinusOls.se[k - 1]!, 2)}`,
      "mean |x̂_k| LSA": Number(c.meanAbs.LSA[k - 1]!.toPrecision(3)),
    }));
}

/** B9: excess over each prompt's oracle per method, and the training objective of the fitted ones. */
export function taskDistributionRows(rows: TaskDistributionRow[]): Row[] {
  return rows.flatMap((r) =>
    B9_METHODS.map((m) => ({
      n: r.n,
      method: m,
      "excess over oracle ± SE": `${fmt(r.excess[m].excess, 4)} ± ${fmt(r.excess[m].se, 2)}`,
      "vs best GD step ± SE":
        m === "trained LSA (Adam)"
          ? `${fmt(r.trainedMinusGd.excess, 3)} ± ${fmt(r.trainedMinusGd.se, 2)}`
          : m === "best LSA (ALS)"
            ? `${fmt(r.alsMinusGd.excess, 3)} ± ${fmt(r.alsMinusGd.se, 2)}`
            : "",
      "training MSE":
        m === "best GD step"
          ? r5(r.fitMse.gd)
          : m === "best LSA (ALS)"
            ? r5(r.fitMse.als)
            : m === "trained LSA (Adam)"
              ? r5(r.fitMse.trained)
              : "",
      // the GD step has a = e_{p+1}: how far the trained layer's a_1..a_p are from 0
      "a (a_{p+1} = 1)": m === "trained LSA (Adam)" ? r.a.map((v) => fmt(v, 3)).join(", ") : "",
    })),
  );
}

/** Individual-mode runs beside the shared cells of the same dataset, horizon and model (paper-era loader). */
export function individualRows(rows: IndividualRow[], cells: CellSummary[]): Row[] {
  return rows.map((r) => {
    const shared = cells.find((c) => c.data === r.data && c.H === r.H && c.model === r.model);
    return {
      data: r.data,
      H: r.H,
      model: `${r.model}-I`,
      seed: r.seed,
      "MSE/MAE (dl)": `${fmt(r.mse, 4)}/${fmt(r.mae, 4)}`,
      "shared model, seed mean MSE": shared ? fmt(shared.meanMse, 4) : "not stored",
      "epochs (best)": `${r.epochsRun} (${r.bestEpoch})`,
      seconds: Math.round(r.seconds),
    };
  });
}
