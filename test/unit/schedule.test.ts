import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stageLr, stageRadius } from '../../src/engine/schedule';
import type { Stage } from '../../src/engine/types';

const base: Stage = { lr: 0.1, radius: 0.3, steps: 100, noise: 'uniform' };

test('constant, step, exponential, cosine and 1/t decays', () => {
  assert.equal(stageLr(base, 57), 0.1);
  const step: Stage = { ...base, decay: { kind: 'step', every: 10, factor: 0.5 } };
  assert.equal(stageLr(step, 9), 0.1);
  assert.equal(stageLr(step, 10), 0.05);
  assert.equal(stageLr(step, 25), 0.025);
  const exp: Stage = { ...base, decay: { kind: 'exponential', rate: 0.99 } };
  assert.ok(Math.abs(stageLr(exp, 3) - 0.1 * 0.99 ** 3) < 1e-15);
  const cos: Stage = { ...base, decay: { kind: 'cosine', minLr: 0.01 } };
  assert.ok(Math.abs(stageLr(cos, 0) - 0.1) < 1e-15);
  assert.ok(Math.abs(stageLr(cos, 50) - 0.055) < 1e-15);
  assert.ok(Math.abs(stageLr(cos, 100) - 0.01) < 1e-15);
  const inv: Stage = { ...base, decay: { kind: 'inverse', t0: 20 } };
  assert.ok(Math.abs(stageLr(inv, 20) - 0.05) < 1e-15);
});

test('radius stays fixed unless it scales with η; none has no radius', () => {
  const exp: Stage = { ...base, decay: { kind: 'exponential', rate: 0.5 } };
  assert.equal(stageRadius(exp, 2), 0.3);
  assert.ok(Math.abs(stageRadius({ ...exp, scaleRadiusWithLr: true }, 2) - 0.075) < 1e-15);
  assert.equal(stageRadius({ ...base, noise: 'none' }, 0), 0);
});
