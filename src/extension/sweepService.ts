/**
 * The sweep service: sweeps in the editor, without `vscode`. It starts a sweep (a newer one
 * replaces the sweep in progress), streams its cells as they finish and its progress, stops it,
 * stores finished sweeps and opens stored ones, exports them (SWEEP-RESULT.json, CSV, the
 * diagram's PNG), and turns a cell back into an ordinary run request with the cell's exact
 * settings. The `vscode` layer (`sweepCommands.ts`) adds the command, pickers and the sweep panel's messages.
 * The work itself runs on the worker pool (`runSweep`, the CLI's path).
 */
import { cellConfig, sweepAxes, sweepPoints, type SweepCell, type SweepConfig, type SweepGrid, type SweepResult } from '../engine/sweep';
import type { RunConfigInput } from '../engine/types';
import type { SweepHostState, SweepSummary, SweepView } from '../protocol/sweep';
import type { RunStatus } from '../protocol/webview';
import { RunFailure, isCancellation } from '../runner/failure';
import { sweepCsv } from '../view/sweep';
import { Emitter, type Clock, type HostEnvironment, type Notifier, type Saver, type SweepExecutor, type SweepStorage } from './ports';
import { toFailure, type RunRequest } from './runSession';
import { newRunId } from './runStore';
import type { RunInputLayer } from './settings';

/** Least time between two progress updates of the status. */
const PROGRESS_INTERVAL_MS = 100;

/** What a sweep asks for: the function, the grid, and overrides above the settings and the file's defaults. */
export interface SweepRequest {
  file: string;
  exportName: string;
  grid: SweepGrid;
  overrides?: RunInputLayer;
}

export interface SweepServiceDeps {
  store: SweepStorage;
  executor: SweepExecutor;
  clock: Clock;
  notifier: Notifier;
  /** Opens or reveals the sweep panel. */
  showPanel(): void;
  saver: Saver;
  env: HostEnvironment;
  newId?: () => string;
}

/** A cell as it was made: one index into the grid and its numbers. */
export interface CellEvent {
  sweepId: string;
  index: number;
  cell: SweepCell;
}

/** The line of a sweep in "recent sweeps". */
export function summarizeSweep(id: string, result: SweepResult, source: { file: string; exportName: string }): SweepSummary {
  const { axes } = result;
  const third = axes.steps ?? axes.trials;
  const shape = [axes.radius.length, axes.lr.length, ...(third ? [third.length] : [])];
  const base = source.file.split(/[\\/]/).pop() ?? source.file;
  return {
    id,
    label: `${source.exportName} — ${base}: ${shape.join(' × ')} sweep`,
    file: source.file,
    exportName: source.exportName,
    startedAt: result.timing.startedAt,
    shape,
    cells: result.cells.length,
    mostlySuccessful: result.cells.filter((c) => c.successRate >= 0.5).length,
  };
}

/** The view of a finished (or stored) sweep. */
export function sweepView(id: string, result: SweepResult): SweepView {
  return {
    sweepId: id,
    config: result.config,
    axes: result.axes,
    successRule: result.successRule,
    cells: result.cells,
    ...(result.source ? { source: result.source } : {}),
    startedAt: result.timing.startedAt,
    timing: result.timing,
  };
}

/**
 * A cell's exact settings as a run input (RUN.json): its RunConfig without the function's name
 * (the request names it) and the methods (a sweep runs the default pair). Resolved over any
 * settings and file defaults, it gives back the cell's RunConfig.
 */
export function cellRunInput(config: SweepConfig, index: number): RunConfigInput {
  const point = sweepPoints(config)[index];
  if (!point) throw new RangeError(`cell ${index} is outside the sweep's ${sweepPoints(config).length} cells`);
  const { function: _f, methods: _m, ...input } = cellConfig(config, point);
  return input;
}

interface Model {
  status: RunStatus;
  current?: SweepView;
  /** The finished result behind `current` (what Export writes). */
  result?: SweepResult;
  sweeps: SweepSummary[];
}

export class SweepService {
  private model: Model = { status: { kind: 'idle' }, sweeps: [] };
  private active?: { id: string; abort: AbortController };
  private readonly stateEmitter = new Emitter<SweepHostState>();
  private readonly statusEmitter = new Emitter<RunStatus>();
  private readonly cellEmitter = new Emitter<CellEvent>();
  private readonly listEmitter = new Emitter<SweepSummary[]>();
  /** The whole state changed (a sweep started, ended or was opened). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Progress of the running sweep. */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /** A cell of the running sweep finished (also in `state.current.cells`). */
  readonly onDidFinishCell = this.cellEmitter.event;
  /** The stored sweeps changed. */
  readonly onDidChangeList = this.listEmitter.event;
  private readonly newId: () => string;

