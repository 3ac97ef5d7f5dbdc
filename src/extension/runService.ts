/**
 * The run service: the host's run lifecycle and state, without `vscode`. It starts and stops runs
 * (a new start replaces the run in progress), re-runs on save in watch mode (`watch.ts`), shapes partial and
 * final results for the webviews, stores finished runs and opens stored ones, exports results and
 * charts (`runOutputs.ts`, also storing), and mirrors the active editor into the side panel's controls
 * (`ControlsMirror` in `controls.ts`). The state is a reducer over events (`hostModel.ts`); the
 * rest comes in through small interfaces (`ports.ts`). The
 * `vscode` layer (`controller.ts`, `pickers.ts`) adds commands, pickers, dialogs and trust. This thread only
 * coordinates: bundling, inspection and the trials run in esbuild's process and worker threads.
 */
import type { SuggestedField, Suggestion } from '../engine/suggest';
import type { ExperimentResult } from '../engine/types';
import type { HostState, LiveView, RunMessage, RunSeriesMessage, RunStatus } from '../protocol/webview';
import { RunFailure, isCancellation } from '../runner/failure';
import type { RunPartial, RunProgress } from '../runner/pool';
import { ControlsMirror } from './controls';
import { divergenceToast } from '../view/divergence';
import { INITIAL_MODEL, isKnownFile, reduce, type HostEvent, type HostModel } from './hostModel';
import {
  Emitter,
  type Clock,
  type EditorSnapshot,
  type HostEnvironment,
  type Notifier,
  type RunExecutor,
  type RunStorage,
  type Saver,
} from './ports';
import { loopMonitor, resultLines } from './runLog';
import { toFailure, type RunRequest } from './runSession';
import { exportResult, loadCompared, saveChartPng, storeRun } from './runOutputs';
import { newRunId, summarize } from './runStore';
import type { ExtensionSettings } from './settings';
import { toLiveView, toViewResult } from './viewModel';
import { SaveWatcher } from './watch';

export { WATCH_DEBOUNCE_MS } from './watch';
/** Least time between two progress updates of the status. */
const PROGRESS_INTERVAL_MS = 100;

export interface RunServiceDeps {
  store: RunStorage;
  executor: RunExecutor;
  clock: Clock;
  notifier: Notifier;
  saver: Saver;
  env: HostEnvironment;
  /** Run ids (default: time-sortable random ids). */
  newRunId?: () => string;
}

interface ActiveRun {
  runId: string;
  request: RunRequest;
  abort: AbortController;
}

export class RunService {
  private model: HostModel = INITIAL_MODEL;
  private readonly stateEmitter = new Emitter<HostState>();
  private readonly statusEmitter = new Emitter<RunStatus>();
  private readonly liveEmitter = new Emitter<LiveView>();
  /** Fires after any change of `state` that a renderer cannot derive (result, runs, controls, error). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires often while a run goes (progress); cheaper than a full state. */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /** Fires as partial results of the running experiment arrive (throttled by the pool); also in `state.live`. */
  readonly onDidChangeLive = this.liveEmitter.event;

  private active?: ActiveRun;
  private readonly watcher: SaveWatcher;
  private readonly controls: ControlsMirror;
  private readonly newRunId: () => string;

  constructor(private readonly deps: RunServiceDeps) {
    this.newRunId = deps.newRunId ?? (() => newRunId(new Date(deps.clock.now())));
    this.controls = new ControlsMirror(
      deps,
      () => this.model.state.controls,
      (controls) => this.dispatch({ type: 'controlsChanged', controls }),
    );
    this.watcher = new SaveWatcher(deps, () => this.time());
  }

  /** What the webviews render. */
  get state(): HostState {
    return this.model.state;
  }

  /** The full result of the shown run (what Export writes). */
  get shownResult(): ExperimentResult | undefined {
    return this.model.result;
  }

  /** Loads the stored runs, shows the newest, and mirrors `editor` into the controls. */
  async init(editor?: EditorSnapshot): Promise<void> {
    const index = await this.deps.store.load();
    this.dispatch({ type: 'runsListed', runs: index.runs });
    const newest = index.runs[0];
    const result = newest && (await this.deps.store.get(newest.id));
    if (newest && result) this.dispatch({ type: 'runOpened', result, view: toViewResult(result, newest.id) });
    this.refreshControls(editor);
  }

  dispose(): void {
    this.active?.abort.abort();
    this.active = undefined;
    this.watcher.dispose();
    this.controls.dispose();
    this.deps.executor.dispose();
    this.stateEmitter.dispose();
    this.statusEmitter.dispose();
    this.liveEmitter.dispose();
  }

  // ---- runs ----

