/**
 * MHC³ steps 2-6 (head split, shared LayerNorm, centring, cross-covariances of the head pairs,
 * column L2 normalisation; mhc3.ts) as ONE tfjs custom op over Float32Array data, arithmetic in
 * float64, with a hand-written gradient for the projected tokens z and for LayerNorm's γ, β.
 *
 * Why: the tensor composition runs these steps as ~40 kernels forward and ~150 backward
 * (moments, slices, transposes, a depthwise-convolution Gram and its two gradients, a max and a
 * division per normalisation), each ~10 µs of WASM dispatch plus a full pass over memory; for
 * the 64 × 17-token maps of the tiny-ViT study the dispatches are most of the time. The Gram
 * loops here are plain float64 JS (no SIMD), so at ViT-B size (N = 196, h = 128) they are about
 * as fast as tfjs' depthwise route, not faster: the gain there is the removed dispatches and
 * transposes.
 *
 * Output orientation as MHC3.mapsTransposed: [B, maps, h(j), h(i)], entry (j, i) = M[i][j].
 * Results equal the composition's to float32 rounding (sums in another order and in float64), so
 * MHC3 uses this op only with `fused: true`. Tested against the composition (values and
 * gradients) and against finite differences in test/topics/moments/fused-moments.test.ts.
 */
import { tf } from "../../core/tf";
import type { Centering } from "./moments";

/** What the op needs to know about the layer (all resolved by MHC3). */
export interface FusedMomentsSpec {
  numHeads: number;
  split: "contiguous" | "interleaved";
  /** Apply LayerNorm (γ, β then given). */
  layerNorm: boolean;
  lnEps: number;
  center: Centering;
  /** N or N − 1. */
  divisor: number;
  normalize: "col-l2" | "none";
  /** (head a, head b) of every map, cross pairs then within-head maps (k, k). */
  maps: readonly (readonly [number, number])[];
}

const EPS2 = 1e-24; // (1e-12)², l2NormalizeAxis' floor

interface State {
  /** Normalised heads x̂ [B, H, N, h] (LayerNorm before γ, β), and 1/σ per token [B, H, N]. */
  xhat: Float64Array;
  rstd: Float64Array;
  /** Centred heads W [B, H, N, h] (the Gram's operands). */
  W: Float64Array;
  /** Unnormalised maps M [B, P, h(i), h(j)] (already divided), column norms s [B, P, h(j)]. */
  M: Float64Array;
  s: Float64Array;
}

/** Index in z [B, N, H·h] of channel c of head k: contiguous blocks or interleaved. */
function channelIndex(spec: FusedMomentsSpec, h: number): (k: number, c: number) => number {
  const H = spec.numHeads;
  return spec.split === "contiguous" ? (k, c) => k * h + c : (k, c) => c * H + k;
}

