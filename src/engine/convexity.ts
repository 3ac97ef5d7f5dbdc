/**
 * One-point convexity of the smoothed loss toward x* (the paper's Assumption 1): c(y) at a point,
 * on the landscape grid, and its infimum over the region where trials run.
 */
import type { Box, ConvexityMap, Landscape, Loss, NoiseKind, RunConfig } from './types';
import type { Smoother } from './smoothing';
import { smoothedGradientGrid2D, smootherForRun } from './landscape';
import { forEachGridPoint, gridSpacing, gridValue } from './grid';
import { distance, inBox, noiseBound } from './geometry';

/**
 * c(y) = ⟨−∇g(y), x* − y⟩ / ‖x* − y‖² (NaN at x*). Only the derivative of g along x* − y is
 * needed, so this costs the same in any dimension. `scratch` (length d) holds x* − y, so a caller
 * looping over many points allocates nothing; `h`: difference step for smoothers without an exact
 * gradient identity.
 */
export function onePointConvexity(
  smoother: Smoother,
  y: Float64Array,
  xStar: ArrayLike<number>,
  scratch: Float64Array = new Float64Array(y.length),
  h?: number,
): number {
  let n2 = 0;
  for (let j = 0; j < y.length; j++) {
    scratch[j] = xStar[j] - y[j];
    n2 += scratch[j] * scratch[j];
  }
  if (n2 === 0) return NaN;
  return -smoother.directional(y, scratch, h) / n2;
}

/**
 * c(y) on the landscape grid for one smoothing. The headline `c` is the infimum over grid points
 * inside the init box (where trials run) outside a ball around x* of radius max(2 grid spacings,
 * noise bound a). Inside that ball c(y) = ⟨−∇g, x* − y⟩/‖x* − y‖² divides by a vanishing distance:
 * when x* is not exactly the minimiser of g (the paper's Figure 3 f with x* = 0: g's minimiser is
 * 0.04–0.09 away) it dives to −20 there and hides what the rest of the region does. Theorem 1
 * cannot resolve that ball anyway: its radius √(20b/λ) > √20·a. Values come from ∇g via the
 * smoother's identity, not from differences of the landscape's g, whose grid step would bias them.
 */
export function convexityMap(
  loss: Loss,
  config: RunConfig,
  landscape: Landscape,
  xStar: ArrayLike<number>,
  radius: number,
  noise: NoiseKind,
): ConvexityMap {
  const d = config.dim;
  const rows: number[][] = [];
  if (d === 2) {
    // 2-D: ∇g for the whole grid at once, by the lattice product integration of the landscape's g
    // (gridSmoothing.ts), so the map is as exact as g at any radius.
    const { gradX, gradY } = smoothedGradientGrid2D(loss, config, radius, noise);
    forEachGridPoint(landscape, d, (p, row, i) => {
      const v0 = xStar[0] - p[0];
      const v1 = xStar[1] - p[1];
      const n2 = v0 * v0 + v1 * v1;
      (rows[row] ??= [])[i] = n2 === 0 ? NaN : -(gradX[row][i] * v0 + gradY[row][i] * v1) / n2;
    });
  } else {
    const smoother = smootherForRun(loss, config, radius, noise);
    const v = new Float64Array(d);
    forEachGridPoint(landscape, d, (p, row, i) => {
      (rows[row] ??= [])[i] = onePointConvexity(smoother, p, xStar, v);
    });
  }
  const values = d === 1 ? (rows[0] ?? []) : rows;
  return { radius, noise, values, ...regionConvexity(landscape, d, values, config.init, xStar, radius, noise) };
}

/**
 * inf c(y), where, and the fraction of c(y) > 0, over the grid points of a map inside `box` and
 * outside the ball of max(2 grid spacings, noise bound) around x* (see `convexityMap`). NaN when
 * no grid point qualifies.
 */
export function regionConvexity(
  landscape: Landscape,
  dim: number,
  values: number[] | number[][],
  box: Box,
  xStar: ArrayLike<number>,
  radius: number,
  noise: NoiseKind,
): Pick<ConvexityMap, 'c' | 'argInf' | 'positiveFraction'> {
  const exclusion = Math.max(2 * gridSpacing(landscape), noiseBound(radius, noise, dim));
  let inf = Infinity;
  let argInf: number[] = [];
  let inRegion = 0;
  let positive = 0;
  forEachGridPoint(landscape, dim, (p, row, i) => {
    const c = gridValue(values, dim, row, i) ?? NaN;
    // Non-finite c (g not finite near y: the loss is NaN or ±Infinity there) is a gap.
    if (!inBox(p, box) || !(distance(p, xStar) > exclusion) || !Number.isFinite(c)) return;
    inRegion++;
    if (c > 0) positive++;
    if (c < inf) {
      inf = c;
      argInf = Array.from(p);
    }
  });
  return { c: inRegion > 0 ? inf : NaN, argInf, positiveFraction: inRegion > 0 ? positive / inRegion : NaN };
}
