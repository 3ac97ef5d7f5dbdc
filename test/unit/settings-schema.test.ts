/**
 * The settings table (src/engine/settingsSchema.ts) is the one source of every limit, enum and
 * default: package.json's schema is generated from it, and the engine, the extension's settings
 * reader, the side panel and the CLI all take its values. Messages are checked word for word.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, resolveConfig } from '../../src/engine/config';
import { RUN_FIELDS, SETTINGS_SECTION, VSCODE_SETTINGS } from '../../src/engine/settingsSchema';
import { vscodeConfiguration } from '../../src/engine/settingsJsonSchema';
import { describeValue, nearest } from '../../src/engine/settingsValidate';
import { SettingsError, parseSettings } from '../../src/extension/settings';
import { explainRejection, parseFromWebview } from '../../src/protocol/validateWebview';
import { DEFAULT_RUN_SETTINGS, FIELDS, NOISE_CHOICES, parseSpecField } from '../../webview/sidebar/settings';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e.message;
  }
  return assert.fail('expected a ConfigError');
}

test('package.json contributes.configuration is the one the table generates', () => {
  assert.deepEqual(pkg.contributes.configuration, vscodeConfiguration());
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, [`${SETTINGS_SECTION}.watch`]);
  const props = pkg.contributes.configuration.properties;
  // The limits that had drifted apart, now one value each.
  assert.equal(props['sgdLandscape.trials'].maximum, 100_000);
  assert.equal(props['sgdLandscape.resolution'].maximum, 2001);
  assert.equal(props['sgdLandscape.schedule'].items.additionalProperties, false);
  assert.deepEqual(props['sgdLandscape.noise'].enum, ['uniform', 'gaussian', 'cube', 'none', 'minibatch']);
  assert.equal(props['sgdLandscape.lr'].default, 0.01);
  assert.equal(
    VSCODE_SETTINGS.map((s) => `${SETTINGS_SECTION}.${s.key}`).join(),
    Object.keys(props).join(),
    'every setting once, in table order',
  );
});

test('trials, resolution and checkpoints: one limit each, in the engine, the settings reader and the side panel', () => {
  assert.equal(
    messageOf(() => resolveConfig({ function: 'f', trials: 100_001 }, { dim: 1 })),
    'trials: must be an integer in [1, 100000], got 100001',
  );
  assert.equal(resolveConfig({ function: 'f', trials: 100_000 }, { dim: 1 }).trials, 100_000);
  assert.throws(() => parseSettings({ trials: 100_001 }), SettingsError);
  assert.equal(parseSpecField('100001', FIELDS.trials), undefined);
  assert.equal(parseSpecField('100000', FIELDS.trials), 100_000);

  assert.equal(resolveConfig({ function: 'f', resolution: 2001 }, { dim: 1 }).resolution, 2001);
  assert.equal(
    messageOf(() => resolveConfig({ function: 'f', resolution: 2002 }, { dim: 1 })),
    'resolution: must be 0 (automatic: 601 in 1-D, 201 otherwise) or an integer in [3, 2001], got 2002',
  );
  assert.equal(resolveConfig({ function: 'f', resolution: 0 }, { dim: 2 }).resolution, 201, '0 = automatic in RUN.json too');

  assert.equal(
    messageOf(() => resolveConfig({ function: 'f', checkpoints: 1 }, { dim: 1 })),
    'checkpoints: must be an integer in [2, 10000], got 1',
  );
  assert.equal(parseSpecField('0', FIELDS.lr), undefined, 'lr is > 0 in the side panel too');

  // The webview's validator: the same table, the same words.
  const run = (settings: unknown) => ({ type: 'run', settings });
  assert.equal(explainRejection(run({ trials: 100_001 })), 'settings.trials: must be an integer in [1, 100000], got 100001');
  assert.ok(parseFromWebview(run({ trials: 100_000, resolution: 2001, checkpoints: 2 })));
  assert.equal(
    explainRejection(run({ resolution: 2002, checkpoints: 1 })),
    'settings.resolution: must be 0 (automatic: 601 in 1-D, 201 otherwise) or an integer in [3, 2001], got 2002; ' +
      'settings.checkpoints: must be an integer in [2, 10000], got 1',
  );
  assert.equal(explainRejection(run({ stpes: 3 })), 'unknown setting settings.stpes; did you mean steps?');
  assert.equal(
    explainRejection(run(JSON.parse('{"__proto__": {"trials": 3}}'))),
    'unknown setting settings.__proto__ ("__proto__" is a reserved JavaScript name, never a setting)',
  );
});

test('the side panel starts from the table’s defaults (it showed lr 0.05 where the default is 0.01)', () => {
  assert.deepEqual(DEFAULT_RUN_SETTINGS, { lr: 0.01, radius: 0.3, noise: 'uniform', steps: 1000, trials: 100, seed: '1' });
  assert.deepEqual(NOISE_CHOICES, RUN_FIELDS.noise.values);
  const c = resolveConfig({ function: 'f' }, { dim: 1 });
  assert.deepEqual(c.stages, [{ lr: 0.01, radius: 0.3, steps: 1000, noise: 'uniform' }]);
  assert.equal(c.trials, DEFAULT_RUN_SETTINGS.trials);
});

test('describeValue: values as they are, long ones cut', () => {
  assert.equal(describeValue(Infinity), 'Infinity (a number beyond ±1.8e308, such as 1e999)');
  assert.equal(describeValue(-Infinity), '-Infinity (a number beyond ±1.8e308, such as 1e999)');
  assert.equal(describeValue(NaN), 'NaN');
  assert.equal(describeValue(undefined), 'nothing');
  assert.equal(describeValue('x'.repeat(10_000_000)), `"${'x'.repeat(80)}…" (10000000 chars)`);
  assert.equal(describeValue([1, 2, 3]), '[1, 2, 3]');
  assert.equal(describeValue({ a: [1, { b: 2 }] }), '{"a": [1, {"b": 2}]}');
  const big = describeValue(Array.from({ length: 1_000_000 }, (_, i) => i));
  assert.ok(big.endsWith('… (1000000 entries)') && big.length < 120, big);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(describeValue(deep), '[[[[…]]]]');
});

test('nearest: typos of known names, nothing for unrelated words', () => {
  const keys = Object.keys(RUN_FIELDS);
  assert.equal(nearest('stpes', keys), 'steps');
  assert.equal(nearest('trails', keys), 'trials');
  assert.equal(nearest('xstar', keys), 'xStar');
  assert.equal(nearest('sampleTrajectory', keys), 'sampleTrajectories');
  assert.equal(nearest('learningRate', keys), undefined);
  assert.equal(nearest('zzz', keys), undefined);
});

test('every problem at once, each named as written, unknown keys with a suggestion, nested too', () => {
  const message = messageOf(() =>
    resolveConfig(
      {
        function: 'f',
        stpes: 3,
        trials: 0,
        stages: [{ lr: -1, raduis: 2, decay: { kind: 'step', every: 0, rate: 0.5 } }],
        init: { low: -1, hihg: 1 },
      } as never,
      { dim: 1 },
    ),
  );
  assert.equal(
    message,
    [
      'unknown setting stpes; did you mean steps?',
      'trials: must be an integer in [1, 100000], got 0',
      'unknown setting stages[0].raduis; did you mean radius?',
      'stages[0].lr: must be a number in (0, 1000000], got -1',
      'unknown setting stages[0].decay.rate; expected one of kind, every, factor',
      'stages[0].decay.every: must be an integer in [1, 10000000], got 0',
      'stages[0].decay.factor: is required for a "step" decay: a number in (0, 1]',
      'unknown setting init.hihg; did you mean high?',
    ].join('\n'),
  );
});

test('prototype keys never set fields: refused by name', () => {
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    const input = JSON.parse(`{"function": "f", "${key}": {"trials": 3}}`);
    assert.equal(
      messageOf(() => resolveConfig(input, { dim: 1 })),
      `unknown setting ${key} ("${key}" is a reserved JavaScript name, never a setting)`,
    );
  }
  const nested = JSON.parse('{"function": "f", "stages": [{"__proto__": {"lr": 3}}]}');
  assert.equal(
    messageOf(() => resolveConfig(nested, { dim: 1 })),
    'unknown setting stages[0].__proto__ ("__proto__" is a reserved JavaScript name, never a setting)',
  );
});

test('not an object, Infinity, huge and deep values: clear messages, never a crash', () => {
  for (const [raw, got] of [
    [[1, 2, 3], '[1, 2, 3]'],
    [null, 'null'],
    ['abc', '"abc"'],
  ] as const) {
    assert.equal(
      messageOf(() => resolveConfig(raw)),
      `the run settings must be a JSON object such as { "function": "f", "trials": 100 }, got ${got}`,
    );
  }
  assert.equal(
    messageOf(() => resolveConfig(JSON.parse('{"function": "f", "trials": 1e999}'), { dim: 1 })),
    'trials: must be an integer in [1, 100000], got Infinity (a number beyond ±1.8e308, such as 1e999)',
  );
  assert.equal(
    messageOf(() => resolveConfig({ function: 'f', seed: 's'.repeat(10_000_000) }, { dim: 1 })),
    `seed: must be a string of 1 to 200 characters or a finite number, got "${'s'.repeat(80)}…" (10000000 chars)`,
  );
  const deep = JSON.parse(`{"function": "f", "xStar": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  assert.equal(
    messageOf(() => resolveConfig(deep, { dim: 1 })),
    'xStar[0]: must be a finite number of magnitude at most 1e12, got [[[[…]]]]',
  );
});

test('a bad value from <name>Options names the file’s layer and where it was written', () => {
  const locate = (path: string) => (path.startsWith('fOptions') ? `/w/f.ts:${path.includes('defaults') ? 9 : 4}` : undefined);
  assert.equal(
    messageOf(() =>
      resolveConfig(
        { function: 'f', trials: 5 },
        { dim: 2, options: { dim: 3, domian: {}, xStar: [0, 'a'], defaults: { trials: 0, lr: Infinity } } as never, locate },
      ),
    ),
    [
      'unknown setting fOptions.domian; did you mean domain? (/w/f.ts:4)',
      'fOptions.xStar[1]: must be a finite number of magnitude at most 1e12, got "a" (/w/f.ts:4)',
      'fOptions.defaults.trials: must be an integer in [1, 100000], got 0 (/w/f.ts:9)',
      'fOptions.defaults.lr: must be a number in (0, 1000000], got Infinity (a number beyond ±1.8e308, such as 1e999) (/w/f.ts:9)',
      'fOptions.dim: the function takes 2 number parameters, so dim must be 2; got 3 (/w/f.ts:4)',
    ].join('\n'),
  );
  // Cross-field problems are named after the layer that gave the value.
  assert.equal(
    messageOf(() =>
      resolveConfig(
        { function: 'f' },
        { dim: 1, options: { domain: { low: [-1], high: [1] }, defaults: { init: { low: [-5], high: [5] } } } },
      ),
    ),
    'fOptions.defaults.init: must lie inside the domain [-1, 1]; got [-5, 5]',
  );
});
