/** RESULT.json version 3: each method's trials written once; every version read back whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { RESULT_VERSION, fromResultFile, toResultFile } from '../../src/engine/resultFile';
import type { ExperimentResult, RunConfigInput } from '../../src/engine/types';

const bowl = (x: Float64Array) => (x[0] - 1) ** 2 + 2 * (x[1] + 0.5) ** 2 + 0.3 * Math.sin(5 * x[0]);

function run(input: Partial<RunConfigInput> = {}): ExperimentResult {
  const config = resolveConfig(
    {
      function: 'bowl',
      seed: 4,
      trials: 6,
      resolution: 11,
      sampleTrajectories: 2,
      checkpoints: 5,
      stages: [{ lr: 0.05, radius: 0.2, steps: 40, noise: 'uniform' }],
      ...input,
    } as RunConfigInput,
    { dim: 2 },
  );
  return runExperiment(bowl, undefined, config);
}

/** The JSON text as written, and parsed back (NaN → null as any JSON). */
const written = (r: ExperimentResult) => JSON.stringify(toResultFile(r));
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as ExperimentResult;

test('version 3 writes each method once: no top-level sgd, gd or finals', () => {
  const r = run({
    methods: [{ name: 'GD', noise: 'none' }, { name: 'SGD' }, { name: 'Momentum', optimizer: { kind: 'momentum', beta: 0.9 } }],
  });
  assert.equal(RESULT_VERSION, 3);
  const file = JSON.parse(written(r)) as Record<string, unknown>;
  assert.equal(file.version, 3);
  for (const k of ['sgd', 'gd', 'finals']) assert.equal(k in file, false, k);
  // Each trial array once per method: as many `"finals":`, `"starts":` … as methods.
  const text = written(r);
  for (const key of ['finals', 'finalX', 'finalLoss', 'divergedMask', 'starts', 'stageFinals', 'paths', 'stochasticGradNorm']) {
    assert.equal(text.split(`"${key}":`).length - 1, 3, key);
  }
  // The roles say which methods `sgd` and `gd` were (GD first in the list here).
  assert.deepEqual(
    (file.methods as Array<{ name: string; role?: string }>).map((m) => [m.name, m.role]),
    [
      ['GD', 'gd'],
      ['SGD', 'sgd'],
      ['Momentum', undefined],
    ],
  );
  // Nothing else is lost: the file is the result but for the three copies.
  const { sgd: _s, gd: _g, finals: _f, ...rest } = r;
  assert.deepEqual(file, plain({ ...rest, version: 3 }));
});

test('reading version 3 restores sgd, gd and finals as the methods of those roles', () => {
  const r = run({ methods: [{ name: 'GD', noise: 'none' }, { name: 'SGD' }] });
  const back = fromResultFile(JSON.parse(written(r)));
  assert.equal(back.sgd, back.methods[1], 'sgd is the method, not a copy');
  assert.equal(back.gd, back.methods[0]);
  assert.equal(back.finals, back.methods[1].finals);
  assert.deepEqual(back, plain(r));
  // Without GD: no `gd`.
  const alone = fromResultFile(JSON.parse(written(run({ compareGd: false }))));
  assert.equal(alone.gd, undefined);
  assert.equal(alone.sgd, alone.methods[0]);
});

test('versions 1 and 2 (with the copies) and runs stored before methods existed read as they were', () => {
  const r = run();
  const v2 = plain({ ...r, version: 2 });
  const back = fromResultFile(v2);
  assert.equal(back, v2, 'returned as it is');
  assert.notEqual(back.sgd, back.methods[0], 'its own copy, as written');
  assert.deepEqual(back.sgd, plain(r.sgd));
  // Before methods: only `sgd` and `gd`; written back as they are (nothing to restore them from).
  const { methods: _m, ...old } = plain({ ...r, version: 1 });
  const oldResult = old as unknown as ExperimentResult;
  assert.equal(toResultFile(oldResult), oldResult);
  assert.equal(fromResultFile(oldResult), oldResult);
});

test('a version 3 file without methods is not a result', () => {
  const { sgd: _s, gd: _g, finals: _f, methods: _m, ...rest } = run();
  assert.throws(() => fromResultFile({ ...rest, methods: [] }), /version 3 without `methods`/);
});

test('a file from before the noise-model trials ran for any d: landscapes.trials is read as gradientNoise.modelTrials', () => {
  const trials = { trials: 2, minibatch: 1, anisotropic: 2, isotropic: 0, anisotropicFinals: [[0, 1]], isotropicFinals: [[1, 0]] };
  const file = plain(run());
  file.diagnostics.gradientNoise = {
    landscapes: { disagreement: { maxAbs: 0 }, trials },
  } as unknown as NonNullable<ExperimentResult['diagnostics']['gradientNoise']>;
  const read = fromResultFile(file);
  assert.deepEqual(read.diagnostics.gradientNoise!.modelTrials, trials);
  assert.equal('trials' in read.diagnostics.gradientNoise!.landscapes!, false);
});
