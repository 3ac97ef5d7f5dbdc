/**
 * The webview side of the host's `stateMessage` / `liveMessage` (src/extension/viewModel.ts): puts
 * back what the host left out because this page already has it (the shown run, the comparison, a live landscape).
 */
import type { HostState, LiveMessage, LiveView, StateMessage } from '../../src/protocol/webview';

/** The full state, with the kept run put back. */
export function receiveState(message: StateMessage, previous: HostState): HostState {
  let state = message.state;
  if (message.keepCurrent && !state.current && previous.current) state = { ...state, current: previous.current };
  if (message.keepCompare && !state.compare && previous.compare) state = { ...state, compare: previous.compare };
  return state;
}

/** The live view with the kept landscape put back. */
export function receiveLive(message: LiveMessage, previous: LiveView | undefined): LiveView {
  const { live } = message;
  if (message.keepLandscape && live.view && previous?.runId === live.runId && previous.view) {
    return { ...live, view: { ...live.view, landscape: previous.view.landscape } };
  }
  return live;
}
