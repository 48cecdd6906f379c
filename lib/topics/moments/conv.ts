/**
 * The MHC³ reduction's 3×3, stride-2, unpadded, bias-free convolution (notes §2.4 step 7).
 *
 * The WASM backend has tf.conv2d's forward kernel and its input gradient (Conv2DBackpropInput)
 * but no filter gradient (Conv2DBackpropFilter), so `strideConv3x3` wraps tf.conv2d in a custom
 * gradient whose filter gradient is itself a forward convolution (the standard identity):
 *   dW[a,b,c,o] = Σ_{n,i,j} x[n, 2i+a, 2j+b, c] · dy[n, i, j, o]
 *               = conv2d(input = x with batch↔channel swapped, filter = dy, dilation 2)[c,a,b,o].
 * `strideConv3x3Reference` is the same convolution from slices and one matmul (autodiff only,
 * ~50× slower on WASM because rank-6 slices are slow there); tests check the two against each other
 * and against float64 finite differences.
 */
import { tf } from "../../core/tf";

/** Output side of a k3 s2 valid convolution: ⌊(h−3)/2⌋ + 1 (notes §2.6); < 1 means "too small". */
export function convOutSide(h: number): number {
  return Math.floor((h - 3) / 2) + 1;
}

function checkConvArgs(x: tf.Tensor4D, cin: number, what: string): number {
  const [, h, w] = x.shape;
  if (h !== w) throw new Error(`${what} needs square maps, got [${x.shape}]`);
  if (x.shape[3] !== cin) throw new Error(`${what}: input has ${x.shape[3]} channels, filter expects ${cin}`);
  const s = convOutSide(h);
  if (s < 1) throw new Error(`${what}: a ${h}×${h} map is too small for a 3×3 stride-2 convolution (needs h ≥ 3)`);
  return s;
}

const conv3x3s2 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, f, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, f]);
  return {
    value: tf.conv2d(x, f, 2, "valid"),
    gradFunc: (dyIn: tf.Tensor, saved: tf.Tensor[]) => {
      const dy = dyIn as tf.Tensor4D;
      const [xs, fs] = saved as [tf.Tensor4D, tf.Tensor4D];
      const [, h, , C] = xs.shape;
      const O = fs.shape[3];
      const dx = tf.conv2dTranspose(dy, fs, [xs.shape[0], h, h, C], 2, "valid");
      const xT = tf.transpose(xs, [3, 1, 2, 0]) as tf.Tensor4D; // [C, h, h, B]
      const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [s, s, B, O]
      const full = tf.conv2d(xT, dyT, 1, "valid", "NHWC", 2); // [C, h − 2(s−1), ·, O], ≥ 3 each way
      const df = tf.transpose(tf.slice(full, [0, 0, 0, 0], [C, 3, 3, O]), [1, 2, 0, 3]); // [3, 3, C, O]
      return [dx, df];
    },
  };
});

/**
 * NHWC convolution: x [B,h,h,Cin], filter [3,3,Cin,Cout] -> [B,s,s,Cout], s = ⌊(h−3)/2⌋+1, with a
 * gradient for both arguments on every backend.
 */
export function strideConv3x3(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  if (filter.rank !== 4 || filter.shape[0] !== 3 || filter.shape[1] !== 3) {
    throw new Error(`strideConv3x3 filter must be [3, 3, Cin, Cout], got [${filter.shape}]`);
  }
  checkConvArgs(x, filter.shape[2], "strideConv3x3");
  return conv3x3s2(x, filter) as tf.Tensor4D;
}

/** PyTorch Conv2d weight [Cout, Cin, 3, 3] -> tfjs filter [3, 3, Cin, Cout]. */
export function torchToTfFilter(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(w, [2, 3, 1, 0]);
}

/**
 * Reference: the same convolution from strided taps and one matmul, autodiff only. Pad/crop the
 * h×h map to 2(s+1) and view each axis as [(s+1), 2]: row 2i+a is block i+⌊a/2⌋, parity a mod 2,
 * so each tap (a,b) is a contiguous slice.
 */
export function strideConv3x3Reference(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const [B, h, , C] = x.shape;
  const O = filter.shape[3];
  const s = checkConvArgs(x, filter.shape[2], "strideConv3x3Reference");
  return tf.tidy(() => {
    const side = 2 * (s + 1);
    let xs: tf.Tensor4D = x;
    if (side > h)
      xs = tf.pad(x, [
        [0, 0],
        [0, side - h],
        [0, side - h],
        [0, 0],
      ]);
    else if (side < h) xs = tf.slice(x, [0, 0, 0, 0], [B, side, side, C]);
    const blocks = tf.reshape(xs, [B, s + 1, 2, s + 1, 2, C]);
    const taps: tf.Tensor[] = [];
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        taps.push(tf.reshape(tf.slice(blocks, [0, a >> 1, a & 1, b >> 1, b & 1, 0], [B, s, 1, s, 1, C]), [B * s * s, C]));
      }
    }
    const cols = tf.concat(taps, 1); // [B·s², 9C] ordered (a, b, c)
    const f9 = tf.reshape(filter, [9 * C, O]); // [3,3,C,O] row-major is the same (a, b, c) order
    return tf.reshape(tf.matMul(cols, f9), [B, s, s, O]);
  });
}
