/**
 * The side panel (view id `sgdLandscape.controls`): run controls, a summary of the shown run, a
 * small landscape chart and the recent runs. A WebviewViewProvider that renders the
 * HostStateSource's state like the landscape panel does: hydrated on `ready` and when it becomes
 * visible again, posted to only while visible.
 *
 *   new ControlsViewProvider(extensionUri, source)
 *   vscode.window.registerWebviewViewProvider(ControlsViewProvider.viewType, provider)
 *
 * Messages are validated by `parseFromWebview` and forwarded to `source.handle`.
 */
import * as vscode from 'vscode';
import { explainRejection, parseFromWebview, stateMessage, type ToWebview, type ViewResult } from '../protocol/webview';
import type { HostStateSource } from './hostState';
import { webviewHtml, webviewOptions } from './webviewHtml';

export class ControlsViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'sgdLandscape.controls';

  private view?: vscode.WebviewView;
  private stale = false;
  private viewDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: HostStateSource,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.postedCurrent = undefined;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'sidebar', 'SGD Landscape controls');
    this.viewDisposables.push(
      view.onDidDispose(() => {
        if (this.view === view) this.disposeView();
      }),
      view.onDidChangeVisibility(() => {
        if (view.visible && this.stale) this.hydrate();
      }),
      view.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      this.source.onDidChangeState(() => {
        if (view.visible) this.hydrate();
        else this.stale = true;
      }),
      this.source.onDidChangeStatus((status) => {
        if (view.visible) this.post({ type: 'status', status });
      }),
    );
  }

  /** The run last posted to this page (not re-sent while it stays the same object). */
  private postedCurrent: ViewResult | undefined;

  /** Sends the state; `fresh`: the page has nothing yet (it just said `ready`). */
  hydrate(fresh = false): void {
    this.stale = false;
    if (fresh) this.postedCurrent = undefined;
    const state = this.source.state;
    this.post(stateMessage(state, this.postedCurrent));
    this.postedCurrent = state.current;
  }

  private post(message: ToWebview): void {
    if (this.view) void this.view.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      const why = explainRejection(raw);
      console.warn(`[sgd-landscape] side panel: ignored a message (${why})`);
      // A refused run is the one case a user caused and must hear about (out-of-range settings).
      if ((raw as { type?: unknown } | null)?.type === 'run') void vscode.window.showWarningMessage(`SGD Landscape: run not started: ${why}`);
      return;
    }
    if (message.type === 'ready') {
      this.hydrate(true);
      return;
    }
    try {
      await this.source.handle(message);
    } catch (e) {
      void vscode.window.showErrorMessage(`SGD Landscape: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private disposeView(): void {
    while (this.viewDisposables.length) this.viewDisposables.pop()?.dispose();
    this.view = undefined;
  }
}
