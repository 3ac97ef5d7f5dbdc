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
import { domainSearchBox, minimaForDomain } from '../../src/engine/targets';
import { outsideFinalsText } from '../../src/view/minima';
import { ExperimentRunner } from '../../src/runner/pool';
import { prepareRun } from '../../src/runner/prepare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

// Himmelblau's four global minima (f = 0) as MINIMA above; each checked below by |∇f| there.
const HIMMELBLAU_MINIMA = MINIMA;
const gradAt = (m: readonly number[]) => {
  const out = new Float64Array(2);
  himmelblauGrad(Float64Array.from(m), out);
  return Math.hypot(out[0]!, out[1]!);
};

test('the default domain holds minima found beyond the start box: all four of Himmelblau’s, with the margin', () => {
  for (const m of HIMMELBLAU_MINIMA) assert.ok(gradAt(m) < 1e-3, `oracle ${m} is a critical point`);
  const init = { low: [-3, -3], high: [3, 3] };
  const c = cfg({ init });
  // Without the search, (−3.779, −3.283) lies outside the start box grown by 10%: [−3.6, 3.6]².
  assert.deepEqual(c.domain, { low: [-3.6, -3.6], high: [3.6, 3.6] });
  const search = domainSearchBox([init]);
  assert.deepEqual(search, { low: [-4.5, -4.5], high: [4.5, 4.5] });
  const found = minimaForDomain(himmelblau, undefined, c, search);
  assert.equal(found.length, 4, JSON.stringify(found));
  for (const m of HIMMELBLAU_MINIMA) {
    const near = found.filter((p) => Math.hypot(p[0]! - m[0]!, p[1]! - m[1]!) < 1e-3);
    assert.equal(near.length, 1, `one found minimum at ${m}: ${JSON.stringify(found)}`);
  }
  const domain = defaultDomain([init], found);
  const margin = (0.1 * 6) / 2;
  for (const m of HIMMELBLAU_MINIMA)
    for (let j = 0; j < 2; j++) {
      assert.ok(
        m[j]! - domain.low[j]! >= margin - 1e-3 && domain.high[j]! - m[j]! >= margin - 1e-3,
        `${m} inside ${JSON.stringify(domain)} with margin`,
      );
    }
  // The start box's own margin stays where no minimum lies beyond it.
  assert.equal(domain.high[1], 3.6);
});

test('the search for the default domain finds nothing to add for a bowl, a flat f or d > 2', () => {
  const init = { low: [-3, -3], high: [3, 3] };
  const bowl = minimaForDomain((x) => (x[0]! - 1) ** 2 + x[1]! ** 2, undefined, cfg({ init }), domainSearchBox([init]));
  assert.equal(bowl.length, 1);
  assert.ok(Math.hypot(bowl[0]![0]! - 1, bowl[0]![1]!) < 1e-6, JSON.stringify(bowl));
  assert.deepEqual(defaultDomain([init], bowl), { low: [-3.6, -3.6], high: [3.6, 3.6] }, 'a minimum inside changes nothing');
  assert.deepEqual(
    minimaForDomain(() => 1, undefined, cfg({ init }), domainSearchBox([init])),
    [],
    'flat: no minima',
  );
  const c3 = cfg({}, 3);
  assert.deepEqual(
    minimaForDomain((x) => x[0]! ** 2, undefined, c3, domainSearchBox([c3.init])),
    [],
  );
  // 1-D: the minimum of (x − 3.5)² lies beyond [−3, 3] (3.6 with the margin): found, so the domain reaches 3.5 + 0.3.
  const c1 = cfg({}, 1);
  const one = minimaForDomain((x) => (x[0]! - 3.5) ** 2, undefined, c1, domainSearchBox([c1.init]));
  assert.equal(one.length, 1);
  assert.ok(Math.abs(one[0]![0]! - 3.5) < 1e-6);
  const d1 = defaultDomain([c1.init], one);
  assert.ok(Math.abs(d1.high[0]! - 3.8) < 1e-6 && d1.low[0] === -3.6, JSON.stringify(d1));
});

