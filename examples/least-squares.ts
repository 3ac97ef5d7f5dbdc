/**
 * Least squares in d = 2 with a few outliers: a finite-sum loss f(w) = (1/n) Σᵢ ℓ(w, eᵢ).
 * The model is y ≈ w₀ + w₁·t; 40 examples lie near the line y = 1 + 2t, and 4 outliers far from
 * it. f is a quadratic bowl (its minimum is the least-squares fit, pulled by the outliers), so the
 * landscape is visible directly; what is interesting is the noise of minibatch SGD, which the
 * outliers make large and anisotropic: compare it with the isotropic model of the paper.
 */
import type { LossOptions } from './sgd-landscape';

/** One example: an input t and its target y. */
export interface Point {
  t: number;
  y: number;
}

/** The examples, made here with a seeded generator (mulberry32), so every run sees the same set. */
function makePoints(): Point[] {
  let s = 12345;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const points: Point[] = [];
  for (let i = 0; i < 40; i++) {
    const t = 2 * rand() - 1;
    points.push({ t, y: 1 + 2 * t + 0.2 * (rand() - 0.5) });
  }
  // Four outliers, far above and below the line.
  points.push({ t: 0.9, y: -4 }, { t: -0.8, y: 5 }, { t: 0.2, y: 6 }, { t: -0.3, y: -5 });
  return points;
}

/** ℓ(w, e) = ½ (w₀ + w₁·t − y)²: the point (w0, w1) first, the example last. */
export function leastSquares(w0: number, w1: number, e: Point): number {
  const r = w0 + w1 * e.t - e.y;
  return 0.5 * r * r;
}

export const leastSquaresOptions: LossOptions = {
  /** The examples: an array, or a function returning one (called once in each worker). */
  data: makePoints,
  /** ∇_w ℓ(w, e) of one example (optional: central differences per example otherwise). */
  gradient: (w0: number, w1: number, e: Point) => {
    const r = w0 + w1 * e.t - e.y;
    return [r, r * e.t];
  },
  domain: { low: [-3, -2], high: [5, 6] },
  // Minibatch SGD with 4 of the 44 examples per step (`radius` does not apply to this noise).
  defaults: { lr: 0.1, steps: 500, trials: 100, noise: 'minibatch', batchSize: 4 },
};
