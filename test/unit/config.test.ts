import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../../src/engine/config';
import { smoothingRadii, totalSteps } from '../../src/engine/schedule';
import type { RunConfigInput } from '../../src/engine/types';

function rejects(input: RunConfigInput, setting: string, pattern: RegExp, ctx = {}) {
  assert.throws(
    () => resolveConfig(input, ctx),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
      assert.equal(e.setting, setting);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

test('defaults: 100 trials, one uniform stage, init = [-3, 3]^d, the domain that box grown by 10% of its width', () => {
  const c = resolveConfig({ function: 'f' }, { dim: 2 });
  assert.equal(c.trials, 100);
  assert.equal(c.dim, 2);
  assert.deepEqual(c.init, { low: [-3, -3], high: [3, 3] });
  assert.deepEqual(c.domain, { low: [-3.6, -3.6], high: [3.6, 3.6] });
  assert.deepEqual(c.stages, [{ lr: 0.01, radius: 0.3, steps: 1000, noise: 'uniform' }]);
  assert.equal(c.seed, '1');
  assert.equal(c.resolution, 201);
  assert.equal(resolveConfig({ function: 'f' }, { dim: 1 }).resolution, 601);
});

test('flat lr/radius/steps/noise make one stage; stages win over them', () => {
  const c = resolveConfig({ function: 'f', lr: 0.1, radius: 0.2, steps: 7, noise: 'gaussian' } as RunConfigInput, { dim: 1 });
  assert.deepEqual(c.stages, [{ lr: 0.1, radius: 0.2, steps: 7, noise: 'gaussian' }]);
  const d = resolveConfig({ function: 'f', lr: 0.1, stages: [{ lr: 0.5, steps: 3 }] } as RunConfigInput, { dim: 1 });
  assert.equal(d.stages[0].lr, 0.5);
  assert.equal(totalSteps(d), 3);
});

test('precedence: settings base < file defaults < explicit input', () => {
  const c = resolveConfig(
    { function: 'f', trials: 7 },
    { dim: 1, base: { trials: 3, seed: 'base', resolution: 11 }, options: { defaults: { trials: 5, seed: 'file' } } },
  );
  assert.equal(c.trials, 7);
  assert.equal(c.seed, 'file');
  assert.equal(c.resolution, 11);
});

test('file options give domain, xStar, dim; init defaults to the domain', () => {
  const c = resolveConfig({ function: 'g' }, { options: { dim: 3, domain: { low: [-1, -2, -3], high: [1, 2, 3] }, xStar: [0, 0, 0] } });
  assert.equal(c.dim, 3);
  assert.deepEqual(c.init, { low: [-1, -2, -3], high: [1, 2, 3] });
  assert.deepEqual(c.xStar, [0, 0, 0]);
});

test('scalar bounds broadcast to every axis; multi-stage inits are kept', () => {
  const c = resolveConfig(
    {
      function: 'f',
      domain: { low: -3 as unknown as number[], high: 3 as unknown as number[] },
      stages: [{ lr: 0.1 }, { lr: 0.01, init: { low: [-1, -1], high: [1, 1] } }],
    },
    { dim: 2 },
  );
  assert.deepEqual(c.domain, { low: [-3, -3], high: [3, 3] });
  assert.deepEqual(c.stages[1].init, { low: [-1, -1], high: [1, 1] });
  assert.deepEqual(smoothingRadii(c), [{ radius: 0.3, noise: 'uniform' }]);
});

test('every bad setting names itself and the allowed range', () => {
  rejects({ function: 'f', stages: [{ radius: -1 }] }, 'stages[0].radius', /\[0, 1000000\].*-1/, { dim: 1 });
  rejects({ function: 'f', trials: 0 }, 'trials', /integer in \[1, 100000\].*0/, { dim: 1 });
  rejects({ function: 'f', trials: 2.5 }, 'trials', /integer/, { dim: 1 });
  // NaN reaches the message as JSON writes it (null); the range must be named either way.
  rejects({ function: 'f', stages: [{ lr: NaN }] }, 'stages[0].lr', /must be a number in \(0, 1000000\], got (?:NaN|null)$/, { dim: 1 });
  rejects({ function: 'f', stages: [{ lr: 0 }] }, 'stages[0].lr', /\(0, /, { dim: 1 });
  rejects({ function: 'f', stages: [{ steps: 0 }] }, 'stages[0].steps', /\[1, /, { dim: 1 });
  rejects({ function: 'f', stages: [{ noise: 'laplace' as never }] }, 'stages[0].noise', /uniform, gaussian, cube, none, minibatch/, {
    dim: 1,
  });
  rejects({ function: 'f', stages: [] }, 'stages', /non-empty/, { dim: 1 });
  rejects({ function: 'f', dim: 3 }, 'dim', /takes 2 number parameters, so dim must be 2/, { dim: 2 });
  rejects({ function: 'f' }, 'dim', /takes an array, so its dimension must be set/);
  rejects({ function: 'f', dim: 0 }, 'dim', /integer in \[1, 10000\]/);
  rejects({ function: 'f', init: { low: [-5], high: [5] }, domain: { low: [-3], high: [3] } }, 'init', /inside the domain \[-3, 3\]/, {
    dim: 1,
  });
  rejects({ function: 'f', init: { low: [1], high: [0] } }, 'init', /low must be below high/, { dim: 1 });
  rejects({ function: 'f', xStar: [0, 0] }, 'xStar', /must have 1 entry/, { dim: 1 });
  rejects(
    { function: 'f', domain: { low: [-3], high: [3] }, stages: [{ init: { low: [-9], high: [0] } }] },
    'stages[0].init',
    /inside the domain/,
    { dim: 1 },
  );
  rejects({ function: 'f', stages: [{ decay: { kind: 'step', every: 0, factor: 0.5 } }] }, 'stages[0].decay.every', /\[1, /, { dim: 1 });
  rejects({ function: 'f', stages: [{ decay: { kind: 'wobble' } as never }] }, 'stages[0].decay.kind', /constant, step/, { dim: 1 });
  rejects({ function: '' }, 'function', /exported function/, { dim: 1 });
  rejects({ function: 'f', resolution: 2 }, 'resolution', /\[3, 2001\]/, { dim: 1 });
  rejects({ function: 'f', compareGd: 'yes' as never }, 'compareGd', /true or false/, { dim: 1 });
  rejects({ function: 'f', seed: {} as never }, 'seed', /^seed: must be a string of 1 to 200 characters or a finite number, got \{\}$/, {
    dim: 1,
  });
});
