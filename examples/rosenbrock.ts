/**
 * Rosenbrock's banana valley, minimum 0 at (1, 1): no spurious minima, but a curved, flat
 * valley that GD crawls along. Noise does not help much here: a contrast to Rastrigin.
 */
import type { LossOptions } from './sgd-landscape';

export function rosenbrock(x: number, y: number): number {
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
}

export const rosenbrockOptions: LossOptions = {
  domain: { low: [-2, -1], high: [2, 3] },
  xStar: [1, 1],
  gradient: (x: number, y: number) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  defaults: { lr: 0.0005, radius: 0.02, steps: 5000, noise: 'gaussian', trials: 50 },
};
