/**
 * One linear self-attention layer on concatenated tokens (notes §1.1; Zhang eq. 3.3; von Oswald
 * eq. 1), computed directly on the token matrix. This is the reference ("straightforward")
 * formulation: batched (n+1) x (d+1) products. Training uses the equivalent reduced form of
 * reducedLoss.ts, which tests check against this one.
 *
 * Tokens are rows: E ∈ R^{B x (n+1) x (d+1)}, row i = z_i = (x_i, y_i), last row = (x_q, query
 * label slot). With merged parameters, in the column notation of the notes,
 *   f(E) = E + W_PV · E_kv · (E_kvᵀ W_KQ E) / ρ,   ρ = n ("n") or 1 ("none"),
 * where E_kv holds the context tokens, plus the query token when `includeQuery`.
 * Separate parameters (von Oswald): W_KQ = W_Kᵀ W_Q, W_PV = P W_V. Several heads add their updates.
 */
import { tf } from "../../core/tf";
import { assertMatrix, matMul, transpose, type Matrix } from "../../core/linalg";

/** Merged parameters, both (d+1) x (d+1) (Zhang). */
export interface MergedParams {
  kind: "merged";
  Wkq: Matrix;
  Wpv: Matrix;
}

/** Separate parameters (von Oswald): W_K, W_Q are k x (d+1), W_V is m x (d+1), P is (d+1) x m. */
export interface SeparateParams {
  kind: "separate";
  Wk: Matrix;
  Wq: Matrix;
  Wv: Matrix;
  P: Matrix;
}

export type LsaParams = MergedParams | SeparateParams;

export interface LsaOptions {
  /** Whether the query token enters keys and values (Zhang: yes; von Oswald's code: no). Default false. */
  includeQuery?: boolean;
  /** Divide the attention sum by n ("n", Zhang's ρ = N) or not ("none", von Oswald). Default "n". */
  normalize?: "n" | "none";
  /** ŷ = +(bottom-right entry) (Zhang, "plus") or -(it) (von Oswald's code, "minus"). Default "plus". */
  readout?: "plus" | "minus";
}

export function resolveOptions(o: LsaOptions = {}): Required<LsaOptions> {
  const r = { includeQuery: o.includeQuery ?? false, normalize: o.normalize ?? "n", readout: o.readout ?? "plus" } as const;
  if (typeof r.includeQuery !== "boolean") throw new Error(`LSA option includeQuery must be true or false, got ${String(o.includeQuery)}`);
  if (r.normalize !== "n" && r.normalize !== "none")
    throw new Error(`LSA option normalize must be "n" or "none", got ${JSON.stringify(o.normalize)}`);
  if (r.readout !== "plus" && r.readout !== "minus")
    throw new Error(`LSA option readout must be "plus" or "minus", got ${JSON.stringify(o.readout)}`);
  return r;
}

/** Token dimension d+1 of a parameter set, after checking its shapes. */
export function tokenDim(p: LsaParams): number {
  if (p.kind === "merged") {
    assertMatrix(p.Wkq, "Wkq");
    const D = p.Wkq.length;
    assertMatrix(p.Wkq, "Wkq", D, D);
    assertMatrix(p.Wpv, "Wpv", D, D);
    return D;
  }
  if (p.kind === "separate") {
    assertMatrix(p.Wq, "Wq");
    const k = p.Wq.length;
    const D = p.Wq[0]!.length;
    assertMatrix(p.Wk, "Wk", k, D);
    assertMatrix(p.Wv, "Wv");
    const m = p.Wv.length;
    assertMatrix(p.Wv, "Wv", m, D);
    assertMatrix(p.P, "P", D, m);
    return D;
  }
  throw new Error(`LSA params must have kind "merged" or "separate", got ${JSON.stringify((p as { kind: unknown }).kind)}`);
}

/** W_KQ = W_Kᵀ W_Q and W_PV = P W_V (the only products that matter; von Oswald §2). */
export function mergeParams(p: LsaParams): MergedParams {
  tokenDim(p);
  if (p.kind === "merged") return p;
  return { kind: "merged", Wkq: matMul(transpose(p.Wk), p.Wq), Wpv: matMul(p.P, p.Wv) };
}

/**
 * Prompt tokens [B, n+1, d+1] from X [B, n, d], y [B, n], xq [B, d]; the query's label slot is
 * `queryLabel` (0 by default; von Oswald's construction with W₀ ≠ 0 puts -W₀x_q there).
 */
