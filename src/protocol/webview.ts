/**
 * Host ↔ webview protocol, shared by the landscape panel and the side panel.
 * The host owns all state; webviews are renderers that say `ready` and get the whole state back.
 * Everything a webview sends is validated by `parseFromWebview` before the host acts on it.
 */
import type { ExperimentResult, NoiseKind, RunConfigInput } from '../engine/types';

/** A run as listed in "recent runs". */
export interface RunSummary {
  id: string;
  label: string;
  file: string;
  exportName: string;
  startedAt: string;
  dim: number;
  trials: number;
  successSgd: number;
  successGd: number;
  c: number;
  diverged: number;
}

/** What a run looks like while it goes, or how it ended. */
export type RunStatus =
  | { kind: 'idle' }
  | { kind: 'running'; runId: string; label: string; phase: string; done: number; total: number }
  | { kind: 'error'; message: string; file?: string; line?: number; exportName?: string }
  | { kind: 'cancelled' };

/** Controls of the side panel, mirrored from settings and the active file. */
export interface ControlsState {
  file?: string;
  functions: Array<{ name: string; dim: number | null; line: number }>;
  selected?: string;
  settings: RunConfigInput & { lr: number; radius: number; noise: NoiseKind; steps: number };
  trusted: boolean;
}

export interface HostState {
  status: RunStatus;
  /** The run shown in the panel (the last good one; kept when a later run fails). */
  current?: ExperimentResult;
  runs: RunSummary[];
  controls?: ControlsState;
}

// ---- host → webview ----

/** Full state (answer to `ready`, and after any change a renderer cannot derive). */
export interface StateMessage { type: 'state'; state: HostState }
/** Progress of the running experiment. */
export interface StatusMessage { type: 'status'; status: RunStatus }

export type ToWebview = StateMessage | StatusMessage;

// ---- webview → host ----

/** The webview's listener is installed; send the state. */
export interface ReadyMessage { type: 'ready' }
/** Side panel: run the selected function with these settings. */
export interface RunMessage { type: 'run'; exportName?: string; settings: RunConfigInput & { lr?: number; radius?: number; noise?: NoiseKind; steps?: number } }
/** Stop the running experiment. */
export interface StopMessage { type: 'stop' }
/** Show a past run in the panel. */
export interface OpenRunMessage { type: 'openRun'; runId: string }
/** Save a chart as PNG (data URL of the canvas). */
export interface ExportPngMessage { type: 'exportPng'; name: string; dataUrl: string }
/** Export the shown run. */
export interface ExportRunMessage { type: 'exportRun'; format: 'json' | 'csv' }
/** Reveal a location in the user's file (error links). */
export interface RevealMessage { type: 'reveal'; file: string; line: number }

export type FromWebview =
  | ReadyMessage
  | RunMessage
  | StopMessage
  | OpenRunMessage
  | ExportPngMessage
  | ExportRunMessage
  | RevealMessage;
