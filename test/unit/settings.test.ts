import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  SettingsError,
  buildRunInput,
  displaySettings,
  parseSettings,
  runnerLimits,
} from '../../src/extension/settings';
import { mergeRunInputs, resolveConfig } from '../../src/engine/config';
import { editedFields } from '../../webview/sidebar/settings';

test('defaults: the documented values, one per setting', () => {
  assert.deepEqual(parseSettings({}), {
    lr: 0.01,
    radius: 0.3,
    noise: 'uniform',
    steps: 1000,
    trials: 100,
    seed: '1',
    dim: 2,
    schedule: [],
    decay: { kind: 'constant' },
    resolution: 0,
    workers: 0,
    timeLimitSeconds: 600,
    stallSeconds: 10,
    memoryLimitMb: 1024,
    watch: false,
    compareGd: true,
  });
  assert.deepEqual(parseSettings({}), DEFAULT_SETTINGS);
  assert.deepEqual([...SETTING_KEYS].sort(), Object.keys(DEFAULT_SETTINGS).sort());
});

test('parseSettings: each bad value names the setting and its range, exactly', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ lr: 0 }, 'sgdLandscape.lr: must be a number in (0, 1000000], got 0'],
    [{ lr: Number.NaN }, 'sgdLandscape.lr: must be a number in (0, 1000000], got NaN'],
    [{ radius: -0.1 }, 'sgdLandscape.radius: must be a number in [0, 1000000], got -0.1'],
    [{ trials: 0 }, 'sgdLandscape.trials: must be an integer in [1, 100000], got 0'],
    [{ trials: 100_001 }, 'sgdLandscape.trials: must be an integer in [1, 100000], got 100001'],
    [{ steps: 2.5 }, 'sgdLandscape.steps: must be an integer in [1, 10000000], got 2.5'],
    [{ noise: 'laplace' }, 'sgdLandscape.noise: must be one of uniform, gaussian, cube, none, minibatch; got "laplace"'],
    [
      { noise: 'gausian' },
      'sgdLandscape.noise: must be one of uniform, gaussian, cube, none, minibatch; got "gausian" (did you mean gaussian?)',
    ],
    [{ resolution: 2 }, 'sgdLandscape.resolution: must be 0 (automatic: 601 in 1-D, 201 otherwise) or an integer in [3, 2001], got 2'],
    [{ stallSeconds: 0 }, 'sgdLandscape.stallSeconds: must be a number in [0.1, 3600], got 0'],
    [{ timeLimitSeconds: 2147484 }, 'sgdLandscape.timeLimitSeconds: must be 0 (no limit) or a number in [1, 86400], got 2147484'],
    [{ workers: 65 }, 'sgdLandscape.workers: must be 0 (one per CPU core) or an integer in [1, 64], got 65'],
    [{ memoryLimitMb: 16 }, 'sgdLandscape.memoryLimitMb: must be an integer in [32, 65536], got 16'],
    [{ watch: 'yes' }, 'sgdLandscape.watch: must be true or false, got "yes"'],
    [{ schedule: {} }, 'sgdLandscape.schedule: must be a non-empty list of at most 64 stages, got {}'],
    [{ schedule: [3] }, 'sgdLandscape.schedule[0]: must be an object { "lr", "radius", "steps", "noise", "init"?, "decay"? }, got 3'],
    [{ schedule: [{ lr: 0.1 }, { lr: -1 }] }, 'sgdLandscape.schedule[1].lr: must be a number in (0, 1000000], got -1'],
    [{ schedule: [{ stpes: 1 }] }, 'unknown setting sgdLandscape.schedule[0].stpes; did you mean steps?'],
    [
      { decay: 'cosine' },
      'sgdLandscape.decay: must be an object with a "kind": one of constant, step, exponential, cosine, inverse; got "cosine"',
    ],
    [{ seed: {} }, 'sgdLandscape.seed: must be a string of 1 to 200 characters or a finite number, got {}'],
  ];
  for (const [raw, message] of cases) {
    assert.throws(
      () => parseSettings(raw),
      (e: unknown) => e instanceof SettingsError && e.message === message,
      `${JSON.stringify(raw)} → ${message}`,
    );
  }
  assert.equal(parseSettings({ seed: 42 }).seed, '42');
  assert.equal(parseSettings({ timeLimitSeconds: 0 }).timeLimitSeconds, 0, '0 = no limit');
});

test('parseSettings reports every bad setting at once', () => {
  assert.throws(
    () => parseSettings({ lr: -1, trials: 0, watch: 1 }),
    (e: unknown) =>
      e instanceof SettingsError &&
      e.setting === 'sgdLandscape.lr' &&
      e.problems.length === 3 &&
      e.message ===
        'sgdLandscape.lr: must be a number in (0, 1000000], got -1\n' +
          'sgdLandscape.trials: must be an integer in [1, 100000], got 0\n' +
          'sgdLandscape.watch: must be true or false, got 1',
  );
});

