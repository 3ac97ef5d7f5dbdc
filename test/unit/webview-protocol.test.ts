import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPARE_MAX, type HostState } from '../../src/protocol/webview';
import { explainRejection, parseFromWebview } from '../../src/protocol/validateWebview';
import { stateMessage, toViewResult } from '../../src/extension/viewModel';
import { receiveState } from '../../webview/shared/receive';
import { PACK_MIN, packNumbers, unpackNumbers, type PackedNumbers } from '../../src/protocol/packNumbers';
import { makeResult } from '../fixtures/webview-result';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

test('accepts every message type in its valid form', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseFromWebview({ type: 'stop' }), { type: 'stop' });
  assert.deepEqual(parseFromWebview({ type: 'showPanel' }), { type: 'showPanel' });
  assert.deepEqual(parseFromWebview({ type: 'openRun', runId: '2026-11-26T03:00:00.000Z-ab12' }), {
    type: 'openRun',
    runId: '2026-11-26T03:00:00.000Z-ab12',
  });
  assert.deepEqual(parseFromWebview({ type: 'exportRun', format: 'csv' }), { type: 'exportRun', format: 'csv' });
  assert.deepEqual(parseFromWebview({ type: 'exportPng', name: 'spiky-landscape', dataUrl: PNG }), {
    type: 'exportPng',
    name: 'spiky-landscape',
    dataUrl: PNG,
  });
  assert.deepEqual(parseFromWebview({ type: 'reveal', file: '/w/loss.ts', line: 12 }), { type: 'reveal', file: '/w/loss.ts', line: 12 });
});

test('run: the side panel’s full settings pass, with stages, boxes and decay', () => {
  const settings = {
    lr: 0.05,
    radius: 0.3,
    noise: 'uniform',
    steps: 500,
    trials: 100,
    seed: '7',
    dim: 1,
    resolution: 0,
    init: { low: [-3], high: [3] },
    stages: [
      { lr: 0.05, radius: 0.3, noise: 'uniform', steps: 500, init: { low: [-3], high: [3] } },
      { lr: 0.05, radius: 0.15, noise: 'cube', steps: 500, decay: { kind: 'step', every: 100, factor: 0.5 } },
    ],
    compareGd: true,
    histogramBin: 0.06,
  };
  const m = parseFromWebview({ type: 'run', exportName: 'spiky', settings });
  assert.ok(m && m.type === 'run');
  assert.equal(m.exportName, 'spiky');
  assert.deepEqual(m.settings, settings);
  // a numeric seed is accepted and kept as a string
  const n = parseFromWebview({ type: 'run', settings: { seed: 42 } });
  assert.ok(n && n.type === 'run');
  assert.equal(n.settings.seed, '42');
});

test('rejects unknown types, unknown fields and non-objects', () => {
  for (const raw of [
    null,
    1,
    'ready',
    [],
    { type: 'nope' },
    { type: 'ready', extra: 1 },
    { type: 'run', settings: { lr: 0.1, evil: 1 } },
    { type: 'run', settings: {}, command: 'x' },
  ]) {
    assert.equal(parseFromWebview(raw), undefined, JSON.stringify(raw));
  }
});

test('rejects non-finite and out-of-range numbers', () => {
  const bad = [
    { lr: NaN },
    { lr: Infinity },
    { lr: 0 },
    { lr: -0.1 },
    { lr: 1e9 },
    { radius: -1 },
    { steps: 1.5 },
    { steps: 0 },
    { dim: 0 },
    { trials: 0 },
    { trials: 2e6 },
    { dim: 20_000 },
    { resolution: 2 },
    { histogramBin: 0 },
    { noise: 'laplace' },
    { stages: [] },
    { stages: Array(65).fill({ lr: 0.1 }) },
    { stages: [{ lr: '0.1' }] },
    { stages: [{ steps: 10, bogus: true }] },
    { init: { low: [1], high: [0] } },
    { init: { low: [0, 0], high: [1] } },
    { init: { low: [NaN], high: [1] } },
    { xStar: [] },
    { xStar: Array(10_001).fill(0) },
    { seed: '' },
    { seed: 'x'.repeat(201) },
    { compareGd: 'yes' },
    { stages: [{ decay: { kind: 'step', every: 0, factor: 0.5 } }] },
    { stages: [{ decay: { kind: 'magic' } }] },
  ];
  for (const settings of bad) {
    assert.equal(parseFromWebview({ type: 'run', settings }), undefined, JSON.stringify(settings));
    assert.match(explainRejection({ type: 'run', settings }) ?? '', /settings/);
  }
});

