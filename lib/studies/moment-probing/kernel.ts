/**
 * The study's ONE switch for MHC³'s steps 2-6 (head split, LayerNorm, centring, cross-covariances,
 * column normalisation): false = the tfjs tensor composition that produced the committed notebook
 * outputs; true = the fused Float32Array op (lib/topics/moments/fused-moments.ts), the same
 * function with a hand-written gradient and far fewer kernel dispatches (timings:
 * bench/moment-probing.ts, the "fused" rows). The two differ by float32 rounding only, which
 * moves trained probes slightly: flip this only together with a full-scale re-run of the notebook.
 */
export const FUSED_MOMENTS = false;

/** An MHC³ config with the study's choice of implementation. */
export function withMomentKernel<T extends object>(cfg: T): T & { fused: boolean } {
  return { ...cfg, fused: FUSED_MOMENTS };
}
