/**
 * Objective and gradient of L2-regularised logistic regression (notes §1.3), the hot loop of the
 * study. Parameters are packed in one vector theta:
 *   multinomial (K classes): theta = [W (K x n, row-major), b (K)],
 *     f = a * sum_i [ -h_{y_i}(x_i) + log sum_k exp h_k(x_i) ] + (lambda/2) ||W||_F^2,  h = W x + b;
 *   binary (K = 2, scikit-learn's form): theta = [w (n), b],
 *     f = a * sum_i log(1 + exp(-t_i (w.x_i + b))) + (lambda/2) ||w||^2,  t_i = +1 for class 1, -1 for class 0.
 * The intercept is never penalised. (a, lambda) = (C, 1) gives the objective the notes tabulate,
 * C * sum CE + 1/2 ||W||^2; (1, 1/C) is the scaling scikit-learn <= 1.3 hands to L-BFGS and
 * (1/m, 1/(C m)) that of scikit-learn >= 1.4; all three have the same minimiser, only the
 * solver's stopping tests differ.
 * Gradient: a * (P - Y)^T X (+ lambda W) for W, a * sum_i (P - Y)_i for b.
 */
import type { Dataset } from "./dataset";
import type { ObjectiveFn } from "../../core/lbfgs";
import { bindRows } from "./matmul";

/** Weights of the two terms: f = ce * (sum of losses) + l2 * 1/2 ||W||^2. */
export interface LossWeights {
  ce: number;
  l2: number;
}

function checkLengths(who: string, dim: number, theta: Float64Array, grad: Float64Array): void {
  if (theta.length !== dim || grad.length !== dim) {
    throw new Error(`${who}: theta and grad need ${dim} entries, got ${theta.length} and ${grad.length}`);
  }
}

/** Adds the ridge term on the first `len` entries; returns 1/2 ||theta[0:len]||^2. */
function ridge(theta: Float64Array, grad: Float64Array, len: number, l2: number): number {
  let pen = 0;
  for (let t = 0; t < len; t++) {
    const v = theta[t]!;
    pen += v * v;
    grad[t] += l2 * v;
  }
  return 0.5 * pen;
}

/**
 * Multinomial cross-entropy objective over theta = [W, b] (see module comment). `fused: false`
 * runs the softmax loop in JavaScript even where the WebAssembly kernel exists (tests compare the two).
 */
export function softmaxObjective(ds: Dataset, w: LossWeights, o: { fused?: boolean } = {}): ObjectiveFn {
  const { X, y, m, n, K } = ds;
  const Wlen = K * n;
  const rows = bindRows(X, m, n);
  const fused = o.fused === false ? undefined : rows.softmaxGradient;
  if (fused) {
    // the same arithmetic as the loop below, in the same order, on the WebAssembly kernels
    // (matmul.ts, wasm-simd.ts; test/topics/classifiers checks the two agree bit for bit)
    return (theta, grad) => {
      checkLengths("softmaxObjective", Wlen + K, theta, grad);
      const S = fused.call(rows, theta, K, y, w.ce, grad);
      let loss = 0;
      for (let i = 0; i < m; i++) loss += S[3 * i]! + Math.log(S[3 * i + 1]!) - S[3 * i + 2]!;
      return w.ce * loss + w.l2 * ridge(theta, grad, Wlen, w.l2);
    };
  }
  const Z = new Float64Array(m * K);
  return (theta, grad) => {
    checkLengths("softmaxObjective", Wlen + K, theta, grad);
    rows.scores(theta, K, theta.subarray(Wlen), Z);
    grad.fill(0);
    let loss = 0;
    // Z becomes the residual a * (softmax - onehot) row by row
    for (let i = 0; i < m; i++) {
      const zo = i * K;
      let zmax = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) if (Z[zo + k]! > zmax) zmax = Z[zo + k]!;
      const yi = y[i]!;
      const zy = Z[zo + yi]!;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(Z[zo + k]! - zmax);
        Z[zo + k] = e;
        sum += e;
      }
      loss += zmax + Math.log(sum) - zy;
      const scale = w.ce / sum;
      for (let k = 0; k < K; k++) Z[zo + k] *= scale;
      Z[zo + yi] -= w.ce;
      for (let k = 0; k < K; k++) grad[Wlen + k] += Z[zo + k]!;
    }
    rows.accumulateRtX(Z, K, grad);
    return w.ce * loss + w.l2 * ridge(theta, grad, Wlen, w.l2);
  };
}

/** Binary logistic objective over theta = [w, b] (scikit-learn's form for K = 2). */
export function binaryObjective(ds: Dataset, w: LossWeights): ObjectiveFn {
  const { X, y, m, n } = ds;
  if (ds.K !== 2) throw new Error(`binaryObjective: needs K = 2 classes, got K = ${ds.K}; use softmaxObjective`);
  const Z = new Float64Array(m);
  const rows = bindRows(X, m, n);
  return (theta, grad) => {
    checkLengths("binaryObjective", n + 1, theta, grad);
    rows.scores(theta, 1, theta.subarray(n), Z);
    grad.fill(0);
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < m; i++) {
      const t = y[i] === 1 ? 1 : -1;
      const u = t * Z[i]!; // margin
      // log(1 + e^{-u}) and sigma(-u), both without overflow
      let sig: number;
      if (u >= 0) {
        const e = Math.exp(-u);
        loss += Math.log1p(e);
        sig = e / (1 + e);
      } else {
        const e = Math.exp(u);
        loss += -u + Math.log1p(e);
        sig = 1 / (1 + e);
      }
      const r = -w.ce * t * sig;
      Z[i] = r;
      gb += r;
    }
    grad[n] = gb;
    rows.accumulateRtX(Z, 1, grad);
    return w.ce * loss + w.l2 * ridge(theta, grad, n, w.l2);
  };
}