  constructor(private readonly deps: SweepServiceDeps) {
    this.newId = deps.newId ?? (() => newRunId(new Date(deps.clock.now())));
  }

  get state(): SweepHostState {
    const { status, current, sweeps } = this.model;
    return current ? { status, current, sweeps } : { status, sweeps };
  }

  get sweeps(): SweepSummary[] {
    return this.model.sweeps;
  }

  get running(): boolean {
    return this.active !== undefined;
  }

  async init(): Promise<void> {
    const index = await this.deps.store.load();
    this.model = { ...this.model, sweeps: index.sweeps };
    this.listEmitter.fire(index.sweeps);
    this.stateEmitter.fire(this.state);
  }

  dispose(): void {
    this.active?.abort.abort();
    this.active = undefined;
    this.stateEmitter.dispose();
    this.statusEmitter.dispose();
    this.cellEmitter.dispose();
    this.listEmitter.dispose();
  }

  /**
   * Runs a sweep, stopping the one in progress. Resolves when it has ended, however it ended;
   * failures are reported (toast, log, the panel's status), not thrown.
   */
  async start(request: SweepRequest): Promise<void> {
    const { env, notifier, clock, store } = this.deps;
    if (!env.isTrusted()) {
      notifier.log(`[${this.time()}] sweep not started: the workspace is not trusted`);
      return;
    }
    this.active?.abort.abort();
    const id = this.newId();
    const abort = new AbortController();
    this.active = { id, abort };
    const label = `sweep of ${request.exportName} — ${env.relativePath(request.file)}`;
    this.set({ status: { kind: 'running', runId: id, label, phase: 'bundling', done: 0, total: 1 } });
    this.deps.showPanel();
    const runRequest: RunRequest = { file: request.file, exportName: request.exportName, mode: 'run', overrides: request.overrides };
    const t0 = clock.now();
    try {
      const prepared = await this.deps.executor.prepareSweep({
        request: runRequest,
        grid: request.grid,
        sourceText: await env.readSource(request.file),
        settings: env.readSettings(),
        signal: abort.signal,
      });
      notifier.fileBuilt(request.file);
      if (abort.signal.aborted) throw RunFailure.cancelled(request.exportName);
      const config = prepared.config;
      const cells = sweepPoints(config).length;
      notifier.log(
        `[${this.time()}] sweep ${id}: ${request.exportName} in ${request.file}, ${cells} cells; bundle ${prepared.bundleMs} ms, inspect ${prepared.inspectMs} ms`,
      );
      notifier.log(`  settings: ${JSON.stringify(config)}`);
      const startedAt = new Date(clock.now()).toISOString();
      const view: SweepView = {
        sweepId: id,
        config,
        axes: sweepAxes(config),
        successRule: config.successRadius ? { source: 'setting', radius: config.successRadius } : { source: 'automatic' },
        cells: new Array<SweepCell | null>(cells).fill(null),
        source: { file: request.file, exportName: request.exportName },
        startedAt,
      };
      this.set({ current: view, result: undefined, status: { kind: 'running', runId: id, label, phase: 'sweep', done: 0, total: 1 } });
      let lastProgress = -Infinity;
      const result = await prepared.run({
        signal: abort.signal,
        onProgress: (done, total) => {
          if (this.active?.id !== id) return;
          const now = clock.now();
          if (now - lastProgress < PROGRESS_INTERVAL_MS && done < total) return;
          lastProgress = now;
          this.model = { ...this.model, status: { kind: 'running', runId: id, label, phase: 'sweep', done, total } };
          this.statusEmitter.fire(this.model.status);
        },
        onCell: (index, cell) => {
          const current = this.model.current;
          if (this.active?.id !== id || current?.sweepId !== id) return;
          const next = [...current.cells];
          next[index] = cell;
          this.model = { ...this.model, current: { ...current, cells: next } };
          this.cellEmitter.fire({ sweepId: id, index, cell });
        },
      });
      if (abort.signal.aborted) throw RunFailure.cancelled(request.exportName);
      const source = { file: request.file, exportName: request.exportName };
      const summary = summarizeSweep(id, result, source);
      this.set({ status: { kind: 'idle' }, current: sweepView(id, result), result });
      notifier.log(`[${this.time()}] sweep ${id} done in ${clock.now() - t0} ms (${cells} cells)`);
      try {
        const sweeps = await store.add(summary, result);
        this.model = { ...this.model, sweeps };
        this.listEmitter.fire(sweeps);
        this.stateEmitter.fire(this.state);
      } catch (e) {
        notifier.log(`[${this.time()}] could not store sweep ${id}: ${String(e)}`);
        notifier.warn(`SGD Landscape: the sweep was not stored (${e instanceof Error ? e.message : String(e)}); export it to keep it.`);
      }
    } catch (e) {
      const failure = toFailure(e, runRequest);
      // Once stopped or replaced, whatever ends the sweep is the stop.
      const stopped = abort.signal.aborted || isCancellation(failure);
      notifier.log(`[${this.time()}] sweep ${id} ${stopped ? 'stopped' : 'failed'} after ${clock.now() - t0} ms: ${failure.message}`);
      if (stopped && !abort.signal.aborted && this.active?.id === id) {
        // Not the user's Stop: its workers went (a run of another file, or of an edited version, takes the pool).
        notifier.warn(
          `SGD Landscape: the sweep of ${request.exportName} stopped: ${failure.message} (a run of another file or of an edited version replaces the workers). Its finished cells stay in the sweep panel.`,
        );
      }
      if (this.active?.id === id) {
        const current = this.model.current?.sweepId === id ? { ...this.model.current, incomplete: true } : this.model.current;
        const status: RunStatus = stopped
          ? { kind: 'cancelled' }
          : {
              kind: 'error',
              message: failure.message,
              ...(failure.detail.file ? { file: failure.detail.file } : {}),
              ...(failure.detail.line !== undefined ? { line: failure.detail.line } : {}),
              exportName: request.exportName,
            };
        this.set({ status, current });
        if (!stopped) notifier.runFailed(failure);
      }
    } finally {
      if (this.active?.id === id) this.active = undefined;
    }
  }

