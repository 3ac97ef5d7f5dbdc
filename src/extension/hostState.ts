/**
 * The seam between the run controller (owns runs, settings and persisted results) and the
 * webview providers (the landscape panel and the side panel), which only render `state` and
 * forward validated messages.
 */
import type * as vscode from 'vscode';
import type { FromWebview, HostState, LiveView, RunStatus } from '../protocol/webview';

export interface HostStateSource {
  /** The full state a freshly resolved webview is hydrated with. */
  readonly state: HostState;
  /** Fires after any change of `state` (new result, runs list, controls, error). */
  readonly onDidChangeState: vscode.Event<HostState>;
  /** Fires often while a run goes (progress); cheaper than a full state. */
  readonly onDidChangeStatus: vscode.Event<RunStatus>;
  /** Fires (throttled, a few times a second) as partial results of the running experiment arrive; also kept in `state.live`. */
  readonly onDidChangeLive: vscode.Event<LiveView>;
  /** A message from a webview, already validated by `parseFromWebview`. */
  handle(message: FromWebview): Promise<void>;
}
