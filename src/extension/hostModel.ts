/**
 * The host's state as a reducer over events: what the webviews render (`HostState`) and what only
 * the host keeps (the full result behind the shown run, the id of the run in progress). Pure, no
 * `vscode`: `RunService` dispatches the events, the tests feed them directly.
 *
 * One rule makes overtaking runs safe: run events (progress, partial, succeeded, failed, cancelled)
 * change the state only while their run is the active one, so a run that a newer start replaced
 * can never overwrite the newer run's state, and a failure keeps the last good result on screen.
 */
import type { ExperimentResult } from '../engine/types';
import type { CompareState, ControlsState, HostState, LiveView, RunStatus, RunSummary, ViewResult } from '../protocol/webview';
import type { FailureDetail } from '../protocol/worker';

export interface HostModel {
  /** What the webviews render. */
  readonly state: HostState;
  /** The full result behind `state.current` (Export writes it; the view drops per-trial data). */
  readonly result?: ExperimentResult;
  /** The run in progress; only its events change the state. */
  readonly activeRunId?: string;
}

export type HostEvent =
  /** A run was asked for (it replaces any run in progress). */
  | { type: 'started'; runId: string; label: string }
  /** Progress of a run: phase and work units done of the total. */
  | { type: 'progress'; runId: string; phase: string; done: number; total: number }
  /** Partial results of a run, shaped for drawing. */
  | { type: 'partial'; runId: string; live: LiveView }
  /** A run finished: its result, its view and its line in "recent runs". */
  | { type: 'succeeded'; runId: string; result: ExperimentResult; view: ViewResult; summary: RunSummary }
  /** A run failed; `detail` says what, where and at which input. */
  | { type: 'failed'; runId: string; detail: FailureDetail }
  /** A run was stopped (Stop, or the time limit's cancel). */
  | { type: 'cancelled'; runId: string }
  /** The side panel's controls (active file, its functions, the settings) changed. */
  | { type: 'controlsChanged'; controls: ControlsState }
  /** A stored run was opened: it becomes the shown one. */
  | { type: 'runOpened'; result: ExperimentResult; view: ViewResult }
  /** The list of stored runs as the store holds it (after a run was stored or the store loaded). */
  | { type: 'runsListed'; runs: RunSummary[] }
  /** Stored runs to compare side by side were loaded (undefined: the comparison was closed). */
  | { type: 'compareOpened'; compare: CompareState | undefined };

export const INITIAL_MODEL: HostModel = { state: { status: { kind: 'idle' }, runs: [] } };

/** The status line of a failed run (the error banner links `file:line`). */
function errorStatus(d: FailureDetail): RunStatus {
  const status: RunStatus = { kind: 'error', message: d.message };
  if (d.file) status.file = d.file;
  if (d.line !== undefined) status.line = d.line;
  if (d.exportName) status.exportName = d.exportName;
  return status;
}

/** The next model; the same object when the event changes nothing (a replaced run's late events). */
export function reduce(model: HostModel, event: HostEvent): HostModel {
  const { state } = model;
  switch (event.type) {
    case 'started':
      // A replaced run's partial results are not this run's.
      return {
        ...model,
        activeRunId: event.runId,
        state: {
          ...state,
          live: undefined,
          status: { kind: 'running', runId: event.runId, label: event.label, phase: 'bundling', done: 0, total: 1 },
        },
      };
    case 'controlsChanged':
      return { ...model, state: { ...state, controls: event.controls } };
    case 'runOpened':
      return { ...model, result: event.result, state: { ...state, current: event.view } };
    case 'runsListed':
      return { ...model, state: { ...state, runs: event.runs } };
    case 'compareOpened': {
      const { compare: _closed, ...rest } = state;
      return { ...model, state: event.compare ? { ...state, compare: event.compare } : rest };
    }
  }
  // Run events: only the active run's count.
  if (event.runId !== model.activeRunId || state.status.kind !== 'running') return model;
  switch (event.type) {
    case 'progress':
      return {
        ...model,
        state: { ...state, status: { ...state.status, phase: event.phase, done: event.done, total: event.total } },
      };
    case 'partial':
      return { ...model, state: { ...state, live: event.live } };
    case 'succeeded':
      return {
        result: event.result,
        state: {
          ...state,
          status: { kind: 'idle' },
          current: event.view,
          live: undefined,
          runs: [event.summary, ...state.runs.filter((r) => r.id !== event.summary.id)],
        },
      };
    case 'failed':
      // The last good result stays in `current`; the failed run's partial results are dropped.
      return { ...model, activeRunId: undefined, state: { ...state, status: errorStatus(event.detail), live: undefined } };
    case 'cancelled':
      return { ...model, activeRunId: undefined, state: { ...state, status: { kind: 'cancelled' }, live: undefined } };
  }
}

/** Whether a webview may reveal `file`: a stored run's source, the shown or failing file, the controls' file. */
export function isKnownFile(model: HostModel, file: string): boolean {
  const { state, result } = model;
  return (
    state.runs.some((r) => r.file === file) ||
    result?.source?.file === file ||
    (state.status.kind === 'error' && state.status.file === file) ||
    state.controls?.file === file
  );
}
