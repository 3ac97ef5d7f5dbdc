/**
 * Rastrigin: a bowl covered by a grid of local minima one unit apart. Smoothing by noise of
 * radius ≳ 0.45 removes them (paper.md §4: the 1-D Gaussian-smoothed Rastrigin is one-point
 * convex toward 0 exactly when σ > 0.43635).
 */
import type { LossOptions } from './sgd-landscape';

const TAU = 2 * Math.PI;

/** 2-D Rastrigin, global minimum 0 at the origin. */
export function rastrigin(x: number, y: number): number {
  return 20 + x * x - 10 * Math.cos(TAU * x) + y * y - 10 * Math.cos(TAU * y);
}

export const rastriginOptions: LossOptions = {
  domain: { low: [-5.12, -5.12], high: [5.12, 5.12] },
  xStar: [0, 0],
  gradient: (x: number, y: number) => [2 * x + 10 * TAU * Math.sin(TAU * x), 2 * y + 10 * TAU * Math.sin(TAU * y)],
  defaults: { lr: 0.005, radius: 0.5, steps: 2000, noise: 'uniform', init: { low: [-4, -4], high: [4, 4] } },
};

/** 1-D Rastrigin. */
export function rastrigin1d(x: number): number {
  return 10 + x * x - 10 * Math.cos(TAU * x);
}

export const rastrigin1dOptions: LossOptions = {
  domain: { low: [-5.12], high: [5.12] },
  xStar: [0],
  defaults: { lr: 0.005, radius: 0.5, steps: 2000, noise: 'gaussian' },
};

/** Rastrigin in any dimension (set `dim`); drawn as slices through x*. */
export function rastriginN(v: number[]): number {
  let s = 10 * v.length;
  for (const x of v) s += x * x - 10 * Math.cos(TAU * x);
  return s;
}

export const rastriginNOptions: LossOptions = {
  dim: 5,
  domain: { low: [-5.12, -5.12, -5.12, -5.12, -5.12], high: [5.12, 5.12, 5.12, 5.12, 5.12] },
  xStar: [0, 0, 0, 0, 0],
  defaults: { lr: 0.005, radius: 0.5, steps: 2000, noise: 'gaussian', trials: 50 },
};
