/**
 * The density of a run's final points in the plane, for "Compare runs" (several runs' finals in
 * one plot, each as shaded regions and contours in its colour with the points on top): a Gaussian
 * kernel density estimate on a grid, and the density levels of its highest-density regions (the
 * smallest region holding 50% or 90% of the estimate's mass). Pure (no DOM); unit-tested in
 * test/unit/webview-compare.test.ts against closed forms. The estimate itself is shared/density.ts's
 * kde2d (the finals' density in "Where trials end"), on the grid of a box with both ends included (`densityOnBox`).
 */
import { kde2d } from '../shared/density';

export interface Density2D {
  /** density[iy][ix] at (x[ix], y[iy]), row 0 at the bottom (as contour.ts and plot2d read grids). */
  grid: number[][];
  x: number[];
  y: number[];
  /** Grid spacing along x and y. */
  dx: number;
  dy: number;
}

/** Cells per axis of the density grid. */
export const DENSITY_CELLS = 96;

/**
 * One kernel width per axis for every run of a comparison: 1/40 of the plot's extent along it, so
 * the runs' densities are smoothed alike and compare like for like (a data-driven rule such as
 * Scott's would smooth a run whose finals sit at four minima far more than one at a single
 * minimum, and blur the four into one blob).
 */
export function compareBandwidth(low: readonly number[], high: readonly number[]): [number, number] {
  return [(high[0]! - low[0]!) / 40, (high[1]! - low[1]!) / 40];
}

/**
 * The kernel density estimate of `points` with the product Gaussian kernel of widths `h` =
 * [hx, hy], on `cells` × `cells` grid points spanning the box [low, high] (ends included):
 * p(x, y) = Σ_i φ((x − x_i)/hx) φ((y − y_i)/hy) / (n hx hy), with φ the standard normal density.
 * Points that are not finite are left out; kernels are cut at 5 widths (a relative error below
 * 4e-6 of the peak).
 */
export function densityOnBox(
  points: ReadonlyArray<readonly number[]>,
  low: readonly number[],
  high: readonly number[],
  h: readonly [number, number],
  cells = DENSITY_CELLS,
): Density2D {
  const n = Math.max(2, Math.floor(cells));
  const dx = (high[0]! - low[0]!) / (n - 1);
  const dy = (high[1]! - low[1]!) / (n - 1);
  const x = Array.from({ length: n }, (_, i) => low[0]! + i * dx);
  const y = Array.from({ length: n }, (_, i) => low[1]! + i * dy);
  const [hx, hy] = h;
  if (!(hx > 0) || !(hy > 0) || !(dx > 0) || !(dy > 0)) return { grid: y.map(() => new Array<number>(n).fill(0)), x, y, dx, dy };
  // The one kernel estimate of the webviews (shared/density.ts), on this grid.
  return { grid: kde2d(points, x, y, [hx, hy]), x, y, dx, dy };
}

/**
 * For each mass p in `masses` (0 < p < 1), the density level t whose region {density ≥ t} holds
 * a share p of the mass on the grid (cells summed highest first): the boundary of the smallest
 * region holding that share, the "highest density region" (HDR) contour. 0 when the grid holds
 * no mass.
 */
export function hdrLevels(d: Density2D, masses: readonly number[]): number[] {
  const values = d.grid.flat().filter((v) => v > 0);
  const total = values.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return masses.map(() => 0);
  values.sort((a, b) => b - a);
  const out: number[] = [];
  for (const p of masses) {
    let sum = 0;
    let level = values[values.length - 1]!;
    for (const v of values) {
      sum += v;
      if (sum >= p * total) {
        level = v;
        break;
      }
    }
    out.push(level);
  }
  return out;
}
