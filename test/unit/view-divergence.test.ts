/** "Most trials diverged" in words (src/view/divergence.ts) with the advice from f's curvature (engine/suggest.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/engine/config';
import { runTrials } from '../../src/engine/sgd';
import { curvatureProfile, divergenceAdvice } from '../../src/engine/suggest';
import type { RunConfigInput } from '../../src/engine/types';
import { divergenceText, divergenceToast } from '../../src/view/divergence';

const sphere = (x: Float64Array) => x[0] * x[0] + x[1] * x[1];
const domain = { low: [-3, -3], high: [3, 3] };

test('the sphere at η = 1.5: GD multiplies x by 1 − 2η = −2 each step, every trial diverges, and the words say the step is too large and which η to try', () => {
  const config = resolveConfig({ function: 'f', trials: 10, domain, stages: [{ lr: 1.5, steps: 2000, noise: 'none' }] } as RunConfigInput, {
    dim: 2,
  });
  const gd = runTrials(sphere, (x, out) => ((out[0] = 2 * x[0]), (out[1] = 2 * x[1])), config, 'gd', 0, 10);
  assert.equal(gd.diverged, 10);
  // Curvature 2 everywhere: η·L₉₀ = 3 ≥ 2, and 0.45/2 = 0.225 is the η to try.
  const advice = divergenceAdvice(curvatureProfile(sphere, { domain, seed: '1' }), 1.5);
  assert.equal(advice.stepTooLarge, true);
  assert.equal(advice.suggestedLr, 0.225);
  const text = divergenceText([{ name: 'GD', diverged: gd.diverged }], 10, advice)!;
  assert.match(text, /^Most trials diverged \(GD 10 of 10\)\. Likely cause: the step is too large for f's curvature\./);
  assert.match(text, /η = 1\.5 times L₉₀ ≈ 2, .* is 3;/);
  assert.match(text, /Try η ≈ 0\.225 \(0\.45\/L₉₀\), or leave η unset to have one derived from f\.$/);
  assert.equal(
    divergenceToast('sphere', 10, 10, advice),
    '10 of 10 SGD trials of sphere diverged: η = 1.5 is too large for its curvature; try η ≈ 0.225.',
  );
});

test('half or fewer diverged: no sentence; below the stability limit: not the step alone, a smaller η safer', () => {
  const advice = divergenceAdvice(curvatureProfile(sphere, { domain, seed: '1' }), 0.5);
  assert.equal(divergenceText([{ name: 'SGD', diverged: 50 }], 100, advice), undefined);
  assert.equal(divergenceToast('sphere', 50, 100, advice), '50 of 100 SGD trials of sphere diverged (counted, not drawn).');
  // η·L₉₀ = 1 < 2: GD is stable on the sphere at 0.5, so the cause is elsewhere.
  assert.equal(advice.stepTooLarge, false);
  const text = divergenceText(
    [
      { name: 'SGD', diverged: 51 },
      { name: 'GD', diverged: 0 },
    ],
    100,
    advice,
  )!;
  assert.match(text, /^Most trials diverged \(SGD 51 of 100\)\. Likely cause: not the step size alone .* below GD's limit of 2\)/);
  assert.match(text, /A smaller η \(≈ 0\.225\) is safer still\.$/);
  assert.equal(divergenceText([{ name: 'SGD', diverged: 51 }], 100, undefined), 'Most trials diverged (SGD 51 of 100).');
});
