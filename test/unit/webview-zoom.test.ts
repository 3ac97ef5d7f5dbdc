/**
 * Zoom and pan of the 2-D plots (webview/panel/zoom.ts): the window arithmetic, checked against
 * the numbers worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panBy, zoomAbout } from '../../webview/panel/zoom';

const full = { x: [-3, 3] as [number, number], y: [-2, 2] as [number, number] };

test('zoomAbout: the point under the pointer stays put, both axes by the same factor', () => {
  const w = zoomAbout(full, full, 1, 0.5, 0.5)!;
  assert.deepEqual(w, { x: [-1, 2], y: [-0.75, 1.25] });
  // The pointer's point keeps its relative place: (1 − (−3)) / 6 = (1 − (−1)) / 3.
  assert.equal((1 - w.x[0]) / (w.x[1] - w.x[0]), (1 - full.x[0]) / 6);
});

test('zoomAbout: zooming out to the whole grid or beyond resets; a window near the edge is kept inside', () => {
  assert.equal(zoomAbout(full, full, 0, 0, 1.5), undefined);
  const w = { x: [-1, 1] as [number, number], y: [-2 / 3, 2 / 3] as [number, number] };
  assert.equal(zoomAbout(w, full, 0, 0, 3), undefined);
  // Out by 2 about (2.5, 0): x would be [−4.5, −0.5] (width 4), shifted inside to [−3, 1].
  const out = zoomAbout(w, full, 2.5, 0, 2)!;
  assert.deepEqual(out.x, [-3, 1]);
  assert.ok(Math.abs(out.y[1] - out.y[0] - 8 / 3) < 1e-12);
  // No window narrower than 1/1000 of the grid.
  const tiny = zoomAbout(full, full, 0, 0, 1e-9)!;
  assert.ok(Math.abs(tiny.x[1] - tiny.x[0] - 0.006) < 1e-12);
});

test('panBy: the content follows the pointer, the window stays inside the grid', () => {
  const w = { x: [-1, 1] as [number, number], y: [-1, 1] as [number, number] };
  assert.deepEqual(panBy(w, full, 0.5, -0.25), { x: [-1.5, 0.5], y: [-0.75, 1.25] });
  assert.deepEqual(panBy(w, full, -10, 10), { x: [1, 3], y: [-2, 0] });
});
