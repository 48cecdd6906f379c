/**
 * A10 from the stored grid (grids.ts "digits"): groups the records by run kind for claims and tables.
 */
import type { GridRecord } from "../../../core/grid/definition";
import type { DigitsSummary } from "../claims";
import type { DigitsJob, DigitsJobResult } from "../grids";

/** Takes cachedGrid's records as they come (untyped specs), typed here by the grid's definition. */
export function summarizeDigits(stored: readonly GridRecord[]): DigitsSummary {
  const records = stored as unknown as GridRecord<DigitsJob, DigitsJobResult>[];
  const byo = (p: string) =>
    records.filter((r) => r.spec.kind === "byol" && r.spec.predictor === p).sort((a, b) => a.spec.seed - b.spec.seed);
  const learned = byo("learned");
  return {
    learned: learned.map((r) => r.result),
    directpred: byo("directpred").map((r) => r.result),
    identity: byo("identity").map((r) => r.result),
    untrained: records.filter((r) => r.spec.kind === "untrained").map((r) => r.result),
    pixels: records.find((r) => r.spec.kind === "pixels")?.result,
    epochs: learned[0]?.spec.epochs ?? 0,
    width: learned[0]?.spec.width ?? 0,
  };
}
