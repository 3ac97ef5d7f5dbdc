import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toViewResult } from '../../src/extension/viewModel';
import { convexityText, runLabel, stageStarts, statusText, successText, summaryText } from '../../webview/shared/summary';
import { makeResult } from '../fixtures/webview-result';

const view = toViewResult(makeResult({ trials: 40, steps: 200 }), 'run-1');

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
    'run-2',
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
  assert.match(convexityText(none), /No c\(y\) in this result/);
  assert.ok(summaryText(pos).startsWith(successText(pos)));
  // x* not a minimiser of g: said first (issue 10 §2); radius 0 reads as f itself.
  const map = view.diagnostics.convexity[0];
  const check = { minimises: false, g: 0.5, gMin: 0.25, argMin: [0.4] };
  const off = { ...view, diagnostics: { ...view.diagnostics, c: -1.5, convexity: [{ ...map, xStarCheck: check }] } };
  assert.match(
    convexityText(off),
    /^x\* is not a minimiser of the landscape smoothed at radius .*: g\(x\*\) = 0\.5 > g\(0\.4\) = 0\.25, .* c ≈ −1\.5 ≤ 0 /,
  );
  const flat = {
    ...view,
    diagnostics: { ...view.diagnostics, c: -1.5, convexity: [{ ...map, radius: 0, noise: 'none' as const, xStarCheck: check }] },
  };
  assert.match(
    convexityText(flat),
    /^x\* is not a minimiser of f: f\(x\*\) = 0\.5 > f\(0\.4\) = 0\.25, .*\(f itself, no noise\): f points toward x\*/,
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

test('issue 14: the unsmoothed c(y) map of a minibatch run says minibatch noise with its B, not "no noise"', () => {
  const map = view.diagnostics.convexity[0];
  const stages = view.config.stages.map((s) => ({ ...s, radius: 0, noise: 'minibatch' as const, batchSize: 16 }));
  const mb = {
    ...view,
    config: { ...view.config, stages },
    diagnostics: { ...view.diagnostics, c: 0.5, convexity: [{ ...map, radius: 0, noise: 'none' as const, xStarCheck: undefined }] },
  };
  const text = convexityText(mb);
  assert.match(text, /\(f itself, minibatch noise, B = 16\)/);
  assert.doesNotMatch(text, /no noise/);
  // A GD stage after a minibatch one still names the minibatch noise; a run without either says "no noise".
  const gd = { ...mb, config: { ...mb.config, stages: [...stages, { ...stages[0], noise: 'none' as const, batchSize: undefined }] } };
  assert.match(convexityText(gd), /\(f itself, minibatch noise, B = 16\)/);
  const none = { ...mb, config: { ...mb.config, stages: stages.map((s) => ({ ...s, noise: 'none' as const, batchSize: undefined })) } };
  assert.match(convexityText(none), /\(f itself, no noise\)/);
});

test('gaps in f and g are said in the summary: how many grid points, why, and the first point', () => {
  const fn = view.source?.exportName ?? view.config.function;
  const landscape = {
    x: [0, 1, 2],
    y: [0, 1],
    f: [
      [0, NaN, 1],
      [1, 2, 3],
    ],
    nonFinite: { count: 1, of: 6, at: [1, 0], value: 'NaN' },
    smoothed: [
      { radius: 0.3, noise: 'uniform' as const, values: [[1, 1, 1]] },
      {
        radius: 0.6,
        noise: 'uniform' as const,
        values: [[1, 1, 1]],
        nonFinite: { count: 3, of: 1000, at: [1.05, -1.4], value: 'Infinity', gaps: 4 },
      },
    ],
  };
  const s = summaryText({ ...view, landscape });
  assert.ok(
    s.includes(`${fn} is not finite at 1 of 6 landscape points (first NaN at x = [1, 0]); they are gaps, left out of x*, c and L.`),
    s,
  );
  assert.ok(
    s.includes(
      `g (uniform radius 0.6) has 4 gaps among its 6 grid points: ${fn} is Infinity at x = [1.05, -1.4] (3 of the 1000 points the smoothing samples, between and beyond the grid points too), and g is not defined where its kernel reaches them.`,
    ),
    s,
  );
  assert.ok(!s.includes('radius 0.3) has'), 'a g without gaps is not mentioned');
  // Finite everywhere: nothing said.
  assert.ok(!summaryText(view).includes('gaps'));
});
