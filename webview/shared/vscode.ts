/**
 * The webview's handle on VS Code, typed by the shared protocol so a webview cannot post
 * anything outside it. `acquireVsCodeApi` may be called once per page; this module does it.
 */
import type { FromWebview, ToSideWebview, ToWebview } from '../../src/protocol/webview';
import { unpackNumbers } from '../../src/protocol/packNumbers';

interface VsCodeApi<S> {
  postMessage(message: FromWebview): void;
  getState(): S | undefined;
  setState(state: S): S;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** `M`: what the host posts this page: `ToWebview`, or the side panel's `ToSideWebview`. */
export interface Host<S, M extends ToWebview | ToSideWebview = ToWebview> {
  post(message: FromWebview): void;
  getState(): S | undefined;
  setState(state: S): void;
  /** Installs the listener, then says `ready` so the host answers with the full state. */
  listen(handler: (message: M) => void): void;
}

let arrivedAt = 0;

/** This page's clock (ms since the epoch) when the message being handled arrived, before it was unpacked. */
export function messageArrivedAt(): number {
  return arrivedAt;
}

export function connect<S, M extends ToWebview | ToSideWebview = ToWebview>(): Host<S, M> {
  const api = acquireVsCodeApi<S>();
  return {
    post: (m) => api.postMessage(m),
    getState: () => api.getState(),
    setState: (s) => void api.setState(s),
    listen(handler) {
      window.addEventListener('message', (e: MessageEvent) => {
        arrivedAt = Date.now();
        const m = e.data as M | undefined;
        // The host packs long number arrays (src/protocol/packNumbers.ts); the handlers get them back as JSON would give them.
        if (m && (m.type === 'state' || m.type === 'status' || m.type === 'live')) handler(unpackNumbers(m));
      });
      api.postMessage({ type: 'ready' });
    },
  };
}
