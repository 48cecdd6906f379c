/**
 * Names and options of the Tversky contrast model (notes tversky.md §1, §12). The official library
 * (`mdoumbouya/tversky`, [C]) applies min/max/mean/gmean/softmin to the two *aggregated*
 * common-feature sums Ia, Ib; the `_pf` names are the per-feature forms of third-party
 * transcriptions of the paper's equations ([S]), kept so the two can be compared.
 */

/** Official intersection reductions [C] (§1.4): product is per-feature, the others act on Ia, Ib. */
export const OFFICIAL_INTERSECTIONS = ["product", "min", "max", "mean", "gmean", "softmin"] as const;
/** Per-feature Ψ then Σ_k (paper eq. 3 as transcribed [S]); product and mean need no _pf form. */
export const PER_FEATURE_INTERSECTIONS = ["min_pf", "max_pf", "gmean_pf", "softmin_pf"] as const;
export const INTERSECTIONS = [...OFFICIAL_INTERSECTIONS, ...PER_FEATURE_INTERSECTIONS] as const;

/** Official difference reductions [C] (§1.5): eq. 4, and ignorematch + relu(Ia − Ib). */
export const OFFICIAL_DIFFERENCES = ["ignorematch", "substractmatch"] as const;
/** Per-feature transcriptions [S]: Σ relu(a_k − b_k) on shared features, and that + ignorematch. */
export const PER_FEATURE_DIFFERENCES = ["substractmatch_pf", "substractmatch_pf_plus"] as const;
export const DIFFERENCES = [...OFFICIAL_DIFFERENCES, ...PER_FEATURE_DIFFERENCES] as const;

export type OfficialIntersection = (typeof OFFICIAL_INTERSECTIONS)[number];
export type IntersectionReduction = (typeof INTERSECTIONS)[number];
export type OfficialDifference = (typeof OFFICIAL_DIFFERENCES)[number];
export type DifferenceReduction = (typeof DIFFERENCES)[number];
export type SimilarityModel = "contrast" | "ratio";

/** Options of the similarity (official defaults: product, ignorematch, contrast, no normalisation, threshold 0). */
export interface TverskyOptions {
  /** Default "product" (the official default and the one in every official example). */
  intersection?: IntersectionReduction;
  /** Default "ignorematch" (official default). */
  difference?: DifferenceReduction;
  /** "contrast" θI − αD_ab − βD_ba (default), or the official ratio I / (I + αD_ab + βD_ba + 1). */
  model?: SimilarityModel;
  /** L2-normalise inputs and prototypes (not the bank) before projecting, as torch F.normalize (eps 1e-12). */
  normalize?: boolean;
  /** Membership is `x·f_k > threshold` (strict); official 0. */
  threshold?: number;
  /**
   * Added inside gmean's logs. The official code has none (0, the default here): with no common
   * feature, log 0 = −inf gives a forward value 0 and NaN gradients. Keep 0 to reproduce that.
   */
  gmeanEps?: number;
  /**
   * Compute the similarity and its gradient with the fused Float32Array kernel (fused.ts) instead
   * of the tensor composition. Same function; float32 rounding differs, so default false keeps
   * earlier results bit for bit.
   */
  fused?: boolean;
}

/** TverskyOptions with every default filled in. */
export interface ResolvedOptions {
  intersection: IntersectionReduction;
  difference: DifferenceReduction;
  model: SimilarityModel;
  normalize: boolean;
  threshold: number;
  gmeanEps: number;
  fused: boolean;
}

/** Fills defaults and rejects unknown names with the list of valid ones. */
export function resolveOptions(o: TverskyOptions = {}): ResolvedOptions {
  const r: ResolvedOptions = {
    intersection: o.intersection ?? "product",
    difference: o.difference ?? "ignorematch",
    model: o.model ?? "contrast",
    normalize: o.normalize ?? false,
    threshold: o.threshold ?? 0,
    gmeanEps: o.gmeanEps ?? 0,
    fused: o.fused ?? false,
  };
  if (!(INTERSECTIONS as readonly string[]).includes(r.intersection)) {
    throw new Error(`unknown intersection reduction ${JSON.stringify(r.intersection)}; pick one of ${INTERSECTIONS.join(", ")}`);
  }
  if (!(DIFFERENCES as readonly string[]).includes(r.difference)) {
    throw new Error(`unknown difference reduction ${JSON.stringify(r.difference)}; pick one of ${DIFFERENCES.join(", ")}`);
  }
  if (r.model !== "contrast" && r.model !== "ratio") {
    throw new Error(`unknown similarity model ${JSON.stringify(r.model)}; use "contrast" or "ratio"`);
  }
  if (!Number.isFinite(r.threshold)) throw new Error(`threshold must be a finite number, got ${r.threshold}`);
  if (!(r.gmeanEps >= 0 && Number.isFinite(r.gmeanEps))) throw new Error(`gmeanEps must be a finite number ≥ 0, got ${r.gmeanEps}`);
  return r;
}

/** True when the reduction pair needs the O(n·m·K) per-feature intermediate. */
export function needsPerFeature(o: ResolvedOptions): boolean {
  return o.intersection.endsWith("_pf") || o.difference.startsWith("substractmatch_pf");
}
