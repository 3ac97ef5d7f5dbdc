/**
 * The result's size budget (issue 8): the count worked out from the settings against the numbers
 * a real result holds, counted in the RESULT.json it writes (version 3: every number, flag and null
 * of `toResultFile`'s JSON text), part by part; and the largest fitting value it suggests, at the
 * budget's edge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { RESULT_NUMBERS_MAX, largestFitting, resultBudgetProblem, resultSize } from '../../src/engine/resultBudget';
import { groupThousands } from '../../src/engine/settingsText';
import { toResultFile } from '../../src/engine/resultFile';
import type { RunConfig, RunConfigInput } from '../../src/engine/types';

/** Numbers, booleans and nulls (non-finite numbers) in a JSON value: what RESULT.json writes. */
function count(v: unknown): number {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return 1;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + count(x), 0);
  if (typeof v === 'object') return Object.values(v as object).reduce((s: number, x) => s + count(x), 0);
  return 0;
}

type Json = Record<string, any>;

/** RESULT.json as the CLI and the extension write it, parsed back. */
const written = (r: Parameters<typeof toResultFile>[0]): Json => JSON.parse(JSON.stringify(toResultFile(r))) as Json;

/** The parts of a written result, counted by field. */
function measured(r: Json) {
  assert.equal(r.version, 3);
  assert.ok(!('sgd' in r) && !('gd' in r) && !('finals' in r), 'version 3 writes no copies');
  const methodLike = r.methods as Json[];
  const sum = (f: (m: Json) => unknown[]) => methodLike.reduce((s, m) => s + f(m).reduce((t: number, x) => t + count(x), 0), 0);
  const plane = r.diagnostics.plane as Json | undefined;
  return {
    trials:
      sum((m) => [m.finals, m.finalX, m.starts, m.stageFinals, m.finalLoss, m.divergedMask, m.snapshots]) +
      count(plane?.finals ?? []) +
      count(plane?.modelFinals ?? []) +
      count(
        r.diagnostics.gradientNoise?.modelTrials
          ? [r.diagnostics.gradientNoise.modelTrials.anisotropicFinals, r.diagnostics.gradientNoise.modelTrials.isotropicFinals]
          : [],
      ),
    checkpoints: sum((m) => [m.checkpoints, m.stochasticGradNorm]),
    paths: sum((m) => [m.paths]) + count(plane?.paths ?? []),
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
    const json = written(runExperiment(square, undefined, config));
    const size = resultSize(config);
    const part = (s: string) => size.parts.find((p) => p.setting === s)!.numbers;
    const got = measured(json);
    // No trial of x·x diverges at these steps, so the paths are whole and every count is exact.
    assert.equal(got.trials, part('trials'), 'per-trial data');
    assert.equal(got.checkpoints, part('checkpoints'), 'checkpoints');
    assert.equal(got.paths, part('trajectoryPoints'), 'paths');
    assert.equal(got.landscape, part('resolution'), 'landscape maps');
    if (c.dim > 2) assert.ok(json.diagnostics.plane, 'd > 2 has the plane, counted above (paths, finals) and in the rest (its maps)');
    // The rest (histograms, statistics, settings) is small and bounded by the total.
    assert.ok(count(json) <= size.total, `${count(json)} numbers written, ${size.total} budgeted`);
  });
}

test('result budget: the suggested largest value fits and one more does not; a run within it has no problem', () => {
  const config = resolveConfig({ function: 'f', trials: 100_000, steps: 1000, checkpoints: 50 }, { dim: 30 });
  const trials = largestFitting(config, 'trials', 1)!;
  assert.ok(resultSize({ ...config, trials }).total <= RESULT_NUMBERS_MAX);
  assert.ok(resultSize({ ...config, trials: trials + 1 }).total > RESULT_NUMBERS_MAX);
  const problem = resultBudgetProblem(config)!;
  assert.equal(problem.setting, 'trials');
  assert.match(problem.message, new RegExp(`lower trials from 100,000 to at most ${trials.toLocaleString('en-US')}\\b`));
  assert.equal(resultBudgetProblem({ ...config, trials }), undefined);
  // The defaults are far inside it.
  assert.ok(resultSize(resolveConfig({ function: 'f' }, { dim: 2 })).total < RESULT_NUMBERS_MAX / 20);
});