test('runner limits: seconds to ms, 0 workers = all cores', () => {
  assert.deepEqual(runnerLimits(parseSettings({ stallSeconds: 2.5, timeLimitSeconds: 30, memoryLimitMb: 256 })), {
    timeLimitMs: 30000,
    stallMs: 2500,
    memoryLimitMb: 256,
  });
  assert.equal(runnerLimits(parseSettings({ workers: 3 })).workers, 3);
});

test('settings < file defaults < overrides, resolved by the engine', () => {
  const settings = parseSettings({ lr: 0.05, radius: 0.2, steps: 300, trials: 40, seed: 'a', noise: 'gaussian', compareGd: false });
  const input = buildRunInput({
    exportName: 'f',
    argStyle: 'scalars',
    settings,
    options: { defaults: { trials: 20, seed: 'file' } },
    overrides: { seed: 'panel', radius: 0.6 },
  });
  const cfg = resolveConfig(input, { dim: 1 });
  assert.equal(cfg.function, 'f');
  assert.equal(cfg.trials, 20, 'file default beats settings');
  assert.equal(cfg.seed, 'panel', 'override beats file default');
  assert.equal(cfg.compareGd, false);
  assert.deepEqual(cfg.stages, [{ lr: 0.05, radius: 0.6, steps: 300, noise: 'gaussian' }]);
  assert.equal(cfg.dim, 1);
});

test('schedule from settings overrides flat lr/radius/steps/noise; a file schedule replaces it', () => {
  const settings = parseSettings({
    lr: 0.01,
    radius: 0.3,
    steps: 100,
    schedule: [
      { lr: 0.1, radius: 0.3, steps: 500 },
      { lr: 0.1, radius: 0.05, steps: 200, init: { low: [-0.5], high: [0.5] } },
    ],
  });
  const a = resolveConfig(buildRunInput({ exportName: 'f', argStyle: 'scalars', settings }), { dim: 1 });
  assert.deepEqual(
    a.stages.map((s) => [s.lr, s.radius, s.steps, s.noise]),
    [
      [0.1, 0.3, 500, 'uniform'],
      [0.1, 0.05, 200, 'uniform'],
    ],
  );
  assert.deepEqual(a.stages[1].init, { low: [-0.5], high: [0.5] });

  const fileStages = { defaults: { stages: [{ radius: 0.15, steps: 50 }, { radius: 0.01 }] } };
  const b = resolveConfig(buildRunInput({ exportName: 'f', argStyle: 'scalars', settings, options: fileStages }), { dim: 1 });
  assert.deepEqual(
    b.stages.map((s) => [s.lr, s.radius, s.steps]),
    [
      [0.01, 0.15, 50],
      [0.01, 0.01, 100],
    ],
    'open stage fields come from the flat settings',
  );

  // A flat override (e.g. the side panel's lr) sets that field in every stage.
  const c = mergeRunInputs([
    {
      stages: [
        { lr: 1, radius: 0.3 },
        { lr: 1, radius: 0.1 },
      ],
    },
    { lr: 0.02 },
  ]);
  assert.deepEqual(c.stages, [
    { lr: 0.02, radius: 0.3 },
    { lr: 0.02, radius: 0.1 },
  ]);
  // noise 'none' without a radius means radius 0.
  assert.deepEqual(mergeRunInputs([{ noise: 'none', lr: 0.1 }]).stages, [{ noise: 'none', lr: 0.1, radius: 0 }]);
});

test('dim: settings only for array losses; Options.dim beats settings; a wrong dim for a scalar loss is an error', () => {
  const settings = parseSettings({ dim: 4 });
  assert.equal(resolveConfig(buildRunInput({ exportName: 'f', argStyle: 'array', settings }), {}).dim, 4);
  assert.equal(resolveConfig(buildRunInput({ exportName: 'f', argStyle: 'array', settings, options: { dim: 7 } }), {}).dim, 7);
  assert.equal(resolveConfig(buildRunInput({ exportName: 'f', argStyle: 'scalars', settings }), { dim: 2 }).dim, 2);
  assert.throws(
    () => resolveConfig(buildRunInput({ exportName: 'f', argStyle: 'scalars', settings, overrides: { dim: 3 } }), { dim: 2 }),
    /dim: the function takes 2 number parameters/,
  );
});

test('side panel: only edited fields are overrides, so echoing the shown values keeps a schedule', () => {
  const settings = parseSettings({
    schedule: [
      { lr: 0.1, radius: 0.3, steps: 10 },
      { lr: 0.1, radius: 0.05, steps: 10 },
    ],
  });
  const effective = buildRunInput({ exportName: 'f', argStyle: 'scalars', settings });
  const shown = displaySettings(effective);
  assert.equal(shown.radius, 0.3);
  const echo = editedFields(shown, { ...shown });
  assert.deepEqual(echo, {});
  const edited = editedFields(shown, { ...shown, trials: 7, lr: 0.2 });
  assert.deepEqual(edited, { trials: 7, lr: 0.2 });
  const cfg = resolveConfig(buildRunInput({ exportName: 'f', argStyle: 'scalars', settings, overrides: edited }), { dim: 1 });
  assert.deepEqual(
    cfg.stages.map((s) => [s.lr, s.radius]),
    [
      [0.2, 0.3],
      [0.2, 0.05],
    ],
  );
  assert.equal(cfg.trials, 7);
});