export function buildTokens(X: tf.Tensor3D, y: tf.Tensor2D, xq: tf.Tensor2D, queryLabel?: tf.Tensor1D): tf.Tensor3D {
  const [B, n, d] = X.shape;
  if (y.shape[0] !== B || y.shape[1] !== n) throw new Error(`buildTokens: y must be [${B}, ${n}], got [${y.shape}]`);
  if (xq.shape[0] !== B || xq.shape[1] !== d) throw new Error(`buildTokens: xq must be [${B}, ${d}], got [${xq.shape}]`);
  if (queryLabel && queryLabel.shape[0] !== B) throw new Error(`buildTokens: queryLabel must be [${B}], got [${queryLabel.shape}]`);
  return tf.tidy(() => {
    const ctx = tf.concat([X, tf.expandDims(y, 2)], 2);
    const ql = queryLabel ? tf.reshape(queryLabel, [B, 1, 1]) : tf.zeros([B, 1, 1]);
    const q = tf.concat([tf.expandDims(xq, 1), ql], 2);
    return tf.concat([ctx, q], 1) as tf.Tensor3D;
  });
}

/** Parameters as tensors, for the token forward and for autodiff. */
export type LsaTensors =
  | { kind: "merged"; Wkq: tf.Tensor2D; Wpv: tf.Tensor2D }
  | { kind: "separate"; Wk: tf.Tensor2D; Wq: tf.Tensor2D; Wv: tf.Tensor2D; P: tf.Tensor2D };

export function paramsToTensors(p: LsaParams): LsaTensors {
  tokenDim(p);
  if (p.kind === "merged") return { kind: "merged", Wkq: tf.tensor2d(p.Wkq), Wpv: tf.tensor2d(p.Wpv) };
  return { kind: "separate", Wk: tf.tensor2d(p.Wk), Wq: tf.tensor2d(p.Wq), Wv: tf.tensor2d(p.Wv), P: tf.tensor2d(p.P) };
}

export function disposeLsaTensors(t: LsaTensors): void {
  if (t.kind === "merged") tf.dispose([t.Wkq, t.Wpv]);
  else tf.dispose([t.Wk, t.Wq, t.Wv, t.P]);
}

/**
 * The layer applied to tokens E [B, n+1, d+1]: returns the updated tokens and the prediction
 * ŷ = ±(updated bottom-right entry). `heads` may be one head or several (updates add).
 */
export function lsaForward(
  heads: LsaTensors | LsaTensors[],
  E: tf.Tensor3D,
  options: LsaOptions = {},
): { tokens: tf.Tensor3D; yhat: tf.Tensor1D } {
  const o = resolveOptions(options);
  const list = Array.isArray(heads) ? heads : [heads];
  if (list.length === 0) throw new Error("lsaForward: need at least one head");
  const [B, T, D] = E.shape;
  const n = T - 1;
  if (n < 1) throw new Error(`lsaForward: tokens must hold at least one context token and the query, got ${T} tokens`);
  return tf.tidy(() => {
    const kv = o.includeQuery ? E : (tf.slice(E, [0, 0, 0], [B, n, D]) as tf.Tensor3D);
    const rho = o.normalize === "n" ? n : 1;
    let update: tf.Tensor3D | undefined;
    for (const h of list) {
      let u: tf.Tensor3D;
      if (h.kind === "merged") {
        if (h.Wkq.shape[0] !== D || h.Wpv.shape[0] !== D)
          throw new Error(`lsaForward: parameters are for tokens of size ${h.Wkq.shape[0]}, tokens have size ${D}`);
        // scores[j, i] = e_jᵀ W_KQᵀ e_i ; values v_i = W_PV e_i
        const q = tf.reshape(tf.matMul(tf.reshape(E, [B * T, D]), h.Wkq, false, true), [B, T, D]);
        const scores = tf.matMul(q, kv, false, true);
        const values = tf.reshape(tf.matMul(tf.reshape(kv, [-1, D]), h.Wpv, false, true), [B, -1, D]);
        u = tf.matMul(scores, values) as tf.Tensor3D;
      } else {
        if (h.Wq.shape[1] !== D) throw new Error(`lsaForward: parameters are for tokens of size ${h.Wq.shape[1]}, tokens have size ${D}`);
        const q = tf.reshape(tf.matMul(tf.reshape(E, [B * T, D]), h.Wq, false, true), [B, T, -1]);
        const k = tf.reshape(tf.matMul(tf.reshape(kv, [-1, D]), h.Wk, false, true), [B, -1, h.Wk.shape[0]]);
        const v = tf.reshape(tf.matMul(tf.reshape(kv, [-1, D]), h.Wv, false, true), [B, -1, h.Wv.shape[0]]);
        const scores = tf.matMul(q, k, false, true);
        const sv = tf.matMul(scores, v); // [B, T, m]
        u = tf.reshape(tf.matMul(tf.reshape(sv, [B * T, -1]), h.P, false, true), [B, T, D]) as tf.Tensor3D;
      }
      update = update ? (tf.add(update, u) as tf.Tensor3D) : u;
    }
    const tokens = tf.add(E, tf.div(update!, rho)) as tf.Tensor3D;
    const corner = tf.reshape(tf.slice(tokens, [0, n, D - 1], [B, 1, 1]), [B]) as tf.Tensor1D;
    const yhat = o.readout === "plus" ? corner : (tf.neg(corner) as tf.Tensor1D);
    return { tokens, yhat };
  });
}
