import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_SETTINGS,
  NUMBER_SETTINGS,
  NOISE_ENUM,
  SettingsError,
  buildRunInput,
  changedFields,
  displaySettings,
  mergeLayers,
  parseSettings,
  runnerLimits,
} from '../../src/extension/settings';
import { resolveConfig } from '../../src/engine/config';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const props = pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>;

test('package.json settings schema matches the validation table', () => {
  for (const [key, spec] of Object.entries(NUMBER_SETTINGS)) {
    const p = props[`sgdLandscape.${key}`];
    assert.ok(p, key);
    assert.equal(p.type, spec.type, key);
    assert.equal(p.default, spec.default, key);
    assert.equal(p.maximum, spec.maximum, key);
    if (spec.exclusiveMinimum) assert.equal(p.exclusiveMinimum, spec.minimum, key);
    else assert.equal(p.minimum, spec.minimum, key);
    assert.ok(typeof p.markdownDescription === 'string' && p.markdownDescription.length > 10, key);
  }
  assert.deepEqual(props['sgdLandscape.noise'].enum, NOISE_ENUM);
  assert.equal(props['sgdLandscape.noise'].default, DEFAULT_SETTINGS.noise);
  assert.equal(props['sgdLandscape.seed'].default, DEFAULT_SETTINGS.seed);
  assert.equal(props['sgdLandscape.watch'].default, DEFAULT_SETTINGS.watch);
  assert.equal(props['sgdLandscape.compareGd'].default, DEFAULT_SETTINGS.compareGd);
  assert.deepEqual(props['sgdLandscape.schedule'].default, []);
  for (const k of Object.keys(props))
    assert.ok(k === 'sgdLandscape.' + k.slice(13) && k.slice(13) in { ...DEFAULT_SETTINGS }, `unknown setting ${k}`);
});

test('parseSettings: defaults, and each bad value names the setting and its range', () => {
  assert.deepEqual(parseSettings({}), DEFAULT_SETTINGS);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ lr: 0 }, /^sgdLandscape\.lr: must be a number in \(0, 1000000\], got 0$/],
    [{ lr: Number.NaN }, /sgdLandscape\.lr: must be a number/],
    [{ radius: -0.1 }, /sgdLandscape\.radius: must be a number in \[0, 1000000\], got -0\.1/],
    [{ trials: 0 }, /sgdLandscape\.trials: must be an integer in \[1, 100000\]/],
    [{ steps: 2.5 }, /sgdLandscape\.steps: must be an integer/],
    [{ noise: 'laplace' }, /sgdLandscape\.noise: must be one of uniform, gaussian, cube, none/],
    [{ resolution: 2 }, /sgdLandscape\.resolution: must be 0 \(automatic\) or an integer in \[3, 2001\]/],
    [{ stallSeconds: 0 }, /sgdLandscape\.stallSeconds/],
    [{ watch: 'yes' }, /sgdLandscape\.watch: must be true or false/],
    [{ schedule: {} }, /sgdLandscape\.schedule: must be a list/],
    [{ schedule: [3] }, /sgdLandscape\.schedule\[0\]/],
    [{ schedule: [{ lr: 0.1 }, { lr: -1 }] }, /^sgdLandscape\.schedule\[1\]\.lr: must be a number in \(0, 1000000\], got -1$/],
    [{ schedule: [{ steps: 1.5 }] }, /sgdLandscape\.schedule\[0\]\.steps: must be an integer/],
    [{ schedule: [{ noise: 'pink' }] }, /sgdLandscape\.schedule\[0\]\.noise: must be one of/],
    [{ decay: 'cosine' }, /sgdLandscape\.decay/],
    [{ seed: {} }, /sgdLandscape\.seed/],
  ];
  for (const [raw, re] of cases) {
    assert.throws(
      () => parseSettings(raw),
      (e: unknown) => e instanceof SettingsError && re.test(e.message),
      JSON.stringify(raw),
    );
  }
  assert.equal(parseSettings({ seed: 42 }).seed, '42');
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
  const c = mergeLayers([
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
  assert.deepEqual(mergeLayers([{ noise: 'none', lr: 0.1 }]).stages, [{ noise: 'none', lr: 0.1, radius: 0 }]);
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

test('side panel: only changed fields are overrides, so echoing the shown values keeps a schedule', () => {
  const settings = parseSettings({
    schedule: [
      { lr: 0.1, radius: 0.3, steps: 10 },
      { lr: 0.1, radius: 0.05, steps: 10 },
    ],
  });
  const effective = buildRunInput({ exportName: 'f', argStyle: 'scalars', settings });
  const shown = displaySettings(effective);
  assert.equal(shown.radius, 0.3);
  const echo = changedFields(shown, { ...shown });
  assert.deepEqual(echo, {});
  const edited = changedFields(shown, { ...shown, trials: 7, lr: 0.2 });
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
