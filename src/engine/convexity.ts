/**
 * One-point convexity of the smoothed loss toward x* (the paper's Assumption 1): c(y) at a point,
 * on the landscape grid, and its infimum over the region where trials run.
 */
import type { Box, ConvexityMap, Gradient, Landscape, Loss, NoiseKind, RunConfig } from './types';
import { analyticGradient } from './differences';
import type { Smoother } from './smoothing';
import { gradientRows, smoothedGradientGrid2D, smootherForRun, type GradientGrid } from './landscape';
import { latticeRefinement, smoothGrid } from './gridSmoothing';
import { forEachGridPoint, gridSpacing, gridValue } from './grid';
import { distance, inBox } from './geometry';

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
 * c(y) on the landscape grid for one smoothing (radius 0 or noise 'none': c of f itself, from
 * central differences of f). The headline `c` is the infimum over every grid point inside the init
 * box (where trials run) except x* itself; at x* the map holds the limit of c(y) as y → x*, the
 * smallest eigenvalue of ∇²g(x*) (g's derivatives; the limit when x* is a stationary point of g),
 * which the infimum covers too. When g is lower somewhere in the region than at x*, x* is not a
 * minimiser of g and Assumption 1 fails: on the segment from such a y to x*, g must rise toward
 * x*, so by the mean value theorem some z on it has c(z) ≤ −(g(x*) − g(y))/‖x* − y‖² < 0; that bound
 * caps the reported c (see `XStarCheck`). Values come from ∇g via the smoother's identity (2-D: the
 * lattice product integration of the landscape's g), not from differences of the landscape's g,
 * whose grid step would bias them. In 2-D without smoothing ∇f is `grad` when it is the user's or a
 * finite sum's per-example gradients (`analyticGradient`: one call instead of four of f). `given`:
 * that 2-D ∇g already computed on the whole grid (the pool's `gradients` tasks), the same numbers.
 */
export function convexityMap(
  loss: Loss,
  config: RunConfig,
  landscape: Landscape,
  xStar: ArrayLike<number>,
  radius: number,
  noise: NoiseKind,
  grad?: Gradient,
  given?: GradientGrid,
): ConvexityMap {
  const d = config.dim;
  const rows: number[][] = [];
  const smooth = noise !== 'none' && radius > 0;
  const smoother = d === 2 ? undefined : smootherForRun(loss, config, radius, noise);
  let grad2D: { gradX: number[][]; gradY: number[][] } | undefined;
  if (d === 2) {
    // 2-D: ∇g for the whole grid at once, by the lattice product integration of the landscape's g
    // (gridSmoothing.ts), so the map is as exact as g at any radius.
    const { gradX, gradY } = (grad2D = given
      ? gradientRows(checkedGradient(given, config, radius, noise), config.resolution)
      : smoothedGradientGrid2D(loss, config, radius, noise, analyticGradient(loss, grad)));
    forEachGridPoint(landscape, d, (p, row, i) => {
      const v0 = xStar[0] - p[0];
      const v1 = xStar[1] - p[1];
      const n2 = v0 * v0 + v1 * v1;
      (rows[row] ??= [])[i] = n2 === 0 ? NaN : -(gradX[row][i] * v0 + gradY[row][i] * v1) / n2;
    });
  } else {
    const v = new Float64Array(d);
    forEachGridPoint(landscape, d, (p, row, i) => {
      (rows[row] ??= [])[i] = onePointConvexity(smoother!, p, xStar, v);
    });
  }
  // The 0/0 at x* itself: the limit λ_min(∇²g(x*)).
  const at = gridIndexOf(landscape, d, xStar);
  if (at) {
    const step = (a: number[] | undefined) => (a && a.length > 1 ? (a[a.length - 1] - a[0]) / (a.length - 1) : 0);
    const limit =
      d === 2 ? curvatureFromGrid2D(grad2D!, at.row, at.i, step(landscape.x), step(landscape.y)) : curvatureAt(smoother!, xStar, landscape);
    rows[at.row][at.i] = limit;
  }
  const values = d === 1 ? (rows[0] ?? []) : rows;
  const gValues = smooth ? landscape.smoothed.find((s) => s.radius === radius && s.noise === noise)?.values : landscape.f;
  // A grid without values (a sweep with x* given walks the grid alone) has no x* check.
  const g =
    gValues && gValues.length > 0
      ? {
          values: gValues,
          atXStar: gValueAt(loss, config, landscape, gValues, xStar, at, radius, noise, smoother),
          tolerance: gTolerance(d, at !== undefined),
        }
      : undefined;
  const { box, region } = convexityRegion(config, landscape);
  return { radius, noise, values, ...regionConvexity(landscape, d, values, box, xStar, g), ...(region ? { region } : {}) };
}

/** A precomputed ∇g that is this smoothing's on the whole grid, or an error. */
function checkedGradient(given: GradientGrid, config: RunConfig, radius: number, noise: NoiseKind): GradientGrid {
  const n = config.resolution;
  if (given.radius !== radius || given.noise !== noise || given.rowFrom !== 0 || given.rowTo !== n || given.gradX.length !== n * n)
    throw new RangeError(`the ∇g given for radius ${radius} (${noise}) is not that smoothing's on the whole ${n} × ${n} grid`);
  return given;
}

/**
 * The region c (and Theorem 3's c′) is taken over: the init box, where trials run; for d > 2 slices
 * that miss it (slices through an x* found by descent outside the box: on the two-layer network
 * its output weights are about ±2 against a box of ±1), the slice points inside the domain.
 */
export function convexityRegion(config: RunConfig, landscape: Landscape): { box: Box; region?: 'domain' } {
  if (config.dim <= 2) return { box: config.init };
  let meets = false;
  forEachGridPoint(landscape, config.dim, (p) => {
    if (!meets && inBox(p, config.init)) meets = true;
  });
  return meets ? { box: config.init } : { box: config.domain, region: 'domain' };
}

/** g on the grid and at x*, for the minimiser check of `regionConvexity`. */
export interface GridG {
  /** Landscape-shaped values of g (or f for radius 0). */
  values: number[] | number[][];
  /** g(x*): the grid value when x* is a grid point, else computed there. */
  atXStar: number;
  /** Relative slack (of g's range on the region) below which g(y) < g(x*) is quadrature noise. */
  tolerance: number;
}

/**
 * inf c(y), where, and the fraction of c(y) > 0, over the grid points of a map inside `box`, x*
 * itself counted by its limit value (see `convexityMap`). With `g`, also whether x* minimises g
 * over those points; when it does not, c is capped by the mean-value bound −(g(x*) − g(y))/‖x* − y‖²
 * at the region's lowest y (when x* lies in the box, so the segment does too). NaN when no grid
 * point qualifies.
 */
export function regionConvexity(
  landscape: Landscape,
  dim: number,
  values: number[] | number[][],
  box: Box,
  xStar: ArrayLike<number>,
  g?: GridG,
): Pick<ConvexityMap, 'c' | 'argInf' | 'positiveFraction' | 'xStarCheck'> {
  let inf = Infinity;
  let argInf: number[] = [];
  let inRegion = 0;
  let positive = 0;
  let gMin = Infinity;
  let gMax = -Infinity;
  let argMin: number[] = [];
  forEachGridPoint(landscape, dim, (p, row, i) => {
    if (!inBox(p, box)) return;
    if (g) {
      const gv = gridValue(g.values, dim, row, i) ?? NaN;
      // A non-finite g (the loss is NaN or ±Infinity near p) is a gap here too.
      if (Number.isFinite(gv)) {
        if (gv < gMin) {
          gMin = gv;
          argMin = Array.from(p);
        }
        if (gv > gMax) gMax = gv;
      }
    }
    const c = gridValue(values, dim, row, i) ?? NaN;
    // Non-finite c (g not finite near y: the loss is NaN or ±Infinity there) is a gap.
    if (!Number.isFinite(c)) return;
    inRegion++;
    if (c > 0) positive++;
    if (c < inf) {
      inf = c;
      argInf = Array.from(p);
    }
  });
  const out: Pick<ConvexityMap, 'c' | 'argInf' | 'positiveFraction' | 'xStarCheck'> = {
    c: inRegion > 0 ? inf : NaN,
    argInf,
    positiveFraction: inRegion > 0 ? positive / inRegion : NaN,
  };
  if (g && Number.isFinite(gMin) && Number.isFinite(g.atXStar)) {
    const slack = g.tolerance * Math.max(gMax - gMin, Number.MIN_VALUE) + 1e-12 * Math.abs(g.atXStar);
    const minimises = !(g.atXStar > gMin + slack);
    out.xStarCheck = { minimises, g: g.atXStar, gMin, argMin };
    const dist2 = distance(argMin, xStar) ** 2;
    if (!minimises && inBox(xStar, box) && dist2 > 0) {
      const bound = -(g.atXStar - gMin) / dist2;
      if (!(out.c <= bound)) {
        out.c = bound;
        out.argInf = argMin;
      }
    }
  }
  return out;
}

/** The grid point equal to x* (to 1e-12 of the grid step), if any. */
export function gridIndexOf(landscape: Landscape, dim: number, xStar: ArrayLike<number>): { row: number; i: number } | undefined {
  const tol = 1e-12 * Math.max(gridSpacing(landscape), 1e-300);
  let found: { row: number; i: number } | undefined;
  forEachGridPoint(landscape, dim, (p, row, i) => {
    if (found) return;
    for (let j = 0; j < dim; j++) if (!(Math.abs(p[j] - xStar[j]) <= tol * Math.max(1, Math.abs(xStar[j])))) return;
    found = { row, i };
  });
  return found;
}

/** Smallest eigenvalue of the symmetric part of a 2 × 2 matrix [[a, b], [c, d]]. */
function minEigen2(a: number, b: number, c: number, d: number): number {
  const off = (b + c) / 2;
  return (a + d) / 2 - Math.hypot((a - d) / 2, off);
}

/**
 * λ_min(∇²g) at grid point (row, i) of a 2-D map from the exact ∇g on the grid: central
 * differences over 1 and 2 grid steps, Richardson-combined (error O(h⁴)); one step at the grid's
 * second row from an edge; NaN on the edge itself.
 */
export function curvatureFromGrid2D(
  grad: { gradX: number[][]; gradY: number[][] },
  row: number,
  i: number,
  hx: number,
  hy: number,
): number {
  const { gradX, gradY } = grad;
  const ny = gradX.length;
  const nx = gradX[0]?.length ?? 0;
  const diff = (m: number[][], axis: 0 | 1, k: number) => {
    const at = (s: number) => (axis === 0 ? m[row][i + s] : m[row + s][i]);
    return (at(k) - at(-k)) / (2 * k * (axis === 0 ? hx : hy));
  };
  const reach = Math.min(i, nx - 1 - i, row, ny - 1 - row);
  if (reach < 1 || !(hx > 0) || !(hy > 0)) return NaN;
  const D = (m: number[][], axis: 0 | 1) => (reach >= 2 ? (4 * diff(m, axis, 1) - diff(m, axis, 2)) / 3 : diff(m, axis, 1));
  return minEigen2(D(gradX, 0), D(gradX, 1), D(gradY, 0), D(gradY, 1));
}

/**
 * λ_min(∇²g(x*)) from the smoother's ∇g: 1-D g″ by a central difference of g′ (step 1/1000 of
 * the grid step); d > 2 along the slices only, so NaN (the slices' x* is excluded instead).
 */
function curvatureAt(smoother: Smoother, xStar: ArrayLike<number>, landscape: Landscape): number {
  if (smoother.dim !== 1) return NaN;
  const e = 1e-3 * gridSpacing(landscape);
  if (!(e > 0)) return NaN;
  const y = new Float64Array(1);
  const out = new Float64Array(1);
  y[0] = xStar[0] + e;
  smoother.gradient(y, out);
  const up = out[0];
  y[0] = xStar[0] - e;
  smoother.gradient(y, out);
  return (up - out[0]) / (2 * e);
}

/** g(x*): the landscape's value when x* is a grid point, else computed at x* by the same method. */
function gValueAt(
  loss: Loss,
  config: RunConfig,
  landscape: Landscape,
  gValues: number[] | number[][],
  xStar: ArrayLike<number>,
  at: { row: number; i: number } | undefined,
  radius: number,
  noise: NoiseKind,
  smoother: Smoother | undefined,
): number {
  const d = config.dim;
  if (at) {
    const v = gridValue(gValues, d, at.row, at.i);
    if (v !== undefined) return v;
  }
  if (d !== 2) return smoother ? smoother(Float64Array.from(xStar)) : NaN;
  // 2-D: a one-point grid at x* on a lattice as fine as the landscape's.
  const h = gridSpacing(landscape);
  const m = latticeRefinement(noise, radius, h);
  const refine = noise === 'none' || !(radius > 0) || !(h > 0) ? undefined : Math.max(1, Math.ceil((radius * m) / h));
  const one = smoothGrid(loss, { lo: xStar[0], hi: xStar[0], n: 1 }, { lo: xStar[1], hi: xStar[1], n: 1 }, radius, noise, {
    refine,
    nonFinite: 'gaps',
  });
  return one.values?.[0] ?? NaN;
}

/**
 * Relative slack for "g(y) < g(x*)": the 1-D panels and a 2-D grid point share their rule with the
 * grid (1e-9 of g's range); a 2-D x* off the grid is computed on its own lattice (1e-4, the 2-D
 * method's measured error); d > 2 values are Monte Carlo (1e-2).
 */
function gTolerance(dim: number, onGrid: boolean): number {
  if (dim === 1) return 1e-9;
  if (dim === 2) return onGrid ? 1e-9 : 1e-4;
  return 1e-2;
}

/**
 * The (radius, noise) pairs that get a c(y) map, in stage order: one per distinct noisy smoothing
 * (`smoothingRadii`), and radius 0 (noise 'none', c of f itself) when a stage runs without noise.
 */
export function convexityRadii(config: RunConfig): Array<{ radius: number; noise: NoiseKind }> {
  const out: Array<{ radius: number; noise: NoiseKind }> = [];
  for (const s of config.stages) {
    const key = s.noise === 'none' || !(s.radius > 0) ? { radius: 0, noise: 'none' as NoiseKind } : { radius: s.radius, noise: s.noise };
    if (!out.some((o) => o.radius === key.radius && o.noise === key.noise)) out.push(key);
  }
  return out;
}

/** A map's c, argInf, positive fraction and x* check over another box (a restarting stage's). */
export function stageRegionConvexity(
  config: RunConfig,
  landscape: Landscape,
  map: ConvexityMap,
  box: Box,
  xStar: ArrayLike<number>,
): Pick<ConvexityMap, 'c' | 'argInf' | 'positiveFraction' | 'xStarCheck'> {
  const d = config.dim;
  const smooth = map.noise !== 'none' && map.radius > 0;
  const gValues = smooth ? landscape.smoothed.find((s) => s.radius === map.radius && s.noise === map.noise)?.values : landscape.f;
  const at = gridIndexOf(landscape, d, xStar);
  const atXStar = map.xStarCheck?.g ?? NaN;
  const g = gValues && gValues.length > 0 ? { values: gValues, atXStar, tolerance: gTolerance(d, at !== undefined) } : undefined;
  return regionConvexity(landscape, d, map.values, box, xStar, g);
}
