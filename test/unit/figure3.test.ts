/**
 * The paper's Figure 3 behaviour on its digitized function (examples/paper-figure3.ts),
 * with η = 0.01 and 1000 steps per stage (the paper gives neither; these are the example's
 * defaults).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figure3 } from '../../examples/paper-figure3';
import { resolveConfig } from '../../src/engine/config';
import { runTrials } from '../../src/engine/sgd';
import type { Stage } from '../../src/engine/types';

const loss = (x: Float64Array) => figure3(x[0]);
const run = (stages: Array<Partial<Stage>>, seed = '1') => {
  const c = resolveConfig({ function: 'figure3', seed, trials: 100, init: { low: [-3], high: [3] }, stages }, { dim: 1 });
  return runTrials(loss, undefined, c, 'sgd', 0, 100).finals.map((v) => v[0]);
};
const inside = (xs: number[], a: number) => xs.filter((x) => Math.abs(x) <= a).length;
const spread = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);

test('the spline passes through the digitized vertices and continues as f(±3) + x² − 9', () => {
  assert.ok(Math.abs(figure3(-3) - 13.679498) < 1e-12);
  assert.ok(Math.abs(figure3(-2.982) - 11.834971) < 1e-12);
  assert.ok(Math.abs(figure3(-4) - (13.679498 + 16 - 9)) < 1e-12);
});

test('GD without noise sticks at dozens of different local minima', () => {
  const gd = run([{ lr: 0.01, steps: 1000, noise: 'none' }]);
  const minima = new Set(gd.map((x) => x.toFixed(2)));
  assert.ok(minima.size >= 20, `GD ended at ${minima.size} distinct points`);
  // Most GD trials end far from x* = 0: they never left their start's basin.
  assert.ok(inside(gd, 0.3) < 30, `${inside(gd, 0.3)} GD trials near 0`);
});

test('noise 0.3 concentrates trials in [-1.5, 1.5]; 0.6 spreads them out again', () => {
  for (const seed of ['1', '2']) {
    const n15 = run([{ lr: 0.01, radius: 0.15, steps: 1000, noise: 'uniform' }], seed);
    const n3 = run([{ lr: 0.01, radius: 0.3, steps: 1000, noise: 'uniform' }], seed);
    const n6 = run([{ lr: 0.01, radius: 0.6, steps: 1000, noise: 'uniform' }], seed);
    assert.ok(inside(n3, 1.5) >= 90, `noise 0.3: ${inside(n3, 1.5)}/100 in [-1.5, 1.5]`);
    assert.ok(inside(n6, 1.5) < inside(n3, 1.5) - 10, `noise 0.6: ${inside(n6, 1.5)} vs 0.3: ${inside(n3, 1.5)}`);
    assert.ok(spread(n6) > 1.5 * spread(n3), `rms 0.6: ${spread(n6)} vs 0.3: ${spread(n3)}`);
    // 0.15 still leaves trials in many different spiky minima; 0.3 smooths more of them away.
    assert.ok(inside(n15, 1.5) >= 95);
  }
});

test('four shrinking stages 0.3 → 0.15 → 0.05 → 0.01 end within a few hundredths of 0', () => {
  const finals = run([
    { lr: 0.01, radius: 0.3, steps: 1000, noise: 'uniform', init: { low: [-3], high: [3] } },
    { lr: 0.01, radius: 0.15, steps: 1000, noise: 'uniform', init: { low: [-1.5], high: [1.5] } },
    { lr: 0.01, radius: 0.05, steps: 1000, noise: 'uniform', init: { low: [-0.5], high: [0.5] } },
    { lr: 0.01, radius: 0.01, steps: 1000, noise: 'uniform', init: { low: [-0.3], high: [0.3] } },
  ]);
  assert.ok(inside(finals, 0.06) >= 90, `${inside(finals, 0.06)}/100 within 0.06 of 0`);
});

test('the same four stages chained from [-3, 3] bring most trials to 0 (Corollary 2), far more than GD', () => {
  const stages = [0.3, 0.15, 0.05, 0.01].map((radius) => ({ lr: 0.01, radius, steps: 1000, noise: 'uniform' as const }));
  const finals = run(stages);
  const gd = run([{ lr: 0.01, steps: 4000, noise: 'none' }]);
  assert.ok(inside(finals, 0.06) >= 60, `${inside(finals, 0.06)}/100 within 0.06 of 0`);
  assert.ok(inside(finals, 0.06) > 3 * inside(gd, 0.06), `SGD ${inside(finals, 0.06)} vs GD ${inside(gd, 0.06)}`);
});
