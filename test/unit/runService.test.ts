/**
 * The run service without `vscode`: its lifecycle against a scripted runner, a manual clock, a
 * real run store in a temp folder, and recording notifier and saver. One test at the end runs
 * "GD vs SGD" through the real worker pool.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { ExperimentResult } from '../../src/engine/types';
import type { HostState, LiveView, RunStatus } from '../../src/protocol/webview';
import { RunFailure } from '../../src/runner/failure';
import type { RunPartial, RunProgress } from '../../src/runner/pool';
import type { Clock, HostEnvironment, Notifier, PreparedExperiment, RunExecutor, SaveRequest, Saver } from '../../src/extension/ports';
import { PoolExecutor, type RunRequest } from '../../src/extension/runSession';
import { RunService, WATCH_DEBOUNCE_MS } from '../../src/extension/runService';
import { RunStore } from '../../src/extension/runStore';
import { parseSettings, type ExtensionSettings } from '../../src/extension/settings';
import { makeResult } from '../fixtures/webview-result';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sgd-service-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Timers that fire only when the test advances the time. */
class ManualClock implements Clock {
  private t = Date.UTC(2026, 10, 30, 12, 0, 0);
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

interface ScriptedRun {
  request: RunRequest;
  settings: ExtensionSettings;
  signal: AbortSignal;
  progress(p: RunProgress): void;
  partial(p: RunPartial): void;
  succeed(result: ExperimentResult): void;
  fail(e: unknown): void;
}

/** A runner whose runs end when the test says so; like the pool, an abort rejects with a cancellation unless `ignoreAbort`. */
class ScriptedExecutor implements RunExecutor {
  readonly runs: ScriptedRun[] = [];
  ignoreAbort = false;
  prepareFailure?: unknown;
  disposed = false;
  private waiters: Array<() => void> = [];

  async prepare(args: {
    request: RunRequest;
    sourceText: string;
    settings: ExtensionSettings;
    signal: AbortSignal;
  }): Promise<PreparedExperiment> {
    await Promise.resolve();
    if (this.prepareFailure) throw this.prepareFailure;
    const config = makeResult({ trials: 8, steps: 20 }).config;
    return {
      config,
      bundleMs: 1,
      inspectMs: 1,
      run: (hooks) =>
        new Promise<ExperimentResult>((resolve, reject) => {
          if (!this.ignoreAbort) hooks.signal.addEventListener('abort', () => reject(RunFailure.cancelled(args.request.exportName)));
          this.runs.push({
            request: args.request,
            settings: args.settings,
            signal: hooks.signal,
            progress: hooks.onProgress,
            partial: hooks.onPartial,
            succeed: resolve,
            fail: reject,
          });
          for (const w of this.waiters.splice(0)) w();
        }),
    };
  }

  /** Resolves once `n` runs have reached the pool. */
  async reached(n: number): Promise<ScriptedRun> {
    while (this.runs.length < n) await new Promise<void>((r) => this.waiters.push(r));
    return this.runs[n - 1]!;
  }

