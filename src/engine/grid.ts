/** Walking a landscape's grid: its points in the layout of `Landscape.f`, spacing, smallest value. */
import type { Landscape } from './types';

/** Calls `visit(p, row, i)` for every landscape grid point, in the layout of Landscape.f. */
export function forEachGridPoint(landscape: Landscape, dim: number, visit: (p: Float64Array, row: number, i: number) => void): void {
  const p = new Float64Array(dim);
  const { x } = landscape;
  if (dim === 1) {
    for (let i = 0; i < x.length; i++) {
      p[0] = x[i];
      visit(p, 0, i);
    }
  } else if (dim === 2) {
    const y = landscape.y ?? [];
    for (let iy = 0; iy < y.length; iy++) {
      for (let ix = 0; ix < x.length; ix++) {
        p[0] = x[ix];
        p[1] = y[iy];
        visit(p, iy, ix);
      }
    }
  } else {
    const origin = landscape.origin ?? [];
    const dirs = landscape.directions ?? [];
    for (let s = 0; s < dirs.length; s++) {
      for (let i = 0; i < x.length; i++) {
        for (let j = 0; j < dim; j++) p[j] = origin[j] + x[i] * dirs[s][j];
        visit(p, s, i);
      }
    }
  }
}

/** The value at (row, i) of a landscape-shaped array (1-D arrays have the one row 0). */
export function gridValue(values: number[] | number[][], dim: number, row: number, i: number): number | undefined {
  return dim === 1 ? (values as number[])[i] : (values as number[][])[row]?.[i];
}

/** Largest grid step of the landscape (x, y or slice parameter). */
export function gridSpacing(landscape: Landscape): number {
  const step = (a: number[] | undefined) => (a && a.length > 1 ? Math.abs(a[a.length - 1] - a[0]) / (a.length - 1) : 0);
  return Math.max(step(landscape.x), step(landscape.y));
}

/** Grid point with the smallest finite value of a landscape-shaped array ([] when none is finite). */
export function gridArgmin(landscape: Landscape, dim: number, values: number[] | number[][]): number[] {
  let best = Infinity;
  let arg: number[] = [];
  forEachGridPoint(landscape, dim, (p, row, i) => {
    const v = gridValue(values, dim, row, i);
    // NaN and ±Infinity are gaps, never the minimum.
    if (v !== undefined && Number.isFinite(v) && v < best) {
      best = v;
      arg = Array.from(p);
    }
  });
  return arg;
}
