/**
 * The sweep panel (viewType `sgdLandscape.sweep`): the phase diagram of the shown sweep, one
 * WebviewPanel beside the editor, a renderer of the sweep service's state like the landscape
 * panel is of the run service's: hydrated on `ready` and when it becomes visible after a change,
 * posted to only while visible; while a sweep goes each finished cell is posted alone. Messages
 * are validated by `parseFromSweepWebview` before the host acts on them.
 */
import * as vscode from 'vscode';
import type { FromSweepWebview, SweepHostState, ToSweepWebview } from '../protocol/sweep';
import type { RunStatus } from '../protocol/webview';
import { explainSweepRejection, parseFromSweepWebview } from '../protocol/validateWebview';
import type { Event } from './ports';
import type { CellEvent } from './sweepService';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** What the panel renders and where its messages go. */
export interface SweepStateSource {
  readonly state: SweepHostState;
  readonly onDidChangeState: Event<SweepHostState>;
  readonly onDidChangeStatus: Event<RunStatus>;
  readonly onDidFinishCell: Event<CellEvent>;
  handleSweep(message: Exclude<FromSweepWebview, { type: 'ready' }>): Promise<void>;
}

export class SweepPanel implements vscode.Disposable {
  static readonly viewType = 'sgdLandscape.sweep';
  private static _current: SweepPanel | undefined;
  static get current(): SweepPanel | undefined {
    return SweepPanel._current;
  }

  private readonly disposables: vscode.Disposable[] = [];
  /** A change arrived while hidden: hydrate on the next show. */
  private stale = false;
  private disposed = false;

  static createOrShow(extensionUri: vscode.Uri, source: SweepStateSource): SweepPanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    if (SweepPanel._current) {
      SweepPanel._current.panel.reveal(undefined, true);
      return SweepPanel._current;
    }
    const panel = vscode.window.createWebviewPanel(
      SweepPanel.viewType,
      'SGD Sweep',
      { viewColumn: column, preserveFocus: true },
      { ...webviewOptions(extensionUri), retainContextWhenHidden: false },
    );
    return SweepPanel.revive(panel, extensionUri, source);
  }

  /** Takes over a panel VS Code restored after a reload (or one just created). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, source: SweepStateSource): SweepPanel {
    SweepPanel._current?.dispose();
    SweepPanel._current = new SweepPanel(panel, extensionUri, source);
    return SweepPanel._current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: SweepStateSource,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'sweep', 'SGD Sweep');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.stale) this.hydrate();
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      source.onDidChangeState(() => (panel.visible ? this.hydrate() : (this.stale = true))),
      source.onDidChangeStatus((status) => {
        if (panel.visible) this.post({ type: 'sweepStatus', status });
      }),
      source.onDidFinishCell((e) => {
        if (panel.visible) this.post({ type: 'sweepCell', ...e });
        else this.stale = true;
      }),
    );
  }

  private hydrate(): void {
    this.stale = false;
    this.post({ type: 'sweepState', state: this.source.state });
  }

  private post(message: ToSweepWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFromSweepWebview(raw);
    if (!message) {
      console.warn(`[sgd-landscape] sweep panel: ignored a message (${explainSweepRejection(raw)})`);
      return;
    }
    try {
      if (message.type === 'ready') this.hydrate();
      else await this.source.handleSweep(message);
    } catch (e) {
      void vscode.window.showErrorMessage(`SGD Landscape: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (SweepPanel._current === this) SweepPanel._current = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
    this.panel.dispose();
  }
}
