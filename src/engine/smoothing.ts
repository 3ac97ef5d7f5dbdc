/**
 * The smoothed loss g(y) = E f(y − ηω) that SGD descends (paper §1), as a fixed quadrature or
 * seeded Monte-Carlo rule built once per (loss, radius, noise), and its gradient.
 *
 * Every rule here is a weighted sum g(y) ≈ Σ_k W_k f(y + p_k) over fixed offsets p_k (all the
 * noise laws are symmetric, so y − ηω and y + ηω have the same law). Because the offsets do not
 * move with y, the rule is itself a smooth function of y and can be differentiated.
 *
 * Gradients use exact identities instead of finite differences where the law allows one, so the
 * one-point-convexity diagnostic has no step-size error:
 *   uniform window [-a, a]:  g'(y) = (f(y + a) − f(y − a)) / 2a
 *   uniform disk radius a:   ∇g(y) = (1/πa) ∮ f(y + a e_θ) e_θ dθ        (divergence theorem)
 *   cube [-a, a]^2:          ∂_i g(y) = (1/2a) E[f on the +a face − f on the −a face]
 *   Gaussian N(0, σ²I):      ∇g(y) = E[f(y + σZ) Z] / σ                   (Stein's identity)
 * Each is again Σ_k V_k (f(y + q_k) − f(y)) with vector weights V_k; subtracting f(y) (which the
 * identities integrate to zero) removes the cancellation of large constant parts of f.
 * Monte-Carlo rules (d > 2) have no such identity here and use central differences of the rule.
 */
import type { Loss, NoiseKind } from './types';
import { differenceGradient } from './differences';
import { buildRules, type GradientRule, type SmootherOptions, type ValueRule } from './smoothingRules';

export { defaultPanelWidth1D, type SmootherOptions } from './smoothingRules';

/** g as a function, plus what callers need to differentiate it and budget its cost. */
export interface Smoother {
  (y: Float64Array): number;
  readonly dim: number;
  readonly radius: number;
  readonly noise: NoiseKind;
  /** Loss evaluations per call of g. */
  readonly evaluations: number;
  /** True when `gradient` uses an exact identity (no step size); false for central differences. */
  readonly exactGradient: boolean;
  /**
   * Writes ∇g(y) into `out`. `h` is the central-difference step for rules without an exact
   * identity (default 1e-5·max(1, |y_i|)); exact rules ignore it.
   */
  gradient(y: Float64Array, out: Float64Array, h?: number): void;
  /**
   * Monte-Carlo rules (d > 2) only: g(y) into out[0] and its standard error into out[1], from the
   * spread of the antithetic pair means (f(y + ξ) + f(y − ξ))/2 over the rule's pairs.
   */
  valueAndError?(y: Float64Array, out: Float64Array): void;
  /**
   * ⟨∇g(y), v⟩ — the one-point-convexity numerator needs only this, whatever the dimension
   * (difference rules: two calls of g along v, step h, default 1e-5·max(1, ‖y‖)).
   */
  directional(y: Float64Array, v: Float64Array, h?: number): number;
}

/**
 * Builds g(y) = E f(y − ηω) for the x-space radius a = `radius` (uniform: ball radius; gaussian: σ;
 * cube: half-width). `none` or radius 0 gives g = f. Rules: 1-D window and cube, composite
 * Gauss–Legendre; 1-D Gaussian, composite Gauss–Legendre against the normal density on ±8.5σ
 * (unlike Gauss–Hermite it resolves spiky losses once panels are narrow); 2-D disk, Gauss–Legendre
 * in r × trapezoid in θ; 2-D Gaussian, tensor Gauss–Hermite; 2-D cube, tensor composite
 * Gauss–Legendre; d > 2, a fixed seeded Monte-Carlo rule of antithetic pairs (so odd parts of f
 * cancel exactly, e.g. c(y) ≡ 2 for the sphere). A call allocates nothing.
 */