  /**
   * Starts a run, stopping the one in progress (whose late results are then ignored). Resolves
   * when this run has ended, however it ended; failures are reported, not thrown.
   */
  async start(request: RunRequest): Promise<void> {
    const { env, notifier, store, clock } = this.deps;
    if (!env.isTrusted()) {
      notifier.log(`[${this.time()}] not started: the workspace is not trusted`);
      return;
    }
    this.active?.abort.abort();
    const runId = this.newRunId();
    const abort = new AbortController();
    this.active = { runId, request, abort };
    this.dispatch({ type: 'started', runId, label: `${request.exportName} — ${env.relativePath(request.file)}` });
    notifier.showPanel();
    void store.setLastRequest(request).catch(() => undefined);
    const loop = loopMonitor();
    const t0 = clock.now();
    try {
      const settings: ExtensionSettings = env.readSettings();
      const sourceText = await env.readSource(request.file);
      // A step of preparing that calls f (sampling its curvature) is the status's phase: a loss that hangs there is seen there.
      const onPhase = (phase: string) => this.dispatch({ type: 'progress', runId, phase, done: 0, total: 0 });
      const prepared = await this.deps.executor.prepare({ request, sourceText, settings, signal: abort.signal, onPhase });
      notifier.fileBuilt(request.file);
      if (abort.signal.aborted) throw RunFailure.cancelled(request.exportName);
      if (prepared.suggestion) this.suggested(request, prepared.suggestion);
      notifier.log(
        `[${this.time()}] run ${runId}: ${request.exportName} in ${request.file} (${request.mode}); bundle ${prepared.bundleMs} ms, inspect ${prepared.inspectMs} ms`,
      );
      notifier.log(`  settings: ${JSON.stringify(prepared.config)}`);
      this.dispatch({ type: 'progress', runId, phase: 'sgd', done: 0, total: 1 });
      let lastProgress = -Infinity;
      const onProgress = (p: RunProgress) => {
        const now = clock.now();
        if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
        lastProgress = now;
        this.dispatch({ type: 'progress', runId, phase: p.phase, done: p.done, total: p.total });
      };
      const startedAt = new Date(clock.now()).toISOString();
      const source = { file: request.file, exportName: request.exportName };
      const onPartial = (p: RunPartial) => {
        if (abort.signal.aborted) return;
        this.dispatch({ type: 'partial', runId, live: toLiveView(runId, prepared.config, p, startedAt, source) });
      };
      const runStartedAt = clock.now();
      const result = await prepared.run({ signal: abort.signal, onProgress, onPartial });
      // A run replaced or stopped while its last chunk finished: its result is not shown or stored.
      if (abort.signal.aborted) throw RunFailure.cancelled(request.exportName);
      await this.succeed(runId, request, result, runStartedAt);
      notifier.log(`[${this.time()}] run ${runId} done in ${clock.now() - t0} ms; ${loop.text()}`);
    } catch (e) {
      const failure = toFailure(e, request);
      // Once stopped or replaced, whatever ends the run (e.g. its pool replaced under it) is the stop.
      const cancelled = abort.signal.aborted || isCancellation(failure);
      notifier.log(
        `[${this.time()}] run ${runId} ${cancelled ? 'cancelled' : 'failed'} after ${clock.now() - t0} ms (${loop.text()}): ${failure.message}`,
      );
      if (failure.detail.stack && !cancelled) notifier.log(failure.detail.stack);
      const stillShown = this.model.activeRunId === runId;
      this.dispatch(cancelled ? { type: 'cancelled', runId } : { type: 'failed', runId, detail: failure.detail });
      if (stillShown && !cancelled) notifier.runFailed(failure);
    } finally {
      loop.stop();
      if (this.active?.runId === runId) this.active = undefined;
    }
  }

  /** Stops the run in progress (its status becomes `cancelled`; the last good result stays). */
  stop(): void {
    if (!this.active) return;
    this.deps.notifier.log(`[${this.time()}] stop requested for ${this.active.request.exportName}`);
    this.active.abort.abort();
  }

  /** Repeats the run in progress or the last one started (also after a reload). */
  async rerun(): Promise<void> {
    await this.deps.store.load();
    const last = this.active?.request ?? this.deps.store.lastRequest;
    if (!last) {
      this.deps.notifier.info('SGD Landscape: nothing to re-run yet. Run "SGD Landscape: Run SGD on function" first.');
      return;
    }
    await this.start(last);
  }

  /**
   * The side panel's Run: the chosen function of the file its controls show, with the settings
   * the user edited there (the panel sends only those) above the settings and the file's defaults.
   */
  async runFromPanel(message: RunMessage): Promise<void> {
    const controls = this.model.state.controls;
    const file = controls?.file;
    const exportName = message.exportName ?? controls?.selected;
    if (!file || !exportName) {
      this.deps.notifier.warn('SGD Landscape: open a TypeScript file with an exported loss function first.');
      return;
    }
    this.controls.selected.set(file, exportName);
    // The panel names the function by `exportName`; a `function` setting must not redirect the run.
    const { function: _ignored, ...overrides } = message.settings;
    await this.start({ file, exportName, mode: 'run', overrides });
  }

