import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clippedStretches,
  evenIndices,
  finiteExtent,
  gridExtent,
  histogramBars,
  interpolate1D,
  niceTicks,
  pathUntil,
  positiveIntervals,
  quantileExtent,
  robustExtent,
  roundedRange,
  signedScale,
  thinPath,
} from '../../webview/shared/shape';
import { kde2d, kdeBandwidth } from '../../webview/shared/density';
import { diverging, heatmapPixels, parseColor, viridis, withAlpha } from '../../webview/shared/color';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

test('extents skip NaN and infinities', () => {
  assert.deepEqual(finiteExtent([3, NaN, -1, Infinity, 2]), [-1, 3]);
  assert.equal(finiteExtent([NaN, -Infinity]), undefined);
  assert.deepEqual(
    gridExtent([
      [1, 2],
      [NaN, -5],
    ]),
    [-5, 2],
  );
  // one huge value does not set the colour range
  const v = [...Array.from({ length: 199 }, (_, i) => i / 100), 1e9];
  assert.deepEqual(robustExtent(v, 0.01), [0, 1.98]);
  const w = [-1e6, ...Array.from({ length: 99 }, (_, i) => i), NaN, 1e6];
  assert.deepEqual(quantileExtent(w, 0.01, 0.99), [0, 98]);
  assert.deepEqual(quantileExtent(w, 0, 1), [-1e6, 1e6]);
  assert.equal(quantileExtent([NaN]), undefined);
});

test('histogram bars: centres and widths from edges', () => {
  const b = histogramBars([-3, -2.94, -2.88], [4, 1]);
  close(b.centers[0]!, -2.97);
  close(b.centers[1]!, -2.91);
  close(b.widths[0]!, 0.06);
  assert.deepEqual(b.counts, [4, 1]);
  assert.deepEqual(histogramBars([0, 1], []).counts, []);
});

test('evenIndices and thinPath keep first and last', () => {
  assert.deepEqual(evenIndices(5, 10), [0, 1, 2, 3, 4]);
  assert.deepEqual(evenIndices(11, 3), [0, 5, 10]);
  assert.deepEqual(evenIndices(10, 1), [0]);
  assert.deepEqual(evenIndices(0, 3), []);
  const p = Array.from({ length: 1000 }, (_, i) => i);
  const t = thinPath(p, 50);
  assert.equal(t.length, 50);
  assert.equal(t[0], 0);
  assert.equal(t[49], 999);
});

test('pathUntil cuts at the slider step and interpolates between stored points', () => {
  const path = [
    [0, 0],
    [10, 20],
    [20, 40],
  ];
  const steps = [0, 100, 200];
  assert.deepEqual(pathUntil(path, steps, 0), [[0, 0]]);
  assert.deepEqual(pathUntil(path, steps, 150), [
    [0, 0],
    [10, 20],
    [15, 30],
  ]);
  assert.deepEqual(pathUntil(path, steps, 200), path);
  assert.deepEqual(pathUntil(path, steps, 1e9), path);
  assert.deepEqual(pathUntil(path, steps, -1), []);
  // returns copies
  const out = pathUntil(path, steps, 200);
  out[0]![0] = 99;
  assert.equal(path[0]![0], 0);
});

test('positiveIntervals: runs where c(y) > 0, NaN at x* bridged', () => {
  const x = [-2, -1, 0, 1, 2];
  assert.deepEqual(positiveIntervals(x, [-1, 1, NaN, 1, -1]), [[-1.5, 1.5]]);
  assert.deepEqual(positiveIntervals(x, [1, -1, NaN, 1, 1]), [
    [-2, -1.5],
    [0.5, 2],
  ]);
  assert.deepEqual(positiveIntervals(x, [-1, -1, -1, -1, -1]), []);
  assert.deepEqual(positiveIntervals(x, [1, 1, 1, 1, 1]), [[-2, 2]]);
});

