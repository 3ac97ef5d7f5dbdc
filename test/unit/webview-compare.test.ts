/**
 * "Compare runs" (webview/charts/compare.ts, compareDensity.ts): the density of the finals against
 * the Gaussian's closed forms, the grid the columns wrap into, and what each column is called
 * (the paper's Figure 3 row 2: a noise-free run of method "SGD" is GD) on real engine runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import type { RunConfigInput } from '../../src/engine/types';
import { toCompareView } from '../../src/extension/viewModel';
import { compareColumns, compareLabels, gridFor } from '../../webview/charts/compare';
import { compareBandwidth, densityOnBox, hdrLevels } from '../../webview/charts/compareDensity';
import type { Theme } from '../../webview/shared/theme';

const theme: Theme = {
  kind: 'dark',
  foreground: '#cccccc',
  muted: '#999999',
  background: '#1e1e1e',
  grid: '#333333',
  border: '#444444',
  blue: '#3794ff',
  red: '#f14c4c',
  green: '#89d185',
  orange: '#d18616',
  purple: '#b180d7',
  yellow: '#cca700',
  fontFamily: 'sans-serif',
  fontSize: 13,
};

test('densityOnBox: one point gives the bivariate normal density, 1/(2π hx hy) at its centre', () => {
  const h: [number, number] = [0.1, 0.15];
  const d = densityOnBox([[0, 0]], [-1, -1], [1, 1], h, 201);
  const mid = 100;
  assert.ok(Math.abs(d.x[mid]!) < 1e-12 && Math.abs(d.y[mid]!) < 1e-12);
  const peak = 1 / (2 * Math.PI * h[0] * h[1]);
  assert.ok(Math.abs(d.grid[mid]![mid]! - peak) < 1e-9 * peak, `${d.grid[mid]![mid]} vs ${peak}`);
  // φ(u)φ(v)/(hx hy) at a grid point 3 cells right and 5 up (within the 5-width cut).
  const [x, y] = [d.x[mid + 3]!, d.y[mid + 5]!];
  const want = peak * Math.exp(-0.5 * ((x / h[0]) ** 2 + (y / h[1]) ** 2));
  assert.ok(Math.abs(d.grid[mid + 5]![mid + 3]! - want) < 1e-9 * peak);
  // The mass on the grid is 1 (Riemann sum; the kernel lies well inside the box).
  const mass = d.grid.flat().reduce((a, b) => a + b, 0) * d.dx * d.dy;
  assert.ok(Math.abs(mass - 1) < 1e-3, `mass ${mass}`);
});

test('densityOnBox: the mean of the kernels of n points; non-finite points left out', () => {
  const h: [number, number] = [0.2, 0.2];
  const two = densityOnBox(
    [
      [-0.5, 0],
      [0.5, 0],
    ],
    [-1, -1],
    [1, 1],
    h,
    41,
  );
  const one = densityOnBox([[-0.5, 0]], [-1, -1], [1, 1], h, 41);
  const other = densityOnBox([[0.5, 0]], [-1, -1], [1, 1], h, 41);
  for (let iy = 0; iy < 41; iy++)
    for (let ix = 0; ix < 41; ix++) {
      const want = (one.grid[iy]![ix]! + other.grid[iy]![ix]!) / 2;
      assert.ok(Math.abs(two.grid[iy]![ix]! - want) < 1e-12 * (1 + want));
    }
  const withNaN = densityOnBox(
    [
      [-0.5, 0],
      [NaN, 0],
    ],
    [-1, -1],
    [1, 1],
    h,
    41,
  );
  assert.deepEqual(withNaN.grid, one.grid);
});

test('hdrLevels: the region holding a share p of a Gaussian is bounded by the density (1 − p)/(2π hx hy)', () => {
  // For the bivariate normal N(0, diag(hx², hy²)), {density ≥ t} is the ellipse of Mahalanobis
  // radius r with P = 1 − exp(−r²/2), on which the density is exp(−r²/2)/(2π hx hy) = (1 − P)/(2π hx hy).
  const h: [number, number] = [0.1, 0.15];
  const d = densityOnBox([[0.05, -0.1]], [-1, -1], [1, 1], h, 401);
  const masses = [0.5, 0.9];
  const levels = hdrLevels(d, masses);
  masses.forEach((p, i) => {
    const want = (1 - p) / (2 * Math.PI * h[0] * h[1]);
    assert.ok(Math.abs(levels[i]! - want) < 0.01 * want, `p ${p}: level ${levels[i]} vs ${want}`);
  });
  assert.ok(levels[0]! > levels[1]!, 'the inner region has the higher level');
  assert.deepEqual(hdrLevels(densityOnBox([], [0, 0], [1, 1], h, 11), masses), [0, 0], 'no points: no mass, level 0');
});

test('compareBandwidth: 1/40 of the plot along each axis', () => {
  assert.deepEqual(compareBandwidth([-4, -2], [4, 2]), [0.2, 0.1]);
});

test('gridFor: as many columns as fit at 240 px, rows filled evenly', () => {
  assert.deepEqual(gridFor(4, 1400), { columns: 4, rows: 1 });
  assert.deepEqual(gridFor(4, 700), { columns: 2, rows: 2 }, 'half an editor: 2 × 2');
  assert.deepEqual(gridFor(4, 750), { columns: 2, rows: 2 }, 'three fit, but 2 × 2 beats 3 + 1');
  assert.deepEqual(gridFor(3, 750), { columns: 3, rows: 1 });
  assert.deepEqual(gridFor(5, 750), { columns: 3, rows: 2 });
  assert.deepEqual(gridFor(4, 200), { columns: 1, rows: 4 });
  assert.deepEqual(gridFor(1, 2000), { columns: 1, rows: 1 });
});

// The paper's Figure 3 row 2 as the side panel's preset makes it: each run one method, "SGD",
// the first without noise (compareGd off).
function fig3Run(noise: 'none' | 'uniform', radius: number, id: string, compareGd = false) {
  const config = resolveConfig(
    { function: 'bumpy', trials: 6, seed: 'u', stages: [{ lr: 0.02, radius, steps: 20, noise }], compareGd } as RunConfigInput,
    { dim: 1 },
  );
  return toCompareView(
    runExperiment((x) => x[0]! ** 2 + 0.6 * Math.sin(9 * x[0]!), undefined, config),
    id,
  );
}

test('compareColumns: Figure 3 row 2 — the noise-free run’s column is GD with its own successes', () => {
  const runs = [fig3Run('none', 0.3, 'gd'), fig3Run('uniform', 0.15, 'a'), fig3Run('uniform', 0.3, 'b'), fig3Run('uniform', 0.6, 'c')];
  assert.deepEqual(
    runs.map((r) => r.methods!.map((m) => m.name)),
    [['SGD'], ['SGD'], ['SGD'], ['SGD']],
    'every run has the one method SGD',
  );
  const cols = compareColumns(runs, theme, () => undefined);
  assert.deepEqual(
    cols.map((c) => c.label),
    ['GD', 'noise uniform 0.15 · SGD', 'noise uniform 0.3 · SGD', 'noise uniform 0.6 · SGD'],
  );
  assert.deepEqual(
    cols.map((c) => c.success),
    runs.map((r) => r.methods![0]!.success),
  );
  assert.deepEqual(compareLabels(runs), ['no noise', 'noise uniform 0.15', 'noise uniform 0.3', 'noise uniform 0.6']);
});

test('compareColumns: the methods picked per run, in the run’s order; primary by default; none for an empty pick', () => {
  const runs = [fig3Run('uniform', 0.15, 'a', true), fig3Run('uniform', 0.3, 'b', true)];
  const primary = compareColumns(runs, theme, () => undefined);
  assert.deepEqual(
    primary.map((c) => [c.run.runId, c.s.name, c.label]),
    [
      ['a', 'SGD', 'noise uniform 0.15'],
      ['b', 'SGD', 'noise uniform 0.3'],
    ],
  );
  const picked = compareColumns(runs, theme, (r) => (r.runId === 'a' ? ['GD', 'SGD'] : []));
  assert.deepEqual(
    picked.map((c) => [c.run.runId, c.s.name, c.label, c.success]),
    [
      ['a', 'SGD', 'noise uniform 0.15 · SGD', runs[0]!.diagnostics.successSgd],
      ['a', 'GD', 'GD', runs[0]!.diagnostics.successGd],
    ],
  );
  assert.notEqual(picked[0]!.color, picked[1]!.color, 'each column its colour');
  assert.notEqual(picked[0]!.shape, picked[1]!.shape, 'each method its marker');
  // A pick naming no method of the run (renamed since): its primary method.
  assert.deepEqual(
    compareColumns(runs, theme, () => ['Adam']).map((c) => c.s.name),
    ['SGD', 'SGD'],
  );
});
