/**
 * The 3-D view's geometry (webview/charts/surfaceMesh.ts) against exact oracles: vertex positions
 * from the grid, triangles counted by hand (gaps where a value is not finite), the grid thinned to
 * the lines evenIndices keeps, and heights on the mesh equal to a plane's values wherever the grid
 * samples a plane (a piecewise-linear mesh reproduces a plane exactly), with lifted polylines lying
 * on it; a path lifted once and drawn up to a time-slider step (progress along it, counted by hand).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heightOnMesh, liftPolyline, progressAt, shownCount, surfaceMesh, toUnit } from '../../webview/charts/surfaceMesh';

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
const close = (a: number, b: number, eps: number) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

test('vertices: (x, y) normalised to the unit square, height = height(value), row-major along x', () => {
  const x = [-2, -1, 0, 1, 2];
  const y = [10, 11, 13];
  const values = y.map((yy) => x.map((xx) => xx * 100 + yy));
  const m = surfaceMesh(x, y, values, (v) => v / 1000);
  assert.deepEqual(m.ix, [0, 1, 2, 3, 4]);
  assert.deepEqual(m.iy, [0, 1, 2]);
  assert.equal(m.positions.length, 15 * 3);
  for (let b = 0; b < 3; b++)
    for (let a = 0; a < 5; a++) {
      const k = b * 5 + a;
      assert.equal(m.positions[3 * k], Math.fround((x[a]! + 2) / 4));
      assert.equal(m.positions[3 * k + 1], Math.fround((y[b]! - 10) / 3));
      assert.equal(m.positions[3 * k + 2], Math.fround(values[b]![a]! / 1000));
      assert.equal(m.heights[k], values[b]![a]! / 1000);
    }
  // 4 × 2 cells, two triangles each, counter-clockwise seen from above.
  assert.equal(m.index.length, 4 * 2 * 2 * 3);
  assert.deepEqual([...m.index.slice(0, 6)], [0, 1, 6, 0, 6, 5]);
  assert.equal(m.gaps, 0);
});

test('a value that is not finite is a hole: the six triangles around an inner vertex go, the rest stay', () => {
  const x = linspace(0, 1, 4);
  const values = x.map(() => x.map(() => 1));
  values[1]![1] = NaN; // inner vertex (1, 1): touches cells (0,0), (1,0), (0,1), (1,1)
  const m = surfaceMesh(x, x, values, (v) => v);
  // Of the 3 × 3 × 2 = 18 triangles, the vertex belongs to 6 (both of cells (0,0) and (1,1),
  // one each of (1,0) and (0,1), split over the diagonal from (a, b) to (a+1, b+1)).
  assert.equal(m.index.length / 3, 18 - 6);
  assert.equal(m.gaps, 1);
  for (const k of m.index) assert.notEqual(k, 1 * 4 + 1);
  assert.ok(Number.isNaN(heightOnMesh(m, 1 / 3, 1 / 3 + 1e-9)));
});

test('wide grids are thinned to MAX_MESH_SIDE lines (first and last kept); 201 is drawn whole', () => {
  const wide = linspace(-1, 1, 2001);
  const few = linspace(-1, 1, 5);
  const m = surfaceMesh(
    wide,
    few,
    few.map(() => wide.map(() => 0)),
    () => 0,
  );
  assert.equal(m.ix.length, 201);
  assert.deepEqual(m.ix.slice(0, 4), [0, 10, 20, 30]);
  assert.equal(m.ix[200], 2000);
  assert.deepEqual(m.iy, [0, 1, 2, 3, 4]);
  const whole = surfaceMesh(
    linspace(0, 1, 201),
    few,
    few.map(() => linspace(0, 1, 201)),
    (v) => v,
  );
  assert.equal(whole.ix.length, 201);
  assert.equal(whole.index.length / 3, 200 * 4 * 2);
});

test('on a plane the mesh is exact: heights anywhere, and lifted polylines lie on it', () => {
  const x = linspace(-3, 5, 9);
  const y = linspace(1, 2, 6);
  const plane = (xx: number, yy: number) => 0.5 + 0.25 * xx - 3 * yy;
  const m = surfaceMesh(
    x,
    y,
    y.map((yy) => x.map((xx) => plane(xx, yy))),
    (v) => v,
  );
  const unit = toUnit(x, y);
  for (const [px, py] of [
    [-3, 1],
    [5, 2],
    [0.37, 1.61],
    [4.99, 1.01],
    [-2.5, 1.95],
  ] as const) {
    const [u, v] = unit([px, py]);
    close(heightOnMesh(m, u, v), plane(px, py), 1e-12);
  }
  // Clamped onto the square: a point beyond the grid takes the edge's height.
  const [u, v] = unit([9, 1.5]);
  close(heightOnMesh(m, u, v), plane(5, 1.5), 1e-12);
  // A path from corner to corner: cut into pieces of at most half a cell, every point on the plane.
  const runs = liftPolyline(m, [unit([-3, 1]), unit([5, 2])]);
  assert.equal(runs.length, 1);
  const run = runs[0]!;
  // Half a cell along x: 1/16 of the unit square; the segment spans 1 → 16 pieces, 17 points.
  assert.equal(run.length, 17);
  for (const [pu, pv, z] of run) close(z, plane(-3 + 8 * pu, 1 + pv), 1e-12);
});

test('a polyline over a hole breaks into runs on either side', () => {
  const x = linspace(0, 1, 5);
  const values = x.map(() => x.map(() => 2));
  values[2]![2] = Infinity;
  const m = surfaceMesh(x, x, values, (v) => v);
  const runs = liftPolyline(m, [
    [0, 0.5],
    [1, 0.5],
  ]);
  assert.equal(runs.length, 2);
  for (const r of runs) for (const [, , z] of r) assert.equal(z, 2);
});

test('a lifted path carries its progress, so it is drawn up to any step from one lift', () => {
  const x = linspace(0, 1, 5); // cells of 1/4: pieces of at most 1/8
  const m = surfaceMesh(
    x,
    x,
    x.map(() => x.map(() => 1)),
    (v) => v,
  );
  // Source points at steps 0, 10, 40: the first segment is 1/2 long (4 pieces), the second 1/4 (2 pieces).
  const runs = liftPolyline(m, [
    [0, 0.5],
    [0.5, 0.5],
    [0.5, 0.75],
  ]);
  assert.equal(runs.length, 1);
  const run = runs[0]!;
  assert.deepEqual(
    run.map((p) => p[3]),
    [0, 0.25, 0.5, 0.75, 1, 1.5, 2],
  );
  assert.deepEqual(run[4]!.slice(0, 2), [0.5, 0.5]);
  const steps = [0, 10, 40];
  // The slider's step as a fractional point index: exact at the points, linear between them.
  assert.equal(progressAt(steps, -1), -1);
  assert.equal(progressAt(steps, 0), 0);
  assert.equal(progressAt(steps, 5), 0.5);
  assert.equal(progressAt(steps, 10), 1);
  assert.equal(progressAt(steps, 25), 1.5);
  assert.equal(progressAt(steps, 40), 2);
  assert.equal(progressAt(steps, 999), 2);
  assert.equal(progressAt([], 3), -1);
  // Points drawn: those whose progress is at most the step's.
  assert.equal(shownCount(run, -1), 0);
  assert.equal(shownCount(run, 0), 1);
  assert.equal(shownCount(run, progressAt(steps, 5)), 3);
  assert.equal(shownCount(run, progressAt(steps, 7)), 3); // 0.7: the piece at 0.75 not yet
  assert.equal(shownCount(run, progressAt(steps, 10)), 5);
  assert.equal(shownCount(run, progressAt(steps, 30)), 6); // 1 + 2/3 ≥ 1.5
  assert.equal(shownCount(run, progressAt(steps, 40)), 7);
});

test('a path over a hole: each run is drawn up to the step on its own side', () => {
  const x = linspace(0, 1, 5);
  const values = x.map(() => x.map(() => 2));
  values[2]![2] = Infinity;
  const m = surfaceMesh(x, x, values, (v) => v);
  const [left, right] = liftPolyline(m, [
    [0, 0.5],
    [1, 0.5],
  ]);
  // 8 pieces of 1/8; the points at u = 3/8, 1/2, 5/8 touch the hole at (1/2, 1/2).
  assert.deepEqual(
    left!.map((p) => p[3]),
    [0, 0.125, 0.25],
  );
  assert.deepEqual(
    right!.map((p) => p[3]),
    [0.75, 0.875, 1],
  );
  assert.equal(shownCount(left!, 0.5), 3);
  assert.equal(shownCount(right!, 0.5), 0);
  assert.equal(shownCount(right!, 0.9), 2);
});
