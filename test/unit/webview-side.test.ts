/**
 * What the side panel receives (`toSideMessage`, src/extension/viewModel.ts): of a real run at the
 * paper's scale (2-D Rastrigin, 100 trials × 2000 steps, GD on, central differences: the e2e
 * test 6-large-run's file, run here by the engine in one thread), everything the side panel's
 * summary, status line and small landscape read — the texts from what it receives equal the
 * panel's from the full view, through the same packing the StateChannel does — in a fraction of
 * the bytes (what is left is the one g grid the small chart draws; in 2-D the colour-scale kind the
 * panel's maps of f and g share comes computed, not as f's grid). And the "not the same run twice"
 * decisions survive the projection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { liveMessage, stateMessage, toLiveView, toSideMessage, toSideView, toViewResult } from '../../src/extension/viewModel';
import { packNumbers, unpackNumbers } from '../../src/protocol/packNumbers';
import type {
  HostState,
  SideHostState,
  SideLandscapeView,
  SideStateMessage,
  SideViewResult,
  StateMessage,
  ViewResult,
} from '../../src/protocol/webview';
import { receiveLive, receiveState } from '../../webview/shared/receive';
import { convexityText, divergenceSummary, runLabel, statusText, successText, theoremText } from '../../webview/shared/summary';
import { landscapeScale } from '../../webview/charts/heat';
import { makeResult } from '../fixtures/webview-result';

const rastrigin = (x: Float64Array) =>
  20 + x[0]! * x[0]! - 10 * Math.cos(2 * Math.PI * x[0]!) + x[1]! * x[1]! - 10 * Math.cos(2 * Math.PI * x[1]!);
const box = { low: [-5.12, -5.12], high: [5.12, 5.12] };
const config = resolveConfig(
  {
    function: 'rastriginFd',
    trials: 100,
    domain: box,
    init: box,
    stages: [{ lr: 0.002, radius: 0.3, noise: 'uniform', steps: 2000 }],
  },
  { dim: 2 },
);
const t0 = performance.now();
const result = runExperiment(rastrigin, undefined, config);
const runMs = performance.now() - t0;
const view = toViewResult(result, 'run-paper');
const state: HostState = {
  status: { kind: 'idle' },
  current: view,
  runs: [],
  compare: { runs: [view], missing: [] },
};

/** What crosses the channel: the message packed as the StateChannel posts it, then unpacked as the page does. */
function delivered<T>(message: T): T {
  return unpackNumbers(structuredClone(packNumbers(message)));
}

/** Bytes posted: the JSON text plus the one Float64Array VS Code carries beside it. */
function postedBytes(message: unknown): number {
  let buffer = 0;
  const json = JSON.stringify(packNumbers(message), (_k, v: unknown) => {
    if (v instanceof Float64Array) {
      buffer = v.buffer.byteLength;
      return undefined;
    }
    return v;
  });
  return json.length + buffer;
}

/**
 * What the small chart draws (webview/charts/landscape.ts drawSmallLandscape): the first g, f where
 * it is drawn (1-D, d > 2, or 2-D without g), and in 2-D the colour-scale kind — from `scale` when
 * the host sent it, else from f and every g as the panel's maps take it (heat.ts landscapeScale).
 */
function smallReads(v: SideLandscapeView) {
  const L = v.landscape;
  const g = L.smoothed[0];
  const plane = v.config.dim === 2;
  return {
    dim: v.config.dim,
    xStar: v.diagnostics.xStar,
    x: L.x,
    y: L.y,
    f: plane && g ? undefined : L.f,
    g: g && { radius: g.radius, values: g.values },
    scale: plane ? (L.scale ?? landscapeScale(L as { f: unknown; smoothed: typeof L.smoothed }, 'auto')) : undefined,
  };
}

/** The side panel's texts and small chart input (webview/sidebar/lastRun.ts renderSummary, renderSmallChart; main.ts the status line). */
function sideReads(v: SideViewResult) {
  const t1 = v.diagnostics.theorem1[v.diagnostics.theorem1.length - 1];
  const small: SideLandscapeView = v;
  return {
    runId: v.runId,
    label: runLabel(v),
    success: successText(v),
    diverged: divergenceSummary(v),
    convexity: convexityText(v),
    theorem: t1 ? theoremText(t1, v.config.stages.length) : undefined,
    status: [statusText({ kind: 'idle' }, v), statusText({ kind: 'error', message: 'x' }, v)],
    small: smallReads(small),
  };
}

