/**
 * Paper A: Zeng, Chen, Zhang, Xu, "Are Transformers Effective for Time Series Forecasting?" (AAAI
 * 2023). Paper B (the study's second part): Zhou, Wang, Goel, Zhang, "Why Do Transformers Fail to
 * Forecast Time Series In-Context?" (arXiv 2510.09776), of which only the abstract and the official
 * code were read (notes §0): none of its numbers is transcribed.
 *
 * Table 2 (multivariate ETT, MSE/MAE on the normalised scale) is transcribed below cell by cell
 * from the image the official README shows (notes §2). Linear, NLinear and DLinear use L = 336;
 * FEDformer, Autoformer and Informer L = 96 (copied by the paper from the FEDformer paper); Repeat
 * repeats the last look-back value.
 */
import { definePaper, type Paper, type Transcribed } from "../../core/paper";
import type { EttName } from "../../topics/timeseries/ett";

export const PAPER = definePaper({
  slug: "ltsf-linear",
  title: "Are Transformers Effective for Time Series Forecasting?",
  authors: ["Zeng", "Chen", "Zhang", "Xu"],
  venue: "AAAI 2023",
  arxiv: "2205.13504",
  code: "github.com/cure-lab/LTSF-Linear",
  notes: "docs/notes/ltsf-linear.md",
});

/** Paper B (claims B1–B9): cited in the notebook beside paper A. */
export const PAPER_B: Paper = {
  slug: "ltsf-linear",
  title: "Why Do Transformers Fail to Forecast Time Series In-Context?",
  authors: ["Zhou", "Wang", "Goel", "Zhang"],
  venue: "arXiv 2510.09776",
  arxiv: "2510.09776",
  code: "github.com/MasterZhou1/ICL-Time-Series",
  notes: "docs/notes/ltsf-linear.md",
};

export const TABLE2_METHODS = ["Linear", "NLinear", "DLinear", "FEDformer", "Autoformer", "Informer", "Repeat"] as const;
export type Table2Method = (typeof TABLE2_METHODS)[number];
export const TABLE2_HORIZONS = [96, 192, 336, 720] as const;
export const TRANSFORMERS: readonly Table2Method[] = ["FEDformer", "Autoformer", "Informer"];

export interface Table2Cell {
  mse: Transcribed;
  mae: Transcribed;
}

// rows: H = 96, 192, 336, 720; columns in TABLE2_METHODS order; "mse/mae" as printed
const RAW: Record<EttName, string[][]> = {
  ETTh1: [
    [".375/.397", ".374/.394", ".375/.399", ".376/.419", ".449/.459", ".865/.713", "1.295/.713"],
    [".418/.429", ".408/.415", ".405/.416", ".420/.448", ".500/.482", "1.008/.792", "1.325/.733"],
    [".479/.476", ".429/.427", ".439/.443", ".459/.465", ".521/.496", "1.107/.809", "1.323/.744"],
    [".624/.592", ".440/.453", ".472/.490", ".506/.507", ".514/.512", "1.181/.865", "1.339/.756"],
  ],
  ETTh2: [
    [".288/.352", ".277/.338", ".289/.353", ".346/.388", ".358/.397", "3.755/1.525", ".432/.422"],
    [".377/.413", ".344/.381", ".383/.418", ".429/.439", ".456/.452", "5.602/1.931", ".534/.473"],
    [".452/.461", ".357/.400", ".448/.465", ".496/.487", ".482/.486", "4.721/1.835", ".591/.508"],
    [".698/.595", ".394/.436", ".605/.551", ".463/.474", ".515/.511", "3.647/1.625", ".588/.517"],
  ],
  ETTm1: [
    [".308/.352", ".306/.348", ".299/.343", ".379/.419", ".505/.475", ".672/.571", "1.214/.665"],
    [".340/.369", ".349/.375", ".335/.365", ".426/.441", ".553/.496", ".795/.669", "1.261/.690"],
    [".376/.393", ".375/.388", ".369/.386", ".445/.459", ".621/.537", "1.212/.871", "1.283/.707"],
    [".440/.435", ".433/.422", ".425/.421", ".543/.490", ".671/.561", "1.166/.823", "1.319/.729"],
  ],
  ETTm2: [
    [".168/.262", ".167/.255", ".167/.260", ".203/.287", ".255/.339", ".365/.453", ".266/.328"],
    [".232/.308", ".221/.293", ".224/.303", ".269/.328", ".281/.340", ".533/.563", ".340/.371"],
    [".320/.373", ".274/.327", ".281/.342", ".325/.366", ".339/.372", "1.363/.887", ".412/.410"],
    [".413/.435", ".368/.384", ".397/.421", ".421/.415", ".433/.432", "3.379/1.338", ".521/.465"],
  ],
};

/** TABLE2[data][H][method]: the paper's MSE and MAE with where they were read. */
export const TABLE2: Record<EttName, Record<number, Record<Table2Method, Table2Cell>>> = Object.fromEntries(
  Object.entries(RAW).map(([data, rows]) => [
    data,
    Object.fromEntries(
      rows.map((cells, r) => {
        const H = TABLE2_HORIZONS[r]!;
        return [
          H,
          Object.fromEntries(
            cells.map((txt, c) => {
              const method = TABLE2_METHODS[c]!;
              const [mse, mae] = txt.split("/").map(Number) as [number, number];
              const where = `Table 2, ${data}, horizon ${H}, ${method}`;
              return [method, { mse: { value: mse, where: `${where}, MSE` }, mae: { value: mae, where: `${where}, MAE` } }];
            }),
          ),
        ];
      }),
    ),
  ]),
) as Record<EttName, Record<number, Record<Table2Method, Table2Cell>>>;

/** The paper's value of one cell (throws naming the cell when it is not in Table 2). */
export function table2(data: EttName, H: number, method: Table2Method): Table2Cell {
  const cell = TABLE2[data]?.[H]?.[method];
  if (!cell) throw new Error(`Table 2 has no cell ${data} H=${H} ${method}: horizons are ${TABLE2_HORIZONS.join(", ")}`);
  return cell;
}
