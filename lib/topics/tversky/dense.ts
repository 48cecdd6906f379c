/**
 * Matrix products for run-batched weights. On the tfjs wasm backend only an untransposed 2-D
 * matmul reaches XNNPACK; transposed or batched products fall back to a naive loop (measured
 * ~5-10x slower for 128×784·784×64). So a single run (R = 1) goes through 2-D matmuls whose
 * gradients are written with explicit transposes, and R > 1 uses the batched matmul (the sizes
 * batched here, digits, are small). For a layer that reads constant data (the input batch), the
 * caller can pass xᵀ, built on the host, so the weight gradient xᵀ·dy needs no transpose at all.
 */
import { matmul2d } from "../../core/matmul";
import { tf } from "../../core/tf";

type Save = tf.GradSaveFunc;

/** x [B, n] (constant, with xᵀ given) · W [n, m]; only W gets a gradient, xᵀ·dy. */
const matMulConstInput = tf.customGrad(((...args: (tf.Tensor | Save)[]) => {
  const [x, xT, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, Save];
  // saved tensors are kept alive for the backward pass even when xᵀ was made inside the forward
  save([xT]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.zerosLike(x),
      tf.zerosLike(xT),
      tf.matMul(saved[0] as tf.Tensor2D, dy as tf.Tensor2D),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** x [R, B, n] · W [R, n, m] → [R, B, m]; `xT` [n, B] (R = 1 only) marks x as constant data. */
export function runMatMul(x: tf.Tensor3D, w: tf.Tensor3D, xT?: tf.Tensor2D): tf.Tensor3D {
  if (x.shape[0] !== w.shape[0]) throw new Error(`runMatMul: ${x.shape[0]} runs of inputs but ${w.shape[0]} of weights`);
  if (x.shape[0] !== 1) return tf.matMul(x, w);
  const [, B, n] = x.shape;
  const m = w.shape[2];
  const x2 = tf.reshape(x, [B, n]) as tf.Tensor2D;
  const w2 = tf.reshape(w, [n, m]) as tf.Tensor2D;
  const y = (xT !== undefined ? matMulConstInput(x2, xT, w2) : matmul2d(x2, w2)) as tf.Tensor2D;
  return tf.reshape(y, [1, B, m]);
}

/** A dense layer per run: x W + b, optionally ReLU. */
export function runDense(x: tf.Tensor3D, w: tf.Tensor3D, b: tf.Tensor3D, relu: boolean, xT?: tf.Tensor2D): tf.Tensor3D {
  const y = tf.add(runMatMul(x, w, xT), b) as tf.Tensor3D;
  return relu ? tf.relu(y) : y;
}
