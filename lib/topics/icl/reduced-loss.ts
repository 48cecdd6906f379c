/**
 * The training loss of a merged LSA layer in its reduced form (notes §1.1), with a hand-written
 * gradient, as a few 2-D ops over the batch:
 *   s = C a        ([B(d+1), d+1] x [d+1, 1], reshaped to [B, d+1]; C is symmetric so s_b = C_bᵀa)
 *   u = x_q Bᵀ     ([B, d] x [d, d+1])
 *   ŷ = rowsum(s ⊙ u) = aᵀ C_b B x_q
 *   L = c · mean_b (ŷ_b − y_b)²,  c = 1/2 ("half", von Oswald/Zhang scale) or 1 ("mse")
 *   ∂L/∂Bᵀ = x_qᵀ (r ⊙ s),   ∂L/∂a = Cᵀ vec(r ⊙ u),   r = 2c (ŷ − y)/B
 * This is what makes a training step cheap (the token formulation needs batched (n+1) x (d+1)
 * products); tests check it against lsaForward, tf.grad and finite differences.
 */
import { tf } from "../../core/tf";
import type { StatsTensors } from "./task-stats";

export type LossScale = "half" | "mse";

/** ŷ [B, 1] for a = [d+1, 1] and Bᵀ = [d, d+1]. */
export function reducedForward(a: tf.Tensor2D, BT: tf.Tensor2D, st: StatsTensors): tf.Tensor2D {
  const D = st.d + 1;
  return tf.tidy(() => {
    const s = tf.reshape(tf.matMul(st.C, a), [st.B, D]);
    const u = tf.matMul(st.xq, BT);
    return tf.sum(tf.mul(s, u), 1, true) as tf.Tensor2D;
  });
}

/** The loss and its gradients with respect to a and Bᵀ (no autodiff tape). */
export function reducedLossAndGrads(
  a: tf.Tensor2D,
  BT: tf.Tensor2D,
  st: StatsTensors,
  lossScale: LossScale = "half",
): { loss: tf.Scalar; ga: tf.Tensor2D; gBT: tf.Tensor2D } {
  const D = st.d + 1;
  if (a.shape[0] !== D || a.shape[1] !== 1) throw new Error(`reducedLossAndGrads: a must be [${D}, 1], got [${a.shape}]`);
  if (BT.shape[0] !== st.d || BT.shape[1] !== D) throw new Error(`reducedLossAndGrads: Bᵀ must be [${st.d}, ${D}], got [${BT.shape}]`);
  const c = lossScale === "half" ? 0.5 : 1;
  return tf.tidy(() => {
    const s = tf.reshape(tf.matMul(st.C, a), [st.B, D]);
    const u = tf.matMul(st.xq, BT);
    const yhat = tf.sum(tf.mul(s, u), 1, true);
    const res = tf.sub(yhat, st.yq);
    const loss = tf.mul(tf.mean(tf.square(res)), c) as tf.Scalar;
    const r = tf.mul(res, (2 * c) / st.B);
    const gBT = tf.matMul(st.xq, tf.mul(r, s), true, false) as tf.Tensor2D;
    const ga = tf.reshape(tf.matMul(tf.reshape(tf.mul(r, u), [1, st.B * D]), st.C), [D, 1]) as tf.Tensor2D;
    return { loss, ga, gBT };
  });
}
