/**
 * What both webviews (the landscape panel and the side panel) do with the host's state: hydrate
 * the whole state on `ready` and when shown again after a change, post only while visible, never
 * re-send the same run (or, for live updates, the same landscape), keep one status and one live
 * update in flight at a time (`UpdateGate`: the newest waits, so the run's result never queues
 * behind stale ones), and validate every incoming message with `parseFromWebview` before the
 * host acts on it.
 */
import * as vscode from 'vscode';
import type { CompareState, LiveView, RunStatus, ToSideWebview, ToWebview, ViewResult } from '../protocol/webview';
import { explainRejection, parseFromWebview } from '../protocol/validateWebview';
import { liveMessage, stateMessage } from './viewModel';
import { packNumbers } from '../protocol/packNumbers';
import { UpdateGate } from './updateGate';
import type { HostStateSource } from './hostState';

export interface StateChannelOptions {
  /** For log lines: "panel", "side panel". */
  name: string;
  /** Also stream the running experiment's partial results (`live` messages). */
  live?: boolean;
  /**
   * What this page gets of each message (`state`, `live`) decided for the panel: the side panel's
   * `toSideMessage` (viewModel.ts) leaves out what it does not read. Absent: the message as is.
   */
  project?: (message: ToWebview) => ToSideWebview;
}

export class StateChannel implements vscode.Disposable {
  /** A change arrived while hidden: hydrate on the next show. */
  private stale = false;
  /** The run last posted to this page (not re-sent while it stays the same object). */
  private postedCurrent: ViewResult | undefined;
  /** The comparison last posted to this page (not re-sent while it stays the same object). */
  private postedCompare: CompareState | undefined;
  /** The live view last posted to this page (its landscape is not re-sent). */
  private postedLive: LiveView | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** One status and one live update in flight at a time, the newest of each kept meanwhile (updateGate.ts). */
  private readonly statusGate = new UpdateGate<RunStatus>((status) => this.post({ type: 'status', status }));
  private readonly liveGate = new UpdateGate<LiveView>((live) => {
    const message = liveMessage(live, this.postedLive);
    this.postedLive = live;
    return this.post(message);
  });

  constructor(
    private readonly webview: vscode.Webview,
    private readonly isVisible: () => boolean,
    onDidChangeVisibility: vscode.Event<unknown>,
    private readonly source: HostStateSource,
    private readonly options: StateChannelOptions,
  ) {
    this.disposables.push(
      onDidChangeVisibility(() => {
        if (this.isVisible() && this.stale) this.hydrate();
      }),
      webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      source.onDidChangeState(() => {
        if (this.isVisible()) this.hydrate();
        else this.stale = true;
      }),
      source.onDidChangeStatus((status) => {
        if (this.isVisible()) this.statusGate.offer(status);
      }),
    );
    if (options.live) {
      this.disposables.push(
        // A hidden page gets the live view with the state when shown.
        source.onDidChangeLive((live) => {
          if (!this.isVisible()) {
            this.stale = true;
            return;
          }
          this.liveGate.offer(live);
        }),
      );
    }
  }

  /** Sends the state (the answer to `ready`, and after any change); `fresh`: the page has nothing yet. */
  hydrate(fresh = false): void {
    this.stale = false;
    // The state carries the newest status and live view: updates kept for later would be older.
    this.statusGate.drop();
    this.liveGate.drop();
    if (fresh) {
      this.postedCurrent = undefined;
      this.postedCompare = undefined;
    }
    const state = this.source.state;
    void this.post(stateMessage(state, this.postedCurrent, this.postedCompare));
    this.postedCurrent = state.current;
    this.postedCompare = state.compare;
    this.postedLive = state.live;
  }

  /**
   * Long number arrays go as one Float64Array beside the JSON (packNumbers.ts); the page unpacks
   * them. What is (not) re-sent is decided on the full message, then projected for this page.
   */
  private post(message: ToWebview): Thenable<boolean> {
    const project = this.options.project;
    if (project) return this.webview.postMessage(packNumbers(project(message)));
    const packed = packNumbers(message);
    if (packed.type === 'state') packed.postedAt = Date.now();
    return this.webview.postMessage(packed);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      const why = explainRejection(raw);
      console.warn(`[sgd-landscape] ${this.options.name}: ignored a message (${why})`);
      // A refused run is the one case a user caused and must hear about (out-of-range settings).
      if ((raw as { type?: unknown } | null)?.type === 'run')
        void vscode.window.showWarningMessage(`SGD Landscape: run not started: ${why}`);
      return;
    }
    try {
      if (message.type === 'ready') {
        this.hydrate(true);
        return;
      }
      await this.source.handle(message);
    } catch (e) {
      void vscode.window.showErrorMessage(`SGD Landscape: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
