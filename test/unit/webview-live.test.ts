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
  assert.ok(v.diagnostics.histogram.edges.length > 1, 'the histogram has its bins before any trial is done');
  assert.ok(v.diagnostics.histogram.sgd.every((c) => c === 0));
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

// ---- histograms: the engine bins what the panel shows; checked by counting by hand ----

/** Trials per 1-D bin of width `bin` from `lo` (the top edge counts in the last bin), counted one by one. */
function countByHand(values: number[], lo: number, bin: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const k = Math.floor((v - lo) / bin + 1e-12);
    if (k >= 0 && k < bins) counts[k]!++;
    else if (Math.abs(v - (lo + bins * bin)) < 1e-12) counts[bins - 1]!++;
  }
  return counts;
}

test('toLiveView: the trials done so far are binned as the finished run will be (1-D, 2-D)', () => {
  const r = makeResult({ trials: 40, steps: 60, dim: 1 });
  const k = 25;
  const part = (m: typeof r.sgd) => ({ ...m, finals: m.finals.slice(0, k), divergedMask: m.divergedMask.slice(0, k) });
  const v = toLiveView('run-7', r.config, { landscape: r.landscape, sgd: part(r.sgd), gd: part(r.gd!), trialsDone: k }, r.startedAt).view!;
  const h = v.diagnostics.histogram;
  // Bins of histogramBin (0.06) from the domain's low end over [-3, 3]: 100 of them.
  assert.equal(h.edges.length, 101);
  assert.ok(Math.abs(h.edges[0]! + 3) < 1e-12 && Math.abs(h.edges[100]! - 3) < 1e-9);
  const hand = (m: typeof r.sgd) =>
    countByHand(
      m.finals.slice(0, k).map((y) => y[0]!),
      -3,
      0.06,
      100,
    );
  assert.deepEqual(h.sgd, hand(r.sgd));
  assert.deepEqual(h.gd, hand(r.gd!));
  assert.equal(
    h.sgd.reduce((a, b) => a + b, 0),
    k,
  );

  const r2 = makeResult({ trials: 30, steps: 40, dim: 2 });
  const v2 = toLiveView('run-8', r2.config, { landscape: r2.landscape, sgd: part(r2.sgd), trialsDone: k }, r2.startedAt).view!;
  const h2 = v2.diagnostics.histogram;
  // 40 × 40 cells over [-3, 3]²; counts[iy][ix].
  const byHand = Array.from({ length: 40 }, () => new Array<number>(40).fill(0));
  for (const y of r2.sgd.finals.slice(0, k)) {
    const ix = Math.min(39, Math.floor((y[0]! + 3) / 0.15));
    const iy = Math.min(39, Math.floor((y[1]! + 3) / 0.15));
    if (ix >= 0 && iy >= 0) byHand[iy]![ix]!++;
  }
  assert.deepEqual(h2.sgd2d, byHand);
  assert.equal(
    h2.gd2d?.flat().reduce((a, b) => a + b, 0),
    0,
    'no GD trial done yet',
  );
});

test("stageHistograms: where the trials are after each stage but the last, on the run's bins", () => {
  const stages = [
    { lr: 0.02, radius: 0.3, noise: 'cube' as const },
    { lr: 0.02, radius: 0.15, noise: 'cube' as const, init: { low: [-1.5], high: [1.5] } },
    { lr: 0.02, radius: 0.05, noise: 'cube' as const, init: { low: [-0.5], high: [0.5] } },
  ];
  const r = makeResult({ trials: 50, steps: 80, dim: 1, stages });
  // A trial that diverged in stage 1 has no finite place after it: not counted.
  r.sgd.stageFinals[0]![3] = [NaN];
  const v = toViewResult(r, 'run-9');
  assert.equal(v.stageHistograms.length, 2);
  v.stageHistograms.forEach((h, i) => {
    assert.equal(h.edges.length, 101);
    assert.deepEqual(
      h.sgd,
      countByHand(
        r.sgd.stageFinals[i]!.map((y) => y[0]!),
        -3,
        0.06,
        100,
      ),
    );
    assert.deepEqual(
      h.gd,
      countByHand(
        r.gd!.stageFinals[i]!.map((y) => y[0]!),
        -3,
        0.06,
        100,
      ),
    );
  });
  assert.equal(
    v.stageHistograms[0]!.sgd.reduce((a, b) => a + b, 0),
    49,
  );
  // A one-stage run has none; d > 2 bins the distance to x* after the stage.
  assert.deepEqual(toViewResult(makeResult({ trials: 5, steps: 10 }), 'run-10').stageHistograms, []);
  const r5 = makeResult({ trials: 20, steps: 30, dim: 5, stages: stages.map(({ init: _init, ...s }) => s) });
  const h5 = toViewResult(r5, 'run-11').stageHistograms[1]!;
  const diameter = Math.sqrt(5 * 36);
  assert.deepEqual(
    h5.sgd,
    countByHand(
      r5.sgd.stageFinals[1]!.map((y) => Math.hypot(...y.map((c, j) => c - r5.diagnostics.xStar[j]!))),
      0,
      diameter / 40,
      40,
    ),
  );
});

test('snapshotHistograms: 1-D, every trial at each snapshot step on the run’s bins, diverged trials (null) left out; none for 2-D or old results', () => {
  const r = makeResult({ trials: 30, steps: 60, dim: 1 });
  const at = (shift: number) => r.sgd.finals.map((y, t) => (t === 4 ? null : [y[0]! * 0.5 + shift]));
  for (const m of new Set([r.sgd, r.gd!, ...(r.methods ?? [])])) {
    m.snapshotSteps = [0, 20, 40];
    m.snapshots = [at(0.5), at(0.25), at(0)];
  }
  const v = toViewResult(r, 'run-snap');
  assert.equal(v.snapshotHistograms.length, 3);
  v.snapshotHistograms.forEach((h, s) => {
    const values = r.sgd.snapshots[s]!.filter((y) => y !== null).map((y) => y![0]!);
    assert.equal(values.length, 29);
    assert.deepEqual(h.sgd, countByHand(values, -3, 0.06, 100));
  });
  assert.deepEqual(v.sgd.snapshotSteps, [0, 20, 40]);
  const plane = makeResult({ trials: 5, steps: 10, dim: 2 });
  plane.sgd.snapshotSteps = [0, 5];
  plane.sgd.snapshots = [plane.sgd.starts, plane.sgd.starts];
  assert.deepEqual(toViewResult(plane, 'run-plane').snapshotHistograms, []);
  // A result stored before snapshots existed.
  const old = makeResult({ trials: 5, steps: 10, dim: 1 }) as unknown as Record<string, Record<string, unknown>>;
  delete old.sgd!.snapshots;
  delete old.sgd!.snapshotSteps;
  const ov = toViewResult(old as never, 'run-old');
  assert.deepEqual([ov.sgd.snapshots, ov.sgd.snapshotSteps, ov.snapshotHistograms], [[], [], []]);
});
