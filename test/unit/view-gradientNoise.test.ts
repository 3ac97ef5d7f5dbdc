/** The measured minibatch noise in words (src/view/gradientNoise.ts): each reading follows its number. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradientNoiseText, ksCritical, unsmoothedNoiseText } from '../../src/view/gradientNoise';
import type { GradientNoise } from '../../src/engine/types';

const base: GradientNoise = {
  at: [1, 2],
  batchSize: 4,
  sampling: 'uniform',
  examples: 44,
  lr: 0.1,
  covariance: [
    [0.6, 0],
    [0, 0.2],
  ],
  trace: 0.8,
  equivalentRadius: 0.1 * Math.sqrt(0.8),
  isotropicSigma: 0.1 * Math.sqrt(0.4),
  spectrum: { eigenvalues: [0.6, 0.2], principal: [1, 0], kickSamples: 2000, ksDistance: 0.2 },
  checkpoints: { steps: [0, 10, 20], traceMean: [1.5, NaN, 0.9], traceMin: [1, NaN, 0.8], traceMax: [2, NaN, 1], trials: 3 },
};

test('anisotropic, non-Gaussian kicks, and tr C along the trials', () => {
  assert.equal(
    gradientNoiseText(base),
    "Minibatch noise (B = 4 of n = 44, uniform) at x*: tr C = 0.8; the isotropic model with the same power has radius η·√tr C = 0.0894 (Gaussian σ = 0.0632 per coordinate). It is anisotropic: C's eigenvalues run from 0.6 down to 0.2 (a factor 3). Along its noisiest direction the actual kicks are not Gaussian (KS distance 0.2 > 0.0304, the 5% critical value for 2000 kicks). Along the sampled trials tr C went from 1.5 to 0.9.",
  );
});

test('close to isotropic and Gaussian-looking kicks; the 5% critical value is 1.358/√K', () => {
  assert.equal(ksCritical(2000), 1.358 / Math.sqrt(2000));
  const g = { ...base, spectrum: { eigenvalues: [0.5, 0.4], principal: [1, 0], kickSamples: 2000, ksDistance: 0.02 } };
  const text = gradientNoiseText(g);
  assert.match(text, /It is close to isotropic: C's eigenvalues lie within a factor 1\.25 of each other\./);
  assert.match(text, /the actual kicks look Gaussian \(KS distance 0\.02 ≤ 0\.0304/);
  // 1-D: no spectrum sentence; no spectrum at all (d > 64): neither sentence.
  const flat = gradientNoiseText({ ...base, spectrum: undefined });
  assert.doesNotMatch(flat, /isotropic:|anisotropic|KS/);
});

test('issue 14: what an unsmoothed map stands for: the minibatch B of the stages, else no noise', () => {
  assert.equal(unsmoothedNoiseText([{ noise: 'minibatch', batchSize: 16 }]), 'minibatch noise, B = 16');
  assert.equal(
    unsmoothedNoiseText([
      { noise: 'minibatch', batchSize: 16 },
      { noise: 'minibatch', batchSize: 64 },
      { noise: 'minibatch', batchSize: 16 },
    ]),
    'minibatch noise, B = 16 / 64',
  );
  assert.equal(unsmoothedNoiseText([{ noise: 'none' }, { noise: 'uniform' }]), 'no noise');
});
