/**
 * Finite-sum losses f(w) = (1/n) Σᵢ ℓ(w, eᵢ): the loss of a model trained on n examples. The
 * user's file gives ℓ (its exported function with a trailing example parameter) and the examples
 * (`<name>Options.data`); the worker turns them into a `FiniteSum` (src/runner/load.ts), from which
 * the engine builds the full loss and gradient that everything else uses (the landscape, GD, the
 * diagnostics), and the per-example gradients that minibatch SGD (minibatch.ts) and the
 * gradient-noise covariance (gradientNoise.ts) average over subsets.
 *
 * Every mean runs over its indices in the order given, and the full gradient over 0 … n − 1 in
 * order, so a batch of all n examples (taken in that order) is exactly GD's gradient.
 */
import type { Gradient, Loss } from './types';

export interface FiniteSum {
  /** Number of examples n. */
  n: number;
  /** ℓ(w, eᵢ). The engine never keeps or mutates `w`. */
  example(w: Float64Array, i: number): number;
  /** ∇_w ℓ(w, eᵢ) into `out` (the user's `<name>Options.gradient(w, e)`); absent: central differences. */
  exampleGradient?: (w: Float64Array, i: number, out: Float64Array) => void;
}

/**
 * The central-difference step of a coordinate for a per-example gradient: `fdStep` when set, else
 * 1e-5·max(1, |wⱼ|), the same for every example (so the mean of the examples' differences is the
 * difference of the mean).
 */
export function exampleStep(wj: number, fdStep: number): number {
  if (fdStep > 0) return fdStep;
  return 1e-5 * (wj > 1 ? wj : wj < -1 ? -wj : 1);
}

/** ∇ℓ(w, eᵢ) into `out`: the user's per-example gradient, else central differences (`w` is restored). */
export function exampleGradientAt(fs: FiniteSum, w: Float64Array, i: number, out: Float64Array, fdStep: number): void {
  if (fs.exampleGradient) {
    fs.exampleGradient(w, i, out);
    return;
  }
  const d = w.length;
  for (let j = 0; j < d; j++) {
    const wj = w[j];
    const h = exampleStep(wj, fdStep);
    w[j] = wj + h;
    const fp = fs.example(w, i);
    w[j] = wj - h;
    const fm = fs.example(w, i);
    w[j] = wj;
    out[j] = (fp - fm) / (2 * h);
  }
}

/**
 * The mean gradient of the examples `indices[from … from + count)` into `out`, summed in that
 * order; `scratch` (length d) receives each example's gradient.
 */
export function batchGradient(
  fs: FiniteSum,
  w: Float64Array,
  indices: ArrayLike<number>,
  from: number,
  count: number,
  out: Float64Array,
  scratch: Float64Array,
  fdStep: number,
): void {
  const d = w.length;
  for (let j = 0; j < d; j++) out[j] = 0;
  for (let k = from; k < from + count; k++) {
    exampleGradientAt(fs, w, indices[k], scratch, fdStep);
    for (let j = 0; j < d; j++) out[j] += scratch[j];
  }
  for (let j = 0; j < d; j++) out[j] /= count;
}

/** 0, 1, …, n − 1. */
export function allIndices(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** f(w) = (1/n) Σᵢ ℓ(w, eᵢ), summed in index order; the result carries `finiteSum`. */
export function finiteSumLoss(fs: FiniteSum): Loss {
  const n = fs.n;
  const loss: Loss = (w) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += fs.example(w, i);
    return s / n;
  };
  loss.finiteSum = fs;
  return loss;
}

/** ∇f(w): the mean of the per-example gradients over 0 … n − 1 in order (`batchGradient` of all). */
export function finiteSumGradient(fs: FiniteSum, fdStep: number): Gradient {
  const all = allIndices(fs.n);
  let scratch = new Float64Array(0);
  return (w, out) => {
    if (scratch.length !== w.length) scratch = new Float64Array(w.length);
    batchGradient(fs, w, all, 0, fs.n, out, scratch, fdStep);
  };
}

/** Every example's gradient at w: rows[i] = ∇ℓ(w, eᵢ) (n × d). */
export function exampleGradients(fs: FiniteSum, w: readonly number[], fdStep: number): Float64Array[] {
  const x = Float64Array.from(w);
  const rows: Float64Array[] = [];
  for (let i = 0; i < fs.n; i++) {
    const g = new Float64Array(x.length);
    exampleGradientAt(fs, x, i, g, fdStep);
    rows.push(g);
  }
  return rows;
}
