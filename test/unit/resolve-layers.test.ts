/**
 * One merge rule for every entry point: settings < `<name>Options` < `<name>Options.defaults` <
 * explicit input. The same layered inputs go through the CLI's preparation
 * (src/runner/prepare.ts `prepareRun`, the settings passed as `base`) and the extension's
 * (src/extension/runSession.ts `prepareRun`, no vscode) and must resolve to the same config,
 * which must also be the one written out in each case (needs dist/worker.js: `npm run build`).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeRunInputs, resolveConfig } from '../../src/engine/config';
import type { RunConfig, RunConfigInput } from '../../src/engine/types';
import { ExperimentRunner } from '../../src/runner/pool';
import { prepareRun as prepareCli } from '../../src/runner/prepare';
import { prepareRun as prepareExtension } from '../../src/extension/runSession';
import { parseSettings, settingsLayer } from '../../src/extension/settings';

const dir = mkdtempSync(join(tmpdir(), 'sgd-layers-'));
const bundleDir = join(dir, 'bundles');
const source = `
export function two(x: number, y: number): number {
  return x * x + y * y;
}
export const twoOptions = {
  defaults: {
    trials: 7,
    stages: [
      { lr: 0.05, radius: 0.2, steps: 10 },
      { lr: 0.05, radius: 0.1, steps: 10, init: { low: -1, high: 1 } },
    ],
  },
};
export function arr(v: number[]): number {
  return v.reduce((s, x) => s + x * x, 0);
}
export const arrOptions = { dim: 3, domain: { low: -2, high: 2 } };
export function plain(x: number): number {
  return x * x;
}
`;
const file = join(dir, 'losses.ts');
writeFileSync(file, source);

const runner = new ExperimentRunner({ workerScript: join(__dirname, '..', '..', 'dist', 'worker.js'), workers: 1 });
after(() => runner.dispose());

async function bothPaths(settingsRaw: Record<string, unknown>, exportName: string, input: RunConfigInput): Promise<RunConfig> {
  const settings = parseSettings(settingsRaw);
  const cli = await prepareCli(runner, file, { ...input, function: exportName }, { base: settingsLayer(settings), bundleDir });
  const ext = await prepareExtension({
    request: { file, exportName, overrides: input, mode: 'run' },
    sourceText: source,
    settings,
    runner,
    bundleDir,
  });
  assert.deepEqual(ext.config, cli.config, 'the CLI and the extension resolve the same layers alike');
  return cli.config;
}

const stageTable = (c: RunConfig) => c.stages.map((s) => [s.lr, s.radius, s.steps, s.noise]);

test('a flat lr over the file’s two stages sets lr in both (was [0.05, 0.05] in the CLI, [0.01, 0.01] in the extension)', async () => {
  const c = await bothPaths({}, 'two', { lr: 0.01 });
  assert.deepEqual(stageTable(c), [
    [0.01, 0.2, 10, 'uniform'],
    [0.01, 0.1, 10, 'uniform'],
  ]);
  assert.deepEqual(c.stages[1].init, { low: [-1, -1], high: [1, 1] });
  assert.equal(c.trials, 7, 'file default');
});

test('file stages replace the settings’ schedule; settings fill what the file leaves open', async () => {
  const c = await bothPaths(
    {
      lr: 0.02,
      trials: 50,
      seed: 'settings',
      compareGd: false,
      schedule: [
        { lr: 0.3, radius: 0.3, steps: 5 },
        { lr: 0.3, radius: 0.2, steps: 5 },
        { lr: 0.3, radius: 0.1, steps: 5 },
      ],
    },
    'two',
    {},
  );
  assert.deepEqual(stageTable(c), [
    [0.05, 0.2, 10, 'uniform'],
    [0.05, 0.1, 10, 'uniform'],
  ]);
  assert.equal(c.trials, 7);
  assert.equal(c.seed, 'settings');
  assert.equal(c.compareGd, false);
});

test('input stages replace the file’s; their open fields come from the input’s flat fields, then the settings', async () => {
  const c = await bothPaths({ steps: 300, noise: 'cube' }, 'two', { radius: 0.6, stages: [{ lr: 0.3 }, { lr: 0.1, steps: 4 }] });
  assert.deepEqual(stageTable(c), [
    [0.3, 0.6, 300, 'cube'],
    [0.1, 0.6, 4, 'cube'],
  ]);
});

test('noise "none" from a higher layer means radius 0; seed and trials from input beat file and settings', async () => {
  const c = await bothPaths({ noise: 'gaussian', radius: 0.4, seed: 'a' }, 'two', { noise: 'none', seed: 'b', trials: 3 });
  assert.deepEqual(stageTable(c), [
    [0.05, 0, 10, 'none'],
    [0.05, 0, 10, 'none'],
  ]);
  assert.equal(c.seed, 'b');
  assert.equal(c.trials, 3);
});

test('dim: Options.dim beats the dim setting, the input beats both; the setting is ignored for k-number losses', async () => {
  const a = await bothPaths({ dim: 4 }, 'arr', {});
  assert.equal(a.dim, 3);
  assert.deepEqual(a.domain, { low: [-2, -2, -2], high: [2, 2, 2] });
  const b = await bothPaths({ dim: 4 }, 'arr', { dim: 5 });
  assert.equal(b.dim, 5);
  assert.deepEqual(b.init, { low: [-2, -2, -2, -2, -2], high: [2, 2, 2, 2, 2] }, 'a scalar bound broadcasts to the new dimension');
  const c = await bothPaths({ dim: 4, lr: 0.2, resolution: 31 }, 'plain', {});
  assert.equal(c.dim, 1);
  assert.equal(c.resolution, 31);
  assert.deepEqual(stageTable(c), [[0.2, 0.3, 1000, 'uniform']]);
});

test('the same layers through the CLI’s and the extension’s paths fail alike, naming the file’s line', async () => {
  const bad = join(dir, 'bad.ts');
  const text = `export function f(x: number): number {
  return x;
}
export const fOptions = {
  defaults: {
    trials: 0,
    stpes: 5,
  },
};
`;
  writeFileSync(bad, text);
  const settings = parseSettings({});
  const messages: string[] = [];
  await assert.rejects(prepareCli(runner, bad, { function: 'f' }, { base: settingsLayer(settings), bundleDir }), (e: Error) => {
    messages.push(e.message);
    return true;
  });
  await assert.rejects(
    prepareExtension({ request: { file: bad, exportName: 'f', mode: 'run' }, sourceText: text, settings, runner, bundleDir }),
    (e: Error) => {
      messages.push(e.message);
      return true;
    },
  );
  assert.equal(
    messages[0],
    `unknown setting fOptions.defaults.stpes; did you mean steps? (${bad}:7)\n` +
      `fOptions.defaults.trials: must be an integer in [1, 100000], got 0 (${bad}:6)`,
  );
  assert.equal(
    messages[1],
    `f: 2 bad settings: unknown setting fOptions.defaults.stpes; did you mean steps? (${bad}:7); ` +
      `fOptions.defaults.trials: must be an integer in [1, 100000], got 0 (${bad}:6)`,
  );
});

test('mergeRunInputs: the merge rule alone, for display', () => {
  const m = mergeRunInputs([
    { lr: 0.01, radius: 0.3, steps: 100, trials: 5 },
    {
      stages: [
        { lr: 1, radius: 0.3 },
        { lr: 1, radius: 0.1 },
      ],
    },
    { lr: 0.02, trials: 9 },
  ]);
  assert.deepEqual(m, {
    trials: 9,
    stages: [
      { lr: 0.02, radius: 0.3, steps: 100 },
      { lr: 0.02, radius: 0.1, steps: 100 },
    ],
  });
  // Reserved names never take part.
  const evil = JSON.parse('{"__proto__": {"trials": 3}, "lr": 0.5}') as RunConfigInput;
  const n = mergeRunInputs([evil]);
  assert.equal(Object.getPrototypeOf(n), Object.prototype);
  assert.equal((n as { trials?: number }).trials, undefined);
  assert.deepEqual(n.stages, [{ lr: 0.5 }]);
});

test('resolveConfig alone applies the same rule (settings as ctx.base, file as ctx.options)', () => {
  const c = resolveConfig(
    { function: 'f', lr: 0.01 },
    {
      dim: 1,
      base: { lr: 0.7, steps: 20 },
      options: {
        defaults: {
          stages: [
            { lr: 0.05, radius: 0.2 },
            { lr: 0.05, radius: 0.1 },
          ],
        },
      },
    },
  );
  assert.deepEqual(stageTable(c), [
    [0.01, 0.2, 20, 'uniform'],
    [0.01, 0.1, 20, 'uniform'],
  ]);
});