export function makeSmoother(loss: Loss, dim: number, radius: number, noise: NoiseKind, opts: SmootherOptions = {}): Smoother {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dimension must be a positive integer, got ${dim}`);
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new RangeError(`smoothing radius must be finite and ≥ 0, got ${radius}`);
  if (noise === 'none' || radius === 0) return unsmoothed(loss, dim, radius, noise);
  const { value, grad } = buildRules(dim, radius, noise, opts);
  return assemble(loss, dim, radius, noise, value, grad);
}

function assemble(loss: Loss, dim: number, radius: number, noise: NoiseKind, value: ValueRule, grad?: GradientRule): Smoother {
  const { offsets, weights } = value;
  const count = weights.length;
  const pt = new Float64Array(dim);
  const g = ((y: Float64Array): number => {
    let s = 0;
    for (let k = 0, o = 0; k < count; k++) {
      for (let j = 0; j < dim; j++, o++) pt[j] = y[j] + offsets[o];
      s += weights[k] * loss(pt);
    }
    return s;
  }) as Smoother;
  const fd = finiteDifferences(g, dim);
  let gradient = fd.gradient;
  let directional = fd.directional;
  if (grad) {
    const gOff = grad.offsets;
    const gVec = grad.vectors;
    const gCount = gOff.length / dim;
    const gp = new Float64Array(dim);
    gradient = (y, out) => {
      const f0 = loss(y);
      out.fill(0);
      for (let k = 0, o = 0; k < gCount; k++, o += dim) {
        for (let j = 0; j < dim; j++) gp[j] = y[j] + gOff[o + j];
        const df = loss(gp) - f0;
        for (let j = 0; j < dim; j++) out[j] += gVec[o + j] * df;
      }
    };
    directional = (y, v) => {
      const f0 = loss(y);
      let s = 0;
      for (let k = 0, o = 0; k < gCount; k++, o += dim) {
        let vw = 0;
        for (let j = 0; j < dim; j++) {
          gp[j] = y[j] + gOff[o + j];
          vw += gVec[o + j] * v[j];
        }
        if (vw !== 0) s += vw * (loss(gp) - f0);
      }
      return s;
    };
  }
  const extra: Partial<Smoother> = {};
  if (value.antithetic) {
    const pairs = count / 2;
    extra.valueAndError = (y, out) => {
      // Welford over the pair means.
      let mean = 0;
      let m2 = 0;
      for (let k = 0, o = 0; k < pairs; k++) {
        for (let j = 0; j < dim; j++, o++) pt[j] = y[j] + offsets[o];
        const a = loss(pt);
        for (let j = 0; j < dim; j++, o++) pt[j] = y[j] + offsets[o];
        const m = 0.5 * (a + loss(pt));
        const delta = m - mean;
        mean += delta / (k + 1);
        m2 += delta * (m - mean);
      }
      out[0] = mean;
      out[1] = pairs > 1 ? Math.sqrt(m2 / ((pairs - 1) * pairs)) : NaN;
    };
  }
  return Object.assign(g, {
    dim,
    radius,
    noise,
    evaluations: count,
    exactGradient: grad !== undefined,
    gradient,
    directional,
    ...extra,
  });
}

/** g = f: no smoothing (plain GD, or radius 0); derivatives by central differences of f. */
function unsmoothed(loss: Loss, dim: number, radius: number, noise: NoiseKind): Smoother {
  const g = ((y: Float64Array) => loss(y)) as Smoother;
  const fd = finiteDifferences(g, dim);
  return Object.assign(g, { dim, radius, noise, evaluations: 1, exactGradient: false, ...fd });
}

/** Central differences of a scalar function, with their own scratch (no allocation per call). */
function finiteDifferences(g: (y: Float64Array) => number, dim: number) {
  const yp = new Float64Array(dim);
  return {
    gradient: differenceGradient(g, dim),
    directional(y: Float64Array, v: Float64Array, h?: number): number {
      let vn = 0;
      let yn = 0;
      for (let j = 0; j < dim; j++) {
        vn += v[j] * v[j];
        yn += y[j] * y[j];
      }
      vn = Math.sqrt(vn);
      if (vn === 0) return 0;
      const step = h ?? 1e-5 * Math.max(1, Math.sqrt(yn));
      const t = step / vn;
      for (let j = 0; j < dim; j++) yp[j] = y[j] + t * v[j];
      const up = g(yp);
      for (let j = 0; j < dim; j++) yp[j] = y[j] - t * v[j];
      const down = g(yp);
      return (up - down) / (2 * t);
    },
  };
}
