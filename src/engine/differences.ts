/**
 * Central differences, the one rule the diagnostics and the smoothers share. (The SGD kernels in
 * sgd.ts keep their own inlined copies on purpose: calling out of the hot loop costs ~8 % per step,
 * and their arithmetic is pinned by the reproducibility tests.)
 */
import type { Loss } from './types';

/**
 * ∇f(x) by central differences with step h (default automatic: 1e-5·max(1, |x_i|), about
 * ε^{1/3} relative). `x` is perturbed in place one coordinate at a time and restored bit for bit;
 * the quotient uses the step actually taken, (x+h) − (x−h).
 */
export function centralDifference(f: Loss, x: Float64Array, out: Float64Array, h?: number): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const step = h ?? 1e-5 * Math.max(1, Math.abs(xi));
    const up = xi + step;
    const down = xi - step;
    x[i] = up;
    const fu = f(x);
    x[i] = down;
    const fd = f(x);
    x[i] = xi;
    out[i] = (fu - fd) / (up - down);
  }
}

/**
 * `centralDifference` as a gradient that leaves its input alone: it works on its own scratch copy
 * (no allocation per call). `h` as in `centralDifference`.
 */
export function differenceGradient(f: Loss, dim: number): (x: Float64Array, out: Float64Array, h?: number) => void {
  const scratch = new Float64Array(dim);
  return (x, out, h) => {
    scratch.set(x);
    centralDifference(f, scratch, out, h);
  };
}