test('rejects bad names, ids, data URLs, formats and lines', () => {
  assert.equal(parseFromWebview({ type: 'run', exportName: 'not a name', settings: {} }), undefined);
  assert.equal(parseFromWebview({ type: 'run', exportName: 'x'.repeat(201), settings: {} }), undefined);
  assert.equal(parseFromWebview({ type: 'openRun', runId: '../../etc/passwd' }), undefined);
  assert.equal(parseFromWebview({ type: 'openRun', runId: '' }), undefined);
  assert.equal(parseFromWebview({ type: 'exportPng', name: 'a/b', dataUrl: PNG }), undefined);
  assert.equal(parseFromWebview({ type: 'exportPng', name: '..', dataUrl: PNG }), undefined);
  assert.equal(parseFromWebview({ type: 'exportPng', name: 'ok', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }), undefined);
  assert.equal(parseFromWebview({ type: 'exportPng', name: 'ok', dataUrl: 'data:image/png;base64,<script>' }), undefined);
  assert.equal(parseFromWebview({ type: 'exportRun', format: 'xlsx' }), undefined);
  assert.equal(parseFromWebview({ type: 'reveal', file: '/a.ts', line: -1 }), undefined);
  assert.equal(parseFromWebview({ type: 'reveal', file: '/a.ts', line: 1.5 }), undefined);
  assert.equal(parseFromWebview({ type: 'reveal', file: 'x'.repeat(5000), line: 1 }), undefined);
  assert.equal(explainRejection({ type: 'ready' }), undefined);
  assert.match(explainRejection({ type: 'zap' }) ?? '', /unknown type zap/);
});

test('toViewResult drops per-trial checkpoints and gradient norms and keeps what is drawn', () => {
  const r = makeResult({ trials: 60, steps: 100, checkpoints: 20 });
  const v = toViewResult(r, 'run-1');
  for (const m of [v.sgd, v.gd!]) {
    assert.deepEqual(Object.keys(m).sort(), [
      'diverged',
      'divergedMask',
      'finalLoss',
      'finals',
      'pathSteps',
      'pathTrials',
      'paths',
      'snapshotSteps',
      'snapshots',
      'stageFinals',
    ]);
  }
  assert.equal('finals' in v, false);
  assert.equal(v.sgd.finals, r.sgd.finals);
  assert.equal(v.landscape, r.landscape);
  assert.equal(v.diagnostics, r.diagnostics);
  assert.deepEqual(v.source, r.source);
  assert.equal(toViewResult({ ...r, gd: undefined }, 'run-2').gd, undefined);
});

test('toViewResult keeps a 1000-trial × 5000-step result small', () => {
  const r = makeResult({ trials: 1000, steps: 5000, checkpoints: 100, trajectoryPoints: 200, sampleTrajectories: 20 });
  const full = JSON.stringify(r).length;
  const view = JSON.stringify(toViewResult(r, 'run-3')).length;
  // The result itself is light since version 2 (checkpoints of the sampled trials only): the view
  // still leaves out what is not drawn.
  assert.ok(view < full, `view ${view} vs full ${full}`);
  assert.ok(view < 1_000_000, `view message is ${view} characters`);
});

test('stateMessage leaves out the run the webview already has; receiveState puts it back', () => {
  const current = toViewResult(makeResult({ trials: 5, steps: 20 }), 'run-4');
  const state: HostState = { status: { kind: 'idle' }, runs: [], current };
  const first = stateMessage(state, undefined);
  assert.equal(first.keepCurrent, undefined);
  assert.equal(first.state.current, current);
  const again = stateMessage({ ...state, runs: [] }, current);
  assert.equal(again.keepCurrent, true);
  assert.equal('current' in again.state, false);
  assert.equal(receiveState(again, state).current, current);
  // another run object is sent in full, and an emptied state stays empty
  const other = toViewResult(makeResult({ trials: 5, steps: 20, seed: 9 }), 'run-5');
  assert.equal(stateMessage({ ...state, current: other }, current).state.current, other);
  const cleared = stateMessage({ status: { kind: 'idle' }, runs: [] }, current);
  assert.equal(cleared.keepCurrent, undefined);
  assert.equal(receiveState(cleared, state).current, undefined);
});

test('compareRuns: none (close) or 2 to COMPARE_MAX distinct run ids; anything else is dropped', () => {
  assert.deepEqual(parseFromWebview({ type: 'compareRuns', runIds: [] }), { type: 'compareRuns', runIds: [] });
  assert.deepEqual(parseFromWebview({ type: 'compareRuns', runIds: ['a-1', 'b:2'] }), { type: 'compareRuns', runIds: ['a-1', 'b:2'] });
  const bad: unknown[] = [
    { type: 'compareRuns', runIds: ['only-one'] },
    { type: 'compareRuns', runIds: Array.from({ length: COMPARE_MAX + 1 }, (_, i) => `r${i}`) },
    { type: 'compareRuns', runIds: ['a', 'a'] },
    { type: 'compareRuns', runIds: ['a', '../b'] },
    { type: 'compareRuns', runIds: ['a', 7] },
    { type: 'compareRuns', runIds: 'a,b' },
    { type: 'compareRuns', runIds: ['a', 'b'], extra: 1 },
  ];
  for (const m of bad) assert.equal(parseFromWebview(m), undefined, JSON.stringify(m).slice(0, 80));
  assert.ok(parseFromWebview({ type: 'compareRuns', runIds: Array.from({ length: COMPARE_MAX }, (_, i) => `r${i}`) }));
});

