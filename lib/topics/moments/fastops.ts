/**
 * Matrix products with hand-written gradients that avoid the WASM backend's slow paths. On WASM
 * (tfjs 4.22), a matmul with transposeA/transposeB and a reduction over a leading axis run ~10×
 * slower than a plain matmul, because they transpose large tensors element by element; tfjs'
 * built-in gradients of matMul and of a bias add use exactly those. Here every gradient is a plain
 * matmul after transposing only the small operand, and bias gradients are ones-row matmuls. The
 * matmuls themselves live in core (matmul2d, batchedGram) and are re-exported here.
 * Tested against tf.matMul and its autodiff in test/topics/moments/parts.test.ts.
 */
import { tf } from "../../core/tf";

export { matmul2d } from "../../core/matmul";
export { batchedGram } from "../../core/batch-matmul";

const biasAdd = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, b] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  const M = x.shape[0];
  return {
    value: tf.add(x, b),
    gradFunc: (dy: tf.Tensor) => [dy, tf.reshape(tf.matMul(tf.ones([1, M]), dy as tf.Tensor2D), [b.shape[0]])],
  };
});

/** x [M,N] + b [N] with the bias gradient as a ones-row matmul. */
export function addBias(x: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (x.rank !== 2 || b.rank !== 1 || x.shape[1] !== b.shape[0])
    throw new Error(`addBias: shapes [${x.shape}] and [${b.shape}] do not match`);
  return biasAdd(x, b) as tf.Tensor2D;
}

const affine = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, g]);
  return {
    value: tf.add(tf.mul(x, g), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sg] = saved as [tf.Tensor, tf.Tensor1D];
      const h = sg.shape[0];
      const M = sx.size / h;
      const ones = tf.ones([1, M]);
      const dg = tf.reshape(tf.matMul(ones, tf.reshape(tf.mul(dy, sx), [M, h]) as tf.Tensor2D), [h]);
      const db = tf.reshape(tf.matMul(ones, tf.reshape(dy, [M, h]) as tf.Tensor2D), [h]);
      return [tf.mul(dy, sg), dg, db];
    },
  };
});

/** x·γ + β on the last axis, with γ/β gradients as ones-row matmuls (no leading-axis reductions). */
export function affineLastAxis<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D): T {
  const h = x.shape[x.rank - 1];
  if (gamma.rank !== 1 || beta.rank !== 1 || gamma.shape[0] !== h || beta.shape[0] !== h) {
    throw new Error(`affineLastAxis: γ [${gamma.shape}] and β [${beta.shape}] must match the last axis ${h}`);
  }
  return affine(x, gamma, beta) as T;
}
