/**
 * Sweeps in the editor without `vscode`: the axis text the command and the side panel read, the
 * sweep panel's and side panel's messages as validated, and the sweep service on the real worker
 * pool — cells arrive once each, the finished sweep is stored and reopens, a cell opened as a run
 * has the cell's exact settings and counts (the run path is the oracle), export, stop, failure,
 * and a sweep replaced by a newer one whose late progress and cells never reach the newer one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { cellConfig, sweepPoints, type SweepCell, type SweepResult } from '../../src/engine/sweep';
import type { Notifier, PreparedSweep, SaveRequest, Saver, SweepExecutor } from '../../src/extension/ports';
import { PoolExecutor } from '../../src/extension/runSession';
import { parseSettings } from '../../src/extension/settings';
import { SweepService, cellRunInput } from '../../src/extension/sweepService';
import { SweepStore } from '../../src/extension/sweepStore';
import { parseFromSweepWebview, parseFromWebview } from '../../src/protocol/validateWebview';
import { RunFailure } from '../../src/runner/failure';
import { parseAxisValues, sweepCsv } from '../../src/view/sweep';

test('axis text: lists and start:stop:count, each value exact; what is wrong said', () => {
  assert.deepEqual(parseAxisValues('0, 0.15, 0.3'), [0, 0.15, 0.3]);
  assert.deepEqual(parseAxisValues(' 0.01 0.05;0.1 '), [0.01, 0.05, 0.1]);
  assert.deepEqual(parseAxisValues('0:1.2:7'), [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]);
  assert.deepEqual(parseAxisValues('0.5:0.5:1'), [0.5]);
  assert.deepEqual(parseAxisValues('1:0:3'), [1, 0.5, 0]);
  assert.match(parseAxisValues('') as string, /at least one value/);
  assert.match(parseAxisValues('0.1, x') as string, /"x" is not a number/);
  assert.match(parseAxisValues('0:1:0') as string, /count .* \[1, 64\], got 0/);
  assert.match(parseAxisValues('0:1:2.5') as string, /integer/);
});

test('sweep panel messages: each field checked, anything else dropped', () => {
  assert.deepEqual(parseFromSweepWebview({ type: 'openCell', sweepId: '20261130T120000000Z-ab12', index: 3 }), {
    type: 'openCell',
    sweepId: '20261130T120000000Z-ab12',
    index: 3,
  });
  assert.deepEqual(parseFromSweepWebview({ type: 'exportSweep', format: 'csv' }), { type: 'exportSweep', format: 'csv' });
  assert.deepEqual(parseFromSweepWebview({ type: 'stop' }), { type: 'stop' });
  for (const bad of [
    { type: 'openCell', sweepId: 'x', index: -1 },
    { type: 'openCell', sweepId: 'x', index: 4096 },
    { type: 'openCell', sweepId: 'x', index: 1.5 },
    { type: 'openCell', sweepId: '../x', index: 1 },
    { type: 'openCell', sweepId: 'x', index: 1, extra: true },
    { type: 'exportSweep', format: 'xml' },
    { type: 'exportPng', name: 'a/b', dataUrl: 'data:image/png;base64,AAAA' },
    { type: 'exportPng', name: 'ok', dataUrl: 'data:image/jpeg;base64,AAAA' },
    { type: 'run', settings: {} },
    { type: 'stop', now: 1 },
    null,
  ]) {
    assert.equal(parseFromSweepWebview(bad), undefined, JSON.stringify(bad));
  }
  // The side panel's Sweep: the grid as SWEEP.json's `sweep`, the settings as a run's.
  assert.deepEqual(parseFromWebview({ type: 'sweep', exportName: 'f', settings: { trials: 5 }, grid: { radius: [0, 0.3], lr: [0.1] } }), {
    type: 'sweep',
    exportName: 'f',
    settings: { trials: 5 },
    grid: { radius: [0, 0.3], lr: [0.1] },
  });
  for (const bad of [
    { type: 'sweep', settings: {}, grid: { radius: [0.3, 0.3] } },
    { type: 'sweep', settings: {}, grid: { radius: [-1] } },
    { type: 'sweep', settings: {}, grid: { lr: [0] } },
    { type: 'sweep', settings: {}, grid: {} },
    { type: 'sweep', settings: { trials: 0 }, grid: { lr: [0.1] } },
    { type: 'sweep', settings: {}, grid: { lr: [0.1], colour: [1] } },
    { type: 'openSweep', sweepId: '' },
  ]) {
    assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
  }
});

// ---- the service on the real worker pool ----

class RecordingNotifier implements Notifier {
  logs: string[] = [];
  infos: string[] = [];
  warnings: string[] = [];
  failures: RunFailure[] = [];
  log(line: string): void {
    this.logs.push(line);
  }
  info(m: string): void {
    this.infos.push(m);
  }
  warn(m: string): void {
    this.warnings.push(m);
  }
  runFailed(f: RunFailure): void {
    this.failures.push(f);
  }
  fileBuilt(): void {}
  showPanel(): void {}
}

class RecordingSaver implements Saver {
  saved: Array<{ request: SaveRequest; target?: string }> = [];
  async save(request: SaveRequest, target?: string): Promise<string | undefined> {
    this.saved.push({ request, target });
    return target ?? `/w/${request.name}`;
  }
}

const dirs: string[] = [];
let work = '';
let workerScript = '';
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'sgd-sweep-host-'));
  dirs.push(work);
  workerScript = join(work, 'worker.js');
  await esbuild.build({
    entryPoints: [new URL('../../src/runner/worker.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: workerScript,
    logLevel: 'silent',
  });
  // A tilted double well: a shallow minimum near x = 0.9 and the global one near x = −1.
  writeFileSync(join(work, 'wells.ts'), 'export function wells(x: number): number {\n  return (x * x - 1) ** 2 + 0.3 * x;\n}\n');
  writeFileSync(
    join(work, 'bad.ts'),
    'export function bad(x: number): number {\n  if (x > 0.5) throw new Error("no");\n  return x * x;\n}\n',
  );
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup(settingsRaw: Record<string, unknown> = {}) {
  const executor = new PoolExecutor({ workerScript, bundleDir: join(work, 'bundles') });
  const notifier = new RecordingNotifier();
  const saver = new RecordingSaver();
  const settings = parseSettings({ trials: 12, steps: 60, resolution: 41, workers: 1, ...settingsRaw });
  let panel = 0;
  const deps = {
    store: new SweepStore(join(work, 'sweeps')),
    executor,
    clock: {
      now: () => Date.now(),
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    },
    notifier,
    showPanel: () => void panel++,
    saver,
    env: {
      readSettings: () => settings,
      readSource: (f: string) => readFile(f, 'utf8'),
      relativePath: (f: string) => f,
      isTrusted: () => true,
    },
  };
  const service = new SweepService(deps);
  return { service, executor, notifier, saver, settings, deps, panels: () => panel };
}

test('a sweep through the pool: cells once each, stored, reopened; a cell as a run has its settings and counts', async () => {
  const { service, executor, notifier, saver, settings, deps, panels } = setup();
  const file = join(work, 'wells.ts');
  const seen: Array<[number, SweepCell]> = [];
  service.onDidFinishCell((e) => seen.push([e.index, e.cell]));
  try {
    await service.start({ file, exportName: 'wells', grid: { radius: [0, 0.4, 1.2], lr: [0.02, 0.1] }, overrides: { seed: 'sweep-7' } });
    assert.equal(service.state.status.kind, 'idle', JSON.stringify(service.state.status) + notifier.logs.join('\n'));
    assert.equal(panels(), 1, 'the sweep panel was shown');
    const view = service.state.current!;
    assert.equal(view.cells.length, 6);
    assert.deepEqual(seen.map(([i]) => i).sort(), [0, 1, 2, 3, 4, 5], 'every cell arrived once');
    for (const [i, cell] of seen) assert.deepEqual(view.cells[i], cell, `cell ${i} as streamed`);
    assert.deepEqual(view.axes, { radius: [0, 0.4, 1.2], lr: [0.02, 0.1] });
    assert.equal(view.config.seed, 'sweep-7');
    // Stored: the index and the sweep; listed.
    assert.equal(service.sweeps.length, 1);
    assert.match(service.sweeps[0]!.label, /^wells — wells\.ts: 3 × 2 sweep$/);
    assert.deepEqual(readdirSync(join(work, 'sweeps')).sort(), ['index.json', `${view.sweepId}.json`].sort());

    // Cell 4 (lr 0.1, radius 0.4) as an ordinary run, through the run path.
    const request = service.cellRequest(view.sweepId, 4)!;
    assert.deepEqual(request.overrides, cellRunInput(view.config, 4));
    const prepared = await executor.prepare({
      request,
      sourceText: await readFile(file, 'utf8'),
      settings,
      signal: new AbortController().signal,
    });
    const expected = cellConfig(view.config, sweepPoints(view.config)[4]!);
    assert.deepEqual(prepared.config, expected, 'the run resolves to the cell’s exact settings');
    const run = await prepared.run({ signal: new AbortController().signal, onProgress: () => undefined, onPartial: () => undefined });
    const cell = view.cells[4]!;
    assert.equal(cell.lr, 0.1);
    assert.equal(cell.radius, 0.4);
    assert.equal(run.diagnostics.successSgd, cell.success, 'same seed, same count');
    assert.equal(run.diverged, cell.diverged);
    assert.equal(run.diagnostics.successGd / run.config.trials, cell.gdSuccessRate);

    // Export: SWEEP-RESULT.json and CSV of the shown sweep.
    await service.exportSweep('json', join(work, 'out.json'));
    await service.exportSweep('csv');
    const json = JSON.parse(new TextDecoder().decode(saver.saved[0]!.request.data)) as SweepResult;
    assert.equal(saver.saved[0]!.target, join(work, 'out.json'));
    // JSON has null where the engine has NaN (c without noise).
    assert.deepEqual(json.cells, JSON.parse(JSON.stringify(view.cells)));
    assert.deepEqual(json.config, view.config);
    assert.equal(new TextDecoder().decode(saver.saved[1]!.request.data), sweepCsv(json));
    assert.match(saver.saved[1]!.request.name, /^wells-sweep-.*\.csv$/);

    // A new window: the stored sweep lists and reopens with the same cells.
    const again = new SweepService({ ...deps, store: new SweepStore(join(work, 'sweeps')) });
    await again.init();
    assert.deepEqual(again.sweeps, service.sweeps);
    await again.open(view.sweepId);
    assert.deepEqual(again.state.current!.cells, JSON.parse(JSON.stringify(view.cells)));
    assert.deepEqual(again.state.current!.config, view.config);
    await again.open('20200101T000000000Z-none');
    assert.match(notifier.warnings.at(-1)!, /no longer stored/);
    again.dispose();
  } finally {
    service.dispose();
    executor.dispose();
  }
});

test('stopping a sweep keeps the cells done so far, marks it incomplete and stores nothing', async () => {
  const { service, executor, saver, notifier } = setup({ trials: 20, steps: 400 });
  const file = join(work, 'wells.ts');
  let arrived = 0;
  service.onDidFinishCell(() => {
    if (++arrived === 1) service.stop();
  });
  const stored = (await new SweepStore(join(work, 'sweeps')).load()).sweeps.length;
  try {
    await service.start({ file, exportName: 'wells', grid: { radius: [0.1, 0.2, 0.3, 0.4], lr: [0.01, 0.02, 0.03] } });
    assert.equal(service.state.status.kind, 'cancelled');
    const view = service.state.current!;
    assert.equal(view.incomplete, true);
    const done = view.cells.filter((c) => c !== null).length;
    assert.ok(done >= 1 && done < 12, `${done} of 12 cells done`);
    assert.equal((await new SweepStore(join(work, 'sweeps')).load()).sweeps.length, stored, 'not stored');
    await service.exportSweep('json');
    assert.equal(saver.saved.length, 0);
    assert.match(notifier.infos.at(-1)!, /did not finish/);
    assert.equal(notifier.failures.length, 0, 'a stop is not a failure');
  } finally {
    service.dispose();
    executor.dispose();
  }
});

test('a failing loss or a bad grid: status error naming the file, the toast, nothing stored', async () => {
  const { service, executor, notifier } = setup();
  try {
    await service.start({ file: join(work, 'bad.ts'), exportName: 'bad', grid: { radius: [0.5], lr: [0.05, 0.1] } });
    const status = service.state.status;
    assert.equal(status.kind, 'error');
    assert.match((status as { message: string }).message, /bad\.ts/);
    assert.equal(notifier.failures.length, 1);
    // A radius axis over a noise-free first stage is refused by the engine's resolveSweep.
    await service.start({ file: join(work, 'wells.ts'), exportName: 'wells', grid: { radius: [0.5] }, overrides: { noise: 'none' } });
    assert.match((service.state.status as { message: string }).message, /grid\.radius: sweeps the first stage's noise radius/);
  } finally {
    service.dispose();
    executor.dispose();
  }
});

test('a second sweep overtakes the first: the first one’s late progress and cells never reach the second’s status or view', async () => {
  const { executor, deps } = setup();
  // Each sweep's run waits at a gate the test opens; its hooks are kept to call them late.
  type Hooks = Parameters<PreparedSweep['run']>[0];
  const held: Array<{ hooks: Hooks; open(): Promise<SweepResult>; stop(): void }> = [];
  const reached: Array<() => void> = [];
  const holding: SweepExecutor = {
    async prepareSweep(args) {
      const prepared = await executor.prepareSweep(args);
      return {
        ...prepared,
        run: (hooks) =>
          new Promise<SweepResult>((resolve, reject) => {
            held.push({
              hooks,
              open: () => prepared.run(hooks).then((r) => (resolve(r), r)),
              stop: () => reject(RunFailure.cancelled(args.request.exportName)),
            });
            reached.shift()?.();
          }),
      };
    },
  };
  let ids = 0;
  const service = new SweepService({ ...deps, executor: holding, newId: () => `sweep-${++ids}` });
  const statuses: string[] = [];
  service.onDidChangeStatus((s) => statuses.push(s.kind === 'running' ? `${s.runId} ${s.done}/${s.total}` : s.kind));
  const cells: string[] = [];
  service.onDidFinishCell((e) => cells.push(`${e.sweepId} ${e.index}`));
  const file = join(work, 'wells.ts');
  const grid = { radius: [0.1, 0.2], lr: [0.02] };
  try {
    const first = service.start({ file, exportName: 'wells', grid });
    await new Promise<void>((r) => reached.push(r));
    const second = service.start({ file, exportName: 'wells', grid });
    await new Promise<void>((r) => reached.push(r));
    const [a, b] = held as [(typeof held)[0], (typeof held)[0]];
    assert.ok(a.hooks.signal.aborted, 'the first sweep was told to stop');
    const secondStarted = { kind: 'running', runId: 'sweep-2', label: `sweep of wells — ${file}`, phase: 'sweep', done: 0, total: 1 };
    assert.deepEqual(service.state.status, secondStarted);

    // The first sweep's work goes on regardless and reports late: none of it shows.
    a.hooks.onProgress(1, 2);
    a.hooks.onCell(0, { lr: 0.02, radius: 0.1 } as SweepCell);
    assert.deepEqual(service.state.status, secondStarted);
    assert.deepEqual(service.state.current!.cells, [null, null]);
    assert.deepEqual(statuses, [], 'no status for the replaced sweep');
    assert.deepEqual(cells, [], 'no cell for the replaced sweep');

    // The second's own progress shows; it finishes with its cells.
    b.hooks.onProgress(1, 2);
    assert.deepEqual(statuses, ['sweep-2 1/2']);
    a.stop();
    await first;
    const result = await b.open();
    await second;
    assert.equal(service.state.status.kind, 'idle');
    assert.equal(service.state.current!.sweepId, 'sweep-2');
    assert.deepEqual(service.state.current!.cells, result.cells);
    assert.deepEqual(cells.sort(), ['sweep-2 0', 'sweep-2 1']);
  } finally {
    service.dispose();
    executor.dispose();
  }
});