test('stateMessage leaves out the comparison the webview already has; receiveState puts it back', () => {
  const a = toViewResult(makeResult({ trials: 5, steps: 20 }), 'run-a');
  const compare = { runs: [a, toViewResult(makeResult({ trials: 5, steps: 20, seed: 3 }), 'run-b')], missing: [] };
  const state: HostState = { status: { kind: 'idle' }, runs: [], current: a, compare };
  const first = stateMessage(state, undefined, undefined);
  assert.equal(first.state.compare, compare);
  const again = stateMessage(state, a, compare);
  assert.equal(again.keepCompare, true);
  assert.equal(again.keepCurrent, true);
  assert.equal('compare' in again.state, false);
  const back = receiveState(again, state);
  assert.equal(back.compare, compare);
  assert.equal(back.current, a);
  // Closed: the webview drops it.
  const closed = stateMessage({ status: { kind: 'idle' }, runs: [], current: a }, a, compare);
  assert.equal(receiveState(closed, state).compare, undefined);
});

test('packNumbers / unpackNumbers: the page gets what JSON would have carried, the long arrays in one binary buffer', () => {
  for (const dim of [1, 2, 3]) {
    const view = toViewResult(makeResult({ dim }), `run-${dim}`);
    // What JSON makes of NaN, ±Infinity and −0, in a grid and in a flat array.
    const f = view.landscape.f as Array<number | number[]>;
    if (Array.isArray(f[0])) {
      (f[0] as number[])[0] = NaN;
      (f[1] as number[])[1] = -Infinity;
      (f[2] as number[])[2] = -0;
    } else {
      f[0] = NaN;
      f[1] = Infinity;
      f[2] = -0;
    }
    const message = { type: 'state' as const, state: { current: view, runs: [], status: { kind: 'idle' as const } } };
    const before = JSON.stringify(message);
    const packed = packNumbers(message);
    assert.equal(JSON.stringify(message), before, 'the host state is not changed');
    const { text, buffers } = vscodeSerialize(packed);
    assert.equal(buffers.length, 1, `${dim}-D: one buffer`);
    // The sgd method is one of the methods: its arrays go once.
    const roles = view.methods!.findIndex((m) => m.role === 'sgd');
    assert.equal(view.sgd.finals, view.methods![roles].finals);
    assert.ok((packed.state.current!.sgd.finals as unknown as PackedNumbers).$numbers instanceof Float64Array);
    assert.equal(
      (packed.state.current!.sgd.finals as unknown as PackedNumbers).$numbers,
      (packed.state.current!.methods![roles].finals as unknown as PackedNumbers).$numbers,
    );
    assert.ok(text.length < before.length / 4, `${dim}-D: ${text.length} characters of JSON left of ${before.length}`);
    assert.deepEqual(unpackNumbers(vscodeDeserialize(text, buffers)), JSON.parse(before), `${dim}-D`);
  }
  // Short arrays, ragged rows, strings and rows holding null (a stored run's gaps) go as they are.
  const small = { a: [1, 2, 3], ragged: [[1, 2], [3]], gaps: [Array.from({ length: 100 }, (_, i) => (i === 5 ? null : i))], s: 'x' };
  assert.deepEqual(packNumbers(small), small);
  const flat = { v: Array.from({ length: PACK_MIN }, (_, i) => i / 3) };
  assert.ok((packNumbers(flat).v as unknown as PackedNumbers).$numbers instanceof Float64Array);
  const { text, buffers } = vscodeSerialize(packNumbers(flat));
  assert.deepEqual(unpackNumbers(vscodeDeserialize(text, buffers)), flat);
  // An array held twice (a view's sgd is one of its methods) is carried once, and arrives twice.
  const twice = { a: flat.v, b: { c: flat.v } };
  const sent = vscodeSerialize(packNumbers(twice));
  assert.equal(sent.buffers[0].byteLength, 8 * PACK_MIN);
  assert.deepEqual(unpackNumbers(vscodeDeserialize(sent.text, sent.buffers)), { a: flat.v, b: { c: flat.v } });
});

/**
 * What VS Code does with a message posted to a webview (extHostWebviewMessaging.ts, for extensions
 * built for VS Code ≥ 1.57): JSON text, with each typed array's buffer carried beside it as bytes
 * and the array revived on the same buffer.
 */
function vscodeSerialize(message: unknown): { text: string; buffers: ArrayBufferLike[] } {
  const buffers: ArrayBufferLike[] = [];
  const text = JSON.stringify(message, (_k, v: unknown) => {
    if (!(v instanceof Float64Array)) return v;
    if (!buffers.includes(v.buffer)) buffers.push(v.buffer);
    return { $$buffer: buffers.indexOf(v.buffer), byteOffset: v.byteOffset, byteLength: v.byteLength };
  });
  return { text, buffers };
}

function vscodeDeserialize(text: string, buffers: ArrayBufferLike[]): unknown {
  const copies = buffers.map((b) => b.slice(0));
  return JSON.parse(text, (_k, v: unknown) => {
    const ref = v as { $$buffer?: number; byteOffset: number; byteLength: number } | null;
    return ref && typeof ref === 'object' && typeof ref.$$buffer === 'number'
      ? new Float64Array(copies[ref.$$buffer], ref.byteOffset, ref.byteLength / 8)
      : v;
  });
}
