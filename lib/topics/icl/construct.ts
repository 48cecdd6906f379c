/**
 * von Oswald et al., Proposition 1 (Appendix A.1; notes §4a): weights that make one LSA layer
 * perform one step of gradient descent on L(W) = (1/2N) Σ ‖W x_i − y_i‖² from W₀:
 *   W_K = W_Q = [[I_x, 0], [0, 0]],  W_V = [[0, 0], [W₀, −1]],  P = (η/N) I,
 * no 1/N normalization in the layer (it is in P), keys/values from the context only, and the
 * prediction read out as −(updated query label slot) with the slot initialised to −W₀ x_q. Then
 * every token gets e_j ← (x_j, y_j − ΔW x_j) and ŷ = (W₀ + ΔW) x_q, ΔW = (η/N) Σ (y_i − W₀x_i) x_iᵀ.
 * Generalised here to a preconditioner G (W_Q's block is G): ŷ = W₀x_q + (1/N) Σ (y_i − W₀x_i) x_iᵀ G x_q.
 */
import { assertMatrix, eye, zeros, type Matrix } from "../../core/linalg";
import type { LsaOptions, SeparateParams } from "./lsa";

export interface GDConstruction {
  params: SeparateParams;
  /** The layer options the construction assumes. */
  options: LsaOptions;
  /** W₀ (length d); the query's label slot must hold −W₀ᵀx_q. */
  W0: number[];
}

/** Builds the Proposition-1 weights for dimension d, context length n, step η (or preconditioner G). */
export function constructGD(args: { d: number; n: number; eta?: number; G?: Matrix; W0?: number[] }): GDConstruction {
  const { d, n } = args;
  if (!Number.isInteger(d) || d < 1) throw new Error(`constructGD: d must be a positive integer, got ${String(d)}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`constructGD: n must be a positive integer, got ${String(n)}`);
  if ((args.eta === undefined) === (args.G === undefined))
    throw new Error("constructGD: give exactly one of eta (a step size) or G (a d x d preconditioner)");
  let G: Matrix;
  if (args.G !== undefined) {
    assertMatrix(args.G, "constructGD G", d, d);
    G = args.G;
  } else {
    if (!Number.isFinite(args.eta)) throw new Error(`constructGD: eta must be a finite number, got ${String(args.eta)}`);
    G = eye(d).map((r) => r.map((v) => v * args.eta!));
  }
  const W0 = args.W0 ?? new Array<number>(d).fill(0);
  if (W0.length !== d || !W0.every(Number.isFinite)) throw new Error(`constructGD: W0 must be ${d} finite numbers`);
  const D = d + 1;
  const Wk = zeros(D, D);
  const Wq = zeros(D, D);
  for (let i = 0; i < d; i++) {
    Wk[i]![i] = 1;
    for (let j = 0; j < d; j++) Wq[i]![j] = G[i]![j]!;
  }
  const Wv = zeros(D, D);
  for (let j = 0; j < d; j++) Wv[d]![j] = W0[j]!;
  Wv[d]![d] = -1;
  const P = eye(D).map((r) => r.map((v) => v / n));
  return {
    params: { kind: "separate", Wk, Wq, Wv, P },
    options: { includeQuery: false, normalize: "none", readout: "minus" },
    W0: W0.slice(),
  };
}
