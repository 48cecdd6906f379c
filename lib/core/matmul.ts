/**
 * A 2-D matrix product whose gradient avoids the WASM backend's slow paths. On WASM (tfjs 4.22)
 * only an untransposed 2-D matmul reaches XNNPACK; a matmul with transposeA/transposeB transposes
 * large tensors element by element and runs ~5-10x slower, and tfjs' built-in matMul gradient uses
 * exactly those. Here both gradients are plain matmuls after an explicit transpose.
 */
import { tf } from "./tf";

const mm2 = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** a·b for 2-D a [M,K], b [K,N], with plain-matmul gradients (see above). */
export function matmul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0])
    throw new Error(`matmul2d: shapes [${a.shape}] and [${b.shape}] do not chain`);
  return mm2(a, b) as tf.Tensor2D;
}
