/**
 * The 3-D surface view's geometry, without three.js or the DOM (unit-tested in
 * test/unit/webview-surface.test.ts): a 2-D landscape grid values[iy][ix] becomes a triangle mesh
 * over the unit square with heights t ∈ [0, 1] on the colour scale of the 2-D maps, and points and
 * polylines in the plane are lifted onto that very mesh (so paths and finals lie on the surface).
 *
 * - Positions are normalised: u = (x − x₀)/(x_last − x₀), v likewise, height = `height(value)`
 *   (the value scale's position, valueScale.ts), so the scene scales them to its box and Float32
 *   keeps full precision for any domain.
 * - Grids wider than `MAX_MESH_SIDE` per axis are thinned to that many evenly spread grid lines,
 *   first and last kept (a 2001-point grid keeps every 10th line); `ix`, `iy` say which were kept.
 * - Each grid cell is two triangles over the diagonal from (ix, iy) to (ix+1, iy+1); a triangle
 *   with a corner where the value is not finite is left out (a gap, as in the 2-D map).
 */
import { bracket, evenIndices } from '../shared/shape';

/** Grid lines kept per axis at most: the default 2-D resolution (201) is drawn whole. */
export const MAX_MESH_SIDE = 201;

export interface SurfaceMesh {
  /** Source grid indices of the kept grid lines along x and y. */
  ix: number[];
  iy: number[];
  /** Kept grid lines, normalised to [0, 1]. */
  u: Float64Array;
  v: Float64Array;
  /** Vertex (i, j) = kept line i along x, j along y, at index j·nx + i: (u, v, height), 3 per vertex. */
  positions: Float32Array;
  /** Height per vertex (NaN where the value is not finite). */
  heights: Float64Array;
  /** Vertex indices, 3 per triangle. */
  index: Uint32Array;
  /** Vertices whose value is not finite (their triangles are left out). */
  gaps: number;
}

/**
 * The mesh of `values[iy][ix]` over the grid `x` × `y`, each vertex at height `height(value)`.
 * `maxSide` thins the grid (see the file's comment).
 */
export function surfaceMesh(
  x: readonly number[],
  y: readonly number[],
  values: readonly (readonly number[])[],
  height: (value: number) => number,
  maxSide = MAX_MESH_SIDE,
): SurfaceMesh {
  const ix = evenIndices(x.length, maxSide);
  const iy = evenIndices(y.length, maxSide);
  const nx = ix.length;
  const ny = iy.length;
  const norm = (a: readonly number[], i: number): number => {
    const lo = a[0]!;
    const span = a[a.length - 1]! - lo;
    return span > 0 ? (a[i]! - lo) / span : 0.5;
  };
  const u = Float64Array.from(ix, (i) => norm(x, i));
  const v = Float64Array.from(iy, (j) => norm(y, j));
  const positions = new Float32Array(nx * ny * 3);
  const heights = new Float64Array(nx * ny);
  let gaps = 0;
  for (let b = 0; b < ny; b++) {
    const row = values[iy[b]!]!;
    for (let a = 0; a < nx; a++) {
      const k = b * nx + a;
      const value = row[ix[a]!]!;
      const z = Number.isFinite(value) ? height(value) : NaN;
      if (!Number.isFinite(z)) gaps++;
      heights[k] = z;
      positions[3 * k] = u[a]!;
      positions[3 * k + 1] = v[b]!;
      positions[3 * k + 2] = Number.isFinite(z) ? z : 0;
    }
  }
  const tri: number[] = [];
  const ok = (k: number) => Number.isFinite(heights[k]!);
  for (let b = 0; b + 1 < ny; b++)
    for (let a = 0; a + 1 < nx; a++) {
      const p00 = b * nx + a;
      const p10 = p00 + 1;
      const p01 = p00 + nx;
      const p11 = p01 + 1;
      // Counter-clockwise seen from above (+height): normals point up.
      if (ok(p00) && ok(p10) && ok(p11)) tri.push(p00, p10, p11);
      if (ok(p00) && ok(p11) && ok(p01)) tri.push(p00, p11, p01);
    }
  return { ix, iy, u, v, positions, heights, index: Uint32Array.from(tri), gaps };
}