test('result size: the minibatch gradient noise (C(x*), its spectrum, tr C per checkpoint) as counted in a real result', () => {
  // Least squares on three features (d = 3), eight examples.
  const X = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [1, Math.sin(i), Math.cos(2 * i)]);
  const Y = X.map((x, i) => x[0] - 0.5 * x[1] + 0.25 * x[2] + 0.1 * (i % 3));
  const fs: FiniteSum = {
    n: X.length,
    example: (w, i) => 0.5 * (w[0] * X[i][0] + w[1] * X[i][1] + w[2] * X[i][2] - Y[i]) ** 2,
  };
  const config = resolveConfig(
    {
      function: 'f',
      seed: 'gn',
      trials: 4,
      resolution: 5,
      checkpoints: 7,
      sampleTrajectories: 2,
      trajectoryPoints: 5,
      slices: 1,
      stages: [{ lr: 0.05, steps: 30, noise: 'minibatch', batchSize: 2 }],
    },
    { dim: 3, examples: fs.n },
  );
  const json = written(runExperiment(finiteSumLoss(fs), finiteSumGradient(fs, 0), config));
  assert.ok(json.diagnostics.gradientNoise, 'the result has gradientNoise');
  const part = resultSize(config).parts.find((p) => p.setting === 'dim');
  // The noise models' finals (2 × trials × d) are counted with the trials.
  const mt = json.diagnostics.gradientNoise.modelTrials;
  assert.equal(count(mt.anisotropicFinals) + count(mt.isotropicFinals), 2 * 4 * 3);
  assert.equal(part?.numbers, count(json.diagnostics.gradientNoise) - 2 * 4 * 3);
  // d > 2: the plane carries every final projected to (α, β), the two models' too (2 × 2 × trials), counted with the trials.
  assert.equal(count(json.diagnostics.plane.modelFinals), 2 * 2 * 4);
  assert.equal(measured(json).trials, resultSize(config).parts.find((p) => p.setting === 'trials')!.numbers);
  // Without minibatch noise there is none, and no part for it.
  const plain = resolveConfig({ function: 'f', trials: 2, steps: 5, resolution: 5, slices: 1, radius: 0.1 }, { dim: 3, examples: fs.n });
  assert.equal(
    resultSize(plain).parts.find((p) => p.setting === 'dim'),
    undefined,
  );
});

test('result budget: a covariance of dim × dim over the budget is refused, naming dim', () => {
  const config = resolveConfig(
    { function: 'f', trials: 1, steps: 2, resolution: 3, slices: 1, sampleTrajectories: 0, noise: 'minibatch', batchSize: 1 },
    { dim: 5000, examples: 4 },
  );
  const problem = resultBudgetProblem(config)!;
  assert.equal(problem.setting, 'dim');
  assert.match(problem.message, /of them the minibatch gradient noise's covariance at x\*: 5,000 × 5,000\)/);
  const dim = largestFitting(config, 'dim', 1)!;
  assert.match(problem.message, new RegExp(`lower dim from 5,000 to at most ${dim.toLocaleString('en-US')}$`));
  assert.ok(dim * dim < RESULT_NUMBERS_MAX && (dim + 1) * (dim + 1) > RESULT_NUMBERS_MAX - 1_000_000, `dim ${dim}`);
});

/** Each "lower X from a to at most b" of a message, as [X, b]. */
function lowered(message: string): Array<[string, number]> {
  return [...message.matchAll(/lower (\S+) from [\d,]+ to at most ([\d,]+)/g)].map((m) => [m[1], Number(m[2].replace(/,/g, ''))]);
}

test('result budget at the schema limits: resolution 2001 in 2-D with two radii is refused with every single change that fits, each at its edge', () => {
  const config = resolveConfig(
    {
      function: 'f',
      resolution: 2001,
      stages: [
        { lr: 0.01, radius: 0.3, steps: 100 },
        { lr: 0.01, radius: 0.1, steps: 100 },
      ],
    },
    { dim: 2 },
  );
  const problem = resultBudgetProblem(config)!;
  assert.equal(problem.setting, 'resolution');
  assert.match(problem.message, /of them landscape maps: 5 of 2,001 × 2,001 points\)/);
  const ways = lowered(problem.message);
  assert.deepEqual(
    ways.map((w) => w[0]),
    ['resolution'],
  );
  const [, r] = ways[0];
  assert.equal(resultBudgetProblem({ ...config, resolution: r }), undefined, `resolution ${r} fits`);
  assert.ok(resultBudgetProblem({ ...config, resolution: r + 1 }), `resolution ${r + 1} does not`);
  // One radius: four maps of 2001² fit.
  assert.match(problem.message, /or use one noise radius in the stages \(2 distinct now, each adds a g map and a c\(y\) map\)$/);
  const one: RunConfig = { ...config, stages: config.stages.map((s) => ({ ...s, radius: 0.3 })) };
  assert.equal(resultBudgetProblem(one), undefined);
  // And in 2-D every single setting at its schema maximum, the others at their defaults, either
  // fits or is refused with at least one single change that fits.
  const maxima: RunConfigInput[] = [
    { trials: 100_000 },
    { checkpoints: 10_000 },
    { trajectoryPoints: 100_000, steps: 100_000 },
    { sampleTrajectories: 1000 },
    { resolution: 2001 },
  ];
  for (const m of maxima) {
    const c = resolveConfig({ function: 'f', ...m }, { dim: 2 });
    const p = resultBudgetProblem(c);
    if (!p) continue;
    const fix = lowered(p.message);
    assert.ok(fix.length > 0, `${JSON.stringify(m)}: ${p.message}`);
    for (const [setting, v] of fix)
      assert.equal(resultBudgetProblem({ ...c, [setting]: v }), undefined, `${JSON.stringify(m)}: ${setting} ${v}`);
  }
});

