/**
 * A 1-D spiky function with a closed form: x² plus narrow dips of width ~0.05 scattered over
 * [-3, 3]. GD with a small step sticks in whichever dip it meets; noise of radius 0.2–0.4
 * averages the dips away and funnels trials toward 0 (the paper's Figure 3 in miniature).
 */
import type { LossOptions } from './sgd-landscape';

const DIPS = [-2.71, -2.23, -1.87, -1.42, -1.13, -0.77, -0.41, 0.33, 0.62, 0.98, 1.31, 1.76, 2.08, 2.49, 2.86];

export function spiky(x: number): number {
  let f = x * x;
  for (const c of DIPS) {
    const u = (x - c) / 0.05;
    f -= 0.6 * Math.exp(-u * u);
  }
  return f;
}

export const spikyOptions: LossOptions = {
  domain: { low: [-3], high: [3] },
  xStar: [0],
  defaults: { lr: 0.01, radius: 0.3, steps: 2000, noise: 'uniform' },
};