/** Index of the cell [a[i], a[i+1]] holding t (clamped to the ends). */
function cellOf(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length - 1;
  if (hi <= 0) return 0;
  if (t <= a[0]!) return 0;
  if (t >= a[hi]!) return hi - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The mesh's height at (u, v) in the unit square (clamped onto it): linear on the triangle of the
 * cell that holds the point, so a lifted point lies on the drawn surface. NaN over a gap.
 */
export function heightOnMesh(m: SurfaceMesh, u: number, v: number): number {
  const nx = m.u.length;
  const ny = m.v.length;
  const cu = Math.min(1, Math.max(0, u));
  const cv = Math.min(1, Math.max(0, v));
  if (nx < 2 || ny < 2) return m.heights[0] ?? NaN;
  const a = cellOf(m.u, cu);
  const b = cellOf(m.v, cv);
  const s = (cu - m.u[a]!) / (m.u[a + 1]! - m.u[a]!);
  const r = (cv - m.v[b]!) / (m.v[b + 1]! - m.v[b]!);
  const k = b * nx + a;
  // Triangle (00, 10, 11) below the diagonal (s ≥ r), (00, 11, 01) above it; barycentric weights.
  const corners: Array<[number, number]> =
    s >= r
      ? [
          [k, 1 - s],
          [k + 1, s - r],
          [k + nx + 1, r],
        ]
      : [
          [k, 1 - r],
          [k + nx + 1, s],
          [k + nx, r - s],
        ];
  let z = 0;
  for (const [c, w] of corners) {
    // A corner of weight 0 does not count (a point on the edge of a hole is on the drawn surface).
    if (w === 0) continue;
    const h = m.heights[c]!;
    if (!Number.isFinite(h)) return NaN;
    z += w * h;
  }
  return z;
}

/** Maps a point of the plane to the unit square of the mesh (the grid's extent). */
export function toUnit(x: readonly number[], y: readonly number[]): (p: readonly number[]) => [number, number] {
  const x0 = x[0]!;
  const y0 = y[0]!;
  const sx = x[x.length - 1]! - x0;
  const sy = y[y.length - 1]! - y0;
  return (p) => [sx > 0 ? (p[0]! - x0) / sx : 0.5, sy > 0 ? (p[1]! - y0) / sy : 0.5];
}

/** Pieces per segment at most when a path is lifted (a diverging jump across the whole domain). */
const MAX_PIECES = 256;

/** A lifted point: (u, v, height) and its progress along the source polyline (see `liftPolyline`). */
export type LiftedPoint = [u: number, v: number, z: number, progress: number];

/**
 * A polyline of the unit square lifted onto the mesh: each segment cut into pieces no longer than
 * half a cell along either axis, every point at the mesh's height there (clamped onto the square).
 * Points over a gap end the piece of line they are on: the result is a list of runs.
 *
 * Each lifted point carries its progress along the source polyline: i at source point i, and
 * i − 1 + k/n at the k-th of the n pieces of the segment that ends there. So a path lifted once
 * can be drawn up to any fractional source index P (the time slider's place on the path,
 * `progressAt`) by drawing, in each run, the points whose progress is ≤ P (`shownCount`).
 */
export function liftPolyline(m: SurfaceMesh, points: ReadonlyArray<readonly [number, number]>): LiftedPoint[][] {
  const du = 1 / Math.max(1, m.u.length - 1);
  const dv = 1 / Math.max(1, m.v.length - 1);
  const runs: LiftedPoint[][] = [];
  let run: LiftedPoint[] = [];
  const put = (u: number, v: number, progress: number) => {
    const cu = Math.min(1, Math.max(0, u));
    const cv = Math.min(1, Math.max(0, v));
    const z = heightOnMesh(m, cu, cv);
    if (Number.isFinite(z)) run.push([cu, cv, z, progress]);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  };
  points.forEach((p, i) => {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return;
    if (i > 0) {
      const q = points[i - 1]!;
      if (Number.isFinite(q[0]) && Number.isFinite(q[1])) {
        const pieces = Math.min(
          MAX_PIECES,
          Math.max(1, Math.ceil(Math.max(Math.abs(p[0] - q[0]) / (du / 2), Math.abs(p[1] - q[1]) / (dv / 2)))),
        );
        for (let k = 1; k < pieces; k++) put(q[0] + ((p[0] - q[0]) * k) / pieces, q[1] + ((p[1] - q[1]) * k) / pieces, i - 1 + k / pieces);
      }
    }
    put(p[0], p[1], i);
  });
  if (run.length > 0) runs.push(run);
  return runs.filter((r) => r.length > 1);
}

/**
 * Where a path whose points stand at global steps `steps` (increasing) is at global step `step`,
 * as a fractional point index: i + (step − steps[i]) / (steps[i+1] − steps[i]) between points i
 * and i + 1, the last index at or after the last step, −1 before the first (nothing drawn).
 */
export function progressAt(steps: readonly number[], step: number): number {
  const n = steps.length;
  if (n === 0 || step < steps[0]!) return -1;
  if (step >= steps[n - 1]!) return n - 1;
  const [lo, hi] = bracket(steps, step);
  const span = steps[hi]! - steps[lo]!;
  return span > 0 ? lo + (step - steps[lo]!) / span : lo;
}

/** The points of a lifted run drawn up to progress `p`: how many of its first points have progress ≤ p. */
export function shownCount(run: ReadonlyArray<LiftedPoint>, p: number): number {
  // Progress increases along a run: bisect. A hair of slack for i − 1 + k/n rounding.
  const limit = p + 1e-9;
  let lo = 0;
  let hi = run.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (run[mid]![3] <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
