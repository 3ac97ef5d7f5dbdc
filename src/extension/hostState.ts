/**
 * The seam between the host (the run service's state, the controller's message handling) and the
 * webview providers (the landscape panel and the side panel), which only render `state` and
 * forward validated messages.
 */
import type { FromWebview, HostState, LiveView, RunStatus } from '../protocol/webview';
import type { Event } from './ports';

/** What the host acts on; `ready` is the providers' own business (they answer with the state). */
export type HostMessage = Exclude<FromWebview, { type: 'ready' }>;

export interface HostStateSource {
  /** The full state a freshly resolved webview is hydrated with. */
  readonly state: HostState;
  /** Fires after any change of `state` (new result, runs list, controls, error). */
  readonly onDidChangeState: Event<HostState>;
  /** Fires often while a run goes (progress); cheaper than a full state. */
  readonly onDidChangeStatus: Event<RunStatus>;
  /** Fires (throttled, a few times a second) as partial results of the running experiment arrive; also kept in `state.live`. */
  readonly onDidChangeLive: Event<LiveView>;
  /** A message from a webview, already validated by `parseFromWebview`. */
  handle(message: HostMessage): Promise<void>;
}
