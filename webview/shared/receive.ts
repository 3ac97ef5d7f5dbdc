/**
 * The webview side of the host's `stateMessage` / `liveMessage` (src/extension/viewModel.ts): puts
 * back what the host left out because this page already has it (the shown run, the comparison, a live landscape).
 */
import type {
  HostState,
  LiveMessage,
  LiveView,
  SideHostState,
  SideLiveMessage,
  SideLiveView,
  SideStateMessage,
  StateMessage,
} from '../../src/protocol/webview';

/** The full state (the panel's `HostState`, or the side panel's projection of it), with the kept run put back. */
export function receiveState(message: StateMessage, previous: HostState): HostState;
export function receiveState(message: SideStateMessage, previous: SideHostState): SideHostState;
export function receiveState(
  message: { state: { current?: unknown; compare?: unknown }; keepCurrent?: boolean; keepCompare?: boolean },
  previous: { current?: unknown; compare?: unknown },
): unknown {
  let state = message.state;
  if (message.keepCurrent && !state.current && previous.current) state = { ...state, current: previous.current };
  if (message.keepCompare && !state.compare && previous.compare) state = { ...state, compare: previous.compare };
  return state;
}

/** The live view (the panel's, or the side panel's projection of it) with the kept landscape put back. */
export function receiveLive(message: LiveMessage, previous: LiveView | undefined): LiveView;
export function receiveLive(message: SideLiveMessage, previous: SideLiveView | undefined): SideLiveView;
export function receiveLive(
  message: { live: { runId: string; view?: { landscape: unknown } }; keepLandscape?: boolean },
  previous: { runId: string; view?: { landscape: unknown } } | undefined,
): unknown {
  const { live } = message;
  if (message.keepLandscape && live.view && previous?.runId === live.runId && previous.view) {
    return { ...live, view: { ...live.view, landscape: previous.view.landscape } };
  }
  return live;
}
