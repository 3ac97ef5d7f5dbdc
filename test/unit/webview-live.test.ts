/** The live view of a running experiment: shaping (toLiveView) and its label (liveText). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveMessage, toLiveView, toViewResult } from '../../src/extension/viewModel';
import { receiveLive } from '../../webview/shared/receive';
import { liveText } from '../../webview/shared/summary';
import { makeResult } from '../fixtures/webview-result';

const source = { file: '/w/spiky.ts', exportName: 'spikyBowl' };

test('toLiveView: only counts until the landscape is in', () => {
  const r = makeResult({ trials: 20, steps: 50 });
  const live = toLiveView('run-1', r.config, { sgd: r.sgd, trialsDone: 20 }, r.startedAt, source);
  assert.deepEqual(live, { runId: 'run-1', trialsDone: 20, trials: 20 });
  assert.match(liveText(live), /^running — 20 of 20 trials; the charts appear when the landscape is computed\.$/);
});

test('toLiveView: the partial result is drawn like a ViewResult, diagnostics left empty', () => {
  const r = makeResult({ trials: 20, steps: 50 });
  const config = { ...r.config, xStar: undefined };
  const live = toLiveView('run-1', config, { landscape: r.landscape, trialsDone: 0 }, r.startedAt, source);
  const v = live.view!;
  assert.equal(v.landscape, r.landscape);
  assert.equal(v.source, source);
  assert.deepEqual(v.sgd.finals, []);
  assert.equal(v.sgd.stageFinals.length, config.stages.length);
  assert.ok(v.gd, 'GD is compared: an empty GD result until its chunks come');
  assert.deepEqual(v.diagnostics.convexity, []);
  assert.deepEqual(v.diagnostics.theorem1, []);
  assert.deepEqual(v.diagnostics.histogram.edges, []);
  assert.deepEqual(v.diagnostics.trajectory.steps, []);
  // x* without config.xStar: the grid minimum of the widest smoothing, as the diagnostics pick it.
  assert.equal(v.diagnostics.xStarSource, 'smoothed-minimum');
  const widest = [...r.landscape.smoothed].sort((a, b) => b.radius - a.radius)[0]!.values as number[];
  const i = r.landscape.x.indexOf(v.diagnostics.xStar[0]!);
  assert.ok(i >= 0, 'x* is a grid point');
  assert.equal(widest[i], Math.min(...widest));
  assert.match(
    liveText(live),
    /running — 0 of 20 trials \(SGD and GD\) done so far; .*Diagnostics \(c\(y\), Theorem 1, Figure 5\) appear when the run completes\./,
  );
});

test('toLiveView: trials so far are shaped as in toViewResult; config x* wins', () => {
  const r = makeResult({ trials: 30, steps: 40, dim: 2 });
  const half = {
    ...r.sgd,
    finals: r.sgd.finals.slice(0, 15),
    finalLoss: r.sgd.finalLoss.slice(0, 15),
    divergedMask: r.sgd.divergedMask.slice(0, 15),
  };
  const live = toLiveView(
    'run-2',
    { ...r.config, xStar: [0.5, -0.5] },
    { landscape: r.landscape, sgd: half, gd: r.gd, trialsDone: 15 },
    r.startedAt,
  );
  const v = live.view!;
  assert.deepEqual(v.diagnostics.xStar, [0.5, -0.5]);
  assert.equal(v.diagnostics.xStarSource, 'config');
  assert.equal(v.sgd.finals.length, 15);
  assert.deepEqual(Object.keys(v.sgd).sort(), Object.keys(toViewResult(r, 'run-1').sgd).sort(), 'no checkpoints or gradient norms');
  assert.equal(v.source, undefined);
  assert.equal(live.trialsDone, 15);
  // 2-D grid minimum when x* is not given.
  const free = toLiveView('run-2', { ...r.config, xStar: undefined }, { landscape: r.landscape, trialsDone: 0 }, r.startedAt).view!;
  assert.equal(free.diagnostics.xStar.length, 2);
});

test('a live view of a 1000-trial run stays small enough to post a few times a second', () => {
  const r = makeResult({ trials: 1000, steps: 5000, dim: 1 });
  const live = toLiveView('run-3', r.config, { landscape: r.landscape, sgd: r.sgd, gd: r.gd, trialsDone: 1000 }, r.startedAt);
  const bytes = JSON.stringify(live).length;
  assert.ok(bytes < 2_000_000, `${bytes} bytes`);
});

test('liveMessage leaves out the landscape the webview already has from this run; receiveLive puts it back', () => {
  const r = makeResult({ trials: 20, steps: 50, dim: 2 });
  const first = toLiveView('run-4', r.config, { landscape: r.landscape, trialsDone: 0 }, r.startedAt);
  const m1 = liveMessage(first, undefined);
  assert.equal(m1.keepLandscape, undefined);
  assert.equal(m1.live.view!.landscape, r.landscape);
  const second = toLiveView('run-4', r.config, { landscape: r.landscape, sgd: r.sgd, trialsDone: 20 }, r.startedAt);
  const m2 = liveMessage(second, first);
  assert.equal(m2.keepLandscape, true);
  assert.equal(m2.live.view!.landscape, undefined);
  assert.ok(JSON.stringify(m2).length < JSON.stringify(second).length / 2, 'the grid is not re-sent');
  const got = receiveLive(JSON.parse(JSON.stringify(m2)), JSON.parse(JSON.stringify(m1.live)));
  assert.deepEqual(got.view!.landscape, r.landscape);
  assert.equal(got.trialsDone, 20);
  // Another run, or no live view on the page: the landscape is sent.
  const other = toLiveView('run-5', r.config, { landscape: r.landscape, trialsDone: 0 }, r.startedAt);
  assert.equal(liveMessage(other, second).keepLandscape, undefined);
  assert.equal(liveMessage(first, { runId: 'run-4', trialsDone: 0, trials: 20 }).keepLandscape, undefined);
});

test('toLiveView, d > 2: x* is the grid minimum along the slices, the point the diagnostics will pick', () => {
  const r = makeResult({ trials: 4, steps: 10, dim: 1 });
  // Two slices through the origin (1, 1, 1) along e1 and e3, parameter t ∈ {-1, 0, 1}; the widest
  // smoothing is least at t = 1 on the second slice, i.e. at (1, 1, 2).
  const landscape = {
    x: [-1, 0, 1],
    f: [
      [0, 0, 0],
      [0, 0, 0],
    ],
    smoothed: [
      {
        radius: 0.1,
        noise: 'uniform' as const,
        values: [
          [5, 4, 3],
          [9, 9, -9],
        ],
      },
      {
        radius: 0.5,
        noise: 'uniform' as const,
        values: [
          [5, 4, 3],
          [2, 1, 0.5],
        ],
      },
    ],
    origin: [1, 1, 1],
    directions: [
      [1, 0, 0],
      [0, 0, 1],
    ],
  };
  const config = { ...r.config, dim: 3, xStar: undefined, domain: { low: [-3, -3, -3], high: [3, 3, 3] } };
  const v = toLiveView('run-6', config, { landscape, trialsDone: 0 }, r.startedAt).view!;
  assert.deepEqual(v.diagnostics.xStar, [1, 1, 2]);
  // No finite value yet: the domain's centre, with the right number of components.
  const blank = {
    ...landscape,
    smoothed: [
      {
        radius: 0.5,
        noise: 'uniform' as const,
        values: [
          [NaN, NaN, NaN],
          [NaN, NaN, NaN],
        ],
      },
    ],
  };
  assert.deepEqual(toLiveView('run-6', config, { landscape: blank, trialsDone: 0 }, r.startedAt).view!.diagnostics.xStar, [0, 0, 0]);
});
