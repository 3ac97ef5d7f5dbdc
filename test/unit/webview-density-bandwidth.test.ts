// The finals' density (webview/shared/density.ts): its bandwidth on the shapes finals take — one
// normal cloud (Scott's rule is the normal-reference optimum there), tight clusters (GD on
// Himmelblau's four minima), degenerate samples — checked against closed forms computed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GAUSS_NN_MEDIAN, kde2d, kdeBandwidth, nearestNeighbourRatio } from '../../webview/shared/density';

/** Himmelblau's four minima. */
const MINIMA = [
  [3, 2],
  [-2.805118, 3.131312],
  [-3.77931, -3.283186],
  [3.584428, -1.848126],
];

/** A seeded uniform (Park–Miller) and standard normals by Box–Muller: the test's own samples. */
function normals(seed: number): () => number {
  let s = seed;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** The grid −5 … 5 in steps of 0.05 (201 points). */
const GRID = Array.from({ length: 201 }, (_, i) => -5 + i * 0.05);

/** Strict local maxima of a grid (against its 8 neighbours) above `share` of its top. */
function modes(density: number[][], share = 0.01): Array<[number, number]> {
  const top = Math.max(...density.flat());
  const out: Array<[number, number]> = [];
  for (let iy = 1; iy < density.length - 1; iy++)
    for (let ix = 1; ix < density[iy]!.length - 1; ix++) {
      const v = density[iy]![ix]!;
      if (v < share * top) continue;
      let peak = true;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if ((dx || dy) && density[iy + dy]![ix + dx]! >= v) peak = false;
      if (peak) out.push([GRID[ix]!, GRID[iy]!]);
    }
  return out;
}

/** The Riemann mass of the density within `r` of c (grid step 0.05). */
function massNear(density: number[][], c: number[], r: number): number {
  let m = 0;
  for (let iy = 0; iy < GRID.length; iy++)
    for (let ix = 0; ix < GRID.length; ix++) if (Math.hypot(GRID[ix]! - c[0]!, GRID[iy]! - c[1]!) <= r) m += density[iy]![ix]!;
  return m * 0.05 * 0.05;
}

/** Scott's rule on the whole sample, per axis (s = min(sd, IQR/1.349), nearest-rank IQR), written out here. */
function scott(points: number[][], j: number): number {
  const v = points.map((p) => p[j]!).sort((a, b) => a - b);
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const q = (p: number) => v[Math.round(p * (n - 1))]!;
  return Math.min(sd, (q(0.75) - q(0.25)) / 1.349) * Math.pow(n, -1 / 6);
}

test('GAUSS_NN_MEDIAN solves (1 − e^(−a))/a = 1/2 with a = c²/2', () => {
  const a = GAUSS_NN_MEDIAN ** 2 / 2;
  assert.ok(Math.abs((1 - Math.exp(-a)) / a - 0.5) < 1e-14);
});

test('nearestNeighbourRatio of two points is their scaled distance × √1 / GAUSS_NN_MEDIAN', () => {
  const k = nearestNeighbourRatio(
    [
      [0, 0],
      [6, 2],
    ],
    [2, 0.5],
  );
  assert.ok(Math.abs(k - 5 / GAUSS_NN_MEDIAN) < 1e-12, `κ ${k}`);
});

test('four point masses far apart (GD on Himmelblau): kernel of one grid cell, four modes of mass 1/4 each', () => {
  const finals = Array.from({ length: 100 }, (_, i) => MINIMA[i % 4]!.slice());
  const floor: [number, number] = [0.1, 0.12];
  const h = kdeBandwidth(finals, floor);
  assert.deepEqual(h, floor);
  const density = kde2d(finals, GRID, GRID, h);
  const peaks = modes(density);
  assert.equal(peaks.length, 4, `modes ${JSON.stringify(peaks)}`);
  // Each mode is the grid point nearest a minimum, and holds a quarter of the mass: the kernel's
  // mass within 0.8 (≥ 6.6 h) of its centre is 1 − 3·10⁻¹⁰, the Riemann sum's error far smaller.
  for (const m of MINIMA) {
    assert.ok(
      peaks.some(([x, y]) => Math.abs(x - m[0]!) <= 0.025 && Math.abs(y - m[1]!) <= 0.025),
      `a mode at ${m}`,
    );
    const mass = massNear(density, m, 0.8);
    assert.ok(Math.abs(mass - 0.25) < 1e-4, `mass near ${m}: ${mass}`);
  }
  // What the whole sample's spread (Scott's rule) gives instead: h ≈ 1.5 × 1.2, and halfway
  // between two minima the density is more than half its top (one blob); here it is nil.
  const wide: [number, number] = [scott(finals, 0), scott(finals, 1)];
  assert.ok(wide[0] > 1.2 && wide[1] > 1.2, `Scott ${wide}`);
  const between = (d: number[][]) => d[GRID.findIndex((v) => v >= 0)]![GRID.findIndex((v) => v >= 3.3)]! / Math.max(...d.flat());
  const blob = between(kde2d(finals, GRID, GRID, wide));
  assert.ok(blob > 0.5, `Scott: halfway ${blob} of the top`);
  assert.ok(between(density) < 1e-6, `halfway ${between(density)} of the top`);
});

test('a normal sample: bandwidth within 12% of the AMISE optimum σ_j·n^(−1/6), the median of ten within 5%', () => {
  const n = 1000;
  const sigma = [1, 0.5];
  const ratios: number[][] = [[], []];
  for (let seed = 1; seed <= 10; seed++) {
    const g = normals(seed * 7919);
    const pts = Array.from({ length: n }, () => [sigma[0]! * g(), sigma[1]! * g()]);
    const h = kdeBandwidth(pts, [1e-6, 1e-6]);
    for (const j of [0, 1]) {
      const r = h[j]! / (sigma[j]! * Math.pow(n, -1 / 6));
      assert.ok(Math.abs(r - 1) < 0.12, `seed ${seed} axis ${j}: h/optimum ${r}`);
      ratios[j]!.push(r);
    }
  }
  for (const r of ratios) {
    r.sort((a, b) => a - b);
    const median = (r[4]! + r[5]!) / 2;
    assert.ok(Math.abs(median - 1) < 0.05, `median h/optimum ${median}`);
  }
});

test('four normal clusters far apart: the clusters’ own width (about √4·σ_c·n^(−1/6)), four modes', () => {
  const g = normals(2024);
  const sc = 0.3;
  const n = 400;
  const pts = Array.from({ length: n }, (_, i) => [MINIMA[i % 4]![0]! + sc * g(), MINIMA[i % 4]![1]! + sc * g()]);
  const h = kdeBandwidth(pts, [0.05, 0.05]);
  // Each cluster's own Scott width (100 points) and the k^(1/3) = 1.59 it is expected above it.
  const own = sc * Math.pow(n / 4, -1 / 6);
  for (const j of [0, 1]) {
    assert.ok(h[j]! > own && h[j]! < 2 * own, `axis ${j}: h ${h[j]} against the clusters' own ${own}`);
    assert.ok(h[j]! < 0.2 * scott(pts, j), `axis ${j}: h ${h[j]} far below the whole sample's Scott ${scott(pts, j)}`);
  }
  const peaks = modes(kde2d(pts, GRID, GRID, h), 0.2);
  assert.equal(peaks.length, 4, JSON.stringify(peaks));
});

test('degenerate samples: no finals, one, all equal, non-finite ones, one axis constant', () => {
  const floor: [number, number] = [0.1, 0.2];
  assert.deepEqual(kdeBandwidth([], floor), floor);
  assert.deepEqual(kdeBandwidth([[1, 2]], floor), floor);
  assert.deepEqual(
    kdeBandwidth(
      Array.from({ length: 50 }, () => [1, 2]),
      floor,
    ),
    floor,
  );
  assert.deepEqual(
    kdeBandwidth(
      [
        [1, 2],
        [NaN, 0],
        [Infinity, 1],
      ],
      floor,
    ),
    floor,
  );
  // x constant, y = 0 … 9: x at the floor, y by Scott's rule (the neighbours' spread is not measured on a line).
  const line = Array.from({ length: 10 }, (_, i) => [3, i]);
  const [hx, hy] = kdeBandwidth(line, floor);
  assert.equal(hx, 0.1);
  assert.ok(Math.abs(hy - scott(line, 1)) < 1e-12, `hy ${hy}`);
  // All diverged: nothing to estimate; the density is zero everywhere.
  assert.ok(
    kde2d([], [0, 1], [0, 1], floor)
      .flat()
      .every((v) => v === 0),
  );
  // Non-finite points do not count in the normalisation: one finite point integrates to 1.
  const one = kde2d(
    [
      [0, 0],
      [NaN, 1],
    ],
    GRID,
    GRID,
    [0.3, 0.3],
  );
  assert.ok(Math.abs(one.flat().reduce((a, b) => a + b, 0) * 0.05 * 0.05 - 1) < 1e-6);
});
