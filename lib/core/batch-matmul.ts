/**
 * Per-sample matrix products (a batch of small products, e.g. attention scores per head or a
 * covariance per image) that avoid the WASM backend's slow path. tfjs' WASM BatchMatMul with a
 * batch > 1 does not reach XNNPACK: on 64 products of 64×64×64 it takes ~10 ms against ~1.7 ms
 * for the same products issued one by one, and on attention-sized batches (256 × 19×8·8×19) 0.7 ms.
 * Its depthwise convolution computes the same sums 1.6-2.7× faster on these shapes, so the products
 * are phrased as one depthwise convolution, with hand-written gradients in the same form. The
 * convolution sums over the contracted axis in order; so does BatchMatMul up to a contraction of
 * 49, where the outputs are bit-identical (tfjs 4.22; test/core/batch-matmul.test.ts). From 50 on
 * BatchMatMul changes its order (at 64 about 30% of the outputs are equal, at MHC³'s 196 tokens
 * about 10%): the two then agree to float32 rounding.
 * Not a universal win: with a contraction of 2-4 and ~1000 samples (the Tversky XOR batch, [972, 4, 2]
 * by [972, 2, 32]) the transposes around the convolution cost more than they save (a whole Adam step
 * measured 57 ms against 42 ms), so use it where a profile says the batched product dominates.
 */
import { tf } from "./tf";

/**
 * C[p] = X[p]ᵀ·Y[p] for X [P,Z,Xd], Y [P,Z,Yd], as ONE depthwise convolution: channels = p, the
 * kernel's height runs over the contracted axis Z, the channel multiplier over Yd, and the
 * convolution's batch over Xd.
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

/** Batched aᵀ·b: a [B,N,P], b [B,N,Q] -> [B,P,Q] (a·b per sample is batchedGram(aᵀ, b)). */
export function batchedGram(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.rank !== 3 || b.rank !== 3 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`batchedGram: shapes [${a.shape}] and [${b.shape}] need the same batch and token axes`);
  }
  return bmmTA(a, b) as tf.Tensor3D;
}

const tr = (x: tf.Tensor3D): tf.Tensor3D => tf.transpose(x, [0, 2, 1]);

/**
 * a·b for a [P, m, k], b [P, k, n] (b [P, n, k] with `transposeB`): tf.matMul's batched product,
 * sent through batchedGram when P > 1; a single product (P = 1, or rank-2 inputs) stays on tf.matMul,
 * which reaches XNNPACK there.
 */
export function batchMatmul<T extends tf.Tensor>(a: T, b: T, o: { transposeB?: boolean } = {}): T {
  if (a.rank !== 3 || b.rank !== 3 || a.shape[0] === 1) return tf.matMul(a, b, false, o.transposeB ?? false) as unknown as T;
  const inner = o.transposeB ? b.shape[2] : b.shape[1];
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== inner) {
    throw new Error(
      `batchMatmul: shapes [${a.shape}] and [${b.shape}]${o.transposeB ? " (b transposed)" : ""} need the same batch and a[.., k]·b[k, ..]`,
    );
  }
  const a3 = a as unknown as tf.Tensor3D;
  const b3 = b as unknown as tf.Tensor3D;
  return batchedGram(tr(a3), o.transposeB ? tr(b3) : b3) as unknown as T;
}
