/**
 * The sphere Σ xᵢ², minimum 0 at the origin: the simplest bowl, and the paper's exact oracle
 * (c(y) ≡ 2 for any isotropic noise). No `defaults` on purpose: the learning rate, radius and
 * steps are suggested from the function (its curvature is 2 everywhere, so η = 0.45/2 = 0.225),
 * where the fixed 0.01 / 0.3 / 1000 left SGD a random walk that ended near 0 in about a fifth of
 * the trials.
 */
import type { LossOptions } from './sgd-landscape';

export function sphere(x: number, y: number): number {
  return x * x + y * y;
}

export const sphereOptions: LossOptions = {
  domain: { low: [-3, -3], high: [3, 3] },
  xStar: [0, 0],
  gradient: (x: number, y: number) => [2 * x, 2 * y],
};
