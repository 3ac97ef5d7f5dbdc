/**
 * A run's methods beyond the engine (issue 12): the CSV export, the output-channel lines and
 * the view the webviews get.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { resultToCsv } from '../../src/extension/runStore';
import { resultLines } from '../../src/extension/runLog';
import { toViewResult } from '../../src/extension/viewModel';
import type { RunConfigInput } from '../../src/engine/types';

const bowl = (x: Float64Array) => x[0] * x[0];
const config = resolveConfig(
  {
    function: 'bowl',
    trials: 3,
    seed: 'h',
    resolution: 41,
    xStar: [0],
    stages: [{ lr: 0.1, radius: 0.05, steps: 50, noise: 'uniform' }],
    methods: [{ name: 'SGD' }, { name: 'heavy, ball "β 0.9"', optimizer: { kind: 'momentum' } }, { name: 'GD', noise: 'none' }],
  } as RunConfigInput,
  { dim: 1 },
);
const result = runExperiment(bowl, (x, out) => void (out[0] = 2 * x[0]), config);

test('CSV: one row per trial and method, names quoted as CSV needs, which point each final is', () => {
  const lines = resultToCsv(result).trimEnd().split('\n');
  assert.equal(lines[0], 'method,trial,start_1,final_1,f_final,diverged,final_point');
  assert.equal(lines.length, 1 + 3 * 3);
  const rows = lines.slice(1);
  const names = ['sgd', '"heavy, ball ""β 0.9"""', 'gd'];
  const points = ['y_T', 'x_T', 'y_T'];
  rows.forEach((r, i) => {
    const method = Math.floor(i / 3);
    assert.ok(r.startsWith(`${names[method]},${i % 3},`) && r.endsWith(`,${points[method]}`), r);
  });
  const momentum = result.methods[1];
  assert.equal(rows[3], `"heavy, ball ""β 0.9""",0,${momentum.starts[0][0]},${momentum.finals[0][0]},${momentum.finalLoss[0]},false,x_T`);
});

test('output lines: every method with its success; the view carries the methods, sharing the pair’s arrays', () => {
  const lines = resultLines(result);
  const m = result.methods;
  assert.deepEqual(lines.slice(-3), [
    `  SGD (sgd): success ${m[0].success}/3, diverged 0`,
    `  heavy, ball "β 0.9" (momentum): success ${m[1].success}/3, diverged 0`,
    `  GD (sgd): success ${m[2].success}/3, diverged 0`,
  ]);
  const view = toViewResult(result, 'r1');
  assert.deepEqual(
    view.methods!.map((v) => [v.name, v.role, v.optimizer.kind, v.finalsAre, v.success]),
    [
      ['SGD', 'sgd', 'sgd', 'y_T', m[0].success],
      ['heavy, ball "β 0.9"', undefined, 'momentum', 'x_T', m[1].success],
      ['GD', 'gd', 'sgd', 'y_T', m[2].success],
    ],
  );
  assert.equal(view.methods![0].finals, view.sgd.finals);
  assert.equal(view.methods![2].finals, view.gd!.finals);
  assert.equal((view.methods![1] as Record<string, unknown>).checkpoints, undefined, 'per-trial checkpoints stay on the host');
});
