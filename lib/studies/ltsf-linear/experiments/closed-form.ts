/**
 * Deterministic references on the real data: the baselines of Table 2 (A8), the least-squares
 * optima of Linear and NLinear (A9), and the look-back sweep of the OLS optimum (A13).
 */
import { evaluateBaseline } from "../../../topics/timeseries/baselines";
import { dailyPeriod, ETT_NAMES, prepareEtt, type EttName } from "../../../topics/timeseries/ett";
import { fitOls, laggedMoments } from "../../../topics/timeseries/ols";
import { evaluateModel, type Metrics } from "../../../topics/timeseries/train";
import { ettWindows } from "../../../topics/timeseries/windows";

/** A dataset name from a notebook cell (plain string), checked: the error lists the names. */
export function asEttName(name: string): EttName {
  if (!(ETT_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown ETT dataset ${JSON.stringify(name)}: use one of ${ETT_NAMES.join(", ")}`);
  return name as EttName;
}

export interface BaselineRow {
  data: EttName;
  H: number;
  repeatFull: Metrics;
  repeatDl32: Metrics;
  seasonalFull: Metrics;
}

/** Repeat (full and paper-era dl32) and seasonal naive on every dataset and horizon (L = 336). */
export function runBaselines(datasets: readonly string[] = ETT_NAMES, horizons: readonly number[] = [96, 192, 336, 720]): BaselineRow[] {
  return datasets.map(asEttName).flatMap((data) =>
    horizons.map((H) => {
      const w = ettWindows(prepareEtt(data), { L: 336, H }).test;
      return {
        data,
        H,
        repeatFull: evaluateBaseline({ kind: "repeat" }, w),
        repeatDl32: evaluateBaseline({ kind: "repeat" }, w, { dropLastBatch: 32 }),
        seasonalFull: evaluateBaseline({ kind: "seasonal", period: dailyPeriod(data) }, w),
      };
    }),
  );
}

export interface OlsRow {
  data: EttName;
  L: number;
  H: number;
  linear: Metrics;
  nlinear: Metrics;
}

/** Linear-OLS and NLinear-OLS test metrics (full test set). */
export function runOls(cases: { data: string; L: number; H: number }[]): OlsRow[] {
  return cases.map(({ data: name, L, H }) => {
    const data = asEttName(name);
    const w = ettWindows(prepareEtt(data), { L, H });
    const mom = laggedMoments(w.train);
    const lin = fitOls("Linear", w.train, mom);
    const nlin = fitOls("NLinear", w.train, mom);
    return {
      data,
      L,
      H,
      linear: evaluateModel({ model: "Linear", layers: 1, theta: lin.theta }, w.test),
      nlinear: evaluateModel({ model: "NLinear", layers: 1, theta: nlin.theta }, w.test),
    };
  });
}
