/**
 * Sweeps: the Wilson interval against hand-computed values, SWEEP.json's checks, the grid and
 * shards, and the command-line contract (needs `npm run build`): a cell's counts equal
 * `sgd-landscape run` with that cell's settings and seed, and merged shards equal the whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellConfig, resolveSweep, shardRange, sweepPoints, wilsonInterval, type SweepResult } from '../../src/engine/sweep';
import { resolveConfig } from '../../src/engine/config';
import { SWEEP_FIELD } from '../../src/engine/settingsSchema';
import { Problems, checkSweep } from '../../src/engine/settingsValidate';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'sgd-sweep-'));
const sh = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

test('Wilson 95% interval: published values and the quadratic it solves', () => {
  // Wilson (1927) for n = 10, as tabulated (e.g. Newcombe 1998, Table I): 0/10, 5/10, 8/10.
  const table: Array<[number, number, number, number]> = [
    [0, 10, 0, 0.2775],
    [5, 10, 0.2366, 0.7634],
    [8, 10, 0.4902, 0.9433],
    [10, 10, 0.7225, 1],
  ];
  for (const [k, n, lo, hi] of table) {
    const [a, b] = wilsonInterval(k, n);
    assert.ok(Math.abs(a - lo) < 5e-5 && Math.abs(b - hi) < 5e-5, `${k}/${n}: [${a}, ${b}], expected [${lo}, ${hi}]`);
  }
  // The ends are the roots of (p̂ − p)² = z² p (1 − p) / n, solved here by the quadratic formula.
  const z = 1.959963984540054;
  for (const [k, n] of [
    [3, 17],
    [40, 100],
    [1, 2000],
  ]) {
    const ph = k / n;
    const A = 1 + (z * z) / n;
    const B = -(2 * ph + (z * z) / n);
    const C = ph * ph;
    const disc = Math.sqrt(B * B - 4 * A * C);
    const [a, b] = wilsonInterval(k, n);
    assert.ok(Math.abs(a - (-B - disc) / (2 * A)) < 1e-12, `${k}/${n} low`);
    assert.ok(Math.abs(b - (-B + disc) / (2 * A)) < 1e-12, `${k}/${n} high`);
  }
});

test('SWEEP.json sweep: checked against the settings table, every problem named', () => {
  const problems = (v: unknown) => {
    const p = new Problems();
    const grid = checkSweep(p, v, SWEEP_FIELD, 'sweep');
    return { grid, lines: p.list.map((x) => `${x.setting}: ${x.message}`) };
  };
  assert.deepEqual(problems({ radius: [0, 0.5], lr: [0.1] }).grid, { radius: [0, 0.5], lr: [0.1] });
  assert.deepEqual(problems({ radius: [-1, 0.5, 0.5], lrr: [1] }).lines, [
    'sweep.lrr: unknown setting sweep.lrr; did you mean lr?',
    'sweep.radius[0]: must be a number in [0, 1000000], got -1',
    'sweep.radius[2]: repeats 0.5 (already sweep.radius[1]); every value of an axis is one column or row of the grid',
  ]);
  assert.match(problems({ lr: [] }).lines[0], /^sweep\.lr: must be a list of 1 to 64 values, got 0 values$/);
  assert.match(problems({ lr: [0.1], steps: [10], trials: [5] }).lines[0], /^sweep: takes steps or trials as its third axis, not both$/);
  assert.match(problems({ allStages: true }).lines[0], /^sweep: needs at least one axis/);
  assert.match(problems({ lr: [0.1], allStages: 'yes' }).lines[0], /^sweep\.allStages: must be true or false, got "yes"$/);
  const many = Array.from({ length: 64 }, (_, i) => (i + 1) / 100);
  assert.match(problems({ radius: many, lr: many, steps: [1, 2] }).lines[0], /^sweep: has 8192 cells; at most 4096/);
});

test('the grid: cell order, shards, and allStages scaling the later stages', () => {
  const base = resolveConfig(
    {
      function: 'f',
      dim: 1,
      trials: 5,
      seed: 'x',
      stages: [
        { lr: 0.1, radius: 0.4, steps: 100, noise: 'uniform' },
        { lr: 0.02, radius: 0.1, steps: 30, noise: 'gaussian' },
      ],
    },
    {},
  );
  const config = resolveSweep(base, { radius: [0.2, 0.8], lr: [0.05, 0.1, 0.2], allStages: true });
  const points = sweepPoints(config);
  assert.deepEqual(
    points.map((p) => [p.lr, p.radius]),
    [
      [0.05, 0.2],
      [0.05, 0.8],
      [0.1, 0.2],
      [0.1, 0.8],
      [0.2, 0.2],
      [0.2, 0.8],
    ],
  );
  const cell = cellConfig(config, points[5]);
  assert.deepEqual(cell.stages[0], { lr: 0.2, radius: 0.8, steps: 100, noise: 'uniform' });
  assert.deepEqual(cell.stages[1], { lr: 0.04, radius: 0.2, steps: 30, noise: 'gaussian' });
  assert.equal('sweep' in cell, false);
  const kept = cellConfig(resolveSweep(base, { radius: [0.2], lr: [0.2] }), { lr: 0.2, radius: 0.2, steps: 100, trials: 5 });
  assert.deepEqual(kept.stages[1], base.stages[1]);
  // 10 cells in 4 shards: contiguous, every cell once, sizes within one.
  const ranges = [0, 1, 2, 3].map((k) => shardRange(10, k, 4));
  assert.deepEqual(ranges, [
    [0, 2],
    [2, 5],
    [5, 7],
    [7, 10],
  ]);
  assert.deepEqual(
    [0, 1, 2].map((k) => shardRange(2, k, 3)),
    [
      [0, 0],
      [0, 1],
      [1, 2],
    ],
  );
  const noiseless = resolveConfig({ function: 'f', dim: 1, stages: [{ lr: 0.1, radius: 0, steps: 10, noise: 'none' }] }, {});
  assert.throws(
    () => resolveSweep(noiseless, { radius: [0.1] }),
    /sweep\.radius: sweeps the first stage's noise radius, but that stage has noise "none"/,
  );
  const adam = resolveConfig({ function: 'f', dim: 1, methods: [{ name: 'Adam', optimizer: { kind: 'adam' } }] }, {});
  assert.throws(() => resolveSweep(adam, { lr: [0.1] }), /methods: a sweep runs the paper's SGD in every cell/);
});

// One SWEEP.json for the CLI tests: 1-D, x* from the smoothed minimum, the automatic success
// radius, two stages with allStages, GD compared; 2 radii × 2 lr, small enough for a unit test.
const sweepJson = {
  function: 'rastrigin1d',
  seed: 11,
  trials: 12,
  resolution: 121,
  compareGd: true,
  stages: [
    { lr: 0.01, radius: 0.4, steps: 150, noise: 'uniform' },
    { lr: 0.005, radius: 0.1, steps: 50, noise: 'gaussian' },
  ],
  sweep: { radius: [0.2, 0.6], lr: [0.004, 0.02], allStages: true },
};

test('sgd-landscape sweep: each cell is `sgd-landscape run` with its settings and seed', () => {
  const cfg = write('sweep.json', sweepJson);
  const out = join(dir, 'sweep-result.json');
  const r = sh('sweep', 'examples/rastrigin.ts', '--config', cfg, '--out', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sweep of rastrigin1d: 2 radius × 2 lr, 4 cells/);
  const res: SweepResult = json(out);
  assert.equal(res.version, 1);
  assert.deepEqual(res.axes, { radius: [0.2, 0.6], lr: [0.004, 0.02] });
  assert.deepEqual(res.successRule, { source: 'automatic' });
  assert.equal(res.cells.length, 4);
  for (const k of [
    'lr',
    'radius',
    'trials',
    'success',
    'successRate',
    'interval',
    'gdSuccessRate',
    'diverged',
    'medianDistance',
    'c',
    'conditionHolds',
    'seed',
  ]) {
    assert.ok(k in res.cells[0], `cells have ${k}`);
  }
  // Two cells (one per radius and lr), each re-run through `run` with the cell's stages.
  for (const cell of [res.cells[0], res.cells[3]]) {
    const { sweep: _grid, ...runJson } = sweepJson;
    const scale = { lr: cell.lr / 0.01, radius: cell.radius / 0.4 };
    runJson.stages = [
      { ...sweepJson.stages[0], lr: cell.lr, radius: cell.radius },
      { ...sweepJson.stages[1], lr: 0.005 * scale.lr, radius: 0.1 * scale.radius },
    ];
    const runOut = join(dir, `run-${cell.lr}-${cell.radius}.json`);
    const rr = sh(
      'run',
      'examples/rastrigin.ts',
      '--config',
      write(`config-${cell.lr}-${cell.radius}.json`, runJson),
      '--out',
      runOut,
      '--quiet',
    );
    assert.equal(rr.status, 0, rr.stderr);
    const run = json(runOut);
    const d = run.diagnostics;
    const at = `cell lr ${cell.lr}, radius ${cell.radius}`;
    assert.equal(cell.success, d.successSgd, `${at}: success`);
    assert.equal(cell.gdSuccessRate, d.successGd / 12, `${at}: GD`);
    assert.equal(cell.diverged, run.diverged, `${at}: diverged`);
    assert.equal(cell.successRadius, d.successRadius, `${at}: success radius`);
    assert.deepEqual(cell.xStar, d.xStar, `${at}: x*`);
    assert.equal(cell.c, d.theorem1.find((t: { stage: number }) => t.stage === 0).c, `${at}: c`);
    assert.equal(cell.seed, '11');
    assert.deepEqual(cell.interval, wilsonInterval(d.successSgd, 12));
    assert.equal(d.successRadiusSource === 'domain' || d.successRadiusSource === 'theorem1', true);
  }
});

test('sweep --shard K/N and merge: the merged parts are the whole sweep; bad parts are named', () => {
  const cfg = write('sweep-shards.json', { ...sweepJson, successRadius: 0.25 });
  const whole = join(dir, 'whole.json');
  assert.equal(sh('sweep', 'examples/rastrigin.ts', '--config', cfg, '--out', whole, '--quiet').status, 0);
  const parts = [0, 1, 2].map((k) => {
    const part = join(dir, `part-${k}.json`);
    const r = sh('sweep', 'examples/rastrigin.ts', '--config', cfg, '--shard', `${k}/3`, '--out', part, '--quiet', '--workers', '1');
    assert.equal(r.status, 0, r.stderr);
    return part;
  });
  assert.equal(json(parts[0]).cells.length, 1);
  assert.deepEqual(json(parts[0]).shard, { index: 0, count: 3 });
  const merged = join(dir, 'merged.json');
  const m = sh('merge', ...parts, '--out', merged, '--quiet');
  assert.equal(m.status, 0, m.stderr);
  const strip = ({ timing: _t, ...rest }: SweepResult) => rest;
  const w = json(whole);
  assert.deepEqual(strip(json(merged)), strip(w));
  assert.deepEqual(w.successRule, { source: 'setting', radius: 0.25 });
  assert.equal(json(merged).timing.parts, 3);

  // Missing, repeated, foreign parts: exit 2, each named.
  const missing = sh('merge', parts[0], parts[2], '--out', merged);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /missing shard 1 of 3 \(2 parts given\)/);
  const twice = sh('merge', parts[0], parts[0], parts[1], parts[2], '--out', merged);
  assert.match(twice.stderr, /part-0\.json: shard 0\/3 again \(also .*part-0\.json\)/);
  const other = join(dir, 'other.json');
  const o = sh('sweep', 'examples/rastrigin.ts', '--config', cfg, '--seed', '12', '--shard', '1/3', '--out', other, '--quiet');
  assert.equal(o.status, 0, o.stderr);
  const foreign = sh('merge', parts[0], other, parts[2], '--out', merged);
  assert.match(foreign.stderr, /other\.json: its config differs from .*part-0\.json's at seed; parts must come from the same SWEEP\.json/);
  assert.match(sh('merge', whole, '--out', merged).stderr, /whole\.json: a whole sweep, not a part/);
  assert.match(
    sh('sweep', 'examples/rastrigin.ts', '--config', cfg, '--shard', '3/3', '--out', other).stderr,
    /--shard must be K\/N .* got "3\/3"/,
  );
});

test('sweep: bad SWEEP.json exits 2 naming the setting', () => {
  const bad = write('bad-sweep.json', { ...sweepJson, sweep: { radius: [0.2, -0.1], lr: [0.004] } });
  const r = sh('sweep', 'examples/rastrigin.ts', '--config', bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /invalid setting sweep\.radius\[1\]: must be a number in \[0, 1000000\], got -0\.1/);
  const none = write('no-sweep.json', { function: 'rastrigin1d' });
  assert.match(sh('sweep', 'examples/rastrigin.ts', '--config', none).stderr, /no-sweep\.json has no "sweep"/);
  assert.match(sh('run', 'examples/rastrigin.ts', '--config', bad).stderr, /has a "sweep": run it with sgd-landscape sweep/);
  const eps = write('bad-eps.json', { function: 'rastrigin1d', successRadius: -1 });
  assert.match(
    sh('run', 'examples/rastrigin.ts', '--config', eps).stderr,
    /invalid setting successRadius: must be 0 \(automatic: 5% of the domain diameter, .*\) or a number in \(0, 1000000\], got -1/,
  );
});
