/** Marching squares (webview/shared/contour.ts) against closed forms: a plane, a circle, a saddle. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contourSegments } from '../../webview/shared/contour';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);
const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
const sample = (x: number[], y: number[], f: (x: number, y: number) => number) => y.map((yj) => x.map((xi) => f(xi, yj)));

test('a plane: the level line is exact (linear interpolation is exact for a linear function)', () => {
  const x = [-1, -0.5, 0, 0.5, 1];
  const y = [0, 1, 2];
  const segs = contourSegments(
    sample(x, y, (u) => u - 0.3),
    x,
    y,
    0,
  );
  // One crossing cell per row of cells (x in [0, 0.5]), two rows.
  assert.equal(segs.length, 2);
  for (const [x1, y1, x2, y2] of segs) {
    close(x1, 0.3);
    close(x2, 0.3);
    // Across one row of cells: from one grid row to the next.
    assert.ok(Number.isInteger(y1) && Number.isInteger(y2) && Math.abs(y2 - y1) === 1);
  }
  // A level shifts the line: f = 2x + y on the same grid, level 1 → the line y = 1 − 2x.
  for (const [x1, y1, x2, y2] of contourSegments(
    sample(x, y, (u, v) => 2 * u + v),
    x,
    y,
    1,
  )) {
    close(y1, 1 - 2 * x1);
    close(y2, 1 - 2 * x2);
  }
});

test('a circle: every end within h²/7 of radius 0.95, a closed curve, length 2π · 0.95 within 1%', () => {
  const n = 41;
  const x = linspace(-2, 2, n);
  const y = linspace(-2, 2, n);
  const h = 4 / (n - 1);
  // Radius 0.95: no grid point lies on the circle (a line through a vertex is degenerate).
  const R = 0.95;
  const segs = contourSegments(
    sample(x, y, (u, v) => u * u + v * v - R * R),
    x,
    y,
    0,
  );
  assert.ok(segs.length > 40);
  // Along an edge f is a parabola with f'' = 2, so where its chord crosses 0, |f| ≤ h²/4, and
  // | |p| − R | = |f(p)| / (|p| + R) ≤ h²/4 / (1.9 − h²/4) < h²/7.
  const ends = new Map<string, number>();
  let length = 0;
  for (const [x1, y1, x2, y2] of segs) {
    for (const [a, b] of [
      [x1, y1],
      [x2, y2],
    ] as const) {
      assert.ok(Math.abs(Math.hypot(a, b) - R) < (h * h) / 7, `(${a}, ${b}) at radius ${Math.hypot(a, b)}`);
      const key = `${a.toFixed(9)},${b.toFixed(9)}`;
      ends.set(key, (ends.get(key) ?? 0) + 1);
    }
    length += Math.hypot(x2 - x1, y2 - y1);
  }
  // Closed: each end point is shared by exactly two segments.
  assert.ok([...ends.values()].every((c) => c === 2));
  assert.ok(Math.abs(length - 2 * Math.PI * R) / (2 * Math.PI * R) < 0.01, `length ${length}`);
  // The level sets the radius: level −0.75 is the circle of radius 0.5 (|f(p)| / (|p| + 0.5) < h²/3).
  const r2 = contourSegments(
    sample(x, y, (u, v) => u * u + v * v - 1),
    x,
    y,
    -0.75,
  );
  assert.ok(r2.length > 10);
  for (const [x1, y1] of r2) assert.ok(Math.abs(Math.hypot(x1, y1) - 0.5) < (h * h) / 3);
});

test('c ≤ 0 is "below": a line along values equal to the level, no line through unknown cells, saddles by the centre', () => {
  // Values equal to the level count as below: the line runs along the bottom edge.
  assert.deepEqual(
    contourSegments(
      [
        [0, 0],
        [1, 1],
      ],
      [0, 1],
      [0, 1],
    ),
    [[1, 0, 0, 0]],
  );
  // A cell with a NaN corner draws nothing; the same grid without it draws its line.
  assert.deepEqual(
    contourSegments(
      [
        [NaN, -1],
        [1, 1],
      ],
      [0, 1],
      [0, 1],
    ),
    [],
  );
  // Saddle with the centre below (mean 0): the lines cut off the two positive corners 0 and 2.
  assert.deepEqual(
    contourSegments(
      [
        [1, -1],
        [-1, 1],
      ],
      [0, 1],
      [0, 1],
    ),
    [
      [0, 0.5, 0.5, 0],
      [1, 0.5, 0.5, 1],
    ],
  );
  // Centre above (mean 0.375): the positive corners connect, the lines cut off corners 1 and 3.
  assert.deepEqual(
    contourSegments(
      [
        [1, -1],
        [-1, 2.5],
      ],
      [0, 1],
      [0, 1],
    ),
    [
      [0.5, 0, 1, 2 / 7],
      [2 / 7, 1, 0, 0.5],
    ],
  );
  assert.deepEqual(contourSegments([], [], []), []);
  assert.deepEqual(contourSegments([[1, -1]], [0, 1], [0]), [], 'one row of values has no cells');
});