  /**
   * The side panel's series (`runSeries`): each settings in turn as the side panel's Run, then the
   * runs compared side by side. A run that fails, is stopped or is replaced by another start ends
   * the series (what finished stays stored).
   */
  async runSeries(message: RunSeriesMessage): Promise<void> {
    const ids: string[] = [];
    for (const settings of message.settings) {
      const before = this.model.state.current?.runId;
      await this.runFromPanel({ type: 'run', ...(message.exportName ? { exportName: message.exportName } : {}), settings });
      const { current, status } = this.model.state;
      if (status.kind !== 'idle' || !current || current.runId === before) return;
      ids.push(current.runId);
    }
    await this.compareRuns(ids);
  }

  /** Watch mode: a save of the last run's file re-runs it (debounced; the run in progress is replaced). */
  fileSaved(file: string): void {
    this.watcher.saved(file, this.active?.request ?? this.deps.store.lastRequest, (last) => void this.start(last));
  }

  private async succeed(runId: string, request: RunRequest, result: ExperimentResult, runStartedAt: number): Promise<void> {
    const { notifier, clock } = this.deps;
    const summary = summarize(runId, result, request);
    const view = toViewResult(result, runId);
    view.finishedAt = clock.now();
    view.runStartedAt = runStartedAt;
    // Show first, store after: writing a large result must not delay the charts.
    this.dispatch({ type: 'succeeded', runId, result, view, summary });
    const runs = await storeRun(this.deps, summary, result, () => this.time());
    if (runs) this.dispatch({ type: 'runsListed', runs });
    for (const line of resultLines(result)) notifier.log(line);
    if (result.diverged > 0) {
      notifier.warn(
        `SGD Landscape: ${divergenceToast(request.exportName, result.diverged, result.config.trials, result.diagnostics.divergence)}`,
        // With a button, so VS Code shows the whole sentence instead of one cut-off line.
        { showPanel: true },
      );
    }
  }

  // ---- stored runs, export ----

  /** Shows a stored run in the panel. */
  async openRun(runId: string): Promise<void> {
    const result = await this.deps.store.get(runId);
    if (!result) {
      this.deps.notifier.warn('SGD Landscape: that run is no longer stored.');
      return;
    }
    this.dispatch({ type: 'runOpened', result, view: toViewResult(result, runId) });
    this.deps.notifier.showPanel();
  }

  /**
   * Compares stored runs side by side in the panel, in the order given (`ids` empty: closes the
   * comparison). Runs no longer stored are named in the panel; fewer than two left is refused.
   */
  async compareRuns(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) {
      this.dispatch({ type: 'compareOpened', compare: undefined });
      return;
    }
    const { runs, missing } = await loadCompared(this.deps.store, ids);
    if (runs.length < 2) {
      this.deps.notifier.warn(
        `SGD Landscape: ${missing.length} of the runs to compare ${missing.length === 1 ? 'is' : 'are'} no longer stored; pick two or more.`,
      );
      return;
    }
    this.dispatch({ type: 'compareOpened', compare: { runs, missing } });
    this.deps.notifier.showPanel();
  }

  /** Saves the shown run: JSON (the full result) or CSV (one row per trial and method). */
  async exportResults(format: 'json' | 'csv', target?: string): Promise<void> {
    const result = this.model.result;
    if (!result) {
      this.deps.notifier.info('SGD Landscape: no results to export yet.');
      return;
    }
    const written = await exportResult(this.deps, result, format, target);
    if (written) this.deps.notifier.log(`[${this.time()}] exported ${format.toUpperCase()} to ${written}`);
  }

  /** Saves a chart: the PNG bytes of the canvas's data URL (already validated as base64 PNG). */
  async savePng(name: string, dataUrl: string): Promise<void> {
    await saveChartPng(this.deps, name, dataUrl);
  }

  /** Whether a webview may reveal `file`: a stored run's source, the shown or failing file, the controls' file. */
  isKnownFile(file: string): boolean {
    return isKnownFile(this.model, file);
  }

  // ---- controls ----

  /** Mirrors the editor into the controls once editing pauses; `read` is called then. */
  editorChanged(read: () => EditorSnapshot | undefined): void {
    this.controls.changed(read);
  }

  /** Logs what was suggested for this function and shows it in the controls. */
  private suggested(request: RunRequest, s: Suggestion & { fields: SuggestedField[] }): void {
    if (s.fields.length > 0)
      this.deps.notifier.log(`  suggested from ${request.exportName}: ${s.fields.map((k) => `${k} ${s[k]} (${s.why[k]})`).join('; ')}`);
    this.controls.suggested(`${request.file}#${request.exportName}`, s);
  }

  /** Mirrors the active loss editor (none: keep the last file's) and the settings into the controls. */
  refreshControls(editor: EditorSnapshot | undefined): void {
    this.controls.refresh(editor);
  }

  // ---- state ----

  private dispatch(event: HostEvent): void {
    const next = reduce(this.model, event);
    if (next === this.model) return;
    this.model = next;
    if (event.type === 'progress') this.statusEmitter.fire(next.state.status);
    else if (event.type === 'partial') this.liveEmitter.fire(next.state.live!);
    else this.stateEmitter.fire(next.state);
  }

  private time(): string {
    return new Date(this.deps.clock.now()).toISOString().slice(11, 23);
  }
}
