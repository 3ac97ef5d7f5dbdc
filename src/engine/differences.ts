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

/**
 * `differenceGradient` for a loss of one or two numbers (`loss.scalar`) and step h (undefined:
 * the automatic step), on scalars: the same evaluation points and arithmetic as
 * `centralDifference` step for step (a test holds them bit for bit), without the array round trip
 * or any wrapper around the loss (the worker's guard: whoever uses it keeps the watchdog's
 * heartbeat and input itself, as the SGD kernels do). Undefined for other losses. The input is
 * left alone. (h is fixed per closure: a step that may be undefined inside made V8 box every step.)
 */
export function scalarDifferenceGradient(f: Loss, dim: number, h?: number): ((x: Float64Array, out: Float64Array) => void) | undefined {
  const s = f.scalar;
  if (!s) return undefined;
  const fixed = h !== undefined;
  const step0 = h ?? 0;
  if (dim === 1 && s.length <= 1) {
    const f1 = s as (x: number) => number;
    return (x, out) => {
      const x0 = x[0];
      const s0 = fixed ? step0 : 1e-5 * Math.max(1, Math.abs(x0));
      let up = x0 + s0;
      let down = x0 - s0;
      let fu = f1(up);
      let fd = f1(down);
      out[0] = (fu - fd) / (up - down);
      if (fixed) return;
      const fMag = Math.abs(0.5 * (fu + fd));
      if (!(fMag > 64)) return;
      const ag = Math.max(1, Math.abs(out[0]));
      if (!(fMag > 64 * ag)) return;
      const step = 1e-5 * Math.max(1, Math.abs(x0)) * Math.cbrt(fMag / (64 * ag));
      up = x0 + step;
      down = x0 - step;
      fu = f1(up);
      fd = f1(down);
      out[0] = (fu - fd) / (up - down);
    };
  }
  if (dim !== 2) return undefined;
  const f2 = s as (x: number, y: number) => number;
  return (x, out) => {
    const x0 = x[0];
    const x1 = x[1];
    const s0 = fixed ? step0 : 1e-5 * Math.max(1, Math.abs(x0));
    let up = x0 + s0;
    let down = x0 - s0;
    let fu = f2(up, x1);
    let fd = f2(down, x1);
    out[0] = (fu - fd) / (up - down);
    const fMag = Math.abs(0.5 * (fu + fd));
    const s1 = fixed ? step0 : 1e-5 * Math.max(1, Math.abs(x1));
    up = x1 + s1;
    down = x1 - s1;
    fu = f2(x0, up);
    fd = f2(x0, down);
    out[1] = (fu - fd) / (up - down);
    if (fixed || !(fMag > 64)) return;
    const a0 = Math.max(1, Math.abs(out[0]));
    if (fMag > 64 * a0) {
      const step = 1e-5 * Math.max(1, Math.abs(x0)) * Math.cbrt(fMag / (64 * a0));
      up = x0 + step;
      down = x0 - step;
      fu = f2(up, x1);
      fd = f2(down, x1);
      out[0] = (fu - fd) / (up - down);
    }
    const a1 = Math.max(1, Math.abs(out[1]));
    if (fMag > 64 * a1) {
      const step = 1e-5 * Math.max(1, Math.abs(x1)) * Math.cbrt(fMag / (64 * a1));
      up = x1 + step;
      down = x1 - step;
      fu = f2(x0, up);
      fd = f2(x0, down);
      out[1] = (fu - fd) / (up - down);
    }
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