function forward(
  spec: FusedMomentsSpec,
  B: number,
  N: number,
  C: number,
  z: ArrayLike<number>,
  gamma: ArrayLike<number> | null,
  beta: ArrayLike<number> | null,
) {
  const H = spec.numHeads;
  const h = C / H;
  const P = spec.maps.length;
  const at = channelIndex(spec, h);
  const xhat = new Float64Array(B * H * N * h);
  const rstd = new Float64Array(B * H * N);
  const W = new Float64Array(B * H * N * h);
  const col = new Int32Array(h);
  for (let k = 0; k < H; k++) {
    for (let c = 0; c < h; c++) col[c] = at(k, c);
    for (let b = 0; b < B; b++) {
      const base = (b * H + k) * N;
      for (let n = 0; n < N; n++) {
        const zo = (b * N + n) * C;
        const o = (base + n) * h;
        if (spec.layerNorm) {
          let mu = 0;
          for (let c = 0; c < h; c++) mu += z[zo + col[c]!]!;
          mu /= h;
          let v = 0;
          for (let c = 0; c < h; c++) {
            const dlt = z[zo + col[c]!]! - mu;
            v += dlt * dlt;
          }
          const r = 1 / Math.sqrt(v / h + spec.lnEps);
          rstd[base + n] = r;
          for (let c = 0; c < h; c++) {
            const xh = (z[zo + col[c]!]! - mu) * r;
            xhat[o + c] = xh;
            W[o + c] = xh * gamma![c]! + beta![c]!;
          }
        } else {
          for (let c = 0; c < h; c++) W[o + c] = z[zo + col[c]!]!;
        }
      }
      centre(spec.center, W, base * h, N, h);
    }
  }
  // M_p = (1/div) W_aᵀ W_b, then each column j scaled to unit norm over i
  const M = new Float64Array(B * P * h * h);
  const s = new Float64Array(B * P * h);
  const out = new Float32Array(B * P * h * h);
  const inv = 1 / spec.divisor;
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < P; p++) {
      const [ka, kb] = spec.maps[p]!;
      const ao = (b * H + ka) * N * h;
      const bo = (b * H + kb) * N * h;
      const mo = (b * P + p) * h * h;
      for (let n = 0; n < N; n++) {
        const an = ao + n * h,
          bn = bo + n * h;
        for (let i = 0; i < h; i++) {
          const a = W[an + i]!;
          const row = mo + i * h;
          for (let j = 0; j < h; j++) M[row + j] += a * W[bn + j]!;
        }
      }
      for (let q = mo; q < mo + h * h; q++) M[q] = M[q]! * inv;
      const so = (b * P + p) * h;
      for (let j = 0; j < h; j++) {
        let norm = 1;
        if (spec.normalize === "col-l2") {
          let sq = 0;
          for (let i = 0; i < h; i++) sq += M[mo + i * h + j]! ** 2;
          norm = Math.sqrt(Math.max(sq, EPS2));
        }
        s[so + j] = norm;
        for (let i = 0; i < h; i++) out[mo + j * h + i] = M[mo + i * h + j]! / norm;
      }
    }
  }
  return { out, state: { xhat, rstd, W, M, s } as State };
}

/** Subtracts the mean over (tokens, channels) (`scalar`) or over tokens per channel (`channel`), in place. */
function centre(mode: Centering, W: Float64Array, o: number, N: number, h: number): void {
  if (mode === "scalar") {
    let m = 0;
    for (let q = o; q < o + N * h; q++) m += W[q]!;
    m /= N * h;
    for (let q = o; q < o + N * h; q++) W[q] = W[q]! - m;
  } else if (mode === "channel") {
    for (let c = 0; c < h; c++) {
      let m = 0;
      for (let n = 0; n < N; n++) m += W[o + n * h + c]!;
      m /= N;
      for (let n = 0; n < N; n++) W[o + n * h + c] = W[o + n * h + c]! - m;
    }
  }
}

