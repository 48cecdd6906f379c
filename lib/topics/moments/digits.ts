/**
 * scikit-learn's 8×8 digits as token sets (notes §6.3-6.4): 2×2 patches give 16 tokens of 4
 * pixels (scaled by 1/16); random-feature embeddings for the D checks; class subsets, shifted
 * downstream tasks (rotation, inversion) and test-time corruptions (P5). Loading and splits are
 * core's (`loadDigits`, `stratifiedSplit`, `kShotSplit`).
 */
import type { FlatDataset } from "../../core/data";
import type { Rng } from "../../core/rng";

export const IMAGE_SIDE = 8;

/** Images as core's flat dataset: X [nSamples, 64] with pixel values in [0, 1] (core `loadDigits`). */
export type Images = Pick<FlatDataset, "X" | "y" | "nSamples">;

/** The images whose label is in `classes`, relabelled 0..|classes|−1 in the given order. */
export function selectClasses(img: Images, classes: readonly number[]): Images {
  const idx: number[] = [];
  for (let i = 0; i < img.nSamples; i++) if (classes.includes(img.y[i]!)) idx.push(i);
  return selectImages(img, idx, (l) => classes.indexOf(l));
}

/** Rows `idx` of an image set (labels optionally mapped). */
export function selectImages(img: Images, idx: readonly number[], relabel: (label: number) => number = (l) => l): Images {
  const X = new Float32Array(idx.length * 64);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    if (!(r >= 0 && r < img.nSamples)) throw new Error(`selectImages: index ${r} outside 0..${img.nSamples - 1}`);
    X.set(img.X.subarray(r * 64, (r + 1) * 64), i * 64);
    y[i] = relabel(img.y[r]!);
  });
  return { X, y, nSamples: idx.length };
}

/** Applies a per-image pixel map f(image[64]) -> image[64]. */
export function mapImages(img: Images, f: (px: Float32Array) => Float32Array): Images {
  const X = new Float32Array(img.nSamples * 64);
  for (let i = 0; i < img.nSamples; i++) X.set(f(img.X.subarray(i * 64, (i + 1) * 64)), i * 64);
  return { X, y: img.y.slice(), nSamples: img.nSamples };
}

/** 90° counter-clockwise rotation: out[r][c] = in[c][7−r]. */
export function rotate90(px: Float32Array): Float32Array {
  const out = new Float32Array(64);
  for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) out[r * 8 + c] = px[c * 8 + (7 - r)]!;
  return out;
}

/** Intensity inversion 1 − x. */
export function invert(px: Float32Array): Float32Array {
  return px.map((v) => 1 - v);
}

export type Corruption = { kind: "noise"; sigma: number } | { kind: "blur" } | { kind: "contrast"; factor: number } | { kind: "shift" };

export function corruptionLabel(c: Corruption): string {
  if (c.kind === "noise") return `noise σ=${c.sigma}`;
  if (c.kind === "contrast") return `contrast ×${c.factor}`;
  if (c.kind === "blur") return "blur 3×3";
  return "shift 1px";
}

/**
 * Test-time corruptions of P5: Gaussian noise (σ in [0,1] pixel units, clipped to [0,1]), 3×3 box
 * blur (mean over in-image neighbours), contrast scaled about the image mean, 1-pixel right shift
 * (zero fill). Noise draws from `rng`.
 */
export function corrupt(img: Images, c: Corruption, rng: Rng): Images {
  return mapImages(img, (px) => {
    const out = new Float32Array(64);
    if (c.kind === "noise") {
      for (let i = 0; i < 64; i++) out[i] = Math.min(1, Math.max(0, px[i]! + rng.normal(0, c.sigma)));
    } else if (c.kind === "blur") {
      for (let r = 0; r < 8; r++)
        for (let col = 0; col < 8; col++) {
          let s = 0;
          let k = 0;
          for (let dr = -1; dr <= 1; dr++)
            for (let dc = -1; dc <= 1; dc++) {
              const rr = r + dr;
              const cc = col + dc;
              if (rr >= 0 && rr < 8 && cc >= 0 && cc < 8) {
                s += px[rr * 8 + cc]!;
                k++;
              }
            }
          out[r * 8 + col] = s / k;
        }
    } else if (c.kind === "contrast") {
      let m = 0;
      for (let i = 0; i < 64; i++) m += px[i]!;
      m /= 64;
      for (let i = 0; i < 64; i++) out[i] = m + c.factor * (px[i]! - m);
    } else {
      for (let r = 0; r < 8; r++) for (let col = 1; col < 8; col++) out[r * 8 + col] = px[r * 8 + col - 1]!;
    }
    return out;
  });
}

/** 2×2 patches in raster order: [n, 16, 4] (pixels of a patch in raster order). */
export function patchify(img: Images, patch = 2): Float32Array {
  const g = IMAGE_SIDE / patch;
  if (!Number.isInteger(g)) throw new Error(`patchify: patch size ${patch} does not divide ${IMAGE_SIDE}`);
  const L = g * g;
  const P = patch * patch;
  const out = new Float32Array(img.nSamples * L * P);
  for (let i = 0; i < img.nSamples; i++) {
    for (let pr = 0; pr < g; pr++)
      for (let pc = 0; pc < g; pc++) {
        const t = pr * g + pc;
        for (let a = 0; a < patch; a++)
          for (let b = 0; b < patch; b++) {
            out[(i * L + t) * P + a * patch + b] = img.X[i * 64 + (pr * patch + a) * 8 + (pc * patch + b)]!;
          }
      }
  }
  return out;
}

export type Activation = "linear" | "tanh" | "relu";

/**
 * Random-feature tokens of notes §6.3: Z = P W + pos with W ~ N(0, 1/4) [4×16], pos ~ N(0, 0.25)
 * [16×16]; then identity, tanh(Z) or ReLU(Z + b), b ~ N(0, 0.01). Returns [n, 16, 16].
 */
export function randomFeatureTokens(patches: Float32Array, n: number, activation: Activation, rng: Rng, width = 16): Float32Array {
  const L = 16;
  const P = 4;
  if (patches.length !== n * L * P) throw new Error(`randomFeatureTokens: ${patches.length} values for ${n} images of ${L}×${P} patches`);
  const W = rng.normals(P * width, 0, 0.5);
  const pos = rng.normals(L * width, 0, 0.5);
  const bias = rng.normals(width, 0, 0.1);
  const out = new Float32Array(n * L * width);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < L; t++)
      for (let c = 0; c < width; c++) {
        let z = pos[t * width + c]!;
        for (let p = 0; p < P; p++) z += patches[(i * L + t) * P + p]! * W[p * width + c]!;
        out[(i * L + t) * width + c] = activation === "linear" ? z : activation === "tanh" ? Math.tanh(z) : Math.max(0, z + bias[c]!);
      }
  return out;
}
