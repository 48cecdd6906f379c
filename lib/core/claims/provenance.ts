/**
 * Where an expected value comes from. README counts a study's verdicts by this, so a reader sees how
 * many claims were checked against the paper's own numbers and how many against values derived or
 * chosen here.
 */

export type Provenance =
  /** Read in the paper or its official code/logs; `where` names the table, figure, theorem or file. */
  | { kind: "paper"; where: string }
  /** A closed form or consequence derived here or in the notes; `where` names the derivation. */
  | { kind: "derived"; where: string }
  /** A value from the notes' exploratory (prototype) runs; `where` names the notes section. */
  | { kind: "prototype"; where: string }
  /** A threshold we chose; `why` says why (set before the run). */
  | { kind: "design"; why: string };

export type Basis = Provenance["kind"];

/** Strongest first: the order README lists the bases in. */
export const BASES: readonly Basis[] = ["paper", "derived", "prototype", "design"];

function nonEmpty(text: string, what: string): string {
  if (!text || !text.trim()) throw new Error(`${what}: say where the value comes from (a non-empty text)`);
  return text.trim();
}

export const paper = (where: string): Provenance => ({ kind: "paper", where: nonEmpty(where, "paper(where)") });
export const derived = (where: string): Provenance => ({ kind: "derived", where: nonEmpty(where, "derived(where)") });
export const prototype = (where: string): Provenance => ({ kind: "prototype", where: nonEmpty(where, "prototype(where)") });
export const design = (why: string): Provenance => ({ kind: "design", why: nonEmpty(why, "design(why)") });

/** "paper: Table 2" / "design: why". */
export function describeProvenance(p: Provenance): string {
  return `${p.kind}: ${p.kind === "design" ? p.why : p.where}`;
}
