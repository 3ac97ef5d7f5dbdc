/**
 * The sweep panel's pure parts: the grid's cell order against the engine's `sweepPoints`, which
 * sweeps draw as a line, c per radius column, the hover text, and the diagram's geometry (every
 * cell's centre hit-tests back to that cell, in one and two columns).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepPoints, wilsonInterval, type SweepCell, type SweepConfig } from '../../src/engine/sweep';
import { cellAt, cellRect, phaseLayout } from '../../webview/sweep/diagram';
import { cByRadius, cellIndex, cellLines, gridOf, lineAxis, statusLine } from '../../webview/sweep/text';

const axes = { radius: [0, 0.3, 0.6], lr: [0.01, 0.05], steps: [100, 400] };

test('cell order: (layer, lr row, radius column) is the engine’s order of cells', () => {
  const config = { stages: [{ lr: 0.01, radius: 0.3, steps: 100, noise: 'uniform' }], trials: 10, sweep: axes } as unknown as SweepConfig;
  const points = sweepPoints(config);
  const g = gridOf({ axes });
  assert.equal(points.length, 12);
  for (let layer = 0; layer < 2; layer++)
    for (let il = 0; il < 2; il++)
      for (let ir = 0; ir < 3; ir++) {
        const p = points[cellIndex(g, layer, il, ir)]!;
        assert.deepEqual([p.steps, p.lr, p.radius], [axes.steps[layer], axes.lr[il], axes.radius[ir]]);
      }
});

test('a line chart for one swept axis, a map otherwise', () => {
  assert.equal(lineAxis(gridOf({ axes: { radius: [0, 1], lr: [0.1] } })), 'radius');
  assert.equal(lineAxis(gridOf({ axes: { radius: [0.3], lr: [0.1, 0.2] } })), 'lr');
  assert.equal(lineAxis(gridOf({ axes: { radius: [0, 1], lr: [0.1, 0.2] } })), undefined);
  assert.equal(lineAxis(gridOf({ axes: { radius: [0.3], lr: [0.1] } })), undefined);
});

function cell(radius: number, lr: number, success: number, c: number | null): SweepCell {
  return {
    lr,
    radius,
    steps: 100,
    trials: 20,
    success,
    successRate: success / 20,
    interval: wilsonInterval(success, 20),
    gdSuccessRate: 0.5,
    diverged: 2,
    medianDistance: 0.25,
    c: c as number,
    conditionHolds: c !== null && c > 0,
    successRadius: 0.3,
    xStar: [0],
    seed: '1',
  };
}

test('c per radius from the first finished cell of its column; hover text with the Wilson interval', () => {
  const g = gridOf({ axes: { radius: [0, 0.3, 0.6], lr: [0.01, 0.05] } });
  const cells = [null, cell(0.3, 0.01, 5, -0.2), null, cell(0, 0.05, 9, null), cell(0.3, 0.05, 12, -0.2), null];
  assert.deepEqual(cByRadius(cells, g, 0), [null, -0.2, null]);
  const lines = cellLines(cell(0.3, 0.05, 12, 0.4), true);
  assert.deepEqual(lines, [
    'η = 0.05, radius 0.3 (100 steps, 20 trials)',
    'SGD success 12 / 20 = 60%; Wilson 95% interval 38.7% – 78.1%',
    'GD success 50%',
    'diverged 2 / 20 (10%)',
    'median ‖y_T − x*‖ 0.25 (success within 0.3)',
    "c = 0.4: Theorem 1's conditions hold",
  ]);
  const [lo, hi] = wilsonInterval(12, 20);
  assert.ok(Math.abs(lo - 0.3866) < 5e-4 && Math.abs(hi - 0.7812) < 5e-4, `the interval printed is Wilson's: ${lo}, ${hi}`);
  const view = { cells, incomplete: true } as never;
  assert.equal(statusLine({ kind: 'cancelled' }, view), 'Stopped: 3 of 6 cells done (a stopped sweep is not stored)');
});

test('diagram geometry: each cell’s centre hit-tests back to it, in each map and layout', () => {
  for (const width of [480, 1200]) {
    const g = gridOf({ axes: { radius: [0, 0.1, 0.2, 0.4, 0.8], lr: [0.01, 0.02, 0.05] } });
    const layout = phaseLayout(width, g);
    assert.equal(new Set(layout.maps.map((m) => `${m.plot.x},${m.plot.y}`)).size, 4, 'four maps, none on another');
    for (const m of layout.maps) {
      for (let il = 0; il < 3; il++)
        for (let ir = 0; ir < 5; ir++) {
          const r = cellRect(layout, m.plot, g, il, ir);
          assert.deepEqual(cellAt(layout, g, r.x + r.w / 2, r.y + r.h / 2), { key: m.key, iLr: il, iRadius: ir });
        }
      // The smallest η is the bottom row.
      assert.ok(cellRect(layout, m.plot, g, 0, 0).y > cellRect(layout, m.plot, g, 2, 0).y);
      assert.equal(cellAt(layout, g, m.plot.x - 1, m.plot.y + 1), undefined);
    }
    assert.ok(layout.maps.every((m) => m.plot.x + m.plot.w <= width && m.plot.y + m.plot.h <= layout.height));
  }
});
