/**
 * Himmelblau: four global minima of value 0 (at (3, 2), (−2.805, 3.131), (−3.779, −3.283),
 * (3.584, −1.848)) and a local maximum at (−0.271, −0.923). Large noise blurs the four basins
 * into one; watch where the trials end as the radius grows.
 */
import type { LossOptions } from './sgd-landscape';

export function himmelblau(x: number, y: number): number {
  const a = x * x + y - 11;
  const b = x + y * y - 7;
  return a * a + b * b;
}

export const himmelblauOptions: LossOptions = {
  domain: { low: [-5, -5], high: [5, 5] },
  gradient: (x: number, y: number) => {
    const a = x * x + y - 11;
    const b = x + y * y - 7;
    return [4 * x * a + 2 * b, 2 * a + 4 * y * b];
  },
  defaults: { lr: 0.002, radius: 0.3, steps: 1500, noise: 'uniform' },
};