  dispose(): void {
    this.disposed = true;
  }
}

class RecordingNotifier implements Notifier {
  logs: string[] = [];
  infos: string[] = [];
  warnings: string[] = [];
  failures: RunFailure[] = [];
  built: string[] = [];
  panelShown = 0;
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
  fileBuilt(file: string): void {
    this.built.push(file);
  }
  showPanel(): void {
    this.panelShown++;
  }
}

class RecordingSaver implements Saver {
  saved: Array<{ request: SaveRequest; target?: string }> = [];
  answer: string | undefined = '/w/out/saved.file';
  async save(request: SaveRequest, target?: string): Promise<string | undefined> {
    this.saved.push({ request, target });
    return target ?? this.answer;
  }
}

const FILE = '/w/spiky.ts';
const SOURCE = [
  'export function spikyBowl(x: number): number {',
  '  return x * x + 0.4 * (1 - Math.cos(18 * x));',
  '}',
  'export function bowl(x: number): number {',
  '  return x * x;',
  '}',
].join('\n');

function setup(opts: { watch?: boolean; trusted?: boolean; maxRunBytes?: number } = {}) {
  const clock = new ManualClock();
  const executor = new ScriptedExecutor();
  const notifier = new RecordingNotifier();
  const saver = new RecordingSaver();
  const settings = parseSettings({ watch: opts.watch ?? false });
  const env: HostEnvironment & { trusted: boolean } = {
    trusted: opts.trusted ?? true,
    readSettings: () => settings,
    readSource: async () => SOURCE,
    relativePath: (f) => f.replace('/w/', ''),
    isTrusted() {
      return this.trusted;
    },
  };
  const storeDir = tempDir();
  const store = new RunStore(storeDir, 10, { maxRunBytes: opts.maxRunBytes });
  let n = 0;
  const service = new RunService({ store, executor, clock, notifier, saver, env, newRunId: () => `run-${++n}` });
  const states: HostState[] = [];
  const statuses: RunStatus[] = [];
  const lives: LiveView[] = [];
  service.onDidChangeState((s) => states.push(s));
  service.onDidChangeStatus((s) => statuses.push(s));
  service.onDidChangeLive((l) => lives.push(l));
  return { service, clock, executor, notifier, saver, env, store, storeDir, states, statuses, lives };
}

const request = (mode: RunRequest['mode'] = 'run', exportName = 'spikyBowl'): RunRequest => ({ file: FILE, exportName, mode });

/** A finished result told apart by its seed. */
function resultWith(seed: number): ExperimentResult {
  const r = makeResult({ trials: 8, steps: 20, seed });
  return { ...r, startedAt: `2026-11-30T12:00:0${seed}.000Z` };
}

/** Lets pending promise callbacks (store writes, awaits inside start) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

test('a run: started, progress, partial results, then the result shown, stored and listed', async () => {
  const { service, clock, executor, notifier, states, statuses, lives, store } = setup();
  const done = service.start(request());
  assert.equal(service.state.status.kind, 'running');
  assert.equal(notifier.panelShown, 1, 'the panel opens when a run starts');
  const run = await executor.reached(1);
  assert.equal(run.request.exportName, 'spikyBowl');
  assert.deepEqual(notifier.built, [FILE], 'stale syntax diagnostics of the file are cleared once it builds');

  run.progress({ phase: 'sgd', done: 30, total: 100 });
  const status = statuses.at(-1)!;
  assert.deepEqual(status.kind === 'running' && [status.runId, status.phase, status.done, status.total], ['run-1', 'sgd', 30, 100]);
  // Progress is throttled: another update within 100 ms is not posted.
  const posted = statuses.length;
  run.progress({ phase: 'sgd', done: 31, total: 100 });
  assert.equal(statuses.length, posted);
  clock.advance(150);
  run.progress({ phase: 'sgd', done: 60, total: 100 });
  assert.equal(statuses.length, posted + 1);

  const partial = makeResult({ trials: 8, steps: 20 });
  run.partial({ landscape: partial.landscape, sgd: partial.sgd, trialsDone: 4 });
  assert.equal(lives.length, 1);
  assert.equal(lives[0]!.runId, 'run-1');
  assert.equal(lives[0]!.view!.runId, 'run-1', 'the live view carries the run id');
  assert.equal(service.state.live, lives[0]);

  const result = resultWith(1);
  run.succeed(result);
  await done;
  const s = service.state;
  assert.equal(s.status.kind, 'idle');
  assert.equal(s.live, undefined, 'the live view is replaced by the result');
  assert.equal(s.current!.runId, 'run-1', 'the view carries the run id');
  assert.equal(s.current!.finishedAt, clock.now());
  assert.equal(service.shownResult, result);
  assert.deepEqual(
    s.runs.map((r) => r.id),
    ['run-1'],
  );
  assert.equal(states.at(-1), s, 'the final state was posted');
  assert.deepEqual(await store.get('run-1'), JSON.parse(JSON.stringify(result)), 'stored whole');
  assert.deepEqual(store.lastRequest, request());
  assert.equal(notifier.failures.length, 0);
});

test('Stop: the run is cancelled, its partial results dropped, the last good result stays', async () => {
  const { service, executor, notifier } = setup();
  const first = service.start(request());
  (await executor.reached(1)).succeed(resultWith(1));
  await first;
  const shown = service.state.current;

  const second = service.start(request());
  const run = await executor.reached(2);
  const partial = makeResult({ trials: 8, steps: 20 });
  run.partial({ landscape: partial.landscape, trialsDone: 0 });
  assert.ok(service.state.live);
  service.stop();
  assert.ok(run.signal.aborted, 'the runner was told to stop');
  await second;
  assert.deepEqual(service.state.status, { kind: 'cancelled' });
  assert.equal(service.state.live, undefined);
  assert.equal(service.state.current, shown, 'the last good run is still shown');
  assert.equal(notifier.failures.length, 0, 'a stop is not reported as an error');
  service.stop(); // nothing running: nothing happens
  assert.deepEqual(service.state.status, { kind: 'cancelled' });

  // Stopped, and the run then ends with another error (its worker pool torn down): still a stop.
  executor.ignoreAbort = true;
  const third = service.start(request());
  const r3 = await executor.reached(3);
  service.stop();
  r3.fail(new Error('runner disposed'));
  await third;
  assert.deepEqual(service.state.status, { kind: 'cancelled' });
  assert.equal(notifier.failures.length, 0, 'no error toast after Stop');
  assert.match(notifier.logs.at(-1)!, /run run-3 cancelled/);
});

test('a failure shows the error with file and line and keeps the last good result', async () => {
  const { service, executor, notifier } = setup();
  const first = service.start(request());
  (await executor.reached(1)).succeed(resultWith(1));
  await first;
  const shown = service.state.current;

  const second = service.start(request());
  (await executor.reached(2)).fail(
    new RunFailure({ kind: 'throw', message: 'spikyBowl threw at x = [0.1]: boom', file: FILE, line: 2, exportName: 'spikyBowl' }),
  );
  await second;
  const status = service.state.status;
  assert.equal(status.kind, 'error');
  assert.ok(status.kind === 'error');
  assert.equal(status.message, `spikyBowl threw at x = [0.1]: boom (${FILE}:2)`, 'the message names file:line');
  assert.equal(status.file, FILE);
  assert.equal(status.line, 2);
  assert.equal(service.state.current, shown);
  assert.equal(notifier.failures.length, 1);
  assert.equal(service.isKnownFile(FILE), true, 'the error links to the failing file');
  assert.equal(service.isKnownFile('/etc/passwd'), false);

  // A bad setting fails before anything runs, with the setting named.
  const { service: s2, env, executor: e2 } = setup();
  env.readSettings = () => parseSettings({ trials: -1 });
  await s2.start(request());
  assert.equal(e2.runs.length, 0);
  const st = s2.state.status;
  assert.ok(st.kind === 'error' && /sgdLandscape\.trials/.test(st.message), JSON.stringify(st));
});

test('a second start overtakes the first: the first is stopped and its late results never show', async () => {
  const { service, executor, store, notifier } = setup();
  executor.ignoreAbort = true; // the first run's work finishes anyway, after the second started
  const first = service.start(request('run', 'spikyBowl'));
  const a = await executor.reached(1);
  const second = service.start(request('run', 'bowl'));
  assert.ok(a.signal.aborted, 'the first run was told to stop');
  const b = await executor.reached(2);
  const status = service.state.status;
  assert.ok(status.kind === 'running' && status.runId === 'run-2');

  const late = makeResult({ trials: 8, steps: 20 });
  a.progress({ phase: 'gd', done: 99, total: 100 });
  a.partial({ landscape: late.landscape, trialsDone: 8 });
  a.succeed(resultWith(1));
  await first;
  assert.ok(service.state.status.kind === 'running' && service.state.status.runId === 'run-2', 'still the second run');
  assert.equal(service.state.status.kind === 'running' && service.state.status.done, 0);
  assert.equal(service.state.live, undefined, "the first run's partial results are not the second's");
  assert.equal(service.state.current, undefined);
  assert.equal(await store.get('run-1'), undefined, 'the replaced run is not stored');

  b.succeed(resultWith(2));
  await second;
  assert.equal(service.state.current!.runId, 'run-2');
  assert.equal(service.shownResult!.startedAt, resultWith(2).startedAt);

  // Overtaken again, and this time the newer run fails: the last good run (run-2) stays, not the late one.
  const third = service.start(request());
  const c = await executor.reached(3);
  const fourth = service.start(request());
  const d = await executor.reached(4);
  d.fail(new RunFailure({ kind: 'throw', message: 'boom', file: FILE, line: 1 }));
  await fourth;
  c.succeed(resultWith(3));
  await third;
  assert.equal(service.state.status.kind, 'error');
  assert.equal(service.state.current!.runId, 'run-2');
  assert.deepEqual(
    service.state.runs.map((r) => r.id),
    ['run-2'],
  );

  // A replaced run that fails late is not reported: the error is not about the run on screen.
  const reported = notifier.failures.length;
  const fifth = service.start(request());
  const e = await executor.reached(5);
  const sixth = service.start(request());
  const f = await executor.reached(6);
  e.fail(new RunFailure({ kind: 'throw', message: 'late boom', file: FILE, line: 1 }));
  await fifth;
  assert.equal(notifier.failures.length, reported, 'no toast for the replaced run');
  const status6 = ((): RunStatus => service.state.status)(); // read anew: the asserts above narrowed it
  assert.deepEqual(status6.kind === 'running' && status6.runId, 'run-6', 'the newer run goes on');
  f.succeed(resultWith(6));
  await sixth;
  assert.equal(service.state.current!.runId, 'run-6');
});

test('watch mode: a save re-runs the last run once the saves stop, replacing the run in progress', async () => {
  const { service, clock, executor, notifier } = setup({ watch: true });
  const first = service.start(request());
  (await executor.reached(1)).succeed(resultWith(1));
  await first;

  // A save of another file re-runs nothing, however long one waits.
  service.fileSaved('/w/other.ts');
  clock.advance(10 * WATCH_DEBOUNCE_MS);
  await settle();
  assert.equal(executor.runs.length, 1, 'a save of another file does not re-run');

  service.fileSaved(FILE);
  clock.advance(WATCH_DEBOUNCE_MS - 1);
  service.fileSaved(FILE); // format-on-save: a second save within the quiet time
  clock.advance(WATCH_DEBOUNCE_MS - 1);
  assert.equal(executor.runs.length, 1, 'nothing yet: the saves have not stopped');
  clock.advance(1);
  const rerun = await executor.reached(2);
  assert.deepEqual(rerun.request, request(), 'the same request again');
  assert.ok(notifier.logs.some((l) => /watch: spiky\.ts saved, re-running spikyBowl/.test(l)));

  // Saved again while that run goes: it is stopped and replaced.
  service.fileSaved(FILE);
  clock.advance(WATCH_DEBOUNCE_MS);
  const third = await executor.reached(3);
  assert.ok(rerun.signal.aborted, 'the run in progress was stopped');
  assert.equal(third.signal.aborted, false);
  const status = service.state.status;
  assert.ok(status.kind === 'running' && status.runId === 'run-3');
  third.succeed(resultWith(3));
  await settle();
  assert.equal(service.state.current!.runId, 'run-3');
  assert.equal(executor.runs.length, 3, 'the other file never ran');

  // Watch off, or an untrusted workspace: saves do nothing.
  const off = setup({ watch: false });
  const r = off.service.start(request());
  (await off.executor.reached(1)).succeed(resultWith(1));
  await r;
  off.service.fileSaved(FILE);
  off.clock.advance(10 * WATCH_DEBOUNCE_MS);
  await settle();
  assert.equal(off.executor.runs.length, 1);
  const untrusted = setup({ watch: true, trusted: false });
  await untrusted.service.start(request());
  untrusted.service.fileSaved(FILE);
  untrusted.clock.advance(10 * WATCH_DEBOUNCE_MS);
  await settle();
  assert.equal(untrusted.executor.runs.length, 0, 'nothing runs in an untrusted workspace');
});

test('Export: JSON is the whole result, CSV one row per trial and method', async () => {
  const { service, executor, saver, notifier } = setup();
  await service.exportResults('json');
  assert.equal(saver.saved.length, 0);
  assert.deepEqual(notifier.infos, ['SGD Landscape: no results to export yet.']);

  const p = service.start(request());
  const result = resultWith(1);
  (await executor.reached(1)).succeed(result);
  await p;
  await service.exportResults('json');
  const json = saver.saved[0]!;
  assert.equal(json.request.format, 'json');
  assert.equal(json.request.name, 'spikyBowl-2026-11-30T12-00-01-000Z.json');
  // RESULT.json version 3: the result without the copies sgd, gd and finals (each method once).
  const { sgd: _sgd, gd: _gd, finals: _finals, ...file } = result;
  assert.deepEqual(JSON.parse(new TextDecoder().decode(json.request.data)), JSON.parse(JSON.stringify({ ...file, version: 3 })));
  assert.match(notifier.infos.at(-1)!, /results saved to out\/saved\.file/);

  await service.exportResults('csv', '/w/out/run.csv');
  const csv = saver.saved[1]!;
  assert.equal(csv.target, '/w/out/run.csv');
  const lines = new TextDecoder().decode(csv.request.data).trimEnd().split('\n');
  assert.equal(lines[0], 'method,trial,start_1,final_y_1,f_final,diverged');
  const sgd = result.sgd;
  assert.equal(lines[1], `sgd,0,${sgd.starts[0]![0]},${sgd.finals[0]![0]},${sgd.finalLoss[0]},${sgd.divergedMask[0]}`);
  assert.equal(lines.length, 1 + sgd.finals.length + result.gd!.finals.length);
  assert.ok(lines.at(-1)!.startsWith(`gd,${result.gd!.finals.length - 1},`));
});

test('PNG: the chart bytes of the data URL are handed to the saver', async () => {
  const { service, saver, notifier } = setup();
  const bytes = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 255, 254]);
  const dataUrl = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
  await service.savePng('spikyBowl-finals', dataUrl);
  const saved = saver.saved[0]!.request;
  assert.equal(saved.name, 'spikyBowl-finals.png');
  assert.equal(saved.format, 'png');
  assert.deepEqual([...saved.data], [...bytes]);
  assert.match(notifier.infos.at(-1)!, /chart saved to out\/saved\.file/);
  saver.answer = undefined; // the user cancelled the dialog
  await service.savePng('again', dataUrl);
  assert.equal(notifier.infos.length, 1, 'nothing said when nothing was saved');
});

test('open a stored run; re-run; a run too large to store is still shown', async () => {
  const { service, executor, notifier, storeDir } = setup();
  for (const seed of [1, 2]) {
    const p = service.start(request());
    (await executor.reached(seed)).succeed(resultWith(seed));
    await p;
  }
  assert.equal(service.state.current!.runId, 'run-2');
  const shownBefore = notifier.panelShown;
  await service.openRun('run-1');
  assert.equal(service.state.current!.runId, 'run-1');
  assert.equal(service.state.current!.startedAt, resultWith(1).startedAt);
  assert.equal(service.shownResult!.startedAt, resultWith(1).startedAt, 'Export now writes the opened run');
  assert.equal(notifier.panelShown, shownBefore + 1);
  await service.openRun('run-9');
  assert.equal(service.state.current!.runId, 'run-1', 'an unknown run changes nothing');
  assert.match(notifier.warnings.at(-1)!, /no longer stored/);

  // After a reload: a new service on the same store shows the newest run and re-runs the last request.
  const again = new RunService({
    store: new RunStore(storeDir),
    executor,
    clock: new ManualClock(),
    notifier,
    saver: new RecordingSaver(),
    env: { readSettings: () => parseSettings({}), readSource: async () => SOURCE, relativePath: (f) => f, isTrusted: () => true },
    newRunId: () => 'run-after-reload',
  });
  await again.init();
  assert.equal(again.state.current!.runId, 'run-2');
  assert.deepEqual(
    again.state.runs.map((r) => r.id),
    ['run-2', 'run-1'],
  );
  const rerun = again.rerun();
  const r = await executor.reached(3);
  assert.deepEqual(r.request, request());
  r.succeed(resultWith(3));
  await rerun;

  // Too large to store even slimmed: refused with a message, the run stays on screen.
  const small = setup({ maxRunBytes: 1000 });
  const p = small.service.start(request());
  (await small.executor.reached(1)).succeed(resultWith(1));
  await p;
  assert.equal(small.service.state.current!.runId, 'run-1');
  assert.deepEqual(small.service.state.runs, [], 'not listed: it cannot be opened later');
  assert.match(small.notifier.warnings.at(-1)!, /run run-1 was not stored: .* over the 0\.0 MiB limit/);
  const empty = setup();
  await empty.service.rerun();
  assert.match(empty.notifier.infos.at(-1)!, /nothing to re-run yet/);
});

test('side panel: controls mirror the editor; Run sends the chosen function with the edited fields only', async () => {
  const { service, executor, notifier, clock } = setup();
  await service.runFromPanel({ type: 'run', settings: { trials: 7 } });
  assert.match(notifier.warnings.at(-1)!, /open a TypeScript file/);
  assert.equal(executor.runs.length, 0);

  service.editorChanged(() => ({ file: FILE, text: SOURCE, cursorLine: 4 }));
  assert.equal(service.state.controls, undefined, 'debounced');
  clock.advance(200);
  const controls = service.state.controls!;
  assert.equal(controls.file, FILE);
  assert.deepEqual(
    controls.functions.map((f) => f.name),
    ['spikyBowl', 'bowl'],
  );
  assert.equal(controls.selected, 'bowl', 'the function under the cursor');
  assert.equal(controls.trusted, true);
  // Another (non-TypeScript) editor: the last file's functions stay.
  service.refreshControls(undefined);
  assert.equal(service.state.controls!.file, FILE);

  const p = service.runFromPanel({ type: 'run', settings: { trials: 7, function: 'spikyBowl' } });
  const run = await executor.reached(1);
  assert.deepEqual(run.request, { file: FILE, exportName: 'bowl', mode: 'run', overrides: { trials: 7 } });
  run.succeed(resultWith(1));
  await p;
  const q = service.runFromPanel({ type: 'run', exportName: 'spikyBowl', settings: {} });
  const r2 = await executor.reached(2);
  assert.deepEqual(r2.request, { file: FILE, exportName: 'spikyBowl', mode: 'run', overrides: {} });
  r2.succeed(resultWith(2));
  await q;
  assert.equal(service.isKnownFile(FILE), true);
});

test('an untrusted workspace runs nothing; dispose stops the run and the runner', async () => {
  const { service, executor, env } = setup({ trusted: false });
  await service.start(request());
  assert.equal(executor.runs.length, 0);
  assert.equal(service.state.status.kind, 'idle');
  env.trusted = true;
  const p = service.start(request());
  const run = await executor.reached(1);
  service.dispose();
  assert.ok(run.signal.aborted);
  assert.ok(executor.disposed);
  await p;
});

// ---- through the real worker pool ----

let workDir = '';
let workerScript = '';
before(async () => {
  workDir = tempDir();
  workerScript = join(workDir, 'worker.js');
  await esbuild.build({
    entryPoints: [new URL('../../src/runner/worker.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: workerScript,
    logLevel: 'silent',
  });
  writeFileSync(join(workDir, 'bowl.ts'), 'export function bowl(x: number, y: number): number {\n  return x * x + y * y;\n}\n');
});

test('"Run GD vs SGD" through the worker pool: GD beside SGD even with compareGd off in the settings', async () => {
  const executor = new PoolExecutor({ workerScript, bundleDir: join(workDir, 'bundles') });
  const notifier = new RecordingNotifier();
  const settings = parseSettings({ compareGd: false, trials: 6, steps: 50, resolution: 11, workers: 1 });
  const service = new RunService({
    store: new RunStore(join(workDir, 'runs')),
    executor,
    clock: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    notifier,
    saver: new RecordingSaver(),
    env: { readSettings: () => settings, readSource: (f) => readFile(f, 'utf8'), relativePath: (f) => f, isTrusted: () => true },
  });
  const file = join(workDir, 'bowl.ts');
  try {
    await service.start({ file, exportName: 'bowl', mode: 'run' });
    assert.equal(service.state.status.kind, 'idle', JSON.stringify(service.state.status));
    assert.equal(service.shownResult!.gd, undefined, 'a plain run follows compareGd: false');
    await service.start({ file, exportName: 'bowl', mode: 'gdVsSgd' });
    assert.equal(service.state.status.kind, 'idle', JSON.stringify(service.state.status));
    const result = service.shownResult!;
    assert.equal(result.config.compareGd, true);
    assert.equal(result.gd!.finals.length, 6);
    assert.equal(service.state.current!.gd!.finals.length, 6, 'the view has GD too');
    assert.match(service.state.runs[0]!.label, /^bowl \(GD vs SGD\) — bowl\.ts/);
    assert.equal(readdirSync(join(workDir, 'runs')).length, 3, 'the index and two runs stored');
  } finally {
    service.dispose();
  }
});

test('compare stored runs: slimmed views in the order asked, a missing one named, closing clears; the panel is shown', async () => {
  const { service, executor, notifier } = setup();
  for (const seed of [1, 2, 3]) {
    const p = service.start(request());
    (await executor.reached(seed)).succeed(resultWith(seed));
    await p;
  }
  const shownBefore = notifier.panelShown;
  await service.compareRuns(['run-3', 'run-1', 'run-9']);
  const compare = service.state.compare!;
  assert.deepEqual(
    compare.runs.map((r) => r.runId),
    ['run-3', 'run-1'],
  );
  assert.deepEqual(compare.missing, ['run-9']);
  assert.equal(notifier.panelShown, shownBefore + 1);
  // What the comparison draws is kept (finals, the histogram, f); what it does not is left out.
  const r = compare.runs[1]!;
  assert.deepEqual(r.sgd.finals, resultWith(1).sgd.finals);
  assert.deepEqual(r.diagnostics.histogram, resultWith(1).diagnostics.histogram);
  assert.deepEqual(r.landscape.f, resultWith(1).landscape.f);
  assert.equal(r.landscape.smoothed.length, 0);
  assert.equal(r.diagnostics.convexity.length, 0);
  assert.equal(r.sgd.paths.length, 0);
  assert.equal(service.state.current!.runId, 'run-3', 'the shown run stays');
  // One run left to compare: refused, the comparison stays as it was.
  await service.compareRuns(['run-2', 'run-8']);
  assert.equal(service.state.compare, compare);
  assert.match(notifier.warnings.at(-1)!, /no longer stored; pick two or more/);
  await service.compareRuns([]);
  assert.equal(service.state.compare, undefined);
});

test('a series of side-panel runs ends in their comparison; a failed run ends the series', async () => {
  const { service, executor } = setup();
  service.refreshControls({ file: FILE, text: SOURCE, cursorLine: 4 });
  const series = service.runSeries({
    type: 'runSeries',
    exportName: 'bowl',
    settings: [{ radius: 0.1 }, { radius: 0.2 }, { radius: 0.3 }],
  });
  for (const seed of [1, 2, 3]) {
    const run = await executor.reached(seed);
    assert.deepEqual(run.request.overrides, { radius: seed / 10 }, 'each run with its settings, in order');
    run.succeed(resultWith(seed));
  }
  await series;
  assert.deepEqual(
    service.state.compare!.runs.map((r) => r.runId),
    ['run-1', 'run-2', 'run-3'],
  );
  const failing = service.runSeries({ type: 'runSeries', exportName: 'bowl', settings: [{ radius: 0.1 }, { radius: 0.2 }] });
  (await executor.reached(4)).fail(new Error('boom'));
  await failing;
  assert.equal(executor.runs.length, 4, 'the series stopped at the failed run');
  assert.deepEqual(
    service.state.compare!.runs.map((r) => r.runId),
    ['run-1', 'run-2', 'run-3'],
    'no new comparison after a failed run',
  );
});