test('prepareRun: a file without a domain gets the widened default; a declared domain, targets or x* are kept as given', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgd-domain-'));
  const src = join(dir, 'himmelblau.ts');
  writeFileSync(
    src,
    'export function himmelblau(x: number, y: number): number {\n  return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2;\n}\n',
  );
  const runner = new ExperimentRunner({ workerScript: join(__dirname, '..', '..', 'dist', 'worker.js'), workers: 1 });
  try {
    const base = { trials: 4, seed: 'd', stages: [{ lr: 0.002, radius: 0.3, steps: 10, noise: 'uniform' as const }] };
    const p = await prepareRun(runner, src, base, { bundleDir: dir });
    for (const m of HIMMELBLAU_MINIMA)
      assert.ok(
        m.every((v, j) => v - p.config.domain.low[j]! >= 0.29 && p.config.domain.high[j]! - v >= 0.29),
        `${m} inside ${JSON.stringify(p.config.domain)}`,
      );
    assert.deepEqual(p.config.init, { low: [-3, -3], high: [3, 3] });
    const declared = await prepareRun(runner, src, { ...base, domain: { low: [-3, -3], high: [3, 3] } }, { bundleDir: dir });
    assert.deepEqual(declared.config.domain, { low: [-3, -3], high: [3, 3] });
    const withTargets = await prepareRun(runner, src, { ...base, targets: [[3, 2]] }, { bundleDir: dir });
    assert.deepEqual(
      withTargets.config.domain,
      { low: [-3.6, -3.6], high: [3.6, 3.6] },
      'declared targets: success is measured against them alone',
    );
  } finally {
    runner.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Griewank’s example: the finals outside its domain [−3, 3]² sit at the local minima (±π, ±π√2) past its corners, fail, and the words say why', () => {
  // The example's file (domain, x*, gradient) and its suggested lr, radius and steps; fewer trials, a coarser grid.
  const griewank = (p: Float64Array) => 1 + (p[0] ** 2 + p[1] ** 2) / 4000 - Math.cos(p[0]) * Math.cos(p[1] / Math.SQRT2);
  const griewankGrad = (p: Float64Array, out: Float64Array) => {
    out[0] = p[0] / 2000 + Math.sin(p[0]) * Math.cos(p[1] / Math.SQRT2);
    out[1] = p[1] / 2000 + (Math.cos(p[0]) * Math.sin(p[1] / Math.SQRT2)) / Math.SQRT2;
  };
  const config = cfg({
    trials: 40,
    seed: 'griewank',
    resolution: 41,
    domain: { low: [-3, -3], high: [3, 3] },
    xStar: [0, 0],
    stages: [{ lr: 0.557, radius: 0.208, steps: 408 }],
  });
  const r = runExperiment(griewank, griewankGrad, config);
  const d = r.diagnostics;
  // The minima past the corners: cos x · cos(y/√2) = 1 with both cosines −1 (the ‖x‖²/4000 term moves them by < 0.01).
  const corners = [-1, 1].flatMap((sx) => [-1, 1].map((sy) => [sx * Math.PI, sy * Math.PI * Math.SQRT2]));
  const nearestCorner = (p: number[]) => Math.min(...corners.map((c) => Math.hypot(p[0] - c[0], p[1] - c[1])));
  const outside = (p: number[]) => p.some((v) => Math.abs(v) > 3);
  const [sgd, gd] = r.methods;
  for (const m of [sgd, gd]) {
    const kept = m.finals.filter((_, t) => !m.divergedMask[t]);
    const out = kept.filter(outside);
    assert.equal(m.outside, out.length, `${m.name}: outside counted`);
    assert.ok(out.length > 0, `${m.name}: some trials start in the corner basins`);
    // GD stops at those minima; SGD's noise (radius 0.208) keeps it near them.
    for (const p of out) assert.ok(nearestCorner(p) < (m.name === 'GD' ? 0.01 : 0.5), `${m.name} final ${p}`);
    // None is a success: each lies π√3 ≈ 5.4 from x*, far beyond the success radius.
    assert.ok(out.every((p) => Math.hypot(p[0], p[1]) > d.successRadius));
  }
  const words = outsideFinalsText(r.methods, 2, 'domain');
  assert.ok(
    words.startsWith(
      `${sgd.outside + gd.outside} finals outside the domain (SGD ${sgd.outside}, GD ${gd.outside}): the iterates are not kept in the domain (SGD is unconstrained, as in the paper;`,
    ),
    words,
  );
  assert.ok(words.endsWith('They count as every final does: a success only within the success radius of a target.'), words);
  // The panel's words: drawn on the plot's edge in 1-D and 2-D (the d > 2 plane draws every final).
  assert.ok(
    outsideFinalsText(r.methods, 2, 'plot').startsWith(
      `${sgd.outside + gd.outside} finals outside the plot (SGD ${sgd.outside}, GD ${gd.outside}), drawn on its edge: `,
    ),
  );
  const one = outsideFinalsText([{ name: 'SGD', outside: 1 }], 3, 'plot');
  assert.ok(one.startsWith('1 final outside the plot (SGD 1): ') && one.includes(' It counts as every final does'), one);
  assert.equal(outsideFinalsText([{ name: 'SGD', outside: 0 }], 2, 'plot'), '');
});
