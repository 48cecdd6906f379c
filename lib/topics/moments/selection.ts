/**
 * Choosing a hyperparameter (a learning rate, a ridge weight) on a validation split carved from the
 * training side of the data, never from the test pool: the candidate with the highest validation
 * score wins, ties going to the earlier candidate, and every score is kept so the notebook can show
 * how flat or sharp the choice was.
 */
import type { Rng } from "../../core/rng";

export interface Selection<T> {
  best: T;
  scores: { candidate: T; score: number }[];
}

/** Scores every candidate and returns the best (first on ties). */
export function selectByValidation<T>(o: { candidates: readonly T[]; score: (candidate: T) => number }): Selection<T> {
  if (o.candidates.length === 0) throw new Error("selectByValidation: no candidates");
  const scores = o.candidates.map((candidate) => ({ candidate, score: o.score(candidate) }));
  let best = scores[0]!;
  for (const s of scores) if (s.score > best.score) best = s;
  return { best: best.candidate, scores };
}

function byClass(y: ArrayLike<number>, rows: readonly number[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const r of rows) {
    const c = y[r]!;
    const list = m.get(c) ?? [];
    list.push(r);
    m.set(c, list);
  }
  return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Splits `rows` (indices into y) into fit and validation parts, stratified by class: a fraction
 * `valFraction` of every class (at least one sample, and at least one left to fit) is held out.
 */
export function carveValidation(o: { y: ArrayLike<number>; rows: readonly number[]; valFraction: number; rng: Rng }): {
  fit: number[];
  val: number[];
} {
  if (!(o.valFraction > 0 && o.valFraction < 1)) throw new Error(`carveValidation: valFraction must be in (0, 1), got ${o.valFraction}`);
  const fit: number[] = [];
  const val: number[] = [];
  for (const [c, idx] of byClass(o.y, o.rows)) {
    if (idx.length < 2) throw new Error(`carveValidation: class ${c} has ${idx.length} training sample(s); need 2 to hold one out`);
    const shuffled = o.rng.shuffle(idx.slice());
    const nv = Math.min(idx.length - 1, Math.max(1, Math.round(idx.length * o.valFraction)));
    val.push(...shuffled.slice(0, nv));
    fit.push(...shuffled.slice(nv));
  }
  return { fit: fit.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/** `perClass` random rows of every class from `pool` (for validation sets beside k-shot picks). */
export function samplePerClass(o: { y: ArrayLike<number>; pool: readonly number[]; perClass: number; rng: Rng }): number[] {
  const out: number[] = [];
  for (const [c, idx] of byClass(o.y, o.pool)) {
    if (idx.length < o.perClass) throw new Error(`samplePerClass: class ${c} has ${idx.length} rows in the pool, fewer than ${o.perClass}`);
    out.push(...o.rng.sample(idx, o.perClass));
  }
  return out.sort((a, b) => a - b);
}