test('signedScale: each side of 0 its own 98% quantile of |v|; an empty side takes the other', () => {
  // 100 negatives −1 … −100 and 100 positives 10 … 1000: nearest-rank 98% of each side.
  const negs = Array.from({ length: 100 }, (_, i) => -(i + 1));
  const poss = Array.from({ length: 100 }, (_, i) => 10 * (i + 1));
  const s = signedScale([...negs, ...poss, 0, NaN, Infinity]);
  // robustExtent keeps index ceil(0.98 · 99) = 98 of the sorted |v|: 99 and 990.
  assert.deepEqual(s, { negative: 99, positive: 990 });
  assert.deepEqual(signedScale([1, 2, 3], 0), { negative: 3, positive: 3 });
  assert.deepEqual(signedScale([-4, -2], 0), { negative: 4, positive: 4 });
  assert.deepEqual(signedScale([0, NaN]), { negative: 1, positive: 1 });
});

test('colour maps: viridis ends, diverging sign, pixels flipped so y grows upward', () => {
  assert.deepEqual(viridis(0), [68, 1, 84]);
  assert.deepEqual(viridis(1), [253, 231, 37]);
  assert.deepEqual(viridis(-5), viridis(0));
  assert.deepEqual(viridis(NaN), viridis(0));
  const neg: [number, number, number] = [255, 0, 0];
  const pos: [number, number, number] = [0, 0, 255];
  const mid: [number, number, number] = [255, 255, 255];
  assert.deepEqual(diverging(-2, 1, 1, neg, mid, pos), neg);
  assert.deepEqual(diverging(5, 1, 1, neg, mid, pos), pos);
  assert.deepEqual(diverging(0, 1, 1, neg, mid, pos), mid);
  assert.deepEqual(diverging(0.5, 1, 1, neg, mid, pos), [128, 128, 255]);
  assert.deepEqual(diverging(NaN, 1, 1, neg, mid, pos), mid);
  // Each side on its own scale: c from −19 to +2000 (Rosenbrock) — −19 is full red, −9.5 half
  // way, while +1000 is half way to blue.
  assert.deepEqual(diverging(-19, 19, 2000, neg, mid, pos), neg);
  assert.deepEqual(diverging(-9.5, 19, 2000, neg, mid, pos), [255, 128, 128]);
  assert.deepEqual(diverging(1000, 19, 2000, neg, mid, pos), [128, 128, 255]);
  assert.deepEqual(diverging(2500, 19, 2000, neg, mid, pos), pos);
  assert.deepEqual(diverging(-1, 0, 2000, neg, mid, pos), mid, 'a side with no scale stays at the background');
  // grid[iy][ix]: row 0 (bottom) ends up in the last image row; NaN is transparent
  const px = heatmapPixels(
    [
      [0, 1],
      [NaN, 2],
    ],
    (v) => [v * 100, 0, 0],
  );
  assert.equal(px.length, 16);
  assert.deepEqual([...px.slice(0, 4)], [0, 0, 0, 0]); // top-left = grid[1][0] = NaN
  assert.deepEqual([...px.slice(4, 8)], [200, 0, 0, 255]); // top-right = grid[1][1]
  assert.deepEqual([...px.slice(8, 12)], [0, 0, 0, 255]); // bottom-left = grid[0][0]
  assert.deepEqual([...px.slice(12, 16)], [100, 0, 0, 255]);
});

test('parseColor and withAlpha understand VS Code’s colour strings', () => {
  assert.deepEqual(parseColor('#3794ff'), [55, 148, 255, 1]);
  assert.deepEqual(parseColor('#fff'), [255, 255, 255, 1]);
  assert.deepEqual(parseColor('#80808059'), [128, 128, 128, 89 / 255]);
  assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3, 0.5]);
  assert.deepEqual(parseColor(' rgb(10 20 30) '), [10, 20, 30, 1]);
  assert.equal(parseColor('var(--x)'), undefined);
  assert.equal(withAlpha('#ff0000', 0.25), 'rgba(255, 0, 0, 0.25)');
  assert.equal(withAlpha('#ff000080', 0.5), 'rgba(255, 0, 0, 0.251)');
  assert.equal(withAlpha('transparent', 0.5), 'transparent');
});

