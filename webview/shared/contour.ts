/**
 * Contour lines of a grid by marching squares: the segments where values[iy][ix] crosses a
 * level, each end linearly interpolated along a cell edge (exact for a function linear along the
 * edge). Pure (no DOM); unit-tested in test/unit/webview-contour.test.ts.
 */

/** One contour segment, from (x1, y1) to (x2, y2). */
export type Segment = [number, number, number, number];

/**
 * The level-`level` contour of grid[iy][ix] (row iy at y[iy], column ix at x[ix]). A corner counts
 * as above when its value is > level, so the line separates v > level from v ≤ level (c > 0 from
 * c ≤ 0). Cells with a non-finite corner are skipped (no line through unknown values). A saddle
 * cell (opposite corners on the same side) is resolved by the mean of its four corners.
 */
export function contourSegments(grid: readonly (readonly number[])[], x: readonly number[], y: readonly number[], level = 0): Segment[] {
  const out: Segment[] = [];
  const rows = Math.min(grid.length, y.length);
  for (let iy = 0; iy + 1 < rows; iy++) {
    const lo = grid[iy]!;
    const hi = grid[iy + 1]!;
    const cols = Math.min(lo.length, hi.length, x.length);
    for (let ix = 0; ix + 1 < cols; ix++) {
      // Corners counter-clockwise from the bottom left: (ix, iy), (ix+1, iy), (ix+1, iy+1), (ix, iy+1).
      const v0 = lo[ix]!;
      const v1 = lo[ix + 1]!;
      const v2 = hi[ix + 1]!;
      const v3 = hi[ix]!;
      if (!Number.isFinite(v0) || !Number.isFinite(v1) || !Number.isFinite(v2) || !Number.isFinite(v3)) continue;
      const a0 = v0 > level;
      const a1 = v1 > level;
      const a2 = v2 > level;
      const a3 = v3 > level;
      if (a0 === a1 && a1 === a2 && a2 === a3) continue;
      const x0 = x[ix]!;
      const x1 = x[ix + 1]!;
      const y0 = y[iy]!;
      const y1 = y[iy + 1]!;
      const at = (va: number, vb: number) => (level - va) / (vb - va);
      // Edge e: 0 bottom (v0, v1), 1 right (v1, v2), 2 top (v3, v2), 3 left (v0, v3). Each edge is
      // interpolated from its left or lower end, as the neighbouring cell does for the same edge,
      // so the two cells meet at bit-identical points and the lines close.
      const point = (e: number): [number, number] => {
        switch (e) {
          case 0:
            return [x0 + (x1 - x0) * at(v0, v1), y0];
          case 1:
            return [x1, y0 + (y1 - y0) * at(v1, v2)];
          case 2:
            return [x0 + (x1 - x0) * at(v3, v2), y1];
          default:
            return [x0, y0 + (y1 - y0) * at(v0, v3)];
        }
      };
      const crossed: number[] = [];
      if (a0 !== a1) crossed.push(0);
      if (a1 !== a2) crossed.push(1);
      if (a2 !== a3) crossed.push(2);
      if (a3 !== a0) crossed.push(3);
      const join = (e: number, f: number) => {
        const p = point(e);
        const q = point(f);
        out.push([p[0], p[1], q[0], q[1]]);
      };
      if (crossed.length === 2) {
        join(crossed[0]!, crossed[1]!);
        continue;
      }
      // Saddle: when the centre is on corner 0's side, corners 0 and 2 connect through it and
      // the lines cut off corners 1 and 3; otherwise they cut off corners 0 and 2.
      const centreAbove = (v0 + v1 + v2 + v3) / 4 > level;
      if (centreAbove === a0) {
        join(0, 1);
        join(2, 3);
      } else {
        join(3, 0);
        join(1, 2);
      }
    }
  }
  return out;
}
