/**
 * Matrix products with hand-written gradients that avoid the WASM backend's slow paths. On WASM
 * (tfjs 4.22), a matmul with transposeA/transposeB and a reduction over a leading axis run ~10×
 * slower than a plain matmul, because they transpose large tensors element by element; tfjs'
 * built-in gradients of matMul and of a bias add use exactly those. Here every gradient is a plain
 * matmul after transposing only the small operand, and bias gradients are ones-row matmuls.
 * Tested against tf.matMul and its autodiff in test/probing-parts.test.ts.
 */
import { tf } from "../../core/tf";

export { matmul2d } from "../../core/matmul";

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

/**
 * C[p] = X[p]ᵀ·Y[p] for X [P,Z,Xd], Y [P,Z,Yd], as ONE depthwise convolution: channels = p, the
 * kernel's height runs over the contracted axis Z, the channel multiplier over Yd, and the
 * convolution's batch over Xd. tfjs' WASM BatchMatMul with a batch > 1 takes a slow path (about
 * 8× slower per flop than a 2-D matmul here); its depthwise convolution is ~1.6× faster on these
 * shapes, with the same summation order.
 */
function perSampleXtY(x: tf.Tensor3D, y: tf.Tensor3D): tf.Tensor3D {
  const [P, Z, Xd] = x.shape;
  const Yd = y.shape[2];
  const input = tf.reshape(tf.transpose(x, [2, 1, 0]), [Xd, Z, 1, P]) as tf.Tensor4D;
  const filter = tf.reshape(tf.transpose(y, [1, 0, 2]), [Z, 1, P, Yd]) as tf.Tensor4D;
  const out = tf.depthwiseConv2d(input, filter, 1, "valid"); // [Xd, 1, 1, P·Yd]
  return tf.transpose(tf.reshape(out, [Xd, P, Yd]), [1, 0, 2]);
}

const bmmTA = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: perSampleXtY(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      const d = dy as tf.Tensor3D;
      // M = aᵀb: da = b·dMᵀ = (bᵀ)ᵀ(dMᵀ), db = a·dM = (aᵀ)ᵀ dM
      const da = perSampleXtY(tf.transpose(sb, [0, 2, 1]), tf.transpose(d, [0, 2, 1]));
      const db = perSampleXtY(tf.transpose(sa, [0, 2, 1]), d);
      return [da, db];
    },
  };
});

/** Batched aᵀ·b: a [B,N,P], b [B,N,Q] -> [B,P,Q]. */
export function batchedGram(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.rank !== 3 || b.rank !== 3 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`batchedGram: shapes [${a.shape}] and [${b.shape}] need the same batch and token axes`);
  }
  return bmmTA(a, b) as tf.Tensor3D;
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