  /** Stops the running sweep; the cells done so far stay on screen (not stored). */
  stop(): void {
    if (!this.active) return;
    this.deps.notifier.log(`[${this.time()}] stop requested for sweep ${this.active.id}`);
    this.active.abort.abort();
  }

  /** Shows a stored sweep in the sweep panel. */
  async open(id: string): Promise<void> {
    const result = await this.deps.store.get(id);
    if (!result) {
      this.deps.notifier.warn('SGD Landscape: that sweep is no longer stored.');
      return;
    }
    this.set({ current: sweepView(id, result), result });
    this.deps.showPanel();
  }

  /** The run request that repeats cell `index` of the sweep `sweepId` with its exact settings. */
  cellRequest(sweepId: string, index: number): RunRequest | undefined {
    const current = this.model.current;
    if (!current || current.sweepId !== sweepId || !current.source || index >= current.cells.length) return undefined;
    return {
      file: current.source.file,
      exportName: current.source.exportName,
      mode: 'run',
      overrides: cellRunInput(current.config, index),
    };
  }

  /** Saves the shown sweep: SWEEP-RESULT.json or one CSV row per cell. */
  async exportSweep(format: 'json' | 'csv', target?: string): Promise<void> {
    const result = this.model.result;
    if (!result) {
      this.deps.notifier.info(
        this.model.current
          ? 'SGD Landscape: this sweep did not finish; only finished sweeps are exported.'
          : 'SGD Landscape: no sweep to export yet.',
      );
      return;
    }
    const text = format === 'json' ? JSON.stringify(result, null, 1) : sweepCsv(result);
    const written = await this.deps.saver.save(
      { name: `${this.fileStem(result)}.${format}`, format, data: new TextEncoder().encode(text) },
      target,
    );
    if (!written) return;
    this.deps.notifier.log(`[${this.time()}] exported sweep ${format.toUpperCase()} to ${written}`);
    this.deps.notifier.info(`SGD Landscape: sweep saved to ${this.deps.env.relativePath(written)}`);
  }

  /** Saves the phase diagram (PNG bytes of the canvas's data URL, already validated). */
  async savePng(name: string, dataUrl: string, target?: string): Promise<void> {
    const data = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    const written = await this.deps.saver.save({ name: `${name}.png`, format: 'png', data }, target);
    if (written) this.deps.notifier.info(`SGD Landscape: phase diagram saved to ${this.deps.env.relativePath(written)}`);
  }

  private fileStem(result: SweepResult): string {
    return `${result.source?.exportName ?? result.config.function}-sweep-${result.timing.startedAt.replace(/[:.]/g, '-')}`;
  }

  private set(patch: Partial<Model>): void {
    this.model = { ...this.model, ...patch };
    this.stateEmitter.fire(this.state);
  }

  private time(): string {
    return new Date(this.deps.clock.now()).toISOString().slice(11, 23);
  }
}
