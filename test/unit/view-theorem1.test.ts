/** Theorem 1 in words (src/view/theorem1.ts), for each outcome the engine reports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { theoremText } from '../../src/view/theorem1';
import { theorem1 } from '../../src/engine/theorem1';
import type { Theorem1Prediction } from '../../src/engine/types';
import { cfg, method } from '../fixtures/diagnostics';

const base: Theorem1Prediction = {
  stage: 0,
  lr: 0.01,
  radius: 0.3,
  steps: 1000,
  L: 10,
  c: 2,
  outcome: 'predicted',
  conditionHolds: true,
  lrBound: 0.02,
  lambda: 0.03,
  b: 1e-4,
  T1: 149.2,
  ballRadius: 0.26,
  observedInside: 0.7,
};

test('a prediction that holds: steps, ball, observed fraction and the verdict', () => {
  assert.equal(
    theoremText(base, 1),
    'Theorem 1 predicts that after about 150 steps at least half of the trials lie within 0.26 of x*. ' +
      'Observed: 70% of the trials ended within 0.26 of x* (as predicted).',
  );
  assert.match(theoremText({ ...base, observedInside: 0.2 }, 1), /Observed: 20% .*\(fewer than the ≥ 50% predicted\)\.$/);
  // Shorter than T1: the promise starts at T1, so nothing is promised for this run (issue 10 §3).
  const late = theoremText({ ...base, steps: 100 }, 1);
  assert.equal(
    late,
    "Theorem 1's promise (at least half of the trials within 0.26 of x*) starts at T1 = 150 steps; the stage has only 100, " +
      'so it promises nothing for this run. Observed: 70% of the trials ended within 0.26 of x* (for reference).',
  );
  assert.doesNotMatch(late, /≥ 50%|predicts that/);
  assert.match(theoremText(base, 2), /^Stage 1 \(η 0\.01, radius 0\.3\): Theorem 1 predicts/);
});

test('η above the bound: no guarantee, an extrapolation beside the observation', () => {
  assert.match(
    theoremText({ ...base, conditionHolds: false, lr: 0.05 }, 2),
    /^Stage 1 \(η 0\.05, radius 0\.3\): Theorem 1 needs η < 0\.02 \(c ≈ 2, L ≈ 10\); η = 0\.05 is not below it, so its guarantee does not apply\. Extrapolated, .* within 0\.26 of x\* after about 150 steps\. Observed: 70% /,
  );
});

test('no prediction: c unknown, c ≤ 0, λ ≤ 0 — from the engine’s own outcomes', () => {
  const config = cfg({ stages: [{ lr: 0.01, radius: 0.01, steps: 1000, noise: 'uniform' }] }, 1);
  const sgd = method({ starts: [[1]], stageFinals: [[[0.05]]] });
  assert.match(theoremText(theorem1(config, 0, 10, NaN, [0], sgd), 1), /makes no prediction: c could not be estimated/);
  assert.match(
    theoremText(theorem1(config, 0, 10, -0.5, [0], sgd), 1),
    /makes no prediction: c ≈ −0\.5 ≤ 0, so the landscape smoothed at radius 0\.01 does not point toward x\* everywhere/,
  );
  // λ = 2·0.01·2 − 0.01²·30² = −0.05 ≤ 0; the bound min{1/60, 2/900, 1/4} = 0.00222 is c/L².
  assert.equal(
    theoremText(theorem1(config, 0, 30, 2, [0], sgd), 1),
    'Theorem 1 does not apply: its step-size condition fails. With c ≈ 2 (how strongly the smoothed landscape pulls toward x*) ' +
      "and f's curvature reaches L ≈ 30, the pull toward x* (c ≈ 2) must beat the curvature squared: η < c/L², so η must be below 0.00222; " +
      'η = 0.01 is 4.5 times that. It would take a smaller η (below 0.00222), a larger noise radius (a larger c), or a smoother f (a smaller L). ' +
      'The run anyway: the median distance to x* went from 1 at the stage’s start to 0.05 at its end.',
  );
});

test('issue 13: λ ≤ 0 set by a kink at the start region’s edge (Figure 3’s L = 445000) is said so, with the bound from inside', () => {
  const config = cfg({ stages: [{ lr: 0.01, radius: 0.01, steps: 1000, noise: 'uniform' }] }, 1);
  const sgd = method({ starts: [[1], [2], [0.5]], stageFinals: [[[0.02], [0.1], [-0.03]]] });
  const p = theorem1(config, 0, 445000, 0.111, [0], sgd);
  p.smoothness = { L: 445000, at: [3], edgeKink: true, interior: 1000, interiorAt: [0.5] };
  const text = theoremText(p, 1);
  assert.match(text, /^Theorem 1 does not apply: its step-size condition fails\./);
  assert.match(text, /L ≈ 4\.45e5 comes from a kink at the start region's edge \(3\), not from f's curvature inside it \(≈ 1000\)/);
  // min{1/(2·445000), 0.111/445000², 1/0.222} = 5.61e-13; from inside: min{5e-4, 1.11e-7, 4.5} = 1.11e-7.
  assert.match(text, /so η must be below 5\.61e-13; η = 0\.01 is 1\.78e10 times that\./);
  assert.match(text, /a smoother f at that edge \(with L ≈ 1000 from inside the region the bound would be 1\.11e-7\)/);
  assert.match(text, /The run anyway: the median distance to x\* went from 1 at the stage’s start to 0\.03 at its end\.$/);
  assert.doesNotMatch(text, /λ = 2ηc/);
});

test('a result read back from JSON (NaN → null) and one stored without an outcome still read', () => {
  const fromJson = JSON.parse(JSON.stringify({ ...base, outcome: 'c-unknown', c: NaN, T1: NaN })) as Theorem1Prediction;
  assert.match(theoremText(fromJson, 1), /c could not be estimated/);
  const { outcome: _omit, ...old } = base;
  assert.match(
    theoremText(old as Theorem1Prediction, 1),
    /^Theorem 1 with c ≈ 2, L ≈ 10: λ ≈ 0\.03, ball 0\.26 \(stored by an earlier version/,
  );
});

test('issue 10 §2–3: x* not a minimiser of g is said first; Gaussian noise’s σ√d is named a substitution', () => {
  const check = { minimises: false, g: 0.12975, gMin: 0.12365, argMin: [0.22] };
  const text = theoremText({ ...base, outcome: 'x-star-not-minimiser', conditionHolds: false, c: -0.4938, xStarCheck: check }, 1);
  assert.equal(
    text,
    'Theorem 1 makes no prediction: x* is not a minimiser of the landscape smoothed at radius 0.3: ' +
      'g(x*) = 0.1298 > g(0.22) = 0.1236, so somewhere between them c(y) ≤ 0 and Assumption 1 fails.',
  );
  const config = cfg({ stages: [{ lr: 0.01, radius: 0.01, steps: 1000, noise: 'uniform' }] }, 1);
  const sgd = method({ starts: [[1]], stageFinals: [[[0.05]]] });
  assert.equal(theorem1(config, 0, 10, 2, [0], sgd, check).outcome, 'x-star-not-minimiser');
  assert.equal(theorem1(config, 0, 10, 2, [0], sgd, { ...check, minimises: true }).outcome, 'predicted');
  const gauss = theoremText({ ...base, noise: 'gaussian' }, 1);
  assert.match(gauss, /as predicted\)\. \(Gaussian noise is unbounded, .*σ√d in its place\. That is a substitution, not the theorem\.\)$/);
  assert.doesNotMatch(theoremText({ ...base, noise: 'uniform' }, 1), /substitution/);
  assert.doesNotMatch(theoremText({ ...base, noise: 'gaussian', outcome: 'c-not-positive', c: -1 }, 1), /substitution/);
});

test('a stated x* that g does not minimise at some radius: said as a fact of f, with where g is lower; nothing when x* was found or minimises g', async () => {
  const { statedXStarText } = await import('../../src/view/theorem1');
  const maps = [
    { radius: 0.3, xStarCheck: { minimises: false, g: 0.5588, gMin: 0.5461, argMin: [-0.04] } },
    { radius: 0.15, xStarCheck: { minimises: false, g: 0.31, gMin: 0.3, argMin: [0.02] } },
    { radius: 0.05, xStarCheck: { minimises: true, g: 0.1, gMin: 0.1, argMin: [0] } },
    { radius: 0 },
  ];
  assert.equal(
    statedXStarText([0], 'user', maps),
    'The x* = 0 shown is the minimiser the loss file states, and c(y) and Theorem 1 are measured toward it; ' +
      'on this f the landscape smoothed at radii 0.3 and 0.15 is lowest elsewhere in the start region ' +
      '(radius 0.3: g(−0.04) = 0.5461; radius 0.15: g(0.02) = 0.3). ' +
      'That is a fact of f as given (smoothing moves the minimum of an uneven f), not an error of the run.',
  );
  assert.match(statedXStarText([0], 'config', maps)!, /the minimiser RUN\.json states/);
  assert.match(
    statedXStarText([0], 'user', [maps[0]!])!,
    /smoothed at radius 0\.3 is lowest elsewhere in the start region \(radius 0\.3: g\(−0\.04\) = 0\.5461\)/,
  );
  // Found by the engine (it is g's minimum by construction, or a descent's), or minimised at every radius: nothing to say.
  assert.equal(statedXStarText([0], 'smoothed-minimum', maps), undefined);
  assert.equal(statedXStarText([0], 'descent', maps), undefined);
  assert.equal(statedXStarText([0], 'user', [maps[2]!, maps[3]!]), undefined);
});
