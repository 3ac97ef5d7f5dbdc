/**
 * Success against every minimum that counts (issue 12): the global minima found on Himmelblau,
 * declared targets and x*, per-target counts, finals outside the domain, and the default domain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultDomain, resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { countSuccess } from '../../src/engine/success';
import type { RunConfigInput } from '../../src/engine/types';

const cfg = (input: Partial<RunConfigInput>, dim = 2) => resolveConfig({ function: 'f', ...input } as RunConfigInput, { dim });

const himmelblau = (p: Float64Array) => (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2;
const himmelblauGrad = (p: Float64Array, out: Float64Array) => {
  const a = p[0] ** 2 + p[1] - 11;
  const b = p[0] + p[1] ** 2 - 7;
  out[0] = 4 * p[0] * a + 2 * b;
  out[1] = 2 * a + 4 * p[1] * b;
};
/** Himmelblau's four minima (f = 0): (3, 2) exactly, the others to the digits published. */
const MINIMA = [
  [3, 2],
  [-2.805118, 3.131312],
  [-3.77931, -3.283186],
  [3.584428, -1.848126],
];

test('Himmelblau without x* or targets: its four global minima are found, and success counts at any of them', () => {
  const config = cfg({
    trials: 60,
    seed: 'h',
    domain: { low: [-5, -5], high: [5, 5] },
    resolution: 81,
    stages: [{ lr: 0.002, radius: 0.1, steps: 400, noise: 'uniform' }],
  });
  const r = runExperiment(himmelblau, himmelblauGrad, config);
  const d = r.diagnostics;
  assert.equal(d.targetsSource, 'found');
  assert.equal(d.targets.length, 4);
  for (const m of MINIMA) {
    const near = d.targets.filter((t) => Math.hypot(t[0] - m[0], t[1] - m[1]) < 1e-5);
    assert.equal(near.length, 1, `one target at (${m}); targets ${JSON.stringify(d.targets)}`);
  }
  // 5% of the domain's diameter 10√2.
  assert.ok(Math.abs(d.successRadius - 0.05 * Math.hypot(10, 10)) < 1e-12);
  // Brute force against the published minima: every final near one of them is a success, counted there.
  for (const [i, m] of r.methods.entries()) {
    const perMinimum = MINIMA.map(() => 0);
    m.finals.forEach((y, k) => {
      if (m.divergedMask[k]) return;
      const j = MINIMA.findIndex((q) => Math.hypot(y[0] - q[0], y[1] - q[1]) <= d.successRadius);
      if (j >= 0) perMinimum[j]++;
    });
    const order = MINIMA.map((q) => d.targets.findIndex((t) => Math.hypot(t[0] - q[0], t[1] - q[1]) < 1e-5));
    assert.deepEqual(
      order.map((t) => m.perTarget[t]),
      perMinimum,
    );
    assert.equal(
      m.success,
      perMinimum.reduce((a, b) => a + b, 0),
    );
    assert.equal(d.methods[i].success, m.success);
  }
  // Gradient descent from 60 starts in [-5, 5]² ends at one of the four minima nearly always.
  assert.ok(r.gd!.finals.length === 60 && d.successGd >= 55, `GD ${d.successGd}/60`);
});

test('declared targets and a declared x*: they are what success is measured against', () => {
  const base = {
    trials: 30,
    seed: 't',
    domain: { low: [-5, -5], high: [5, 5] },
    resolution: 41,
    stages: [{ lr: 0.002, radius: 0, steps: 300, noise: 'none' as const }],
  };
  const declared = runExperiment(himmelblau, himmelblauGrad, cfg({ ...base, targets: [[3, 2]] }));
  assert.equal(declared.diagnostics.targetsSource, 'declared');
  assert.deepEqual(declared.diagnostics.targets, [[3, 2]]);
  const near32 = declared.sgd.finals.filter((y) => Math.hypot(y[0] - 3, y[1] - 2) <= declared.diagnostics.successRadius).length;
  assert.equal(declared.diagnostics.successSgd, near32);
  assert.deepEqual(declared.methods[0].perTarget, [near32]);

  const withStar = runExperiment(himmelblau, himmelblauGrad, cfg({ ...base, xStar: [3, 2] }));
  assert.equal(withStar.diagnostics.targetsSource, 'x-star');
  assert.deepEqual(withStar.diagnostics.targets, [[3, 2]]);
  assert.equal(withStar.diagnostics.xStarTarget, 0);
  assert.equal(withStar.diagnostics.successSgd, near32);
});

test('finals outside the domain are counted, not dropped; successes are counted at their nearest target', () => {
  const domain = { low: [-1, -1], high: [1, 1] };
  const finals = [
    [0, 0],
    [1.5, 0], // outside, near target 1
    [0.98, 0.02],
    [-2, -2], // outside, no target
    [1, 1], // on the edge: inside
    [0.5, 0.5], // diverged: neither
  ];
  const diverged = [false, false, false, false, false, true];
  const s = countSuccess(
    finals,
    diverged,
    [
      [0, 0],
      [1.4, 0],
      [1, 0],
    ],
    0.2,
    domain,
  );
  assert.deepEqual(s, { success: 3, successRate: 0.5, perTarget: [1, 1, 1], outside: 2 });
});

test('the default domain: the start boxes grown by 10% of their width, and to hold declared points', () => {
  assert.deepEqual(
    defaultDomain(
      [
        { low: [0, -1], high: [2, 1] },
        { low: [1, -3], high: [2, 0] },
      ],
      [],
    ),
    { low: [-0.2, -3.4], high: [2.2, 1.4] },
  );
  // x* at 3 lies beyond the box's edge 2.2: the domain reaches 3 + half the margin.
  const d = defaultDomain([{ low: [0], high: [2] }], [[3]]);
  assert.ok(Math.abs(d.low[0] + 0.2) < 1e-15 && Math.abs(d.high[0] - 3.1) < 1e-15);
  const c = cfg({ init: { low: [0, 0], high: [1, 1] }, xStar: [0.5, 0.5] });
  assert.deepEqual(c.domain, { low: [-0.1, -0.1], high: [1.1, 1.1] });
  assert.deepEqual(c.init, { low: [0, 0], high: [1, 1] });
  // A declared domain is kept as is.
  assert.deepEqual(cfg({ domain: { low: [-1, -1], high: [1, 1] } }).domain, { low: [-1, -1], high: [1, 1] });
});