test('niceTicks: 1-2-5 steps covering the range', () => {
  assert.deepEqual(niceTicks(-3, 3, 6), [-3, -2, -1, 0, 1, 2, 3]);
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.013, 0.087, 4), [0.02, 0.04, 0.06, 0.08]);
  assert.deepEqual(niceTicks(5, 5), [5]);
  assert.deepEqual(niceTicks(NaN, 1), []);
  for (const [lo, hi] of [
    [-1234, 98765],
    [1e-6, 3e-6],
    [-0.5, 0.25],
  ] as const) {
    const t = niceTicks(lo, hi, 5);
    assert.ok(t.length >= 2 && t.length <= 12, `${lo}..${hi}: ${t}`);
    assert.ok(t.every((v) => v >= lo - 1e-12 && v <= hi + 1e-12));
  }
});

test('interpolate1D: linear between grid points, clamped at the ends', () => {
  const xs = [-1, 0, 2];
  const ys = [1, 0, 4];
  assert.equal(interpolate1D(xs, ys, -0.5), 0.5);
  assert.equal(interpolate1D(xs, ys, 1), 2);
  assert.equal(interpolate1D(xs, ys, 0), 0);
  assert.equal(interpolate1D(xs, ys, -5), 1);
  assert.equal(interpolate1D(xs, ys, 9), 4);
  assert.ok(Number.isNaN(interpolate1D([], [], 0)));
  assert.ok(Number.isNaN(interpolate1D(xs, ys, NaN)));
});

test('roundedRange: an axis fitted to data widened to round ticks', () => {
  // (6.88 − (−17.4)) / 5 = 4.856 → step 5.
  assert.deepEqual(roundedRange(-17.4, 6.88), [-20, 10]);
  // Already on the ticks: unchanged.
  assert.deepEqual(roundedRange(-20, 10), [-20, 10]);
  // Small values: step 0.05 for a span 0.23.
  assert.deepEqual(roundedRange(0.012, 0.242), [0, 0.25]);
  assert.deepEqual(roundedRange(3, 3), [2, 4]);
});

test('clippedStretches: one mark per stretch beyond the axis, at its extreme', () => {
  const x = [0, 1, 2, 3, 4, 5, 6, 7];
  const v = [0, 5, 12, 9, 0, -3, -8, NaN];
  assert.deepEqual(clippedStretches(x, v, -2, 4), [
    { x: 2, value: 12, side: 'above' },
    { x: 6, value: -8, side: 'below' },
  ]);
  assert.deepEqual(clippedStretches(x, v, -10, 20), []);
});

test('kde2d: a Gaussian per point, per unit area', () => {
  const grid = Array.from({ length: 121 }, (_, i) => -6 + i * 0.1);
  // One point at the origin, h = (1, 0.5): the density there is 1/(2π · 1 · 0.5).
  const one = kde2d([[0, 0]], grid, grid, [1, 0.5]);
  assert.ok(Math.abs(one[60]![60]! - 1 / Math.PI) < 1e-12);
  // At (1, 0.5): e^(−1/2) e^(−1/2) / π.
  assert.ok(Math.abs(one[65]![70]! - Math.exp(-1) / Math.PI) < 1e-12);
  // Three points well inside the grid: the Riemann sum over the grid is 1.
  const three = kde2d(
    [
      [-1, 0],
      [0.5, 1],
      [2, -1.5],
    ],
    grid,
    grid,
    [0.4, 0.3],
  );
  const mass = three.flat().reduce((a, b) => a + b, 0) * 0.1 * 0.1;
  assert.ok(Math.abs(mass - 1) < 1e-6, `mass ${mass}`);
});

test('kdeBandwidth: Scott per axis from min(sd, IQR/1.349), floored', () => {
  // x: −2, −1, 1, 2 (sd √(10/3), IQR by nearest rank −1 … 1 → 2/1.349 smaller); y all 0 → the floor.
  const pts = [
    [-2, 0],
    [-1, 0],
    [1, 0],
    [2, 0],
  ];
  const [hx, hy] = kdeBandwidth(pts, [0.01, 0.05]);
  assert.ok(Math.abs(hx - (2 / 1.349) * Math.pow(4, -1 / 6)) < 1e-12, `hx ${hx}`);
  assert.equal(hy, 0.05);
});