test('the budget names each setting as the user set it: RUN.json, the file with its line, sgdLandscape.*', () => {
  const run = (input: RunConfigInput, ctx: Parameters<typeof resolveConfig>[1]) => {
    try {
      resolveConfig({ function: 'f', ...input }, { dim: 30, limit: resultBudgetProblem, ...ctx });
    } catch (e) {
      return (e as Error).message;
    }
    return 'fits';
  };
  // The CLI: RUN.json's names, the defaults too.
  const cli = run({ trials: 100_000, steps: 10 }, {});
  assert.match(
    cli,
    /^trials: the run's result would hold [\d,]+ numbers \([\d,]+ of them final points, starts and stage finals of 100,000 trials in 30-D/,
  );
  assert.match(
    cli,
    /each of these alone makes it fit: lower trials from 100,000 to at most [\d,]+; or run SGD without GD \(compareGd: false\)$/,
  );
  // The extension (settings as ctx.base): a value from the file's defaults by its path and line,
  // one from the settings by its sgdLandscape name.
  const locate = (p: string) => (p.startsWith('fOptions') ? '/w/f.ts:7' : undefined);
  const fromFile = run({}, { base: { trials: 10, steps: 10 }, options: { defaults: { trials: 100_000 } }, locate });
  assert.match(fromFile, /^fOptions\.defaults\.trials: the run's result would hold /);
  assert.match(
    fromFile,
    /lower fOptions\.defaults\.trials from 100,000 to at most [\d,]+; or run SGD without GD \(sgdLandscape\.compareGd: false\) \(\/w\/f\.ts:7\)$/,
  );
  // A default with no sgdLandscape setting is named where the extension's user sets it: the file's defaults.
  const byDefault = run({ sampleTrajectories: 1000 }, { base: { trials: 1000, steps: 1000 } });
  assert.match(byDefault, /^fOptions\.defaults\.trajectoryPoints: the run's result would hold /);
  assert.match(
    byDefault,
    /lower fOptions\.defaults\.trajectoryPoints from 400 to at most [\d,]+; or lower sampleTrajectories from 1,000 to at most [\d,]+; or lower sgdLandscape\.trials from 1,000 to at most /,
  );
  // Within the budget nothing is said.
  assert.equal(run({ trials: 1000 }, { base: { trials: 100_000 } }), 'fits');
});

test("the budget's messages group thousands as en-US does, without ICU (groupThousands)", () => {
  const values = [0, 7, 12, 999, 1000, 1001, 12345, 999999, 1000000, 1234567, 42_500_000, Number.MAX_SAFE_INTEGER];
  for (const v of [...values, ...values.map((x) => -x)]) assert.equal(groupThousands(v), v.toLocaleString('en-US'), String(v));
  // Not safe integers: as String writes them.
  for (const v of [1.5, NaN, Infinity, 1e21]) assert.equal(groupThousands(v), String(v));
  // The refusal's text through it: the test above matches it against toLocaleString.
});
