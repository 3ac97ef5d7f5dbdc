/**
 * Host ↔ sweep panel protocol (the phase-diagram webview, `webview/sweep/`): types only.
 * Like the landscape panel's (`webview.ts`), the host owns the state and the webview renders it:
 * it says `ready` and gets the whole state; while a sweep goes, each finished cell comes as a
 * `sweepCell` message (cheap), progress as `sweepStatus`. Every message the webview sends is
 * checked by `parseFromSweepWebview` (`validateSweep.ts`) before the host acts on it.
 */
import type { SweepAxes, SweepCell, SweepConfig, SweepResult } from '../engine/sweep';
import type { RunStatus } from './webview';

/** A sweep as listed in "recent sweeps" (side panel) and the sweep panel's picker. */
export interface SweepSummary {
  id: string;
  label: string;
  file: string;
  exportName: string;
  startedAt: string;
  /** Radius values × lr values (× the third axis's). */
  shape: number[];
  cells: number;
  /** Cells where SGD's success rate is at least one half, of `cells`. */
  mostlySuccessful: number;
}

/**
 * A sweep as the panel draws it: SWEEP-RESULT.json's fields, with `cells[i]` null for a cell not
 * finished yet (a running sweep fills them in; a stopped one keeps the holes).
 */
export interface SweepView {
  /** The sweep's id (as in "recent sweeps"): the webview's key for "which sweep is this". */
  sweepId: string;
  config: SweepConfig;
  axes: SweepAxes;
  successRule: SweepResult['successRule'];
  cells: Array<SweepCell | null>;
  source?: { file: string; exportName: string };
  startedAt: string;
  /** Absent while the sweep goes. */
  timing?: SweepResult['timing'];
  /** The sweep was stopped (or failed) before every cell finished. */
  incomplete?: boolean;
}

/** Everything the sweep panel renders. */
export interface SweepHostState {
  /** The sweep in progress (kind running, `runId` the sweep's id), or how the last one ended. */
  status: RunStatus;
  /** The sweep shown: the running one, else the last opened or finished. */
  current?: SweepView;
  sweeps: SweepSummary[];
}

// ---- host → webview ----

export interface SweepStateMessage {
  type: 'sweepState';
  state: SweepHostState;
}
/** One cell of the running sweep finished: its index in the grid (SWEEP-RESULT.json's order). */
export interface SweepCellMessage {
  type: 'sweepCell';
  sweepId: string;
  index: number;
  cell: SweepCell;
}
export interface SweepStatusMessage {
  type: 'sweepStatus';
  status: RunStatus;
}
export type ToSweepWebview = SweepStateMessage | SweepCellMessage | SweepStatusMessage;

// ---- webview → host ----

/** The page is listening: send the state. */
export interface SweepReadyMessage {
  type: 'ready';
}
/** Open cell `index` of the sweep `sweepId` as an ordinary run (its exact settings) in the landscape panel. */
export interface OpenCellMessage {
  type: 'openCell';
  sweepId: string;
  index: number;
}
/** Show a stored sweep. */
export interface OpenSweepMessage {
  type: 'openSweep';
  sweepId: string;
}
/** Save the shown sweep: SWEEP-RESULT.json, or one CSV row per cell. */
export interface ExportSweepMessage {
  type: 'exportSweep';
  format: 'json' | 'csv';
}
/** Save the phase diagram as PNG (data URL of its canvas). */
export interface ExportSweepPngMessage {
  type: 'exportPng';
  name: string;
  dataUrl: string;
}
/** Stop the running sweep (the cells done so far stay). */
export interface StopSweepMessage {
  type: 'stop';
}

export type FromSweepWebview =
  SweepReadyMessage | OpenCellMessage | OpenSweepMessage | ExportSweepMessage | ExportSweepPngMessage | StopSweepMessage;