test('the side panel reads the same from its projection as from the full view, in a fraction of the bytes', () => {
  assert.equal(view.config.dim, 2);
  assert.equal(view.config.stages[0]!.steps, 2000);
  assert.ok(view.gd, 'GD is on');
  const panel = delivered(stateMessage(state, undefined));
  const side = delivered(toSideMessage(stateMessage(state, undefined))) as SideStateMessage;
  assert.equal('compare' in side.state, false, 'no comparison: the panel draws it');
  const full = panel.state.current!;
  const mine = side.state.current!;
  const expected = sideReads(full);
  assert.deepEqual(sideReads(mine), expected);
  assert.ok(expected.success.length > 0 && expected.convexity.length > 0 && expected.theorem);
  // Nothing else came: no paths, finals, snapshots, histograms, c(y) grids or Figure 5 series.
  const keys = (o: object) => Object.keys(o).sort();
  assert.deepEqual(keys(mine), ['config', 'diagnostics', 'gd', 'landscape', 'methods', 'runId', 'sgd', 'startedAt', 'timing']);
  assert.deepEqual(keys(mine.sgd), ['diverged']);
  assert.deepEqual(keys(mine.diagnostics.convexity[0]!).includes('values'), false);

  const fullBytes = postedBytes(stateMessage(state, undefined));
  const sideBytes = postedBytes(toSideMessage(stateMessage(state, undefined)));
  const fullJson = JSON.stringify(view).length;
  const sideJson = JSON.stringify(toSideMessage(stateMessage(state, undefined))).length;
  console.log(
    `paper scale (2-D, 100 trials × 2000 steps, resolution ${view.config.resolution}, run ${Math.round(runMs)} ms): ` +
      `ViewResult ${fullJson} bytes of JSON, the side panel's state ${sideJson} (${((100 * sideJson) / fullJson).toFixed(1)}%); ` +
      `posted (packed, with the comparison): panel ${fullBytes} bytes, side panel ${sideBytes} (${((100 * sideBytes) / fullBytes).toFixed(1)}%)`,
  );
  // The one grid the small chart draws, g's 201 × 201 (40401 numbers, 323 kB packed), is nearly
  // all that is left: f's grid is not sent (2-D with a g), its scale kind is (`scale`).
  assert.equal(mine.landscape.f, undefined);
  assert.ok(mine.landscape.scale === 'linear' || mine.landscape.scale === 'log');
  const grid = 8 * view.landscape.x.length * view.landscape.y!.length;
  assert.ok(sideBytes < grid + 20_000, `${sideBytes} posted for ${grid} bytes of g's grid`);
  assert.ok(sideJson < 0.25 * fullJson, `${sideJson} of ${fullJson}`);
  assert.ok(sideBytes < 0.27 * fullBytes, `${sideBytes} of ${fullBytes}`);
});

test('toSideMessage keeps stateMessage\'s "not the same run again"; receiveState puts the kept run back', () => {
  const first = toSideMessage(stateMessage(state, undefined)) as SideStateMessage;
  assert.equal(first.keepCurrent, undefined);
  const had: SideHostState = first.state;
  const again = toSideMessage(stateMessage({ ...state, runs: [] }, view, state.compare)) as SideStateMessage;
  assert.equal(again.keepCurrent, true);
  assert.equal(again.state.current, undefined);
  assert.equal('keepCompare' in again, false);
  assert.equal(receiveState(again, had).current, had.current);
  const cleared = toSideMessage(stateMessage({ status: { kind: 'idle' }, runs: [] }, view)) as SideStateMessage;
  assert.equal(receiveState(cleared, had).current, undefined);
  // The panel's messages are as before.
  const panel: StateMessage = stateMessage(state, undefined);
  assert.equal(panel.state.current, view);
  assert.equal(panel.state.compare, state.compare);
  // `status` goes as it is.
  const status = { type: 'status' as const, status: { kind: 'cancelled' as const } };
  assert.equal(toSideMessage(status), status);
});

test('toSideMessage keeps liveMessage\'s "not the same landscape again"; receiveLive puts it back', () => {
  const r = makeResult({ trials: 20, steps: 50, dim: 2 });
  const first = toLiveView('run-live', r.config, { landscape: r.landscape, trialsDone: 0 }, r.startedAt);
  const second = toLiveView('run-live', r.config, { landscape: r.landscape, sgd: r.sgd, trialsDone: 20 }, r.startedAt);
  const m1 = toSideMessage(liveMessage(first, undefined));
  assert.ok(m1.type === 'live' && m1.live.view?.landscape);
  assert.deepEqual(Object.keys(m1.live).sort(), ['runId', 'view']);
  assert.deepEqual(Object.keys(m1.live.view).sort(), ['config', 'diagnostics', 'landscape']);
  const m2 = toSideMessage(liveMessage(second, first));
  assert.ok(m2.type === 'live' && m2.keepLandscape && m2.live.view);
  assert.equal('landscape' in m2.live.view, false);
  const back = receiveLive(JSON.parse(JSON.stringify(m2)), JSON.parse(JSON.stringify(m1.live)));
  assert.deepEqual(back.view!.landscape, JSON.parse(JSON.stringify(m1.live.view.landscape)));
  // A full view is assignable to what the side panel reads (the panel calls the same helpers with it).
  const asSide: SideViewResult = toViewResult(r, 'run-live') satisfies ViewResult;
  assert.ok(asSide.runId);
});

test("the small chart's grids and 2-D colour scale from the projection equal the full view's, on linear and on log maps, in 1-D, 2-D and d > 2", () => {
  const cases: Array<[string, ViewResult]> = [1, 2, 3].map((dim) => [
    `${dim}-D`,
    toViewResult(
      makeResult({
        dim,
        stages: [
          { lr: 0.02, radius: 0.3, noise: 'cube' },
          { lr: 0.01, radius: 0.1, noise: 'cube' },
        ],
      }),
      `r${dim}`,
    ),
  ]);
  // A 2-D f spanning decades (Rosenbrock-like: its low tenth under 1% of the range), and the same
  // with a g that does not: the maps share log because one of them needs it.
  const base = cases[1]![1];
  const decades = (g: number[] | number[][]) => (g as number[][]).map((row) => row.map((v) => Math.exp(3 * v)));
  const logF: ViewResult = { ...base, landscape: { ...base.landscape, f: decades(base.landscape.f) } };
  cases.push(['2-D, f spans decades', logF]);
  const kinds = new Set<string>();
  for (const [name, full] of cases) {
    const side = toSideView(full);
    assert.deepEqual(smallReads(side), smallReads(full), name);
    assert.ok(side.landscape.smoothed.length <= 1, `${name}: the first g only`);
    if (full.config.dim === 2) kinds.add(side.landscape.scale!);
  }
  assert.deepEqual([...kinds].sort(), ['linear', 'log'], 'both kinds met');
});
