/** Points, boxes and the noise law's reach: the geometry the diagnostics measure with. */
import type { Box, NoiseKind } from './types';

export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s);
}

/** Whether p lies in the box, with a relative slack of 1e-12 for grid points on its faces. */
export function inBox(p: ArrayLike<number>, box: Box): boolean {
  for (let j = 0; j < p.length; j++) {
    const slack = 1e-12 * Math.max(1, Math.abs(box.low[j]), Math.abs(box.high[j]));
    if (!(p[j] >= box.low[j] - slack && p[j] <= box.high[j] + slack)) return false;
  }
  return true;
}

/**
 * x-space noise bound ‖ηω‖ ≤ a_eff of a law, the paper's ηr: the ball radius (uniform), the
 * cube's half-diagonal a√d, and for the Gaussian the second-moment bound √(E‖ηω‖²) = σ√d (the
 * paper's early version assumes E‖ω‖² ≤ r²). All equal `radius` in 1-D.
 */
export function noiseBound(radius: number, noise: NoiseKind, dim: number): number {
  if (noise === 'none') return 0;
  return noise === 'uniform' ? radius : radius * Math.sqrt(dim);
}
