/**
 * The geometry of the d > 2 plane through x* (plane.ts computes f, g and c(y) on it): its two
 * directions (C(x*)'s top eigenvectors, the configured slice directions, or seeded filter-normalised
 * Gaussian ones; see plane.ts's header for why) and the least-squares projection of a point onto it.
 */
import type { GradientNoise, RunConfig, SlicePlane } from './types';
import { EIGEN_MAX_DIM, symmetricEigen } from './gradientNoise';
import { Normal, stream } from './rng';

/** The plane's directions, how they were chosen, and C's eigenvalues along them (eigenvector planes). */
export function planeDirections(
  config: RunConfig,
  xStar: readonly number[],
  noise?: GradientNoise,
): Pick<SlicePlane, 'source' | 'directions' | 'eigenvalues'> {
  const d = config.dim;
  if (noise && d <= EIGEN_MAX_DIM && noise.covariance.length === d && noise.covariance.flat().every(Number.isFinite)) {
    const { values, vectors } = symmetricEigen(noise.covariance);
    return {
      source: 'noise-eigenvectors',
      directions: [canonicalSign(vectors[0]), canonicalSign(vectors[1])],
      eigenvalues: [values[0], values[1]],
    };
  }
  const given = config.sliceDirections ?? [];
  if (given.length >= 2) {
    const unit = (v: readonly number[]) => {
      const n = Math.hypot(...v);
      return v.map((c) => c / n);
    };
    return { source: 'configured', directions: [unit(given[0]), unit(given[1])] };
  }
  const normal = new Normal(stream(config.seed, 'plane-directions'));
  const scale = Math.hypot(...xStar) || 1;
  const draw = () => {
    const v = Array.from({ length: d }, () => normal.next());
    const n = Math.hypot(...v);
    return v.map((c) => (c / n) * scale);
  };
  return { source: 'filter-normalized', directions: [draw(), draw()] };
}

/** The sign of an eigenvector fixed: its largest-magnitude component positive. */
export function canonicalSign(v: readonly number[]): number[] {
  let k = 0;
  for (let j = 1; j < v.length; j++) if (Math.abs(v[j]) > Math.abs(v[k])) k = j;
  return v[k] < 0 ? v.map((c) => -c) : [...v];
}

/**
 * Least-squares coordinates (α, β) of x − origin in the plane spanned by u and v, and the part of
 * x − origin off the plane relative to its length (0 for a point in the plane; NaN at the origin).
 */
export function projectOntoPlane(
  x: ArrayLike<number>,
  origin: readonly number[],
  u: readonly number[],
  v: readonly number[],
): { alpha: number; beta: number; offPlane: number } {
  let uu = 0;
  let uv = 0;
  let vv = 0;
  let ur = 0;
  let vr = 0;
  let rr = 0;
  for (let j = 0; j < origin.length; j++) {
    const r = x[j] - origin[j];
    uu += u[j] * u[j];
    uv += u[j] * v[j];
    vv += v[j] * v[j];
    ur += u[j] * r;
    vr += v[j] * r;
    rr += r * r;
  }
  const det = uu * vv - uv * uv;
  const alpha = (vv * ur - uv * vr) / det;
  const beta = (uu * vr - uv * ur) / det;
  // ‖r − αu − βv‖² = ‖r‖² − (α ur + β vr) for the least-squares (α, β).
  const inPlane = alpha * ur + beta * vr;
  const offPlane = rr > 0 ? Math.sqrt(Math.max(0, rr - inPlane) / rr) : NaN;
  return { alpha, beta, offPlane };
}
