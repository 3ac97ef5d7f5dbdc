/**
 * What the run service (`runService.ts`) needs from the world, as small interfaces: the stored
 * runs, the runner (bundle + prepare + run), the clock, the notifier, the file saver and the
 * editor's environment. The extension passes `vscode`-backed ones (`vscodePorts.ts`), the unit
 * tests plain fakes. No `vscode` import here.
 */
import type { SweepCell, SweepConfig, SweepGrid, SweepResult } from '../engine/sweep';
import type { ExperimentResult, RunConfig } from '../engine/types';
import type { SuggestedField, Suggestion } from '../engine/suggest';
import type { SweepSummary } from '../protocol/sweep';
import type { RunSummary } from '../protocol/webview';
import type { RunFailure } from '../runner/failure';
import type { RunPartial, RunProgress } from '../runner/pool';
import type { RunRequest } from './runSession';
import type { StoreIndex, StoreOutcome } from './runStore';
import type { ExtensionSettings } from './settings';

/** Subscribe to an event; dispose the result to unsubscribe (shaped like `vscode.Event`). */
export type Event<T> = (listener: (e: T) => void) => { dispose(): void };

/** A minimal event emitter for `Event`. */
export class Emitter<T> {
  private readonly listeners = new Set<(e: T) => void>();
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** The stored runs (`RunStore`). */
export interface RunStorage {
  load(): Promise<StoreIndex>;
  readonly lastRequest: RunRequest | undefined;
  setLastRequest(request: RunRequest): Promise<void>;
  /** Stores a finished run; throws `RunTooLarge` when it does not fit. */
  add(summary: RunSummary, result: ExperimentResult): Promise<StoreOutcome>;
  get(id: string): Promise<ExperimentResult | undefined>;
}

/** A run bundled, inspected and resolved, ready to go. */
export interface PreparedExperiment {
  config: RunConfig;
  /** For the log. */
  bundleMs: number;
  inspectMs: number;
  /** lr, radius, steps derived from the function where no layer set them, with the reasons. */
  suggestion?: Suggestion & { fields: SuggestedField[] };
  /** Runs the trials; rejects with a RunFailure (a cancellation when `signal` aborts). */
  run(hooks: { signal: AbortSignal; onProgress(p: RunProgress): void; onPartial(p: RunPartial): void }): Promise<ExperimentResult>;
}

/** The runner: from a request to a prepared experiment (the worker pool in the extension). */
export interface RunExecutor {
  /** Bundles the file, inspects it in a worker and resolves settings < file defaults < overrides. */
  prepare(args: {
    request: RunRequest;
    sourceText: string;
    settings: ExtensionSettings;
    signal: AbortSignal;
    /** Called when preparing enters a step that runs the loss (e.g. 'sampling curvature'), for the status line. */
    onPhase?(phase: string): void;
  }): Promise<PreparedExperiment>;
  dispose(): void;
}

/** The stored sweeps (`SweepStore`). */
export interface SweepStorage {
  load(): Promise<{ sweeps: SweepSummary[] }>;
  /** Stores a finished sweep; the index's sweeps afterwards, newest first. */
  add(summary: SweepSummary, result: SweepResult): Promise<SweepSummary[]>;
  get(id: string): Promise<SweepResult | undefined>;
}

/** A sweep bundled, inspected and resolved (the run's settings and the grid), ready to go. */
export interface PreparedSweep {
  config: SweepConfig;
  bundleMs: number;
  inspectMs: number;
  /** Runs every cell; rejects with a RunFailure (a cancellation when `signal` aborts). */
  run(hooks: {
    signal: AbortSignal;
    onProgress(done: number, total: number): void;
    onCell(index: number, cell: SweepCell): void;
  }): Promise<SweepResult>;
}

/** The runner of sweeps: a run's preparation, then the grid resolved over it (the worker pool in the extension). */
export interface SweepExecutor {
  /** Bundles and resolves like `RunExecutor.prepare`, then checks the grid; rejects with a RunFailure. */
  prepareSweep(args: {
    request: RunRequest;
    grid: SweepGrid;
    sourceText: string;
    settings: ExtensionSettings;
    signal: AbortSignal;
  }): Promise<PreparedSweep>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Where the user hears about things. */
export interface Notifier {
  /** A line for the output channel. */
  log(line: string): void;
  info(message: string): void;
  /**
   * A warning toast. `showPanel`: with a "Show Summary" button that reveals the landscape panel;
   * a toast with a button is shown expanded, its whole message wrapped, where VS Code cuts a
   * button-less toast to one line ("100 of 100 SGD trials of rosenbrock2 diverg…").
   */
  warn(message: string, opts?: { showPanel?: boolean }): void;
  /** A run failed (not a cancellation): a toast with "Go to Error" / "Show Log", diagnostics for syntax errors. */
  runFailed(failure: RunFailure): void;
  /** The file bundled cleanly: its syntax diagnostics from an earlier build are stale. */
  fileBuilt(file: string): void;
  /** Open or reveal the landscape panel. */
  showPanel(): void;
}

/** A file the user saves through a save dialog. */
export interface SaveRequest {
  /** Suggested file name, e.g. `bowl-2026…-finals.png`. */
  name: string;
  format: 'json' | 'csv' | 'png';
  data: Uint8Array;
}

export interface Saver {
  /** Writes `data` to `target`, or where the user picks; the path written, or undefined when cancelled. */
  save(request: SaveRequest, target?: string): Promise<string | undefined>;
}

/** The editor's view of the active file, for the side panel's controls. */
export interface EditorSnapshot {
  file: string;
  /** The editor's text (unsaved edits included). */
  text: string;
  /** 0-based line of the cursor. */
  cursorLine: number;
}

/** The host environment the service reads. */
export interface HostEnvironment {
  /** The validated `sgdLandscape.*` settings; throws SettingsError on a bad value. */
  readSettings(): ExtensionSettings;
  /** The file's text: the open editor's (unsaved edits included), else the file on disk. */
  readSource(file: string): Promise<string>;
  /** A path as the user reads it (relative to the workspace). */
  relativePath(file: string): string;
  isTrusted(): boolean;
}
