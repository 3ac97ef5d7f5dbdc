import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Theorem1Prediction } from '../../src/engine/types';
import { toViewResult } from '../../src/extension/viewModel';
import { convexityText, runLabel, stageStarts, statusText, successText, summaryText, theoremText } from '../../webview/shared/summary';
import { makeResult } from '../fixtures/webview-result';

const view = toViewResult(makeResult({ trials: 40, steps: 200 }));

test('stage boundaries and labels', () => {
  const multi = toViewResult(
    makeResult({
      trials: 5,
      steps: 50,
      stages: [
        { lr: 0.02, radius: 0.3, noise: 'cube' },
        { lr: 0.02, radius: 0.15, noise: 'cube' },
        { lr: 0.02, radius: 0.05, noise: 'cube' },
      ],
    }),
  );
  assert.deepEqual(stageStarts(multi), [50, 100]);
  assert.deepEqual(stageStarts(view), []);
  assert.match(runLabel(multi), /3 stages \(noise 0\.3 → 0\.15 → 0\.05\)/);
  assert.match(runLabel(view), /^spikyBowl · 1-D · 40 trials · 1 stage \(η 0\.02, noise cube 0\.3, 200 steps\)$/);
});

test('success counts come from the diagnostics, SGD beside GD', () => {
  const d = view.diagnostics;
  const s = successText(view);
  assert.ok(s.includes(`SGD ${d.successSgd} / 40`), s);
  assert.ok(s.includes(`GD ${d.successGd} / 40`), s);
  assert.match(s, /within 0\.1 of x\* = 0/);
  assert.ok(!successText({ ...view, gd: undefined }).includes('; GD'));
});

test('convexity in words follows the sign of c', () => {
  const pos = { ...view, diagnostics: { ...view.diagnostics, c: 0.8 } };
  assert.match(convexityText(pos), /c ≈ 0\.8 > 0 .*Assumption 1 holds/);
  const neg = { ...view, diagnostics: { ...view.diagnostics, c: -1.5 } };
  assert.match(convexityText(neg), /c ≈ −1\.5 ≤ 0 .*fails somewhere/);
  const none = { ...view, diagnostics: { ...view.diagnostics, convexity: [] } };
  assert.match(convexityText(none), /No noisy stage/);
  assert.ok(summaryText(pos).startsWith(successText(pos)));
});

test('Theorem 1 text: applies, does not apply, no prediction', () => {
  const base: Theorem1Prediction = {
    stage: 0,
    lr: 0.01,
    radius: 0.3,
    L: 10,
    c: 2,
    conditionHolds: true,
    lrBound: 0.02,
    lambda: 0.03,
    b: 1e-4,
    T1: 150,
    ballRadius: 0.26,
    observedInside: 0.7,
    explanation: '',
  };
  assert.equal(
    theoremText(base, 1),
    'Theorem 1 predicts that after about 150 steps at least half of the trials lie within 0.26 of x*. Observed: 70% (as predicted).',
  );
  assert.match(theoremText({ ...base, observedInside: 0.2 }, 1), /Observed: 20% \(fewer than the ≥ 50% predicted\)/);
  assert.match(
    theoremText({ ...base, conditionHolds: false, lr: 0.05 }, 2),
    /^Stage 1 \(η 0\.05, radius 0\.3\): Theorem 1 needs η < 0\.02 .*does not apply\. Observed: 70% of trials ended within 0\.26 of x\*\.$/,
  );
  assert.match(theoremText({ ...base, c: -0.5 }, 1), /makes no prediction: c ≈ −0\.5/);
  // the engine's explanation wins when it has one
  assert.equal(
    theoremText({ ...base, explanation: ' predicted: within 0.26 of x* after 150 steps; observed 70%. ' }, 2),
    'Stage 1 (η 0.01, radius 0.3): predicted: within 0.26 of x* after 150 steps; observed 70%.',
  );
});

test('status line', () => {
  assert.match(statusText({ kind: 'idle' }), /No run yet/);
  assert.equal(statusText({ kind: 'idle' }, view), 'Finished in 4 ms on 1 worker; started 2026-11-26 03:00:00 UTC.');
  assert.equal(
    statusText({ kind: 'running', runId: 'r', label: 'spiky', phase: 'trials', done: 25, total: 100 }),
    'Running spiky: trials 25%',
  );
  assert.match(statusText({ kind: 'error', message: 'boom' }, view), /failed; showing the previous result/);
  assert.equal(statusText({ kind: 'cancelled' }), 'Stopped.');
});
