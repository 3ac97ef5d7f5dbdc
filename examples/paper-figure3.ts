/**
 * The paper's Figure 3 function: roughly x² plus a spiky, irregular perturbation, x* = 0.
 * The paper gives no formula; this is a natural cubic spline through its digitized vertices,
 * continued outside [-3, 3] as f(±3) + x² − 9. x* = 0 is the paper's; on this digitised f the
 * smoothed landscape g is lowest a little off 0 (at radius 0.3: at −0.04), a fact of the data, which
 * the panel and the CLI say beside c(y) (src/view/theorem1.ts statedXStarText).
 *
 * Try: "SGD Landscape: Run SGD on function" with noise 0.15, 0.3 and 0.6 and compare with GD.
 */
import { FIGURE3_X, FIGURE3_F } from './paper-figure3-data';
import type { LossOptions } from './sgd-landscape';

/** Second derivatives of the natural cubic spline through (xs, fs) (tridiagonal solve). */
function naturalSplineMoments(xs: readonly number[], fs: readonly number[]): Float64Array {
  const n = xs.length;
  const m = new Float64Array(n);
  const c = new Float64Array(n);
  const r = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    const h0 = xs[i] - xs[i - 1];
    const h1 = xs[i + 1] - xs[i];
    const rhs = 6 * ((fs[i + 1] - fs[i]) / h1 - (fs[i] - fs[i - 1]) / h0);
    const diag = 2 * (h0 + h1) - h0 * c[i - 1];
    c[i] = h1 / diag;
    r[i] = (rhs - h0 * r[i - 1]) / diag;
  }
  for (let i = n - 2; i >= 1; i--) m[i] = r[i] - c[i] * m[i + 1];
  return m;
}

const M = naturalSplineMoments(FIGURE3_X, FIGURE3_F);
const N = FIGURE3_X.length;
const LO = FIGURE3_X[0];
const HI = FIGURE3_X[N - 1];

/** Figure 3's f. */
export function figure3(x: number): number {
  if (x <= LO) return FIGURE3_F[0] + x * x - LO * LO;
  if (x >= HI) return FIGURE3_F[N - 1] + x * x - HI * HI;
  let lo = 0;
  let hi = N - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (FIGURE3_X[mid] > x) hi = mid;
    else lo = mid;
  }
  const h = FIGURE3_X[hi] - FIGURE3_X[lo];
  const a = (FIGURE3_X[hi] - x) / h;
  const b = 1 - a;
  return a * FIGURE3_F[lo] + b * FIGURE3_F[hi] + (((a * a * a - a) * M[lo] + (b * b * b - b) * M[hi]) * (h * h)) / 6;
}

export const figure3Options: LossOptions = {
  domain: { low: [-3], high: [3] },
  xStar: [0],
  defaults: {
    trials: 100,
    stages: [{ lr: 0.01, radius: 0.3, steps: 1000, noise: 'uniform' }],
  },
};
