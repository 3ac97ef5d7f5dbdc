/**
 * The result's size budget (issue 8): the count worked out from the settings against the numbers
 * a real result holds, counted in its RESULT.json form (every number, flag and null, copies
 * included), part by part; and the largest fitting value it suggests, at the budget's edge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { RESULT_NUMBERS_MAX, largestFitting, resultBudgetProblem, resultSize } from '../../src/engine/resultBudget';
import type { RunConfigInput } from '../../src/engine/types';

/** Numbers, booleans and nulls (non-finite numbers) in a JSON value: what RESULT.json writes. */
function count(v: unknown): number {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return 1;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + count(x), 0);
  if (typeof v === 'object') return Object.values(v as object).reduce((s: number, x) => s + count(x), 0);
  return 0;
}

type Json = Record<string, any>;

/** The parts of a written result, counted by field. */
function measured(r: Json) {
  const methodLike = [...r.methods, r.sgd, ...(r.gd ? [r.gd] : [])] as Json[];
  const sum = (f: (m: Json) => unknown[]) => methodLike.reduce((s, m) => s + f(m).reduce((t: number, x) => t + count(x), 0), 0);
  return {
    trials: sum((m) => [m.finals, m.finalX, m.starts, m.stageFinals, m.finalLoss, m.divergedMask]) + count(r.finals),
    checkpoints: sum((m) => [m.checkpoints, m.stochasticGradNorm]),
    paths: sum((m) => [m.paths]),
    landscape:
      count(r.landscape.x) +
      count(r.landscape.y ?? []) +
      count(r.landscape.f) +
      count(r.landscape.smoothed.map((s: Json) => [s.values, s.stdError ?? []])) +
      count(r.diagnostics.convexity.map((c: Json) => c.values)),
  };
}

const square = (x: Float64Array) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
};

const CASES: Array<{ name: string; dim: number; input: RunConfigInput }> = [
  {
    name: '1-D, SGD and GD, one stage',
    dim: 1,
    input: { trials: 7, steps: 30, checkpoints: 5, sampleTrajectories: 3, trajectoryPoints: 9 },
  },
  {
    name: '2-D, two stages (one without noise), more paths asked than trials, more checkpoints than steps',
    dim: 2,
    input: {
      trials: 4,
      sampleTrajectories: 10,
      trajectoryPoints: 50,
      checkpoints: 40,
      resolution: 9,
      stages: [
        { lr: 0.05, radius: 0.1, steps: 12, noise: 'gaussian' },
        { lr: 0.05, radius: 0, steps: 8, noise: 'none' },
      ],
    },
  },
  {
    name: '3-D slices, three methods without GD',
    dim: 3,
    input: {
      trials: 5,
      steps: 25,
      checkpoints: 6,
      sampleTrajectories: 2,
      trajectoryPoints: 7,
      resolution: 11,
      slices: 2,
      compareGd: false,
      methods: [{ name: 'SGD' }, { name: 'Adam', optimizer: { kind: 'adam' } }, { name: 'heavy', optimizer: { kind: 'momentum' } }],
    },
  },
];

for (const c of CASES) {
  test(`result size: each part as counted in a real result (${c.name})`, () => {
    const config = resolveConfig({ function: 'f', seed: 's', init: { low: -1, high: 1 }, ...c.input } as RunConfigInput, { dim: c.dim });
    const json = JSON.parse(JSON.stringify(runExperiment(square, undefined, config))) as Json;
    const size = resultSize(config);
    const part = (s: string) => size.parts.find((p) => p.setting === s)!.numbers;
    const got = measured(json);
    // No trial of x·x diverges at these steps, so the paths are whole and every count is exact.
    assert.equal(got.trials, part('trials'), 'per-trial data');
    assert.equal(got.checkpoints, part('checkpoints'), 'checkpoints');
    assert.equal(got.paths, part('trajectoryPoints'), 'paths');
    assert.equal(got.landscape, part('resolution'), 'landscape maps');
    // The rest (histograms, statistics, settings) is small and bounded by the total.
    assert.ok(count(json) <= size.total, `${count(json)} numbers written, ${size.total} budgeted`);
  });
}

test('result budget: the suggested largest value fits and one more does not; a run within it has no problem', () => {
  const config = resolveConfig({ function: 'f', trials: 100_000, steps: 1000, checkpoints: 50 }, { dim: 20 });
  const trials = largestFitting(config, 'trials', 1)!;
  assert.ok(resultSize({ ...config, trials }).total <= RESULT_NUMBERS_MAX);
  assert.ok(resultSize({ ...config, trials: trials + 1 }).total > RESULT_NUMBERS_MAX);
  const problem = resultBudgetProblem(config)!;
  assert.equal(problem.setting, 'trials');
  assert.match(problem.message, new RegExp(`trials at most ${trials.toLocaleString('en-US')}\\b`));
  assert.equal(resultBudgetProblem({ ...config, trials }), undefined);
  // The defaults are far inside it.
  assert.ok(resultSize(resolveConfig({ function: 'f' }, { dim: 2 })).total < RESULT_NUMBERS_MAX / 20);
});
