/**
 * Central differences, the one rule the diagnostics and the smoothers share. (The SGD kernels in
 * sgd.ts keep their own inlined copies on purpose: calling out of the hot loop costs ~8 % per step,
 * and their arithmetic is pinned by the reproducibility tests.)
 */
import type { Gradient, Loss, RunConfig } from './types';

/**
 * ∇f(x) by central differences with step h, or with the automatic step of the SGD kernels
 * (sgd.ts `differenceStep`): 1e-5·max(1, |x_i|), enlarged by ∛(R/64) where R = |f|/max(1, |∂_i f|)
 * > 64, so that the rounding inside large values of f (≈ ε|f|/2h) does not swamp the gradient.
 * |f| and ∂_i f come from a first pass at the plain step (the mean of its first pair of
 * evaluations), and only coordinates past the threshold are done again: a loss of moderate size
 * costs its 2d evaluations as before. `x` is perturbed in place one coordinate at a time and
 * restored bit for bit; the quotient uses the step actually taken, (x+h) − (x−h).
 */
export function centralDifference(f: Loss, x: Float64Array, out: Float64Array, h?: number): void {
  let fMag = NaN;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const fu = quotient(f, x, i, h ?? 1e-5 * Math.max(1, Math.abs(xi)), out);
    if (i === 0) fMag = Math.abs(fu);
  }
  if (h !== undefined || !(fMag > 64)) return;
  for (let i = 0; i < x.length; i++) {
    const ag = Math.max(1, Math.abs(out[i]));
    if (fMag > 64 * ag) quotient(f, x, i, 1e-5 * Math.max(1, Math.abs(x[i])) * Math.cbrt(fMag / (64 * ag)), out);
  }
}

/** out[i] = (f(x + h e_i) − f(x − h e_i)) / ((x_i + h) − (x_i − h)); returns the pair's mean. */
function quotient(f: Loss, x: Float64Array, i: number, step: number, out: Float64Array): number {
  const xi = x[i];
  const up = xi + step;
  const down = xi - step;
  x[i] = up;
  const fu = f(x);
  x[i] = down;
  const fd = f(x);
  x[i] = xi;
  out[i] = (fu - fd) / (up - down);
  return 0.5 * (fu + fd);
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

/** ∇f by the user's gradient when given, else central differences (config.fdStep, 0 = automatic). */
export function lossGradient(loss: Loss, grad: Gradient | undefined, config: RunConfig): Gradient {
  if (grad) return grad;
  const h = config.fdStep > 0 ? config.fdStep : undefined;
  const fd = differenceGradient(loss, config.dim);
  return (x, out) => fd(x, out, h);
}

/**
 * The gradient to use in place of central differences of the loss where the diagnostics want ∇f
 * at many points: the user's gradient, or a finite sum's mean of per-example gradients when the
 * file gives them (one pass over the data instead of 2d). A finite sum without per-example
 * gradients gets central differences per example, no cheaper than those of f, so then undefined.
 */
export function analyticGradient(loss: Loss, grad: Gradient | undefined): Gradient | undefined {
  if (!grad) return undefined;
  if (loss.finiteSum && !loss.finiteSum.exampleGradient) return undefined;
  return grad;
}