function backward(
  spec: FusedMomentsSpec,
  B: number,
  N: number,
  C: number,
  st: State,
  gamma: ArrayLike<number> | null,
  dOut: ArrayLike<number>,
) {
  const H = spec.numHeads;
  const h = C / H;
  const P = spec.maps.length;
  const { W, M, s } = st;
  const inv = 1 / spec.divisor;
  const dW = new Float64Array(W.length);
  const dM = new Float64Array(h * h);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < P; p++) {
      const mo = (b * P + p) * h * h;
      const so = (b * P + p) * h;
      // column normalisation: O_i = M_i / s, s = √max(Σ M², ε²) → dM_i = dO_i/s − M_i (Σ_k dO_k M_k)/s³
      for (let j = 0; j < h; j++) {
        const sj = s[so + j]!;
        let t = 0;
        for (let i = 0; i < h; i++) t += dOut[mo + j * h + i]! * M[mo + i * h + j]!;
        let sq = 0;
        if (spec.normalize === "col-l2") for (let i = 0; i < h; i++) sq += M[mo + i * h + j]! ** 2;
        const through = spec.normalize === "col-l2" && sq >= EPS2 ? t / (sj * sj * sj) : 0;
        for (let i = 0; i < h; i++) dM[i * h + j] = (dOut[mo + j * h + i]! / sj - M[mo + i * h + j]! * through) * inv;
      }
      const [ka, kb] = spec.maps[p]!;
      const ao = (b * H + ka) * N * h;
      const bo = (b * H + kb) * N * h;
      // M = W_aᵀ W_b: dW_a = W_b dMᵀ, dW_b = W_a dM
      for (let n = 0; n < N; n++) {
        const an = ao + n * h,
          bn = bo + n * h;
        for (let i = 0; i < h; i++) {
          const row = i * h;
          const a = W[an + i]!;
          let acc = 0;
          for (let j = 0; j < h; j++) {
            const g = dM[row + j]!;
            acc += g * W[bn + j]!;
            dW[bn + j] += g * a;
          }
          dW[an + i] += acc;
        }
      }
    }
  }
  // centring is a projection: its gradient subtracts the same means from dW
  for (let b = 0; b < B; b++) for (let k = 0; k < H; k++) centre(spec.center, dW, (b * H + k) * N * h, N, h);
  const dz = new Float32Array(B * N * C);
  const dgamma = new Float64Array(h);
  const dbeta = new Float64Array(h);
  const at = channelIndex(spec, h);
  const col = new Int32Array(h);
  const dxh = new Float64Array(h);
  for (let k = 0; k < H; k++) {
    for (let c = 0; c < h; c++) col[c] = at(k, c);
    for (let b = 0; b < B; b++) {
      for (let n = 0; n < N; n++) {
        const o = ((b * H + k) * N + n) * h;
        const zo = (b * N + n) * C;
        if (!spec.layerNorm) {
          for (let c = 0; c < h; c++) dz[zo + col[c]!] = dW[o + c]!;
          continue;
        }
        let m1 = 0,
          m2 = 0;
        for (let c = 0; c < h; c++) {
          const g = dW[o + c]!;
          const xh = st.xhat[o + c]!;
          dgamma[c] += g * xh;
          dbeta[c] += g;
          const d = g * gamma![c]!;
          dxh[c] = d;
          m1 += d;
          m2 += d * xh;
        }
        m1 /= h;
        m2 /= h;
        const r = st.rstd[(b * H + k) * N + n]!;
        for (let c = 0; c < h; c++) dz[zo + col[c]!] = r * (dxh[c]! - m1 - st.xhat[o + c]! * m2);
      }
    }
  }
  return { dz, dgamma: Float32Array.from(dgamma), dbeta: Float32Array.from(dbeta) };
}

/**
 * The normalised moment maps, transposed ([B, maps, h(j), h(i)]), of projected tokens z [B, N, H·h];
 * γ, β [h] when `spec.layerNorm` (else pass null).
 */
export function fusedMomentMaps(z: tf.Tensor3D, gamma: tf.Tensor1D | null, beta: tf.Tensor1D | null, spec: FusedMomentsSpec): tf.Tensor4D {
  const [B, N, C] = z.shape;
  if (C % spec.numHeads !== 0) throw new Error(`fusedMomentMaps: ${C} channels do not split into ${spec.numHeads} heads`);
  const h = C / spec.numHeads;
  if (spec.layerNorm && (gamma === null || beta === null || gamma.size !== h || beta.size !== h)) {
    throw new Error(`fusedMomentMaps: LayerNorm needs γ and β of size ${h}`);
  }
  const P = spec.maps.length;
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const zt = args[0] as tf.Tensor3D;
    const g = spec.layerNorm ? (args[1] as tf.Tensor).dataSync() : null;
    const bt = spec.layerNorm ? (args[2] as tf.Tensor).dataSync() : null;
    const fw = forward(spec, B, N, C, zt.dataSync(), g, bt);
    return {
      value: tf.tensor4d(fw.out, [B, P, h, h]),
      gradFunc: (dy: tf.Tensor) => {
        const gr = backward(spec, B, N, C, fw.state, g, dy.dataSync());
        const dz = tf.tensor3d(gr.dz, [B, N, C]);
        return spec.layerNorm ? [dz, tf.tensor1d(gr.dgamma), tf.tensor1d(gr.dbeta)] : [dz];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (spec.layerNorm ? op(z, gamma!, beta!) : op(z)) as tf.Tensor4D;
}
